"""Undo paste damage before parsing, line by line, recording every repair.

Tickets, forums and blogs mangle tool output: quote and prompt prefixes, lost indentation,
Markdown escapes, backticks and autolinks, smart quotes, em-dash banners, blank lines between
every line, an HRESULT wrapped onto a line of its own. Each repair here is recorded against the
line it changed, and no content line is ever dropped: blank lines are the only lines removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models.common import Repair, RepairKind
from .chars import QUOTE_CHARS

#: Characters that can only appear on a damaged line: the fast path skips clean lines.
_SUSPECT = re.compile(r"[>%`<\\\u201c\u201d\u201e\u2033\u2018\u2019\u2014\u2013\t\u00a0]")
#: Its ASCII characters (the rest are beyond ASCII): looked for with `in` in an ASCII text.
_ASCII_SUSPECT = ">%`<\\\t"
#: Of those, the ones that mark damage only where a line starts with them (a quote or prompt
#: prefix): `%` in a URL or `->` in prose leave a line as it is.
_LEADING_ONLY = ">%"
_PREFIX = re.compile(r"^(?:(?:>|%(?=\s|$))\s*)+")
_AUTOLINK = re.compile(r"<((?:https?|ldaps?|file|ftp)://[^>\s]*)>")
_MD_ESCAPE = re.compile(r"\\([_*\[\]#~|`])")
_HRESULT_ONLY = re.compile(r"^0x[0-9a-fA-F]{8}(?:\s*\([^)]*\))?\.?$")
_HAS_HRESULT = re.compile(r"\b0x[0-9a-fA-F]{8}\b")
_PAREN_DETAIL_ONLY = re.compile(r"^\((?:-?\d+|WIN32:)[^)]*\)$")
_ENDS_WITH_HRESULT = re.compile(r"\b0x[0-9a-fA-F]{8}$")
#: A line that starts with `0` or `(`: one search (two two-character `in` tests took about
#: three times as long over a dump's text).
_WRAP_START = re.compile(r"\n[0(]")


@dataclass
class NormalizedText:
    """Normalised lines and, for each, the line number it had in the decoded input."""

    lines: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The lines joined for the lexer, one per line."""
        return "\n".join(self.lines) + "\n" if self.lines else ""


def _repair(line: str, lineno: int, repairs: list[Repair]) -> str:
    def note(kind: RepairKind) -> None:
        repairs.append(Repair(line=lineno, kind=kind))

    if "\t" in line or "\u00a0" in line:
        line = line.replace("\t", " ").replace("\u00a0", " ")
    stripped = line.lstrip()
    if "`" in stripped:
        note("backticks")
        stripped = stripped.replace("`", "").lstrip()  # what the backtick stood before
    prefix = _PREFIX.match(stripped)
    if prefix:
        note("percent-prefix" if "%" in prefix.group(0) else "quote-prefix")
        stripped = stripped[prefix.end():].lstrip()
    if "<" in stripped:
        unlinked = _AUTOLINK.sub(r"\1", stripped)
        if unlinked != stripped:
            note("autolink")
            stripped = unlinked
    if "\\" in stripped:
        unescaped = _MD_ESCAPE.sub(r"\1", stripped)
        if unescaped != stripped:
            note("markdown-escape")
            stripped = unescaped
    translated = stripped.translate(QUOTE_CHARS)
    if translated != stripped:
        note("smart-quotes")
        stripped = translated
    if "\u2014" in stripped or "\u2013" in stripped:
        note("dash-banner")
        stripped = stripped.replace("\u2014", "--").replace("\u2013", "-")
    return stripped


def normalize(text: str) -> NormalizedText:
    """Split decoded text into repaired, non-blank lines with their original line numbers."""
    out = NormalizedText()
    raw = text.split("\n")
    # Each line stripped at once; the few that hold a suspect character (none, mostly) are
    # repaired instead, in line order.
    stripped = [line.strip() for line in raw]
    repairs = out.repairs
    for index in _suspect_lines(text):
        line = raw[index].rstrip()
        if line and _SUSPECT.search(line):
            stripped[index] = _repair(line, index + 1, repairs).rstrip()
    # Only a line that starts with `0` or `(` can be the wrapped tail of the one before it.
    if _WRAP_START.search("\n" + "\n".join(stripped)):
        _join_wrapped(stripped, out)
    else:
        out.lines = [line for line in stripped if line]
        out.origin = [n for n, line in enumerate(stripped, start=1) if line]
    return out


def _suspect_lines(text: str) -> list[int]:
    """The indexes of the lines that hold a suspect character (some may not once stripped);
    in an ASCII text, `>` and `%` count only where they open a line."""
    if text.isascii():  # its suspect characters are found with `str.find`, most often none
        starts = []
        for char in _ASCII_SUSPECT:
            leading = char in _LEADING_ONLY
            at = text.find(char)
            while at != -1:
                if not leading or not text[text.rfind("\n", 0, at) + 1:at].strip():
                    starts.append(at)
                at = text.find(char, at + 1)
        starts.sort()
    else:
        starts = [m.start() for m in _SUSPECT.finditer(text)]
    found: list[int] = []
    index = last = 0
    for at in starts:
        index += text.count("\n", last, at)
        last = at
        if not found or found[-1] != index:
            found.append(index)
    return found


def _join_wrapped(stripped: list[str], out: NormalizedText) -> None:
    """The non-blank lines with their line numbers, each wrapped tail joined to its line."""
    lines, origin, repairs = out.lines, out.origin, out.repairs
    wrapped = False
    for lineno, line in enumerate(stripped, start=1):
        if not line:
            continue
        if lines and line[0] in "0(" and _is_wrapped_tail(line, lines[-1]):
            repairs.append(Repair(line=lineno, kind="wrapped-hresult"))
            lines[-1] = f"{lines[-1]} {line}"
            wrapped = True
            continue
        lines.append(line)
        origin.append(lineno)
    if wrapped:  # in line order, as they were made: a line's repairs before its joining
        repairs.sort(key=lambda r: r.line)


def _is_wrapped_tail(line: str, previous: str) -> bool:
    """An HRESULT (or its parenthesised detail) that a paste moved onto its own line (only a
    line that starts with `0` or `(` can be one)."""
    if _HRESULT_ONLY.match(line):
        return not _HAS_HRESULT.search(previous) and not previous.startswith(("-", "["))
    if _PAREN_DETAIL_ONLY.match(line):
        return bool(_ENDS_WITH_HRESULT.search(previous))
    return False
