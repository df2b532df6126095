"""One self-contained HTML file a customer can open: no scripts, no external assets.

Everything shown comes from the view (`render/view.py`). Everything taken from the input is
escaped, its control characters shown as escapes (`render/escape.py`); styles are inline in
the document head.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from ..models.findings import Report
from .escape import visible
from .view import CaseView, ChainView, FindingGroup, InputView, ReportView, build

if TYPE_CHECKING:
    from .logview import CountRow, EventRow, LogView

_CSS = """
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em}
h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.fail{color:#b00020;font-weight:bold}.pass{color:#1b7f3b;font-weight:bold}
.inconclusive{color:#9a6700;font-weight:bold}.unrecognized{color:#6f42c1;font-weight:bold}
.finding{border-left:4px solid #b00020;padding:.2em .8em;margin:.6em 0;background:#fff7f7}
.warning{border-left-color:#9a6700;background:#fffbf0}.info{border-left-color:#0b5cad;
background:#f4f8ff}.muted{color:#666}code,.url{font-family:Consolas,monospace;
word-break:break-all}ul.chain{list-style:none;padding-left:1em}ul.chain li{margin:.2em 0}
.bad{color:#b00020}.good{color:#1b7f3b}
"""


def _e(text: object) -> str:
    return escape(visible(str(text)), quote=True)


def render_html(report: Report, **_: object) -> str:
    """The report as one HTML document."""
    view = build(report)
    body = [f"<h1>certtriage report: <span class='{view.verdict}'>"
            f"{view.verdict.upper()}</span></h1>",
            f"<p class='muted'>certtriage {_e(view.version)}</p>"]
    if view.cases:
        body.append(_cases(view))
    body.extend(_input(item) for item in view.inputs)
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>certtriage report</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def _cases(view: ReportView) -> str:
    rows = "".join(
        f"<tr><td>{_e(c.name)}</td><td class='{c.verdict}'>{c.verdict}</td>"
        f"<td>{_e(', '.join(c.root_causes))}</td><td>{_e(', '.join(c.iis))}</td>"
        f"<td>{c.read} / {c.skipped} / {c.failed}</td>"
        f"<td>{'<br>'.join(_e(n) for n in c.notes)}</td></tr>"
        for c in view.cases)
    return ("<h2>Cases</h2><table><tr><th>Case</th><th>Verdict</th><th>Root cause</th>"
            "<th>IIS</th><th>Files read / skipped / failed</th><th>Notes</th></tr>"
            f"{rows}</table>" + "".join(_side_by_side(c) + _timeline(c) for c in view.cases))


def _side_by_side(case: CaseView) -> str:
    if not case.certificates:
        return ""
    rows = "".join(
        f"<tr><td>{_e(c.label)}</td><td>{_e(', '.join(c.root_causes))}</td>"
        f"<td>{_e(', '.join(c.iis))}</td><td>{_e(', '.join(c.symptoms))}</td>"
        f"<td>{'<br>'.join(_e(s) for s in filter(None, (*c.sources, c.more)))}</td></tr>"
        for c in case.certificates)
    return (f"<h3>Certificates in {_e(case.name)}</h3><table><tr><th>Certificate</th>"
            "<th>Root cause</th><th>IIS</th><th>Symptoms</th><th>Files</th></tr>"
            f"{rows}</table>")


def _timeline(case: CaseView) -> str:
    if not case.timeline:
        return ""
    bad = " class='bad'"
    rows = "".join(
        f"<tr><td>{_e(r.time)}</td><td{bad if r.failure else ''}>{_e(r.what)}</td>"
        f"<td>{_e(r.source)}</td></tr>" for r in case.timeline)
    story = f"<p><strong>{_e(case.story)}</strong></p>" if case.story else ""
    return (f"<h3>Timeline of {_e(case.name)}</h3>{story}<table><tr><th>Time</th>"
            f"<th>What</th><th>File</th></tr>{rows}</table>")


def _input(item: InputView) -> str:
    parts = [f"<h2>{_e(item.source)}</h2>", f"<p class='muted'>{_e(item.meta)}</p>"]
    if item.verdict is None:
        parts.append(f"<p>Not analysed: {_e(item.reason)}</p>")
        return "<section>" + "".join(parts) + "</section>"
    parts.append(f"<p>Verdict: <span class='{item.verdict}'>{item.verdict.upper()}</span>"
                 + (f" &mdash; {_e(item.cause_label)}: {_e(', '.join(item.root_causes))}"
                    if item.root_causes else "")
                 + (f" &mdash; IIS {_e(', '.join(item.iis))}" if item.iis else "") + "</p>")
    parts.append(f"<p class='muted'>{_e(item.summary)}</p>")
    if item.log is not None:
        parts.append(_log(item.log))
    parts.extend(_chain(chain) for chain in item.chains)
    if item.events:
        parts.append(_events(item.events))
    if item.log is not None and item.log.validations:
        parts.append(_validations(item.log))
    parts.extend(f"<p>{_e(note)}</p>" for note in item.notes)
    parts.extend(_group("Root cause", group, full=True) for group in item.roots)
    parts.extend(_group(group.severity.title(), group, full=group.severity != "info")
                 for group in item.others)
    parts.extend(f"<p class='good'>{_e(message)}</p>" for message in item.passes)
    if item.next_steps:
        parts.append("<h3>Collect next</h3><ol>" + "".join(
            f"<li>{_md(s)}</li>" for s in item.next_steps) + "</ol>")
    if item.warnings:
        parts.append("<details><summary>Reading warnings</summary><ul>" + "".join(
            f"<li>{_e(w)}</li>" for w in item.warnings) + "</ul></details>")
    return "<section>" + "".join(parts) + "</section>"


def _chain(chain: ChainView) -> str:
    items = []
    for e in chain.elements:
        checks = "".join(
            f"<li><span class='{'bad' if c.bad else 'good'}'>{_e(c.section)} "
            f"{_e(c.status_text)}</span> <span class='url'>{_e(c.target)}</span>"
            + (f" {_e(c.error)}" if c.error else "") + "</li>" for c in e.checks)
        errors = ", ".join(e.errors)
        items.append(f"<li class='{'bad' if e.failing else ''}'><b>{_e(e.position)}</b> "
                     f"{_e(e.subject)}" + (f" <span class='bad'>{_e(errors)}</span>" if errors
                                           else "")
                     + (f"<ul class='chain'>{checks}</ul>" if checks else "") + "</li>")
    return f"<h3>{_e(chain.title)}</h3><ul class='chain'>" + "".join(items) + "</ul>"


def _events(rows: tuple[EventRow, ...]) -> str:
    body = "".join(
        f"<tr><td>{_e(r.time)}</td><td>{_e(r.last)}</td><td>{r.count}</td>"
        f"<td>{_e(r.source)}</td><td>{_e(r.event_id)}</td>"
        f"<td>{_e(r.level)}</td><td>{_e(r.detail)}</td></tr>" for r in rows[:200])
    return ("<h3>Certificate events</h3><table><tr><th>Time</th><th>Last</th><th>Count</th>"
            "<th>Source</th><th>ID</th><th>Level</th>"
            f"<th>Detail</th></tr>{body}</table>")


def _log(log: LogView) -> str:
    parts = ["<ul>", *(f"<li>{_e(fact)}</li>" for fact in log.facts)]
    if log.unrelated_line:
        parts.append(f"<li>{_e(log.unrelated_line)}</li>")
    parts.append("</ul>")
    if log.unrelated:
        parts.append("<details><summary>Events not about certificates</summary>"
                     + _counts(log.unrelated) + "</details>")
    return "".join(parts)


def _counts(rows: tuple[CountRow, ...]) -> str:
    body = "".join(
        f"<tr><td>{r.count}</td><td>{_e(r.source)}</td><td>{_e(r.event_id)}</td>"
        f"<td>{_e(r.level)}</td><td>{_e(r.first)}</td><td>{_e(r.last)}</td></tr>"
        for r in rows)
    return ("<table><tr><th>Count</th><th>Source</th><th>ID</th><th>Level</th><th>First</th>"
            f"<th>Last</th></tr>{body}</table>")


def _validations(log: LogView) -> str:
    body = "".join(
        f"<tr><td>{_e(r.time)}</td><td>{_e(r.last)}</td><td>{r.count}</td>"
        f"<td class='{'bad' if r.failed else 'good' if r.outcome == 'accepted' else ''}'>"
        f"{_e(r.outcome)}</td><td>{_e(r.subject)}</td><td>{_e(r.process)}</td>"
        f"<td>{_e(r.policy)}</td><td>{_e(r.error)}</td><td>{_e(', '.join(r.causes))}</td></tr>"
        for r in log.validations)
    return (f"<h3>{_e(log.validations_line)}</h3><table><tr><th>Time</th><th>Last</th>"
            "<th>Count</th><th>Outcome</th><th>Subject</th><th>Process</th><th>Policy</th>"
            f"<th>Error</th><th>Root cause</th></tr>{body}</table>")


def _md(text: str) -> str:
    """Escaped text with `code` spans (from our own rule files) shown as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _group(label: str, group: FindingGroup, *, full: bool) -> str:
    head = (f"<h3>{_e(label)}: <code>{_e(group.cause)}</code> ({_e(group.rule)})"
            + (f" &rarr; {_e(', '.join(group.iis))}" if group.iis else "")
            + (f" <span class='muted'>{_e(group.context)}</span>" if group.context else "")
            + "</h3>")
    parts = [head]
    if len(group.messages) > 1:
        parts.append("<ul>" + "".join(f"<li>{_e(m)}</li>" for m in group.messages) + "</ul>")
    else:
        parts.extend(f"<p>{_e(m)}</p>" for m in group.messages)
    if group.repeated is not None:
        times, first, last = group.repeated
        parts.append(f"<p class='muted'>Logged {times} times, {_e(first)} to {_e(last)}.</p>")
    parts.extend(f"<p class='muted'>Symptom: {_e(s.cause)}: {_e(s.message)}</p>"
                 for s in group.symptoms)
    if full:
        if group.why:
            parts.append(f"<p>{_md(group.why)}</p>")
        if group.fix:
            parts.append("<ol>" + "".join(
                f"<li>{_md(s.text)}" + (f" <i>({_md(s.where)})</i>" if s.where else "") + "</li>"
                for s in group.fix) + "</ol>")
        if group.references:
            parts.append("<ul>" + "".join(
                (f"<li><a href='{_e(r.url)}'>{_e(r.title)}</a></li>" if r.url.startswith(
                    "https://") else f"<li>{_e(r.title)}</li>")
                for r in group.references) + "</ul>")
    kind = "finding" if group.severity == "error" else f"finding {group.severity}"
    return f"<div class='{kind}'>" + "".join(parts) + "</div>"
