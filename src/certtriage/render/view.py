"""The one presenter: what every human-readable renderer shows, computed once.

A :class:`ReportView` holds, per input, the headline (verdict, root causes, IIS sub-status), the
one-line summary, the chains to draw with their failing elements and URLs, the events table,
the findings grouped (the same rule on one element is one group, with every URL it names and
one remediation), and the notes. Text, Markdown, HTML and CSV render this view and decide only
how it looks; nothing here knows a format or an output syntax.

The records are named tuples rather than frozen dataclasses: Python 3.11 writes and compiles
six methods for each frozen dataclass when its module is imported (about a millisecond a
class), and every `certtriage analyze` of a paste imports these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ..models.common import URL_SECTIONS, ChainElement, UrlCheck
from ..models.findings import (
    CaseCertificate,
    CaseResult,
    Finding,
    FixStep,
    InputResult,
    Reference,
    Report,
)
from . import story as _story
from . import summary as _summary
from .story import TimelineRow

if TYPE_CHECKING:  # the event-log view is imported only for an input that has events
    from .logview import EventRow, LogView

#: Statuses of a retrieval that did not deliver.
BAD_STATUSES = frozenset({"failed", "expired"})


class CheckView(NamedTuple):
    """One -urlfetch retrieval under an element."""

    section: str
    status: str
    status_text: str
    target: str
    """The URL, or the fetched object's description when no URL was printed."""
    bad: bool
    error: str
    """`0x80072ee7 The server name ...`, empty when the retrieval worked."""


class ElementView(NamedTuple):
    """One certificate of a chain as drawn."""

    position: str
    subject: str
    errors: tuple[str, ...]
    """Error flags without their CERT_TRUST_ prefix."""
    clean: bool
    """The status is known and has no error bit."""
    failing: bool
    """A root cause is about this element."""
    checks: tuple[CheckView, ...]


class ChainView(NamedTuple):
    """A chain to draw, leaf first."""

    title: str
    elements: tuple[ElementView, ...]


class Symptom(NamedTuple):
    """A finding explained by a root cause, shown under it."""

    cause: str
    rule: str
    message: str


class FindingGroup(NamedTuple):
    """Findings of one rule about one element (or one event, or one setting), shown once."""

    rule: str
    cause: str
    severity: str
    root: bool
    iis: tuple[str, ...]
    context: str | None
    messages: tuple[str, ...]
    urls: tuple[str, ...]
    repeated: tuple[int, str, str] | None
    """(times, first time, last time) when one event was logged again and again."""
    symptoms: tuple[Symptom, ...]
    explained_by: tuple[str, ...]
    why: str
    fix: tuple[FixStep, ...]
    references: tuple[Reference, ...]


class InputView(NamedTuple):
    """What a reader is shown about one input."""

    source: str
    meta: str
    status: str
    verdict: str | None
    reason: str
    """Why the input was not analysed (when `verdict` is None)."""
    root_causes: tuple[str, ...]
    cause_label: str
    """`root cause` when the verdict is fail, `likely cause` when the evidence does not decide."""
    iis: tuple[str, ...]
    summary: str
    chains: tuple[ChainView, ...]
    events: tuple[EventRow, ...]
    """Certificate events, repeats grouped."""
    log: LogView | None
    """What an event log holds (records, time span, computers, counts, validations)."""
    notes: tuple[str, ...]
    roots: tuple[FindingGroup, ...]
    others: tuple[FindingGroup, ...]
    passes: tuple[str, ...]
    next_steps: tuple[str, ...]
    warnings: tuple[str, ...]
    fix_first: FixStep | None
    """The first thing to do: the first root cause's first step, or the first next step."""
    keep: tuple[str, ...]
    """Names, URLs and places that a layout must never break across lines."""


class CertificateRow(NamedTuple):
    """One certificate (or server log window) of a case, with its own root causes."""

    label: str
    root_causes: tuple[str, ...]
    iis: tuple[str, ...]
    symptoms: tuple[str, ...]
    sources: tuple[str, ...]
    more: str
    """How many files beyond `sources` ('and 9,990 more'), or ''."""


