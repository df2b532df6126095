"""Characters that pastes put in place of plain ones: one table for every reader."""

from __future__ import annotations

#: Typographic quotes (word processors, web pages, mail clients) -> ASCII quotes.
QUOTES: dict[str, str] = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'",
}
#: No-break, figure and narrow spaces -> a space; zero-width space and a stray BOM -> nothing.
SPACES: dict[str, str] = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\ufeff": "",
}
#: Both tables for `str.translate`.
PASTE_CHARS = str.maketrans({**QUOTES, **SPACES})
#: Only the quotes, for `str.translate`.
QUOTE_CHARS = str.maketrans(QUOTES)
