"""A note a post writes after a value of `netsh http show sslcert` is no part of the value.

Articles annotate the output line by line (`Ctl Store Name : (null) ★<<< default is null`,
`Negotiate Client Certificate : Disabled   <-- this one`). Read into the value, a note turned
`(null)` into a store name and a switch into a value not understood. Every netsh fixture is
given a note after each value, in each style: the diagnosis stays the fixture's own, and
every note is reported as left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

NOTES = ("★<<< 既定では null です。", "<-- check this one!", "# default on 2019",
         "← 要確認", "// see KB 2802568", "*** was Enabled before")
OUTPUTS = sorted((FIXTURES / "netsh").glob("*.txt"))


def _annotated(text: str, note: str) -> str:
    return "\n".join(f"{line}   {note}" if " : " in line and line.strip().split(" : ", 1)[1]
                     else line for line in text.split("\n"))


def _diagnosis(result: object) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes,  # type: ignore[attr-defined]
            sorted(f.cause for f in result.findings))  # type: ignore[attr-defined]


@pytest.mark.parametrize("note", NOTES)
@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.stem)
def test_a_note_after_each_value_changes_nothing(path: Path, note: str) -> None:
    text = path.read_text(encoding="utf-8")
    alone = analyze_text(text, path.name)
    noted = _annotated(text, note)
    assert noted != text or "no-bindings" in path.stem
    given = analyze_text(noted, path.name)
    assert _diagnosis(given) == _diagnosis(alone)
    assert given.model.bindings == alone.model.bindings  # type: ignore[union-attr]
    reasons = [u.reason for u in given.model.unparsed]  # type: ignore[union-attr]
    assert reasons.count("a note after the value, not part of it") == noted.count(note)
