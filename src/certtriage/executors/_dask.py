"""A Dask cluster (``--scheduler local`` or ``--scheduler tcp://HOST:PORT``; the
``certtriage[dask]`` extra).

Workers may be other machines, so a task carries its input's bytes, never a path: this
process reads each file (bounded, as ``analyze`` would) and sends the bytes. Only an input too
large to send as text (an EVTX file past the text limit, streamed from disk) is analysed here.
Results come back in order; at most a few inputs per worker thread are in flight.

A task's round trip through the scheduler costs about as much as analysing a small input, so
small inputs travel in chunks (`CHUNK_INPUTS`, `CHUNK_BYTES`; one task runs the per-input
function over each); an input larger than `SCATTER_BYTES` is scattered first and sent alone.

The budget counts from when a task becomes the oldest in flight (everything before it has
returned, so it is running or next). A chunk gets one input's budget, which small inputs need
a fraction of: a chunk past it is cancelled and its inputs sent again one task each, each with
its own budget, so only the input that overran is reported as timed out. Dask cannot stop a
task that already runs in a worker thread; it finishes there unseen (a hung chunk keeps its
thread as well as the retry of its hung input), and the run goes on.
"""

from __future__ import annotations

import importlib
import logging
import os
import stat
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InputTooLarge
from ..models.findings import InputResult
from ..text.decode import MAX_TEXT_BYTES, read_bounded
from . import (
    CHUNK_BYTES,
    CHUNK_INPUTS,
    Done,
    SchedulerUnavailable,
    Task,
    Work,
    failed,
    finish,
    run_task,
    run_tasks,
    timed_out,
)

#: Inputs in flight per worker thread: two chunks each, one running and one waiting.
WINDOW_PER_THREAD = 2 * CHUNK_INPUTS
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 15
#: Inputs larger than this are scattered to the cluster first rather than sent in the graph.
SCATTER_BYTES = 1024 * 1024
INSTALL = "--scheduler needs Dask: pip install 'certtriage[dask]'"


def connect(scheduler: str, jobs: int) -> Any:
    """A `distributed.Client` for `scheduler` ("local": a cluster of `jobs` processes here)."""
    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise SchedulerUnavailable(INSTALL) from None
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
            return Client(cluster, set_as_default=False)
        return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise SchedulerUnavailable(f"cannot reach the Dask scheduler {scheduler}: "
                                   f"{reason}") from None


def _portable(task: Task) -> Task | None:
    """The task with its file's bytes instead of its path; None when it must run here."""
    if task.path is None:
        return task
    try:
        fd = os.open(task.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TEXT_BYTES:
                return None
            return task._replace(path=None, data=read_bounded(handle, MAX_TEXT_BYTES))
    except (OSError, InputTooLarge):
        return None  # analysed here, where analyze_path names the problem


class _Flight:
    """The inputs in flight, oldest first: chunks of small inputs sent as one task each, and
    results already known; with the chunk being filled, not yet sent."""

    def __init__(self, client: Any, budget: float | None) -> None:
        self.client, self.budget = client, budget
        self.queue: deque[_Entry] = deque()
        self.filling: list[Task] = []
        self.filling_bytes = 0
        self.head_since = time.monotonic()
        self.ready: deque[Done] = deque()

    def inputs(self) -> int:
        """Inputs held: sent, known or being gathered into a chunk."""
        return sum(len(e.origins) for e in self.queue) + len(self.filling) + len(self.ready)

    def add(self, item: Work) -> None:
        if isinstance(item, InputResult):
            self.flush()
            self._push(_Entry((item.source,), [Done(item)]))
            return
        task = _portable(item)
        if task is None:
            self.flush()
            self._push(_Entry((item.origin,), [run_task(item)]))
            return
        size = len(task.data or b"")
        if size > SCATTER_BYTES:
            self.flush()
            self._push(_Entry((task.origin,), self.client.submit(
                run_task, self.client.scatter(task), pure=False), (task,)))
            return
        if self.filling and self.filling_bytes + size > CHUNK_BYTES:
            self.flush()
        self.filling.append(task)
        self.filling_bytes += size
        if len(self.filling) >= CHUNK_INPUTS:
            self.flush()

    def flush(self) -> None:
        """Send the chunk being filled."""
        if not self.filling:
            return
        chunk, self.filling, self.filling_bytes = tuple(self.filling), [], 0
        future = self.client.submit(run_tasks, chunk, pure=False)
        self._push(_Entry(tuple(t.origin for t in chunk), future, chunk))

    def _push(self, entry: _Entry) -> None:
        if not self.queue:
            self.head_since = time.monotonic()
        self.queue.append(entry)

    def pop(self) -> Done:
        """The oldest input's outcome (call only while `inputs()` is not zero)."""
        while not self.ready:
            if not self.queue:
                self.flush()
            entry = self.queue.popleft()
            self.ready.extend(self._settle(entry))
            self.head_since = time.monotonic()
        return self.ready.popleft()

    def _settle(self, entry: _Entry) -> list[Done]:
        if isinstance(entry.payload, list):
            return entry.payload
        left = None if self.budget is None else max(
            0.0, self.head_since + self.budget - time.monotonic())
        try:
            done = entry.payload.result(timeout=left)
        except TimeoutError:
            entry.payload.cancel()
            if len(entry.tasks) <= 1:
                return [finish(entry.tasks[0], timed_out(entry.origins[0], self.budget or 0))]
            return self._split(entry.tasks)
        except Exception as exc:  # noqa: BLE001 - a lost worker or a cancelled task
            why = f"the Dask cluster did not analyse it ({type(exc).__name__})"
            return [finish(task, failed(task.origin, why)) for task in entry.tasks]
        return [done] if isinstance(done, Done) else list(done)  # one task's, or a chunk's

    def _split(self, tasks: tuple[Task, ...]) -> list[Done]:
        """A chunk over one input's budget: its inputs again one task each, each with its own
        budget, so only the input that overran is reported as timed out."""
        singles = deque(_Entry((t.origin,), self.client.submit(run_task, t, pure=False), (t,))
                        for t in tasks)
        results = []
        while singles:
            self.head_since = time.monotonic()
            results.extend(self._settle(singles.popleft()))
        return results


@dataclass(frozen=True)
class _Entry:
    """Inputs in flight together: their results, or the future that gives them."""

    origins: tuple[str, ...]
    payload: Any
    """A list of outcomes already known, or a future of one outcome or of a chunk's."""
    tasks: tuple[Task, ...] = ()


def run_dask(work: Iterable[Work], scheduler: str, budget: float | None,
             jobs: int) -> Iterator[Done]:
    """Each item's outcome, in order, analysed on the cluster; connects before returning, so a
    cluster that cannot be reached is reported before any output."""
    client = connect(scheduler, jobs)
    return _results(client, work, budget, scheduler == "local")


def _results(client: Any, work: Iterable[Work], budget: float | None,
             own_cluster: bool) -> Iterator[Done]:
    try:
        threads = sum(client.nthreads().values()) or 1
        flight = _Flight(client, budget)
        for item in work:
            flight.add(item)
            if flight.inputs() >= threads * WINDOW_PER_THREAD:
                yield flight.pop()
        flight.flush()
        while flight.inputs():
            yield flight.pop()
    finally:
        cluster = client.cluster if own_cluster else None
        client.close()
        if cluster is not None:
            cluster.close()
