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

    def __init__(self, problem: str, source: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.source = source

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        """`<source>: <problem>` (or the problem alone), ready for stderr."""
        return f"{self.source}: {self.problem}" if self.source else self.problem

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

    def one_line(self) -> str:
        """`knowledge base: <file>: <field>: <problem>`."""
        return f"knowledge base: {super().one_line()}"
