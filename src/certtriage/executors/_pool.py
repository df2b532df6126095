"""A pool of worker processes on this machine (``jobs>1``).

Each worker is a process running :func:`serve` on its end of a pipe: it takes a task, sends
back the result, and takes the next. The parent keeps two inputs in each worker's pipe (the
one being analysed and the next), so a worker never waits for the parent between inputs;
it waits on the pipes with the nearest deadline as its timeout and puts results back in
order. An input's time budget runs from when its worker could begin it (when the input
before it came back). A worker whose input overruns the budget is killed and that input
reported as timed out; a worker that dies is reported for the input it was analysing; either
way a fresh worker takes its place and the inputs that were waiting behind. Workers ignore
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
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from ..models.findings import InputResult
from . import WINDOW_PER_WORKER, Done, Task, Work, failed, finish, run_task, timed_out

#: Inputs a worker holds at once: the one it analyses and the next, already in its pipe.
HELD_PER_WORKER = 2

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
            conn.send(finish(task, failed(task.origin, f"its result could not be sent back "
                                                       f"({type(exc).__name__})")))


class _Worker:
    """One worker process, and the inputs it holds in order: the first is being analysed, the
    others wait in its pipe so that it never waits for the parent between two inputs."""

    def __init__(self, ctx: BaseContext) -> None:
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=serve, args=(child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.held: deque[tuple[int, Task]] = deque()
        self.started = 0.0
        """When the first input held began (when it was given, or the one before it came back)."""

    def deadline(self, budget: float | None) -> float:
        return self.started + budget if budget and self.held else float("inf")

    def give(self, index: int, task: Task) -> None:
        if not self.held:
            self.started = time.monotonic()
        self.conn.send(task)
        self.held.append((index, task))

    def take(self) -> tuple[int, Done, bool]:
        """The first input held and its outcome (an error result if the worker died), and
        whether the worker can go on."""
        index, task = self.held.popleft()
        self.started = time.monotonic()
        try:
            done: Done = self.conn.recv()
            return index, done, True
        except (EOFError, OSError):
            self.process.join(1)
            why = f"the worker process analysing it ended unexpectedly (exit code " \
                  f"{self.process.exitcode})"
        except Exception as exc:  # noqa: BLE001 - a result that cannot be read back
            why = f"its result could not be read back from the worker ({type(exc).__name__})"
        return index, finish(task, failed(task.origin, why)), False

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
    """The workers, the inputs each holds, and the results waiting for their turn."""

    def __init__(self, jobs: int, budget: float | None) -> None:
        self.ctx, self.jobs, self.budget = context(), jobs, budget
        self.workers: list[_Worker] = []
        self.done: dict[int, Done] = {}

    def hand_out(self, index: int, task: Task) -> None:
        """Give the task to the worker holding fewest inputs (a new one while there are
        fewer than `jobs`)."""
        if len(self.workers) < self.jobs:
            worker = _Worker(self.ctx)
            self.workers.append(worker)
        else:
            worker = min(self.workers, key=lambda w: len(w.held))
        try:
            worker.give(index, task)
        except OSError:  # the worker went away: a fresh one takes what it held and the task
            self._replace(worker).give(index, task)

    def has_room(self) -> bool:
        return (len(self.workers) < self.jobs
                or any(len(w.held) < HELD_PER_WORKER for w in self.workers))

    def busy(self) -> bool:
        return any(w.held for w in self.workers)

    def collect(self) -> None:
        """Wait for the next result or deadline; file what arrived or timed out."""
        held = [w for w in self.workers if w.held]
        deadline = min(w.deadline(self.budget) for w in held)
        ready = wait([w.conn for w in held],
                     None if deadline == float("inf") else max(0.0, deadline - time.monotonic()))
        now = time.monotonic()
        for worker in held:
            if worker.conn in ready:
                index, result, healthy = worker.take()
                self.done[index] = result
                if not healthy:
                    self._replace(worker)
            elif worker.deadline(self.budget) <= now:
                index, task = worker.held.popleft()
                self.done[index] = finish(task, timed_out(task.origin, self.budget or 0))
                self._replace(worker)

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill `worker`; a fresh one takes the inputs it still held (not yet begun)."""
        worker.stop(kill=True)
        fresh = _Worker(self.ctx)
        self.workers[self.workers.index(worker)] = fresh
        for index, task in worker.held:
            fresh.give(index, task)
        return fresh

    def close(self) -> None:
        for worker in self.workers:
            worker.stop(kill=bool(worker.held))
        self.workers = []


def run_pool(work: Iterable[Work], jobs: int, budget: float | None) -> Iterator[Done]:
    """Each item's outcome, in order, analysed by `jobs` worker processes."""
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
                    pool.done[index] = Done(item)
                else:
                    pool.hand_out(index, item)
            while emitted in pool.done:
                yield pool.done.pop(emitted)
                emitted += 1
            if exhausted and not pool.busy():
                return
            if pool.busy():
                pool.collect()
    finally:
        pool.close()
