"""The certutil command line, when a paste keeps it (`C:\\temp>certutil -verify a.cer b.cer`).

The verb says which output follows; `-verify` with a second file argument (not an OID list) is
the two-argument form. The line is kept as printed.
"""

from __future__ import annotations

import re

from .state import Command

_VERB = re.compile(r"certutil(?:\.exe)?\s+(?P<args>.*)$", re.IGNORECASE)
_FORMS = {"-scinfo": "scinfo", "-dcinfo": "dcinfo", "-urlcache": "urlcache"}
#: Options that take a value (`-t 5000`, `-config ca\name`).
_VALUED = {"-t", "-config", "-sid", "-sslpolicy", "-p", "-f-", "-csp", "-restrict"}
_FILE = re.compile(r"\.(?:cer|crt|der|pem|p7b|p7c|crl)\"?$", re.IGNORECASE)


class InvocationLines:
    """Reads the command line; owns it."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.line: str | None = None

    def on_command_line(self, text: str, line: int) -> None:
        if self.line is None:
            self.line = text
        found = _VERB.search(text)
        if found is None or self.command.variant != "verify":
            return
        words = found["args"].split()
        verbs = [w.casefold() for w in words if w.startswith(("-", "/"))]
        form = next((_FORMS[v] for v in verbs if v in _FORMS), None)
        if form is not None:
            self.command.variant = form
        elif "-verify" in verbs and len([w for w in _arguments(words) if _FILE.search(w)]) >= 2:
            self.command.variant = "pair"


def _arguments(words: list[str]) -> list[str]:
    """The positional arguments (not options or their values)."""
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith(("-", "/")):
            skip = word.casefold() in _VALUED
        else:
            found.append(word)
    return found
