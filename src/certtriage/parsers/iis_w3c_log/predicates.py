"""Predicates over IIS W3C logs (:class:`~certtriage.models.w3c_log.W3cLog`).

A binding of `w3c_requests` stands for all requests of the matched status groups that share
one error code, with the counts, time span, clients and sample lines a message cites.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from ...models.common import HResult
from .model import RequestGroup, W3cLog

#: What a missing field keeps the diagnosis from seeing.
_FIELD_COST = {
    "sc-status": "the HTTP status of each request",
    "sc-substatus": "which 403.x (7, 13, 16, 17 ...) IIS answered",
    "sc-win32-status": "the error code behind a 403.13 or 403.16, which tells a revoked "
                       "certificate from an unreachable revocation server and an untrusted root "
                       "from a missing intermediate",
    "time-taken": "slow revocation checks that point to CRL retrieval timeouts",
    "c-ip": "which clients fail",
    "cs-uri-stem": "which URLs fail",
    "date": "the day of each request",
    "time": "when the failures happened",
}


@predicate
def w3c_requests(
    doc: W3cLog,
    b: Binding,
    *,
    status: int,
    substatus: list[int] | None = None,
    win32: list[int] | None = None,
    not_win32: list[int] | None = None,
    slow: bool = False,
) -> Iterator[Binding]:
    """Requests answered with `status` and one of the `substatus` values (any when not
    given), with an sc-win32-status among `win32` and not among `not_win32` (unsigned decimal,
    as logged; a request without the field is never among `win32`). With `slow`, only groups
    with requests at or above the log's slow threshold. One binding per error code."""
    groups = [
        g for g in doc.failures
        if g.status == status
        and (substatus is None or g.substatus in substatus)
        and (win32 is None or g.win32_status in win32)
        and (not_win32 is None or g.win32_status not in not_win32)
        and (not slow or g.slow > 0)
    ]
    buckets: dict[str | None, list[RequestGroup]] = {}
    for group in groups:
        buckets.setdefault(group.win32.hex if group.win32 else None, []).append(group)
    for matched in buckets.values():
        yield replace(b, hresult=_hresult(matched),
                      values={**b.values, **_describe(doc, matched, slow)})


@predicate
def w3c_fields_missing(
    doc: W3cLog, b: Binding, *, fields: list[str] | None = None
) -> Iterator[Binding]:
    """The log lacks one of `fields` (any field the diagnosis reads when not given) in a field
    list that data lines were read with."""
    wanted = fields or list(_FIELD_COST)
    misspelt = sorted(set(wanted) - set(_FIELD_COST))
    if misspelt:  # a misspelt field would never match: fail the rule loudly instead
        raise ValueError(f"fields: {misspelt[0]!r} is not one of {sorted(_FIELD_COST)}")
    missing = [m for m in doc.missing_fields if m in wanted]
    if not missing or not doc.requests:
        return
    unknown = _without_detail(doc, missing)
    values = {
        "missing": _and(missing),
        "cost": "; ".join(_FIELD_COST[m] for m in missing),
        "affected": (f"{_plural(unknown, 'failed request')} in this log "
                     f"{'lacks' if unknown == 1 else 'lack'} that detail.") if unknown else "",
        "requests": str(doc.requests),
        "fields_line": next((str(h.line) for h in doc.fields_seen
                             if any(m not in h.fields for m in missing)), "?"),
        "context": _span(doc.first_time, doc.last_time) or _plural(doc.requests, "request"),
    }
    yield replace(b, values={**b.values, **values})


@predicate
def w3c_log_read(doc: W3cLog, b: Binding, *, min_requests: int = 1) -> Iterator[Binding]:
    """The log holds at least `min_requests` requests; binds a summary of them."""
    if doc.requests < min_requests:
        return
    top = ", ".join(f"{t.value} ({t.count})" for t in doc.statuses[:5])
    values = {
        "requests": str(doc.requests),
        "span": _span(doc.first_time, doc.last_time) or "times not logged",
        "top_statuses": top or "none",
        "context": _span(doc.first_time, doc.last_time) or f"{doc.requests} requests",
    }
    yield replace(b, values={**b.values, **values})


