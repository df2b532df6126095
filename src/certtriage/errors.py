"""One exception hierarchy; every error can say in one line what went wrong and where."""

from __future__ import annotations


class CerttriageError(Exception):
    """Base of the errors certtriage reports to a user (never as a traceback)."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def one_line(self) -> str:
        """`<source>: <problem>`, ready for stderr."""
        return f"{self.source}: {self.problem}"


class InputError(CerttriageError):
    """An input could not be read or decoded."""
