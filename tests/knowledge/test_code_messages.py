"""A code named only by Windows' message for it: a text that is one message whole is looked up,
any other is searched; both give the code the search gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.knowledge.codes import code_tables
from certtriage.knowledge.codes.messages import code_by_message, message_index, messages

MESSAGES = sorted({m for c in code_tables().codes if c.cause is not None
                   for m in (c.message, *c.alt_messages)})


def _searched(text: str) -> str | None:
    pattern, by_text = message_index()
    match = pattern.search(text)
    return None if match is None else by_text[" ".join(match.group(0).split()).lower()].hex


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MESSAGES), st.sampled_from(["", " ", ".", ". ", "\n", "  .\t"]),
       st.sampled_from(["", " ", "\t", "Error: ", "the server said "]),
       st.booleans(), st.booleans())
def test_a_message_whole_or_in_a_sentence_names_the_code_the_search_names(
        message: str, tail: str, lead: str, wrapped: bool, shouted: bool) -> None:
    text = message.replace(" ", "\n  ", 2) if wrapped else message
    text = lead + (text.upper() if shouted else text) + tail
    found = code_by_message(text)
    assert (found.hex if found else None) == _searched(text)


def test_every_long_message_is_looked_up_whole() -> None:
    table = messages()
    for message in MESSAGES:
        key = " ".join(message.split()).rstrip(". ").lower()
        if len(key) >= 25:
            assert code_by_message(message) is table[key]
    assert code_by_message("short text, no message") is None


@pytest.mark.parametrize("text", ["", "   ", "."])
def test_an_empty_text_names_no_code(text: str) -> None:
    assert code_by_message(text) is None


def test_a_text_that_is_one_message_is_answered_without_compiling_the_search() -> None:
    message_index.cache_clear()
    try:
        assert code_by_message(f"  {MESSAGES[0].upper()}.\n") is not None
        assert message_index.cache_info().currsize == 0
        code_by_message(f"it said: {MESSAGES[0]}")
        assert message_index.cache_info().currsize == 1
    finally:
        message_index.cache_clear()
