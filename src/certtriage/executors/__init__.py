"""Executors: where a batch's per-input function runs.

A batch hands an executor an ordered stream of work (a :class:`Task`, or a result already
known, such as a skipped archive member) and takes back one :class:`InputResult` per item, in
the same order, whatever runs them:

* in this process (``jobs=1``);
* a pool of worker processes on this machine (``jobs>1``), under any start method (``fork``,
  ``forkserver``, ``spawn``: the default on Windows and macOS; ``CERTTRIAGE_START_METHOD``
  chooses one), the command line's own process analysing a share of the small inputs;
* a Dask cluster (``scheduler="local"`` or ``"tcp://HOST:PORT"``; the ``certtriage[dask]``
  extra).

(A streamed run of its own over many cases of like size does not come here for ``jobs>1``:
its workers take whole cases, `_cases`, and nothing of an input crosses between processes.)

What crosses a process boundary is plain data: a :class:`Task` (an origin, a path or bytes,
the case it belongs to) goes out, a :class:`Done` (its :class:`InputResult`) comes back.
:func:`run_task`, the per-input function, is a top-level function that never raises for an
input (the pipeline's boundary turns any failure into that input's error result), so no
exception is ever pickled. A run that writes each input's output as it comes (JSON Lines,
CSV) gives its tasks the renderer: the input is rendered where it was analysed, and what
comes back is that output (UTF-8), the result's summary (its findings and evidence, most of
its bytes and its models, are in the output) and what its case reads of it in plain values
(`case.reading`): a pickled result's models took longer to build again than anything else
the parent did for an input a worker analysed. An input analysed in the process that folds
its case comes back whole (it is let go as soon as the case has read it). A report that
shows no evidence (batch text without details) has its results sent back without it.
The parent's work for an input a worker analysed is then little more than writing bytes,
so more workers keep scaling. Each input has a time budget (``timeout`` seconds): one that
overruns it is reported as timed out and the run goes on.
At most two chunks of inputs per worker are in flight, so neither inputs nor results pile up.
Whatever runs them, a chunk's inputs are analysed one after another, then rendered one after
another (:func:`finish_chunk`); in this process, inputs are taken in groups (`_serial`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from .. import pipeline
from ..case.reading import Reading, read
from ..models.findings import InputResult

#: Seconds one input may take before it is reported as timed out (`--timeout`).
DEFAULT_TIMEOUT = 60.0
#: Sending an input to another process and its result back costs a good part of a small
#: input's analysis (pickling, system calls, waking the other side), so small inputs travel
#: in chunks (their results come back together): up to this many inputs a chunk ...
CHUNK_INPUTS = 16
#: ... and up to this many bytes: a larger input travels alone.
CHUNK_BYTES = 256 * 1024

Records = Callable[[str, int], None]
#: Renders one input's result as the run's output writes it, in UTF-8 (a top-level function or
#: a partial of one, so that it pickles).
Render = Callable[[InputResult], bytes]


class Task(NamedTuple):
    """One input to analyse: a file on this machine (`path`) or its bytes (`data`).

    This, :class:`Done`, `batch.Written` and the folder walk's entries are named tuples:
    made for every input of a run, a frozen dataclass took 1.3 us to make (each field set
    through `object.__setattr__`), a named tuple 0.5."""

    origin: str
    """The input's name in the report (a path, or `bundle.zip!member`)."""
    path: str | None = None
    data: bytes | None = None
    case: str | None = None
    """Batch runs: the case the input belongs to, set on its result."""
    warning: str | None = None
    """A problem met while acquiring the input, put first among its result's warnings."""
    render: Render | None = None
    """When set, the input's output is rendered where it is analysed (see :class:`Done`)."""
    trim: bool = False
    """The result comes back without its evidence (`InputResult.without_evidence`): the
    run's report shows none of it."""
    size: int = 0
    """The input's size in bytes when known (0: not known): executors send small inputs
    together."""

    @property
    def weight(self) -> int:
        """Bytes to analyse, as far as they are known before reading."""
        return len(self.data) if self.data is not None else self.size


Work = Task | InputResult


