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
            at: datetime | None = None) -> None:
        """Count one record; `at` orders times that are not ISO 8601 text."""
        self.records += 1
        name, _ = self._name(provider)
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
_PROVIDER = re.compile(r'"Provider_attributes":\{[^{}]*?"(?:Name|EventSourceName)":'
                       r'"((?:[^"\\]|\\.)*)"')
_EVENT_ID = re.compile(r'"EventID":(?:\{"#text":)?(\d+)')
_LEVEL = re.compile(r'"Level":(\d+)')
_TIME = re.compile(r'"SystemTime":"([^"]*)"')
_COMPUTER = re.compile(r'"Computer":"((?:[^"\\]|\\.)*)"')


def add_evtx_record(tally: Tally, text: str) -> None:
    """Count one EVTX record from its JSON text (the `evtx` package's, with separate
    attributes); a record whose provider or id cannot be found counts as `(unknown)` 0."""
    end = text.find('"EventData"')
    if end < 0:
        end = text.find('"UserData"')
    head = text if end < 0 else text[:end]
    provider = _PROVIDER.search(head)
    event_id = _EVENT_ID.search(head)
    level = _LEVEL.search(head)
    time = _TIME.search(head)
    computer = _COMPUTER.search(head)
    tally.add(_unescape(provider[1]) if provider else "(unknown)",
              int(event_id[1]) & 0xFFFF if event_id else 0,
              time[1] if time else None,
              _unescape(computer[1]) if computer else None,
              _LEVELS.get(level[1]) if level else None)


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    try:
        decoded: str = json.loads(f'"{value}"')
    except ValueError:
        return value
    return decoded
