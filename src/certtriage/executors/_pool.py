"""A pool of worker processes on this machine (``jobs>1``).

When the run's process is its own (the command line's), it is one of the `jobs` processes:
it starts `jobs - 1` workers and, whenever no worker's outcomes wait for it, analyses the
next chunk of small inputs itself (see :func:`run_pool`). A library caller's process only
hands inputs out, to `jobs` workers.

Each worker is a process running :func:`serve` on its end of a pipe: it takes a chunk of
tasks, analyses them one after another, sends back their outcomes in one message, and takes
the next chunk. Small inputs travel in chunks of up to `CHUNK_INPUTS` inputs and
`CHUNK_BYTES` bytes (a message each way per input cost a worker more than a tenth of a small
input's analysis in system calls and wake-ups, and the parent as much again); the first
chunks of a run are smaller, so that a run of a few inputs still spreads them over the
workers. The parent keeps two chunks in each worker (the one being analysed and the next), so
a worker never waits for the parent. A chunk waits in a worker's pipe only when its message
is small enough that the pipe takes it whole (`QUEUE_BYTES`); a larger one (inputs read from
an archive travel as bytes) goes only to a worker that holds nothing, which reads it at once:
were the parent to wait on a full pipe while the worker waits to send it a large result, both
would wait for ever.

Each worker marks in memory shared with the parent when it begins each input, so the parent
knows which input a worker is on and since when, without a message: an input's time budget
runs from when its worker began it. A worker whose input overruns the budget is killed and
that input reported as timed out; a worker that dies is reported for the input it was
analysing; either way a fresh worker takes its place and the other inputs it held (those of
its chunk analysed already, whose outcomes were never sent, are analysed again). Workers
ignore Ctrl-C (the parent stops them), and whatever ends the run, every worker is stopped
before the pool returns.

The start method is the platform's default unless ``CERTTRIAGE_START_METHOD`` names one
(``spawn``, ``fork``, ``forkserver``); everything a worker needs is importable and every
message is picklable, so all three work.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any

from ..models.findings import InputResult
from . import (
    CHUNK_BYTES,
    CHUNK_INPUTS,
    Done,
    Task,
    Work,
    analyse,
    failed,
    finish,
    finish_chunk,
    timed_out,
)
from ._serial import Watch, can_keep, timed, watching
from ._settle import Settle

#: Chunks a worker holds at once: the one it analyses and the next, already in its pipe.
HELD_PER_WORKER = 2
#: Inputs read ahead of the oldest not yet given out, per worker.
WINDOW_PER_WORKER = HELD_PER_WORKER * CHUNK_INPUTS
#: The largest message that may wait in a busy worker's pipe: what an empty pipe surely takes
#: without blocking the sender (a socket pair on Linux holds about 200 KiB; Windows pipes and
#: macOS socket pairs 8 KiB).
QUEUE_BYTES = 64 * 1024 if sys.platform.startswith("linux") else 8 * 1024
#: Bytes of inputs a chunk carries (archive members travel as bytes) beyond its first input:
#: kept under `QUEUE_BYTES` with room for the rest of the message, so that a chunk of small
#: members can still wait in a busy worker's pipe.
_CARRIED_BYTES = QUEUE_BYTES * 3 // 4
#: The largest input the run's own process analyses itself (see :func:`run_pool`): a chunk
#: of them takes it a few milliseconds, in which it neither collects outcomes nor hands out
#: chunks.
HERE_BYTES = 64 * 1024

#: The environment variable that chooses the start method of worker processes.
START_METHOD = "CERTTRIAGE_START_METHOD"

#: What a worker shares with the parent: the number of inputs it has begun, and when
#: (`time.monotonic`, the same clock in every process of a machine) it began the last.
_BEGUN, _SINCE = 0, 1

Chunk = list[tuple[int, Task]]


def context() -> BaseContext:
    """The multiprocessing context workers start from."""
    return multiprocessing.get_context(os.environ.get(START_METHOD) or None)


def serve(conn: Connection, parent: int, progress: Any) -> None:
    """A worker's loop: chunks of tasks in, their outcomes out, until the parent sends None or
    goes away (checked every second: a pipe end inherited by a sibling would hide its going).
    `progress` is the memory it shares with the parent (`_BEGUN`, `_SINCE`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent
    settle = Settle()  # a worker is the run's own process
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            chunk: list[Task] | None = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        results = []
        for task in chunk:
            progress[_SINCE] = time.monotonic()  # the time first, then the count: see overran
            progress[_BEGUN] += 1
            results.append(analyse(task))
            settle()
        outcomes = finish_chunk(chunk, results)
        try:
            conn.send(outcomes)
        except (BrokenPipeError, EOFError):
            return
        except Exception:  # noqa: BLE001 - some result cannot travel: send the others
            conn.send([_sendable(task, done) for task, done in zip(chunk, outcomes)])


def _sendable(task: Task, done: Done) -> Done:
    """The outcome, or an error result for the input when the outcome cannot be pickled."""
    try:
        ForkingPickler.dumps(done)
        return done
    except Exception as exc:  # noqa: BLE001 - a result that cannot travel is an error
        return finish(task, failed(task.origin, f"its result could not be sent back "
                                                f"({type(exc).__name__})"))


def stop_all(workers: Iterable[tuple[BaseProcess, Connection, bool]]) -> None:
    """End worker processes, each `(process, its pipe end, kill)`: asked to (None sent on
    the pipe) or killed, then waited for, killed anyway when not ended within 5 seconds; their
    pipe ends closed. All are told before any is waited for, so that they end side by side: a
    worker's end (the system letting its memory go) took about 3 ms, and a run ended by
    stopping its two workers one after the other waited 6."""
    workers = list(workers)
    for process, conn, kill in workers:
        if kill:
            process.kill()
            continue
        try:
            conn.send(None)
        except OSError:
            process.kill()
    for process, conn, _ in workers:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        conn.close()


def stop(process: BaseProcess, conn: Connection, kill: bool = False) -> None:
    """End one worker process (see :func:`stop_all`)."""
    stop_all([(process, conn, kill)])


class _Worker:
    """One worker process, and the inputs it holds in order, chunk by chunk: the first chunk is
    being analysed, the others wait in its pipe."""

    def __init__(self, ctx: BaseContext) -> None:
        self.conn, child = ctx.Pipe()
        self.progress: Any = ctx.RawArray("d", 2)
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=serve, args=(child, os.getpid(), self.progress), daemon=True)
        self.process.start()
        child.close()
        self.held: deque[tuple[int, Task]] = deque()
        self.chunks: deque[int] = deque()
        """The number of inputs of each chunk held, in order."""
        self.returned = 0
        """Inputs whose outcomes came back (with `_BEGUN`: which input held is being analysed)."""
        self.free_since = 0.0
        """When the worker could begin the first input held (when its chunk was given, or the
        chunk before it came back)."""
        self.seen: tuple[float, float] = (0.0, 0.0)

    def position(self) -> int:
        """Where among the inputs held is the one being analysed (0 when none is begun yet)."""
        return min(max(0, int(self.progress[_BEGUN]) - self.returned - 1), len(self.held) - 1)

    def deadline(self, budget: float | None) -> float:
        """When the input being analysed (or next) overruns `budget`."""
        if not budget or not self.held:
            return float("inf")
        self.seen = (self.progress[_BEGUN], self.progress[_SINCE])
        return max(self.seen[1], self.free_since) + budget

    def overran(self, now: float, budget: float | None) -> bool:
        """Whether the input being analysed has overrun `budget`: read again, the shared marks
        are those the deadline was worked out from (the worker writes the time first, so a
        read between its two writes gives a later deadline, never an earlier one; a second
        read that agrees rules out the rest)."""
        if not budget or not self.held:
            return False
        if (self.progress[_BEGUN], self.progress[_SINCE]) != self.seen:
            return False
        return max(self.seen[1], self.free_since) + budget <= now

    def give(self, chunk: Chunk, message: bytes) -> None:
        """Send the chunk (`message`: its tasks pickled)."""
        if not self.held:
            self.free_since = time.monotonic()
        self.conn.send_bytes(message)
        self.held.extend(chunk)
        self.chunks.append(len(chunk))

    def take(self) -> tuple[list[tuple[int, Done]], int | None]:
        """The outcomes of the first chunk held; and, when the worker cannot go on, the
        position among the inputs held of the one it failed on (its outcome is the only one
        given) or -1 when the whole chunk is lost (all its outcomes given)."""
        try:
            outcomes: list[Done] = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            position = self.position()
            index, task = self.held[position]
            why = (f"the worker process analysing it ended unexpectedly (exit code "
                   f"{self.process.exitcode})")
            return [(index, finish(task, failed(task.origin, why)))], position
        except Exception as exc:  # noqa: BLE001 - outcomes that cannot be read back
            why = f"its result could not be read back from the worker ({type(exc).__name__})"
            return [(index, finish(task, failed(task.origin, why)))
                    for index, task in self._pop_chunk()], -1
        self.free_since = time.monotonic()
        chunk = self._pop_chunk()
        return [(index, done) for (index, _), done in zip(chunk, outcomes)], None

    def _pop_chunk(self) -> list[tuple[int, Task]]:
        count = self.chunks.popleft()
        self.returned += count
        return [self.held.popleft() for _ in range(count)]

    def rest(self, without: int | None) -> list[Chunk]:
        """The chunks held, less the input at position `without`."""
        held = list(self.held)
        chunks, start = [], 0
        for count in self.chunks:
            chunk = [item for at, item in enumerate(held[start:start + count], start)
                     if at != without]
            if chunk:
                chunks.append(chunk)
            start += count
        return chunks

    def stop(self, kill: bool = False) -> None:
        stop(self.process, self.conn, kill)


