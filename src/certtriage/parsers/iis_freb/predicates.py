"""Predicates over IIS Failed Request Tracing logs (:class:`FailedRequestTrace`).

A binding of `traced_requests` is one traced request: its URL, final status, and the module,
pipeline step and error code that set it, which a message cites; the error code is the
binding's code, so a rule can report the cause it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from .model import FailedRequestTrace, TracedRequest


@predicate
def traced_requests(
    doc: FailedRequestTrace, b: Binding, *, status: int | None = None,
    substatus: list[int] | None = None, not_status: list[str] | None = None,
) -> Iterator[Binding]:
    """Each traced request answered with `status` (any when not given) and one of the
    `substatus` values (any when not given), whose `status.substatus` is none of
    `not_status` (`403.7`)."""
    for request in doc.requests:
        if status is not None and request.status != status:
            continue
        if substatus is not None and request.substatus not in substatus:
            continue
        if not_status and (request.status_code or "") in not_status:
            continue
        error = request.deciding_error()
        yield replace(b, hresult=error.code if error is not None else None,
                      values={**b.values, **_describe(request)})


@predicate
def trace_read(doc: FailedRequestTrace, b: Binding) -> Iterator[Binding]:
    """The trace holds at least one request (with the first one's description)."""
    if doc.requests:
        yield replace(b, values={**b.values, **_describe(doc.requests[0]),
                                 "requests": str(len(doc.requests))})


def _describe(request: TracedRequest) -> dict[str, str]:
    error = request.deciding_error()
    code = error.code if error is not None else None
    module = error.module if error is not None and error.module else "a module not named"
    step = error.notification if error is not None and error.notification else None
    return {
        "request_url": request.url or "(URL not shown)",
        "verb": request.verb or "request",
        "status_code": request.status_code or "(status not shown)",
        "module": module + (f" in {step}" if step else ""),
        "error": (f"{code.hex}" + (f" {code.symbol}" if code.symbol else "")
                  + (f" ({code.message.rstrip('.')})" if code.message else ""))
        if code is not None else "no error code",
        "where": _where(request),
        "lines": f"{request.first_line}-{request.last_line}",
        "context": f"traced request, lines {request.first_line}-{request.last_line}",
    }


def _where(request: TracedRequest) -> str:
    """` (when, on which server, for which client)`, of what the trace shows; empty when it
    shows none of them."""
    said = [request.time or "", f"on {request.computer}" if request.computer else "",
            f"client {request.client}" if request.client else ""]
    shown = ", ".join(part for part in said if part)
    return f" ({shown})" if shown else ""
