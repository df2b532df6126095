"""Rules skipped by what a document shows (`knowledge.predicates.SIGNALS`): a skipped rule is
one that could not have fired, so the findings are the same as when every rule is evaluated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from certtriage import analyze_path, engine
from certtriage.knowledge import predicates
from certtriage.parsers.certutil_verify.model import CertutilVerify
from certtriage.parsers.certutil_verify.predicates import START

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: Every input that holds a chain: certutil output, CAPI2 runs in event logs, tickets, pastes.
FILES = sorted(p for folder in ("certutil", "events", "evtx", "tickets", "wild", "cases")
               for p in (FIXTURES / folder).rglob("*")
               if p.is_file() and p.suffix not in (".json", ".md", ".toml"))


def _chains(path: Path) -> Iterator[CertutilVerify]:
    """The chain models an input's rules read: the input's own and its runs, CAPI2 runs in a
    log, and those of the pieces found beside the main content."""
    result = analyze_path(path)
    for model in (result.model, *(p.model for p in result.pieces)):
        if isinstance(model, CertutilVerify):
            yield model
            yield from model.runs
        else:
            yield from (run.chain for run in getattr(model, "runs", ())
                        if isinstance(getattr(run, "chain", None), CertutilVerify))


def _ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(predicates, "SIGNALS", {})
    monkeypatch.setattr(engine, "SIGNALS", {})
    monkeypatch.setattr(engine, "_PLANS", {})
    monkeypatch.setattr(engine, "_SCHEDULES", {})


def test_the_fixtures_hold_chains_the_gated_rules_fire_on() -> None:
    """The comparisons below mean something: gated rules fire on some fixtures and not on
    others."""
    book = engine.rulebook()
    gated = [r for r in book.for_kind("certutil-verify") if engine._gate(r) is not None]
    assert len(gated) >= 15
    fired, skipped = set(), 0
    for path in FILES:
        for doc in _chains(path):
            for rule in gated:
                gate = engine._gate(rule)
                assert gate is not None
                if gate[0].isdisjoint(gate[1](doc)):
                    skipped += 1
                elif engine._matches(doc, rule, START):
                    fired.add(rule.code)
    assert len(fired) >= 10 and skipped > 100


def test_a_rule_is_skipped_only_where_its_first_condition_matches_nothing() -> None:
    book = engine.rulebook()
    checked = 0
    for path in FILES:
        for doc in _chains(path):
            for rule in book.for_kind("certutil-verify"):
                gate = engine._gate(rule)
                if gate is None or not gate[0].isdisjoint(gate[1](doc)):
                    continue
                first = rule.when[0]
                fn = engine.predicate_fn(first.predicate)
                assert list(fn(doc, START, **first.args)) == [], (path.name, rule.code)
                checked += 1
    assert checked > 100


def test_findings_are_those_of_every_rule_evaluated(monkeypatch: pytest.MonkeyPatch) -> None:
    gated = {p: analyze_path(p) for p in FILES}
    _ungated(monkeypatch)
    for path, result in gated.items():
        everything = analyze_path(path)
        assert result.findings == everything.findings, path.name
        assert result.verdict == everything.verdict, path.name


def test_a_document_whose_signals_cannot_be_read_is_evaluated_by_every_rule(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal reader that fails must not cost the diagnosis: every rule is evaluated, as
    without gates."""
    path = FIXTURES / "certutil" / "revoked"
    inputs = sorted(p for p in path.rglob("*.txt"))[:3]
    assert inputs
    expected = {p: analyze_path(p) for p in inputs}

    def broken(doc: object) -> frozenset[str]:
        raise RuntimeError("unreadable")

    book = engine.rulebook()
    schedule = engine._schedule(book, "certutil-verify")
    monkeypatch.setitem(engine._SCHEDULES, (id(book), "certutil-verify"), (book, schedule._replace(
        readers=tuple((broken, by_signal) for _, by_signal in schedule.readers))))
    for p in inputs:
        result = analyze_path(p)
        assert result.findings == expected[p].findings and result.findings, p.name
