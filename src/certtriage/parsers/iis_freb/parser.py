"""IIS Failed Request Tracing logs -> :class:`FailedRequestTrace`.

A trace file is one `<failedRequest>` element (the URL, the status, why it was traced) around
the request's events, each in the Windows event schema: `EventData` holds the values
(`HttpStatus`, `HttpSubStatus`, `ErrorCode` as an unsigned decimal) and `RenderingInfo` the
event's name (`<Opcode>MODULE_SET_RESPONSE_ERROR_STATUS</Opcode>`) and the text IIS rendered
for the values (`<freb:Description Data="ErrorCode">... (0x800b0109)</freb:Description>`).
Several files pasted one after another are read one `<failedRequest>` at a time. The XML is
read through defusedxml (`text.xml`), one event at a time, so a long trace is never held whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import ParseError
from ...knowledge.codes import code_tables, to_unsigned
from ...models.common import HResult, UnparsedLine
from ...text.framing import undo_quotes
from ...text.xml import Node, read_xml
from . import START
from .model import ErrorStatus, FailedRequestTrace, TracedRequest

_END = re.compile(r"</failedRequest\s*>")
#: The code IIS renders after an error's message: `... trust provider. (0x800b0109)`.
_RENDERED_CODE = re.compile(r"\s*\(0x[0-9a-fA-F]{1,8}\)\s*$")
#: Lines around the trace that are part of the file, not prose: the XML declaration, the
#: stylesheet instruction, the browser's `saved from url` comment.
_PREAMBLE = re.compile(r"^\s*(?:<\?|<!--)")
#: The event that records a module setting an error status.
ERROR_EVENT = "MODULE_SET_RESPONSE_ERROR_STATUS"
MAX_REQUESTS = 1000
MAX_ERRORS = 50
MAX_UNPARSED = 50


def parse(text: str) -> FailedRequestTrace:
    """Read every `<failedRequest>` in `text`; ParseError when there is none."""
    starts = [m.start() for m in START.finditer(text)]
    if not starts:
        raise ParseError("no <failedRequest> element: not an IIS Failed Request Tracing log")
    requests: list[TracedRequest] = []
    problems: list[str] = []
    unparsed: list[UnparsedLine] = []
    done, line = 0, 1  # where the text read so far ends, and the line there
    for index, start in enumerate(starts[:MAX_REQUESTS]):
        _outside(text[done:start], line, unparsed)
        line += text.count("\n", done, start)
        stop = starts[index + 1] if index + 1 < len(starts) else len(text)
        end = _END.search(text, start, stop)
        done = end.end() if end else stop
        request, problem = _request(text[start:done], line - 1)
        line += text.count("\n", start, done)
        if request is not None:
            requests.append(request)
        if problem:
            problems.append(problem)
    if len(starts) > MAX_REQUESTS:
        problems.append(f"{len(starts) - MAX_REQUESTS} more traced requests past the limit "
                        f"of {MAX_REQUESTS} were not read")
    else:
        _outside(text[done:], line, unparsed)
    if not requests:
        raise ParseError(problems[0] if problems else "no traced request could be read")
    return FailedRequestTrace(requests=tuple(requests), problems=tuple(problems),
                              unparsed=tuple(unparsed))


def _outside(between: str, first: int, unparsed: list[UnparsedLine]) -> None:
    """The lines of `between` (starting at line `first`) that are neither part of a trace
    file nor blank: prose around a pasted trace."""
    for number, line in enumerate(between.split("\n"), start=first):
        if len(unparsed) >= MAX_UNPARSED:
            return
        if line.strip() and not _PREAMBLE.match(line):
            unparsed.append(UnparsedLine(line=number, text=line.strip()[:300],
                                         reason="not part of the trace"))


@dataclass
class _Request:
    """What one `<failedRequest>` has shown so far, its events taken one at a time."""

    offset: int
    events: int = 0
    time: str | None = None
    computer: str | None = None
    client: str | None = None
    errors: list[ErrorStatus] = field(default_factory=list)

    def take(self, node: Node) -> bool:
        if node.name != "Event":
            return False
        self.events += 1
        system = node.find("System")
        created = system.find("TimeCreated") if system is not None else None
        stamp = created.attr("SystemTime") if created is not None else None
        self.time = self.time or stamp
        computer = system.find("Computer") if system is not None else None
        self.computer = self.computer or _text(computer)
        data = {(d.attr("Name") or ""): _text(d) or "" for d in _children(node, "EventData",
                                                                          "Data")}
        rendered = {(d.attr("Data") or ""): _text(d) or "" for d in _children(
            node, "RenderingInfo", "Description")}
        opcode = _text(node.path("RenderingInfo", "Opcode"))
        if data.get("RemoteAddress") and self.client is None:
            self.client = data["RemoteAddress"]
        if (opcode == ERROR_EVENT or "HttpSubStatus" in data and "ErrorCode" in data) \
                and len(self.errors) < MAX_ERRORS:
            self.errors.append(_error(data, rendered, node.line + self.offset, stamp))
        return True


def _request(chunk: str, offset: int) -> tuple[TracedRequest | None, str | None]:
    """One `<failedRequest>` (its text starting the chunk, `offset` lines into the input)."""
    state = _Request(offset)
    if chunk.lstrip(" \t").startswith(">"):  # quoted in a mail or a post: its lines unmarked
        chunk = undo_quotes(chunk)[0]
    reading = read_xml(chunk, records=state.take)
    root = reading.root
    if root.name != "failedRequest":
        where = f"line {offset + (reading.error_line or 1)}"
        return None, f"{where}: the <failedRequest> element could not be read"[:160]
    problem = None
    if reading.error_line is not None:
        problem = (f"line {offset + reading.error_line}: the trace is cut or not well-formed "
                   f"({reading.error[:60]}); read as far as it goes")
    user = root.attr("remoteUserName") or root.attr("userName") or None
    time_taken = root.attr("timeTaken") or ""
    return TracedRequest(
        first_line=offset + 1, last_line=offset + chunk.count("\n") + 1,
        url=root.attr("url"), verb=root.attr("verb"), site_id=root.attr("siteId"),
        app_pool=root.attr("appPoolId"), status_code=root.attr("statusCode"),
        failure_reason=root.attr("failureReason"),
        time_taken=int(time_taken) if time_taken.isdigit() else None,
        authentication_type=root.attr("authenticationType"), user=user,
        computer=state.computer, client=state.client, time=state.time, events=state.events,
        errors=tuple(state.errors)), problem


def _error(data: dict[str, str], rendered: dict[str, str], line: int,
           time: str | None) -> ErrorStatus:
    return ErrorStatus(
        line=line, module=data.get("ModuleName") or None,
        notification=rendered.get("Notification") or data.get("Notification") or None,
        status=_number(data.get("HttpStatus")), substatus=_number(data.get("HttpSubStatus")),
        reason=data.get("HttpReason") or None,
        code=_code(data.get("ErrorCode"), rendered.get("ErrorCode", ""), line), time=time)


def _code(value: str | None, rendered: str, line: int) -> HResult | None:
    """ErrorCode, written as an unsigned (or signed) decimal or in hex; None for 0."""
    text = (value or "").strip()
    try:
        number = int(text, 16) if text.lower().startswith("0x") else int(text)
        number = to_unsigned(number)
    except ValueError:
        return None
    if not number:
        return None
    known = code_tables().lookup(number)
    message = " ".join(_RENDERED_CODE.sub("", rendered).split())
    return HResult(value=number, hex=f"0x{number:08x}", symbol=known.symbol if known else None,
                   message=message or (known.message if known else ""), line=line)


def _children(node: Node, parent: str, name: str) -> list[Node]:
    found = node.find(parent)
    return found.findall(name) if found is not None else []


def _text(node: Node | None) -> str | None:
    return (node.text or "").strip() or None if node is not None else None


def _number(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None
