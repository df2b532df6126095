"""Running the command line in this process as a user's shell would: the real entry point
(`cli._main.run`, which turns every ending into an exit code and one line per problem),
standard input as bytes, standard output and error captured, the environment as given."""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass
from unittest import mock

from certtriage.cli import app
from certtriage.cli._lean import run as _lean
from certtriage.cli._main import run

ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;;[^\x1b]*\x1b\\")
#: Variables that change how certtriage looks; each run starts without them.
LOOK_VARIABLES = ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "FORCE_HYPERLINK", "TERM")


@dataclass
class Ran:
    """What a run left behind."""

    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """Standard output's lines."""
        return self.out.splitlines()


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def certtriage(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None,
               lean: bool = False) -> Ran:
    """`certtriage ARGS` with `stdin` piped in and `env` added to a clean look; with `lean`,
    through the lean entry of `analyze` (which must take the arguments) instead of the app."""
    clean = {k: v for k, v in os.environ.items() if k not in LOOK_VARIABLES}
    clean.update(env or {})
    out, err = _stream(), _stream()
    stdin_stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    with mock.patch.dict(os.environ, clean, clear=True), \
            mock.patch.object(sys, "stdin", stdin_stream), \
            mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err):
        code = _lean(list(args)) if lean else run(app, list(args))
    assert code is not None, f"the lean entry did not take {args}"
    return Ran(code, _text(out), _text(err))
