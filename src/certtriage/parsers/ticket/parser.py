"""A text that is no export of its own -> :class:`Ticket`: its pieces of evidence and its prose."""

from __future__ import annotations

import re

from ...errors import ParseError
from .model import Ticket
from .scan import scan

#: A code written as eight hex digits after 0x (an HRESULT, an NTSTATUS, a wrapped Win32 code).
_CODE_SHAPED = re.compile(r"\b0x[0-9a-fA-F]{8}\b")


def parse(text: str) -> Ticket:
    """Read the pieces of evidence in `text`; raises ParseError when it holds none."""
    found = scan(list(enumerate(text.split("\n"), start=1)))
    if not found.pieces:
        raise ParseError(_nothing_read(text))
    return Ticket(pieces=tuple(found.pieces), prose_lines=len(found.prose))


def _nothing_read(text: str) -> str:
    """Why a text gave nothing: it names codes, but none certtriage knows, or none at all."""
    codes = list(dict.fromkeys(m.group(0).lower() for m in _CODE_SHAPED.finditer(text)))
    if not codes:
        return "no evidence certtriage reads: no export, no message, no error code"
    named = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
    return (f"no evidence certtriage reads: no export, no message, and the codes it names "
            f"({named}) are none it knows")
