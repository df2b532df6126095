"""The progress bar of `batch` follows the run it draws, whole report or streamed."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from certtriage.batch import BatchRun, batch
from certtriage.cli._progress import progress_bar, with_progress
from certtriage.cli._stream import stream
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports compared whole judge validity at one moment, not at each run's minute."""
    monkeypatch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")


def _case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    for name in ("revoked/leaf-revoked-key-compromise.txt", "pass/ocsp-verified.txt"):
        shutil.copy(FIXTURES / "certutil" / name, folder / Path(name).name)
    shutil.copy(FIXTURES / "evtx/system-schannel.evtx", folder / "System.evtx")
    return folder


def test_the_bar_is_fed_by_the_run_and_changes_nothing(tmp_path: Path) -> None:
    folder = _case(tmp_path)
    run = BatchRun([folder])
    assert with_progress(run) == batch([folder])
    assert run.progress is not None and run.records is not None


def test_a_streamed_run_under_the_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _case(tmp_path)
    seen: list[tuple[int, int]] = []
    run = BatchRun([folder])
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    with progress_bar(run):
        update = run.progress
        assert update is not None
        run.progress = lambda done, total, origin: (seen.append((done, total)),
                                                    update(done, total, origin))
        tally = stream(run, OutputFormat.JSONL, None, include_model=True)
    assert out.getvalue() == render(batch([folder]), OutputFormat.JSONL, include_model=True)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert tally.verdict == "fail" and tally.recognised
