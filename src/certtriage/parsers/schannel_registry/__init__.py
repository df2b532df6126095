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


_HEADER = re.compile(r"^[ \t]*(?:Windows Registry Editor Version \d+\.\d+|REGEDIT4)[ \t]*$",
                     re.IGNORECASE | re.MULTILINE)


#: What `reg query` prints after a key line: a value, a subkey, its error for a value or key
#: that is not there, or the end of a /s search.
#: The next line with text on it, from its start.
_NEXT_LINE = re.compile(r"(?m)^[^\n]*\S[^\n]*")
_AFTER_KEY = re.compile(
    rf"^(?:[ \t]+\S[^\n]*?[ \t]REG_[A-Z_]+\b|{_SCHANNEL}\\|ERROR:|End of search)", re.IGNORECASE)


def sniff(text: str) -> bool:
    """A `reg query` listing of the SCHANNEL key (its key line followed by what `reg query`
    prints after one, or by nothing), or a .reg header and a [SCHANNEL] key after it. A key
    path quoted in prose ("... below the following registry key:") is no export: it shows no
    value."""
    sample = text[:SNIFF_CHARS]
    for match in _QUERY_SCHANNEL.finditer(sample):
        following = _NEXT_LINE.search(sample, match.end())
        if following is None or _AFTER_KEY.match(following.group()):
            return True
    header = _HEADER.search(sample)  # first, or below the sentence of a post
    return bool(header and _FILE_SCHANNEL.search(sample, header.end()))
