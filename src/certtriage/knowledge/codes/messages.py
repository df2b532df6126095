"""Codes named only by Windows' message for them: a ticket's sentence or a certutil line that
quotes the text of an error without its number (`The revocation function was unable to check
revocation because the revocation server was offline.`).

Only codes that name a cause count, and Schannel's own (SSPI) codes, whose messages say what
a TLS peer's credentials lacked (`The credentials supplied to the package were not
recognized`); and only messages long enough to be unmistakable. The match is loose on
whitespace (a message wrapped over lines) and letter case. Besides the
English texts of the code tables, the messages Windows prints in other display languages
(`data/hresult_l10n.toml`) name their codes too.
"""

from __future__ import annotations

import functools
import re

from .tables import ErrorCode

#: Messages shorter than this (in UTF-8 bytes: a Chinese or Japanese message says as much in
#: fewer characters) name too little to be told from prose.
MIN_LENGTH = 25
#: The same for the SSPI codes that name no cause: their shorter messages (`The handle
#: specified is invalid`) are said of much else.
MIN_SSPI_LENGTH = 40


@functools.cache
def messages() -> dict[str, ErrorCode]:
    """Each message of the codes that name a cause, and of the SSPI codes (single-spaced,
    lower case, no final period), to its code."""
    from . import code_tables

    by_text: dict[str, ErrorCode] = {}
    localized = _localized()
    for code in code_tables().codes:
        if code.cause is None and code.family != "sspi":
            continue
        shortest = MIN_LENGTH if code.cause is not None else MIN_SSPI_LENGTH
        for message in (code.message, *code.alt_messages, *localized.get(code.hex, ())):
            text = _key(message)
            if len(text.encode("utf-8")) >= shortest:
                by_text.setdefault(text, code)
    return by_text


def _localized() -> dict[str, list[str]]:
    """The messages of `data/hresult_l10n.toml`, by the code's value."""
    from importlib import resources

    from ..._cache import load_toml

    path = resources.files("certtriage.knowledge") / "data" / "hresult_l10n.toml"
    data = load_toml(path.read_bytes(), "hresult_l10n")
    return {value.lower(): list(texts) for value, texts in data.items()}


@functools.cache
def message_index() -> tuple[re.Pattern[str], dict[str, ErrorCode]]:
    """One pattern over :func:`messages` (longest first), and those messages. Compiling it
    costs a few milliseconds, so a text that is one message whole does without it."""
    by_text = messages()
    alternation = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in
                           sorted(by_text, key=len, reverse=True))
    return re.compile(alternation, re.IGNORECASE), by_text


def code_by_message(text: str) -> ErrorCode | None:
    """The code whose message `text` holds first (None when it holds none)."""
    whole = messages().get(_key(text))
    if whole is not None:  # what the pattern finds first in a text that is one message
        return whole
    pattern, by_text = message_index()
    match = pattern.search(text)
    return None if match is None else by_text[_key(match.group(0))]


def _key(text: str) -> str:
    return " ".join(text.split()).rstrip(". \u3002").lower()  # a full stop, or an ideographic one
