"""How inputs travel to a Dask cluster: small ones in chunks of one task each, large ones
alone, known results in their place; a chunk over budget is retried one input per task, so
only the input that overran is timed out. A stand-in client runs each task as it is submitted,
which is all the flight sees of a cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from certtriage.executors import Task, _dask, failed, run_task
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

DUMP = (FIXTURES / "certutil/revoked/leaf-revoked-key-compromise.txt").read_bytes()


class _Done:
    """A future that has its value, or raises `TimeoutError` as one past its budget does."""

    def __init__(self, value: Any, hangs: bool) -> None:
        self.value, self.hangs, self.cancelled = value, hangs, False

    def result(self, timeout: float | None = None) -> Any:
        if self.hangs:
            raise TimeoutError
        return self.value

    def cancel(self) -> None:
        self.cancelled = True


class _Client:
    """Runs each submitted task at once; a task holding an input named `*hang*` hangs."""

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def submit(self, fn: Callable[..., Any], arg: Any, pure: bool = True) -> _Done:
        tasks = (arg,) if isinstance(arg, Task) else arg
        self.sent.append([t.origin for t in tasks])
        hangs = any("hang" in t.origin for t in tasks)
        return _Done(None if hangs else fn(arg), hangs)

    def scatter(self, task: Task) -> Task:
        return task


def _results(work: list[Task | InputResult], budget: float | None = 5.0
             ) -> tuple[list[InputResult], list[list[str]]]:
    client = _Client()
    flight = _dask._Flight(client, budget)
    out = []
    for item in work:
        flight.add(item)
    flight.flush()
    while flight.inputs():
        out.append(flight.pop().result)
    return out, client.sent


def test_small_inputs_travel_in_chunks_and_come_back_in_order() -> None:
    tasks = [Task(f"{i:02}.txt", data=DUMP) for i in range(2 * _dask.CHUNK_INPUTS + 3)]
    results, sent = _results(list(tasks))
    assert [len(chunk) for chunk in sent] == [_dask.CHUNK_INPUTS, _dask.CHUNK_INPUTS, 3]
    assert [r.source for r in results] == [t.origin for t in tasks]
    assert results[0] == run_task(tasks[0]).result


def test_a_chunk_holds_at_most_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dask, "CHUNK_BYTES", 2 * len(DUMP))
    _, sent = _results([Task(f"{i}.txt", data=DUMP) for i in range(5)])
    assert [len(chunk) for chunk in sent] == [2, 2, 1]


def test_known_results_and_large_inputs_keep_their_place(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(_dask, "SCATTER_BYTES", len(DUMP) - 1)
    small = Task("small.txt", data=b"a note\n")
    known = failed("skipped.bin", "not read")
    work: list[Task | InputResult] = [small, known, Task("large.txt", data=DUMP), small]
    results, sent = _results(work)
    assert [r.source for r in results] == ["small.txt", "skipped.bin", "large.txt", "small.txt"]
    assert results[1] is known
    assert sent == [["small.txt"], ["large.txt"], ["small.txt"]]


def test_a_chunk_over_budget_is_retried_one_input_a_task() -> None:
    names = ["a.txt", "b-hang.txt", "c.txt"]
    results, sent = _results([Task(n, data=DUMP) for n in names], budget=0.5)
    assert sent == [names, ["a.txt"], ["b-hang.txt"], ["c.txt"]]
    assert [r.source for r in results] == names
    assert results[1].error == ("timed out: not finished within 0.5 s (--timeout); "
                                "the run went on without it")
    assert results[0].root_causes == results[2].root_causes == ("revoked",)
