"""A Dask cluster (``--scheduler local`` or ``--scheduler tcp://HOST:PORT``; the
``certtriage[dask]`` extra).

Workers may be other machines, so a task carries its input's bytes, never a path: this
process reads each file (bounded, as ``analyze`` would) and sends the bytes. Only an input too
large to send as text (an EVTX file past the text limit, streamed from disk) is analysed here.
Results come back in order; at most a few inputs per worker thread are in flight.

The budget of an input counts from when it becomes the oldest in flight (everything before it
has returned, so it is running or next): past it the input is reported as timed out and its
future cancelled. Dask cannot stop a task that already runs in a worker thread; it finishes
there unseen, and the run goes on.
"""

from __future__ import annotations

import importlib
import logging
import os
import stat
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import InputTooLarge
from ..models.findings import InputResult
from ..text.decode import MAX_TEXT_BYTES, read_bounded
from . import WINDOW_PER_WORKER, SchedulerUnavailable, Task, Work, failed, run_task, timed_out

#: Inputs in flight per worker thread: a task's round trip through the scheduler costs more
#: than a small input's analysis, so more are kept in flight than in a local pool.
WINDOW_PER_THREAD = 8 * WINDOW_PER_WORKER
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
            return Task(task.origin, data=read_bounded(handle, MAX_TEXT_BYTES))
    except (OSError, InputTooLarge):
        return None  # analysed here, where analyze_path names the problem


class _Flight:
    """The inputs in flight, oldest first, each a future or a result already known."""

    def __init__(self, client: Any, budget: float | None) -> None:
        self.client, self.budget = client, budget
        self.queue: deque[tuple[str, Any]] = deque()
        self.head_since = time.monotonic()

    def add(self, item: Work) -> None:
        if not self.queue:
            self.head_since = time.monotonic()
        if isinstance(item, InputResult):
            self.queue.append((item.source, item))
            return
        task = _portable(item)
        if task is None:
            self.queue.append((item.origin, run_task(item)))
            return
        if task.data is not None and len(task.data) > SCATTER_BYTES:
            self.queue.append((task.origin, self.client.submit(
                run_task, self.client.scatter(task), pure=False)))
        else:
            self.queue.append((task.origin, self.client.submit(run_task, task, pure=False)))

    def pop(self) -> InputResult:
        origin, head = self.queue.popleft()
        if isinstance(head, InputResult):
            result = head
        else:
            result = self._wait(origin, head)
        self.head_since = time.monotonic()
        return result

    def _wait(self, origin: str, future: Any) -> InputResult:
        left = None if self.budget is None else max(
            0.0, self.head_since + self.budget - time.monotonic())
        try:
            result: InputResult = future.result(timeout=left)
            return result
        except TimeoutError:
            future.cancel()
            return timed_out(origin, self.budget or 0)
        except Exception as exc:  # noqa: BLE001 - a lost worker or a cancelled task
            return failed(origin, f"the Dask cluster did not analyse it ({type(exc).__name__})")


def run_dask(work: Iterable[Work], scheduler: str, budget: float | None,
             jobs: int) -> Iterator[InputResult]:
    """Each item's result, in order, analysed on the cluster; connects before returning, so a
    cluster that cannot be reached is reported before any output."""
    client = connect(scheduler, jobs)
    return _results(client, work, budget, scheduler == "local")


def _results(client: Any, work: Iterable[Work], budget: float | None,
             own_cluster: bool) -> Iterator[InputResult]:
    try:
        threads = sum(client.nthreads().values()) or 1
        flight = _Flight(client, budget)
        for item in work:
            flight.add(item)
            if len(flight.queue) >= threads * WINDOW_PER_THREAD:
                yield flight.pop()
        while flight.queue:
            yield flight.pop()
    finally:
        cluster = client.cluster if own_cluster else None
        client.close()
        if cluster is not None:
            cluster.close()
