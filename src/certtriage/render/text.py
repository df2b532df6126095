"""Terminal output with rich: the verdict first, the chain as a tree, then the findings.

Everything shown comes from the view (`render/view.py`); this module decides only how it looks
on a terminal. Text from the inputs reaches rich as `Text` objects, never as markup.
"""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..models.findings import Report
from .view import (
    ChainView,
    CheckView,
    ElementView,
    EventRow,
    FindingGroup,
    InputView,
    ReportView,
    build,
)

_VERDICT_STYLE = {"fail": "bold red", "pass": "bold green", "inconclusive": "bold yellow"}
_STATUS_STYLE = {
    "verified": "green", "ok": "green", "failed": "bold red", "expired": "yellow",
    "no_urls": "dim", "no_idp_intersection": "cyan", "unknown": "magenta",
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}
_MAX_EVENT_ROWS = 25


def render_text(report: Report, *, color: bool = False, width: int | None = None,
                details: bool = False, **_: object) -> str:
    """The report for a terminal (ANSI colours only when `color`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 100,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False)
    view = build(report)
    if view.cases:
        _cases(console, view, details)
        return buffer.getvalue()
    for index, item in enumerate(view.inputs):
        if index:
            console.rule(style="dim")
        _input(console, item)
    if len(view.inputs) > 1:
        console.print(Text.assemble("Overall: ", (view.verdict.upper(),
                                                  _VERDICT_STYLE[view.verdict])))
    return buffer.getvalue()


def _cases(console: Console, view: ReportView, details: bool) -> None:
    """Batch runs: a summary table, then errors and skips, then (with details) each input."""
    if details:
        for item in view.inputs:
            if item.verdict is not None:
                _input(console, item)
                console.rule(style="dim")
    table = Table(box=None, pad_edge=False, title="Cases", title_justify="left")
    table.add_column("case", overflow="fold")
    table.add_column("verdict")
    table.add_column("root cause", overflow="fold")
    for name in ("IIS", "read", "skipped", "failed"):
        table.add_column(name)
    for case in view.cases:
        table.add_row(case.name, Text(case.verdict.upper(), style=_VERDICT_STYLE[case.verdict]),
                      ", ".join(case.root_causes), ", ".join(case.iis),
                      str(case.read), str(case.skipped), str(case.failed))
    console.print(table)
    for case in view.cases:
        for note in case.notes:
            console.print(Text(f"{case.name}: {note}", style="yellow"))
    for item in view.inputs:
        if item.verdict == "fail" and item.root_causes:
            console.print(Text.assemble(("FAIL ", "red"), f"{item.source}: ",
                                        ", ".join(item.root_causes)))
    for item in view.inputs:
        if item.verdict is None:
            console.print(Text(f"{item.status}: {item.source}: {item.reason}", style="dim"))
    if not any(item.verdict is not None for item in view.inputs):
        console.print(Text("warning: nothing at all was recognised: no certutil output or "
                           "event log in any input", style="bold yellow"))
    console.print(Text.assemble("Overall: ", (view.verdict.upper(),
                                              _VERDICT_STYLE[view.verdict])))


def _input(console: Console, item: InputView) -> None:
    console.print(Text.assemble((item.source, "bold"), f"  ({item.meta})"))
    if item.verdict is None:
        console.print(Text(f"  {item.reason}", style="yellow"))
        return
    headline = Text.assemble("Verdict: ", (item.verdict.upper(), _VERDICT_STYLE[item.verdict]))
    if item.root_causes:
        headline.append(f"   root cause: {', '.join(item.root_causes)}")
    if item.iis:
        headline.append(f"   IIS: {', '.join(item.iis)}", style="bold")
    console.print(headline)
    if item.events:
        console.print(_events_table(item.events))
    for note in item.notes:
        console.print(Text(note))
    for chain in item.chains:
        console.print(_chain_tree(chain))
    for number, group in enumerate(item.roots, start=1):
        _root(console, number, group)
    for message in item.passes:
        console.print(Text(message, style="green"))
    for group in item.others:
        style = _SEVERITY_STYLE[group.severity]
        for message in group.messages:
            line = Text.assemble((f"{group.severity.upper():8}", style),
                                 (f"{group.rule} {group.cause}: ", "bold"), message)
            if group.repeated is not None:
                line.append(f" (logged {group.repeated[0]} times, {group.repeated[1]} to "
                            f"{group.repeated[2]})", style="dim")
            console.print(line)
    if item.next_steps:
        console.print(Text("Collect next:", style="bold yellow"))
        for number, step in enumerate(item.next_steps, start=1):
            console.print(Text(f"  {number}. {step}"))
    for warning in item.warnings:
        console.print(Text(f"warning: {warning}", style="dim yellow"))


def _root(console: Console, number: int, group: FindingGroup) -> None:
    """One panel per root cause; the findings of one rule on one element share it."""
    title = Text.assemble((f"{number}. ROOT CAUSE ", "bold red"), (group.cause, "bold"),
                          f"  [{group.rule}]")
    if group.context:
        title.append(f"  {group.context}", style="dim")
    if group.iis:
        title.append(f"  -> {', '.join(group.iis)}", style="bold")
    parts: list[Text] = []
    if group.repeated is not None:
        times, first, last = group.repeated
        parts.append(Text(group.messages[0]))
        parts.append(Text(f"logged {times} times, {first} to {last}", style="dim"))
    else:
        many = len(group.messages) > 1
        parts.extend(Text(("- " if many else "") + message) for message in group.messages)
    for symptom in group.symptoms:
        parts.append(Text.assemble(("symptom: ", "dim"), f"{symptom.cause} [{symptom.rule}] ",
                                   (symptom.message, "dim")))
    if group.why:
        parts.append(Text.assemble(("Why: ", "bold"), group.why))
    if group.fix:
        parts.append(Text("Fix:", style="bold"))
        for n, step in enumerate(group.fix, start=1):
            where = f" [{step.where}]" if step.where else ""
            parts.append(Text(f"  {n}. {step.text}{where}"))
    if group.references:
        parts.append(Text("See: " + "; ".join(
            f"{r.title} {r.url}".strip() for r in group.references), style="dim"))
    console.print(Panel(Group(*parts), title=title, title_align="left", border_style="red"))


def _events_table(rows: tuple[EventRow, ...]) -> Table:
    table = Table("time", "source", "id", "level", "detail", box=None, pad_edge=False,
                  title=f"{len(rows)} event(s)", title_justify="left")
    for row in rows[:_MAX_EVENT_ROWS]:
        table.add_row(row.time, row.source, row.event_id,
                      Text(row.level, style=_SEVERITY_STYLE.get(row.level, "")), row.detail)
    if len(rows) > _MAX_EVENT_ROWS:
        table.add_row("", f"... {len(rows) - _MAX_EVENT_ROWS} more", "", "", "")
    return table


def _chain_tree(chain: ChainView) -> Tree:
    tree = Tree(Text(chain.title, style="bold"))
    for element in chain.elements:
        node = tree.add(_element_label(element))
        for check in element.checks:
            node.add(_check_label(check))
    return tree


def _element_label(element: ElementView) -> Text:
    label = Text(f"{element.position} ", style="bold red" if element.failing else "bold")
    label.append(element.subject)
    if element.errors:
        label.append("  " + ", ".join(element.errors), style="red")
    elif element.clean:
        label.append("  no errors", style="green")
    if element.failing:
        label.append("  <- root cause", style="bold red")
    return label


def _check_label(check: CheckView) -> Text:
    label = Text(f"{check.section:9} ", style="dim")
    label.append(f"{check.status_text:9} ", style=_STATUS_STYLE[check.status])
    label.append(check.target)
    if check.error:
        label.append(f"  {check.error}", style="red")
    return label