def _without_detail(doc: W3cLog, missing: list[str]) -> int:
    """Failed requests whose sub-status (or else Win32 status) the log could not give."""
    if "sc-substatus" in missing:
        return sum(g.count for g in doc.failures if g.substatus is None)
    if "sc-win32-status" in missing:
        return sum(g.count for g in doc.failures if g.win32_status is None)
    return 0


# ---- describing a set of groups ---------------------------------------------------------------
def _hresult(groups: list[RequestGroup]) -> HResult | None:
    code = groups[0].win32
    if code is None:
        return None
    line = min(g.first_line for g in groups)
    from ...knowledge.codes import code_tables

    return code_tables().hresult(int(code.hex, 16), line, symbol=code.symbol,
                                 message=code.message)


def _describe(doc: W3cLog, groups: list[RequestGroup], slow_only: bool) -> dict[str, str]:
    count = sum(g.count for g in groups)
    first = min((g.first_time for g in groups if g.first_time), default=None)
    last = max((g.last_time for g in groups if g.last_time), default=None)
    clients = _merged((t.value, t.count) for g in groups for t in g.clients)
    exact = all(not g.clients_capped and g.distinct_clients <= len(g.clients) for g in groups)
    distinct = len(clients) if exact else max(
        len(clients), *(g.distinct_clients for g in groups))
    client_phrase = ("" if exact else "at least ") + _plural(distinct, "client")
    samples = [s for g in groups for s in g.samples]
    if slow_only and any((s.time_taken or 0) >= doc.slow_ms for s in samples):
        samples = [s for s in samples if (s.time_taken or 0) >= doc.slow_ms]
    lines = sorted(s.line for s in samples)[:5]
    slow = sum(g.slow for g in groups)
    longest = max((g.max_time_taken for g in groups if g.max_time_taken is not None),
                  default=None)
    span = _span(first, last)
    shown = ", ".join(v for v, _ in clients[:3]) + (", ..." if distinct > 3 else "")
    context = ", ".join(p for p in (span, f"{client_phrase} ({shown})" if clients else "") if p)
    top_clients = ", ".join(f"{v}: {c}" for v, c in clients[:5])
    uris = ", ".join(f"{v}: {c}" for v, c in _merged(
        (t.value, t.count) for g in groups for t in g.uris)[:3])
    where = [span or "times not logged",
             f"from {client_phrase} ({top_clients})" if clients else "client address not logged",
             f"URLs {uris}" if uris else "URL not logged"]
    more = (slow if slow_only else count) - len(lines)
    return {
        "count": str(count),
        "requests_phrase": _plural(count, "request"),
        "code": ", ".join(dict.fromkeys(g.code for g in groups)),
        "win32": _win32_text(groups),
        "span": span or "times not logged",
        "clients": client_phrase if distinct else "no logged client address",
        "top_clients": top_clients or "not logged",
        "uris": uris or "not logged",
        "summary": ", ".join(where),
        "lines": ", ".join(str(n) for n in lines) + (f" and {more} more" if more > 0 else ""),
        "slow": str(slow),
        "slow_s": f"{doc.slow_ms / 1000:g}",
        "max_ms": str(longest) if longest is not None else "not logged",
        "context": context or _plural(count, "request"),
    }


def _merged(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for value, count in pairs:
        totals[value] = totals.get(value, 0) + count
    return sorted(totals.items(), key=lambda item: -item[1])


def _win32_text(groups: list[RequestGroup]) -> str:
    code = groups[0].win32
    if code is not None:
        name = f" {code.symbol}" if code.symbol else ""
        if code.kind == "hresult":
            return f"{code.value} ({code.hex}{name})"
        return f"{code.value} ({(code.symbol or 'Win32 error')}, {code.hex})"
    logged = {g.win32_status for g in groups}
    return " / ".join(p for p, on in (("0", 0 in logged), ("not logged", None in logged)) if on)


def _span(first: str | None, last: str | None) -> str:
    if first is None or last is None:
        return first or last or ""
    if first == last:
        return first
    day, _, clock = last.partition(" ")
    if first.startswith(day + " ") and clock:
        return f"{first}-{clock}"
    return f"{first} to {last}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
