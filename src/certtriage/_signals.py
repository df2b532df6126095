"""Stopping cleanly on Ctrl-C (SIGINT) and SIGTERM, worker processes included.

While :func:`stop_on_signals` is active, the first SIGINT or SIGTERM raises :class:`Interrupted`
in the main thread. It is not an `Exception`, so no per-input boundary swallows it; it unwinds
the run, and the command line turns it into one line on standard error and exit 128 + the
signal (130, 143). Once the command line has it in hand (:func:`handled`), later signals are
ignored, so a second Ctrl-C cannot interrupt the clean-up. Python drops an exception raised
in a fork hook or a finalizer; until the run has it in hand it is raised again each second,
and after ten the process ends outright (workers stopped, the same line, the same code).

Worker processes never act on a signal themselves: Ctrl-C at a terminal reaches the whole
process group, and a worker that died of it would leave the pool broken or print its own
traceback. :func:`worker_init` makes them ignore SIGINT and die quietly on SIGTERM; a worker
forked before its initializer ran acts the same through the inherited handler. The main
process stops them (:func:`stop_pool`) as :class:`Interrupted` unwinds through the pool, and
:func:`stop_children` ends any still running before the process exits, so none is orphaned.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Seconds a worker is given to end after SIGTERM before it is killed.
_GRACE = 3.0
#: Times an interrupt is raised again (once a second) before the process is ended outright.
_REPEATS = 10


class Interrupted(BaseException):
    """The run was stopped by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as shells report it: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    @property
    def message(self) -> str:
        """One line for standard error."""
        if self.signum == signal.SIGINT:
            return "interrupted by Ctrl-C (SIGINT)"
        return f"stopped by {signal.Signals(self.signum).name}"


def _in_worker(signum: int) -> None:
    """A forked worker got a signal through its parent's handler: ignore Ctrl-C (the parent
    stops the pool), end at once on SIGTERM."""
    if signum == signal.SIGINT:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


class _Watch:
    """The signal being handled in this process, and whether the run has taken it in hand."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        self.signum = 0
        self.handled = False
        self.lock = threading.Lock()

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self.owner:
            _in_worker(signum)
            return
        with self.lock:
            if self.handled:
                return
            first, self.signum = not self.signum, self.signum or signum
        if first:
            threading.Thread(target=self._watchdog, name="certtriage-stop", daemon=True).start()
        raise Interrupted(self.signum)

    def _watchdog(self) -> None:
        """Raising from a signal handler can be lost (Python ignores exceptions in fork hooks,
        finalizers and `__del__`): until the run takes the interrupt in hand, raise it again
        every second; if the run still has not stopped, end the process here."""
        main = threading.main_thread().ident
        for _ in range(_REPEATS):
            time.sleep(1.0)
            with self.lock:
                if self.handled:
                    return
                if main is not None:
                    signal.pthread_kill(main, self.signum)
        with self.lock:
            if self.handled:
                return
        stop_children()
        stopped = Interrupted(self.signum)
        with contextlib.suppress(Exception):
            print(f"certtriage: {stopped.message}", file=sys.stderr, flush=True)
        os._exit(stopped.exit_code)

    def take(self) -> None:
        """The run handles the interrupt: later signals are ignored while it stops."""
        with self.lock:
            self.handled = True


_WATCH: list[_Watch] = []


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block (main thread only)
    until :func:`handled` is called; the previous handlers are restored after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    watch = _Watch(os.getpid())
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    unraisable = sys.unraisablehook
    _WATCH.append(watch)
    sys.unraisablehook = functools.partial(_quiet, unraisable)
    for number in SIGNALS:
        signal.signal(number, watch.handler)
    try:
        yield
    finally:
        watch.take()
        _WATCH.remove(watch)
        for number, action in previous.items():
            signal.signal(number, action)
        sys.unraisablehook = unraisable


def _quiet(hook: Callable[[Any], object], unraisable: Any) -> None:
    """An interrupt Python had to drop is not reported (it is raised again); the rest is."""
    if not isinstance(unraisable.exc_value, Interrupted):
        hook(unraisable)


def handled() -> None:
    """Say that the run is stopping because of the interrupt: further signals are ignored and
    it is not raised again."""
    for watch in _WATCH:
        watch.take()


def _end(processes: list[Any]) -> None:
    """SIGTERM, then SIGKILL to whichever has not ended within the grace period; reaped."""
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(_GRACE)
            if process.is_alive():
                process.kill()
                process.join(_GRACE)


def stop_children() -> None:
    """End every worker process this process started that is still running."""
    if "multiprocessing" in sys.modules:  # else none was ever started
        import multiprocessing

        _end(multiprocessing.active_children())


__all__ = ["Interrupted", "handled", "stop_children", "stop_on_signals"]
