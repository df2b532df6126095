"""Linear time by construction: the work done on an input grows no faster than the input.

Work is counted, never timed: every line of Python executed while an input is analysed (a
trace function counts them, so a loop over every element for each element shows up however
fast the machine is). Each input kind is grown from 1x to 10x to 100x of its unit, and each
step may cost at most a little more than ten times the step before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from certtriage import analyze_text

from ..helpers.shapes import TEXT_SHAPES

#: How much more than 10x the work of the step before a 10x step may cost (0.2: 12x).
SLACK = 0.2
BASE = {"iis-w3c-log": 10}


def lines_executed(work: Callable[[], Any]) -> int:
    """How many lines of Python `work()` executes (every frame, every loop iteration)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def _grows_linearly(shape: Callable[[int], str], base: int, kind: str) -> list[int]:
    analyze_text(shape(base))  # caches (grammars, the rulebook, catalogs) are filled once
    work = []
    for n in (base, 10 * base, 100 * base):
        text = shape(n)
        result = analyze_text(text)
        assert result.kind == kind, (n, result.kind, result.error)
        work.append(lines_executed(lambda t=text: analyze_text(t)))
    return work


@pytest.mark.parametrize("name", sorted(TEXT_SHAPES))
def test_work_grows_linearly_with_the_input(name: str) -> None:
    kind = name.split("/")[0]
    work = _grows_linearly(TEXT_SHAPES[name], BASE.get(kind, 3), kind)
    assert work[1] <= (10 + 10 * SLACK) * work[0], work
    assert work[2] <= (10 + 10 * SLACK) * work[1], work
    assert work[2] > work[1] > work[0], work  # the count does see the input grow


def test_the_counter_sees_quadratic_work() -> None:
    def quadratic(n: int) -> None:
        for _row in range(n):
            for _column in range(n):
                pass

    small, large = (lines_executed(lambda n=n: quadratic(n)) for n in (10, 100))
    assert large > 50 * small
