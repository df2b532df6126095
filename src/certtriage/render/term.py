"""Terminal layout: styled text wrapped to a width without ever breaking what can be copied.

A paragraph is a sequence of :class:`Run` (text, style, link). :func:`wrap` breaks it only at
spaces outside *atoms*: URLs, backtick code spans, distinguished names, event times and the
values a caller names (subjects, issuers, paths). An atom that does not fit goes to the next
line; one longer than a whole line stands on a line of its own and runs past the width rather
than being cut, so copying it gives it whole. Continuation lines keep their indent, and no line
ends in a space.

:class:`Screen` collects lines and renders them as plain text, or with ANSI colours (SGR) and
OSC 8 hyperlinks. Text from the inputs reaches the terminal with its control characters shown
as escapes (`render/escape.py`: ESC as `\\x1b`), so a hostile subject cannot move the cursor,
clear the screen, retitle the window or hide a link; a line feed inside a line shows as `\\n`.
This module knows no report; `render/text.py` and `render/info.py` lay reports and rules out
with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .escape import one_line, visible

#: The styles in use, each one SGR sequence; a run has at most one, so no two combine (a
#: `Failed` that is bold and dim at once is unreadable on many terminals).
THEME: dict[str, str] = {
    "failing": "1;91",  # the failing element and the failed URL: the brightest thing shown
    "fail": "1;31",
    "pass": "1;32",
    "inconclusive": "1;33",
    "unrecognized": "1;35",
    "error": "31",
    "warning": "33",
    "info": "36",
    "ok": "32",
    "head": "1",
    "code": "36",
    "dim": "2",
}

_GLYPHS = {
    True: {"rule": "─", "tee": "├── ", "last": "└── ", "pipe": "│   ", "space": "    "},
    False: {"rule": "-", "tee": "|-- ", "last": "`-- ", "pipe": "|   ", "space": "    "},
}
#: Glyphs that need a Unicode-capable output (the ASCII set replaces them otherwise).
UNICODE_PROBE = "─├└│"

_KEY = r"(?:CN|OU|O|DC|L|S|ST|C|E|T|G|SN|STREET|SERIALNUMBER|OID\.[\d.]+)"
_ATOMS = re.compile(
    r"(?P<url>\b(?:https?|ldaps?|ftp|file)://[^\s<>\"'`]+)"
    r"|(?P<code>`[^`\n]+`)"
    rf"|(?P<dn>\b(?:{_KEY}=[^,()\n=]+, ?)*{_KEY}=[^,()\s]+)"
    r"|(?P<time>\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[ T]\d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)",
    re.IGNORECASE,
)
_URL_TAIL = ".,;:)]}'\""
#: A piece of a line between breakable spaces (`_tokens`).
_PIECE = re.compile("[^ ]+")


class Run(NamedTuple):
    """A piece of text in one style, optionally a hyperlink."""

    text: str
    style: str = ""
    link: str = ""


Line = tuple[Run, ...]


def _shown(run: Run) -> Run:
    """`run` with its control characters shown (before layout, so widths count them)."""
    text = visible(run.text.replace("\t", " "))
    return run if text == run.text else Run(text, run.style, run.link)


def cells(text: str) -> int:
    """Terminal columns `text` takes (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0
               if unicodedata.combining(c) else 1 for c in text)


def urls(text: str) -> list[tuple[int, int]]:
    """Where the URLs of `text` are (sentence punctuation after one is not part of it)."""
    found = []
    for m in _ATOMS.finditer(text):
        if m.lastgroup == "url":
            end = m.end()
            while end > m.start() and text[end - 1] in _URL_TAIL:
                end -= 1
            found.append((m.start(), end))
    return found


