"""The terminal layout primitives: wrapping never breaks an atom (URL, name, code span, time),
keeps the indent, leaves no trailing space; colours and links only on request."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.render.term import Run, Screen, cells, wrap

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
URLS = st.builds(lambda host, path: f"http://{host}.contoso.com/{path}.crl",
                 WORDS, st.text(alphabet="abcdefgh%20/_", min_size=1, max_size=90))
NAMES = st.builds(lambda cn, ou: f"CN={cn} {ou}, OU={ou}, DC=contoso, DC=com", WORDS, WORDS)
CODES = st.builds(lambda a, b: f"`certutil -{a} {b}`", WORDS, WORDS)
ATOMS = st.one_of(URLS, NAMES, CODES)


def _joined(lines: list[tuple[Run, ...]], indent: int) -> list[str]:
    return ["".join(r.text for r in line) for line in lines]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WORDS, ATOMS), min_size=1, max_size=40),
       st.integers(min_value=30, max_value=200), st.integers(min_value=0, max_value=8))
def test_atoms_stay_whole_and_indent_is_kept(pieces: list[str], width: int, indent: int) -> None:
    text = " ".join(pieces)
    lines = _joined(wrap([Run(text)], width, prefix=[Run(" " * indent + "- ")]), indent)
    assert " ".join(line.strip().removeprefix("- ") for line in lines) == " ".join(
        text.split())
    atoms = [p for p in pieces if p.startswith(("http", "CN=", "`"))]
    for atom in atoms:
        assert any(atom in line for line in lines), atom
    for line in lines[1:]:
        assert line.startswith(" " * (indent + 2)) and not line[indent + 2].isspace()
    for line in lines:
        over = cells(line) > width
        assert not over or any(a in line for a in atoms) or len(line.split()) <= 2, line


def test_an_atom_longer_than_the_line_stands_alone_and_is_not_cut() -> None:
    url = "http://pki.contoso.com/" + "x" * 100 + ".crl"
    lines = _joined(wrap([Run(f"the URL {url} failed")], 40, prefix=[Run("  ")]), 2)
    assert lines == ["  the URL", f"  {url}", "  failed"]


def test_styles_and_links_survive_wrapping_and_trailing_spaces_go() -> None:
    screen = Screen(30, color=True, links=True)
    screen.para([Run("failed: "), Run("http://a.example/x.crl", "failing", "http://a.example/x.crl"),
                 Run(" and more words here   ")])
    out = screen.text()
    assert "\x1b]8;;http://a.example/x.crl\x1b\\\x1b[1;91mhttp://a.example/x.crl\x1b[0m" in out
    assert all(line == line.rstrip() for line in out.splitlines())
    assert Screen(30).rule() is None


def test_control_characters_from_the_input_never_reach_the_terminal() -> None:
    screen = Screen(80, color=True)
    screen.line(Run("CN=evil\x1b]0;pwned\x07\x1b[2J", "failing"))
    assert "\x07" not in screen.text() and "\x1b]0" not in screen.text()


def test_wide_characters_count_two_columns() -> None:
    assert cells("证书") == 4 and cells("abc") == 3
    lines = _joined(wrap([Run("证书 " * 20)], 30), 0)
    assert all(cells(line) <= 30 for line in lines)


def test_ascii_glyphs_when_the_output_cannot_encode_box_drawing() -> None:
    screen = Screen(40, unicode=False)
    screen.rule("certtriage")
    assert screen.text().isascii() and screen.text().startswith("--- certtriage ---")


def _tokens_by_character(text: str, keep: tuple[str, ...]) -> list[tuple[int, int]]:
    """The pieces between breakable spaces, read one character at a time (the reference)."""
    from certtriage.render.term import atoms

    protected = bytearray(len(text))
    for a, b in atoms(text, keep):
        protected[a:b] = b"\x01" * (b - a)
    pieces: list[tuple[int, int]] = []
    start = -1
    for index, char in enumerate(text):
        if char == " " and not protected[index]:
            if start >= 0:
                pieces.append((start, index))
                start = -1
        elif start < 0:
            start = index
    if start >= 0:
        pieces.append((start, len(text)))
    return pieces


_WORDS = st.sampled_from(["CN=Contoso Issuing CA", "OU=Sales", "http://crl.contoso.com/a b.crl",
                          "`certutil -urlfetch`", "7/15/2025 11:20 AM", "0x80092013", "the",
                          "revocation", "", " ", "  ", "é", "名前", "\x00", "a,b", "(x)"])


@given(st.lists(_WORDS, max_size=25).map(" ".join), st.lists(_WORDS, max_size=3))
def test_line_pieces_are_those_read_one_character_at_a_time(text: str, keep: list[str]) -> None:
    from certtriage.render.term import _tokens

    assert _tokens(text, tuple(keep)) == _tokens_by_character(text, tuple(keep))
