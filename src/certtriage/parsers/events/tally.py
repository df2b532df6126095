"""A log summarised as an engineer reads it first: how many records, over what time, from
which computers, and how many of each provider's event ids, certificate events apart.

Every record read is counted, relevant or not, so the summary of a 65,000-record System log
holds every provider and event id it contains while only the certificate events are kept as
:class:`Event` models. Memory is bounded by the number of distinct (provider, id) pairs and
computers, each capped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterable
from datetime import datetime
from typing import Any

from ...knowledge.catalog import event_knowledge
from .model import ComputerCount, EventCount

#: Distinct (provider, id) pairs and computers kept; the rest are counted together.
MAX_KEYS = 2000
MAX_COMPUTERS = 200
_ISO = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
_LEVELS = {"1": "critical", "2": "error", "3": "warning", "4": "information", "5": "verbose",
           "0": "information"}

#: The provider of a record whose System block names none.
UNKNOWN = "(unknown)"


class Tally:
    """Counts records as they stream by; :meth:`fields` gives the summary fields of an
    :class:`EventLog`."""

    def __init__(self) -> None:
        self.records = 0
        self._counts: dict[tuple[str, int], list[Any]] = {}
        self._computers: dict[str, int] = {}
        self._names: dict[str, tuple[str, bool]] = {}
        #: The count, first and last time of records past MAX_KEYS pairs (for the span).
        self._overflowed: list[Any] = [0, None, None, None]
        self.overflow = 0

    def add(self, provider: str, event_id: int, time: str | None = None,
            computer: str | None = None, level: str | None = None,
            at: datetime | None = None, key: str | None = None) -> None:
        """Count one record; `at` orders times that are not ISO 8601 text, `key` (when the
        caller knows the times sort as text) saves working it out."""
        self.records += 1
        known = self._names.get(provider)
        name = known[0] if known is not None else self._name(provider)[0]
        if key is None:
            key = _order(time, at)
        entry = self._entry(name, event_id, level)
        entry[0] += 1
        if key is not None and time:
            _seen(entry, key, time)
        if computer:
            self._computer(computer)

    def _entry(self, name: str, event_id: int, level: str | None) -> list[Any]:
        """The counts of a (provider, id) pair: [count, first, last, level]; past MAX_KEYS
        pairs, the shared entry of the records not counted by pair (and one more of them)."""
        entry = self._counts.get((name, event_id))
        if entry is None:
            if len(self._counts) >= MAX_KEYS:
                self.overflow += 1
                return self._overflowed
            entry = self._counts[(name, event_id)] = [0, None, None, level]
        return entry

    def _computer(self, computer: str) -> None:
        if computer in self._computers or len(self._computers) < MAX_COMPUTERS:
            self._computers[computer] = self._computers.get(computer, 0) + 1

    def _name(self, provider: str) -> tuple[str, bool]:
        known = self._names.get(provider)
        if known is None:
            knowledge = event_knowledge()
            relevant = knowledge.relevant(provider)
            known = (knowledge.canonical(provider) if relevant else provider.strip(), relevant)
            self._names[provider] = known
        return known

    def fields(self) -> dict[str, Any]:
        """first_time, last_time, computers and counts, as the model names them."""
        knowledge = event_knowledge()
        counts = [EventCount(provider=p, event_id=i, count=n, level=level,
                             first=first[1] if first else None, last=last[1] if last else None,
                             certificate=knowledge.about_certificates(p, i))
                  for (p, i), (n, first, last, level) in self._counts.items()]
        counts.sort(key=lambda c: (not c.certificate, -c.count, c.provider, c.event_id))
        computers = sorted(self._computers.items(), key=lambda kv: (-kv[1], kv[0]))
        entries = [*self._counts.values(), self._overflowed]
        first = min((e[1] for e in entries if e[1] is not None), default=None)
        last = max((e[2] for e in entries if e[2] is not None), default=None)
        return {
            "first_time": first[1] if first else None,
            "last_time": last[1] if last else None,
            "computers": tuple(ComputerCount(computer=n, count=c) for n, c in computers),
            "counts": tuple(counts), "uncounted": self.overflow,
        }


def _seen(entry: list[Any], key: str, time: str) -> None:
    """Widen an entry's (key, time) span to a record's time."""
    if entry[1] is None or key < entry[1][0]:
        entry[1] = (key, time)
    if entry[2] is None or key >= entry[2][0]:
        entry[2] = (key, time)


def _order(time: str | None, at: datetime | None) -> str | None:
    """A key that sorts times chronologically: ISO text as it is, else the parsed time."""
    if time and _ISO.match(time):
        return time.replace(" ", "T")
    return at.isoformat() if at is not None else None


# ---- the System block of an EVTX record's JSON, read without decoding the record -------------
_DIGITS = re.compile(r"\d+")


def _string_at(text: str, label: str, start: int) -> tuple[str | None, int]:
    """The string value after `label` (`"Name":"`) from `start`, and where it ends."""
    at = text.find(label, start)
    if at < 0:
        return None, start
    begin = at + len(label)
    end = text.find('"', begin)
    while end > 0 and _escaped(text, end):
        end = text.find('"', end + 1)
    if end < 0:
        return None, start
    value = text[begin:end]
    return (_unescape(value) if "\\" in value else value), end


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    run = 0
    while text[index - 1 - run] == "\\":
        run += 1
    return run % 2 == 1


def _number_at(text: str, label: str, start: int) -> tuple[int | None, int]:
    """The number after `label` (`"Name":`) from `start`, and where it ends; of an element
    with attributes (`"Name":{"#attributes":{...},"#text":N}`), its text."""
    at = text.find(label, start)
    if at < 0:
        return None, start
    at += len(label)
    if text.startswith("{", at):
        inner = text.find('"#text":', at)
        if inner < 0:
            return None, start
        at = inner + 8
    m = _DIGITS.match(text, at)
    return (int(m[0]), m.end()) if m else (None, start)


class EvtxTally(Tally):
    """A :class:`Tally` fed with EVTX records' JSON text. This runs for every record of a
    file, so it does as little as it can: the start of a record's System block, up to its
    `Task`, is the same for every record of one provider, id and level; it is read once and
    leads straight to counts of its own, added to its pair's when the scan ends. EVTX
    timestamps are ISO 8601 text, their own sort key."""

    def __init__(self, wanted: Callable[[str], bool | None]) -> None:
        super().__init__()
        self._wanted = wanted
        #: A System block's start -> [count, first time, last time, wanted, its pair's entry,
        #: the text a record of it starts with, where its "Task" key stands, the counts of the
        #: start seen after it last] (`_START`, `_CUT`, `_NEXT`)
        self._heads: dict[str, list[Any]] = {}

    def scan(self, records: Iterable[dict[str, Any]],
             progress: Callable[[int], None] | None = None,
             unreadable: Callable[[Exception, int], bool] | None = None,
             ) -> Generator[str, None, None]:
        """Count every record (`data`: its JSON text, `timestamp`) and give the text of each
        one that may be a relevant event: of a provider `wanted` says yes to, or, where it
        says None (the provider is unknown), one that names a relevant provider somewhere.
        A record or chunk the iterator cannot give is handed to `unreadable` with the number
        of records read so far; the scan goes on while it returns True (without it, the
        error is raised).

        This is the loop every record of a file goes through, written for speed: the start of
        a record's System block, up to its `Task`, is the same for every record of one
        provider, id and level, so it is read once and leads straight to counts of its own
        (a count and the first and last time, plain text); EVTX timestamps are ISO 8601
        text, their own sort key; and a log's records mostly come from one computer, in
        order. A record whose System block starts as the last one's did, or names the last
        computer where the last one named it (that key, then `Security`, which follows it in
        every System block), is counted without searching its text: on a log of one service's
        records that is most of them; a run of records of one computer is added to its count
        when the computer changes. Logs of several services interleave their records (on a
        real System and Security log, half the records start unlike the one before), so each
        start's counts also keep the start seen after it last, the one tried next: right for
        most of the rest (71 % of records on that log with the last start, 47 % without),
        each a search for `Task`, a slice and a hash saved. The counts join their pairs'
        when the scan ends."""
        heads, computers, first_seen = self._heads, self._computers, self._first_seen
        # The last record's System block start with its "Task" key, where that key stood and
        # the counts of that start; its computer ('"Computer":"NAME"') and NAME, and that key
        # with the "Security" key after it and where it stood, counted from "Task".
        last_slot: list[Any] = [*_END[:_NEXT], _END]  # no start's counts (a copy: its next is set)
        last, cut_last = _NEVER, 0
        slot: list[Any] | None
        same = name = ""
        known, where = _NEVER, 0
        count = 0
        alike = 0  # records of the last computer not yet added to its count
        iterator = iter(records)
        try:
            while True:
                start = count + 1
                try:
                    for count, record in enumerate(iterator, start):
                        if progress is not None and not count % 1000:
                            progress(count)
                        text = record["data"]  # a record without its text is unreadable (below)
                        timestamp = record.get("timestamp")
                        if text.startswith(last):
                            cut, slot = cut_last, last_slot
                        else:
                            slot = last_slot[_NEXT]
                            if text.startswith(slot[_START]):
                                cut = slot[_CUT]
                            else:
                                cut = text.find('"Task"', 0, 2000)
                                slot = heads.get(text[:cut] if cut > 0 else text[:400])
                                if slot is not None:
                                    last_slot[_NEXT] = slot
                            if slot is not None and cut > 0:
                                last, cut_last, last_slot = slot[_START], cut, slot
                        if slot is not None and timestamp:
                            slot[0] += 1
                            if timestamp >= slot[2]:
                                slot[2] = timestamp
                            elif timestamp < slot[1]:
                                slot[1] = timestamp
                            wanted = slot[3]
                        else:
                            wanted = first_seen(text, cut, timestamp)
                        if text.startswith(known, cut + where):
                            alike += 1
                        else:
                            at = text.find('"Computer":"', cut)
                            if same and text.startswith(same, at):
                                alike += 1
                            else:
                                if alike:
                                    computers[name] += alike
                                    alike = 0
                                same = self._computer_of(text, max(cut, 0))
                                name = same[12:-1]
                            where = at - cut
                            known = f'{same},"Security' if same and cut > 0 else _NEVER
                        if wanted or wanted is None and any(m in text for m in PREFILTER):
                            yield text
                    break
                except Exception as exc:  # the evtx package raises for a bad record or chunk
                    if unreadable is None:
                        raise
                    if not unreadable(exc, count):
                        break
        finally:
            if alike:
                computers[name] += alike
            self.records += count
            self._settle()

    def _first_seen(self, text: str, cut: int, timestamp: str | None) -> bool | None:
        """Count a record whose System block's start (up to `cut`, where its "Task" key
        stands) has no counts of its own yet (or that has no time): into its pair's entry, or
        into new counts of its own; whether it is wanted."""
        head = text[:cut] if cut > 0 else text[:400]
        provider, event_id, level = _system_head(head)
        entry = self._entry(self._name(provider)[0], event_id, level)
        wanted = self._wanted(provider) if provider != UNKNOWN else None
        # past MAX_KEYS nothing is cached: every such record comes here and is counted
        if timestamp and entry is not self._overflowed and len(self._heads) < MAX_KEYS:
            # a start known to end at "Task" is also the text a record of it starts with
            start = text[:cut + 6] if cut > 0 else _NEVER
            # the start seen after it: none yet
            self._heads[head] = [1, timestamp, timestamp, wanted, entry, start, cut, _END]
        else:
            entry[0] += 1
            if timestamp:
                _seen(entry, timestamp, timestamp)
        return wanted

    def _settle(self) -> None:
        """Add each System block start's counts to its pair's (once: they start again), and
        forget which start followed which: the counts refer to each other no more, and are
        freed with the tally (no reference cycle left for the collector)."""
        for slot in self._heads.values():
            slot[_NEXT] = _END
            count, first, last, _, entry = slot[:5]
            if count:
                entry[0] += count
                _seen(entry, first, first)
                _seen(entry, last, last)
                slot[0] = 0

    def _computer_of(self, text: str, start: int) -> str:
        """Count the record's computer; give the text to look for in the next record when the
        name is a plain one."""
        computer, _ = _string_at(text, '"Computer":"', start)
        if not computer:
            return ""
        self._computer(computer)
        plain = computer in self._computers and '"' not in computer and "\\" not in computer
        return f'"Computer":"{computer}"' if plain else ""


#: Where the counts of one System block start (`EvtxTally._heads`) keep the text a record of
#: it starts with, where its "Task" key stands, and the counts of the start seen after it last.
_START, _CUT, _NEXT = 5, 6, 7

#: Starts no record's JSON text (a control character is escaped in JSON).
_NEVER = "\x00"

#: The counts of no System block start, which no record starts as: what a start is followed by
#: before another is seen after it (and what the scan starts from).
_END: list[Any] = [0, None, None, None, None, _NEVER, 0]
_END.append(_END)

#: Substrings of a record's JSON that can mean a relevant provider, for a record whose System
#: block names none (checked before decoding it).
PREFILTER = ("Schannel", "CAPI2", "crypt32", "HttpEvent", "CertificationAuthority")


def _system_head(head: str) -> tuple[str, int, str | None]:
    """Provider, event id and level from the start of a System block."""
    provider, at = _string_at(head, '"Name":"', 0)
    if provider is None:
        provider, at = _string_at(head, '"EventSourceName":"', 0)
    event_id, at = _number_at(head, '"EventID":', at)
    level, _ = _number_at(head, '"Level":', at)
    return (provider or UNKNOWN, (event_id or 0) & 0xFFFF,
            _LEVELS.get(str(level)) if level is not None else None)


def _unescape(value: str) -> str:
    try:
        decoded: str = json.loads(f'"{value}"')
    except ValueError:
        return value
    return decoded
