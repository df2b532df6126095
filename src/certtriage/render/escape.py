"""Text from the inputs made harmless in any output: control characters are shown, not obeyed.

One convention for every format a person reads (text, Markdown, HTML, CSV, and the messages on
standard error):

- a C0 control character other than tab and line feed, DEL and a C1 control character are
  shown as ``\\xNN``: ESC is ``\\x1b``, the one-byte CSI ``\\x9b``, carriage return ``\\x0d``;
- Unicode controls that reorder or split what is shown (bidirectional marks, embeddings,
  overrides and isolates, the line and paragraph separators) are shown as ``\\uNNNN``;
- a byte of a file name that is not UTF-8 (Python keeps it as a lone surrogate, U+DC80 to
  U+DCFF) is shown as the byte, ``\\xNN``; any other lone surrogate as ``\\uNNNN``.

So a subject that clears the screen, retitles the window or hides a link (OSC 8) reads as the
escape sequence it is, and every such text can be encoded. JSON keeps the values as they were
and relies on its own escapes (:func:`json_safe`); tab and line feed are left to each format.
"""

from __future__ import annotations

import re

_SHOWN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
#: What JSON leaves raw but a terminal showing the file might obey (JSON escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]")
#: The same, as UTF-8 bytes (a record the serialiser wrote, searched without decoding it):
#: DEL, C1 controls, U+061C, U+200E, U+200F, U+2028 to U+202E, U+2066 to U+2069. Lone
#: surrogates have no UTF-8 form (the serialiser refuses them). Kept with `_JSON_RAW`.
_JSON_RAW_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
#: The bytes each match of `_JSON_RAW_UTF8` starts with. A record without any of them (most
#: records past ASCII: accented letters, CJK) is not searched: four byte scans took 1.8 us of a
#: 24 KB record the pattern's search took 62 us over.
_JSON_RAW_LEADS = (b"\x7f", b"\xc2", b"\xd8", b"\xe2")
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as its escape (tab and line feed kept)."""
    return _SHOWN.sub(_shown, text)


def one_line(text: str) -> str:
    """`text` shown on one line: tabs and line feeds as escapes too."""
    return visible(text).replace("\t", "\\t").replace("\n", "\\n")


def json_safe(document: str) -> str:
    """A JSON document whose strings carry DEL, C1 and Unicode controls and lone surrogates as
    ``\\uNNNN`` escapes: the decoded values are unchanged, the file holds none of them raw."""
    if document.isascii() and "\x7f" not in document:  # all else escaped here is past ASCII
        return document
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def holds_json_raw(record: bytes) -> bool:
    """Whether a JSON record in UTF-8 holds a character :func:`json_safe` escapes."""
    if record.isascii():
        return b"\x7f" in record
    return (any(lead in record for lead in _JSON_RAW_LEADS)
            and _JSON_RAW_UTF8.search(record) is not None)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (OWASP), and control characters are shown."""
    shown = visible(text)
    return f"'{shown}" if shown[:1] in FORMULA_STARTS else shown
