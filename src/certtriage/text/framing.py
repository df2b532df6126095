"""Undo what an export or a log puts around the text a tool printed, before any format is
sniffed: the escapes of a string value (a ticket exported as JSON holds a whole certutil dump
on one line, its line breaks written `\\r\\n`) and a gutter in front of every line (the time a
log collector stamped, the line numbers of an editor or a paste site).

Both are recognised by their structure, never by the words inside: escaped line breaks by how
many stand on one line, a gutter by the same shape (a date and time, or numbers counting up
by one) in front of nearly every line.
"""

from __future__ import annotations

import re
from typing import Any


class _Lazy:
    """A pattern compiled on its first use: a paste that holds no escapes and whose lines open
    with no digit compiles none of them (together they cost about 2 ms, a percent of
    answering a paste)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


#: Escaped line breaks on one line that make it a value written out (a Windows path such as
#: `C:\new` holds one); one of them at least must be followed by a blank or another break (an
#: indented line, an empty one), which a path's `\n` never is.
ESCAPED_BREAKS = 3
#: Lines a JSON string value must span to be read as text of its own (a certutil tail of two
#: lines is evidence).
LITERAL_LINES = 2
_ESCAPED_BREAK = _Lazy(r"\\r\\n|\\n")
_ESCAPED_BLANK = _Lazy(r"(?:\\r\\n|\\n)(?:[ \t]|\\[rnt])")
#: An escaped break before a lower-case letter: a Windows path's `\\new` far more often than a
#: line of tool output (whose lines open with a capital, a blank or a digit); a literal with
#: one is read as a value only when it holds a value written out (`_written_out`).
_PATH_BREAK = _Lazy(r"\\n[a-z]")
#: A string literal as JSON writes one (on one line; its quotes and backslashes escaped).
_LITERAL = _Lazy(r'"((?:[^"\\\n]|\\.)*)"')
#: The escapes of a string written out, for a value that is no valid JSON string.
_ESCAPE = _Lazy(r"\\(?:r\\n|[nrt\"\\/]|u([0-9a-fA-F]{4}))")
_UNESCAPED = {"r\\n": "\n", "n": "\n", "r": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}

#: A date and time stamped at the start of a line, with what a logger writes after it: a
#: zone, a level, a separator. Brackets around either are common. A level is one only when a
#: blank follows it: `ERROR:` opening the text after the time is certutil's own line.
_STAMP = _Lazy(
    r"[ \t]*\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?"
    r"(?:[ \t]+\[?(?:TRACE|DEBUG|VERBOSE|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|FATAL)\]?"
    r"(?=[ \t]))?"
    r"(?:[ \t]*[:|-](?=[ \t]))?[ \t]?", re.IGNORECASE)
#: A line number in a gutter: `12: `, `12 | `, `  12  ` (two spaces or a tab after it).
_NUMBER = _Lazy(r"[ \t]*(\d{1,6})(?:[ \t]?[:|][ \t]?|\t|  )")
#: Share of the non-blank lines a gutter must stand in front of.
GUTTER_SHARE = 0.9
#: Lines a gutter needs at least: two lines numbered or stamped alike (a certutil tail of two
#: or three lines is evidence; the text is only kept if a format then recognises it).
GUTTER_LINES = 2


def may_be_framed(text: str) -> bool:
    """Whether `text` may hold escaped line breaks or a gutter (a quick look: the escape
    anywhere, or a stamp or a number in front of two of its first three non-blank lines)."""
    if "\\" in text and "\\n" in text:  # one character is found at memory speed, two not
        return True
    heads: list[str] = []
    start = 0
    while len(heads) < 3 and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            heads.append(text[start:end])
        start = end + 1
    opening = [h for h in heads if h.lstrip(" \t")[:1].isdigit() or h.lstrip(" \t")[:1] == "["]
    if len(opening) < min(2, len(heads)):  # a gutter opens with a digit or a bracket
        return False
    return sum(1 for h in heads if _STAMP.match(h) or _NUMBER.match(h)) >= min(2, len(heads))


def _written_out(line: str) -> bool:
    return (len(_ESCAPED_BREAK.findall(line)) >= ESCAPED_BREAKS
            and _ESCAPED_BLANK.search(line) is not None)


def undo_escapes(text: str) -> tuple[str, int]:
    """The text with every line that holds a value written out unescaped: a JSON string
    literal on it whose value spans lines (`LITERAL_LINES` of them or more) decoded in place,
    on lines of its own; else, when the line itself holds a value written out
    (`ESCAPED_BREAKS` escaped line breaks, `_ESCAPED_BLANK`), its escapes undone. Returns the
    text and the number of lines undone."""
    if "\\n" not in text:
        return text, 0
    lines = text.split("\n")
    undone = 0
    for number, line in enumerate(lines):
        if line.count("\\n") < LITERAL_LINES - 1:
            continue
        new = _LITERAL.sub(_literal, line) if '"' in line else line
        if new == line:
            if not _written_out(line):
                continue
            new = _unescape(line)
        lines[number] = new.replace("\r\n", "\n").replace("\r", "\n")
        undone += 1
    return "\n".join(lines), undone


def _literal(match: re.Match[str]) -> str:
    """A string literal whose value spans lines, decoded on lines of its own; any other
    literal as it stands. JSON decides what the escapes mean (a path's `\\\\n` is no line
    break); a literal JSON refuses (a path's `\\W`) is undone by hand when it holds a value
    written out."""
    body = match.group(1)
    if body.count("\\n") < LITERAL_LINES - 1:
        return match.group(0)
    if _PATH_BREAK.search(body) is not None and not _written_out(body):
        return match.group(0)  # `"C:\\temp\\new.cer"`: a path, its `\\n` no line break
    import json  # here: a paste rarely holds a string value written out

    try:
        value = json.loads(match.group(0))
    except ValueError:
        if not _written_out(body):
            return match.group(0)
        value = _unescape(body)
    if not isinstance(value, str) or value.count("\n") < LITERAL_LINES - 1:
        return match.group(0)
    return f"\n{value}\n"


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return chr(int(code, 16)) if code else _UNESCAPED[match.group(0)[1:]]

    return str(_ESCAPE.sub(one, text))


def undo_gutter(text: str, *, stamps: bool = True) -> tuple[str, int, str]:
    """The text without the gutter in front of its lines, how many lines had it, and what it
    was ('time stamps', 'line numbers'; '' when there is none): a date and time in front of
    `GUTTER_SHARE` of the non-blank lines (unless not `stamps`: in a table or a log a date
    and time opening every line may be its own first column), or numbers that count up by
    one."""
    lines = text.split("\n")
    filled = [n for n, line in enumerate(lines) if line.strip()]
    if len(filled) < GUTTER_LINES:
        return text, 0, ""
    need = GUTTER_SHARE * len(filled)
    kinds = (("time stamps", _STAMP),) if stamps else ()
    for what, found in ((what, [gutter.match(lines[n]) for n in filled])  # a kind at a time
                        for what, gutter in (*kinds, ("line numbers", _NUMBER))):
        held = sum(1 for m in found if m is not None)
        if held >= need and (what == "time stamps" or _counting(found) >= need):
            cut = [n for n, match in zip(filled, found) if match is not None]
            for n, match in zip(filled, found):
                if match is not None:
                    lines[n] = lines[n][match.end():]
            _dedent(lines, cut)
            return "\n".join(lines), held, what
    return text, 0, ""


#: The quote mark in front of a line a mail or Markdown quotes (`> `; a quotation inside a
#: quotation has one more each level down).
_QUOTE = re.compile(r"[ \t]*>[ \t]?")
#: Quoted lines standing together (blank lines between them count) that make a quotation.
QUOTED_LINES = 4


_QUOTED_LINE = re.compile(r"^[ \t]*>", re.MULTILINE)


def may_be_quoted(text: str) -> bool:
    """Whether a line of `text` may open with a quote mark (a quick look)."""
    return _QUOTED_LINE.search(text) is not None


def undo_quotes(text: str) -> tuple[str, int]:
    """The text without the quote marks in front of the lines of each quotation in it
    (`QUOTED_LINES` or more quoted lines together: a post that quotes a tool's output between
    its own sentences), and how many lines had them. The lines around keep what they have. A
    quotation inside another loses its marks a level at a time, so a line of the output that
    starts with `>` itself (a tag's end on its own line) keeps it."""
    undone = 0
    for _ in range(_LEVELS):
        text, level = _undo_quote_level(text)
        if not level:
            break
        undone = max(undone, level)
    return text, undone


#: The deepest quotation undone.
_LEVELS = 5


def _undo_quote_level(text: str) -> tuple[str, int]:
    """One level of quote marks undone (`undo_quotes`)."""
    lines = text.split("\n")
    marks = [_QUOTE.match(line) if line.lstrip(" \t").startswith(">") else None
             for line in lines]
    undone = 0
    run: list[int] = []
    for n in [*range(len(lines)), len(lines)]:  # one past the end closes the last run
        if n < len(lines) and (marks[n] is not None or (run and not lines[n].strip())):
            run.append(n)
            continue
        quoted = [k for k in run if marks[k] is not None]
        if len(quoted) >= QUOTED_LINES:
            for k in quoted:
                lines[k] = lines[k][marks[k].end():]  # type: ignore[union-attr]
            undone += len(quoted)
        run = []
    return ("\n".join(lines), undone) if undone else (text, 0)


def _dedent(lines: list[str], cut: list[int]) -> None:
    """Take off the blanks every line kept after its gutter (a logger pads its level to a
    width): the text starts where the least indented of those lines does."""
    indents = [len(lines[n]) - len(lines[n].lstrip(" \t")) for n in cut if lines[n].strip()]
    common = min(indents, default=0)
    if common:
        for n in cut:
            lines[n] = lines[n][common:]


def _counting(found: list[re.Match[str] | None]) -> int:
    """How many of the numbers count up by one from the number before them (a gutter's do;
    the first counts when the second follows it)."""
    numbers = [int(m.group(1)) if m is not None else None for m in found]
    counted = 0
    for before, number in zip([None, *numbers], numbers):
        if number is not None and before is not None and number == before + 1:
            counted += 1
    return counted + (1 if counted else 0)
