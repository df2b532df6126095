"""Terminal output: a rule, the report, and the one-line summary last, where it stays on screen.

Everything shown comes from the view (`render/view.py`); this module decides only how it looks
on a terminal, with the layout primitives of `render/term.py`: nothing that can be copied (a
URL, a subject, a path, a command) is broken across lines, wrapped prose keeps its indent, no
line ends in spaces, and colour (when asked for) makes the failing element and the failed URL
the brightest thing on the screen. The order puts the answer at the bottom: the chain and the
lesser findings first, then the root causes with their fixes, then the summary line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..models.findings import Report
from .term import Run, Screen, cells, linked, urls
from .view import (
    CaseView,
    ChainView,
    CheckView,
    ElementView,
    FindingGroup,
    InputView,
    ReportView,
    build,
)

if TYPE_CHECKING:
    from .logview import CountRow, EventRow, LogView, ValidationRow

_MAX_EVENT_ROWS = 25
_STATUS_STYLE = {"verified": "ok", "ok": "ok", "failed": "error", "expired": "warning",
                 "no_urls": "dim", "no_idp_intersection": "info", "unknown": "warning"}


def render_text(report: Report, *, color: bool = False, width: int | None = None,
                details: bool = False, brief: bool = False, links: bool = False,
                unicode: bool = True, show_unread: bool = True, **_: object) -> str:
    """The report for a terminal. `color` adds ANSI colours, `links` OSC 8 hyperlinks;
    `brief` shows only each input's first fix and summary, `details` (batch runs) every
    input's full diagnosis; without `show_unread`, inputs that were not analysed are left out
    (the command line reports them on stderr)."""
    screen = Screen(width or 80, color=color, links=links, unicode=unicode)
    view = build(report)
    if view.cases and show_unread:
        _batch(screen, view, details=details, brief=brief)
        return screen.text()
    shown = [i for i in view.inputs if show_unread or i.verdict is not None]
    if not shown:
        return ""
    screen.rule("certtriage")
    for item in shown:
        if brief:
            _brief(screen, item, len(shown) > 1)
        else:
            _input(screen, item, details)
            screen.blank()
    if not brief and view.cases:  # several inputs analysed together: links, validity, time
        for case in view.cases:
            _case_sections(screen, case)
        screen.blank()
    _summaries(screen, shown, view.verdict)
    return screen.text()


def prose(text: str, style: str = "") -> list[Run]:
    """Markdown-ish text as runs: code spans in the code style, URLs as links."""
    out: list[Run] = []
    for index, part in enumerate(text.split("`")):
        if index % 2 and part:
            out.append(Run(f"`{part}`", "code"))
        elif part:
            out.extend(linked(part, style))
    return out


def _summary_runs(summary: str) -> list[Run]:
    """A summary line: the verdict in its colour, the failed URL in the brightest style."""
    verdict, _, rest = summary.partition("  ")
    runs = [Run(verdict, verdict.lower()), Run("  ")]
    offset = 0
    for start, end in urls(rest):
        runs.extend([Run(rest[offset:start]), Run(rest[start:end], "failing", rest[start:end])])
        offset = end
    return [*runs, Run(rest[offset:])]


def _summaries(screen: Screen, items: Sequence[InputView], verdict: str) -> None:
    """The answer, last: one line per input (never wrapped, so it can be grepped)."""
    if len(items) == 1:
        screen.line(*_summary_runs(items[0].summary))
        return
    screen.line(Run("Overall: "), Run(verdict.upper(), verdict), Run(f"  ({len(items)} inputs)"))
    for item in items:
        screen.line(Run(f"{item.source}: "), *_summary_runs(item.summary))


def _brief(screen: Screen, item: InputView, named: bool) -> None:
    if named:
        screen.line(Run(item.source, "head"))
    if item.fix_first is not None:  # a failure's fix, or what to collect when none is shown
        lead = "Fix first: " if item.verdict == "fail" else "Next: "
        _step(screen, lead, item.fix_first.text, item.fix_first.where, item.keep)


def _step(screen: Screen, lead: str, text: str, where: str, keep: Iterable[str]) -> None:
    runs = prose(text) + ([Run(f" [{where}]", "dim")] if where else [])
    screen.para(runs, prefix=lead, keep=keep)


def _input(screen: Screen, item: InputView, details: bool = False) -> None:
    screen.line(Run(item.source, "head"))
    screen.line(Run(item.meta, "dim"))
    if item.verdict is None:
        screen.para(item.reason, prefix="  ", keep=item.keep)
        return
    headline = [Run("Verdict: "), Run(item.verdict.upper(), item.verdict)]
    if item.root_causes:
        headline.append(Run(f"   {item.cause_label}: {', '.join(item.root_causes)}"))
    if item.iis:
        headline.append(Run(f"   IIS: {', '.join(item.iis)}", "head"))
    screen.para(headline, hang="  ")
    if item.log is not None:
        _log(screen, item.log, item.keep, details)
    if item.events:
        _events(screen, item.events)
    if item.log is not None and item.log.validations:
        _validations(screen, item.log, details)
    for note in item.notes:
        screen.para(note, keep=item.keep)
    for chain in item.chains:
        _chain(screen, chain, item.keep)
    _others(screen, item)
    for number, group in enumerate(item.roots, start=1):
        screen.blank()
        _root(screen, number, group, item.keep)
    for message in item.passes:
        screen.para(prose(message, "ok"), keep=item.keep)
    if item.next_steps:
        screen.line(Run("Collect next:", "warning"))
        for number, step in enumerate(item.next_steps, start=1):
            _step(screen, f"  {number}. ", step, "", item.keep)


def _others(screen: Screen, item: InputView) -> None:
    """Warnings and notes that are not root causes, and problems reading the input."""
    for group in item.others:
        for message in group.messages:
            runs = [Run(f"{group.rule} {group.cause}: ", "head"), *prose(message)]
            if group.repeated is not None:
                times, first, last = group.repeated
                runs.append(Run(f" (logged {times} times, {first} to {last})", "dim"))
            lead = Run(f"{group.severity.upper():8}", group.severity)
            screen.para(runs, prefix=(lead,), hang=" " * 8, keep=item.keep)
    for warning in item.warnings:
        screen.para([Run("warning: ", "warning"), *prose(warning, "dim")], hang="  ",
                    keep=item.keep)


def _root(screen: Screen, number: int, group: FindingGroup, keep: Sequence[str]) -> None:
    """One section per root cause; the findings of one rule on one element share it."""
    title = [Run(f"{number}. ROOT CAUSE ", "fail"), Run(group.cause, "head"),
             Run(f"  [{group.rule}]")]
    if group.context:
        title.append(Run(f"  {group.context}", "dim"))
    if group.iis:
        title.append(Run(f"  -> {', '.join(group.iis)}", "head"))
    screen.para(title, hang="   ", keep=keep)
    many = len(group.messages) > 1
    for message in group.messages:
        screen.para(prose(message), prefix="   - " if many else "   ", keep=keep)
    if group.repeated is not None:
        times, first, last = group.repeated
        screen.para([Run(f"logged {times} times, {first} to {last}", "dim")], prefix="   ")
    for symptom in group.symptoms:
        screen.para([Run("symptom: ", "dim"), Run(f"{symptom.cause} [{symptom.rule}] "),
                     *prose(symptom.message, "dim")], prefix="   ", keep=keep)
    if group.why:
        screen.para([Run("Why: ", "head"), *prose(group.why)], prefix="   ", keep=keep)
    if group.fix:
        screen.line(Run("   "), Run("Fix:", "head"))
        for n, step in enumerate(group.fix, start=1):
            _step(screen, f"     {n}. ", step.text, step.where, keep)
    if group.references:
        screen.line(Run("   "), Run("See:", "head"))
        for ref in group.references:
            runs = [Run(ref.title)] + ([Run("  "), Run(ref.url, "", ref.url)] if ref.url else [])
            screen.para(runs, prefix="     - ")


def _log(screen: Screen, log: LogView, keep: Sequence[str], details: bool) -> None:
    """What the log holds: records, time span, computers, certificate events, the rest."""
    for fact in log.facts:
        screen.para(fact, prefix="  ", hang="    ", keep=keep)
    if not log.unrelated_line:
        return
    hint = "" if details else "; --details lists them"
    screen.para([Run(log.unrelated_line + hint, "dim")], prefix="  ", hang="    ", keep=keep)
    if details:
        _counts(screen, log.unrelated)


def _counts(screen: Screen, rows: tuple[CountRow, ...]) -> None:
    """Counts by provider and id; the source last, where a long name may run on."""
    head = ("count", "id", "first", "last", "source")
    columns = [(f"{r.count:,}", r.event_id, r.first, r.last, r.source) for r in rows]
    widths = [max(cells(c[i]) for c in [head, *columns]) for i in range(4)]
    for values in [head, *columns]:
        cols = [" " * (widths[0] - cells(values[0])) + values[0]]
        cols += [v + " " * (w - cells(v)) for v, w in zip(values[1:4], widths[1:])]
        screen.line(Run("    " + "  ".join([*cols, values[4]]).rstrip(),
                        "dim" if values is head else ""))


def _events(screen: Screen, rows: tuple[EventRow, ...]) -> None:
    """The events table: fixed columns sized to their content, the detail wrapped after; an
    event logged again and again is one row with its count and last time."""
    shown = rows[:_MAX_EVENT_ROWS]
    head = ("time", "n", "source", "id", "level")
    columns = [(r.time, str(r.count), r.source, r.event_id, r.level) for r in shown]
    widths = [max(cells(c[i]) for c in [head, *columns]) for i in range(5)]
    total = sum(r.count for r in rows)
    screen.line(Run(f"{total} certificate event(s)"
                    + (f" in {len(rows)} group(s)" if total != len(rows) else ""), "head"))
    screen.line(Run("  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  detail", "dim"))
    for row, values in zip(shown, columns):
        lead = [Run("  ".join(v + " " * (w - cells(v)) for v, w in zip(values[:4], widths)))]
        lead += [Run("  "), Run(row.level + " " * (widths[4] - cells(row.level)), row.level),
                 Run("  ")]
        detail = row.detail + (f"{'; ' if row.detail else ''}last {row.last}" if row.last
                               else "")
        screen.para(detail, prefix=lead, hang=" " * 4)
    if len(rows) > _MAX_EVENT_ROWS:
        screen.line(Run(f"... {len(rows) - _MAX_EVENT_ROWS} more", "dim"))


def _validations(screen: Screen, log: LogView, details: bool) -> None:
    """Every CAPI2 chain validation: identical ones as one row, failing ones first, or (with
    details) each on its own row in log order."""
    screen.para([Run(log.validations_line, "head")], hang="  ")
    for row in log.each if details else log.validations:
        screen.para(_validation(row), prefix="  ", hang="      ")


def _validation(row: ValidationRow) -> list[Run]:
    when = row.time + (f" to {row.last}" if row.last else "")
    style = "fail" if row.failed else "ok" if row.outcome == "accepted" else "dim"
    runs = [Run(f"{when}  "), Run(row.outcome.upper() if row.failed else row.outcome, style),
            Run(f"  {row.subject}", "failing" if row.failed else "")]
    where = ", ".join(x for x in (row.process, row.policy) if x)
    runs.append(Run(f"  ({where})" if where else "", "dim"))
    if row.count > 1:
        runs.append(Run(f"  x{row.count}"))
    if row.error:
        runs.append(Run(f"  {row.error}", "error" if row.failed else "dim"))
    if row.causes:
        runs.append(Run(f"  -> {', '.join(row.causes)}", "head"))
    return runs


def _chain(screen: Screen, chain: ChainView, keep: Sequence[str]) -> None:
    """The chain as a tree, each element with its -urlfetch retrievals."""
    glyph = screen.glyph
    screen.line(Run(chain.title, "head"))
    for n, element in enumerate(chain.elements):
        last = n == len(chain.elements) - 1
        guide = glyph["space"] if last else glyph["pipe"]
        child = glyph["pipe"] if element.checks else glyph["space"]
        screen.para(_element_label(element), prefix=glyph["last" if last else "tee"],
                    hang=guide + child, keep=keep)
        for m, check in enumerate(element.checks):
            end = m == len(element.checks) - 1
            screen.para(_check_label(check), prefix=guide + glyph["last" if end else "tee"],
                        hang=guide + glyph["space" if end else "pipe"] + "  ", keep=keep)


def _element_label(element: ElementView) -> list[Run]:
    style = "failing" if element.failing else "head"
    runs = [Run(f"{element.position} ", style), Run(element.subject,
                                                     "failing" if element.failing else "")]
    if element.errors:
        runs.append(Run("  " + ", ".join(element.errors), "error"))
    elif element.clean:
        runs.append(Run("  no errors", "ok"))
    if element.failing:
        runs.append(Run("  <- root cause", "failing"))
    return runs


def _check_label(check: CheckView) -> list[Run]:
    link = check.target if urls(check.target) else ""
    runs = [Run(f"{check.section:9} ", "dim"),
            Run(f"{check.status_text:9} ", _STATUS_STYLE.get(check.status, "")),
            Run(check.target, "failing" if check.bad else "", link)]
    if check.error:
        runs.append(Run(f"  {check.error}", "error"))
    return runs


def _batch(screen: Screen, view: ReportView, *, details: bool, brief: bool) -> None:
    """Batch runs: (with details) each input, then the failing inputs, what was not read,
    the cases' notes, and one summary line per case, last."""
    screen.rule("certtriage batch")
    if not brief:
        _batch_body(screen, view, details)
    if not any(item.verdict is not None for item in view.inputs):
        screen.line(Run("warning: nothing at all was recognised: no certutil output or event "
                        "log in any input", "warning"))
    screen.line(Run("Overall: "), Run(view.verdict.upper(), view.verdict),
                Run(f"  ({len(view.cases)} case{'s' if len(view.cases) != 1 else ''}, "
                    f"{len(view.inputs)} files)"))
    for case in view.cases:
        _case_line(screen, case)