class _Pool:
    """The workers, the inputs each holds, the chunks waiting for a worker, and the results
    waiting for their turn."""

    def __init__(self, jobs: int, budget: float | None) -> None:
        self.ctx, self.jobs, self.budget = context(), jobs, budget
        self.workers: list[_Worker] = []
        self.waiting: deque[tuple[Chunk, bytes]] = deque()
        self.done: dict[int, Done] = {}

    def add(self, chunk: Chunk) -> None:
        """Hand the chunk to a worker as soon as one can take it."""
        self.waiting.append((chunk, _message(chunk)))
        self._place()

    def _place(self) -> None:
        """Give waiting chunks, in order, to the workers holding fewest (a new one while there
        are fewer than `jobs`), a large chunk only to a worker that holds nothing."""
        while self.waiting:
            chunk, message = self.waiting[0]
            if len(self.workers) < self.jobs:
                self.workers.append(_Worker(self.ctx))
            worker = min(self.workers, key=lambda w: len(w.chunks))
            if len(worker.chunks) >= (HELD_PER_WORKER if len(message) <= QUEUE_BYTES else 1):
                return
            self.waiting.popleft()
            try:
                worker.give(chunk, message)
            except OSError:  # the worker went away: what it held waits for a fresh one
                self.waiting.appendleft((chunk, message))
                self._replace(worker, None)

    def has_room(self) -> bool:
        return not self.waiting and (len(self.workers) < self.jobs or any(
            len(w.chunks) < HELD_PER_WORKER for w in self.workers))

    def busy(self) -> bool:
        return any(w.held for w in self.workers)

    def ready(self) -> bool:
        """Whether some worker's outcomes wait to be collected."""
        return any(w.conn.poll() for w in self.workers if w.held)

    def collect(self) -> None:
        """Wait for the next outcomes or deadline; file what arrived or timed out, and give
        the waiting chunks to the workers that have room."""
        held = [w for w in self.workers if w.held]
        deadline = min(w.deadline(self.budget) for w in held)
        ready = wait([w.conn for w in held],
                     None if deadline == float("inf") else max(0.0, deadline - time.monotonic()))
        now = time.monotonic()
        for worker in held:
            if worker.conn in ready:
                outcomes, failed_at = worker.take()
                self.done.update(outcomes)
                if failed_at is not None:
                    self._replace(worker, failed_at if failed_at >= 0 else None)
            elif worker.overran(now, self.budget):
                position = worker.position()
                index, task = worker.held[position]
                self.done[index] = finish(task, timed_out(task.origin, self.budget or 0))
                self._replace(worker, position)
        self._place()

    def _replace(self, worker: _Worker, without: int | None) -> None:
        """Kill `worker` for a fresh one; the inputs it still held, less the one at position
        `without` (filed already), wait first for a worker."""
        worker.stop(kill=True)
        self.workers[self.workers.index(worker)] = _Worker(self.ctx)
        self.waiting.extendleft((chunk, _message(chunk))
                                for chunk in reversed(worker.rest(without)))

    def close(self) -> None:
        stop_all((w.process, w.conn, bool(w.held)) for w in self.workers)
        self.workers = []


