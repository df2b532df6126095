"""The pure per-input pipeline: bytes -> decode -> detect -> parse -> rules -> result.

Only `analyze_path` touches the file system (one read); everything else is a function of its
arguments, so a batch engine can map `analyze_bytes` over many machines.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__
from .detect import FormatId, detect
from .engine import evaluate, hresults, verdict
from .ingest import MAX_TEXT_BYTES, InputTooLarge, decode
from .knowledge.predicates import chain_status_is_known
from .knowledge.rulebook import load_rulebook
from .models.certutil import CertutilVerify
from .models.findings import Finding, InputResult, Report
from .parsers import parse


def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
    """Diagnose one input given as bytes."""
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
        return InputResult(
            source=source, kind=kind.value, status="unrecognized",
            error="not certutil output or any other format certtriage reads",
        )
    model = parse(kind, text)
    findings = evaluate(model, load_rulebook(), kind.value)
    return _result(source, kind.value, model, findings)


def _result(source: str, kind: str, model: CertutilVerify, findings: list[Finding]) -> InputResult:
    roots = [f for f in findings if f.root_cause]
    failing = next((f.element for f in roots if f.element is not None and f.cause != "ok"), None)
    substatus = tuple(dict.fromkeys(s for f in roots for s in f.iis_substatus))
    warnings = [f"line {u.line}: {u.reason}: {u.text[:80]}" for u in model.unparsed]
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


def analyze_path(path: str | os.PathLike[str]) -> InputResult:
    """Read one file and diagnose it; unreadable files give an `error` result, not an exception."""
    source = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            return InputResult(source=source, kind="unknown", status="error",
                               error="is a folder (batch reads folders; analyze reads files)")
        size = p.stat().st_size
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
    verdicts = {r.verdict for r in results}
    overall = "fail" if "fail" in verdicts else "inconclusive" if (
        "inconclusive" in verdicts or "pass" not in verdicts) else "pass"
    return Report(version=__version__, verdict=overall, inputs=tuple(results))
