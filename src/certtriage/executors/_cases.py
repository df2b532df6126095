"""Whole cases to each of a pool of worker processes (``jobs>1``, a streamed report of many
cases of like size).

The per-input pool (`_pool`) sends every input's task to a worker and its output and reading
back to the run's process, which folds and writes each one: over 6,000 small dumps that
traffic cost two processes about half a second of CPU, and `-j 2` made 1.74-1.76x of `-j 1`
where two `-j 1` runs over halves of the cases made 1.90x. Here nothing of an input crosses:
each of `jobs` workers runs the cases it is given whole, as `-j 1` does (walks each, analyses,
renders and folds its inputs) and writes its inputs' output to the spool file it is given
with the case; for each case it sends back one message, the output's size and what the run
needs of the case (`CaseJob`'s summary). The run's own process only hands out case numbers
and spools, waits, and copies each case's output from its spool in argument order (by the
system, `os.sendfile`, into a report file). A spool once copied out is given with a later
case and written over from its start (:class:`_Spools`): a file made, written and removed for
each case cost the system about twice the time of writing over one whose pages are already
in memory (60 cases of 1.3 MB: 73 against 41 ms, copies into the report included), most of
it taken from the two workers' cores. A worker is given its next case as it sends
back the last (the parent has nothing else to do, so it answers at once), and the last cases
so go to whichever worker is free first; no case is given out more than `AHEAD_PER_WORKER`
cases a worker ahead of the oldest not yet copied out, so the spools stay a few, each as
large as the largest case output it held, however slowly the report is read; they are
removed with the run.

What decides that a run goes this way is the caller's (`batch.BatchRun`): a case runs on one
core, so one case much larger than the others would leave the other cores idle, and a run of
one folder would use one core in all; those go to the per-input pool.

Each worker marks in memory shared with this process how many inputs it has begun and when it
began the last. An input that overruns its budget in Python code is stopped by the worker's own
timer and reported as timed out, as `-j 1` reports it (`_serial`); a worker still on an input
:func:`grace` after its budget ran out (stuck in native code) is killed. A case whose worker
was killed or died, or whose job raised there (a renderer that fails, a spool that cannot be
written), is given back without a summary (:attr:`Ran.summary` is None): the caller runs it
again by the per-input pool, which kills and reports a stuck input alone, and reports a
failure where the report is written. A fresh worker
takes the dead one's place and the cases it held next go to the first worker with room.
"""

from __future__ import annotations

import io
import os
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any

from ._pool import context, stop, stop_all
from ._serial import tick
from ._settle import Settle

#: A case run whole: its number (its place among the run's arguments), the spool its inputs'
#: output is written to (from its start), and a function to call as each input is begun
#: (None when the case runs in the run's own process); gives what the run needs of the case
#: (picklable).
CaseJob = Callable[[int, IO[bytes], "Callable[[], None] | None"], Any]

#: Cases a worker holds at once: the one it runs.
HELD_PER_WORKER = 1
#: Cases given out at most ahead of the oldest not yet copied out, per worker: their spools
#: wait on disk meanwhile, so that what waits stays a few cases' output, not the report's.
AHEAD_PER_WORKER = 4
#: Bytes of a spool copied out at a time.
BLOCK = 1 << 20

#: What a worker shares with this process: the inputs it has begun, and when (`time.monotonic`,
#: one clock for every process of a machine) it began the last.
_BEGUN, _SINCE = 0, 1


def grace(budget: float) -> float:
    """Seconds past an input's budget before its worker is killed: the worker's own timer
    rings within a tick of the budget (`_serial.tick`), and a stopped input is reported as it
    is when stopped in this process."""
    return 2 * tick(budget) + 1.0


@dataclass(frozen=True)
class Spooled:
    """Bytes `start` to `end` of an open spool: a case's output, to be copied out as it is."""

    file: IO[bytes]
    start: int
    end: int

    def blocks(self) -> Iterator[bytes]:
        """The bytes, in blocks of at most `BLOCK`."""
        self.file.seek(self.start)
        left = self.end - self.start
        while left > 0:
            block = self.file.read(min(BLOCK, left))
            if not block:
                return
            left -= len(block)
            yield block

    def without_first_line(self) -> Spooled:
        """The bytes after the first line (a header, written once for the whole run)."""
        at = self.start
        self.file.seek(at)
        while at < self.end:
            block = self.file.read(min(BLOCK, self.end - at))
            if not block:
                break
            cut = block.find(b"\n")
            if cut >= 0:
                return Spooled(self.file, at + cut + 1, self.end)
            at += len(block)
        return Spooled(self.file, self.end, self.end)


