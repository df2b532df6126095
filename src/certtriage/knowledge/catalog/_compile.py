"""Templates compiled for the matcher, once: a regular expression per wording, its steps for
reading a message cut short, and the anchor phrase a cheap substring search finds it by.

A template's literal text matches loosely: any run of whitespace (a wrapped line included)
for a space, any letter case, SSL for TLS and the other way round (with "a"/"an" before it),
typographic apostrophes, `<` and `>` optional, and a missing final period. Each slot matches
what its kind looks like (an HRESULT, a number, a word, a host ...), so a slot never runs into
the sentence after it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from ._data import EventDef, Piece, Wording

#: What each kind of insertion string looks like in a rendered message.
SLOT_PATTERNS = {
    "hresult": r"(?:0[xX])?[0-9A-Fa-f]{6,9}(?![0-9A-Za-z])|-\d{9,10}|\d{10}",
    "number": r"\d{1,10}",
    "word": r"[^\s.,;:()]{1,40}",
    "protocol": r"[A-Za-z][\w.]{0,15}(?: \d+(?:\.\d+)?)?",
    "host": r"\S{0,300}?",
    "text": r"(?s:.{0,400}?)",
    "errortext": r"(?s:.{0,400}?0[xX][0-9A-Fa-f]{1,8}(?:\s*\([^)]{0,80}\))?|.{0,400}?)",
}
#: Kinds of slots that end by themselves, so the period after one may be missing.
_BOUNDED = frozenset({"number", "hresult"})
#: A slot at the very end of a template takes the rest of its line, up to a closing quote (an
#: apostrophe inside a word is not one).
_TAIL = r"(?:[^\n\"\u201d'\u2019]|['\u2019](?=\w))*"
#: What may follow a complete message: a space, the end, a closing quote or bracket, a table
#: bar, an HTML tag, a cut mark, or the punctuation of the sentence quoting it.
_END = r"(?=\s|$|[\"'\u201d\u2019)\]|<\u2026,!?]|\.\.)"
_WORD_SSL = re.compile(r"^(TLS|SSL)$")
#: Words of the template's head that make its anchor.
ANCHOR_WORDS = 3


@functools.cache
def pattern(source: str) -> re.Pattern[str]:
    """A pattern compiled on first use and kept (templates are only compiled where their
    anchor occurs, so a run pays for the wordings its text needs)."""
    return re.compile(source, re.IGNORECASE)


class Step(NamedTuple):
    """One step of reading a template piece by piece: a slot (or none, for the head) and the
    literal text after it."""

    slot: str | None
    slot_source: str
    """The slot's pattern ("" for the head)."""
    kind: str
    """The slot's kind ("" for the head)."""
    literal: str
    """The literal text, lower case, whitespace collapsed (for reading a cut message)."""
    source: str
    """The slot (as group `v`) and the literal together."""

    @property
    def slot_re(self) -> re.Pattern[str] | None:
        """The slot's pattern, compiled."""
        return pattern(self.slot_source) if self.slot_source else None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The step's pattern, compiled."""
        return pattern(self.source)


@dataclass(frozen=True)
class Compiled:
    """One wording of one event, ready to match."""

    event: EventDef
    wording: Wording
    index: int
    """The wording's position in the event's list (later = newer)."""
    source: str
    """The whole template's pattern."""
    groups: tuple[str, ...]
    """Field name of each group g0, g1 ... of `full`."""
    steps: tuple[Step, ...]
    anchors: tuple[str, ...]
    """Lower-case phrases of the head (TLS and SSL spellings) a substring search finds."""
    lead: int
    """How many characters the template may hold before its anchor (0: it starts with it)."""
    head_length: int
    """Characters of literal text before the first slot."""

    @property
    def full(self) -> re.Pattern[str]:
        """The whole template's pattern, compiled."""
        return pattern(self.source)


