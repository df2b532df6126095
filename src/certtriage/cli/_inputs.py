"""What `analyze` reads from standard input, and how it asks for a paste.

Files go to the library as they are; the library says why an input it cannot use is not read
(empty, blank, a screenshot or a PDF, binary, over the limit) and drops the Ctrl-Z that ends a
paste in the Windows console. Standard input is read up to the text limit, never further.
"""

from __future__ import annotations

import os
import sys

from ..pipeline import STDIN
from ..text.decode import MAX_TEXT_BYTES, read_bounded

__all__ = ["STDIN", "prompt", "read_stdin"]


def prompt() -> None:
    """Tell a user at a terminal how to paste, on standard error."""
    eof = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D"
    print("Paste the certutil output or the event text, then press "
          f"{eof} on an empty line.", file=sys.stderr)


def read_stdin() -> bytes:
    """Standard input's bytes, at most the text limit (InputTooLarge past it)."""
    if sys.stdin is None:
        return b""
    if sys.stdin.isatty():
        prompt()
    return read_bounded(sys.stdin.buffer, MAX_TEXT_BYTES)
