"""A text cut after its first lines: every count of lines around the limit, with and without
a final line break, against reading the lines one by one."""

from __future__ import annotations

import pytest

from certtriage.text.limits import keep_lines


def _by_lines(text: str, limit: int) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:limit]), len(lines[limit:])


@pytest.mark.parametrize("count", [0, 1, 4, 5, 6, 9])
@pytest.mark.parametrize("final", ["\n", ""])
def test_a_text_is_cut_after_its_first_lines(count: int, final: str) -> None:
    text = "\n".join(f"line {i}" for i in range(count)) + (final if count else "")
    assert keep_lines(text, 5) == _by_lines(text, 5)
    assert keep_lines(text, None) == (text, 0)