def atoms(text: str, keep: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Spans of `text` that must stay on one line: URLs, code spans, names, times, and every
    occurrence of the values in `keep`."""
    spans = [m.span() for m in _ATOMS.finditer(text)]
    for value in keep:
        if value and " " in value:
            start = text.find(value)
            while start >= 0:
                spans.append((start, start + len(value)))
                start = text.find(value, start + len(value))
    return spans


def _tokens(text: str, keep: Iterable[str]) -> list[tuple[int, int]]:
    """The pieces between the spaces where a line may break: the runs of characters that are
    not a space outside an atom (an atom's spaces are set aside first, so one match finds
    each piece)."""
    shielded = text
    for a, b in atoms(text, keep):
        if " " in text[a:b]:
            shielded = shielded[:a] + text[a:b].replace(" ", "\x00") + shielded[b:]
    return [m.span() for m in _PIECE.finditer(shielded)]


def _slice(runs: Sequence[Run], start: int, end: int) -> Line:
    """The runs' text between offsets `start` and `end` of their joined text, styles kept."""
    out, offset = [], 0
    for run in runs:
        a, b = max(start, offset), min(end, offset + len(run.text))
        if a < b:
            out.append(Run(run.text[a - offset:b - offset], run.style, run.link))
        offset += len(run.text)
    return tuple(out)


def wrap(runs: Sequence[Run], width: int, *, prefix: Sequence[Run] = (),
         hang: Sequence[Run] | None = None, keep: Iterable[str] = ()) -> list[Line]:
    """`runs` as lines of at most `width` columns where the atoms allow: the first line after
    `prefix`, the others after `hang` (spaces as wide as `prefix` by default)."""
    text = "".join(r.text for r in runs).replace("\n", " ")
    runs = [Run(r.text.replace("\n", " "), r.style, r.link) for r in runs]
    lead = "".join(r.text for r in prefix)
    hang = (Run(" " * cells(lead)),) if hang is None else tuple(hang)
    room = [max(width - cells(lead), 10), max(width - cells("".join(r.text for r in hang)), 10)]
    lines: list[Line] = []
    first = last = -1
    for start, end in _tokens(text, tuple(keep)):
        if first >= 0 and cells(text[first:end]) > room[bool(lines)]:
            lines.append(_slice(runs, first, last))
            first = -1
        if first < 0:
            first = start
        last = end
    if first >= 0 or not lines:
        lines.append(_slice(runs, max(first, 0), max(last, 0)))
    return [(*(prefix if n == 0 else hang), *line) for n, line in enumerate(lines)]


def linked(text: str, style: str = "") -> list[Run]:
    """`text` as runs in `style`, each URL in it a hyperlink to itself."""
    out, offset = [], 0
    for start, end in urls(text):
        if start > offset:
            out.append(Run(text[offset:start], style))
        out.append(Run(text[start:end], style, text[start:end]))
        offset = end
    if offset < len(text) or not out:
        out.append(Run(text[offset:], style))
    return out


class Screen:
    """Lines laid out for one width; rendered as plain text or with colours and links."""

    def __init__(self, width: int = 80, *, color: bool = False, links: bool = False,
                 unicode: bool = True) -> None:
        self.width = max(width, 30)
        self.color = color
        self.links = links
        self.glyph = _GLYPHS[unicode]
        self.lines: list[Line] = []

    def line(self, *runs: Run | str) -> None:
        """One line as it is (never wrapped)."""
        self.lines.append(tuple(_shown(Run(r) if isinstance(r, str) else r) for r in runs))

    def blank(self) -> None:
        """An empty line (never two in a row, never first)."""
        if self.lines and self.lines[-1]:
            self.lines.append(())

    def para(self, runs: Sequence[Run] | str, *, prefix: Sequence[Run] | str = (),
             hang: Sequence[Run] | str | None = None, keep: Iterable[str] = ()) -> None:
        """A wrapped paragraph (see :func:`wrap`); URLs in plain strings become links."""
        body = [_shown(r) for r in (linked(runs) if isinstance(runs, str) else runs)]
        lead = (Run(prefix),) if isinstance(prefix, str) else prefix
        rest = (Run(hang),) if isinstance(hang, str) else hang
        self.lines.extend(wrap(body, self.width, prefix=lead, hang=rest, keep=keep))

    def rule(self, title: str = "") -> None:
        """A full-width rule, with a title near its start."""
        bar = self.glyph["rule"]
        if not title:
            self.line(Run(bar * self.width, "dim"))
            return
        head = f"{bar * 3} {title} "
        self.line(Run(head + bar * max(self.width - cells(head), 3), "dim"))

    def text(self) -> str:
        """Every line, each ended by a newline, without trailing spaces."""
        return "".join(self._render(line) + "\n" for line in self.lines)

    def _render(self, line: Line) -> str:
        runs = list(line)
        while runs and not runs[-1].text.rstrip():
            runs.pop()
        if runs:
            last = runs[-1]
            runs[-1] = Run(last.text.rstrip(), last.style, last.link)
        return "".join(self._run(r) for r in runs)

    def _run(self, run: Run) -> str:
        text = one_line(run.text.replace("\t", " "))
        if self.color and run.style in THEME:
            text = f"\x1b[{THEME[run.style]}m{text}\x1b[0m"
        if self.links and run.link:
            target = one_line(run.link).replace(";", "%3B")
            text = f"\x1b]8;;{target}\x1b\\{text}\x1b]8;;\x1b\\"
        return text
