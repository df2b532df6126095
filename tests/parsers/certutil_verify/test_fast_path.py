"""The line classifier against the grammar: the grammar is the specification.

Every input is read twice, by `lines.classify` and by the LALR parser (`from_tree`), and the
test fails on the first line or model field where they differ: over every fixture, every file
of the real corpus (skipped without ../shared) and generated inputs built from the lines of the
fixtures, their fragments and arbitrary text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import LarkError

from certtriage.grammars import CERTUTIL_VERIFY
from certtriage.parsers._lark import get_parser
from certtriage.parsers.certutil_verify.lines import (
    Block,
    Line,
    classify,
    from_tree,
    line_kind,
    tables,
)
from certtriage.parsers.certutil_verify.parser import parse
from certtriage.text.decode import decode
from certtriage.text.normalize import normalize

from ...conftest import FIXTURES, REAL
from .generated import CHUNK, INDENT


@pytest.fixture(autouse=True, params=["whole combination", "by first character"])
def dispatch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test twice: lines matched with every terminal combined (inside a section: the
    base terminals, then the retrieval terminals), and with the terminals of the line's
    context that can start with its first character (built at once here, not after a few
    hundred lines). No line's kind is kept from an earlier test (`line_kind`)."""
    known = tables()
    assert known is not None
    line_kind.cache_clear()
    for dispatch in (known.base, known.plain, known.after_header, known.in_check):
        monkeypatch.setattr(dispatch, "by_char", {})
        monkeypatch.setattr(dispatch, "_seen", {})
        monkeypatch.setattr(dispatch, "SPECIALISE",
                            10**9 if request.param == "whole combination" else 1)


def _texts(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json"
                  and p.name not in ("README.md", "MANIFEST.json"))


def _flat(blocks: list[Block]) -> list[tuple[str, str, str, str, int]]:
    """Every line with where it stands: (block, place, kind, text, number)."""
    out = []
    for block in blocks:
        for item in block.items:
            if isinstance(item, Line):
                out.append((block.kind, "body", *item))
                continue
            out.append((block.kind, "section", *item.header))
            for check in item.checks:
                out.extend((block.kind, "retrieval" if i else "status", *line)
                           for i, line in enumerate(check))
    return out


def _first_difference(fast: list[Block], grammar: list[Block]) -> str:
    a, b = _flat(fast), _flat(grammar)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}: fast path {x!r}, grammar {y!r}"
    if len(a) != len(b):
        return f"fast path {len(a)} lines, grammar {len(b)}"
    return "same lines, different blocks"


def assert_same(text: str) -> None:
    """Both paths read `text` alike, and the fast path reads whatever the grammar reads."""
    norm = normalize(text).text
    fast = classify(norm)
    assert classify(norm) == fast, "a line's kept kind differs from its kind read afresh"
    try:
        grammar = from_tree(get_parser(CERTUTIL_VERIFY).parse(norm))
    except LarkError:
        assert fast is None, "the fast path read an input the grammar rejects"
        return
    assert fast is not None, "the fast path did not read an input the grammar reads"
    assert fast == grammar, _first_difference(fast, grammar)
    a, b = parse(text), parse(text, grammar=True)
    if a != b:
        da, db = a.model_dump(), b.model_dump()
        field = next(k for k in da if da[k] != db[k])
        pytest.fail(f"models differ first in {field}: {da[field]!r} != {db[field]!r}")


def test_contexts_are_the_grammar_lexer_contexts() -> None:
    """The three terminal sets are the sets Lark's contextual lexer uses in the parser's
    states, tried in the same order of priority."""
    known = tables()
    assert known is not None
    base = known.base.ordered
    nested = [name for name, _, _ in known.nested]
    ours = [base, [*base, "URL_STATUS"], [*base, *nested]]
    lexers = get_parser(CERTUTIL_VERIFY).parser.lexer.lexers.values()
    theirs = {frozenset(t.name for t in lx.terminals) for lx in lexers}
    assert {frozenset(c) for c in ours} == {s for s in theirs if "OTHER" in s}
    assert [known.after_header.ordered, known.in_check.ordered] == [
        sorted(c, key=lambda n: (-known.priority[n], n)) for c in ours[1:]]
    priority = {t.name: t.priority for t in get_parser(CERTUTIL_VERIFY).terminals}
    assert known.priority == priority
    for names in (base, nested):
        assert [priority[n] for n in names] == sorted((priority[n] for n in names), reverse=True)


def test_headers_are_the_grammar_block_rules() -> None:
    known = tables()
    assert known is not None
    assert known.headers["ELEMENT_HEADER"] == "element"
    assert known.headers["LABEL"] == "identity"
    assert known.details == {"RETRIEVAL_ERROR", "URL_LINE", "BARE_URL"}


FIXTURE_FILES = [p for p in _texts(FIXTURES) if p.suffix in (".txt", ".log", ".md", "")]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(path: Path) -> None:
    assert_same(decode(path.read_bytes(), str(path)).text)


def _real_files() -> list[Path]:
    return _texts(REAL) if REAL.is_dir() else []


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name[:40])
def test_every_real_file(path: Path) -> None:
    assert_same(decode(path.read_bytes(), str(path)).text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(INDENT, CHUNK), max_size=30))
def test_generated_inputs(chunks: list[tuple[str, list[str]]]) -> None:
    assert_same("\n".join(i + line for i, lines in chunks for line in lines) + "\n")


