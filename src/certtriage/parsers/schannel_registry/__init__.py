"""Schannel registry settings, as `reg query` text or a .reg file.

This module recognises the format cheaply; `parser` reads it, `model` holds what it is,
`predicates` what the rules in `knowledge/rules/schannel_registry/` may ask of it.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 8192


_SCHANNEL = (r"(?:HKEY_LOCAL_MACHINE|HKLM)\\SYSTEM\\(?:CurrentControlSet|ControlSet\d{3})"
             r"\\Control\\SecurityProviders\\SCHANNEL")


_QUERY_SCHANNEL = re.compile(rf"^{_SCHANNEL}(?:\\[^\n]*)?$", re.MULTILINE | re.IGNORECASE)


_FILE_SCHANNEL = re.compile(
    rf"^[ \t]*\[-?{_SCHANNEL}(?:\\[^\]\n]*)?\]", re.MULTILINE | re.IGNORECASE
)


_HEADER = re.compile(r"^(?:Windows Registry Editor Version \d+\.\d+|REGEDIT4)[ \t]*$",
                     re.IGNORECASE)


def sniff(text: str) -> bool:
    """A `reg query` key line of the SCHANNEL key, or a .reg header and a [SCHANNEL] key."""
    sample = text[:SNIFF_CHARS]
    if _QUERY_SCHANNEL.search(sample):
        return True
    first = next((line for line in sample.split("\n") if line.strip()), "")
    return bool(_HEADER.match(first.strip()) and _FILE_SCHANNEL.search(sample))