def _batch_body(screen: Screen, view: ReportView, details: bool) -> None:
    if details:
        for item in view.inputs:
            if item.verdict is not None:
                _input(screen, item, details)
                screen.rule()
    for item in view.inputs:
        if item.verdict == "fail" and item.root_causes:
            screen.line(Run("FAIL", "fail"), Run(f"  {item.source}: "),
                        Run(", ".join(item.root_causes)))
    for item in view.inputs:
        if item.verdict is None:
            screen.line(Run(f"{item.status}: {item.source}: {item.reason}", "dim"))
    for case in view.cases:
        _case_sections(screen, case)
    screen.blank()


def _case_sections(screen: Screen, case: CaseView) -> None:
    """A case's notes (links, validity at the time of the evidence), its certificates side by
    side, and its timeline."""
    for note in case.notes:
        screen.para([Run(f"{case.name}: ", "head"), *prose(note, "warning")], hang="  ")
    _side_by_side(screen, case)
    _timeline(screen, case)


def _side_by_side(screen: Screen, case: CaseView) -> None:
    """Each certificate of a case with its own root causes."""
    if not case.certificates:
        return
    screen.line(Run(f"{case.name}: {len(case.certificates)} certificates", "head"))
    for cert in case.certificates:
        iis = f" -> {', '.join(cert.iis)}" if cert.iis else ""
        screen.para([Run(f"{cert.label}: ", "head"),
                     Run(", ".join(cert.root_causes) or "no root cause", "error"), Run(iis),
                     Run(f"  ({', '.join(filter(None, (*cert.sources, cert.more)))})", "dim")],
                    prefix="  ", hang="    ")


def _timeline(screen: Screen, case: CaseView) -> None:
    """A case's moments, one a line, and what came first."""
    if not case.timeline:
        return
    screen.line(Run(f"{case.name}: timeline", "head"))
    for row in case.timeline:
        screen.para([Run(f"{row.time:20} ", "dim"),
                     Run(row.what, "error" if row.failure else ""),
                     Run(f"  ({row.source})", "dim")], prefix="  ", hang=" " * 23)
    if case.story:
        screen.para([Run(case.story, "warning")], prefix="  ", hang="  ")


def _case_line(screen: Screen, case: CaseView) -> None:
    screen.line(Run(f"{case.name}: "), *_summary_runs(case.summary))
