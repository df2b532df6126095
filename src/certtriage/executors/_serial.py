"""In this process, one input after another (``jobs=1``).

The time budget is kept with a real-time interval timer (``SIGALRM``) where the platform has
one and this is the main thread; the timer's exception is no ``Exception``, so the pipeline's
boundary lets it through to here. Elsewhere (Windows, a worker thread) inputs run unbounded.
"""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from ..models.findings import InputResult
from . import Done, Records, Task, Work, finish, run_task, timed_out


class _Overtime(BaseException):
    """Raised by the timer inside the analysis of an input that overran its budget."""


def _can_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _ring(signum: int, frame: object) -> None:
    raise _Overtime


@contextmanager
def _alarm_handler() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _ring)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed(call: Callable[[], Done], task: Task, budget: float) -> Done:
    try:
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            return call()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Overtime:
        return finish(task, timed_out(task.origin, budget), here=True)


def run_serial(work: Iterable[Work], budget: float | None,
               records: Records | None) -> Iterator[Done]:
    """Each item's outcome, in order, analysed here."""
    if budget is None or not _can_time():
        for item in work:
            yield Done(item) if isinstance(item, InputResult) else run_task(
                item, functools.partial(records, item.origin) if records else None, here=True)
        return
    with _alarm_handler():
        for item in work:
            if isinstance(item, InputResult):
                yield Done(item)
                continue
            on_records = functools.partial(records, item.origin) if records else None
            yield _timed(functools.partial(run_task, item, on_records, here=True), item, budget)
