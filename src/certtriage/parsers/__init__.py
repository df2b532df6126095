"""Parser registry: format id -> parser; `parse` is the one entry point for text."""

from __future__ import annotations

from collections.abc import Callable

from ..detect import FormatId
from .certutil_verify.model import CertutilVerify
from .certutil_verify.parser import parse_certutil_verify
from .events.model import EventLog
from .events.text import parse_event_text

PARSERS: dict[FormatId, Callable[[str], CertutilVerify | EventLog]] = {
    FormatId.CERTUTIL_VERIFY: parse_certutil_verify,
    FormatId.EVENT_TEXT: parse_event_text,
}


def parse(kind: FormatId, text: str) -> CertutilVerify | EventLog:
    """Parse `text` as `kind` (binary EVTX goes through parsers.evtx_reader instead)."""
    return PARSERS[kind](text)
