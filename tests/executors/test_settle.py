"""A long run keeps the memory of a process that is its own flat (`executors._settle`): what
is alive after the first input (in the command line's process, the first group of inputs) is
set apart from the collector, and what the first inputs loaded once more at the first
periodic collection, and a full collection (which empties the interpreter's free lists) runs
every `EVERY` inputs (in the command line's process, between the groups that pass a multiple
of it); the youngest generation is collected less often (`YOUNG`). A process the run shares
(a library call, a test's runner) is left as it is."""

from __future__ import annotations

import os
import signal
import threading
from multiprocessing import Pipe
from pathlib import Path

import pytest

from certtriage import executors
from certtriage.batch import BatchRun
from certtriage.cli import app
from certtriage.cli._lean import run as lean
from certtriage.cli._main import run
from certtriage.executors import Task, _pool, _serial, _settle
from certtriage.executors._settle import EVERY, YOUNG
from certtriage.models.findings import InputResult

from ..helpers.cli import certtriage


class _Collector:
    """Stands in for the `gc` module: what was asked of it, and after how many inputs."""

    def __init__(self, analysed: list[str]) -> None:
        self.analysed = analysed
        self.calls: list[tuple[str, int]] = []

    def collect(self) -> int:
        self.calls.append(("collect", len(self.analysed)))
        return 0

    def freeze(self) -> None:
        self.calls.append(("freeze", len(self.analysed)))

    def get_threshold(self) -> tuple[int, int, int]:
        return (700, 10, 10)

    def set_threshold(self, *thresholds: int) -> None:
        self.calls.append(("set_threshold", len(self.analysed)))
        self.thresholds = thresholds


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> _Collector:
    """The collector's calls, counted against the inputs analysed so far."""
    analysed: list[str] = []
    real = executors.analyse

    def counted(task: Task, *args: object, **kwargs: object) -> InputResult:
        analysed.append(task.origin)
        return real(task, *args, **kwargs)  # type: ignore[arg-type]

    for module in (executors, _pool, _serial):
        monkeypatch.setattr(module, "analyse", counted)
    fake = _Collector(analysed)
    monkeypatch.setattr(_settle, "gc", fake)
    return fake


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A folder of 2 * EVERY + 10 small text files."""
    for i in range(2 * EVERY + 10):
        (tmp_path / f"{i:03}.txt").write_text(f"note {i}\n")
    return tmp_path


def _expected(count: int) -> list[tuple[str, int]]:
    """Set apart after the first input and the youngest generation's threshold raised, then
    collected every EVERY, and set apart again after the first of those."""
    periodic = [("collect", n) for n in range(EVERY, count + 1, EVERY)]
    return [("freeze", 1), ("set_threshold", 1), *periodic[:1], ("freeze", EVERY),
            *periodic[1:]]


def _expected_in_groups(count: int) -> list[tuple[str, int]]:
    """:func:`_expected` where inputs are analysed in groups (`_serial`): settled as each
    group after the first begins, for the group before (the last group's inputs are not
    settled: the run ends)."""
    ends = list(range(_serial.GROUP_INPUTS, count, _serial.GROUP_INPUTS))
    periodic = [e for before, e in zip(ends, ends[1:]) if e // EVERY > before // EVERY]
    return [("freeze", ends[0]), ("set_threshold", ends[0]),
            *[("collect", e) for e in periodic[:1]], ("freeze", periodic[0]),
            *[("collect", e) for e in periodic[1:]]]


@pytest.mark.parametrize("timeout", [60.0, None])
def test_a_run_of_its_own_sets_apart_and_collects_every_so_many_inputs(
        notes: Path, collector: _Collector, timeout: float | None) -> None:
    results = list(BatchRun([notes], own=True, timeout=timeout).inputs())
    assert len(results) == 2 * EVERY + 10
    assert collector.calls == _expected_in_groups(len(results))
    assert collector.thresholds == (YOUNG, 10, 10)  # the older generations' left as they were


def test_a_pool_parent_of_its_own_settles_as_results_come_in(notes: Path,
                                                              collector: _Collector) -> None:
    assert len(list(BatchRun([notes], jobs=2, own=True).inputs())) == 2 * EVERY + 10
    assert [name for name, _ in collector.calls] == ["freeze", "set_threshold", "collect",
                                                     "freeze", "collect"]


def test_a_library_run_leaves_its_host_process_alone(notes: Path,
                                                      collector: _Collector) -> None:
    assert len(list(BatchRun([notes]).inputs())) == 2 * EVERY + 10
    assert len(list(BatchRun([notes], jobs=2).inputs())) == 2 * EVERY + 10
    assert collector.calls == []


def test_the_command_line_settles_only_in_a_process_of_its_own(
        notes: Path, collector: _Collector, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = tmp_path_factory.mktemp("out") / "report.jsonl"
    args = ["batch", "-q", "-j", "1", "-f", "jsonl", "-o", str(report), str(notes)]
    ran = certtriage(*args)
    assert ran.err == ""
    assert len(report.read_text().splitlines()) == 2 * EVERY + 10 + 1  # and the case's line
    assert collector.calls == []  # a test's runner: the process is shared
    del collector.analysed[:]
    assert run(app, args, own_process=True) == ran.code
    assert collector.calls == _expected_in_groups(2 * EVERY + 10)


def test_the_lean_entry_settles_only_when_the_process_is_its_own(
        notes: Path, collector: _Collector, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`certtriage batch` with plain arguments runs without the typer app (`_lean`): the
    console script says the process is the run's own, as it does to the full command line."""
    report = tmp_path_factory.mktemp("out") / "report.jsonl"
    args = ["batch", "-q", "-j", "1", "-f", "jsonl", "-o", str(report), str(notes)]
    code = certtriage(*args).code
    del collector.analysed[:]
    assert lean(args) == code
    assert collector.calls == []
    del collector.analysed[:]
    assert lean(args, own=True) == code
    assert collector.calls == _expected_in_groups(2 * EVERY + 10)
    assert len(report.read_text().splitlines()) == 2 * EVERY + 10 + 1


def test_a_worker_settles_as_it_analyses(collector: _Collector) -> None:
    """A worker process is the run's own: `serve` settles after each input of its chunks."""
    tasks = [Task(f"note-{i}.txt", data=f"note {i}\n".encode()) for i in range(EVERY + 5)]
    parent, child = Pipe()
    received: list[object] = []

    def feed() -> None:
        parent.send(tasks[:EVERY - 1])
        received.append(parent.recv())
        parent.send(tasks[EVERY - 1:])
        received.append(parent.recv())
        parent.send(None)

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        _pool.serve(child, os.getppid(), [0, 0.0])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        feeder.join()
    assert [len(r) for r in received] == [EVERY - 1, 6]  # type: ignore[arg-type]
    assert collector.calls == _expected(EVERY + 5)