def literal_regex(text: str, *, final: bool = False, protocol_next: bool = False) -> str:
    """The loose regular expression of a template's literal text; `protocol_next`: a protocol
    slot follows it (`An %1 connection request`), which a/an may stand before either way."""
    words = text.split()
    if not words:
        return r"\s*"
    out = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ("TLS" if protocol_next
                                                                     else "")
        if word.lower() in ("a", "an") and _WORD_SSL.match(following.rstrip(".,:;")):
            out.append("an?")
            continue
        out.append(_word_regex(word, final and index == len(words) - 1))
    body = r"\s+".join(out)
    lead = r"\s*" if text[:1].isspace() else ""  # after a slot that may be empty
    trail = r"\s+" if text[-1:].isspace() else ""  # a lazy slot after it stops at the space
    return lead + body + trail


def _word_regex(word: str, last: bool) -> str:
    dot = last and word.endswith(".") and len(word) > 1
    core = word[:-1] if dot else word
    if _WORD_SSL.match(core):
        body = "(?:TLS|SSL)"
    else:
        body = re.escape(core).translate(_LOOSE)
    return body + (r"\.?" if dot else "")


_LOOSE = str.maketrans({"<": "<?", ">": ">?", "'": "['\u2019]", "\u2019": "['\u2019]",
                        '"': '["\u201c\u201d]'})


def compile_wording(event: EventDef, wording: Wording, index: int) -> Compiled:
    """A wording's patterns (as sources: they are compiled on first use)."""
    items = _merge_hex_prefix(wording.pieces(), event)
    regex, groups = "", list[str]()
    steps: list[Step] = []
    for position, (kind, value) in enumerate(items):
        last = position == len(items) - 1
        if kind == "text":
            following = items[position + 1] if not last else None
            part = literal_regex(value, final=last, protocol_next=following is not None
                                 and following[0] == "slot"
                                 and event.kind(following[1]) == "protocol")
            if last and value.strip() == "." and steps and steps[-1].kind in _BOUNDED:
                part = r"\.?"  # `... code is 48,` in a quoting sentence: the number ends it
            regex += part
            literal = " ".join(value.lower().split())
            if steps and steps[-1].slot is not None and not steps[-1].literal:
                slot = steps[-1]
                steps[-1] = Step(slot.slot, slot.slot_source, slot.kind, literal,
                                 f"(?P<v>{slot.slot_source}){part}")
            else:
                steps.append(Step(None, "", "", literal, part))
            continue
        source = _TAIL if last else SLOT_PATTERNS[event.kind(value)]
        regex += f"(?P<g{len(groups)}>{source})"
        groups.append(value)
        steps.append(Step(value, source, event.kind(value), "", f"(?P<v>{source})"))
    anchors, lead = _anchor(items)
    head = items[0][1] if items and items[0][0] == "text" else ""
    return Compiled(
        event=event, wording=wording, index=index, source=regex + _END, groups=tuple(groups),
        steps=tuple(steps), anchors=anchors, lead=lead,
        head_length=len(" ".join(head.split())),
    )


def _merge_hex_prefix(items: list[Piece], event: EventDef) -> list[Piece]:
    """`0x%1` with an HRESULT slot: the slot reads the 0x itself (7+ renders it without)."""
    out: list[Piece] = []
    for kind, value in items:
        if (kind == "slot" and event.kind(value) == "hresult" and out
                and out[-1][0] == "text" and out[-1][1].endswith("0x")):
            out[-1] = ("text", out[-1][1][:-2])
        out.append((kind, value))
    return [p for p in out if p[1]]


def _anchor(items: list[Piece]) -> tuple[tuple[str, ...], int]:
    """The first words of the first literal long enough to search for, and how much of the
    template may come before them."""
    before = 0
    for kind, value in items:
        words = value.split() if kind == "text" else []
        phrase = " ".join(words[:ANCHOR_WORDS]).lower().rstrip(".")
        if len(phrase) >= 8:
            return _spellings(phrase), (before + len(value) - len(value.lstrip())
                                        if before else 0)
        before += len(value) if kind == "text" else 40
    return (), 0


def _spellings(phrase: str) -> tuple[str, ...]:
    """The phrase with SSL for TLS and TLS for SSL (and the article that goes with each)."""
    variants = {phrase}
    for old, new in (("an ssl", "a tls"), ("a tls", "an ssl"), ("ssl", "tls"), ("tls", "ssl")):
        variants |= {v.replace(old, new) for v in variants}
    return tuple(sorted(variants))
