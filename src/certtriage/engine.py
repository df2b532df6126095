"""Rulebook x parsed evidence -> findings -> a diagnosis (root causes, symptoms, verdict).

The engine names no format. A format's predicates decide what a match is about and what a
finding made of it shows (`Binding.facts`); the engine fills the rule's message with those
facts, links findings into root causes and symptoms through the rules' `explains`, applies the
adjustments of rules that fired (`adjusts`), and decides the verdict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from .knowledge.predicates import PREDICATES, SIGNALS, Binding, Facts, Predicate, Signals
from .knowledge.rulebook import Rulebook, load_packaged_rulebook
from .knowledge.schema import Adjustment, Condition, Rule
from .models.findings import SEVERITY_RANK, Finding, Overall, Verdict


@functools.cache
def rulebook() -> Rulebook:
    """The packaged rulebook, validated against every format's predicates; loaded once."""
    return load_packaged_rulebook(vocabulary)


def vocabulary() -> dict[str, Predicate]:
    """Every predicate of every format (each format's predicates module is imported)."""
    from .parsers import FORMATS

    for fmt in FORMATS:
        fmt.predicates()
    return PREDICATES


def predicate_fn(name: str) -> Predicate:
    """The predicate called `name`; the formats' modules are imported on first need, so a run
    that reads only certutil output never imports the others."""
    fn = PREDICATES.get(name)
    return fn if fn is not None else vocabulary()[name]


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


Step = tuple[Predicate, dict[str, Any]]

Gate = tuple[Signals, Callable[[Any], Signals]]

Plan = tuple[Rule, tuple[Step, ...], tuple[Step, ...], Gate | None]

#: Each rule's conditions with their predicates looked up and arguments read, and its gate
#: (the signals its first condition needs of a document and how to read those a document
#: shows, `knowledge.predicates.SIGNALS`; None when its first predicate registered none), by
#: rule code (a rule is evaluated for every input: this is done once per rule, not once per
#: input).
_PLANS: dict[str, Plan] = {}


def _rule_plan(rule: Rule) -> Plan:
    """The rule's entry of `_PLANS`, made on first use (and again for another rulebook's
    rule of the same code)."""
    known = _PLANS.get(rule.code)
    if known is None or known[0] is not rule:
        def steps(conditions: Iterable[Condition]) -> tuple[Step, ...]:
            return tuple((predicate_fn(c.predicate), c.args) for c in conditions)

        when = steps(rule.when)  # imports the predicates' modules, which register signals
        first = rule.when[0] if rule.when else None
        entry = SIGNALS.get(first.predicate) if first is not None else None
        gate = (entry[0](**first.args), entry[1]) if entry and first else None
        known = _PLANS[rule.code] = (rule, when, steps(rule.unless), gate)
    return known


def _gate(rule: Rule) -> Gate | None:
    """The rule's gate (see `_PLANS`)."""
    return _rule_plan(rule)[3]


class _Schedule(NamedTuple):
    """The rules that read one kind of evidence, planned once: their plans in code order, the
    positions of those without a gate, and for each signal reader the positions of the gated
    rules each signal opens. A document's signals are read once and open the rules they
    concern; the others are not visited at all (most inputs open a third of them)."""

    plans: tuple[Plan, ...]
    ungated: frozenset[int]
    readers: tuple[tuple[Callable[[Any], Signals], dict[Any, tuple[int, ...]]], ...]


#: Schedules by (rulebook, kind), the rulebook kept to tell a new one at a reused address.
_SCHEDULES: dict[tuple[int, str], tuple[Rulebook, _Schedule]] = {}


def _schedule(book: Rulebook, kind: str) -> _Schedule:
    """The rules of `book` that read `kind`, planned (see `_Schedule`); made on first use."""
    known = _SCHEDULES.get((id(book), kind))
    if known is not None and known[0] is book:
        return known[1]
    plans = tuple(_rule_plan(rule) for rule in book.for_kind(kind))
    readers: dict[Callable[[Any], Signals], dict[Any, list[int]]] = {}
    for at, (_, _, _, gate) in enumerate(plans):
        if gate is not None:
            by_signal = readers.setdefault(gate[1], {})
            for signal in gate[0]:
                by_signal.setdefault(signal, []).append(at)
    schedule = _Schedule(
        plans, frozenset(at for at, plan in enumerate(plans) if plan[3] is None),
        tuple((shows, {signal: tuple(ats) for signal, ats in by_signal.items()})
              for shows, by_signal in readers.items()))
    _SCHEDULES[(id(book), kind)] = (book, schedule)
    return schedule


