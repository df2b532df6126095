"""`analyze` with several inputs reads them as one case, as `batch` reads a folder: the full
diagnosis of each input stays, and the case adds what links them, the validity of a
certificate at the time of the evidence, and the timeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ..conftest import FIXTURES
from ..helpers.cli import certtriage

CASE = FIXTURES / "cases" / "expired-before-403-17"
FILES = [str(CASE / "kim-akers.cer"), str(CASE / "u_ex210304.log")]
SAID = ("Kim Akers had expired 3 days before the first 403.17 at 2021-03-04 08:12 UTC "
        "(NotAfter 2021-03-01 00:00 UTC)")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "full"])
def test_analyze_of_two_files_judges_validity_at_the_time_of_the_log(lean: bool) -> None:
    ran = certtriage("analyze", *FILES, lean=lean)
    assert ran.code == 1
    shown = _flat(ran.out)
    assert SAID in shown
    assert "1. ROOT CAUSE not-time-valid" in shown  # each input's own diagnosis stays
    assert "timeline" in shown and "first 403.17" in shown
    assert shown.index(SAID) < shown.index("Overall: FAIL (2 inputs)")


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_every_format_says_it(fmt: str) -> None:
    ran = certtriage("analyze", "-f", fmt, *FILES)
    assert SAID in _flat(ran.out.replace("&#x27;", "'"))
    if fmt == "json":
        (case,) = json.loads(ran.out)["cases"]
        assert case["case"] == str(CASE)
        assert case["certificates"][0]["validity"][0]["state"] == "expired"


def test_one_file_is_no_case() -> None:
    ran = certtriage("analyze", "-f", "json", FILES[0])
    assert json.loads(ran.out)["cases"] == []
    assert "timeline" not in certtriage("analyze", FILES[0]).out


def test_inputs_of_no_common_folder_are_the_inputs_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("kim-akers.cer", "u_ex210304.log"):
        shutil.copy(CASE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    ran = certtriage("analyze", "-f", "json", "kim-akers.cer", "u_ex210304.log")
    (case,) = json.loads(ran.out)["cases"]
    assert case["case"] == "the inputs given"
    assert SAID in case["notes"]
