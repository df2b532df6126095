"""The characters a regular expression's match can start with, and the plain text every match
holds, for trying at each line only the terminals that can match there.

`first_chars` reads the pattern as Python's own regex parser does and collects the first
characters of every way through it. Whatever it does not know for certain (a character
category, a negated class, an inline flag, a construct it does not read) makes the answer
"any character" (None): the set it gives may be larger than the truth, never smaller, so a
dispatch built on it tries every terminal that could match, in the same order, and finds the
same first match as trying them all.
"""

from __future__ import annotations

import functools
import re
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

#: A range wider than this counts as "any character" (the set would hold little).
_WIDEST = 128


class _Any(Exception):
    """The first character can be anything (as far as this reading can tell)."""


@functools.cache  # each question about a terminal reads its pattern once
def _parsed(source: str) -> list[tuple[Any, Any]] | None:
    """`source` as Python's regex parser reads it, or None when it cannot."""
    try:
        return list(sre_parse.parse(source))
    except (re.error, TypeError, ValueError, RecursionError):
        return None


@functools.cache  # a terminal's pattern is read once, when a combination is first built
def first_chars(source: str) -> frozenset[str] | None:
    """The characters a match of `source` (compiled without flags) can start with; None when
    it can start with any, or when it can match the empty string."""
    items = _parsed(source)
    if items is None:
        return None
    try:
        chars, nullable = _sequence(items)
    except (_Any, RecursionError):
        return None
    return None if nullable else frozenset(chars)


def _sequence(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    found: set[str] = set()
    for item in items:
        chars, nullable = _item(*item)
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is sre.LITERAL:
        return {chr(av)}, False
    if op is sre.IN:
        return _class(av), False
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, pattern = av
        if add_flags or del_flags:
            raise _Any
        return _sequence(list(pattern))
    if op is sre.BRANCH:
        chars: set[str] = set()
        nullable = False
        for branch in av[1]:
            more, empty = _sequence(list(branch))
            chars |= more
            nullable |= empty
        return chars, nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, _high, pattern = av
        chars, nullable = _sequence(list(pattern))
        return chars, nullable or low == 0
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return set(), True  # zero width: ignoring what it asserts only widens the set
    raise _Any


def _class(items: list[tuple[Any, Any]]) -> set[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE:
            low, high = av
            if high - low > _WIDEST:
                raise _Any
            chars.update(chr(c) for c in range(low, high + 1))
        else:  # NEGATE, CATEGORY (\d, \s, \w match more than ASCII), anything else
            raise _Any
    return chars


def requires(source: str, literal: str) -> bool:
    """Whether every match of `source` (compiled without flags) holds `literal` (a run of
    plain characters). Whatever this reading does not know for certain counts as "not
    required": the answer may be False where the truth is True, never the other way round, so
    leaving out a terminal that requires a literal on lines without it finds the same first
    match."""
    items = _parsed(source)
    if items is None:
        return False
    try:
        return _holds(items, literal)
    except RecursionError:
        return False


def _holds(items: list[tuple[Any, Any]], literal: str) -> bool:
    run = ""  # the plain characters matched last, one after the other
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            if literal in run:
                return True
            continue
        run = ""
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, pattern = av
            if not add_flags and not del_flags and _holds(list(pattern), literal):
                return True
        elif op is sre.BRANCH:
            if all(_holds(list(branch), literal) for branch in av[1]):
                return True
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, _high, pattern = av
            if low >= 1 and _holds(list(pattern), literal):
                return True
    return False
