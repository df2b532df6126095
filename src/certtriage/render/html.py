"""One self-contained HTML file a customer can open: no scripts, no external assets.

Everything taken from the input is escaped; styles are inline in the document head.
"""

from __future__ import annotations

import re
from html import escape

from ..models.findings import Finding, InputResult, Report
from ..parsers.certutil_verify.model import CertutilVerify
from ..parsers.events.model import EventLog

_CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.fail{color:#b00020;font-weight:bold}.pass{color:#1b7f3b;font-weight:bold}
.inconclusive{color:#9a6700;font-weight:bold}
.finding{border-left:4px solid #b00020;padding:.2em .8em;margin:.6em 0;background:#fff7f7}
.warning{border-left-color:#9a6700;background:#fffbf0}.info{border-left-color:#0b5cad;
background:#f4f8ff}.muted{color:#666}code,.url{font-family:Consolas,monospace;
word-break:break-all}ul.chain{list-style:none;padding-left:1em}ul.chain li{margin:.2em 0}
.bad{color:#b00020}.good{color:#1b7f3b}
"""


_SECTIONS = {"aia": "AIA", "cdp": "CDP", "base_crl_cdp": "Delta CDP", "ocsp": "OCSP",
             "unknown": "URL"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def render_html(report: Report, **_: object) -> str:
    """The report as one HTML document."""
    body = [f"<h1>certtriage report: <span class='{report.verdict}'>"
            f"{report.verdict.upper()}</span></h1>",
            f"<p class='muted'>certtriage {_e(report.version)}</p>"]
    if report.cases:
        body.append(_cases(report))
    for result in report.inputs:
        body.append(_input(result))
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>certtriage report</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def _cases(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{_e(c.case)}</td><td class='{c.verdict}'>{c.verdict}</td>"
        f"<td>{_e(', '.join(c.root_causes))}</td><td>{_e(', '.join(c.iis_substatus))}</td>"
        f"<td>{c.parsed} / {c.skipped} / {c.failed}</td>"
        f"<td>{'<br>'.join(_e(n) for n in c.notes)}</td></tr>"
        for c in report.cases)
    return ("<h2>Cases</h2><table><tr><th>Case</th><th>Verdict</th><th>Root cause</th>"
            "<th>IIS</th><th>Files read / skipped / failed</th><th>Notes</th></tr>"
            f"{rows}</table>")


def _input(result: InputResult) -> str:
    parts = [f"<h2>{_e(result.source)}</h2>",
             "<p class='muted'>" + _e(", ".join(
                 x for x in (result.kind, result.encoding, result.status) if x)) + "</p>"]
    if result.verdict is None:
        parts.append(f"<p>Not analysed: {_e(result.error or 'unknown reason')}</p>")
        return "<section>" + "".join(parts) + "</section>"
    parts.append(f"<p>Verdict: <span class='{result.verdict}'>{result.verdict.upper()}</span>"
                 + (f" &mdash; root cause: {_e(', '.join(result.root_causes))}"
                    if result.root_causes and result.root_causes != ("ok",) else "")
                 + (f" &mdash; IIS {_e(', '.join(result.iis_substatus))}"
                    if result.iis_substatus else "") + "</p>")
    model = result.model
    if isinstance(model, CertutilVerify) and model.elements:
        failing = {f.element for f in result.findings if f.root_cause and f.cause != "ok"}
        parts.append(_chain(model, failing))
    if isinstance(model, EventLog) and result.events:
        parts.append(_events(result))
    explained: set[str] = set()
    for finding in result.findings:
        if finding.cause != "ok" and not finding.explained_by:
            # The why / fix / references of a rule are printed once per input.
            parts.append(_finding(finding, result.findings, full=finding.rule not in explained))
            explained.add(finding.rule)
    if result.next_steps:
        parts.append("<h3>Collect next</h3><ol>" + "".join(
            f"<li>{_e(s)}</li>" for s in result.next_steps) + "</ol>")
    if result.warnings:
        parts.append("<details><summary>Reading warnings</summary><ul>" + "".join(
            f"<li>{_e(w)}</li>" for w in result.warnings) + "</ul></details>")
    return "<section>" + "".join(parts) + "</section>"


def _chain(model: CertutilVerify, failing: set[int | None]) -> str:
    items = []
    for e in model.elements:
        position = f"[{e.chain_index or 0}][{e.index}]" if e.index is not None else "[?]"
        errors = ", ".join(e.error_status.flags) if e.error_status else ""
        cls = "bad" if e.index in failing else ""
        checks = "".join(
            f"<li><span class='{'bad' if c.status in ('failed', 'expired') else 'good'}'>"
            f"{_e(_SECTIONS[c.section])} {_e(c.status_text)}</span> "
            f"<span class='url'>{_e(c.url or c.object_text)}</span>"
            + (f" {_e(c.error.hresult.hex if c.error.hresult else '')} {_e(c.error.message)}"
               if c.error else "") + "</li>"
            for c in e.url_checks)
        items.append(f"<li class='{cls}'><b>{_e(position)}</b> {_e(e.subject or '?')}"
                     + (f" <span class='bad'>{_e(errors)}</span>" if errors else "")
                     + (f"<ul class='chain'>{checks}</ul>" if checks else "") + "</li>")
    return "<h3>Chain (leaf first)</h3><ul class='chain'>" + "".join(items) + "</ul>"


def _events(result: InputResult) -> str:
    rows = "".join(
        f"<tr><td>{_e(ev.get('time') or '')}</td><td>{_e(ev['provider'])}</td>"
        f"<td>{_e(ev['event_id'])}</td><td>{_e(ev.get('level') or '')}</td>"
        f"<td>{_e(ev.get('alert_name') or ', '.join(ev.get('codes') or ()))}</td></tr>"  # type: ignore[arg-type]
        for ev in result.events[:200] if ev["provider"] != "Microsoft-Windows-CAPI2")
    return ("<h3>Events</h3><table><tr><th>Time</th><th>Source</th><th>ID</th><th>Level</th>"
            f"<th>Detail</th></tr>{rows}</table>") if rows else ""


def _md(text: str) -> str:
    """Escaped text with `code` spans (from our own rule files) shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _finding(f: Finding, all_findings: tuple[Finding, ...], full: bool = True) -> str:
    label = "Root cause" if f.root_cause else f.severity.title()
    head = (f"<h3>{_e(label)}: <code>{_e(f.cause)}</code> ({_e(f.rule)})"
            + (f" &rarr; {_e(', '.join(f.iis_substatus))}" if f.iis_substatus else "")
            + "</h3>")
    parts = [head, f"<p>{_e(f.message)}</p>"]
    for symptom in all_findings:
        if f.rule in symptom.explained_by and (symptom.element in (None, f.element)):
            parts.append(f"<p class='muted'>Symptom: {_e(symptom.cause)}: "
                         f"{_e(symptom.message)}</p>")
    if not full:
        parts.append("<p class='muted'>Why and how to fix: as above.</p>")
    elif f.root_cause or f.severity != "info":
        if f.why:
            parts.append(f"<p>{_md(' '.join(f.why.split()))}</p>")
        if f.remediation:
            parts.append("<ol>" + "".join(
                f"<li>{_md(s.text)}" + (f" <i>({_md(s.where)})</i>" if s.where else "") + "</li>"
                for s in f.remediation) + "</ol>")
        if f.references:
            parts.append("<ul>" + "".join(
                (f"<li><a href='{_e(r.url)}'>{_e(r.title)}</a></li>" if r.url.startswith(
                    "https://") else f"<li>{_e(r.title)}</li>")
                for r in f.references) + "</ul>")
    kind = "finding" if f.severity == "error" else f"finding {f.severity}"
    return f"<div class='{kind}'>" + "".join(parts) + "</div>"
