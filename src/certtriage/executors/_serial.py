"""In this process, one input after another (``jobs=1``).

Inputs are taken from the walk in groups (`GROUP_INPUTS`, `GROUP_BYTES`): a group's files
are read, then analysed, then rendered, each step one input after another, before the
group's outcomes are handed on (to be folded into their case and written). Each step then
runs with its own code and data still in the processor's caches; reading, analysing,
rendering and writing each input in turn made every step evict the others', and a batch of
small dumps went 6-9 % slower than in groups. A group's results are held until it is
rendered and its case has read them (they are not cut to a summary, as a worker's are:
nothing holds them longer).
Against groups of 4, groups of 16 made a batch of 6,000 dumps 6-8 % faster (946 -> 1,013
dumps/s, measured alternating; 8: 3 %, 32: 1 % more than 16, and 1.7 % less once the
pipeline had grown faster) and held more at the peak: 0.5 MiB over 100 files, 0.9 MiB over
100,000 (single runs of each; the flat-memory figures stayed within their 5 %). Within a
group the order matters as much (6,000 dumps, whole runs, alternating): each input rendered
straight after its analysis took 9.5 % longer; a group rendered newest first 2.7 %; each
outcome handed on (folded, written) as soon as it is rendered 2.6 %; rendering every result,
then reading every one for its case, 1.7 %. Rendering and reading each result in turn,
oldest first, then handing the group on, as here, is the fastest order measured.

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
from contextlib import AbstractContextManager, contextmanager, nullcontext

from ..models.findings import InputResult
from . import Done, Records, Task, Work, analyse, finish, timed_out
from ._settle import Settle

#: Inputs a group holds at most ...
GROUP_INPUTS = 16
#: ... and bytes of input (a larger input is a group alone).
GROUP_BYTES = 128 * 1024


class _Overtime(BaseException):
    """Raised by the timer inside the analysis of an input that overran its budget."""


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def tick(budget: float) -> float:
    """Seconds between two rings of the timer for `budget`: a tenth of it, at most one."""
    return min(1.0, budget / 10)


class Watch:
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
def _watching(budget: float) -> Iterator[Watch]:
    watch = Watch(budget)
    previous = signal.signal(signal.SIGALRM, watch.ring)
    every = tick(budget)
    try:
        signal.setitimer(signal.ITIMER_REAL, every, every)
        yield watch
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def can_keep(budget: float | None) -> bool:
    """Whether inputs analysed here keep `budget` (None: there is none to keep)."""
    return budget is None or _can_time()


def watching(budget: float | None) -> AbstractContextManager[Watch | None]:
    """The run's timer for inputs analysed here: a watch to give :func:`timed`, or None
    when there is no budget or it cannot be kept here (the inputs then run unbounded)."""
    return _watching(budget) if budget is not None and _can_time() else nullcontext()


def timed(task: Task, records: Callable[[int], None] | None,
          watch: Watch | None) -> InputResult:
    """The task analysed here, within its budget when `watch` keeps one."""
    if watch is None:
        return analyse(task, records)
    budget = watch.budget
    try:
        watch.deadline = time.monotonic() + budget
        try:
            return analyse(task, records)
        finally:
            watch.deadline = None
    except _Overtime:
        return timed_out(task.origin, budget)


def _groups(work: Iterable[Work]) -> Iterator[list[Work]]:
    """The items of `work` in order, in groups of up to `GROUP_INPUTS` items and
    `GROUP_BYTES` bytes of input (a larger input alone)."""
    group: list[Work] = []
    size = 0
    for item in work:
        weight = item.weight if isinstance(item, Task) else 0
        if group and size + weight > GROUP_BYTES:
            yield group
            group, size = [], 0
        group.append(item)
        size += weight
        if len(group) == GROUP_INPUTS:
            yield group
            group, size = [], 0
    if group:
        yield group


def run_serial(work: Iterable[Work], budget: float | None,
               records: Records | None, own: bool = False,
               begun: Callable[[], None] | None = None) -> Iterator[Done]:
    """Each item's outcome, in order, analysed here, a group at a time (see the module's
    docstring). `own`: this process is the run's own, and its memory is kept flat
    (:class:`Settle`, between two groups: a collection then walks no group's results).
    `begun` is called as each input's analysis begins."""
    settled = Settle() if own else None
    analysed = 0
    with watching(budget) as watch:
        for group in _groups(work):
            if settled is not None and analysed:
                settled(analysed)
            analysed = 0
            results: list[InputResult] = []
            for item in group:
                if isinstance(item, InputResult):
                    results.append(item)
                    continue
                on_records = functools.partial(records, item.origin) if records else None
                if begun is not None:
                    begun()
                results.append(timed(item, on_records, watch))
                analysed += 1
            results.reverse()  # taken from the end
            outcomes = [Done(results.pop()) if isinstance(item, InputResult)
                        else finish(item, results.pop(), travels=False) for item in group]
            outcomes.reverse()
            while outcomes:  # each let go once taken, not held while the next group runs
                yield outcomes.pop()
