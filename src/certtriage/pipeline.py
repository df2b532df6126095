"""The pure per-input pipeline: bytes -> decode -> detect -> parse -> rules -> result.

Only `analyze_path` touches the file system (one read); everything else is a function of its
arguments, so a batch engine can map `analyze_bytes` over many machines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .detect import FormatId, detect
from .engine import evaluate, hresults, verdict, worst_verdict
from .formats import detect_bytes, detect_text
from .knowledge.predicates import all_hresults, chain_status_is_known
from .knowledge.rulebook import Rulebook, load_rulebook
from .models.common import UnparsedLine
from .models.findings import Finding, InputResult, Report
from .parsers import parse
from .parsers.certutil_verify.model import CertutilVerify
from .parsers.events.evtx import is_evtx, read_evtx
from .parsers.events.model import Capi2Run, EventLog
from .text.decode import MAX_TEXT_BYTES, InputTooLarge, decode

#: EVTX files are streamed, so they may be far larger than text inputs.
MAX_EVTX_BYTES = 4 * 1024**3


def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
    """Diagnose one input given as bytes."""
    if is_evtx(data[:8]):
        return _events_result(source, FormatId.EVTX.value, read_evtx(data, source))
    binary = detect_bytes(data)
    if binary is not None:
        return _format_result(source, binary.id, _parse_safely(binary.parse_data, data))
    try:
        document = decode(data, source)
    except InputTooLarge as exc:
        return InputResult(source=source, kind="unknown", status="error", error=str(exc))
    result = analyze_text(document.text, source)
    warnings = list(result.warnings)
    if document.replaced:
        warnings.insert(0, f"some bytes were not valid {document.encoding} and were replaced")
    return result.model_copy(update={"encoding": document.encoding, "warnings": tuple(warnings)})


def analyze_text(text: str, source: str = "<text>") -> InputResult:
    """Diagnose one input that is already text."""
    kind = detect(text)
    if kind is FormatId.UNKNOWN:
        other = detect_text(text)
        if other is not None:
            return _format_result(source, other.id, _parse_safely(other.parse_text, text))
        return InputResult(
            source=source, kind=kind.value, status="unrecognized",
            error="not certutil output or any other format certtriage reads",
        )
    model = parse(kind, text)
    if isinstance(model, EventLog):
        return _events_result(source, kind.value, model)
    findings = evaluate(model, load_rulebook(), kind.value)
    return _result(source, kind.value, model, findings)


def _parse_safely(parse_fn: Any, data: Any) -> Any:
    """A format parser's model, or the one-line reason it could not read the input."""
    try:
        return parse_fn(data)
    except ValueError as exc:  # parsers raise ValueError with a one-line reason
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _format_result(source: str, kind: str, model: Any) -> InputResult:
    """Diagnose a configuration or log input (netsh, registry, IIS, W3C, stores, certificates)."""
    if isinstance(model, str):
        return InputResult(source=source, kind=kind, status="error", error=model)
    findings = evaluate(model, load_rulebook(), kind)
    warnings = _unparsed_warnings(getattr(model, "unparsed", ()))
    return InputResult(
        source=source, kind=kind, status="partial" if warnings else "parsed",
        verdict=verdict(findings), **_root_summary(_failure_roots(findings)),
        hresults=tuple(dict.fromkeys(f.hresult for f in findings if f.hresult)),
        warnings=tuple(warnings), findings=tuple(findings), model=model,
    )


def _unparsed_warnings(unparsed: Iterable[UnparsedLine]) -> list[str]:
    """One warning per line a parser kept but could not read."""
    return [f"line {u.line}: {u.reason}: {u.text[:80]}" for u in unparsed]


def _failure_roots(findings: list[Finding]) -> list[Finding]:
    """The root-cause findings of a failure, or else the first `ok` finding."""
    roots = [f for f in findings if f.root_cause and f.cause != "ok"]
    return roots or [f for f in findings if f.cause == "ok"][:1]


def _root_summary(roots: list[Finding]) -> dict[str, Any]:
    """The result fields that the root-cause findings decide."""
    return {
        "root_causes": tuple(dict.fromkeys(f.cause for f in roots)),
        "failing_element": next((f.element for f in roots if f.element is not None), None),
        "iis_substatus": tuple(dict.fromkeys(s for f in roots for s in f.iis_substatus)),
    }


_EVENT_FIELDS = {"provider", "event_id", "level", "time", "computer", "channel", "record_id",
                 "alert_code", "alert_name", "error_state", "codes", "message", "data"}


