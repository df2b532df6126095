"""Tool output quoted inside a post (a mail reply, a Markdown quotation) between sentences of
its own is read without the quote marks, and diagnosed as the output itself is. Every netsh,
registry, certutil -store, IIS log and IIS configuration fixture is quoted so, in each way
mail and Markdown quote; quote marks that are no quotation are left alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_text
from certtriage.models.findings import InputResult
from certtriage.text.decode import decode
from certtriage.text.framing import QUOTED_LINES, undo_quotes

from ..conftest import FIXTURES

#: The ways a post quotes a line.
QUOTES: dict[str, Callable[[str], str]] = {
    "mail": lambda line: f"> {line}" if line.strip() else ">",
    "tight": lambda line: f">{line}",
    "nested": lambda line: f"> > {line}",
    "indented": lambda line: f"  > {line}",
}
FOLDERS = ("netsh", "registry", "stores", "iis-logs", "iis-config")


def _outputs() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (FIXTURES / folder).iterdir()
                  if p.is_file() and p.name != "README.md")


def _diagnosis(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.iis_substatus,
            result.failing_element, {f.cause for f in result.findings})


@pytest.mark.parametrize("quote", QUOTES)
@pytest.mark.parametrize("path", _outputs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_an_output_quoted_in_a_post_is_diagnosed_as_before(path: Path, quote: str) -> None:
    text = decode(path.read_bytes(), path.name).text
    whole = analyze_text(text, path.name)
    lines = text.rstrip("\n").split("\n")
    if sum(1 for line in lines if line.strip()) < QUOTED_LINES:
        pytest.skip("too short to be a quotation")
    post = ("Here is what the server shows, any idea?\n\n"
            + "\n".join(QUOTES[quote](line) for line in lines)
            + "\n\nThanks in advance.\n")
    result = analyze_text(post, path.name)
    assert _diagnosis(result) == _diagnosis(whole)


def test_quote_marks_that_are_no_quotation_stay() -> None:
    text = "Run this:\n> certutil -verify a.cer\nthen\n> b\n\nC:\\>dir\n"
    assert undo_quotes(text) == (text, 0)


def test_only_the_quotation_loses_its_marks() -> None:
    text = "intro\n> a: 1\n> b: 2\n>\n> c: 3\n> d: 4\nafter\n> e\n"
    undone, count = undo_quotes(text)
    assert count == 5  # the quoted blank line too
    assert undone == "intro\na: 1\nb: 2\n\nc: 3\nd: 4\nafter\n> e\n"
