"""Tool output whose lines were run together (copied from a page that showed it as a
paragraph) is split again where its lines begin, and diagnosed as the output itself is. Every
certutil chain dump among the fixtures and the real files, and every netsh, registry,
certutil -store and IIS log fixture of more than a few lines, is rendered so, in two shapes;
output as the tools printed it is never split."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage import analyze_text
from certtriage.models.findings import InputResult
from certtriage.text.decode import decode
from certtriage.text.joined import LONG, undo_joined

from ..conftest import FIXTURES, REAL

#: The two ways a page runs lines together: each break becomes a blank, indentation kept; or
#: every run of white space becomes one blank, as HTML shows text.
RUN_TOGETHER: dict[str, Callable[[str], str]] = {
    "breaks as blanks": lambda text: text.replace("\r\n", "\n").replace("\n", " "),
    "white space collapsed": lambda text: re.sub(r"\s+", " ", text).strip(),
}


def _chain_dumps(folder: Path) -> list[Path]:
    """The files of `folder` that hold a certificate chain as certutil dumps it."""
    return sorted(p for p in folder.rglob("*.txt")
                  if "CertContext[" in p.read_text(encoding="utf-8", errors="replace"))


def _diagnosis(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.iis_substatus,
            result.failing_element)


def _reads_as_before(path: Path, shape: str) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    whole = analyze_text(text, path.name)
    assert whole.kind == "certutil-verify"
    joined = RUN_TOGETHER[shape](text)
    assert max(len(line) for line in joined.split("\n")) >= LONG
    result = analyze_text(joined, path.name)
    assert _diagnosis(result) == _diagnosis(whole)
    assert set(result.hresults) <= set(whole.hresults)  # none made up (a message's may be lost)
    assert any("line break(s) put back" in w for w in result.warnings)


@pytest.mark.parametrize("shape", RUN_TOGETHER)
@pytest.mark.parametrize("path", _chain_dumps(FIXTURES / "certutil"),
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_fixture_run_together_is_diagnosed_as_before(path: Path, shape: str) -> None:
    _reads_as_before(path, shape)


@pytest.mark.real_corpus
@pytest.mark.parametrize("shape", RUN_TOGETHER)
def test_a_real_dump_run_together_is_diagnosed_as_before(shape: str) -> None:
    dumps = _chain_dumps(REAL / "certutil")
    assert len(dumps) >= 5
    for path in dumps:
        _reads_as_before(path, shape)


#: Fixture folders of the other outputs split when run together, and the fewest non-blank
#: lines an output needs to be split so: run together, a shorter one (a listing of no
#: bindings, a .reg file of one value) holds too few of its marks, and reads as it did.
OTHER_OUTPUTS = ("netsh", "registry", "stores", "iis-logs")
FEWEST_LINES = 6


def _decoded(path: Path) -> str:
    return decode(path.read_bytes(), path.name).text  # a .reg file is UTF-16


def _other_outputs() -> list[Path]:
    return [path for folder in OTHER_OUTPUTS for path in sorted((FIXTURES / folder).iterdir())
            if path.name != "README.md"
            and sum(1 for line in _decoded(path).splitlines() if line.strip()) >= FEWEST_LINES]


@pytest.mark.parametrize("shape", RUN_TOGETHER)
@pytest.mark.parametrize("path", _other_outputs(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_other_output_run_together_is_diagnosed_as_before(path: Path, shape: str) -> None:
    text = _decoded(path)
    whole = analyze_text(text, path.name)
    result = analyze_text(RUN_TOGETHER[shape](text), path.name)
    assert (result.kind, result.verdict, result.root_causes, result.iis_substatus) == (
        whole.kind, whole.verdict, whole.root_causes, whole.iis_substatus)
    # and every finding: a -v dump's usages (STO007, STO009) read from its extension lines
    assert {f.rule for f in result.findings} == {f.rule for f in whole.findings}
    assert any("line break(s) put back" in w for w in result.warnings)


def test_every_other_output_folder_is_tried() -> None:
    counts = {folder: sum(1 for p in _other_outputs() if p.parent.name == folder)
              for folder in OTHER_OUTPUTS}
    assert all(count >= 4 for count in counts.values()), counts


def _texts() -> list[Path]:
    """Every text input among the fixtures and, where present, the real files."""
    roots = [FIXTURES, REAL] if REAL.is_dir() else [FIXTURES]
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                try:
                    path.read_bytes().decode("utf-8")
                except UnicodeDecodeError:
                    continue
                found.append(path)
    return found


def test_output_as_printed_is_never_split() -> None:
    texts = _texts()
    assert len(texts) > 300
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert undo_joined(text) == (text, 0), path


_PIECES = st.sampled_from([
    "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0", "Element.dwErrorStatus =",
    "CERT_TRUST_IS_REVOKED (0x4)", "----------------  Certificate CDP  ----------------",
    '> Failed "CDP" Time: 0', "[0.0] http://crl.contoso.com/a.crl", "Issuer: CN=A DC=b",
    "% Name Hash(sha1): 00", "Verified \u201cOCSP\u201d Time: 0 (null)", "\u2014\u2014\u2014-",
    "No URLs", "CN=Contoso", "0x80092013", "   ", ">", "%", "\n", "x" * 50,
    "Certificate Hash : 4e53", "Application ID : {4dc3e181-e14b-4a21-b022-59fc669b0914}",
    "Usage Check : Not Set", "Extended Properties:", "HKEY_LOCAL_MACHINE\\SYSTEM\\X",
    "[HKEY_CURRENT_USER\\Y]", "EventLogging REG_DWORD 0x1", '"Enabled"=dword:00000001',
    "#Fields: date time s-ip sc-status", "2024-04-02 13:10:44 192.0.2.20 403", "#Date:",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_splitting_changes_only_white_space_and_quote_marks(pieces: list[str]) -> None:
    """Whatever kind of output a line is taken for, only blanks become line breaks (and quote
    marks left between lines go)."""
    text = " ".join(pieces)
    restored, count = undo_joined(text)

    def bare(value: str) -> str:
        return re.sub(r"[\s>%]", "", value)

    assert bare(restored) == bare(text)
    assert restored.count("\n") - text.count("\n") == count
    assert undo_joined(restored)[0].count("\n") >= restored.count("\n")
