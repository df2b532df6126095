"""The lines of normalised certutil output, grouped into blocks: what the grammar's parse tree
holds, read without the LALR driver.

The grammar (grammars/certutil_verify.lark) stays the specification. Its terminals are read
from the grammar file itself and combined into one regex per lexer context, in the order of
their priorities, which is the order Lark's lexer tries them (terminals of equal priority never
match the same line: the grammar compiles with strict=True). Blocks are grouped by their header
lines as the grammar's block rules do. Only three contexts exist: outside a -urlfetch section,
right after a section header (a retrieval status may follow), and inside a retrieval (its
error and URL lines may follow). Every terminal reads one whole line, so a line's kind in its
context is kept (`line_kind`) and a line seen before is not matched again.

`classify` returns None when it cannot read the whole input (a line no terminal matches) or when
the grammar has a shape this module does not know; the parser then runs the grammar.
`from_tree` turns the grammar's parse tree into the same blocks, so both paths feed one reader.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

from ...grammars import CERTUTIL_VERIFY
from .._lark import grammar_text
from .first import first_chars, requires

if TYPE_CHECKING:
    from lark import Token, Tree


class Line(NamedTuple):
    """One normalised line: its kind (the grammar's terminal), its text and its line number in
    the normalised text (1-based)."""

    kind: str
    text: str
    number: int


#: `Line(kind, text, number)` without the generated `__new__` (one call per line of a dump).
_line = functools.partial(tuple.__new__, Line)


class Section(NamedTuple):
    """A -urlfetch section: its header line, then per retrieval its status line and detail
    lines."""

    header: Line
    checks: list[list[Line]]


class Block(NamedTuple):
    """A block of the grammar: its rule name (`lead` for lines before the first header) and its
    lines and sections in order, the header line first."""

    kind: str
    items: list[Line | Section]


class Dispatch:
    """The terminals of one lexer context combined per first character of a line: only those
    that can start with it (`first.first_chars`), in the order of their priorities, so a line
    is matched by the terminal the whole combination would give, without trying the others.

    Compiling a combination costs about what matching a few hundred lines with the whole one
    does, so a character's own combination is built once it has started `SPECIALISE` lines;
    until then (one paste, mostly) its lines are matched with the whole combination, or, for
    a context built without one (`whole=False`), `pattern` gives None and the caller matches
    the line another way. A dispatch built `without` some marks leaves out the terminals
    whose every match holds one of them (found when a combination is first built, so a paste
    reads no terminal's pattern for it)."""

    SPECIALISE = 200

    def __init__(self, terminals: dict[str, tuple[int, str]], names: list[str],
                 whole: bool = True, without: tuple[str, ...] = ()) -> None:
        self.terminals, self.without = terminals, without
        self.ordered = sorted(names, key=lambda n: (-terminals[n][0], n))
        self.whole = _combined(terminals, self.ordered) if whole else None
        self.by_char: dict[str, re.Pattern[str]] = {}
        self._seen: dict[str, int] = {}
        self._by_names: dict[tuple[str, ...], re.Pattern[str]] = {}

    @functools.cached_property
    def _unmarked(self) -> list[str]:
        """`ordered` without the terminals that need one of the marks (read once)."""
        return [n for n in self.ordered
                if not any(requires(self.terminals[n][1], m) for m in self.without)]

    def pattern(self, char: str) -> re.Pattern[str] | None:
        """The combination to match a line that starts with `char` with."""
        found = self.by_char.get(char)
        if found is not None:
            return found
        seen = self._seen[char] = self._seen.get(char, 0) + 1
        if seen < self.SPECIALISE:
            return self.whole
        names = tuple(n for n in self._unmarked
                      if (s := first_chars(self.terminals[n][1])) is None or char in s)
        found = self._by_names.get(names)
        if found is None:
            found = self._by_names[names] = _combined(self.terminals, list(names))
        self.by_char[char] = found
        return found


class Tables(NamedTuple):
    """What `classify` needs from the grammar."""

    base: Dispatch
    """Every terminal but those of a retrieval, by the first character of a line, in the order
    of their priorities."""
    plain: Dispatch
    """The base terminals but those whose every match holds one of `MARKS`, for the lines
    that hold none of them (most: a line that fits no other terminal would be scanned to its
    end for each); built without the whole combination."""
    after_header: Dispatch
    """The base terminals and a retrieval's status, for the line after a section header."""
    in_check: Dispatch
    """The base terminals and every retrieval terminal, for the lines inside a retrieval."""
    nested: tuple[tuple[str, int, re.Pattern[str]], ...]
    """The retrieval status and detail terminals with their priorities, highest first."""
    priority: dict[str, int]
    headers: dict[str, str]
    """Header terminal -> the block rule it leads."""
    details: frozenset[str]


#: The grammar's structure that `classify` implements; any other shape falls back to Lark.
_STRUCTURE = (
    "start: lead? _block*",
    "lead: _body+",
    "section: SECTION_HEADER url_check*",
    "url_check: URL_STATUS _check_detail*",
)
_TERMINAL = re.compile(r"^([A-Z][A-Z0-9_]*)(?:\.(-?\d+))?:[ \t]*/(.*)/[ \t]*$", re.MULTILINE)
_HEADER_RULE = re.compile(r"^([a-z][a-z_]*): ([A-Z][A-Z0-9_]*) _body\*$", re.MULTILINE)
_DETAILS = re.compile(r"^_check_detail: ([A-Z_ |]+)$", re.MULTILINE)
_SECTION, _STATUS = "SECTION_HEADER", "URL_STATUS"
#: Plain text that every match of some terminal holds and few lines do (`Tables.plain`): an
#: error code's `0x`, a two-certificate verdict's words, a name hash's `(sha1):`, a label's
#: closing colon, a KDC count, an RDN's OID detail. A line that holds none of them is not
#: tried against those terminals, several of which read a line to its end before failing.
MARKS = ("0x", " as issued by", "):", ":\n", " KDC certificate", ")=\"")


@functools.cache
def tables() -> Tables | None:
    """The combined terminal regexes of the three contexts and the block rule each header
    terminal leads, read from the grammar; None when the grammar's shape is not the known
    one."""
    text = grammar_text(CERTUTIL_VERIFY)
    lines = {line.strip() for line in text.splitlines()}
    details = _DETAILS.search(text)
    if not all(s in lines for s in _STRUCTURE) or details is None:
        return None
    terminals = {m.group(1): (int(m.group(2) or 1), m.group(3))
                 for m in _TERMINAL.finditer(text)}
    detail = frozenset(d.strip() for d in details.group(1).split("|"))
    nested = {_STATUS, *detail}
    headers = {m.group(2): m.group(1) for m in _HEADER_RULE.finditer(text)}
    if not nested <= terminals.keys() or not headers.keys() <= terminals.keys():
        return None
    outside = [n for n in terminals if n not in nested]
    ranked = sorted(nested, key=lambda n: -terminals[n][0])
    # Inside a section, one combination per context and first character too; none of the
    # whole: until a character's own is built, such a line is matched by the base terminals
    # and then the retrieval terminals of higher priority (`_nested`), which compiles nothing.
    return Tables(Dispatch(terminals, outside),
                  Dispatch(terminals, outside, whole=False, without=MARKS),
                  Dispatch(terminals, [*outside, _STATUS], whole=False),
                  Dispatch(terminals, [*outside, *nested], whole=False),
                  tuple((n, terminals[n][0], re.compile(terminals[n][1])) for n in ranked),
                  {n: p for n, (p, _) in terminals.items()}, headers, detail)


def _combined(terminals: dict[str, tuple[int, str]], names: list[str]) -> re.Pattern[str]:
    """One regex trying `names` in the order of their priorities, highest first."""
    ordered = sorted(names, key=lambda n: (-terminals[n][0], n))
    return re.compile("|".join(f"(?P<{n}>{terminals[n][1]})" for n in ordered))


def classify(text: str) -> list[Block] | None:
    """The blocks of normalised text (every line ends with a newline), or None when a line
    fits no terminal or the grammar is not of the known shape.

    Inside a -urlfetch section the lexer also tries the retrieval terminals: a line is of the
    highest-priority kind that matches it among those its context allows, so a retrieval
    terminal wins over the base kind when its priority is higher (two terminals of one priority
    never match the same line).
    """
    known = tables()
    if known is None:
        return None
    headers, details = known.headers, known.details
    blocks: list[Block] = []
    items: list[Line | Section] = []
    section: Section | None = None
    context, pos, number, end = _BASE, 0, 0, len(text)
    while pos < end:
        newline = text.find("\n", pos)
        if newline < 0:  # a last line without its line break: no terminal reads it
            return None
        body = text[pos:newline]
        kind = line_kind(context, body)
        if kind is None:
            return None
        number += 1
        line = _line((kind, body, number))
        pos = newline + 1
        if kind in headers:
            if items and not blocks:
                blocks.append(Block("lead", items))
            items = [line]
            blocks.append(Block(headers[kind], items))
            context = _BASE
        elif kind == _SECTION:
            section = Section(line, [])
            items.append(section)
            context = _AFTER_HEADER
        elif kind == _STATUS and section is not None:
            section.checks.append([line])
            context = _IN_CHECK
        elif kind in details and section is not None:
            section.checks[-1].append(line)
        else:
            items.append(line)
            context = _BASE
    if items and not blocks:
        blocks.append(Block("lead", items))
    return blocks


@functools.lru_cache(maxsize=2048)
def line_kind(context: int, body: str) -> str | None:
    """The kind of a line (`body`, without its line break) in a lexer context, or None when no
    terminal of the context reads it whole. Every terminal reads one line to its break and
    none reads a break before that (`test_fast_path` checks the grammar for it), so the kind
    is a function of the line and its context alone, and a line seen before is not matched
    again: most lines of certutil output (status flags, section headers, retrieval lines)
    repeat from one dump to the next, where names, hashes and URLs do not. The last 2,048
    lines are kept (an entry holds about 220 bytes with its line)."""
    known = tables()
    if known is None:
        return None
    line = body + "\n"
    char = line[0]
    if context == _BASE:
        plain = known.plain
        own = plain.by_char.get(char) or plain.pattern(char)
        if own is not None:
            for mark in MARKS:  # a loop: twice as fast as `any` over a generator here
                if mark in line:
                    own = None
                    break
    else:
        inside = known.after_header if context == _AFTER_HEADER else known.in_check
        own = inside.by_char.get(char) or inside.pattern(char)
    base = known.base
    m = (own or base.by_char.get(char) or base.pattern(char)).match(  # type: ignore[union-attr]
        line)
    if m is None or m.end() != len(line):
        return None
    kind = m.lastgroup or ""
    if own is None and context != _BASE:  # a nested context without its own combination
        kind = _nested(known, kind, line, context)
    return kind


#: The three lexer contexts: outside a section, after a section header, inside a retrieval.
_BASE, _AFTER_HEADER, _IN_CHECK = 0, 1, 2


def _nested(known: Tables, kind: str, line: str, context: int) -> str:
    """The kind of `line` (with its line break) inside a section, whose base kind is `kind`."""
    floor = known.priority[kind]
    for name, priority, pattern in known.nested:
        if priority <= floor:
            break
        if (context == _IN_CHECK or name == _STATUS) and pattern.match(line):
            return name
    return kind


def from_tree(tree: Tree[Token]) -> list[Block]:
    """The blocks of the grammar's parse tree."""
    from lark import Token

    def line(token: Token) -> Line:
        return Line(token.type, token.rstrip("\n"), token.line or 1)

    def item(child: Token | Tree[Token]) -> Line | Section:
        if isinstance(child, Token):
            return line(child)
        head, *checks = child.children
        assert isinstance(head, Token)
        return Section(line(head), [[line(t) for t in c.children if isinstance(t, Token)]
                                    for c in checks if not isinstance(c, Token)])

    blocks = []
    for block in tree.children:
        assert not isinstance(block, Token)
        blocks.append(Block(str(block.data), [item(c) for c in block.children]))
    return blocks
