"""The run's own process (the command line's) is one of the `jobs` processes: it starts one
worker fewer and, while no outcome waits, analyses chunks of small inputs itself, within each
input's budget; the output is the same as from one process. A process the run shares (a
library caller's) only hands inputs out."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from certtriage import pipeline
from certtriage.batch import BatchRun
from certtriage.executors import Done, Task, _pool, _settle
from certtriage.executors._pool import HERE_BYTES, START_METHOD, _here
from certtriage.executors._serial import watching
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

DUMP = FIXTURES / "certutil/revoked/leaf-revoked-key-compromise.txt"
EVTX = FIXTURES / "evtx/system-schannel-truncated.evtx"

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the counting stand-ins reach workers only when forked")


class _Seen:
    """Workers started, and the inputs this process analysed itself."""

    def __init__(self) -> None:
        self.workers = 0
        self.here: list[Task] = []


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> _Seen:
    monkeypatch.setenv(START_METHOD, "fork")
    monkeypatch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")
    # a run of its own settles its process: the test runner's collector is left alone
    monkeypatch.setattr(_settle, "gc", SimpleNamespace(
        collect=lambda: 0, freeze=lambda: None, get_threshold=lambda: (700, 10, 10),
        set_threshold=lambda *thresholds: None))
    counts = _Seen()
    real_worker, real_here = _pool._Worker, _pool._here

    def worker(*args: object) -> _pool._Worker:
        counts.workers += 1
        return real_worker(*args)  # type: ignore[arg-type]

    def here(chunk: _pool.Chunk, *args: object) -> None:
        counts.here.extend(task for _, task in chunk)
        real_here(chunk, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_pool, "_Worker", worker)
    monkeypatch.setattr(_pool, "_here", here)
    return counts


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """60 small dumps, an EVTX log and a text file larger than this process takes."""
    case = tmp_path / "case"
    case.mkdir()
    for i in range(60):
        shutil.copy(DUMP, case / f"dump-{i:02}.txt")
    shutil.copy(EVTX, case / "System.evtx")
    (case / "large.txt").write_bytes(DUMP.read_bytes() * (HERE_BYTES // DUMP.stat().st_size + 1))
    return case


def _dumped(results: list[InputResult]) -> list[str]:
    return [r.model_dump_json() for r in results]


def test_the_runs_own_process_takes_a_share_of_the_small_inputs(seen: _Seen,
                                                                 folder: Path) -> None:
    alone = _dumped(list(BatchRun([folder], jobs=1).inputs()))
    run = BatchRun([folder], jobs=2, own=True)
    shared = _dumped(list(run.inputs()))
    assert shared == alone
    assert seen.workers == 1
    assert seen.here, "the parent waited instead of analysing"
    assert all(0 < task.weight <= HERE_BYTES for task in seen.here)
    assert {Path(t.origin).name for t in seen.here}.isdisjoint({"System.evtx", "large.txt"})
    assert len(seen.here) < 60  # the worker had a share of the small dumps too


def test_a_library_run_only_hands_inputs_out(seen: _Seen, folder: Path) -> None:
    assert len(list(BatchRun([folder], jobs=2).inputs())) == 62
    assert seen.workers == 2
    assert seen.here == []


def test_an_input_this_process_analyses_keeps_its_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = pipeline.analyze_bytes

    def hanging(data: bytes, source: str = "<bytes>") -> InputResult:
        if "slow" in source:
            release.wait(30)
        return real(data, source)

    pipeline.analyze_bytes(DUMP.read_bytes())  # rules and grammar loaded before the clock
    monkeypatch.setattr(pipeline, "analyze_bytes", hanging)
    chunk = [(n, Task(name, data=DUMP.read_bytes()))
             for n, name in enumerate(("a.txt", "b-slow.txt", "c.txt"))]
    done: dict[int, Done] = {}
    try:
        with watching(0.5) as watch:
            assert watch is not None
            _here(chunk, watch, done)
    finally:
        release.set()
    assert [done[n].result.status for n in range(3)] == ["parsed", "error", "parsed"]
    assert done[1].result.error is not None and "timed out" in done[1].result.error