class CaseView(NamedTuple):
    """One case of a batch run."""

    name: str
    verdict: str
    root_causes: tuple[str, ...]
    iis: tuple[str, ...]
    read: int
    skipped: int
    failed: int
    notes: tuple[str, ...]
    summary: str
    """One line: the verdict, the case's first root cause where it was found, the fix."""
    certificates: tuple[CertificateRow, ...]
    """Side by side, when the case is about more than one certificate (else empty)."""
    timeline: tuple[TimelineRow, ...]
    story: str
    """What came first, in one sentence ('' when no failure was logged with a time)."""


class ReportView(NamedTuple):
    """The whole report as shown."""

    version: str
    verdict: str
    inputs: tuple[InputView, ...]
    cases: tuple[CaseView, ...]


def build(report: Report) -> ReportView:
    """The view of `report`."""
    return ReportView(
        version=report.version, verdict=report.verdict,
        inputs=tuple(input_view(r) for r in report.inputs),
        cases=tuple(_case(c, [r for r in report.inputs if r.case == c.case])
                    for c in report.cases),
    )


def _more(certificate: CaseCertificate) -> str:
    left = certificate.files - len(certificate.sources)
    return f"and {left:,} more" if left > 0 else ""


def _case(case: CaseResult, results: list[InputResult]) -> CaseView:
    certificates = tuple(CertificateRow(label=c.label, root_causes=c.root_causes,
                                        iis=c.iis_substatus, symptoms=c.symptoms,
                                        sources=c.sources, more=_more(c))
                         for c in case.certificates)
    return CaseView(name=case.case, verdict=case.verdict, root_causes=case.root_causes,
                    iis=case.iis_substatus, read=case.parsed, skipped=case.skipped,
                    failed=case.failed, notes=case.notes,
                    summary=_summary.case_line(case, results),
                    certificates=certificates if len(certificates) > 1 else (),
                    timeline=_story.rows(case.timeline, case.case),
                    story=_story.story(case.timeline))


def input_view(result: InputResult) -> InputView:
    """The view of one input's result."""
    meta = ", ".join(x for x in (result.kind, result.encoding, result.status) if x)
    roots = [f for f in result.findings if f.root_cause and f.cause != "ok"]
    model = result.model
    unrelated: frozenset[int] = getattr(model, "unrelated_ids", frozenset)()
    log = rows = None
    if result.events or getattr(model, "counts", None) is not None:  # an event log's
        from .logview import event_rows, log_view

        log, rows = log_view(model, result.findings), event_rows(result.events)
    others = [f for f in result.findings
              if not f.root_cause and not f.explained_by and f.cause != "ok"
              and not (f.severity == "info" and f.event_id in unrelated)]
    return InputView(
        source=result.source, meta=meta, status=result.status, verdict=result.verdict,
        reason=result.error or "not analysed",
        root_causes=() if result.root_causes == ("ok",) else result.root_causes,
        cause_label="root cause" if result.verdict == "fail" else "likely cause",
        iis=result.iis_substatus, summary=_summary.line(result),
        chains=tuple(_chains(model, result.findings)) if model is not None else (),
        events=tuple(rows or ()),
        log=log,
        notes=tuple(model.summary_lines()) if model is not None and log is None else (),
        roots=tuple(_groups(roots, result.findings)),
        others=tuple(_groups(others, result.findings)),
        passes=_passes(result.findings),
        next_steps=result.next_steps, warnings=result.warnings,
        fix_first=_summary.first_step(result), keep=_keep(result),
    )


def _keep(result: InputResult) -> tuple[str, ...]:
    """Subjects, issuers and URLs of the input: values a layout keeps whole."""
    values: list[str | None] = []
    if result.model is not None:
        for _, _, elements in result.model.chains():
            values.extend(v for e in elements for v in (e.subject, e.issuer))
    values.extend(v for f in result.findings for v in (f.subject, f.url))
    return tuple(dict.fromkeys(v for v in values if v))


