"""When certutil ran, as far as its output shows, and certificate validity judged then.

certutil prints no time of its own. The CRLs (and OCSP responses) it fetched bound it: the run
came after the latest ThisUpdate it saw, and before the earliest NextUpdate of a CRL it
accepted (an element whose status shows no offline revocation and none of whose CRL URLs was
`Expired`). The dates are the local time of the machine that ran certutil, the same clock as the
certificates' NotBefore / NotAfter lines, so they compare directly; against the time of
analysis (UTC) they are compared with a day's margin for the unknown time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

from ... import clock
from ..._cache import last
from ...knowledge.predicates import Binding, predicate
from ...models.common import ChainElement
from .._values import parse_date
from .binding import ChainBinding
from .model import CertutilVerify

#: Allowance for the unknown time zone of certutil's dates against the time of analysis.
ZONE_MARGIN = timedelta(days=1)


class RunWindow(NamedTuple):
    """Bounds of the time certutil ran, each with the line that gives it."""

    after: datetime | None = None
    after_text: str = ""
    before: datetime | None = None
    before_text: str = ""

    def describe(self) -> str:
        """`between 3/10/2025 6:40 PM (ThisUpdate of CRL 2e) and ...` in words."""
        parts = []
        if self.after is not None:
            parts.append(f"after {self.after_text}")
        if self.before is not None:
            parts.append(f"before {self.before_text}")
        return " and ".join(parts) or "at an unknown time"


def _accepted(element: ChainElement) -> bool:
    """Whether the run accepted the element's CRLs (no offline revocation, none expired)."""
    status = element.error_status
    if status is not None and "CERT_TRUST_IS_OFFLINE_REVOCATION" in status.flags:
        return False
    return not any(c.status == "expired" for c in element.url_checks)


@last
def run_window(doc: CertutilVerify) -> RunWindow:
    """The bounds the CRL blocks of the output put on the time of the run (kept for the
    document being evaluated: two rules ask)."""
    window = RunWindow()
    for element in doc.elements:
        for crl in element.crls:
            name = f"CRL {crl.number}" if crl.number else "the OCSP response"
            this_update = parse_date(crl.this_update)
            if this_update is not None and (window.after is None or this_update > window.after):
                window = RunWindow(this_update, f"{crl.this_update} (ThisUpdate of {name}, "
                                   f"line {crl.line})", window.before, window.before_text)
            ends = crl.next_update_at
            if ends is not None and _accepted(element) and (
                    window.before is None or ends < window.before):
                window = RunWindow(window.after, window.after_text, ends,
                                   f"{crl.next_update} (NextUpdate of {name}, accepted by the "
                                   f"run, line {crl.line})")
    return window


def invalid_at_run(element: ChainElement, window: RunWindow) -> str | None:
    """`expired` / `not yet valid` when the element's period cannot contain the run."""
    if element.not_after_at is not None and window.after is not None and (
            element.not_after_at < window.after):
        return "expired"
    if element.not_before_at is not None and window.before is not None and (
            element.not_before_at > window.before):
        return "not yet valid"
    return None


def expired_since(element: ChainElement, window: RunWindow, now: datetime) -> bool:
    """Whether the element expired after the run (its NotAfter is not before the run) and
    before the time of analysis."""
    ends = element.not_after_at
    if ends is None:
        return False
    if window.after is not None and ends < window.after:
        return False
    return ends + ZONE_MARGIN < now.replace(tzinfo=None)


_NOT_TIME_VALID = "CERT_TRUST_IS_NOT_TIME_VALID"


def _flagged(element: ChainElement) -> bool:
    status = element.error_status
    return status is not None and _NOT_TIME_VALID in status.flags


def _elements(doc: CertutilVerify, b: ChainBinding) -> list[ChainElement]:
    return [b.element] if b.element is not None else list(doc.elements)


@predicate
def not_time_valid_at_run(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """Elements whose status is not in the input and whose validity period cannot contain the
    time of the run as its CRLs bound it. Values: `validity`, `period`, `run_time`."""
    window = run_window(doc)
    for element in _elements(doc, b):
        state = invalid_at_run(element, window) if element.error_status is None else None
        if state is None:
            continue
        yield replace(b, element=element, index=element.index, values={
            **b.values, "validity": state, "period": _period(element),
            "run_time": window.describe()})


@predicate
def expired_since_run(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """Elements not reported (or found) outside their validity period at the time of the run
    whose NotAfter has passed at the time of analysis. Values: `period`, `run_time` (what
    places the run), `analysed_at`."""
    window = run_window(doc)
    moment = clock.now()
    analysed_at = ""
    for element in _elements(doc, b):
        if _flagged(element) or invalid_at_run(element, window) is not None:
            continue
        if not expired_since(element, window, moment):
            continue
        if window.after is not None or window.before is not None:
            when = f"certutil ran {window.describe()}"
        elif element.error_status is not None:
            when = "its status in this output shows it was valid when certutil ran"
        else:
            when = "the output does not show when certutil ran"
        analysed_at = analysed_at or _minute(moment)
        yield replace(b, element=element, index=element.index, values={
            **b.values, "period": _period(element), "run_time": when,
            "analysed_at": analysed_at})


def _minute(moment: datetime) -> str:
    """`2026-12-01 09:30 UTC`: what `strftime("%Y-%m-%d %H:%M UTC")` gives, without the
    import and time tuple it makes each call."""
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d} UTC")


def _period(element: ChainElement) -> str:
    return f"NotBefore {element.not_before or '?'}, NotAfter {element.not_after or '?'}"
