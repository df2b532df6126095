"""How a run that ended by an exception ends: one line on standard error (or none, for a closed
pipe) and an exit code. Shared by the full command line (`_main`) and the lean entry."""

from __future__ import annotations

from .._signals import Interrupted, handled, stop_children
from ..errors import CerttriageError
from ._output import error_line, quiet_pipe

#: Exit codes used here (the full table is `cli.Exit`).
USAGE = 2
INTERRUPTED = 130


def _err(message: str) -> None:
    error_line(message)


def ending(exc: BaseException) -> int:
    """The exit code of a run that `exc` ended, after saying why; re-raises what is no error
    of a run (SystemExit and other BaseExceptions)."""
    if isinstance(exc, Interrupted):  # SIGINT or SIGTERM (see `_signals`)
        handled()
        stop_children()
        _err(exc.message)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        stop_children()
        _err("interrupted by Ctrl-C (SIGINT)")
        return INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        quiet_pipe()
        return 0
    if isinstance(exc, CerttriageError):  # the one hierarchy: a located one-line message
        _err(exc.one_line())
        return exc.exit_code
    if isinstance(exc, Exception):  # the last line of defence against a traceback
        _err(f"internal error: {type(exc).__name__}: {exc}")
        return USAGE
    raise exc
