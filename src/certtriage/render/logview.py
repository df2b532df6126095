"""The presenter's part for event logs: what a log holds, as an engineer reads it first.

Records scanned, the time they span, the computers that logged them, the certificate events
(repeats grouped, with their count and first and last time), each CAPI2 chain validation
(identical ones grouped) with its outcome and the root causes diagnosed for it, and the events
that are not about certificates, counted (and listed for `--details`). Part of
:mod:`render.view`; it knows no output syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..models.findings import Finding

#: Unrelated providers named in the one-line count.
_NAMED = 3
_ISO = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?Z?(?: ?UTC)?$")


@dataclass(frozen=True)
class EventRow:
    """One event of the events table, or one group of the same event logged again and
    again (same provider, id, level and detail)."""

    time: str
    """When (the first time, for a group)."""
    source: str
    event_id: str
    level: str
    detail: str
    count: int = 1
    """How many times it was logged."""
    last: str = ""
    """The last time, for a group logged more than once at different times."""


@dataclass(frozen=True)
class CountRow:
    """How many records of one provider's event id a log holds, and when."""

    source: str
    event_id: str
    level: str
    count: int
    first: str
    last: str


@dataclass(frozen=True)
class ValidationRow:
    """One CAPI2 chain validation, or a group of identical ones."""

    time: str
    last: str
    count: int
    subject: str
    process: str
    policy: str
    outcome: str
    """accepted, rejected, chain errors, built."""
    error: str
    causes: tuple[str, ...]
    """Root causes diagnosed for it (the certutil rules' cause ids)."""
    failed: bool
    """Rejected, or built with errors: what a reader looks at first."""


class LogView(NamedTuple):
    """What a log holds, before its findings."""

    facts: tuple[str, ...]
    """Records read, time span, computers; what was relevant (none for a single event that a
    finding describes: the finding says it all)."""
    counts: tuple[CountRow, ...]
    """Certificate events by provider and id."""
    unrelated: tuple[CountRow, ...]
    """Events not about certificates by provider and id (shown on request)."""
    unrelated_line: str
    """Those counted in one line ('' when there are none)."""
    validations: tuple[ValidationRow, ...]
    """Identical validations as one row, failing ones first."""
    each: tuple[ValidationRow, ...]
    """Every validation on its own row, in log order (shown on request)."""
    validations_line: str


#: The zone at the end of a time: `Z`, `UTC` or an offset (JSON exports write `+01:00`).
_ZONE = re.compile(r"\d\s*(Z|UTC|[+-]\d\d:?\d\d)\s*$")


def short_time(text: str | None) -> str:
    """`2024-03-11 08:21:45` for ISO times (fraction and zone dropped: EVTX times are UTC);
    other times as the export shows them."""
    if not text:
        return ""
    m = _ISO.match(text.strip())
    return f"{m[1]} {m[2]}" if m else text.strip()


def log_view(model: Any, findings: tuple[Finding, ...]) -> LogView | None:
    """The view of an event log's summary; None for other inputs."""
    counts = getattr(model, "counts", None)
    if counts is None or not hasattr(model, "runs"):
        return None
    mine = [c for c in counts if c.certificate]
    others = [c for c in counts if not c.certificate]
    runs = tuple(model.runs)
    return LogView(
        facts=tuple(_facts(model, mine)) if model.records_read > 1 or not findings else (),
        counts=tuple(_count(c) for c in mine),
        unrelated=tuple(_count(c) for c in others), unrelated_line=_unrelated_line(others),
        validations=tuple(_validations(runs, findings)),
        each=tuple(_validations(runs, findings, grouped=False)),
        validations_line=model.summary_lines()[0] if runs else "",
    )


