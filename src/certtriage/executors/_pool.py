"""A pool of worker processes on this machine (``jobs>1``), one input per worker at a time.

Each worker is a process running :func:`serve` on its end of a pipe: it takes a task,
sends back the result, and waits for the next. The parent hands out tasks, waits on the pipes
with the nearest deadline as its timeout, and puts results back in order. A worker whose input
overruns the budget is killed and that input reported as timed out; a worker that dies is
reported for the input it held; either way a fresh worker takes its place. Workers ignore
Ctrl-C (the parent stops them), and whatever ends the run, every worker is stopped before
the pool returns.

The start method is the platform's default unless ``CERTTRIAGE_START_METHOD`` names one
(``spawn``, ``fork``, ``forkserver``); everything a worker needs is importable and every
message is picklable, so all three work.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from ..models.findings import InputResult
from . import WINDOW_PER_WORKER, Task, Work, failed, run_task, timed_out

#: The environment variable that chooses the start method of worker processes.
START_METHOD = "CERTTRIAGE_START_METHOD"


def context() -> BaseContext:
    """The multiprocessing context workers start from."""
    return multiprocessing.get_context(os.environ.get(START_METHOD) or None)


def serve(conn: Connection, parent: int) -> None:
    """A worker's loop: tasks in, results out, until the parent sends None or goes away
    (checked every second: a pipe end inherited by a sibling would hide its going)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = run_task(task)
        try:
            conn.send(result)
        except (BrokenPipeError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot travel is an error
            conn.send(failed(task.origin, f"its result could not be sent back "
                                          f"({type(exc).__name__})"))


class _Worker:
    """One worker process, and the input it is working on."""

    def __init__(self, ctx: BaseContext) -> None:
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=serve, args=(child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.index = -1
        self.origin = ""
        self.deadline = float("inf")

    def give(self, index: int, task: Task, budget: float | None) -> None:
        self.index, self.origin = index, task.origin
        self.deadline = time.monotonic() + budget if budget else float("inf")
        self.conn.send(task)

    def take(self) -> tuple[InputResult, bool]:
        """The result of the input it held (an error result if the worker died), and whether
        the worker can go on."""
        try:
            result: InputResult = self.conn.recv()
            return result, True
        except (EOFError, OSError):
            self.process.join(1)
            return failed(self.origin, "the worker process analysing it ended unexpectedly "
                          f"(exit code {self.process.exitcode})"), False
        except Exception as exc:  # noqa: BLE001 - a result that cannot be read back
            return failed(self.origin, "its result could not be read back from the worker "
                          f"({type(exc).__name__})"), False

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    """The workers, the window of inputs in flight, and the results waiting for their turn."""

    def __init__(self, jobs: int, budget: float | None) -> None:
        self.ctx, self.jobs, self.budget = context(), jobs, budget
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        self.done: dict[int, InputResult] = {}

    def hand_out(self, index: int, task: Task) -> None:
        worker = self.idle.pop() if self.idle else _Worker(self.ctx)
        try:
            worker.give(index, task, self.budget)
        except OSError:  # the idle worker went away: a fresh one takes the task
            worker.stop(kill=True)
            worker = _Worker(self.ctx)
            worker.give(index, task, self.budget)
        self.busy.append(worker)

    def has_room(self) -> bool:
        return len(self.busy) < self.jobs

    def collect(self) -> None:
        """Wait for the next result or deadline; file what arrived or timed out."""
        deadline = min(w.deadline for w in self.busy)
        ready = wait([w.conn for w in self.busy],
                     None if deadline == float("inf") else max(0.0, deadline - time.monotonic()))
        now = time.monotonic()
        for worker in list(self.busy):
            if worker.conn in ready:
                result, healthy = worker.take()
                self._retire(worker, result, replace=not healthy)
            elif worker.deadline <= now:
                self._retire(worker, timed_out(worker.origin, self.budget or 0), replace=True)

    def _retire(self, worker: _Worker, result: InputResult, *, replace: bool) -> None:
        self.busy.remove(worker)
        self.done[worker.index] = result
        if replace:
            worker.stop(kill=True)
        else:
            self.idle.append(worker)

    def close(self) -> None:
        for worker in self.busy:
            worker.stop(kill=True)
        for worker in self.idle:
            worker.stop()
        self.busy, self.idle = [], []


def run_pool(work: Iterable[Work], jobs: int, budget: float | None) -> Iterator[InputResult]:
    """Each item's result, in order, analysed by `jobs` worker processes."""
    pool = _Pool(jobs, budget)
    items = iter(enumerate(work))
    pulled, emitted, exhausted = 0, 0, False
    try:
        while True:
            while not exhausted and pool.has_room() and pulled - emitted < jobs * WINDOW_PER_WORKER:
                step = next(items, None)
                if step is None:
                    exhausted = True
                    break
                pulled += 1
                index, item = step
                if isinstance(item, InputResult):
                    pool.done[index] = item
                else:
                    pool.hand_out(index, item)
            while emitted in pool.done:
                yield pool.done.pop(emitted)
                emitted += 1
            if exhausted and not pool.busy:
                return
            if pool.busy:
                pool.collect()
    finally:
        pool.close()
