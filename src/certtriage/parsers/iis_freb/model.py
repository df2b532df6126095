"""What an IIS Failed Request Tracing log says: each traced request, its final status, and
the events that set an error status (module, pipeline step, status and error code)."""

from __future__ import annotations

from datetime import datetime

from ...models._base import Model
from ...models.common import Evidence, HResult, Identity, UnparsedLine


class ErrorStatus(Model):
    """A MODULE_SET_RESPONSE_ERROR_STATUS event: a module set the response's error status."""

    line: int
    """Line of the event."""
    module: str | None = None
    """ModuleName (`IIS Web Core` for IIS's own certificate checks)."""
    notification: str | None = None
    """The pipeline step it happened in (`BEGIN_REQUEST`, `AUTHENTICATE_REQUEST` ...)."""
    status: int | None = None
    """HttpStatus."""
    substatus: int | None = None
    """HttpSubStatus."""
    reason: str | None = None
    """HttpReason."""
    code: HResult | None = None
    """ErrorCode (None when 0), with the message the trace rendered for it."""
    time: str | None = None
    """TimeCreated, as written (UTC)."""


class TracedRequest(Model):
    """One `<failedRequest>`: a request IIS traced because it met a trace rule."""

    first_line: int
    """Line of its `<failedRequest>` element."""
    last_line: int
    """Line of its last event read."""
    url: str | None = None
    """The URL requested (`https://host:443/path`)."""
    verb: str | None = None
    """The HTTP verb."""
    site_id: str | None = None
    """The IIS site id."""
    app_pool: str | None = None
    """The application pool."""
    status_code: str | None = None
    """The status IIS answered, as the trace writes it (`403.16`)."""
    failure_reason: str | None = None
    """Why the request was traced (`STATUS_CODE`, `TIME_TAKEN` ...)."""
    time_taken: int | None = None
    """Milliseconds the request took."""
    authentication_type: str | None = None
    """The authentication IIS used (`NOT_AVAILABLE` when the request failed before it)."""
    user: str | None = None
    """The user name the request ran as, when the trace names one."""
    computer: str | None = None
    """The server, from the events' Computer."""
    client: str | None = None
    """The client's address (GENERAL_ENDPOINT_INFORMATION RemoteAddress)."""
    time: str | None = None
    """When the trace started (its first event's time, UTC)."""
    events: int = 0
    """Events read in it."""
    errors: tuple[ErrorStatus, ...] = ()
    """The error statuses modules set, in order."""

    @property
    def status(self) -> int | None:
        """The HTTP status (403 of `403.16`)."""
        head = (self.status_code or "").partition(".")[0]
        return int(head) if head.isdigit() else None

    @property
    def substatus(self) -> int | None:
        """The sub-status (16 of `403.16`), None when the trace has none."""
        tail = (self.status_code or "").partition(".")[2]
        return int(tail) if tail.isdigit() else None

    def deciding_error(self) -> ErrorStatus | None:
        """The error status that gave the request its final status (the last one with that
        status and sub-status), else the last one set."""
        same = [e for e in self.errors
                if e.status == self.status and e.substatus == self.substatus]
        chosen = same or list(self.errors)
        return chosen[-1] if chosen else None


class FailedRequestTrace(Evidence):
    """An IIS Failed Request Tracing log (one file, or several pasted one after another)."""

    requests: tuple[TracedRequest, ...] = ()
    """The traced requests, in order."""
    problems: tuple[str, ...] = ()
    """What could not be read (XML cut short ...)."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines outside the trace that were not read."""

    def read_whole(self) -> bool:
        """False when the XML was cut before its end."""
        return not self.problems

    def reading_notes(self) -> list[str]:
        """What could not be read."""
        return list(self.problems)

    def error_codes(self) -> tuple[str, ...] | None:
        """The error codes the traces' modules set, in order."""
        return tuple(dict.fromkeys(e.code.hex for r in self.requests for e in r.errors
                                   if e.code is not None))

    def summary_lines(self) -> tuple[str, ...]:
        """One sentence per traced request: URL, status, module and code."""
        lines = []
        for request in self.requests:
            error = request.deciding_error()
            said = f"{request.verb or 'request'} {request.url or '(URL not shown)'}"
            said += f" answered {request.status_code or '(status not shown)'}"
            if error is not None and error.module:
                said += f", set by {error.module}"
                said += f" in {error.notification}" if error.notification else ""
            if error is not None and error.code is not None:
                said += f" with {error.code.hex}"
                said += f" ({error.code.symbol})" if error.code.symbol else ""
            lines.append(said)
        return tuple(lines)

    def identities(self) -> tuple[Identity, ...]:
        """Each traced request as the server's answer to a client."""
        return tuple(Identity(
            kind="server", where=f"traced request (lines {r.first_line}-{r.last_line})",
            context=r.time, clients=(r.client,) if r.client else (), status=r.status_code,
            server=r.computer, target=_host(r.url), time=_time(r.time), until=_time(r.time),
            utc=True) for r in self.requests if r.status_code)


def _host(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0] or None


def _time(text: str | None) -> datetime | None:
    """A trace's SystemTime (`2026-11-30T08:14:22.339Z`) as a time."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
