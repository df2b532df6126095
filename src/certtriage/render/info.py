"""Output of `certtriage rules` and `certtriage explain`, laid out with `render/term.py`.

The rule list is one line per rule (code, cause, severity, 403.x, title) in columns sized to
their content and never cut or wrapped, so `certtriage rules | grep crl` finds whole rules.
"""

from __future__ import annotations

from ..knowledge.explain import Explanation
from ..knowledge.schema import Rule
from ..models.findings import FixStep
from .term import Run, Screen, cells, linked

_SEVERITY = {"error": "error", "warning": "warning", "info": "info"}


def rule_table(rules: list[Rule], *, color: bool = False) -> str:
    """One line per rule: code, cause, severity, IIS sub-statuses, title."""
    rows = [(r.code, r.cause, r.severity, ",".join(r.iis_substatus) or "-", r.title)
            for r in rules]
    widths = [max(cells(row[i]) for row in rows) for i in range(4)] if rows else [0] * 4
    screen = Screen(color=color)
    for row in rows:
        runs = [Run(value + " " * (width - cells(value) + 2),
                    _SEVERITY[value] if n == 2 else "head" if n == 0 else "")
                for n, (value, width) in enumerate(zip(row[:4], widths))]
        screen.line(*runs, Run(row[4]))
    return screen.text()


def rule_page(rule: Rule, source: str, *, width: int = 80, color: bool = False,
              links: bool = False, unicode: bool = True) -> str:
    """A rule in the documentation template: detects, why, fix, references, conditions."""
    screen = Screen(width, color=color, links=links, unicode=unicode)
    screen.line(Run(f"{rule.code} {rule.name}", "head"), Run(f"  ({source})", "dim"))
    screen.para([Run(rule.title, "head")])
    screen.para(f"cause: {rule.cause}   severity: {rule.severity}   IIS: "
                f"{', '.join(rule.iis_substatus) or '-'}   status: {rule.status}")
    _heading(screen, "Why")
    screen.para(" ".join(rule.why.split()), prefix="  ")
    _heading(screen, "Fix")
    first = 1
    if rule.cause_fix:
        screen.para("First the steps of the cause the error code names (those of the rule "
                    "that reports it from a failed chain); when the code names none with "
                    "steps of its own:", prefix="  ")
        first = _steps(screen, rule.fix_otherwise, first)
        if rule.fix:
            screen.para("Then:", prefix="  ")
    _steps(screen, rule.fix, first)
    if rule.references:
        _heading(screen, "References")
        for ref in rule.references:
            url = [Run("  "), Run(ref.url, "", ref.url)] if ref.url else []
            screen.para([Run(ref.title), *url], prefix="  - ")
    _heading(screen, "Matches when")
    for condition in rule.when:
        screen.para(f"{condition.predicate} {condition.args}", prefix="  ")
    for condition in rule.unless:
        screen.para(f"unless {condition.predicate} {condition.args}", prefix="  ")
    if rule.explains:
        screen.para(f"explains: {', '.join(rule.explains)}", prefix="  ")
    return screen.text()


def _steps(screen: Screen, steps: tuple[FixStep, ...], first: int) -> int:
    """Numbered steps from `first`; the number after the last."""
    for n, step in enumerate(steps, start=first):
        where = [Run(f" [{step.where}]", "dim")] if step.where else []
        screen.para([*linked(step.text), *where], prefix=f"  {n}. ")
    return first + len(steps)


def _heading(screen: Screen, title: str) -> None:
    screen.blank()
    screen.line(Run(title, "head"))


def explanation(found: Explanation, *, width: int = 80, color: bool = False,
                links: bool = False, unicode: bool = True) -> str:
    """The title and kind, the facts as label / value lines, then the rules involved."""
    screen = Screen(width, color=color, links=links, unicode=unicode)
    screen.line(Run(found.title, "head"), Run(f"  ({found.kind})", "dim"))
    column = min(max((cells(label) for label, _ in found.facts), default=0) + 2, 32)
    for label, value in found.facts:
        lead = Run(label + " " * max(column - cells(label), 2), "head")
        screen.para(linked(value), prefix=(lead,), hang=" " * column)
    for other in found.also:
        screen.para(f"Also: {other}", hang="      ")
    if found.rules:
        screen.para(f"Rules: {', '.join(found.rules)}   (certtriage rules CODE)", hang="  ")
    return screen.text()
