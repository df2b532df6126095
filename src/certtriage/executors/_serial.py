"""In this process, one input after another (``jobs=1``).

The time budget is kept with a real-time interval timer (``SIGALRM``) where the platform has
one and this is the main thread. The timer is set once for the run and rings every
:func:`tick` seconds; at each ring the input being analysed, if any, is checked against its
budget (arming a timer for each input cost two system calls an input, about 1.5 % of a batch
of small dumps). An input that overruns is so stopped within a tick of its budget. The
timer's exception is no ``Exception``, so the pipeline's boundary lets it through to here.
Elsewhere (Windows, a worker thread) inputs run unbounded.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext

from ..models.findings import InputResult
from . import Done, Records, Task, Work, finish, run_task, timed_out
from ._settle import Settle


class _Overtime(BaseException):
    """Raised by the timer inside the analysis of an input that overran its budget."""


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def tick(budget: float) -> float:
    """Seconds between two rings of the timer for `budget`: a tenth of it, at most one."""
    return min(1.0, budget / 10)


class _Watch:
    """Each input's budget, and the input being analysed: the moment its budget runs out
    (None between inputs)."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.deadline: float | None = None

    def ring(self, signum: int, frame: object) -> None:
        deadline = self.deadline
        if deadline is not None and time.monotonic() >= deadline:
            self.deadline = None
            raise _Overtime


@contextmanager
def _watching(budget: float) -> Iterator[_Watch]:
    watch = _Watch(budget)
    previous = signal.signal(signal.SIGALRM, watch.ring)
    every = tick(budget)
    try:
        signal.setitimer(signal.ITIMER_REAL, every, every)
        yield watch
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed(call: Callable[[], Done], task: Task, watch: _Watch) -> Done:
    budget = watch.budget
    try:
        watch.deadline = time.monotonic() + budget
        try:
            return call()
        finally:
            watch.deadline = None
    except _Overtime:
        return finish(task, timed_out(task.origin, budget), here=True)


def run_serial(work: Iterable[Work], budget: float | None,
               records: Records | None, settle: bool = False) -> Iterator[Done]:
    """Each item's outcome, in order, analysed here. `settle`: this process is the run's own,
    and its memory is kept flat (:class:`Settle`)."""
    settled = Settle() if settle else None
    watching = _watching(budget) if budget is not None and _can_time() else nullcontext()
    with watching as watch:
        for item in work:
            if isinstance(item, InputResult):
                yield Done(item)
                continue
            on_records = functools.partial(records, item.origin) if records else None
            call = functools.partial(run_task, item, on_records, here=True)
            done = call() if watch is None else _timed(call, item, watch)
            if settled is not None:
                settled()
            yield done
