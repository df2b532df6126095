"""Every catalog event in every shape: the same event id, its slots and the same diagnosis.

The cases come from the catalog (`shapes.cases()`): each event is rendered with synthetic values
in each export shape and each way a ticket carries a message. The XML rendering is the
baseline; every other rendering must find the same event, read the values its text shows, and
reach the same causes and verdict. The baseline itself is checked against the catalog (the
cause each event points to is among its findings' rules) and against the failing events
listed here by hand.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from certtriage import analyze_text
from certtriage.engine import rulebook
from certtriage.knowledge.catalog import event_knowledge, find_messages
from certtriage.models.findings import InputResult

from .shapes import (
    MESSAGE_ONLY,
    SHAPES,
    WITH_DATA,
    Case,
    cases,
    shared,
    winevent_table,
    wording_cases,
)

CASES = cases()
WORDINGS = wording_cases()

#: The events whose synthetic rendering fails the input (error findings): written by hand.
FAILING = {
    ("Schannel", i) for i in (36865, 36866, 36869, 36870, 36871, 36872, 36873, 36874, 36875,
                               36876, 36877, 36881, 36882, 36883, 36884, 36885, 36887, 36888,
                               36889)
} | {("Microsoft-Windows-HttpEvent", i) for i in (15005, 15009, 15010, 15016, 15021)} | {
    ("Microsoft-Windows-CertificationAuthority", i) for i in (10, 21, 22, 42, 51, 65, 66, 67,
                                                              75, 100)}


def _id(case: Case) -> str:
    return f"{case.event.provider.split('-')[-1]}-{case.event.id}"


def _diagnosis(result: InputResult) -> tuple[Any, ...]:
    return (sorted(set(result.root_causes)), result.verdict,
            sorted({f.cause for f in result.findings}))


@functools.cache
def _baseline(key: tuple[str, int]) -> InputResult:
    case = next(c for c in CASES if c.key == key)
    return analyze_text(WITH_DATA["xml"](case))


def _event(result: InputResult, case: Case) -> dict[str, Any]:
    assert result.kind == "event-log", result.error
    found = [e for e in result.events if (e["provider"], e["event_id"]) == case.key]
    assert found, [(e["provider"], e["event_id"]) for e in result.events]
    return found[0]


def _same(value: str, expected: str) -> bool:
    def norm(text: str) -> str:
        text = " ".join(text.split()).lower().rstrip(".")
        return text[2:] if text.startswith("0x") else text
    return norm(value) == norm(expected)


def _assert_slots(event: dict[str, Any], expected: dict[str, str]) -> None:
    data = event.get("data", {})
    wrong = {k: (data.get(k), v) for k, v in expected.items() if not _same(data.get(k, ""), v)}
    assert not wrong, wrong


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_the_baseline_agrees_with_the_catalog(case: Case) -> None:
    result = _baseline(case.key)
    _assert_slots(_event(result, case), {k: v for k, v in case.values.items() if v})
    book = rulebook()
    rules = {f.rule: book.rules[[r.code for r in book.rules].index(f.rule)] for f in
             result.findings}
    assert case.event.cause in {r.cause for r in rules.values()}, sorted(rules)
    assert (result.verdict == "fail") == (case.key in FAILING), _diagnosis(result)


def _check(case: Case, shape: str) -> None:
    """One rendering: the same event, the values its text shows, the same diagnosis."""
    result = analyze_text(SHAPES[shape](case))
    if shape in MESSAGE_ONLY and len(shared(case)) > 1:  # one text, several events
        assert {(e["provider"], e["event_id"]) for e in result.events} <= shared(case)
        return
    event = _event(result, case)
    if shape in WITH_DATA:
        _assert_slots(event, {k: v for k, v in case.values.items() if v})
    else:
        _assert_slots(event, case.shown(first_line=shape in ("winevent-table", "get-eventlog")))
    assert _diagnosis(result) == _diagnosis(_baseline(case.key))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_every_shape_gives_the_same_event_slots_and_diagnosis(case: Case) -> None:
    # One test per event over every shape (a shape that fails is named in the message): a
    # test item per rendering would cost more in collection than the renderings themselves.
    failed = {}
    for shape in sorted(set(SHAPES) - {"xml"}):
        if case.generic and shape in MESSAGE_ONLY:
            continue  # the same text for every event of the provider: only an id names it
        try:
            _check(case, shape)
        except AssertionError as exc:
            failed[shape] = str(exc).splitlines()[0][:200]
    assert not failed, failed


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_a_table_cut_at_the_console_width_keeps_the_event_and_its_rules(case: Case) -> None:
    result = analyze_text(winevent_table(case, width=120))
    _event(result, case)
    baseline = {f.rule for f in _baseline(case.key).findings}
    assert {f.rule for f in result.findings} <= baseline


def _cuts(case: Case) -> list[tuple[str, dict[str, str]]]:
    """The case's message cut a few characters into the text after each of its slots (as a
    table cuts it), with the values shown before the cut."""
    cuts, shown, text = [], {}, ""
    for kind, value in case.wording.pieces():
        if kind == "slot":
            text += case.values.get(value, "")
            if case.values.get(value):
                shown[value] = case.values[value]
            continue
        flat = re.sub(r"\s+", " ", value)
        if shown and len(flat.strip()) >= 6 and "\n" not in text:
            cuts.append((text + flat[:5], dict(shown)))
        text += value
    return cuts


_CUT_CASES = [(case, cut, shown) for case in CASES for cut, shown in _cuts(case)]


@pytest.mark.parametrize(("case", "cut", "shown"), _CUT_CASES,
                         ids=[f"{_id(c)}-{len(s)}" for c, _, s in _CUT_CASES])
def test_a_message_cut_after_its_slots_keeps_what_it_shows(case: Case, cut: str,
                                                          shown: dict[str, str]) -> None:
    """A table row names the event and shows its message cut with `...`: the values the cut
    message still shows are read, against the wordings of the event the row names."""
    row = (f"\n   ProviderName: {case.event.provider}\n\nTimeCreated                      Id "
           f"LevelDisplayName Message\n-----------                      -- ---------------- "
           f"-------\n3/14/2025 9:12:44 AM {case.event.id:>14} {case.level[0]:<16} {cut}...\n")
    (event,) = [e for e in analyze_text(row).events if e["event_id"] == case.event.id]
    for name, value in shown.items():
        assert _same(event["data"].get(name, ""), value), (name, event["data"])


@pytest.mark.parametrize("case", [c for c in WORDINGS if not c.generic], ids=_id)
def test_every_wording_is_read_alone(case: Case) -> None:
    found = find_messages(case.message)
    assert found, case.wording.versions
    keys = {(found[0].provider, found[0].event_id), *found[0].candidates}
    assert case.key in keys or keys <= shared(case), (keys, case.wording.versions)
    if case.key == (found[0].provider, found[0].event_id):
        _assert_slots({"data": found[0].slots}, case.shown())


@pytest.mark.parametrize("case", WORDINGS, ids=_id)
def test_every_wording_under_a_heading_naming_its_id(case: Case) -> None:
    result = analyze_text(SHAPES["markdown-heading"](case))
    _assert_slots(_event(result, case), case.shown())


def test_every_catalog_event_has_a_case_and_a_rule() -> None:
    assert {c.key for c in CASES} == set(event_knowledge().events)
    assert {c.key for c in CASES} >= FAILING


def _article_cases() -> list[Case]:
    """The wordings with an article right before a slot of the protocol (`An %1 connection
    request`), every one of them."""
    return [c for c in [*CASES, *WORDINGS] if not c.generic and any(
        c.event.kind(slot) == "protocol" for slot in _slots_after_article(c))]


def _slots_after_article(case: Case) -> list[str]:
    pieces = case.wording.pieces()
    return [value for (kind, text), (next_kind, value) in zip(pieces, pieces[1:])
            if kind == "text" and next_kind == "slot" and text[-1:].isspace()
            and text.split()[-1:] in (["a"], ["A"], ["an"], ["An"])]


@pytest.mark.parametrize("case", _article_cases(), ids=_id)
def test_a_retold_message_may_put_the_other_article_before_the_protocol(case: Case) -> None:
    """Windows writes `An TLS 1.2 connection request ...` (the article is written for its
    SSL); a post retelling it writes `A TLS 1.2 ...`: the same event, the same values."""
    message = case.message
    for protocol in ("TLS 1.2", "SSL 3.0"):
        retold = message.replace(case.values.get(_slots_after_article(case)[0], ""), protocol)
        for article in ("A", "An"):
            text = re.sub(r"\bAn? (?=TLS|SSL)", f"{article} ", retold, count=1)
            found = find_messages(text)
            assert found and case.key in {(found[0].provider, found[0].event_id),
                                          *found[0].candidates}, text[:80]
