"""Markdown for pasting into a ticket: verdict, cases, chain table, findings, remediation.

Everything shown comes from the view (`render/view.py`). Text from the inputs is made inert
before it is placed: control characters are shown as escapes (`render/escape.py`), every
character Markdown or HTML gives a meaning to is backslash-escaped (so a subject or a file
name cannot become a tag, an image, a link, emphasis or a table cell boundary), a line cannot
start a list, heading or quote, and names, paths and URLs go in code spans whose fence is
longer than any run of backticks inside them. Rule texts (why, fix, references) are our own
Markdown and are kept as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models.findings import Report
from .escape import visible
from .view import CaseView, ChainView, FindingGroup, InputView, ReportView, build

if TYPE_CHECKING:
    from .logview import CountRow, LogView

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#&~$!])")
_BLOCK_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")


def _text(text: str | None) -> str:
    """Input text made inert for Markdown inside a line: one line, shown control characters,
    every special character escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(visible(text or "").split()))


def _line(text: str | None) -> str:
    """Input text that begins a line (or a list item): also nothing that starts a block
    (`- `, `+ `, `= `, `1. `)."""
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}",
                            _text(text))


def inert(text: str) -> set[str]:
    """The ways this format writes a value from an input (inside a line, beginning one)."""
    return {_text(text), _line(text)}


def _code(text: str, *, cell: bool = False) -> str:
    """A code span that holds any text: its fence is longer than any run of backticks in it,
    and in a table `cell` a `|` is escaped (GFM splits cells before it reads code spans)."""
    body = " ".join(visible(text).split())
    if not body:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", body)), default=0) + 1)
    pad = " " if body[0] == "`" or body[-1] == "`" else ""
    body = body.replace("|", "\\|") if cell else body
    return f"{fence}{pad}{body}{pad}{fence}"


def render_markdown(report: Report, **_: object) -> str:
    """The report as GitHub-flavoured Markdown."""
    view = build(report)
    out: list[str] = [f"# certtriage: {view.verdict.upper()}", ""]
    if view.cases:
        out.extend(_cases(view))
    for item in view.inputs:
        out.extend(_input(item))
    return "\n".join(out).rstrip() + "\n"


def _cases(view: ReportView) -> list[str]:
    out = ["| Case | Verdict | Root cause | IIS | Read / skipped / failed |",
           "|---|---|---|---|---|"]
    for case in view.cases:
        causes = ", ".join(_code(c, cell=True) for c in case.root_causes)
        out.append(f"| {_code(case.name, cell=True)} | **{case.verdict.upper()}** | {causes} | "
                   f"{_text(', '.join(case.iis))} | {case.read} / {case.skipped} / {case.failed} |")
    out.append("")
    for case in view.cases:
        out.extend(f"- {_code(case.name)}: {_text(note)}" for note in case.notes)
    if any(case.notes for case in view.cases):
        out.append("")
    for case in view.cases:
        out.extend(_side_by_side(case))
        out.extend(_timeline(case))
    return out


def _more(more: str) -> list[str]:
    return [_text(more)] if more else []


def _side_by_side(case: CaseView) -> list[str]:
    if not case.certificates:
        return []
    out = [f"### Certificates in {_code(case.name)}", "",
           "| Certificate | Root cause | IIS | Symptoms | Files |", "|---|---|---|---|---|"]
    out.extend(f"| {_text(c.label)} | {', '.join(_code(r, cell=True) for r in c.root_causes)} | "
               f"{_text(', '.join(c.iis))} | "
               f"{', '.join(_code(s, cell=True) for s in c.symptoms)} | "
               f"{', '.join([*(_code(s, cell=True) for s in c.sources), *_more(c.more)])} |"
               for c in case.certificates)
    return [*out, ""]


def _timeline(case: CaseView) -> list[str]:
    if not case.timeline:
        return []
    out = [f"### Timeline of {_code(case.name)}", ""]
    if case.story:
        out.extend([f"**{_text(case.story)}**", ""])
    out.extend(["| Time | What | File |", "|---|---|---|"])
    out.extend(f"| {_text(row.time)} | {'**' if row.failure else ''}{_text(row.what)}"
               f"{'**' if row.failure else ''} | {_code(row.source, cell=True)} |"
               for row in case.timeline)
    return [*out, ""]


