"""IIS W3C extended log files -> a bounded summary (:class:`W3cLog`).

The `#Fields:` directive names the values of each following line (space-separated, `-` for
empty, `+` for a space in URIs and user agents); IIS writes it again, possibly with other
fields, after every restart or configuration change. Lines are read one at a time and added
into counters, so the summary stays the same size however long the log is: per failure group
at most 20 sample lines, 10 top clients and URIs, and a bounded number of tracked values.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...errors import ParseError
from ...knowledge.codes import code_tables, hresult_from_win32, to_unsigned
from ...models.common import UnparsedLine
from . import request_values, stamped
from .model import FieldsHeader, RequestGroup, Sample, Tally, W3cLog, Win32Status

#: The IIS 7+ default field list (used for data lines that come before any `#Fields:`).
DEFAULT_FIELDS = (
    "date", "time", "s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "s-port",
    "cs-username", "c-ip", "cs(User-Agent)", "cs(Referer)", "sc-status", "sc-substatus",
    "sc-win32-status", "time-taken",
)

#: The IIS 7 and 7.5 default field list: the same without cs(Referer).
IIS7_FIELDS = tuple(f for f in DEFAULT_FIELDS if f != "cs(Referer)")

#: Fields the diagnosis reads; a field list without one of them is reported.
KEY_FIELDS = ("date", "time", "c-ip", "cs-uri-stem", "sc-status", "sc-substatus",
              "sc-win32-status", "time-taken")

SLOW_MS = 10_000
MAX_SAMPLES = 20
MAX_TOP = 10
MAX_TRACKED = 1000
MAX_GROUPS = 100
MAX_STATUSES = 100
MAX_UNPARSED = 50
MAX_FIELD_LISTS = 20
_TEXT_LIMIT = 300

_DIRECTIVE = re.compile(r"#\s*([A-Za-z-]+)\s*:\s*(.*)")
_INTEGER = re.compile(r"-?\d{1,20}")


#: Fields that name the server that answered: its computer name, address, port, and the host
#: name the client asked for.
SERVER_FIELDS = ("s-computername", "s-ip", "s-port", "cs-host")


def parse(text: str) -> W3cLog:
    """Summarise a W3C log; ValueError when nothing in it reads as one."""
    reader = _Reader()
    for number, line in enumerate(_lines(text), start=1):
        reader.read(number, line)
    if not reader.layouts and not reader.requests and reader.software is None:
        raise ParseError("no #Fields directive and no line in the IIS default W3C layout")
    return reader.result()


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, one at a time (no list of every line is built)."""
    start, end_of_text = 0, len(text)
    while start < end_of_text:
        end = text.find("\n", start)
        if end < 0:
            end = end_of_text
        yield text[start:end].rstrip("\r")
        start = end + 1


def decode_win32(value: int) -> Win32Status | None:
    """An sc-win32-status number decoded; None for 0 (success)."""
    if value == 0:
        return None
    if value >= 0x80000000:
        kind, wrapped = "hresult", value
    else:
        kind, wrapped = "win32", hresult_from_win32(value) if value <= 0xFFFF else value
    known = code_tables().lookup(value)
    return Win32Status(value=value, kind=kind, hex=f"0x{wrapped:08x}",
                       symbol=known.symbol if known else None,
                       message=known.message if known else "")


def _of_interest(status: int, substatus: int | None, win32: int | None) -> bool:
    """401.x, 403.x, 500.19, and 500.0 with Win32 status 50 (ERROR_NOT_SUPPORTED)."""
    if status in (401, 403):
        return True
    return status == 500 and (substatus == 19 or (substatus == 0 and win32 == 50))


# ---- accumulation -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Layout:
    """Where the key fields sit in the current field list."""

    header: int
    """Index of the field list in the reader's `layouts`."""
    width: int
    positions: dict[str, int]
    used: bool = False
    assumed: bool = False

    @classmethod
    def of(cls, header: int, fields: tuple[str, ...], assumed: bool = False) -> _Layout:
        lowered = [f.lower() for f in fields]
        positions = {k: lowered.index(k) for k in KEY_FIELDS + SERVER_FIELDS if k in lowered}
        return cls(header=header, width=len(fields), positions=positions, assumed=assumed)

    def value(self, values: list[str], name: str) -> str | None:
        index = self.positions.get(name)
        if index is None or values[index] == "-":
            return None
        return values[index]


@dataclass(slots=True)
class _Counter:
    """Counts of values, tracking at most MAX_TRACKED distinct ones."""

    counts: dict[str, int] = field(default_factory=dict)
    capped: bool = False

    def add(self, value: str | None) -> None:
        if value is None:
            return
        if value in self.counts:
            self.counts[value] += 1
        elif len(self.counts) < MAX_TRACKED:
            self.counts[value] = 1
        else:
            self.capped = True

    def top(self) -> tuple[Tally, ...]:
        best = heapq.nlargest(MAX_TOP, self.counts.items(), key=lambda item: item[1])
        return tuple(Tally(value=v, count=c) for v, c in best)


