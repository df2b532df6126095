"""IIS Failed Request Tracing logs (`fr000001.xml`): the request IIS traced, the status it
answered and the module and error code that set it.

This module recognises the format cheaply; `parser` reads it, `model` holds what it is,
`predicates` what the rules in `knowledge/rules/iis_freb/` may ask of it.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer reads.
SNIFF_CHARS = 4096

#: The root element of a trace file, at the start of a line.
START = re.compile(r"^[ \t>]*<failedRequest\b", re.MULTILINE)
#: What may stand above it in a file: the XML declaration, the stylesheet instruction, the
#: browser's `saved from url` comment, blank lines.
_ABOVE = re.compile(r"\A(?:[ \t>]*(?:<\?[^\n]*|<!--[^\n]*)?\r?\n)*")


def sniff(text: str) -> bool:
    """The text starts with a `<failedRequest` element (after the lines a trace file has
    above it). A trace quoted inside a post is found by the ticket reader, paragraph by
    paragraph, so the other pieces of evidence beside it are read too."""
    sample = text[:SNIFF_CHARS].lstrip("\ufeff")
    above = _ABOVE.match(sample)
    return START.match(sample, above.end() if above else 0) is not None
