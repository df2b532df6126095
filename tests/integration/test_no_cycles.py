"""An analysis frees what it made as it ends: no reference cycle is left for the garbage
collector. A batch of many inputs otherwise carried each input's parse state until the
collector's next full pass (its peak memory grew with them, and the passes cost it time).
Every fixture (damaged ones among them), every file of the real corpus, and an input of each
text format."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from certtriage.pipeline import analyze_bytes, analyze_path

from ..conftest import FIXTURES, REAL
from ..helpers.shapes import TEXT_SHAPES

FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
REAL_FILES = sorted(p for p in REAL.rglob("*") if p.is_file()) if REAL.is_dir() else []


@contextmanager
def _cycles() -> Iterator[Counter[str]]:
    """The kinds of objects left in reference cycles by the block (the collector paused, and
    what was made before it frozen out of the count: a full collection of the test run's
    heap for each input would cost a minute over the fixtures)."""
    found: Counter[str] = Counter()
    gc.disable()
    gc.freeze()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found.update(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.unfreeze()
        gc.enable()


def _leaves_no_cycle(analyse: Callable[[], object]) -> None:
    analyse()  # caches and lazily built state made before the count
    with _cycles() as left:
        analyse()
    assert not left, f"left in reference cycles: {left.most_common(8)}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_an_analysis_leaves_no_reference_cycle(path: Path) -> None:
    _leaves_no_cycle(lambda: analyze_path(path))


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_an_analysis_of_a_real_output_leaves_no_reference_cycle(path: Path) -> None:
    _leaves_no_cycle(lambda: analyze_path(path))


@pytest.mark.parametrize("kind", sorted(TEXT_SHAPES))
def test_an_input_of_each_text_format_leaves_no_reference_cycle(kind: str) -> None:
    data = TEXT_SHAPES[kind](20).encode("utf-8")
    _leaves_no_cycle(lambda: analyze_bytes(data))