@dataclass(slots=True)
class _Group:
    status: int
    substatus: int | None
    win32: int | None
    first_line: int
    count: int = 0
    first_time: str | None = None
    last_time: str | None = None
    last_line: int = 0
    server: str | None = None
    clients: _Counter = field(default_factory=_Counter)
    uris: _Counter = field(default_factory=_Counter)
    addresses: _Counter = field(default_factory=_Counter)
    ports: _Counter = field(default_factory=_Counter)
    hosts: _Counter = field(default_factory=_Counter)
    slow: int = 0
    max_time_taken: int | None = None
    samples: list[Sample] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        self.count += 1
        self.last_line = sample.line
        if sample.time is not None:
            if self.first_time is None or sample.time < self.first_time:
                self.first_time = sample.time
            if self.last_time is None or sample.time > self.last_time:
                self.last_time = sample.time
        self.clients.add(sample.client)
        self.uris.add(sample.uri)
        self.addresses.add(sample.server_ip)
        self.ports.add(sample.port)
        self.hosts.add(sample.host)
        taken = sample.time_taken
        if taken is not None:
            self.slow += taken >= SLOW_MS
            self.max_time_taken = max(taken, self.max_time_taken or 0)
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(sample)

    def model(self) -> RequestGroup:
        return RequestGroup(
            status=self.status, substatus=self.substatus, win32_status=self.win32,
            win32=decode_win32(self.win32) if self.win32 is not None else None,
            count=self.count, first_time=self.first_time, last_time=self.last_time,
            first_line=self.first_line, last_line=self.last_line, clients=self.clients.top(),
            distinct_clients=len(self.clients.counts), clients_capped=self.clients.capped,
            uris=self.uris.top(), server=self.server, server_ips=self.addresses.top(),
            ports=self.ports.top(), hosts=self.hosts.top(), slow=self.slow,
            max_time_taken=self.max_time_taken,
            samples=tuple(self.samples),
        )