def _message(chunk: Chunk) -> bytes:
    """A chunk's tasks as the worker receives them (`Connection.recv` reads what `send` would
    have written)."""
    return bytes(ForkingPickler.dumps([task for _, task in chunk]))


class _Chunker:
    """The work in chunks: known results filed as they come, tasks grouped by count and size;
    the first chunks of a run hold fewer inputs (one, then more as inputs are handed out), so a
    run of a few inputs spreads them over the workers."""

    def __init__(self, work: Iterable[Work], done: dict[int, Done], jobs: int) -> None:
        self.items = iter(enumerate(work))
        self.done, self.jobs = done, jobs
        self.pulled = self.handed = 0
        self.exhausted = False
        self.pending: tuple[int, Task] | None = None
        """A task read but not yet in a chunk (it did not fit in the last)."""

    def more(self) -> bool:
        return self.pending is not None or not self.exhausted

    def next(self, room: int) -> Chunk:
        """The next chunk, reading at most `room` items of the work (may be empty)."""
        most = min(CHUNK_INPUTS, 1 + self.handed // self.jobs)
        chunk: Chunk = []
        size = carried = 0
        while len(chunk) < most:
            if self.pending is None:
                if room <= 0 or self.exhausted:
                    break
                step = next(self.items, None)
                if step is None:
                    self.exhausted = True
                    break
                self.pulled += 1
                room -= 1
                index, item = step
                if isinstance(item, InputResult):
                    self.done[index] = Done(item)
                    continue
                self.pending = (index, item)
            task = self.pending[1]
            if chunk and (size + task.weight > CHUNK_BYTES or task.data is not None
                          and carried + len(task.data) > _CARRIED_BYTES):
                break
            chunk.append(self.pending)
            size += task.weight
            carried += len(task.data or b"")
            self.pending = None
        self.handed += len(chunk)
        return chunk


def run_pool(work: Iterable[Work], jobs: int, budget: float | None,
             own: bool = False) -> Iterator[Done]:
    """Each item's outcome, in order, analysed by `jobs` processes. `own`: this process is
    the run's own (the command line's), so it is one of them: it starts `jobs - 1` workers
    and, whenever no outcome waits to be collected, analyses the next chunk of small inputs
    itself (`HERE_BYTES`) instead of waiting; and the results it takes in keep its memory
    flat as the workers' inputs keep theirs (:class:`Settle`). Otherwise `jobs` workers
    analyse every input and this process only hands them out.

    With two workers on two cores, the parent (taking their results in, folding them into
    their cases, writing the output) made a third busy process, and its share of a core was
    spread over no one else's work. Filling its waits with inputs of its own, it takes on as
    much of the analysis as its own share leaves it time for, and only one worker's inputs
    and results cross a pipe: `-j 2` went 1,684 -> 1,775 dumps/s (alternating runs)."""
    helps = own and can_keep(budget)
    settled = Settle() if own else None
    if settled is not None:
        # the parent's own state set apart before the workers start: forked, they share its
        # pages without their collector writing to each of them
        settled()
    pool = _Pool(jobs - 1 if helps else jobs, budget)
    chunker = _Chunker(work, pool.done, jobs)
    emitted = 0

    def room() -> int:
        """Inputs that may still be read ahead of the oldest not yet given out."""
        return jobs * WINDOW_PER_WORKER - (chunker.pulled - emitted)

    try:
        with watching(budget if helps else None) as watch:
            while True:
                while chunker.more() and pool.has_room():
                    chunk = chunker.next(room())
                    if not chunk:
                        break
                    pool.add(chunk)
                while emitted in pool.done:
                    done = pool.done.pop(emitted)
                    emitted += 1
                    if settled is not None:
                        settled()
                    yield done
                if not chunker.more() and not pool.busy():
                    return
                if helps and chunker.more() and not pool.ready():
                    chunk = chunker.next(room())
                    if chunk and all(0 < task.weight <= HERE_BYTES for _, task in chunk):
                        _here(chunk, watch, pool.done)
                        continue
                    if chunk:
                        pool.add(chunk)
                        continue
                if pool.busy():
                    pool.collect()
    finally:
        pool.close()


def _here(chunk: Chunk, watch: Watch | None, done: dict[int, Done]) -> None:
    """The chunk analysed in this process (within each input's budget when `watch` keeps
    one), its outcomes filed in `done`."""
    tasks = [task for _, task in chunk]
    outcomes = finish_chunk(tasks, [timed(task, None, watch) for task in tasks], travels=False)
    for (index, _), outcome in zip(chunk, outcomes):
        done[index] = outcome
