"""A dump that shows part of the chain never passes on what it shows.

Each passing certutil fixture (the whole chain shown, nothing wrong) is cut the ways a paste
loses the start of a chain: from each CA's element on (the console's buffer kept only the last
lines), and with one element left out and the chain's own status lines gone (an excerpt); each
with certutil's last lines kept or cut. Every rendering is then damaged as pastes are (the
lossless kinds of `scripts/make_damaged_fixtures.py`). What it must give: never the
chain-valid pass (RES001); a pass only from certutil's verdict lines (RES005, where the leaf's
revocation line was kept); otherwise inconclusive, the elements shown and those missing named.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from certtriage import analyze_bytes

from ...conftest import FIXTURES
from ...helpers.scripts import damaged_texts

_HEADER = re.compile(r"^\s*CertContext\[(\d+)\]\[(\d+)\]", re.MULTILINE)
#: certutil's verdict line for a leaf whose revocation check passed, in the fixtures' languages.
_PASS_LINES = ("Leaf certificate revocation check passed", "\u901a\u8fc7\u4e86\u5206\u652f"
               "\u8bc1\u4e66\u540a\u9500\u68c0\u67e5")
#: certutil's last two lines, whatever their language: a verdict line, then its final line.
_LAST = re.compile(r"\n[^\n]*\n\s*CertUtil: -verify[^\n]*\n?\Z")


def _passing() -> list[Path]:
    """The passing fixtures that show a whole chain (its own status, then more than one
    element)."""
    expected = json.loads((FIXTURES / "certutil" / "expected.json").read_text(encoding="utf-8"))
    paths = [FIXTURES / "certutil" / e["file"] for e in expected
             if e["expect"]["verdict"] == "pass"]
    texts = {p: p.read_text(encoding="utf-8") for p in paths}
    return [p for p, t in texts.items() if "ChainContext" in t and len(_HEADER.findall(t)) > 1]


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """Each element's (position, the text from its first line on, the text of its block);
    the last block runs to the end."""
    heads = list(_HEADER.finditer(text))
    blocks = [(f"[{m.group(1)}][{m.group(2)}]", m.start(),
               heads[n + 1].start() if n + 1 < len(heads) else len(text))
              for n, m in enumerate(heads)]
    return [(pos, text[a:], text[a:b]) for pos, a, b in blocks]


def _cuts(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (the cut text, the positions of the elements not shown)."""
    text = path.read_text(encoding="utf-8")
    blocks = _blocks(text)
    positions = [pos for pos, _, _ in blocks]
    cuts: dict[str, tuple[str, list[str]]] = {}
    for n, (pos, rest, _) in enumerate(blocks[1:], start=1):
        cuts[f"{path.stem}-from-{pos}"] = (rest, positions[:n])
    if len(blocks) > 2:
        for n, (pos, _, _) in enumerate(blocks[1:-1], start=1):
            kept = "".join(b for m, (_, _, b) in enumerate(blocks) if m != n)
            cuts[f"{path.stem}-without-{pos}"] = (kept, [pos])
    return cuts


def _renderings() -> dict[str, tuple[str, list[str]]]:
    """Each cut with certutil's last lines kept (`-whole`) and, where it has them, without
    (`-cut`)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in _passing():
        for name, (text, missing) in _cuts(path).items():
            found[f"{name}-whole"] = (text, missing)
            short = _LAST.sub("\n", text)
            if short != text:
                found[f"{name}-cut"] = (short, missing)
    return found


CUTS = _renderings()
KINDS = ["clean", "crlf", "utf16le-bom", "cp1252", "quoted", "percent-prefixed",
         "lost-indentation", "doubled-blank-lines", "markdown"]


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes | None]:
    return damaged_texts(tmp_path_factory.mktemp("in-part"),
                         {f"{name}.txt": text for name, (text, _) in CUTS.items()})


def test_the_cuts_cover_every_passing_dump_and_both_ways_of_losing_the_leaf() -> None:
    names = " ".join(CUTS)
    assert len(_passing()) >= 10
    assert all(f"{p.stem}-from-" in names for p in _passing())
    assert "-without-[0][1]" in names


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(CUTS))
def test_part_of_a_chain_never_passes_on_what_it_shows(
        name: str, kind: str, damaged: dict[tuple[str, str], bytes | None]) -> None:
    text, missing = CUTS[name]
    data = damaged[(f"{name}.txt", kind)]
    if data is None:
        pytest.skip(f"{kind} cannot encode this text")

    result = analyze_bytes(data, f"{name}.txt")

    rules = {f.rule for f in result.findings}
    assert "RES001" not in rules, result.findings
    if any(line in text for line in _PASS_LINES):
        assert (result.verdict, rules & {"RES005", "RES009"}) == ("pass", {"RES005"})
    else:
        assert result.verdict == "inconclusive", [f.message for f in result.findings]
        said = next(f.message for f in result.findings if f.rule == "RES009")
        assert said.split(" nor that of ")[1].startswith(", ".join(missing)), said


def test_the_whole_dump_passes_on_its_chain() -> None:
    """The same dumps uncut pass on the chain's status (RES001): the cuts are what differs."""
    for path in _passing():
        result = analyze_bytes(path.read_bytes(), path.name)
        assert result.verdict == "pass" and "RES001" in {f.rule for f in result.findings}, path
