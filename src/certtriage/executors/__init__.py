"""Executors: where a batch's per-input function runs.

A batch hands an executor an ordered stream of work (a :class:`Task`, or a result already
known, such as a skipped archive member) and takes back one :class:`InputResult` per item, in
the same order, whatever runs them:

* in this process (``jobs=1``);
* a pool of worker processes on this machine (``jobs>1``), under any start method (``fork``,
  ``forkserver``, ``spawn``: the default on Windows and macOS; ``CERTTRIAGE_START_METHOD``
  chooses one);
* a Dask cluster (``scheduler="local"`` or ``"tcp://HOST:PORT"``; the ``certtriage[dask]``
  extra).

What crosses a process boundary is plain data: a :class:`Task` (an origin, a path or bytes)
goes out, an :class:`InputResult` comes back. :func:`run_task`, the per-input function, is a
top-level function that never raises for an input (the pipeline's boundary turns any failure
into that input's error result), so no exception is ever pickled. Each input has a time budget
(``timeout`` seconds): one that overruns it is reported as timed out and the run goes on.
At most a few inputs per worker are in flight, so neither inputs nor results pile up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .. import pipeline
from ..models.findings import InputResult

#: Seconds one input may take before it is reported as timed out (`--timeout`).
DEFAULT_TIMEOUT = 60.0
#: Inputs in flight per worker: enough to keep workers busy, few enough to hold little.
WINDOW_PER_WORKER = 4

Records = Callable[[str, int], None]


@dataclass(frozen=True)
class Task:
    """One input to analyse: a file on this machine (`path`) or its bytes (`data`)."""

    origin: str
    """The input's name in the report (a path, or `bundle.zip!member`)."""
    path: str | None = None
    data: bytes | None = None


Work = Task | InputResult


def run_task(task: Task, records: Callable[[int], None] | None = None) -> InputResult:
    """The per-input function: a task in, its result out; never raises for the input."""
    try:
        if task.path is not None:
            result = pipeline.analyze_path(task.path, records)
            return result.model_copy(update={"source": task.origin})
        return pipeline.analyze_bytes(task.data or b"", task.origin)
    except Exception as exc:  # noqa: BLE001 - the last boundary before a process edge
        return failed(task.origin, f"internal error {type(exc).__name__}; "
                      f"{pipeline._REPORT_IT}")


def run_tasks(tasks: tuple[Task, ...]) -> list[InputResult]:
    """The per-input function over a chunk of inputs (one Dask task), results in order."""
    return [run_task(task) for task in tasks]


def failed(origin: str, problem: str) -> InputResult:
    """An error result for an input the executor could not get analysed."""
    return InputResult(source=origin, kind="unknown", status="error", error=problem)


def timed_out(origin: str, budget: float) -> InputResult:
    """The result of an input that overran its time budget."""
    return failed(origin, f"timed out: not finished within {budget:g} s (--timeout); "
                  "the run went on without it")


class SchedulerUnavailable(RuntimeError):
    """`--scheduler` was asked for, but Dask is not installed or the cluster not reached."""


def execute(work: Iterable[Work], *, jobs: int = 1, timeout: float | None = DEFAULT_TIMEOUT,
            scheduler: str | None = None, records: Records | None = None
            ) -> Iterator[InputResult]:
    """One result per item of `work`, in order. `records` (EVTX progress) is called only for
    inputs analysed in this process."""
    budget = timeout if timeout and timeout > 0 else None
    if scheduler is not None:
        from ._dask import run_dask

        return run_dask(work, scheduler, budget, jobs)
    if jobs <= 1:
        from ._serial import run_serial

        return run_serial(work, budget, records)
    from ._pool import run_pool

    return run_pool(work, jobs, budget)


__all__ = ["DEFAULT_TIMEOUT", "SchedulerUnavailable", "Task", "Work", "execute", "failed",
           "run_task", "run_tasks", "timed_out"]
