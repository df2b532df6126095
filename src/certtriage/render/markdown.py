"""Markdown output for pasting into a ticket: verdict, chain table, findings, remediation."""

from __future__ import annotations

from ..models.findings import InputResult, Report
from ..parsers.certutil_verify.model import CertutilVerify

_SECTIONS = {"aia": "AIA", "cdp": "CDP", "base_crl_cdp": "Delta CDP", "ocsp": "OCSP",
             "unknown": "URL"}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, **_: object) -> str:
    """The report as GitHub-flavoured Markdown."""
    out: list[str] = [f"# certtriage: {report.verdict.upper()}", ""]
    for result in report.inputs:
        out.extend(_input(result))
    return "\n".join(out).rstrip() + "\n"


def _input(result: InputResult) -> list[str]:
    out = [f"## `{result.source}`", ""]
    meta = ", ".join(x for x in (result.kind, result.encoding, result.status) if x)
    out.append(f"*{meta}*")
    out.append("")
    if result.verdict is None:
        return [*out, f"Not analysed: {result.error or 'unknown reason'}", ""]
    line = f"**Verdict: {result.verdict.upper()}**"
    if result.root_causes and result.root_causes != ("ok",):
        line += f" — root cause: {', '.join(f'`{c}`' for c in result.root_causes)}"
    if result.iis_substatus:
        line += f" — IIS {', '.join(result.iis_substatus)}"
    out += [line, ""]
    if isinstance(result.model, CertutilVerify) and result.model.elements:
        out += _chain(result.model, {f.element for f in result.findings if f.root_cause})
    if result.events:
        out += ["| Time | Source | ID | Level | Detail |", "|---|---|---|---|---|"]
        for event in result.events[:50]:
            detail = (f"alert {event['alert_code']} {event.get('alert_name', '')}"
                      if event.get("alert_code") is not None
                      else ", ".join(event.get("codes") or ()))  # type: ignore[arg-type]
            out.append(f"| {_cell(str(event.get('time') or ''))} | {_cell(str(event['provider']))}"
                       f" | {event['event_id']} | {event.get('level') or ''} | {_cell(detail)} |")
        out.append("")
    for f in result.findings:
        if f.cause == "ok":
            continue
        tag = "Root cause" if f.root_cause else (
            f"Symptom of {', '.join(f.explained_by)}" if f.explained_by else f.severity.title())
        out.append(f"### {tag}: `{f.cause}` ({f.rule})"
                   + (f" — {', '.join(f.iis_substatus)}" if f.iis_substatus else "")
                   + (f" — {f.context}" if f.context else ""))
        out += ["", f.message, ""]
        if f.root_cause or (not f.explained_by and f.severity != "info"):
            if f.why:
                out += [" ".join(f.why.split()), ""]
            for n, step in enumerate(f.remediation, start=1):
                out.append(f"{n}. {step.text}" + (f" *({step.where})*" if step.where else ""))
            if f.remediation:
                out.append("")
            for ref in f.references:
                out.append(f"- [{ref.title}]({ref.url})" if ref.url else f"- {ref.title}")
            if f.references:
                out.append("")
    if result.next_steps:
        out += ["### Collect next", ""]
        out += [f"{n}. {s}" for n, s in enumerate(result.next_steps, start=1)] + [""]
    if result.warnings:
        out += ["<details><summary>Reading warnings</summary>", ""]
        out += [f"- {_cell(w)}" for w in result.warnings] + ["", "</details>", ""]
    return out


def _chain(model: CertutilVerify, failing: set[int | None]) -> list[str]:
    out = ["| # | Subject | Errors | URL checks |", "|---|---|---|---|"]
    for e in model.elements:
        position = f"[{e.chain_index or 0}][{e.index}]" if e.index is not None else "?"
        if e.index in failing:
            position = f"**{position}**"
        errors = ", ".join(e.error_status.flags) if e.error_status else "—"
        checks = "<br>".join(
            f"{_SECTIONS[c.section]} {c.status_text} {_cell(c.url) or ''}"
            + (f" ({c.error.hresult.hex})" if c.error and c.error.hresult else "")
            for c in e.url_checks
        )
        out.append(f"| {position} | {_cell(e.subject)} | {errors or 'none'} | {checks} |")
    return [*out, ""]
