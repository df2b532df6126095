"""An IIS W3C extended log, summarised: counts and bounded samples, never every line.

A log can hold millions of requests. The parser keeps one :class:`RequestGroup` per
(sc-status, sc-substatus, sc-win32-status) combination that matters for client certificates
(401.x, 403.x, 500.19, 500.0 with Win32 status 50), each with its counts, time span, top
clients and URIs and the first few lines as samples, so memory does not grow with the file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, Identity, UnparsedLine


class Tally(Model):
    """A value and how many requests had it."""

    value: str
    """The value (a client address, a URI stem, a status like `403.13`)."""
    count: int
    """How many requests had it."""


class Win32Status(Model):
    """An sc-win32-status value decoded.

    IIS writes the value as an unsigned decimal. Values of 2147483648 and above are HRESULTs
    (`2148081683` is 0x80092013); smaller ones are Win32 error codes (`5`, `33`, `50`), which
    are shown here wrapped as HRESULT_FROM_WIN32 (`0x80070005`).
    """

    value: int
    """The number as logged (unsigned decimal)."""
    kind: Literal["hresult", "win32"]
    """Whether the logged number is an HRESULT or a Win32 code."""
    hex: str
    """The HRESULT as `0x` and eight lowercase hex digits (a Win32 code wrapped)."""
    symbol: str | None = None
    """The symbolic name, when the code tables know the code."""
    message: str = ""
    """Microsoft's message text, when known."""


class Sample(Model):
    """One request kept as evidence for a group."""

    line: int
    """Line number in the decoded input."""
    time: str | None = None
    """`date time` of the request as logged (`YYYY-MM-DD hh:mm:ss`), when the log has it."""
    client: str | None = None
    """c-ip."""
    uri: str | None = None
    """cs-uri-stem, with `+` turned back into spaces."""
    time_taken: int | None = None
    """time-taken in milliseconds."""
    server: str | None = None
    """s-computername: the server that answered, when the log has the field."""
    server_ip: str | None = None
    """s-ip."""
    port: str | None = None
    """s-port."""
    host: str | None = None
    """cs-host: the host name the client asked for."""


class RequestGroup(Model):
    """All requests that ended with one status, sub-status and Win32 status."""

    status: int
    """sc-status (401, 403, 500)."""
    substatus: int | None = None
    """sc-substatus; None when the log has no such field or the value is `-`."""
    win32_status: int | None = None
    """sc-win32-status as logged; None when the log has no such field or the value is `-`."""
    win32: Win32Status | None = None
    """The Win32 status decoded (None when it is 0 or absent)."""
    count: int
    """How many requests."""
    first_time: str | None = None
    """Time of the earliest request (`YYYY-MM-DD hh:mm:ss`), when the log has times."""
    last_time: str | None = None
    """Time of the latest request."""
    first_line: int
    """Line of the first request."""
    last_line: int
    """Line of the last request."""
    clients: tuple[Tally, ...] = ()
    """The busiest client addresses (c-ip), at most 10, most requests first."""
    distinct_clients: int = 0
    """How many different client addresses were counted."""
    clients_capped: bool = False
    """True when there were more client addresses than the parser tracks, so
    `distinct_clients` is a lower bound."""
    uris: tuple[Tally, ...] = ()
    """The most requested URI stems, at most 10."""
    server: str | None = None
    """The server that answered (s-computername); a log that names several servers has a
    group per server."""
    server_ips: tuple[Tally, ...] = ()
    """Its addresses (s-ip), at most 10."""
    ports: tuple[Tally, ...] = ()
    """Its ports (s-port), at most 10."""
    hosts: tuple[Tally, ...] = ()
    """The host names the clients asked for (cs-host), at most 10."""
    slow: int = 0
    """Requests whose time-taken reached the log's `slow_ms`."""
    max_time_taken: int | None = None
    """The longest time-taken in milliseconds, when the log has that field."""
    samples: tuple[Sample, ...] = ()
    """The first requests of the group (at most 20), as evidence."""

    @property
    def code(self) -> str:
        """`403.13`, or `403` when the sub-status is unknown."""
        return f"{self.status}.{self.substatus}" if self.substatus is not None else str(
            self.status)


class FieldsHeader(Model):
    """A distinct `#Fields:` list and where it first appeared."""

    line: int
    """Line of its first `#Fields:` directive."""
    fields: tuple[str, ...]
    """The field names, in order."""
    directives: int = 1
    """How many `#Fields:` lines carried this same list (IIS repeats it after restarts)."""


class W3cLog(Evidence):
    """An IIS W3C extended log, summarised."""

    software: str | None = None
    """The first `#Software:` directive (`Microsoft Internet Information Services 10.0`)."""
    version: str | None = None
    """The first `#Version:` directive (W3C format version, normally 1.0)."""
    date: str | None = None
    """The first `#Date:` directive."""
    fields_seen: tuple[FieldsHeader, ...] = ()
    """The distinct field lists, in order of first appearance (at most 20)."""
    assumed_default_fields: bool = False
    """True when lines before any `#Fields:` were read with the IIS 7+ default field list
    (their value count matched it)."""
    missing_fields: tuple[str, ...] = ()
    """Fields the diagnosis uses (sc-status, sc-substatus, sc-win32-status, time-taken, c-ip,
    cs-uri-stem, date, time) that a field list used by data lines lacks."""
    lines_read: int = 0
    """Lines in the input."""
    requests: int = 0
    """Data lines read as requests."""
    first_time: str | None = None
    """Time of the earliest request."""
    last_time: str | None = None
    """Time of the latest request."""
    statuses: tuple[Tally, ...] = ()
    """Requests per `status.substatus` (or `status`), most frequent first (at most 100 kept;
    the rest are added up under `other`)."""
    failures: tuple[RequestGroup, ...] = ()
    """The 401.x, 403.x, 500.19 and 500.0 (Win32 status 50) requests, one group per status,
    sub-status, Win32 status and server (s-computername), in order of first appearance (at
    most 100 groups)."""
    failures_dropped: int = 0
    """Requests of such statuses not grouped because the group limit was reached."""
    slow_ms: int = 10000
    """The time-taken (ms) from which a request counts as slow."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines that could not be read (at most 50 kept)."""
    unparsed_total: int = 0
    """How many lines could not be read in all."""

    def identities(self) -> tuple[Identity, ...]:
        """What the server logged: one window per group of failed requests, with the server
        (s-computername), the host name asked for (cs-host, the busiest) and its clients (the
        log does not show which certificate a client sent). W3C times are UTC."""
        return tuple(Identity(
            kind="server", where=f"{g.code} requests (lines {g.first_line}-{g.last_line})",
            context=g.first_time, clients=tuple(t.value for t in g.clients), status=g.code,
            server=g.server, target=g.hosts[0].value if g.hosts else None,
            time=_time(g.first_time), until=_time(g.last_time), utc=True)
            for g in self.failures)


def _time(text: str | None) -> datetime | None:
    """A W3C `date time` (UTC) as a time; None for a time without its date."""
    try:
        return datetime.fromisoformat(text) if text and len(text) > 8 else None
    except ValueError:
        return None
