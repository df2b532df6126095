"""How a run that ended by an exception ends: one line on standard error (or none, for a closed
pipe) and an exit code. Shared by the full command line (`_main`) and the lean entry."""

from __future__ import annotations

import sys

from ..errors import CerttriageError
from ._output import quiet_pipe

#: Exit codes used here (the full table is `cli.Exit`).
USAGE = 2
INTERRUPTED = 130


def _err(message: str) -> None:
    print(f"certtriage: {message}", file=sys.stderr)


def ending(exc: BaseException) -> int:
    """The exit code of a run that `exc` ended, after saying why; re-raises what is no error
    of a run (SystemExit and other BaseExceptions)."""
    if isinstance(exc, KeyboardInterrupt):
        _err("interrupted")
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
