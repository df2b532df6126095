"""Generated certutil inputs: the lines of the fixtures, their fragments and arbitrary text,
and -urlfetch sections built from them, for the tests that read such inputs both ways (the
line classifier against the grammar; models made without validation against validated)."""

from __future__ import annotations

from hypothesis import strategies as st

from ...conftest import FIXTURES


def _fixture_lines() -> list[str]:
    lines: set[str] = set()
    for path in FIXTURES.joinpath("certutil").rglob("*.txt"):
        lines.update(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return sorted(lines)


KNOWN_LINES = _fixture_lines()


def _having(*marks: str) -> list[str]:
    return [line for line in KNOWN_LINES if any(m in line for m in marks)]


#: A -urlfetch section as the fixtures print it (header, then retrieval status lines, each with
#: its error and URL lines), its parts in any order and mixed with other lines: the lexer's
#: three contexts and every move between them.
#: A retrieval's error code ends lines of every kind too: the retrieval terminals and the base
#: kinds then both match, and the priorities decide.
RETRIEVAL_CODES = ["0x80072ee7 (WIN32: 12007 ERROR_WINHTTP_NAME_NOT_RESOLVED)",
                   "0x80190194 (-2145844844 HTTP_E_STATUS_NOT_FOUND)"]
SECTION_PARTS = st.one_of(
    st.sampled_from(_having("----", "Time:", "[0.", "://", "Error retrieving", "0x8",
                            "CertContext[")),
    st.builds(lambda line, code: f"{line} {code}", st.sampled_from(KNOWN_LINES),
              st.sampled_from(RETRIEVAL_CODES)))
SECTION = st.builds(lambda head, rest: [head, *rest], st.sampled_from(_having("-------- ")),
                    st.lists(SECTION_PARTS, max_size=8))
NOISE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
LINE = st.one_of(st.sampled_from(KNOWN_LINES), NOISE,
                 st.builds(lambda a, b: a[: len(a) // 2] + b, st.sampled_from(KNOWN_LINES),
                           NOISE))
CHUNK = st.one_of(LINE.map(lambda line: [line]), SECTION)
INDENT = st.sampled_from(["", "  ", "    ", "\t", "> ", "% "])