def _facts(model: Any, mine: list[Any]) -> list[str]:
    read = f"{model.records_read:,} record{'s' if model.records_read != 1 else ''} read"
    if model.record_errors:
        read += f", {model.record_errors:,} unreadable"
    if model.first_time:
        span = short_time(model.first_time)
        last = short_time(model.last_time)
        read += f", {span}" + (f" to {last}" if last and last != span else "")
        zone = _ZONE.search(model.last_time or model.first_time)
        if zone is not None:  # the zone short_time leaves out
            read += " UTC" if zone[1] in ("Z", "UTC", "+00:00", "+0000") else f" UTC{zone[1]}"
        elif model.shape != "evtx":
            read += " (local time of the machine that exported it)"
    facts = [read]
    if model.computers:
        named = ", ".join(f"{c.computer} ({c.count:,})" for c in model.computers[:_NAMED])
        more = len(model.computers) - _NAMED
        facts.append(f"computer{'s' if len(model.computers) > 1 else ''}: {named}"
                     + (f" and {more} more" if more > 0 else ""))
    total = sum(c.count for c in mine)
    if total:
        by_provider: dict[str, list[Any]] = {}
        for c in mine:
            by_provider.setdefault(c.provider, []).append(c)
        facts.append(f"{total:,} certificate event{'s' if total != 1 else ''}: " + "; ".join(
            f"{p} {sum(c.count for c in cs):,} (" + ", ".join(
                f"{c.event_id} x{c.count:,}" for c in cs) + ")"
            for p, cs in by_provider.items()))
    else:
        facts.append("no certificate event (Schannel, CAPI2, crypt32, HTTP.sys certificate "
                     "bindings, the CA) among them")
    return facts


def _unrelated_line(others: list[Any]) -> str:
    if not others:
        return ""
    total = sum(c.count for c in others)
    by_provider: dict[str, int] = {}
    for c in others:
        by_provider[c.provider] = by_provider.get(c.provider, 0) + c.count
    top = sorted(by_provider.items(), key=lambda kv: -kv[1])
    named = ", ".join(f"{p} {n:,}" for p, n in top[:_NAMED])
    more = f" and {len(top) - _NAMED} more provider(s)" if len(top) > _NAMED else ""
    return (f"{total:,} record{'s' if total != 1 else ''} not about certificates, of "
            f"{len(others)} event id(s): {named}{more}")


def _count(c: Any) -> CountRow:
    return CountRow(source=c.provider, event_id=str(c.event_id), level=c.level or "",
                    count=c.count, first=short_time(c.first), last=short_time(c.last))


def _validations(runs: tuple[Any, ...], findings: tuple[Finding, ...],
                 grouped: bool = True) -> list[ValidationRow]:
    """Each run, with the root causes found for it; identical runs as one row (`grouped`,
    failing ones first) or each on its own (in log order)."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for run in runs:
        prefix = f"CAPI2 run {run.task_id}"
        causes = tuple(dict.fromkeys(
            f.cause for f in findings
            if f.root_cause and f.cause != "ok" and (f.context or "").startswith(prefix)))
        key = (run.subject, run.process, run.chain.trailer.policy, run.outcome, run.error,
               causes, None if grouped else run.task_id)
        groups.setdefault(key, []).append(run)
    rows = []
    for (subject, process, policy, outcome, error, causes, _), members in groups.items():
        times = sorted(short_time(r.time) for r in members if r.time)
        rows.append(ValidationRow(
            time=times[0] if times else "", last=times[-1] if len(set(times)) > 1 else "",
            count=len(members), subject=subject or "(subject not shown)",
            process=process or "", policy=(policy or "").removeprefix("CERT_CHAIN_POLICY_"),
            outcome=outcome, error=error or "", causes=causes,
            failed=outcome in ("rejected", "chain errors")))
    if grouped:
        rows.sort(key=lambda r: (not r.failed, r.time))
    return rows


def event_rows(events: tuple[dict[str, object], ...]) -> list[EventRow]:
    """Schannel, HTTP.sys, crypt32 and CA events (CAPI2 events are shown as validations), the
    same event logged again and again as one row with its count and first and last time."""
    grouped: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for event in events:
        if event.get("provider") == "Microsoft-Windows-CAPI2" or not event.get(
                "certificate", True):
            continue
        if event.get("alert_code") is not None:
            detail = f"alert {event['alert_code']} {event.get('alert_name', '')}".strip()
        else:
            detail = ", ".join(str(c) for c in event.get("codes") or ())  # type: ignore[attr-defined]
        key = (str(event["provider"]), str(event["event_id"]), str(event.get("level") or ""),
               detail)
        grouped.setdefault(key, []).append(event)
    rows = []
    for (source, event_id, level, detail), members in grouped.items():
        times = [str(e.get("time") or "") for e in members]
        if all(_ISO.match(t.strip()) for t in times):
            times.sort()
        first, last = short_time(times[0]), short_time(times[-1])
        rows.append(EventRow(time=first, source=source, event_id=event_id, level=level,
                             detail=detail, count=len(members),
                             last=last if last != first else ""))
    return rows