def _input(item: InputView) -> list[str]:
    out = [f"## {_code(item.source)}", "", f"*{_text(item.meta)}*", ""]
    if item.verdict is None:
        return [*out, f"Not analysed: {_text(item.reason)}", ""]
    line = f"**Verdict: {item.verdict.upper()}**"
    if item.root_causes:
        line += f" — {item.cause_label}: {', '.join(_code(c) for c in item.root_causes)}"
    if item.iis:
        line += f" — IIS {', '.join(item.iis)}"
    out += [line, "", f"> {_text(item.summary)}", ""]
    if item.log is not None:
        out += _log(item.log)
    for chain in item.chains:
        out += _chain(chain)
    if item.events:
        out += ["| Time | Last | Count | Source | ID | Level | Detail |",
                "|---|---|---|---|---|---|---|"]
        out += [f"| {_text(e.time)} | {_text(e.last)} | {e.count} | {_text(e.source)} | "
                f"{_text(e.event_id)} | {_text(e.level)} | {_text(e.detail)} |"
                for e in item.events[:50]]
        out.append("")
    if item.log is not None and item.log.validations:
        out += _validations(item.log)
    out += [_line(note) for note in item.notes] + ([""] if item.notes else [])
    for group in item.roots:
        out += _group("Root cause", group, full=True)
    for group in item.others:
        out += _group(group.severity.title(), group, full=group.severity != "info")
    out += [_line(message) for message in item.passes] + ([""] if item.passes else [])
    if item.next_steps:
        out += ["### Collect next", ""]
        out += [f"{n}. {s}" for n, s in enumerate(item.next_steps, start=1)] + [""]
    if item.warnings:
        out += ["<details><summary>Reading warnings</summary>", ""]
        out += [f"- {_line(w)}" for w in item.warnings] + ["", "</details>", ""]
    return out


def _group(label: str, group: FindingGroup, *, full: bool) -> list[str]:
    head = f"### {label}: {_code(group.cause)} ({group.rule})"
    head += f" — {', '.join(group.iis)}" if group.iis else ""
    head += f" — {_text(group.context)}" if group.context else ""
    out = [head, ""]
    many = len(group.messages) > 1
    out += [("- " if many else "") + _line(m) for m in group.messages]
    if group.repeated is not None:
        times, first, last = group.repeated
        out.append(f"*Logged {times} times, {_text(first)} to {_text(last)}.*")
    out.append("")
    out += [f"- Symptom {_code(s.cause)} ({s.rule}): {_text(s.message)}" for s in group.symptoms]
    out += [""] if group.symptoms else []
    if not full:
        return out
    if group.why:
        out += [group.why, ""]
    out += [f"{n}. {step.text}" + (f" *({step.where})*" if step.where else "")
            for n, step in enumerate(group.fix, start=1)]
    out += [""] if group.fix else []
    out += [f"- [{_text(r.title)}]({r.url})" if r.url else f"- {_text(r.title)}"
            for r in group.references]  # titles are plain text (`Access Security <access>`)
    return [*out, ""] if group.references else out


def _chain(chain: ChainView) -> list[str]:
    out = [f"**{_text(chain.title)}**", "", "| # | Subject | Errors | URL checks |",
           "|---|---|---|---|"]
    for e in chain.elements:
        position = f"**{_text(e.position)}**" if e.failing else _text(e.position)
        checks = "<br>".join(
            f"{c.section} {_text(c.status_text)} {_code(c.target, cell=True)}"
            + (f" ({_text(c.error.split(' ', 1)[0])})" if c.error else "") for c in e.checks)
        errors = ", ".join(e.errors) or "none"
        out.append(f"| {position} | {_text(e.subject)} | "
                   f"{_text(errors)} | {checks} |")
    return [*out, ""]


def _log(log: LogView) -> list[str]:
    out = [f"- {_text(fact)}" for fact in log.facts]
    if log.unrelated_line:
        out += [f"- {_text(log.unrelated_line)}", "", "<details><summary>Events not about "
                "certificates</summary>", "", *_counts(log.unrelated), "</details>"]
    return [*out, ""]


def _counts(rows: tuple[CountRow, ...]) -> list[str]:
    out = ["| Count | Source | ID | Level | First | Last |", "|---|---|---|---|---|---|"]
    out += [f"| {r.count} | {_text(r.source)} | {r.event_id} | {_text(r.level)} | "
            f"{_text(r.first)} | {_text(r.last)} |" for r in rows]
    return [*out, ""]


def _validations(log: LogView) -> list[str]:
    out = [f"**{_text(log.validations_line)}**", "",
           "| Time | Last | Count | Outcome | Subject | Process | Policy | Error | Root cause |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in log.validations:
        outcome = f"**{r.outcome.upper()}**" if r.failed else r.outcome
        out.append(f"| {_text(r.time)} | {_text(r.last)} | {r.count} | {outcome} | "
                   f"{_text(r.subject)} | {_text(r.process)} | {_text(r.policy)} | "
                   f"{_text(r.error)} | {', '.join(_code(c, cell=True) for c in r.causes)} |")
    return [*out, ""]
