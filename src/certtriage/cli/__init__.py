"""The command line: analyze, batch, rules, explain, completion. It holds no diagnosis; it
reads inputs, calls the library, and writes what it returns.

Every problem is one line on standard error (`certtriage: <what>: <problem>`), never a
traceback and never repeated on standard output; option errors use the framework's wording;
a reader that closes the pipe early (`| head`) ends the run quietly.

The typer app (`_app`) is built only when needed: `certtriage analyze` (the command a paste is
answered by) and `certtriage batch` with plain arguments run through `_lean` without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Exit", "app", "main", "own_process"]


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    with own_process():
        from ._lean import run as lean

        code = lean(sys.argv[1:], own=True)
        if code is None:
            from ._app import app
            from ._main import run

            code = run(app, own_process=True)
    sys.exit(code)


@contextmanager
def own_process() -> Iterator[None]:
    """This process set up as the command line sets up its own, for the block: the code and
    regular expressions kept by earlier runs taken from the cache folder (`_kept_code`,
    `_patterns`) and pydantic plugins off (`_plugins`); once the block ends without an
    exception, what it compiled anew kept for the next run and its heap left to the exit.
    The console script runs in it, and so does the benchmarks' in-process pipeline, which
    so pays the start-up a command pays and no more."""
    from .. import _kept_code, _patterns

    _kept_code.install()  # first: the imports below define classes
    from ._plugins import disable

    disable()
    _patterns.install()
    yield
    _patterns.save()
    _kept_code.save()
    _leave_heap()


def _leave_heap() -> None:
    """Set apart from the collector everything the run made, once its output is written.

    The interpreter's last collection at exit walks every object still alive (after one paste
    about 20 ms, more than answering it) only to find nothing it must free before the process
    ends. Exit handlers, `with` blocks and the standard streams still close as usual: this
    skips only the search for cycles, whose memory goes with the process.
    """
    import gc

    gc.freeze()


#: Names offered here -> (module, name there), imported on first use.
_LAZY = {"app": ("_app", "app"), "Exit": ("_analyze", "Exit"),
         "_exit_code": ("_analyze", "exit_code")}


def __getattr__(name: str) -> Any:
    """The typer app and the exit codes, imported on first use (submodules import as usual)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _LAZY[name]
    return getattr(import_module(f"{__name__}.{module}"), attribute)
