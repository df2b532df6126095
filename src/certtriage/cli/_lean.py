"""The lean entry: `certtriage analyze` with plain arguments, run without building the typer
app (importing typer's command machinery costs more than reading a paste).

Only argument lists this module reads completely are run here: `analyze`, then paths (`-` for
standard input) and the options of `analyze` spelt `--opt VALUE`, `--opt=VALUE` or `-o VALUE`
with values from their lists (any case, as the full command line accepts them). Anything else
(help, another command, an unknown or misspelt option, a missing or wrong value, `--`, a
completion request) returns None, and the full command line answers it with its own wording.
"""

from __future__ import annotations

import os
from typing import Any

#: Option spellings -> (keyword, allowed values; None for a free value, () for a flag).
_OPTIONS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "--format": ("fmt", ("text", "json", "jsonl", "csv", "markdown", "html")),
    "--output": ("output", None),
    "--brief": ("brief", ()),
    "--details": ("details", ()),
    "--fail-on": ("fail_on", ("error", "warning")),
    "--color": ("color", ("auto", "always", "never")),
    "--no-model": ("no_model", ()),
    "--redact": ("redacted", ()),
}
_ALIASES = {"-f": "--format", "-o": "--output", "-b": "--brief", "--colour": "--color"}
_DEFAULTS: dict[str, Any] = {"fmt": "text", "output": None, "brief": False, "details": False,
                             "fail_on": "error", "color": "auto", "no_model": False,
                             "redacted": False}


def read_args(args: list[str]) -> tuple[list[str], dict[str, Any]] | None:
    """(paths, options) of `analyze ARGS`, or None when the full command line must read them."""
    if not args or args[0] != "analyze":
        return None
    paths: list[str] = []
    options = dict(_DEFAULTS)
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        known = _OPTIONS.get(_ALIASES.get(name, name))
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
        if allowed is not None:
            value = value.lower()
            if value not in allowed:
                return None
        options[keyword] = value
    return paths, options


def run(args: list[str]) -> int | None:
    """The exit code of `certtriage ARGS` run here, or None when the full command line must
    run it."""
    from ._completion import COMPLETE_VAR

    read = None if os.environ.get(COMPLETE_VAR) else read_args(args)
    if read is None:
        return None
    paths, options = read
    from .._signals import Interrupted, stop_on_signals
    from ._analyze import combined, emit, read_inputs
    from ._guard import ending

    with stop_on_signals():  # SIGINT / SIGTERM end it with 130 / 143 and one line
        try:
            return emit(combined(read_inputs(paths)), show_unread=False, **options)
        except (KeyboardInterrupt, Interrupted, Exception) as exc:  # noqa: BLE001 - every ending has a code
            return ending(exc)
