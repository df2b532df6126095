"""IIS W3C logs: 403.x and Win32 status of client-certificate requests.

This module recognises the format cheaply; `parser` reads it, `model` holds what it is,
`predicates` what the rules in `knowledge/rules/iis_w3c_log/` may ask of it.
"""

from __future__ import annotations

import itertools
import re

#: How much of an input the sniffer reads.
SNIFF_CHARS = 4096


_SNIFF_DIRECTIVE = re.compile(r"^#(Fields|Software):[ \t]*(.*)$", re.MULTILINE | re.IGNORECASE)


def sniff(text: str) -> bool:
    """A `#Fields:` directive with `date time`, `s-ip` or `cs-method`, or an IIS `#Software:`
    directive, at the start of a line in the first few KB."""
    for match in _SNIFF_DIRECTIVE.finditer(text[:SNIFF_CHARS]):
        name, value = match.group(1).lower(), match.group(2)
        if name == "software" and value.startswith("Microsoft Internet Information Services"):
            return True
        if name == "fields":
            tokens = value.split()
            pairs = set(itertools.pairwise(tokens))
            if ("date", "time") in pairs or "s-ip" in tokens or "cs-method" in tokens:
                return True
    return False