def _opened(schedule: _Schedule, doc: Any, start: Binding) -> Iterable[Plan]:
    """The plans to evaluate for `doc`, in code order: every one when `start` is about an
    element (a gate reads the whole document) or when the document's signals cannot be read
    (each rule then says for itself what fails)."""
    if start.element is not None or not schedule.readers:
        return schedule.plans
    live = set(schedule.ungated)
    try:
        for shows, by_signal in schedule.readers:
            for signal in shows(doc):
                opens = by_signal.get(signal)
                if opens is not None:
                    live.update(opens)
    except Exception:  # noqa: BLE001 - evaluated ungated; a broken predicate is reported
        return schedule.plans
    plans = schedule.plans
    return [plans[at] for at in sorted(live)]


def _matches(doc: Any, rule: Rule, start: Binding) -> list[Binding]:
    """The bindings of `rule` in `doc`, each once (none, without evaluating it, when its
    first condition needs what the document does not show)."""
    plan = _rule_plan(rule)
    gate = plan[3]
    if gate is not None and start.element is None and gate[0].isdisjoint(gate[1](doc)):
        return []
    return _bindings(doc, plan, start)


def _bindings(doc: Any, plan: Plan, start: Binding) -> list[Binding]:
    """The bindings of a planned rule in `doc`, each once (its gate not consulted)."""
    _, when, unless, _ = plan
    bindings = [start]
    for fn, args in when:
        bindings = [nb for b in bindings for nb in fn(doc, b, **args)]
        if not bindings:
            return []
    kept: list[Binding] = []
    seen: set[tuple[Any, ...]] = set()
    for binding in bindings:
        if unless and any(_holds(doc, binding, step) for step in unless):
            continue
        key = binding.key()
        if key not in seen:
            seen.add(key)
            kept.append(binding)
    return kept


def _holds(doc: Any, binding: Binding, step: Step) -> bool:
    fn, args = step
    return any(True for _ in fn(doc, binding, **args))


def _finding(rule: Rule, facts: Facts, book: Rulebook, context: str | None) -> Finding:
    """A finding of `rule` from the facts of one match."""
    note = rule.role_notes.get(facts.role, "") if facts.role else ""  # type: ignore[call-overload]
    fill = _Fill({"role_note": note, **facts.fill})
    message = " ".join(rule.message.format_map(fill).split())
    if rule.message.startswith("{who}"):
        message = message[:1].upper() + message[1:]
    cause = rule.cause
    if facts.alert_code is not None:
        cause = rule.cause_by_alert.get(str(facts.alert_code), cause)
    cause = next((rule.cause_by_code[c] for c in facts.codes if c in rule.cause_by_code), cause)
    if rule.cause_from_code and cause == rule.cause:
        cause = next((named for c in facts.codes if (named := _cause_of(c))), cause)
    iis = rule.iis_substatus
    if cause != rule.cause and iis and cause in book.substatus_of and not rule.substatus_seen:
        iis = book.substatus_of[cause]  # a cause named by the code: its own 403.x
    fix, references = rule.fix, rule.references
    if rule.cause_fix:  # a cause named by the code: its own steps first
        remedy = book.remedy_of.get(cause) if cause != rule.cause else None
        if remedy is None:
            fix = (*rule.fix_otherwise, *fix)
        else:
            fix = (*remedy.fix, *fix)
            references = (*references, *(r for r in remedy.references if r not in references))
    return Finding.trusted(
        rule=rule.code, name=rule.name, cause=cause, title=rule.title,
        event_id=facts.event_id, time=facts.time,
        context=context if context is not None else facts.context,
        alert_code=facts.alert_code, severity=rule.severity, iis_substatus=iis,
        element=facts.element, role=facts.role, subject=facts.subject, url=facts.url,
        hresult=facts.hresult, message=message, why=rule.why.strip(), remediation=fix,
        references=references, evidence=facts.spans,
    )


def _cause_of(code: str) -> str | None:
    """The cause an error code names in the code tables, if any."""
    from .knowledge.codes import code_tables

    known = code_tables().lookup(code)
    return known.cause if known is not None else None