def position(element: ChainElement | None, index: int | None) -> str:
    """`[0][1]`, or `[?]` when the input does not show the element's header."""
    if index is None:
        return "[?]"
    chain = element.chain_index if element is not None and element.chain_index else 0
    return f"[{chain}][{index}]"


def summary_line(result: InputResult) -> str:
    """One line that says it all (see :func:`render.summary.line`)."""
    return _summary.line(result)


def _chains(model: Any, findings: tuple[Finding, ...]) -> list[ChainView]:
    """The chains the model shows: each with its failing elements, those of runs inside a log
    only when a root cause is about them."""
    shown = []
    errors = [f for f in findings if f.root_cause and f.severity == "error"]
    for title, context, elements in model.chains():
        # the input's own chain takes the findings of the input itself, not of a piece beside
        # it (a code named in a sentence is about no element shown)
        mine = [f for f in errors if (not f.context if context is None
                                      else context in (f.context or ""))]
        if context is not None and not mine:
            continue
        failing = {f.element for f in mine}
        shown.append(ChainView(title=title, elements=tuple(
            _element(e, e.index in failing) for e in elements)))
    return shown


def _element(element: ChainElement, failing: bool) -> ElementView:
    errors = element.error_status.flags if element.error_status else ()
    return ElementView(
        position=position(element, element.index),
        subject=element.subject or "(subject not in the input)",
        errors=tuple(f.removeprefix("CERT_TRUST_") for f in errors),
        clean=element.error_status is not None and not errors, failing=failing,
        checks=tuple(_check(c) for c in element.url_checks),
    )


def _check(check: UrlCheck) -> CheckView:
    error = ""
    if check.error is not None:
        code = check.error.hresult.hex if check.error.hresult else ""
        error = f"{code} {check.error.message}".strip()
    return CheckView(
        section=URL_SECTIONS[check.section][1], status=check.status,
        status_text=check.status_text, target=check.url or f'"{check.object_text}"',
        bad=check.status in BAD_STATUSES, error=error,
    )


def _passes(findings: tuple[Finding, ...]) -> tuple[str, ...]:
    """What says the chain is clean, once each (a log's validations repeat it), counted."""
    counts: dict[str, int] = {}
    for f in findings:
        if f.cause == "ok" and f.root_cause:
            counts[f.message] = counts.get(f.message, 0) + 1
    return tuple(m if n == 1 else f"{m} ({n} chain validations)" for m, n in counts.items())


def _groups(findings: list[Finding], everything: tuple[Finding, ...]) -> list[FindingGroup]:
    """Findings of one rule about one element (of one chain), or one kind of event, as one
    group each: its URLs and messages listed, its remediation once."""
    grouped: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        chain = finding.context if finding.element is not None else None
        key = (finding.rule, finding.element, finding.cause, finding.alert_code,
               finding.event_id, chain)
        grouped.setdefault(key, []).append(finding)
    return [_group(members, everything) for members in grouped.values()]


def _group(members: list[Finding], everything: tuple[Finding, ...]) -> FindingGroup:
    first = members[0]
    events = first.event_id is not None and len(members) > 1
    codes = {m.rule for m in members}
    elements = {m.element for m in members}
    symptoms = tuple(
        Symptom(cause=s.cause, rule=s.rule, message=s.message) for s in everything
        if codes & set(s.explained_by) and (s.element is None or s.element in elements))
    return FindingGroup(
        rule=first.rule, cause=first.cause, severity=first.severity, root=first.root_cause,
        iis=first.iis_substatus, context=first.context,
        messages=(first.message,) if events else tuple(dict.fromkeys(m.message for m in members)),
        urls=tuple(dict.fromkeys(m.url for m in members if m.url)),
        repeated=(len(members), members[0].time or "?", members[-1].time or "?") if events
        else None,
        symptoms=symptoms, explained_by=first.explained_by, why=" ".join(first.why.split()),
        fix=first.remediation, references=first.references,
    )