def test_a_line_no_terminal_reads_is_declined() -> None:
    """Text the lexer could not read (a last line without its newline) is not guessed at."""
    assert classify("Issuer:\nCN=x") is None
    assert classify("Issuer:\nCN=x\n") is not None


def test_parse_falls_back_to_the_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fast path declines, parse() reads the input with the grammar."""
    import certtriage.parsers.certutil_verify.parser as module

    text = (FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt").read_text()
    calls: list[str] = []
    monkeypatch.setattr(module, "classify", lambda norm: calls.append(norm))
    assert parse(text) == parse(text, grammar=True)
    assert calls and parse(text).elements


@pytest.mark.parametrize(("pattern", "starts"), [
    (r"Missing Issuer:[^\n]*\n", "M"),
    (r"(Delta )?CRL[ \t]+x", "DC"),
    (r"(ChainContext|SimpleChain)\.dw", "CS"),
    (r"[0-9a-fA-F]{4}x", "0123456789abcdefABCDEF"),
    (r"-{3,}[ \t]*x", "-"),
    (r"(?=a)ab", "a"),
    (r"[^\s:]x", None),  # a negated class: any
    (r"\d+ KDC", None),  # \d matches more than ASCII digits
    (r"x*", None),  # may match nothing
    (r"(?i:c)ertutil", None),  # an inline flag
])
def test_first_characters_of_a_terminal(pattern: str, starts: str | None) -> None:
    from certtriage.parsers.certutil_verify.first import first_chars

    assert first_chars(pattern) == (None if starts is None else frozenset(starts))


def test_every_mark_leaves_out_a_terminal() -> None:
    """Each of the marks that send a line past the terminals needing them is needed by one
    (a grammar change that drops the last such terminal makes the mark dead weight)."""
    from certtriage.parsers.certutil_verify.first import requires
    from certtriage.parsers.certutil_verify.lines import MARKS

    known = tables()
    assert known is not None
    for mark in MARKS:
        assert any(requires(known.base.terminals[n][1], mark) for n in known.base.ordered), mark


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["0x", ":", ")", "):", " as issued by", "a", " ", "=\"", ")=\"",
                                 " KDC certificate", "x0", "CERT_TRUST_", "  "]),
                max_size=12).map("".join))
def test_a_line_with_a_mark_is_read_by_every_terminal(body: str) -> None:
    """A line that holds a mark is matched against every terminal of its context, one that
    holds none against those that need none: either way the kind every terminal combined
    gives it (generated lines made of marks, parts of marks and plain text)."""
    from certtriage.parsers.certutil_verify.lines import _BASE

    known = tables()
    assert known is not None
    m = known.base.whole.match(body + "\n") if known.base.whole else None
    whole = m.lastgroup if m is not None and m.end() == len(body) + 1 else None
    assert line_kind(_BASE, body) == whole


def _newline_possible(items: list) -> bool:  # type: ignore[type-arg]
    """Whether a parsed regex (`re._parser`) may match a line break anywhere (conservative:
    an element it does not know counts as one that may)."""
    import re._constants as c

    def one(op: object, arg: object) -> bool:
        if op is c.LITERAL:
            return arg == 10
        if op is c.NOT_LITERAL:
            return arg != 10
        if op is c.ANY:
            return False  # `.` without DOTALL
        if op in (c.AT,):
            return False
        if op is c.IN:
            members = list(arg)  # type: ignore[call-overload]
            negated = members[:1] == [(c.NEGATE, None)]
            hits = any(_member_newline(o, a) for o, a in members if o is not c.NEGATE)
            return not hits if negated else hits
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            return _newline_possible(arg[2])  # type: ignore[index]
        if op is c.SUBPATTERN:
            return _newline_possible(arg[3])  # type: ignore[index]
        if op is c.BRANCH:
            return any(_newline_possible(b) for b in arg[1])  # type: ignore[index]
        if op in (c.ASSERT, c.ASSERT_NOT):
            return False  # matches nothing itself
        return True

    return any(one(op, arg) for op, arg in items)


def _member_newline(op: object, arg: object) -> bool:
    import re._constants as c

    if op is c.LITERAL:
        return arg == 10
    if op is c.RANGE:
        low, high = arg  # type: ignore[misc]
        return bool(low <= 10 <= high)
    if op is c.CATEGORY:
        return arg in (c.CATEGORY_SPACE, c.CATEGORY_NOT_DIGIT, c.CATEGORY_NOT_WORD)
    return True


def test_every_terminal_reads_one_whole_line() -> None:
    """Each terminal of the grammar ends with a line break and reads none before it, so a
    line's kind is a function of the line and its lexer context (`line_kind` keeps it)."""
    import re._parser

    known = tables()
    assert known is not None
    for name, (_, pattern) in known.base.terminals.items():
        assert pattern.endswith("\\n"), name
        assert not _newline_possible(list(re._parser.parse(pattern[:-2]))), name


def test_a_pattern_that_reads_a_line_break_is_seen() -> None:
    """The check above tells the shapes that may read a line break from those that cannot."""
    import re._parser

    def may(pattern: str) -> bool:
        return _newline_possible(list(re._parser.parse(pattern)))

    for pattern in (r"a\nb", r"[^x]", r"\s", r"[\s:]", r"[\x00-\x7f]", r"(a|\n)", r"\D+", r"[^a]*"):
        assert may(pattern), pattern
    for pattern in (r"[^\n]*", r"[^\s:=]x", r"a.b", r"[ \t]+\d", r"(?:x|[^\n\"])+", r"\S+"):
        assert not may(pattern), pattern
