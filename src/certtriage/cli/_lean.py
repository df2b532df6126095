"""The lean entry: `certtriage analyze` and `certtriage batch` with plain arguments, run
without building the typer app (importing typer's command machinery costs more than reading
a paste, and about a fifth of a batch of a few files).

Only argument lists this module reads completely are run here: the command, then paths and
its options spelt `--opt VALUE`, `--opt=VALUE` or `-o VALUE`, with values from their lists
(any case, as the full command line accepts them) or of their kind (`--jobs`: a whole number
of at least 1 in ASCII digits; `--timeout`: seconds as digits, with a decimal point or not).
Anything else (help, another command, an unknown or misspelt option, a missing or doubtful
value, `--`, a command without the paths it needs, a completion request) returns None, and
the full command line answers it with its own wording.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

#: Option spellings -> (keyword, allowed values: a tuple, () for a flag, or a check of a free
#: value; None for any value).
_Allowed = tuple[str, ...] | Callable[[str], bool] | None
_SHARED: dict[str, tuple[str, _Allowed]] = {
    "--format": ("fmt", ("text", "json", "jsonl", "csv", "markdown", "html")),
    "--output": ("output", None),
    "--brief": ("brief", ()),
    "--details": ("details", ()),
    "--fail-on": ("fail_on", ("error", "warning")),
    "--color": ("color", ("auto", "always", "never")),
    "--no-model": ("no_model", ()),
    "--redact": ("redacted", ()),
}
_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_BATCH: dict[str, tuple[str, _Allowed]] = {
    **_SHARED,
    "--jobs": ("jobs", lambda v: v.isascii() and v.isdigit() and int(v) >= 1),
    "--quiet": ("quiet", ()),
    "--timeout": ("timeout", lambda v: _SECONDS.fullmatch(v) is not None),
    "--scheduler": ("scheduler", None),
}
_ALIASES = {"-f": "--format", "-o": "--output", "-b": "--brief", "--colour": "--color",
            "-j": "--jobs", "-q": "--quiet"}
_DEFAULTS: dict[str, Any] = {"fmt": "text", "output": None, "brief": False, "details": False,
                             "fail_on": "error", "color": "auto", "no_model": False,
                             "redacted": False}
#: Each command run here: its options, their defaults, and whether `-` (standard input) may
#: stand among its paths.
_COMMANDS: dict[str, tuple[dict[str, tuple[str, _Allowed]], dict[str, Any], bool]] = {
    "analyze": (_SHARED, _DEFAULTS, True),
    "batch": (_BATCH, {**_DEFAULTS, "jobs": None, "quiet": False, "timeout": "60",
                       "scheduler": None}, False),
}


def read_args(args: list[str]) -> tuple[str, list[str], dict[str, Any]] | None:
    """(command, paths, options) of `analyze ARGS` or `batch ARGS`, or None when the full
    command line must read them."""
    command = _COMMANDS.get(args[0]) if args else None
    if command is None:
        return None
    spelt, defaults, stdin = command
    paths: list[str] = []
    options = dict(defaults)
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" and stdin or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        known = spelt.get(_ALIASES.get(name, name))
        if known is None:
            return None
        keyword, allowed = known
        if allowed == ():
            if inline or "=" in arg:
                return None
            options[keyword] = True
            continue
        value = inline if "=" in arg else next(rest, None)
        if not value or value.startswith("-"):
            return None
        if isinstance(allowed, tuple):
            value = value.lower()
            if value not in allowed:
                return None
        elif allowed is not None and not allowed(value):
            return None
        options[keyword] = value
    if not stdin and not paths:
        return None
    return args[0], paths, options


def run(args: list[str], *, own: bool = False) -> int | None:
    """The exit code of `certtriage ARGS` run here, or None when the full command line must
    run it. `own`: the process is the command's alone (the console script), as the full
    command line's `own_process`."""
    from ._completion import COMPLETE_VAR

    read = None if os.environ.get(COMPLETE_VAR) else read_args(args)
    if read is None:
        return None
    command, paths, options = read
    from .._signals import Interrupted, stop_on_signals
    from ._guard import ending

    with stop_on_signals():  # SIGINT / SIGTERM end it with 130 / 143 and one line
        try:
            if command == "batch":
                from ._batch import run_batch

                return run_batch(paths, **{**options, "timeout": float(options["timeout"])},
                                 own=own)
            from ._analyze import combined, emit, read_inputs

            return emit(combined(read_inputs(paths)), show_unread=False, **options)
        except (KeyboardInterrupt, Interrupted, Exception) as exc:  # noqa: BLE001 - every ending has a code
            return ending(exc)
