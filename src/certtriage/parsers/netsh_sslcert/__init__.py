"""`netsh http show sslcert` output: HTTP.sys SSL bindings and their client-certificate settings.

This module recognises the format cheaply; `parser` reads it, `model` holds what it is,
`predicates` what the rules in `knowledge/rules/netsh_sslcert/` may ask of it.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 8192


_HEADER = re.compile(r"^[ \t]*SSL Certificate bindings:[ \t]*$", re.MULTILINE | re.IGNORECASE)


_FIRST = re.compile(
    r"^[ \t]*(?:IP:port|Hostname:port|Central Certificate Store)[ \t]*:",
    re.MULTILINE | re.IGNORECASE,
)


_HASH = re.compile(r"^[ \t]*Certificate Hash[ \t]*:", re.MULTILINE | re.IGNORECASE)


#: `netsh http add sslcert` / `update sslcert` naming the binding it sets (`ipport=`,
#: `hostnameport=`, `ccs=`), on one line.
COMMAND = re.compile(r"\bnetsh(?:\.exe)?\s+http\s+(?:add|update)\s+sslcert\b", re.IGNORECASE)
_ENDPOINT = re.compile(r"\b(?:ipport|hostnameport|ccs)\s*=", re.IGNORECASE)


def sniff(text: str) -> bool:
    """The `SSL Certificate bindings:` header, or a binding's first line and a Certificate
    Hash line, or a `netsh http add sslcert` command naming its binding, within the first few
    KB."""
    sample = text[:SNIFF_CHARS]
    if _HEADER.search(sample):
        return True
    if _FIRST.search(sample) and _HASH.search(sample):
        return True
    return any(_ENDPOINT.search(sample[m.end():].partition("\n")[0])
               for m in COMMAND.finditer(sample))
