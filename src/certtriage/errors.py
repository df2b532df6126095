"""One exception hierarchy: every error a user can cause says in one line what went wrong and
where, and carries the exit code the command line ends with.

Parsers raise :class:`ParseError` without knowing the input's name; the pipeline attaches the
source with :meth:`CerttriageError.at`. Nothing here is ever shown as a traceback.
"""

from __future__ import annotations

import copy
from typing import Self


class CerttriageError(Exception):
    """Base of the errors certtriage reports to a user."""

    exit_code = 2
    """The command line's exit code when this error ends a command (2: usage or input)."""
    label = ""
    """What the message is about, said before it on the command line (empty: nothing)."""

    def __init__(self, problem: str, source: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}" if self.source else self.problem

    def one_line(self) -> str:
        """`[<label>: ]<source>: <problem>` (or without the source), ready for stderr."""
        return f"{self.label}: {self}" if self.label else str(self)

    def at(self, source: str) -> Self:
        """The same error, naming the input it is about."""
        located = copy.copy(self)
        located.source = source
        return located


class InputError(CerttriageError):
    """An input could not be read: missing, unreadable, too large or not text."""


class InputTooLarge(InputError):
    """An input is larger than certtriage accepts for its kind."""


class ParseError(InputError, ValueError):
    """An input in a format certtriage knows could not be read as that format (a ValueError
    too: the input's value is what is wrong)."""


class RefusedInput(ParseError):
    """An input asks for something certtriage never does (XML entities, external references)."""


class RulebookError(CerttriageError):
    """A rule file is broken; the message names the file and the field."""

    label = "knowledge base"
