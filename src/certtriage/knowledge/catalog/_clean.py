"""Lines as the matcher reads them: what a ticket, a web page or Markdown put around a message,
taken off one line at a time.

Each input line gives exactly one cleaned line, so an offset in the cleaned text maps back to
the input's line number. Removed: HTML tags of prose markup (`<br>`, `<p>`, `<b>` ...; never
`<http://...>` or XML elements), HTML entities (`&quot;`, `&amp;`, `&nbsp;` ...), quote markers
(`>`), Markdown headings, list bullets and numbers, bold markers, backticks, Markdown escapes,
a trailing backslash (a Markdown line break), typographic quotes and odd spaces; runs of
whitespace become one space. This works on its own and on text a normaliser already cleaned.
"""

from __future__ import annotations

import re

from ...text.chars import PASTE_CHARS

_TAGS = re.compile(
    r"</?(?:br|p|div|span|b|i|u|s|em|strong|blockquote|code|pre|li|ul|ol|dl|dt|dd|td|tr|th|"
    r"table|tbody|thead|h[1-6]|a|font|small|big|sup|sub|tt|hr|mark|kbd|samp|q|cite|center|"
    r"section|article|header|footer|label)\b[^<>\n]*>",
    re.IGNORECASE,
)
_ODD = re.compile("[" + "".join(chr(c) for c in PASTE_CHARS) + "]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
#: A line that may start with a marker: quote, heading, bullet, number, prompt. The blanks
#: before it are taken whole (`*+`): no marker starts with a blank, and giving them back one
#: at a time to try each marker again made the search of a text for such a line (an indented
#: certutil dump) twice as long.
_MARKED = re.compile(r"^\s*+(?:[>#*+\u2022\u00b7%]|-\s|\d{1,3}[.)]\s)")
_PREFIX = re.compile(
    r"^(?:(?:>|#{1,6}(?=\s|$)|[-*+\u2022\u00b7](?=\s)|\d{1,3}[.)](?=\s)|%(?=\s))\s*)+")
_ESCAPE = re.compile(r"\\([_*\[\]#~|`<>])")
_BOLD = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")


def clean_text(text: str) -> str:
    """What applies to the whole text at once: entities, prose tags, typographic characters,
    backticks, bold markers, Markdown escapes (none of them spans a line break)."""
    if "&" in text:
        import html  # here: its table of entities is built only for a text with one

        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)).replace("\n", " "), text)
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if not text.isascii() and _ODD.search(text):  # every odd character is beyond ASCII
        text = _ODD.sub(lambda m: m.group(0).translate(PASTE_CHARS), text)
    if "`" in text:
        text = text.replace("`", "")
    if ("*" in text and "**" in text) or ("_" in text and text.rfind("__") >= 0):
        # one character is found at memory speed, two take a slower search, and the
        # backward one (`rfind`) measured under half the forward one's time (`in`) on
        # certutil dumps, whose flag names put `_` on most lines
        text = _BOLD.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return text


def clean_line(line: str) -> str:
    """One line of cleaned text: its markers and a trailing backslash off, single-spaced."""
    if _MARKED.match(line):
        line = _PREFIX.sub("", line.strip())
    stripped = line.rstrip()
    if stripped.endswith("\\"):
        line = stripped.rstrip("\\")
    return " ".join(line.split())


def clean_lines(text: str) -> list[str]:
    """Every line of `text`, cleaned; the list has one entry per input line."""
    return lines_of(clean_text(text))


def only_spaced(cleaned: str) -> bool:
    """Whether no line of a text `clean_text` gave starts with a marker or ends with a
    backslash: then cleaning its lines only single-spaces them."""
    return (_MARKED.match(cleaned) is None and _ANY_MARKED.search(cleaned) is None
            and _ANY_BACKSLASH_END.search(cleaned) is None)


def lines_of(cleaned: str, spaced: bool | None = None) -> list[str]:
    """`clean_lines` of a text `clean_text` gave (`spaced`: what `only_spaced` says of it,
    when known)."""
    if spaced if spaced is not None else only_spaced(cleaned):
        # no line starts with a marker or ends with a backslash: each is only single-spaced
        return [" ".join(line.split()) for line in cleaned.split("\n")]
    return [clean_line(line) for line in cleaned.split("\n")]


#: Whether some line after the first may start with a marker (it may also find a line that
#: does not: then every line is cleaned on its own, as always). The line break is part of the
#: pattern, so the search jumps from line break to line break instead of trying `^` at every
#: character.
_ANY_MARKED = re.compile("\n" + _MARKED.pattern.removeprefix("^"))
_ANY_BACKSLASH_END = re.compile(r"\\\s*$", re.MULTILINE)