class Done(NamedTuple):
    """One input's outcome: its result, and when its task asked for the output, the output
    (UTF-8) and what the input's case reads of it (`reading`). The result then comes as it
    is when this process analysed it, and from another process as its summary
    (`InputResult.summary`: its findings and evidence are in the output, and what the case
    needs of them in the reading)."""

    result: InputResult
    output: bytes | None = None
    reading: Reading | None = None


def run_task(task: Task, records: Callable[[int], None] | None = None) -> Done:
    """The per-input function: a task in, its outcome out; never raises for the input."""
    return finish(task, analyse(task, records))


def analyse(task: Task, records: Callable[[int], None] | None = None) -> InputResult:
    """The task's input analysed, as the pipeline names it; never raises for the input."""
    try:
        if task.path is not None:
            return pipeline.analyze_path(task.path, records)
        return pipeline.analyze_bytes(task.data or b"", task.origin)
    except Exception as exc:  # noqa: BLE001 - the last boundary before a process edge
        return failed(task.origin, f"internal error {type(exc).__name__}; "
                      f"{pipeline._REPORT_IT}")


def finish(task: Task, result: InputResult, travels: bool = True) -> Done:
    """The result under the task's name, case and warning; when the task says so, rendered,
    read for its case, and when it `travels` (to another process), cut to its summary: what
    it leaves out is most of the cost of sending it. A result that stays in this process is
    let go as soon as its case has read it, so it is given as it is. A renderer that fails
    leaves the output to the caller, which renders it again and so reports the failure where
    the output is written."""
    update: dict[str, object] = {}
    if result.source != task.origin:
        update["source"] = task.origin
    if task.case is not None:
        update["case"] = task.case
    if task.warning:
        update["warnings"] = (task.warning, *result.warnings)
    if update:
        result = result.model_copy(update=update)
    if task.render is None:
        return Done(result.without_evidence() if task.trim else result)
    try:
        output = task.render(result)
    except Exception:  # noqa: BLE001 - rendered again, and reported, by the caller
        return Done(result)
    return Done(result.summary() if travels else result, output, read(result))


def run_tasks(tasks: tuple[Task, ...]) -> list[Done]:
    """The per-input function over a chunk of inputs (one Dask task), outcomes in order: the
    inputs analysed, then rendered (see :func:`finish_chunk`)."""
    return finish_chunk(tasks, [analyse(task) for task in tasks])


def finish_chunk(tasks: Sequence[Task], results: Sequence[InputResult],
                 travels: bool = True) -> list[Done]:
    """:func:`finish` for each of a chunk's inputs once all of them are analysed. Analysing
    a chunk, then rendering it, each step one input after another, keeps each step's code and
    data in the processor's caches: rendered as each was analysed, the two evicted each
    other's (a 13 KB JSON Lines record took 41 us to serialise in a loop of its own, 68 us
    straight after an analysis; over a whole `batch -j 1` of 6,000 dumps, 9.5 % more
    time)."""
    return [finish(task, result, travels) for task, result in zip(tasks, results)]


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
            scheduler: str | None = None, records: Records | None = None,
            own: bool = False, begun: Callable[[], None] | None = None) -> Iterator[Done]:
    """One outcome per item of `work`, in order (a result given as work comes back as it
    is). `records` (EVTX progress) is called only for inputs analysed in this process.
    `own`: this process is the run's own (the command line's), so it keeps its memory flat
    as worker processes keep theirs (`_settle`), and with `jobs` > 1 is one of the `jobs`
    processes that analyse (`_pool.run_pool`). `begun` is called as each input analysed in
    this process begins (a worker of `_cases` marks it for its parent)."""
    budget = timeout if timeout and timeout > 0 else None
    if scheduler is not None:
        from ._dask import run_dask

        return run_dask(work, scheduler, budget, jobs)
    if jobs <= 1:
        from ._serial import run_serial

        return run_serial(work, budget, records, own, begun)
    from ._pool import run_pool

    return run_pool(work, jobs, budget, own)


__all__ = ["CHUNK_BYTES", "CHUNK_INPUTS", "DEFAULT_TIMEOUT", "Done", "Render",
           "SchedulerUnavailable", "Task", "Work", "analyse", "execute", "failed", "finish",
           "finish_chunk", "run_task", "run_tasks", "timed_out"]
