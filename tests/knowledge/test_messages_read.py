"""Every finding's message reads as a sentence once its values are filled in, whatever the
input left out: no placeholder left, no value whose own brackets or full stop double the
template's ("((subject not in the input)", "untrusted or invalid.."), no word or code said twice
in a row ("names 0x80092013, 0x80092013 ..."). Read over every fixture
and, where it is present, the real corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certtriage import analyze_bytes

from ..conftest import FIXTURES, REAL

_DOUBLED = re.compile(r"\(\(|(?<!\.)\.\.(?!\.)|\{[a-z_]+\}"
                      r"|(?<![\w.])(0x[0-9a-fA-F]{8}|[A-Za-z_]{3,})[,;]? \1(?!\w)")


def _inputs() -> list[Path]:
    roots = [FIXTURES] + ([REAL] if REAL.is_dir() else [])
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and p.suffix not in (".json", ".md"))


def test_the_inputs_are_many() -> None:
    assert len(_inputs()) > 250


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: p.name)
def test_each_message_reads_as_a_sentence(path: Path) -> None:
    result = analyze_bytes(path.read_bytes(), path.name)
    for finding in result.findings:
        assert not _DOUBLED.search(finding.message), (finding.rule, finding.message)
