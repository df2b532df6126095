"""Parser registry: format id -> parser; `parse` is the one entry point."""

from __future__ import annotations

from collections.abc import Callable

from ..detect import FormatId
from ..models.certutil import CertutilVerify
from .certutil_verify import parse_certutil_verify

PARSERS: dict[FormatId, Callable[[str], CertutilVerify]] = {
    FormatId.CERTUTIL_VERIFY: parse_certutil_verify,
}


def parse(kind: FormatId, text: str) -> CertutilVerify:
    """Parse `text` as `kind`."""
    return PARSERS[kind](text)
