"""Cleaning the lines of a text for the message search: the whole-text shortcut (no line with
a marker or a trailing backslash, so each line is only single-spaced) gives exactly what
cleaning each line on its own gives, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.knowledge.catalog._clean import clean_line, clean_lines, clean_text

#: Pieces that make lines marked, escaped, quoted, indented or none of these.
PIECES = st.sampled_from([
    "> ", ">", "# ", "#", "- ", "-", "* ", "1. ", "12) ", "% ", "\u2022 ", "\\", " \\ ", "  ",
    "\t", "\r", "\u00a0", "\u2003", "A fatal alert", "text", "0x80092013", "`code`", "**b**",
    "&amp;", "<br>", "\n", "\n\n", ":", "=", "36887", "_", "__b__", "*", "CERT_TRUST_IS",
])


@settings(max_examples=400)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_the_shortcut_cleans_as_each_line_on_its_own(text: str) -> None:
    assert clean_lines(text) == [clean_line(line) for line in clean_text(text).split("\n")]


def test_a_plain_text_takes_the_shortcut_and_a_marked_one_does_not() -> None:
    assert clean_lines("  Element.dwInfoStatus =  0x2 \nCertUtil: done") == [
        "Element.dwInfoStatus = 0x2", "CertUtil: done"]
    assert clean_lines("> A fatal alert\n- was received \\") == [
        "A fatal alert", "was received"]
