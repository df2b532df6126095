"""Terminal output with rich: the verdict first, the chain as a tree, then the findings."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..models.common import ChainElement, UrlCheck
from ..models.findings import Finding, InputResult, Report
from ..parsers.certutil_verify.model import CertutilVerify
from ..parsers.events.model import EventLog

_VERDICT_STYLE = {"fail": "bold red", "pass": "bold green", "inconclusive": "bold yellow"}
_STATUS_STYLE = {
    "verified": "green", "ok": "green", "failed": "bold red", "expired": "yellow",
    "no_urls": "dim", "no_idp_intersection": "cyan", "unknown": "magenta",
}
_SECTION = {"aia": "AIA", "cdp": "CDP", "base_crl_cdp": "Delta CDP", "ocsp": "OCSP",
            "unknown": "URL"}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def render_text(report: Report, *, color: bool = False, width: int | None = None,
                details: bool = False, **_: object) -> str:
    """The report for a terminal (ANSI colours only when `color`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width or 100,
                      color_system="standard" if color else None, highlight=False,
                      emoji=False)
    if report.cases:
        _cases(console, report, details)
        return buffer.getvalue()
    for index, result in enumerate(report.inputs):
        if index:
            console.rule(style="dim")
        _input(console, result)
    if len(report.inputs) > 1:
        console.print(Text.assemble("Overall: ", (report.verdict.upper(),
                                                  _VERDICT_STYLE[report.verdict])))
    return buffer.getvalue()


def _cases(console: Console, report: Report, details: bool) -> None:
    """Batch runs: a summary table, then errors and skips, then (with details) each input."""
    if details:
        for result in report.inputs:
            if result.verdict is not None:
                _input(console, result)
                console.rule(style="dim")
    table = Table(box=None, pad_edge=False, title="Cases", title_justify="left")
    table.add_column("case", overflow="fold")
    table.add_column("verdict")
    table.add_column("root cause", overflow="fold")
    for name in ("IIS", "read", "skipped", "failed"):
        table.add_column(name)
    for case in report.cases:
        table.add_row(case.case, Text(case.verdict.upper(), style=_VERDICT_STYLE[case.verdict]),
                      ", ".join(case.root_causes), ", ".join(case.iis_substatus),
                      str(case.parsed), str(case.skipped), str(case.failed))
    console.print(table)
    for case in report.cases:
        for note in case.notes:
            console.print(Text(f"{case.case}: {note}", style="yellow"))
    for result in report.inputs:
        if result.verdict is not None and result.root_causes and result.verdict == "fail":
            console.print(Text.assemble(("FAIL ", "red"), f"{result.source}: ",
                                        ", ".join(result.root_causes)))
    problems = [r for r in report.inputs if r.status in ("error", "skipped", "unrecognized")]
    for result in problems:
        console.print(Text(f"{result.status}: {result.source}: {result.error}", style="dim"))
    if not any(r.verdict is not None for r in report.inputs):
        console.print(Text("warning: nothing at all was recognised: no certutil output or "
                           "event log in any input", style="bold yellow"))
    console.print(Text.assemble("Overall: ", (report.verdict.upper(),
                                              _VERDICT_STYLE[report.verdict])))


def _input(console: Console, result: InputResult) -> None:
    meta = ", ".join(x for x in (result.kind, result.encoding, result.status) if x)
    console.print(Text.assemble((result.source, "bold"), f"  ({meta})"))
    if result.verdict is None:
        console.print(Text(f"  {result.error or 'not analysed'}", style="yellow"))
        return
    roots = [f for f in result.findings if f.root_cause]
    headline = Text.assemble("Verdict: ", (result.verdict.upper(),
                                           _VERDICT_STYLE[result.verdict]))
    if result.root_causes and result.root_causes != ("ok",):
        headline.append(f"   root cause: {', '.join(result.root_causes)}")
    if result.iis_substatus:
        headline.append(f"   IIS: {', '.join(result.iis_substatus)}", style="bold")
    console.print(headline)
    model = result.model
    if isinstance(model, CertutilVerify) and (model.elements or model.echo):
        console.print(_chain_tree(model, {f.element for f in roots if f.severity == "error"}))
    if any(e["provider"] != "Microsoft-Windows-CAPI2" for e in result.events):
        console.print(_events_table(result))
    if isinstance(model, EventLog) and model.runs:
        passed = sum(1 for r in model.runs if r.chain.trailer.policy_accepted)
        console.print(f"{len(model.runs)} CAPI2 chain validation(s), {passed} accepted by "
                      f"their chain policy")
    if isinstance(model, EventLog):
        failing = {f.context for f in roots if f.context and f.cause != "ok"}
        for run in model.runs:
            if any(run.task_id in (c or "") for c in failing):
                console.print(Text(f"CAPI2 run {run.task_id} ({run.process or '?'})",
                                   style="bold"))
                console.print(_chain_tree(run.chain, {f.element for f in roots
                                                      if run.task_id in (f.context or "")}))
    groups: dict[tuple[str, int | None, str, int | None], list[Finding]] = {}
    for finding in roots:
        key = (finding.rule, finding.element, finding.cause, finding.alert_code)
        groups.setdefault(key, []).append(finding)
    for number, group in enumerate(groups.values(), start=1):
        _finding(console, number, group, result.findings)
    others = [f for f in result.findings
              if not f.root_cause and not f.explained_by and f.cause != "ok"]
    for finding in others:
        style = _SEVERITY_STYLE[finding.severity]
        console.print(Text.assemble((f"{finding.severity.upper():8}", style),
                                    (f"{finding.rule} {finding.cause}: ", "bold"),
                                    finding.message))
    if result.next_steps:
        console.print(Text("Collect next:", style="bold yellow"))
        for number, step in enumerate(result.next_steps, start=1):
            console.print(f"  {number}. {escape(step)}")
    for warning in result.warnings:
        console.print(Text(f"warning: {warning}", style="dim yellow"))