class _Reader:
    """Reads lines one by one into counters."""

    def __init__(self) -> None:
        self.software: str | None = None
        self.version: str | None = None
        self.date: str | None = None
        self.current_date: str | None = None
        self.layouts: list[FieldsHeader] = []
        self.layout: _Layout | None = None
        self.used_layouts: list[_Layout] = []
        self.assumed = False
        self.lines = 0
        self.requests = 0
        self.first_time: str | None = None
        self.last_time: str | None = None
        self.statuses: dict[str, int] = {}
        self.groups: dict[tuple[int, int | None, int | None, str | None], _Group] = {}
        self.dropped = 0
        self.unparsed: list[UnparsedLine] = []
        self.unparsed_total = 0

    # -- lines
    def read(self, number: int, line: str) -> None:
        self.lines = number
        if not line.strip():
            return
        if line.startswith("#"):
            self._directive(number, line)
        else:
            self._data(number, line)

    def _skip(self, number: int, line: str, reason: str) -> None:
        self.unparsed_total += 1
        if len(self.unparsed) < MAX_UNPARSED:
            self.unparsed.append(UnparsedLine(line=number, text=line[:_TEXT_LIMIT], reason=reason))

    @staticmethod
    def _unlaid(line: str, values: list[str], layout: _Layout | None) -> str:
        """Why a line read without a `#Fields:` directive is no request: none before it, no
        date and time to start one (a sentence around lines pasted from a log), or a request
        of the wrong width."""
        if layout is None:
            return "no #Fields directive before this line"
        if not stamped(line):
            return "not a request line (no date and time)"
        return (f"{len(values)} values where the default field list (no #Fields directive) "
                f"names {layout.width}")

    def _directive(self, number: int, line: str) -> None:
        match = _DIRECTIVE.fullmatch(line.strip())
        if match is None:
            self._skip(number, line, "not a W3C directive")
            return
        name, value = match.group(1).lower(), match.group(2).strip()
        if name == "fields":
            self._fields(number, line, tuple(value.split()))
        elif name == "software":
            self.software = self.software or value
        elif name == "version":
            self.version = self.version or value
        elif name == "date":
            self.date = self.date or value
            self.current_date = value.split()[0] if value else None
        elif name not in ("remark", "start-date", "end-date"):
            self._skip(number, line, f"unknown directive #{match.group(1)}")

    def _fields(self, number: int, line: str, fields: tuple[str, ...]) -> None:
        if not fields:
            self.layout = None
            self._skip(number, line, "empty #Fields directive")
            return
        for index, seen in enumerate(self.layouts):
            if seen.fields == fields:
                self.layouts[index] = seen.model_copy(update={"directives": seen.directives + 1})
                self.layout = self._layout_for(index, fields)
                return
        if len(self.layouts) < MAX_FIELD_LISTS:
            self.layouts.append(FieldsHeader(line=number, fields=fields))
            self.layout = self._layout_for(len(self.layouts) - 1, fields)
        else:  # too many different lists: read with it, but do not keep it
            self.layout = _Layout.of(-1, fields)

    def _layout_for(self, index: int, fields: tuple[str, ...]) -> _Layout:
        return next((u for u in self.used_layouts if u.header == index), None) or _Layout.of(
            index, fields)

    def _data(self, number: int, line: str) -> None:
        values = line.split()
        layout = self.layout
        if layout is None or layout.assumed:
            found = request_values(line)
            if found is None:
                self._skip(number, line, self._unlaid(line, values, layout))
                return
            values = found
            fields = DEFAULT_FIELDS if len(values) == len(DEFAULT_FIELDS) else IIS7_FIELDS
            if layout is None or layout.width != len(fields):
                self.assumed = True
                layout = self.layout = _Layout.of(-1, fields, assumed=True)
        if len(values) != layout.width:
            if not stamped(line):  # a sentence after the log's lines, not a request cut short
                self._skip(number, line, "not a request line (no date and time)")
                return
            names = ("default field list (no #Fields directive)" if layout.assumed
                     else "#Fields list")
            self._skip(number, line, f"{len(values)} values where the {names} names "
                       f"{layout.width}")
            return
        numbers = self._numbers(layout, values)
        if isinstance(numbers, str):
            self._skip(number, line, numbers if stamped(line)
                       else "not a request line (no date and time)")
            return
        if not layout.used:
            layout.used = True
            self.used_layouts.append(layout)
        self.requests += 1
        sample = self._sample(number, layout, values)
        if sample.time is not None:
            self.first_time = min(self.first_time or sample.time, sample.time)
            self.last_time = max(self.last_time or sample.time, sample.time)
        status, substatus, win32 = numbers
        if status is None:
            return
        self._count_status(f"{status}.{substatus}" if substatus is not None else str(status))
        if _of_interest(status, substatus, win32):
            self._group(status, substatus, win32, number, sample)

    def _numbers(self, layout: _Layout, values: list[str]) -> (
            tuple[int | None, int | None, int | None] | str):
        """(status, substatus, win32 status), or why one of them cannot be read."""
        read: list[int | None] = []
        for name in ("sc-status", "sc-substatus", "sc-win32-status"):
            raw = layout.value(values, name)
            if raw is None:
                read.append(None)
            elif not _INTEGER.fullmatch(raw):
                return f"{name} {raw[:20]!r} is not a number"
            else:
                number = int(raw)
                if name == "sc-win32-status":
                    if not -(2**31) <= number <= 0xFFFFFFFF:
                        return f"{name} {raw[:20]} is not a 32-bit value"
                    number = to_unsigned(number)
                read.append(number)
        return read[0], read[1], read[2]

    def _sample(self, number: int, layout: _Layout, values: list[str]) -> Sample:
        date, clock = layout.value(values, "date"), layout.value(values, "time")
        date = date or self.current_date
        when = f"{date} {clock}" if date and clock else clock
        uri = layout.value(values, "cs-uri-stem")
        taken = layout.value(values, "time-taken")
        return Sample(
            line=number, time=when, client=layout.value(values, "c-ip"),
            server=layout.value(values, "s-computername"),
            server_ip=layout.value(values, "s-ip"), port=layout.value(values, "s-port"),
            host=layout.value(values, "cs-host"),
            uri=uri.replace("+", " ") if uri else None,
            time_taken=int(taken) if taken and taken.isdigit() else None,
        )

    def _count_status(self, key: str) -> None:
        if key in self.statuses or len(self.statuses) < MAX_STATUSES:
            self.statuses[key] = self.statuses.get(key, 0) + 1
        else:
            self.statuses["other"] = self.statuses.get("other", 0) + 1

    def _group(self, status: int, substatus: int | None, win32: int | None, number: int,
               sample: Sample) -> None:
        key = (status, substatus, win32, sample.server)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_GROUPS:
                self.dropped += 1
                return
            group = self.groups[key] = _Group(status, substatus, win32, first_line=number,
                                              server=sample.server)
        group.add(sample)

    # -- the summary
    def _missing(self) -> tuple[str, ...]:
        missing: list[str] = []
        for layout in self.used_layouts:
            for name in KEY_FIELDS:
                if name not in layout.positions and name not in missing:
                    if name == "date" and self.current_date is not None:
                        continue
                    missing.append(name)
        return tuple(m for m in KEY_FIELDS if m in missing)

    def result(self) -> W3cLog:
        ordered = sorted(self.statuses.items(), key=lambda item: -item[1])
        return W3cLog(
            software=self.software, version=self.version, date=self.date,
            fields_seen=tuple(self.layouts), assumed_default_fields=self.assumed,
            missing_fields=self._missing(), lines_read=self.lines, requests=self.requests,
            first_time=self.first_time, last_time=self.last_time,
            statuses=tuple(Tally(value=k, count=v) for k, v in ordered),
            failures=tuple(g.model() for g in self.groups.values()),
            failures_dropped=self.dropped, slow_ms=SLOW_MS, unparsed=tuple(self.unparsed),
            unparsed_total=self.unparsed_total,
        )
