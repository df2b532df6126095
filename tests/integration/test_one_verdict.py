"""One verdict everywhere: the JSON verdict, the headline of every human format, the summary
line, the root causes the headline names and the exit code all say the same, for every fixture
and every real file, and a case's verdict is that of its inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certtriage import analyze_path, report
from certtriage.batch import batch
from certtriage.cli import Exit, _exit_code
from certtriage.engine import worst_verdict
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES, REAL

_NOT_INPUTS = (".json", ".md")
INPUTS = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith(_NOT_INPUTS))
if REAL.is_dir():
    INPUTS += sorted(p for p in REAL.rglob("*.txt"))

EXIT_OF = {"fail": Exit.FINDINGS, "inconclusive": Exit.INCONCLUSIVE, "pass": Exit.OK,
           None: Exit.UNRECOGNIZED}


def _id(path: Path) -> str:
    return path.name[:60]


@pytest.mark.parametrize("path", INPUTS, ids=_id)
def test_every_output_says_the_same_verdict(path: Path) -> None:
    result = analyze_path(path)
    full = report([result])
    data = json.loads(render(full, OutputFormat.JSON, include_model=False))
    assert data["inputs"][0]["verdict"] == result.verdict
    assert _exit_code(full, "error") == EXIT_OF[result.verdict]
    if result.verdict is None:
        return
    said = result.verdict.upper()
    text = render(full, OutputFormat.TEXT, width=100)
    assert f"Verdict: {said}" in text
    assert text.rstrip().splitlines()[-1].startswith(said)
    assert f"**Verdict: {said}**" in render(full, OutputFormat.MARKDOWN)
    assert f"<span class='{result.verdict}'>{said}</span>" in render(full, OutputFormat.HTML)
    label = "root cause" if result.verdict == "fail" else "likely cause"
    causes = [c for c in result.root_causes if c != "ok"]
    if causes:
        assert f"{label}: {', '.join(causes)}" in " ".join(text.split())


FOLDERS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_a_case_says_the_verdict_of_its_inputs(folder: Path) -> None:
    full = batch([folder], jobs=1)
    (case,) = full.cases
    assert case.verdict == worst_verdict(r.verdict for r in full.inputs)
    assert full.verdict == case.verdict
    assert _exit_code(full, "error") == EXIT_OF[case.verdict if any(
        r.verdict is not None for r in full.inputs) else None]