@dataclass(frozen=True)
class Ran:
    """One case's outcome: what its job gave (None when its worker was lost), and its
    output's spool and size (the spool may hold more, from a case it held before)."""

    index: int
    summary: Any
    spool: Path | None = None
    size: int = 0

    @contextmanager
    def opened(self) -> Iterator[Spooled]:
        """The case's output, open while the block runs."""
        if self.spool is None or not self.size:
            yield Spooled(io.BytesIO(), 0, 0)
            return
        with self.spool.open("rb", buffering=0) as spool:
            yield Spooled(spool, 0, self.size)


class _Spools:
    """The spool files of a run, in one folder: each given with a case (:meth:`take`) and
    given back once the case's output is copied out or lost (:meth:`give_back`), to be
    written over with a later case's."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.free: list[Path] = []
        self.made = 0

    def take(self) -> Path:
        if self.free:
            return self.free.pop()
        self.made += 1
        return self.folder / f"spool-{self.made}"

    def give_back(self, spool: Path) -> None:
        self.free.append(spool)


def _written_over(spool: Path) -> IO[bytes]:
    """`spool` open for writing from its start, what it held left in place past what is
    written (its pages stay in memory, and only the bytes written are read back)."""
    return os.fdopen(os.open(spool, os.O_WRONLY | os.O_CREAT, 0o600), "wb")


def serve_cases(conn: Connection, parent: int, job: CaseJob, marks: Any, folder: str) -> None:
    """A worker's loop: `(case number, spool)` in, for each the job run (its output written
    to the spool) and one message out, `(size, summary)`, until the parent sends None or goes
    away. Its temporary files (an archive member's copy: `acquire._spill`) are made in the
    run's `folder`, which the parent removes with the run: a worker that is killed cannot
    remove its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tempfile.tempdir = folder

    settle = Settle()  # a worker is the run's own process

    def begun() -> None:
        if marks[_BEGUN]:
            settle()  # once for each input analysed: the one before this
        marks[_SINCE] = time.monotonic()  # the time first, then the count (see `_pool`)
        marks[_BEGUN] += 1

    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            given: tuple[int, Path] | None = conn.recv()
        except (EOFError, OSError):
            return
        if given is None:
            return
        index, path = given
        try:
            with _written_over(path) as spool:
                summary = job(index, spool, begun)
                size = spool.tell()
        except Exception:  # noqa: BLE001 - given back as lost: the parent runs it again,
            summary, size = None, 0  # where what went wrong is reported as `-j 1` reports it
        try:
            conn.send((size, summary))
        except (BrokenPipeError, EOFError):
            return


class _Worker:
    """One worker, and the cases it holds in order (the first is being run)."""

    def __init__(self, ctx: BaseContext, job: CaseJob, folder: Path) -> None:
        self.conn, child = ctx.Pipe()
        self.marks: Any = ctx.RawArray("d", 2)
        self.process: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=serve_cases, args=(child, os.getpid(), job, self.marks, str(folder)),
            daemon=True)
        self.process.start()
        child.close()
        self.held: deque[tuple[int, Path]] = deque()
        self.free_since = 0.0
        self.seen: tuple[float, float] = (0.0, 0.0)

    def give(self, index: int, spool: Path) -> None:
        if not self.held:
            self.free_since = time.monotonic()
        self.conn.send((index, spool))
        self.held.append((index, spool))

    def take(self) -> Ran:
        """The first case held, run; raises when the worker ended (see `_Cases.collect`)."""
        size, summary = self.conn.recv()
        self.free_since = time.monotonic()
        index, spool = self.held.popleft()
        return Ran(index, summary, spool, size)

    def deadline(self, budget: float | None) -> float:
        """When the input being run is to be given up, if it has not moved on by then."""
        if not budget or not self.held:
            return float("inf")
        self.seen = (self.marks[_BEGUN], self.marks[_SINCE])
        return self._limit(budget)

    def overran(self, now: float, budget: float | None) -> bool:
        """Whether the input being run is past its budget and grace (the marks read again
        agree with those the deadline came from: see `_pool._Worker.overran`)."""
        if not budget or not self.held:
            return False
        if (self.marks[_BEGUN], self.marks[_SINCE]) != self.seen:
            return False
        return self._limit(budget) <= now

    def _limit(self, budget: float) -> float:
        """When the input last seen begun is given up: its budget and grace past its start."""
        return max(self.seen[1], self.free_since) + budget + grace(budget)

    def begun(self) -> int:
        return int(self.marks[_BEGUN])

    def stop(self, kill: bool = False) -> None:
        stop(self.process, self.conn, kill)


