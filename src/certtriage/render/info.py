"""rich output of `certtriage rules` and `certtriage explain`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..knowledge.explain import Explanation
from ..knowledge.schema import Rule


def _console() -> Console:
    return Console(highlight=False, emoji=False)


def print_rule_table(rules: list[Rule]) -> None:
    """One row per rule."""
    table = Table("Code", "Cause", "Severity", "IIS", "Title", box=None, pad_edge=False)
    for rule in rules:
        table.add_row(rule.code, rule.cause, rule.severity, ", ".join(rule.iis_substatus),
                      rule.title)
    _console().print(table)


def print_rule(rule: Rule, source: str) -> None:
    """A rule in the documentation template: detects, why, fix, references, examples."""
    console = _console()
    console.print(Text(f"{rule.code} {rule.name}", style="bold"), f" ({source})")
    console.print(Text(rule.title, style="bold"))
    console.print(f"cause: {rule.cause}   severity: {rule.severity}   "
                  f"IIS: {', '.join(rule.iis_substatus) or '-'}   status: {rule.status}")
    console.print(Text("\nWhy", style="bold"))
    console.print(" ".join(rule.why.split()))
    console.print(Text("\nFix", style="bold"))
    for n, step in enumerate(rule.fix, start=1):
        console.print(f"  {n}. {step.text}" + (f"  [{step.where}]" if step.where else ""))
    if rule.references:
        console.print(Text("\nReferences", style="bold"))
        for ref in rule.references:
            console.print(f"  - {ref.title} {ref.url}")
    console.print(Text("\nMatches when", style="bold"))
    for condition in rule.when:
        console.print(f"  {condition.predicate} {condition.args}")
    for condition in rule.unless:
        console.print(f"  unless {condition.predicate} {condition.args}")
    if rule.explains:
        console.print(f"  explains: {', '.join(rule.explains)}")


def print_explanation(found: Explanation) -> None:
    """Facts as a two-column table, then the rules that involve it."""
    console = _console()
    console.print(Text(f"{found.title}", style="bold"), f" ({found.kind})")
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in found.facts:
        table.add_row(label, value)
    console.print(table)
    if found.rules:
        console.print("Rules: " + ", ".join(found.rules) + "   (certtriage rules CODE)")