def evaluate(doc: Any, book: Rulebook, kind: str, start: Binding | None = None,
             context: str | None = None) -> list[Finding]:
    """Every finding of every rule that reads `kind`, linked into root causes and symptoms.

    `start` is the binding the format's predicates begin with; `context` (a CAPI2 run inside a
    log) is shown on every finding.
    """
    findings: list[Finding] = []
    adjustments: list[Adjustment] = []
    begin = start if start is not None else Binding()  # immutable: one for every rule
    for plan in _opened(_schedule(book, kind), doc, begin):
        rule = plan[0]
        try:
            bindings = _bindings(doc, plan, begin)
            if bindings:
                findings.extend(_finding(rule, b.facts(doc), book, context) for b in bindings)
        except Exception as exc:  # a broken rule must not lose the rest of the diagnosis
            findings.append(Finding(
                rule=rule.code, name=rule.name, cause="rule-error", title=rule.title,
                severity="warning", message=f"rule {rule.code} could not be evaluated: {exc!r}",
            ))
            continue
        if rule.adjusts is not None and bindings:
            adjustments.append(rule.adjusts)
    linked = _link(findings, book)
    for adjustment in adjustments:
        linked = _settle([_adjust(f, adjustment) for f in linked])
    return linked


def _link(findings: list[Finding], book: Rulebook) -> list[Finding]:
    """Mark each finding explained by an error finding of a rule that `explains` it, on the
    same element (or where either is about no element), as its symptom; the rest of the errors
    are root causes. Indexed by rule and element, so linking is linear in the findings."""
    errors: dict[str, dict[int | None, list[Finding]]] = {}
    for c in findings:
        if c.severity == "error":
            errors.setdefault(c.rule, {}).setdefault(c.element, []).append(c)
    linked = []
    for f in findings:
        by = tuple(sorted(
            rule for rule in book.explainers.get(f.rule, ())
            if _explains(errors.get(rule, {}), f)))
        root = f.severity == "error" and not by
        if by == f.explained_by and root == f.root_cause:  # as it was made: no copy
            linked.append(f)
        else:
            linked.append(f.model_copy(update={"explained_by": by, "root_cause": root}))
    return sorted(_settle(linked), key=lambda f: (
        not f.root_cause, -SEVERITY_RANK[f.severity],
        f.element if f.element is not None else 99, f.rule,
    ))


def _explains(by_element: dict[int | None, list[Finding]], symptom: Finding) -> bool:
    """Whether one of these error findings (of one rule) is about the symptom's element."""
    groups: Iterable[list[Finding]] = by_element.values()
    if symptom.element is not None:
        groups = [by_element.get(symptom.element, []), by_element.get(None, [])]
    return any(c is not symptom for group in groups for c in group)


def _settle(findings: list[Finding]) -> list[Finding]:
    """Without any error root cause, a clean chain (`ok`) is the root of the diagnosis."""
    if any(f.root_cause for f in findings):
        return findings
    return [f.model_copy(update={"root_cause": True}) if f.cause == "ok" else f
            for f in findings]


def _adjust(finding: Finding, adjustment: Adjustment) -> Finding:
    if finding.severity != "error":
        return finding
    return finding.model_copy(update={
        "severity": adjustment.severity, "root_cause": False,
        "message": f"{finding.message} {adjustment.note}",
    })


def verdict(findings: list[Finding], outcome_shown: bool = True,
            buried: bool = False) -> Verdict:
    """fail on decisive error findings; pass when the chain was seen clean; else inconclusive.

    A failed URL fetch alone decides nothing when the input does not show the chain's outcome
    (the paste may have cut off a URL that worked): the verdict is then inconclusive, with the
    failed fetch still reported as the likely root cause. A clean chain buried in text that
    could not be read (`buried`) does not make a pass either.
    """
    errors = [f for f in findings if f.severity == "error"]
    if any(outcome_shown or f.url is None for f in errors):
        return "fail"
    if errors or buried:
        return "inconclusive"
    if any(f.cause == "ok" for f in findings):
        return "pass"
    return "inconclusive"


def worst_verdict(verdicts: Iterable[Overall | None]) -> Overall:
    """Several verdicts as one: fail if any fails, pass if every one given passes (inputs
    without a verdict, such as unrecognised files, do not count), else inconclusive;
    unrecognized when none was given (or only cases that read nothing)."""
    given = {v for v in verdicts if v is not None}
    if given <= {"unrecognized"}:
        return "unrecognized"
    if "fail" in given:
        return "fail"
    return "pass" if given == {"pass"} else "inconclusive"