class _Cases:
    """The workers, the cases not yet given out, and the outcomes waiting for their turn."""

    def __init__(self, count: int, job: CaseJob, jobs: int, budget: float | None,
                 folder: Path) -> None:
        self.ctx, self.job, self.budget, self.spools = context(), job, budget, _Spools(folder)
        self.todo: deque[int] = deque(range(count))
        self.done: dict[int, Ran] = {}
        self.copied = 0
        """Cases copied out (the caller's next is this one)."""
        self.ahead = AHEAD_PER_WORKER * jobs
        self.workers = [self._worker() for _ in range(min(jobs, count))]
        self.lost_begun = 0
        """Inputs begun by workers that are gone (for the progress count)."""
        self._place()

    def _worker(self) -> _Worker:
        return _Worker(self.ctx, self.job, self.spools.folder)

    def _place(self) -> None:
        """Give the next cases, in order, to the workers holding fewest, while they are not
        too far ahead of the oldest not copied out."""
        while self.todo and self.workers and self.todo[0] < self.copied + self.ahead:
            worker = min(self.workers, key=lambda w: len(w.held))
            if len(worker.held) >= HELD_PER_WORKER:
                return
            index = self.todo.popleft()
            spool = self.spools.take()
            try:
                worker.give(index, spool)
            except OSError:  # gone: the case waits for a fresh worker, the one it ran is lost
                self.spools.give_back(spool)
                self.todo.appendleft(index)
                if worker.held:
                    self._lose(worker)
                else:
                    self._replace(worker)

    def begun(self) -> int:
        """Inputs begun so far in every worker."""
        return self.lost_begun + sum(w.begun() for w in self.workers)

    def collect(self, most: float | None) -> None:
        """Wait for the next outcome or deadline (at most `most` seconds); file what came
        and what was lost, and give cases to the workers with room."""
        held = [w for w in self.workers if w.held]
        if not held:
            return
        deadline = min(w.deadline(self.budget) for w in held)
        timeout = None if deadline == float("inf") else max(0.0, deadline - time.monotonic())
        if most is not None:
            timeout = most if timeout is None else min(timeout, most)
        ready = wait([w.conn for w in held], timeout)
        now = time.monotonic()
        for worker in held:
            if worker.conn in ready:
                try:
                    ran = worker.take()
                except Exception:  # noqa: BLE001 - it died with the case (EOFError,
                    self._lose(worker)  # OSError), or its summary cannot be read back
                    continue
                self.done[ran.index] = ran
            elif worker.overran(now, self.budget):
                self._lose(worker)
        self._place()

    def _lose(self, worker: _Worker) -> None:
        """The worker's first case is given back without a summary; the others it held wait
        for a worker again, and a fresh one takes its place."""
        (lost, _), *waiting = worker.held
        spools = [spool for _, spool in worker.held]
        worker.held.clear()
        self.done[lost] = Ran(lost, None)
        self.todo.extendleft(reversed([index for index, _ in waiting]))
        self._replace(worker)
        for spool in spools:  # what it wrote there is never read: nothing writes them now
            self.spools.give_back(spool)

    def _replace(self, worker: _Worker) -> None:
        self.lost_begun += worker.begun()
        worker.stop(kill=True)
        self.workers[self.workers.index(worker)] = self._worker()

    def close(self) -> None:
        stop_all((w.process, w.conn, bool(w.held)) for w in self.workers)
        self.workers = []


def run_cases(count: int, job: CaseJob, jobs: int, budget: float | None,
              progress: Callable[[int, int], None] | None = None) -> Iterator[Ran]:
    """Cases 0 to `count` - 1, each run whole by `job` in one of `jobs` worker processes; their
    outcomes in order. A case's output is in its spool until the next outcome is asked for.
    `progress` is given the inputs begun so far in every worker and the case waited for,
    about every quarter second. The run's folder (the spools, and what the workers left
    there) is removed as the run ends."""
    # this process's state set apart before the workers start: forked, they share its pages
    # without their collector writing to each of them (as `_pool.run_pool` does)
    Settle()()
    with tempfile.TemporaryDirectory(prefix="certtriage-") as folder:
        cases = _Cases(count, job, jobs, budget, Path(folder))
        try:
            for index in range(count):
                while index not in cases.done:
                    cases.collect(0.25 if progress is not None else None)
                    if progress is not None:
                        progress(cases.begun(), index)
                ran = cases.done.pop(index)
                cases.copied = index + 1
                yield ran
                if ran.spool is not None:  # copied out: written over with a later case
                    cases.spools.give_back(ran.spool)
                cases._place()
        finally:
            cases.close()
