"""The engine's index (the predicates' guards) against evaluating every condition of every rule.

A guard may only say that a predicate cannot match a document; the findings must be the same
with and without the guards, over every fixture and every file of the real corpus (skipped
without ../shared), for the input itself and each of its parts and pieces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_bytes
from certtriage.engine import _plan, evaluate, rulebook
from certtriage.knowledge.predicates import GUARDS, Binding
from certtriage.parsers import by_id
from certtriage.parsers.certutil_verify.model import CertutilVerify
from certtriage.parsers.certutil_verify.predicates import START
from certtriage.parsers.ticket.predicates import piece_part

from ..conftest import FIXTURES, REAL


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json"
                  and p.name not in ("README.md", "MANIFEST.json")
                  and p.stat().st_size <= 2 * 1024 * 1024)


def _evaluations(path: Path) -> list[tuple[Any, str, Binding | None, str | None]]:
    """(model, kind, start, context) of the input and each of its parts and pieces."""
    result = analyze_bytes(path.read_bytes(), str(path))
    if result.model is None:
        return []
    module = by_id(result.kind).predicates()
    found = [(result.model, result.kind, getattr(module, "START", None), None)]
    parts = [*getattr(module, "parts", lambda _: ())(result.model),
             *(piece_part(p) for p in result.pieces)]
    found.extend((p.model, p.kind, p.start, p.context) for p in parts)
    return found


def assert_same_findings(path: Path) -> None:
    book = rulebook()
    for model, kind, start, context in _evaluations(path):
        indexed = evaluate(model, book, kind, start, context)
        full = evaluate(model, book, kind, start, context, indexed=False)
        assert [f.model_dump() for f in indexed] == [f.model_dump() for f in full], kind


@pytest.mark.parametrize("path", _files(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(path: Path) -> None:
    assert_same_findings(path)


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", _files(REAL) if REAL.is_dir() else [], ids=lambda p: p.name[:40])
def test_every_real_file(path: Path) -> None:
    assert_same_findings(path)


def _certutil_models() -> list[CertutilVerify]:
    models = []
    for path in sorted(FIXTURES.joinpath("certutil").rglob("*.txt")):
        result = analyze_bytes(path.read_bytes(), str(path))
        if isinstance(result.model, CertutilVerify):
            models.append(result.model)
    return models


def test_a_guard_that_says_no_means_no_match_and_some_say_no() -> None:
    """Wherever a guard rules a document out, its predicate yields nothing there; and the
    guards rule out some rule on most dumps (else the index would do nothing)."""
    book = rulebook()
    refused = 0
    models = _certutil_models()
    assert models
    for model in models:
        for rule in book.for_kind("certutil-verify"):
            when, unless = _plan(rule)
            for fn, args, guard in (*when, *unless):
                if guard is None or guard(model, **args):
                    continue
                refused += 1
                assert list(fn(model, START, **args)) == [], (rule.code, fn.__name__)
    assert {"trust_error", "url_check"} <= GUARDS.keys()
    assert refused >= len(models)