def _finding(console: Console, number: int, group: list[Finding],
             all_findings: tuple[Finding, ...]) -> None:
    """One panel per root cause; findings of one rule on one element share it."""
    f = group[0]
    if f.cause == "ok":
        console.print(Text(f.message, style="green"))
        return
    title = Text.assemble((f"{number}. ROOT CAUSE ", "bold red"), (f"{f.cause}", "bold"),
                          f"  [{f.rule}]")
    if f.context:
        title.append(f"  {f.context}", style="dim")
    if f.iis_substatus:
        title.append(f"  -> {', '.join(f.iis_substatus)}", style="bold")
    parts: list[Text | str] = []
    if f.event_id is not None and len(group) > 1:
        # The same event logged again and again: say it once, with how often and when.
        parts.append(Text(f.message))
        parts.append(Text(f"logged {len(group)} times, {group[0].time or '?'} to "
                          f"{group[-1].time or '?'}", style="dim"))
    else:
        for item in group:
            parts.append(Text(("- " if len(group) > 1 else "") + item.message))
    codes = {item.rule for item in group}
    elements = {item.element for item in group}
    for symptom in all_findings:
        if codes & set(symptom.explained_by) and (
                symptom.element is None or symptom.element in elements):
            parts.append(Text.assemble(("symptom: ", "dim"), f"{symptom.cause} [{symptom.rule}] ",
                                       (symptom.message, "dim")))
    if f.why:
        parts.append(Text.assemble(("Why: ", "bold"), " ".join(f.why.split())))
    if f.remediation:
        parts.append(Text("Fix:", style="bold"))
        for n, step in enumerate(f.remediation, start=1):
            where = f" [{step.where}]" if step.where else ""
            parts.append(Text(f"  {n}. {step.text}{where}"))
    if f.references:
        parts.append(Text("See: " + "; ".join(
            f"{r.title} {r.url}".strip() for r in f.references), style="dim"))
    console.print(Panel(Group(*parts), title=title, title_align="left", border_style="red"))


_MAX_EVENT_ROWS = 25


def _events_table(result: InputResult) -> Table:
    """Schannel, HTTP.sys and crypt32 events (CAPI2 events are summarised as runs)."""
    events = [e for e in result.events if e["provider"] != "Microsoft-Windows-CAPI2"]
    table = Table("time", "source", "id", "level", "detail", box=None, pad_edge=False,
                  title=f"{len(events)} event(s)", title_justify="left")
    for event in events[:_MAX_EVENT_ROWS]:
        detail = ""
        if event.get("alert_code") is not None:
            detail = f"alert {event['alert_code']} {event.get('alert_name', '')}"
        elif event.get("codes"):
            detail = ", ".join(event["codes"])  # type: ignore[arg-type]
        level = str(event.get("level") or "")
        table.add_row(str(event.get("time") or ""), str(event["provider"]),
                      str(event["event_id"]),
                      Text(level, style=_SEVERITY_STYLE.get(level, "")), detail)
    if len(events) > _MAX_EVENT_ROWS:
        table.add_row("", f"... {len(events) - _MAX_EVENT_ROWS} more", "", "", "")
    return table


def _chain_tree(model: CertutilVerify, failing: set[int | None]) -> Tree:
    tree = Tree(Text("Chain (leaf first)", style="bold"))
    elements = list(model.elements) or ([model.echo] if model.echo else [])
    for element in elements:
        node = tree.add(_element_label(element, element.index in failing))
        for check in element.url_checks:
            node.add(_check_label(check))
    return tree


def _element_label(element: ChainElement, failing: bool) -> Text:
    position = (f"[{element.chain_index or 0}][{element.index}]" if element.index is not None
                else "[?]")
    label = Text(f"{position} ", style="bold red" if failing else "bold")
    label.append(element.subject or "(subject not in the input)")
    errors = element.error_status.flags if element.error_status else ()
    if errors:
        label.append("  " + ", ".join(f.removeprefix("CERT_TRUST_") for f in errors),
                     style="red")
    elif element.error_status is not None:
        label.append("  no errors", style="green")
    if failing:
        label.append("  <- root cause", style="bold red")
    return label


def _check_label(check: UrlCheck) -> Text:
    label = Text(f"{_SECTION[check.section]:9} ", style="dim")
    label.append(f"{check.status_text:9} ", style=_STATUS_STYLE[check.status])
    label.append(check.url or f'"{check.object_text}"')
    if check.error is not None:
        code = check.error.hresult.hex if check.error.hresult else ""
        label.append(f"  {code} {check.error.message}".rstrip(), style="red")
    return label