def _run_findings(run: Capi2Run, book: Rulebook) -> list[Finding]:
    """A CAPI2 run's findings. When the chain policy (event 30) accepted the chain, the bits it
    chose to ignore are reported as warnings, not as the cause of a failure."""
    trailer = run.chain.trailer
    context = f"CAPI2 run {run.task_id}" + (f" ({run.process}" if run.process else " (")
    context += f", {trailer.policy})" if trailer.policy else ")"
    found = []
    for finding in evaluate(run.chain, book, "capi2-run"):
        update: dict[str, object] = {"context": context.replace(" ()", "")}
        if trailer.policy_accepted and finding.severity == "error":
            update.update(severity="warning", root_cause=False,
                          message=finding.message + " The chain policy accepted the chain "
                          "anyway (event 30 result 0), so this did not fail the validation.")
        found.append(finding.model_copy(update=update))
    if trailer.policy_accepted and not any(f.cause == "ok" for f in found):
        found.append(Finding(rule="RES001", name="chain-valid", cause="ok",
                             title="The chain validates", severity="info", root_cause=True,
                             context=context, message="The chain policy accepted the chain "
                             "(event 30 result 0)."))
    return found


def _events_result(source: str, kind: str, log: EventLog) -> InputResult:
    """Diagnose an event log: its events, and each CAPI2 run like a certutil chain."""
    book = load_rulebook()
    findings = evaluate(log, book, "event-log")
    for run in log.runs:
        findings.extend(_run_findings(run, book))
    warnings = _unparsed_warnings(log.unparsed)
    warnings.extend(log.problems)
    if not log.events:
        warnings.append(f"no Schannel, CAPI2, crypt32 or HTTP.sys events among "
                        f"{log.records_read} records")
    codes = tuple(dict.fromkeys(c for e in log.events for c in e.codes))
    run_codes = tuple(h.hex for run in log.runs for h in all_hresults(run.chain))
    status = "parsed" if not warnings else "partial"
    return InputResult(
        source=source, kind=kind, status=status,
        encoding="binary" if kind == FormatId.EVTX.value else None,
        verdict=verdict(findings), **_root_summary(_failure_roots(findings)),
        hresults=tuple(dict.fromkeys(codes + run_codes)), warnings=tuple(warnings),
        findings=tuple(sorted(findings, key=lambda f: (not f.root_cause, f.cause == "ok"))),
        events=tuple(e.model_dump(mode="json", include=_EVENT_FIELDS, exclude_none=True)
                     for e in log.events),
        model=log,
    )


def _result(source: str, kind: str, model: CertutilVerify, findings: list[Finding]) -> InputResult:
    roots = [f for f in findings if f.root_cause]
    failing = next((f.element for f in roots if f.element is not None and f.cause != "ok"), None)
    substatus = tuple(dict.fromkeys(s for f in roots for s in f.iis_substatus))
    warnings = _unparsed_warnings(model.unparsed)
    if model.elided:
        warnings.append(f"the paste leaves content out at line(s) {_lines(model.elided)}")
    status = "parsed" if model.complete and not model.unparsed and not model.elided else "partial"
    result_verdict = verdict(findings, chain_status_is_known(model))
    next_steps: tuple[str, ...] = ()
    if result_verdict == "inconclusive":
        next_steps = tuple(s.text for f in findings if f.cause == "insufficient-evidence"
                           for s in f.remediation)
    return InputResult(
        source=source, kind=kind, status=status, verdict=result_verdict,
        root_causes=tuple(dict.fromkeys(f.cause for f in roots)), failing_element=failing,
        iis_substatus=substatus, hresults=hresults(model), warnings=tuple(warnings),
        next_steps=next_steps, findings=tuple(findings), model=model,
    )


def _lines(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (" ..." if len(numbers) > 10 else "")


def analyze_path(path: str | os.PathLike[str],
                 records: Callable[[int], None] | None = None) -> InputResult:
    """Read one file and diagnose it; unreadable files give an `error` result, not an exception.

    `records`, when given, is called with the number of records read so far while a large
    EVTX file streams (for progress display).
    """
    source = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            return InputResult(source=source, kind="unknown", status="error",
                               error="is a folder (batch reads folders; analyze reads files)")
        size = p.stat().st_size
        with p.open("rb") as handle:
            head = handle.read(8)
        if is_evtx(head):
            if size > MAX_EVTX_BYTES:
                return InputResult(source=source, kind="evtx", status="error",
                                   error=f"{size} bytes is more than the {MAX_EVTX_BYTES} "
                                   "accepted for EVTX")
            return _events_result(source, FormatId.EVTX.value,
                                  read_evtx(p, source, progress=records))
        if size > MAX_TEXT_BYTES:
            return InputResult(source=source, kind="unknown", status="error",
                               error=f"{size} bytes is more than the {MAX_TEXT_BYTES} accepted")
        data = p.read_bytes()
    except OSError as exc:
        return InputResult(source=source, kind="unknown", status="error",
                           error=exc.strerror or type(exc).__name__)
    return analyze_bytes(data, source)


def report(results: list[InputResult]) -> Report:
    """Combine per-input results; the worst verdict decides."""
    overall = worst_verdict(r.verdict for r in results)
    return Report(version=__version__, verdict=overall, inputs=tuple(results))
