"""A text that is no export of its own -> :class:`Ticket`: its pieces of evidence and its prose."""

from __future__ import annotations

from ...errors import ParseError
from .model import Ticket
from .scan import scan


def parse(text: str) -> Ticket:
    """Read the pieces of evidence in `text`; raises ParseError when it holds none."""
    found = scan(list(enumerate(text.split("\n"), start=1)))
    if not found.pieces:
        raise ParseError("no evidence certtriage reads: no export, no message, no error code")
    return Ticket(pieces=tuple(found.pieces), prose_lines=len(found.prose))
