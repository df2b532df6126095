"""Running the command line: every way a run can end becomes one exit code and at most one
line per problem on standard error."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

try:  # typer 0.2x ships its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer on plain click
    from click import exceptions as click_exceptions  # type: ignore[no-redef,import-not-found,unused-ignore]

from .._signals import Interrupted, stop_on_signals
from ._completion import COMPLETE_VAR, PROG
from ._guard import USAGE as _USAGE
from ._guard import ending
from ._output import error_line, quiet_pipe, write


def _err(message: str) -> None:
    error_line(message)


def _closed_pipe() -> bool:
    """Whether the framework met a closed standard output (it then ends with 1 and wraps
    the streams so that nothing more is reported)."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def usage_line(exc: click_exceptions.UsageError) -> str:
    """A usage error as one line: the framework's message and where to read more."""
    message = " ".join(exc.format_message().split())
    ctx = exc.ctx
    if isinstance(exc, click_exceptions.NoSuchOption) or "No such command" in message:
        word = message.split("'")[1] if message.count("'") >= 2 else ""
        if word and Path(word).exists():
            return f"{message} To read a file: certtriage analyze {word}"
    where = ctx.command_path if ctx is not None else "certtriage"
    return f"{message} (see '{where} --help')"


#: The context object of a run in a process of its own (`main`), not in a test's or a host's.
OWN_PROCESS = {"own_process": True}


def own_process(ctx: typer.Context) -> bool:
    """Whether a command runs in a process of its own (`run`'s `own_process`)."""
    return bool(isinstance(ctx.obj, dict) and ctx.obj.get("own_process"))


def run(app: typer.Typer, args: list[str] | None = None, *, own_process: bool = False) -> int:
    """Run `app` on `args` (the process's arguments by default); the exit code. SIGINT and
    SIGTERM end it with 130 and 143 and one line (see `_signals`). `own_process`: the
    process is the command's alone (the console script), so a batch may keep its memory
    flat (`executors._settle`)."""
    with stop_on_signals():
        return _run(app, args, OWN_PROCESS if own_process else None)


def _run(app: typer.Typer, args: list[str] | None, obj: dict[str, bool] | None) -> int:
    if os.environ.get(COMPLETE_VAR):  # a shell asks for completions: register the shells
        from typer._completion_classes import completion_init

        completion_init()
    try:
        code: Any = app(args=args, prog_name=PROG, complete_var=COMPLETE_VAR,
                        standalone_mode=False, obj=obj)
    except click_exceptions.NoArgsIsHelpError as exc:
        if exc.ctx is not None:
            write(exc.ctx.get_help() + "\n")
        return 0
    except click_exceptions.UsageError as exc:
        _err(usage_line(exc))
        return _USAGE
    except click_exceptions.ClickException as exc:
        _err(" ".join(exc.format_message().split()))
        return _USAGE
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        _err("aborted")
        return _USAGE
    except SystemExit:  # help or the version into a closed pipe: quiet, like `rules`
        if _closed_pipe():
            quiet_pipe()
            return 0
        raise
    except (KeyboardInterrupt, Interrupted, Exception) as exc:  # noqa: BLE001 - every ending has a code
        return ending(exc)
    return code if isinstance(code, int) else 0
