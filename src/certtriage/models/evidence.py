"""Where a piece of evidence came from: input lines, repairs made to them, lines left over."""

from __future__ import annotations

from typing import Literal

from ._base import Model


class Span(Model):
    """A range of 1-based line numbers in the decoded input (inclusive)."""

    start: int
    """First line."""
    end: int
    """Last line (equal to start for a single line)."""


RepairKind = Literal[
    "quote-prefix",
    "percent-prefix",
    "markdown-escape",
    "backticks",
    "autolink",
    "smart-quotes",
    "dash-banner",
    "wrapped-hresult",
    "blank-lines",
    "trailing-space",
    "truncated",
]


class Repair(Model):
    """Damage that the normaliser undid on one line, so a report can say what it changed."""

    line: int
    """Line number in the decoded input."""
    kind: RepairKind
    """What was repaired."""


class UnparsedLine(Model):
    """A line that could not be placed in the structure; kept, never dropped."""

    line: int
    """Line number in the decoded input."""
    text: str
    """The line as normalised (bounded to 300 characters)."""
    reason: str
    """Why it was not placed."""
