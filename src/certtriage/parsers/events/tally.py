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
        self._first: tuple[str, str] | None = None
        self._last: tuple[str, str] | None = None
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
        entry = self._counts.get((name, event_id))
        if entry is None:
            if len(self._counts) >= MAX_KEYS:
                self.overflow += 1
                return
            entry = self._counts[(name, event_id)] = [0, None, None, level]
        entry[0] += 1
        if key is not None and time:
            if entry[1] is None or key < entry[1][0]:
                entry[1] = (key, time)
            if entry[2] is None or key >= entry[2][0]:
                entry[2] = (key, time)
            if self._first is None or key < self._first[0]:
                self._first = (key, time)
            if self._last is None or key >= self._last[0]:
                self._last = (key, time)
        if computer:
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
        return {
            "first_time": self._first[1] if self._first else None,
            "last_time": self._last[1] if self._last else None,
            "computers": tuple(ComputerCount(computer=n, count=c) for n, c in computers),
            "counts": tuple(counts), "uncounted": self.overflow,
        }


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
    at = text.find(label, start)
    if at < 0:
        return None, start
    m = _DIGITS.match(text, at + len(label))
    return (int(m[0]), m.end()) if m else (None, start)


class EvtxTally(Tally):
    """A :class:`Tally` fed with EVTX records' JSON text. This runs for every record of a
    file, so it does as little as it can: the start of a record's System block, up to its
    `Task`, is the same for every record of one provider, id and level, and is read once."""

    def __init__(self) -> None:
        super().__init__()
        self._heads: dict[str, tuple[str, int, str | None]] = {}

    def record(self, text: str, timestamp: str | None) -> str:
        """Count one record from its JSON text and its timestamp, and give its provider as
        the record names it; one whose provider or id cannot be found counts as `(unknown)`
        0."""
        cut = text.find('"Task"', 0, 2000)
        head = text[:cut] if cut > 0 else text[:400]
        known = self._heads.get(head)
        if known is None:
            known = _system_head(head)
            if len(self._heads) < MAX_KEYS:
                self._heads[head] = known
        at = text.find('"Computer":"', max(cut, 0))
        end = text.find('"', at + 12) if at >= 0 else -1
        computer: str | None = text[at + 12:end] if end > 0 else None
        if computer is not None and "\\" in computer or end > 0 and text[end - 1] == "\\":
            computer = _string_at(text, '"Computer":"', max(cut, 0))[0]
        provider, event_id, level = known
        self.add(provider, event_id, timestamp, computer, level, key=timestamp)
        return provider


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
