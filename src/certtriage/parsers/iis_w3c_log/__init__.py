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
#: Where a request line of IIS's default layout starts: its date and time.
_STAMP = re.compile(r"(?:^|(?<=\s))\d{4}-\d\d-\d\d[ \t]+\d\d:\d\d:\d\d(?=\s)")
#: Values of a request line in IIS's default fields: 15 (IIS 8.5 and later, with cs(Referer))
#: or 14 (IIS 7 and 7.5).
DEFAULT_WIDTHS = (15, 14)
_STATUS = re.compile(r"[1-5]\d\d")


def sniff(text: str) -> bool:
    """A `#Fields:` directive with `date time`, `s-ip` or `cs-method`, or an IIS `#Software:`
    directive, at the start of a line in the first few KB; or, without either (lines pasted
    from a log), a request line in IIS's default layout (`request_values`)."""
    sample = text[:SNIFF_CHARS]
    for match in _SNIFF_DIRECTIVE.finditer(sample):
        name, value = match.group(1).lower(), " ".join(match.group(2).split())
        if name == "software" and value.startswith("Microsoft Internet Information Services"):
            return True
        if name == "fields":
            tokens = value.split()
            pairs = set(itertools.pairwise(tokens))
            if ("date", "time") in pairs or "s-ip" in tokens or "cs-method" in tokens:
                return True
    return any(request_values(sample[m.start():].partition("\n")[0])
               for m in _STAMP.finditer(sample))


def stamped(line: str) -> bool:
    """Whether a request line of IIS's default layout could start in `line`: a date and time."""
    return _STAMP.search(line) is not None


def request_values(line: str) -> list[str] | None:
    """The values of a request line in IIS's default layout, where one starts in `line` (after
    a sentence that quotes it, say): a date and time, then 12 or 13 values ending in the
    status, sub-status, Win32 status and time taken (a sentence's full stop after them
    dropped); None when there is none."""
    stamp = _STAMP.search(line)
    if stamp is None:
        return None
    values = line[stamp.start():].split()
    if values and values[-1].endswith(".") and values[-1][:-1].isdigit():
        values[-1] = values[-1][:-1]
    if len(values) not in DEFAULT_WIDTHS or not _STATUS.fullmatch(values[-4]):
        return None
    return values if all(v.isdigit() for v in values[-3:]) else None
