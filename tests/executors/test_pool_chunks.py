"""How inputs travel to worker processes: in chunks, few at first and then up to a count and
a size, a larger input alone, known results filed in their place, never more than the window
read ahead; and an input's time budget counts from when its worker began it, wherever it sits
in its chunk."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

import pytest

from certtriage import pipeline
from certtriage.batch import batch
from certtriage.executors import CHUNK_BYTES, CHUNK_INPUTS, Done, Task, Work
from certtriage.executors._pool import QUEUE_BYTES, START_METHOD, _Chunker, _message
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

DUMP = FIXTURES / "certutil/revoked/leaf-revoked-key-compromise.txt"


def _chunks(work: list[Work], jobs: int = 2, room: int = 10_000
            ) -> tuple[list[list[str]], dict[int, Done], _Chunker]:
    done: dict[int, Done] = {}
    chunker = _Chunker(work, done, jobs)
    chunks = []
    while chunk := chunker.next(room):
        chunks.append([task.origin for _, task in chunk])
    return chunks, done, chunker


def _small(count: int, size: int = 5_000) -> list[Work]:
    return [Task(f"{i:03}.txt", path=f"{i:03}.txt", size=size) for i in range(count)]


@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_chunks_grow_from_one_input_to_the_most_a_chunk_holds(jobs: int) -> None:
    chunks, _, _ = _chunks(_small(400), jobs)
    sizes = [len(c) for c in chunks]
    assert sizes[:jobs] == [1] * jobs  # a run of as many inputs as workers spreads them
    assert sizes[:-1] == sorted(sizes[:-1])  # growing; the last holds what is left
    assert max(sizes) == CHUNK_INPUTS
    assert sum(sizes) == 400
    assert [origin for chunk in chunks for origin in chunk] == [f"{i:03}.txt" for i in range(400)]


def test_a_chunk_holds_at_most_its_bytes_and_a_larger_input_travels_alone() -> None:
    work = _small(100, CHUNK_BYTES // 4 - 1)
    work[60] = Task("large.txt", data=b"x" * (CHUNK_BYTES + 1))
    chunks, _, _ = _chunks(work)
    assert ["large.txt"] in chunks
    assert all(len(c) <= 4 for c in chunks)
    assert max(len(c) for c in chunks) == 4


def test_a_chunk_of_members_sent_as_bytes_still_fits_a_busy_workers_pipe() -> None:
    """Archive members travel as their bytes: a chunk of small ones stays small enough to wait
    in a worker's pipe behind the chunk it is analysing (larger ones wait for an idle worker)."""
    work: list[Work] = [Task(f"bundle.zip!{i:03}.txt", data=b"x" * (QUEUE_BYTES // 10))
                        for i in range(200)]
    done: dict[int, Done] = {}
    chunker = _Chunker(work, done, 2)
    chunks = []
    while chunk := chunker.next(10_000):
        chunks.append(chunk)
    assert max(len(c) for c in chunks) > 1
    assert all(len(_message(c)) <= QUEUE_BYTES for c in chunks)
    assert sum(len(c) for c in chunks) == 200


def test_inputs_of_unknown_size_fill_a_chunk_by_count() -> None:
    chunks, _, _ = _chunks(_small(100, 0))
    assert max(len(c) for c in chunks) == CHUNK_INPUTS


def test_known_results_are_filed_in_their_place_and_count_against_the_window() -> None:
    work: list[Work] = _small(40)
    work[3:3] = [InputResult(source="skipped.bin", kind="unknown", status="skipped")]
    done: dict[int, Done] = {}
    chunker = _Chunker(work, done, 1)
    assert [len(chunker.next(10_000)) for _ in range(4)] == [1, 2, 4, 8]  # one worker
    chunk = chunker.next(5)
    assert [i for i, _ in chunk] == [16, 17, 18, 19, 20]  # the window, not the chunk, is full
    assert list(done) == [3] and done[3].result.source == "skipped.bin"
    assert chunker.pulled == 21
    assert chunker.more()


def _pausing(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Inputs named `pause-*` take `seconds` longer to analyse."""
    real = pipeline.analyze_path

    def analyze_path(path: str, records: object = None) -> InputResult:
        if Path(path).name.startswith("pause"):
            time.sleep(seconds)
        return real(path, records)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyze_path", analyze_path)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the patched analysis reaches workers only when they are forked")
def test_the_budget_is_each_inputs_not_its_chunks(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve inputs of 0.4 s each reach chunks of up to four (1.6 s a chunk); with a budget
    of 1.2 s none is timed out."""
    monkeypatch.setenv(START_METHOD, "fork")
    for i in range(12):
        shutil.copy(DUMP, tmp_path / f"pause-{i:02}.txt")
    assert max(len(c) for c in _chunks(_small(12))[0]) * 0.4 > 1.2
    pipeline.analyze_bytes(DUMP.read_bytes())  # rules and grammar loaded before forking
    _pausing(monkeypatch, 0.4)
    report = batch([tmp_path], jobs=2, timeout=1.2)
    assert [r.root_causes for r in report.inputs] == [("revoked",)] * 12
