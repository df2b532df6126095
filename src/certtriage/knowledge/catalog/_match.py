"""Find catalog messages in cleaned text: whole, wrapped over lines, or cut short.

The text is the cleaned lines joined by line breaks (`_clean`); `flat` is the same text in
lower case with line breaks as spaces, so offsets agree. Each wording's anchor phrase is looked
up with `str.find` (a cheap substring scan, no regular expression over the whole text); only
where an anchor occurs are the wording's patterns run, anchored at that offset. The work is
linear in the input: one scan per distinct anchor, and a bounded match per occurrence.

A message cut short (a Get-WinEvent table cuts it with `...`, a ticket quotes its first
sentence) is read step by step: the template's head, then each slot with the text after it,
until the text stops agreeing with the template. It counts when the text stops at a cut: `...`,
the end of a line or of the text, a closing quote; and the part read is long enough to be
distinctive (at least the anchor and `MIN_CUT` characters of the template).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os.path import commonprefix
from typing import TYPE_CHECKING

from ._anchors import middle_word

if TYPE_CHECKING:  # a text is checked against the anchors (`may_hit`) without the compiler
    from ._compile import Compiled

#: Template characters a cut message must show (at a `...`, a line end or a closing quote).
MIN_CUT = 40
#: ... and when it merely stops agreeing at a word boundary.
MIN_BOUNDARY = 80
_CLOSERS = "\"')]|<\u201d\u2019"
_CUTS = ("...", "\u2026")


@dataclass
class Hit:
    """One wording matched at one place."""

    compiled: Compiled
    start: int
    end: int
    slots: dict[str, str] = field(default_factory=dict)
    cut: bool = False
    covered: int = 0
    """Template characters read (a whole match: its length)."""

    def score(self) -> tuple[int, int, int, int]:
        """Whole before cut, more read, more slots, newer wording."""
        return (0 if self.cut else 1, self.covered, len(self.slots), self.compiled.index)


#: An insertion string left unfilled, as event documentation prints a message (`%1`,
#: `{ErrorCode}`).
UNFILLED = re.compile(r"(?<![\w%])%\d{1,2}(?!\d)|\{[A-Za-z]\w*\}")


def find_hits(joined: str, flat: str, by_anchor: dict[str, list[Compiled]]) -> list[Hit]:
    """Every wording matched anywhere in the text (overlaps not yet resolved).

    An anchor of three words or more occurs only where its middle words are words of the text
    (`flat` is single-spaced: they stand between two spaces there too), so an anchor whose
    longest middle word is not among the text's words is not searched for."""
    hits: list[Hit] = []
    words = set(flat.split(" "))
    for anchor, wordings in by_anchor.items():
        word = middle_word(anchor)
        if word is not None and word not in words:
            continue
        position = flat.find(anchor)
        while position != -1:
            for compiled in wordings:
                hit = _try(compiled, joined, flat, position)
                if hit is not None:
                    hits.append(hit)
            position = flat.find(anchor, position + len(anchor))
    if any(UNFILLED.search(value) for hit in hits for value in hit.slots.values()):
        # the catalog's own templates, their insertion strings unfilled (`%1`): documentation
        # of the messages, not messages logged; its wordings without values are that too
        return [h for h in hits if h.slots and not any(
            UNFILLED.search(value) for value in h.slots.values())]
    return hits



def _may_agree(literal: str, joined: str, flat: str, position: int) -> bool:
    """Whether reading the head by hand can come to anything: `flat` is the text in lower case
    and single-spaced, so a common prefix shows at C speed where the two part; unless they part
    on a TLS/SSL word or an optional character, the reading stops there too."""
    agreed = len(commonprefix((literal, flat[position:position + len(literal)])))
    if agreed == len(literal) or literal[agreed:agreed + 3] in ("tls", "ssl") or (
            literal[agreed:agreed + 1] in ("<", ">", "'")):
        return True
    return agreed >= 12 and (agreed >= MIN_BOUNDARY or _is_cut(joined, position + agreed)
                             or _sentence_end(joined, position + agreed))


def _starts(compiled: Compiled, flat: str, position: int) -> list[int]:
    """Where the template may start: at its anchor, or at a word start shortly before it."""
    if not compiled.lead:
        return [position]
    low = max(0, position - compiled.lead - 20)
    return [s for s in range(low, position) if s == 0 or not flat[s - 1].isalnum()
            and flat[s].isalnum()]


def _try(compiled: Compiled, joined: str, flat: str, position: int) -> Hit | None:
    head = compiled.steps[0]
    if not compiled.lead and head.slot is None:
        # The head read by hand first: a wording that parts from the text here is never
        # compiled, and a template without slots needs no pattern at all.
        if not _may_agree(head.literal, joined, flat, position):
            return None
        read, stop = walk(head.literal, joined, position)
        if read < len(head.literal):
            return read_cut(compiled, joined, position) if read >= 12 else None
        if len(compiled.steps) == 1:
            return Hit(compiled, position, stop, covered=stop - position)
    for start in _starts(compiled, flat, position):
        m = compiled.full.match(joined, start)
        if m is not None and m.end() > position:
            slots = {name: (m.group(f"g{i}") or "").strip()
                     for i, name in enumerate(compiled.groups)}
            return Hit(compiled, start, m.end(), slots, covered=m.end() - start)
    for start in _starts(compiled, flat, position):
        hit = read_cut(compiled, joined, start)
        if hit is not None and hit.end >= position:
            return hit
    return None


def read_cut(compiled: Compiled, text: str, start: int) -> Hit | None:
    """The template read as far as the text agrees with it; a Hit when it stops at a cut."""
    position, covered = start, 0
    slots: dict[str, str] = {}
    for step in compiled.steps:
        m = step.pattern.match(text, position)
        if m is not None:
            if step.slot is not None:
                slots[step.slot] = (m.group("v") or "").strip()
            covered += len(step.literal)
            position = m.end()
            continue
        value, reached = _slot_until_cut(step.kind, step.slot_re, text, position) if (
            step.slot is not None) else ("", position)
        if step.slot is not None:
            if not value or _is_cut(text, reached):
                if value:
                    slots[step.slot] = value
                return _cut(compiled, text, start, reached, covered, slots)
            slots[step.slot] = value
        read, stop = walk(step.literal, text, reached)
        return _cut(compiled, text, start, stop, covered + read, slots,
                    boundary=read > 0 or step.slot is None)
    return Hit(compiled, start, position, slots, covered=position - start)


def _slot_until_cut(kind: str, slot_re: re.Pattern[str] | None, text: str,
                    position: int) -> tuple[str, int]:
    """A slot's value in a message that stops: a host runs to the next space (without the
    punctuation after it), free text to the next cut; other kinds are matched as they are."""
    if kind == "host":
        token = _TOKEN.match(text, position)
        value = token.group(0).rstrip(".,;:" + _CLOSERS) if token else ""
        return value, position + len(value)
    if kind in ("text", "errortext"):
        end = position
        while end < len(text) and end - position < 400 and not _is_cut(text, end):
            end += 1
        return text[position:end].strip(), end
    m = slot_re.match(text, position) if slot_re is not None else None
    return (m.group(0), m.end()) if m else ("", position)


_TOKEN = re.compile(r"\S*")


def _cut(compiled: Compiled, text: str, start: int, stop: int, covered: int,
         slots: dict[str, str], boundary: bool = False) -> Hit | None:
    if covered < min(MIN_CUT, compiled.head_length) or covered < 12:
        return None
    at_cut = _is_cut(text, stop) or _sentence_end(text, stop)
    if not at_cut and not (boundary and covered >= MIN_BOUNDARY and _word_end(text, stop)):
        return None
    return Hit(compiled, start, stop, slots, cut=True, covered=covered)


def _sentence_end(text: str, position: int) -> bool:
    """Whether the text agreed with a wording through a whole sentence, ending here: a message
    retold from its second sentence on (`... credential. Internal error state 10013`) is
    still the event its first sentence is."""
    end = position
    while end > 0 and text[end - 1] in " \t":  # where the sentence's blank after it was read
        end -= 1
    return end > 0 and text[end - 1] in ".\u3002" and (
        end < position or position >= len(text) or text[position].isspace())


def _is_cut(text: str, position: int) -> bool:
    """Whether the text stops here: a cut mark, a line end, the end, a closing quote."""
    if position >= len(text) or text[position] == "\n":
        return True
    if text.startswith(_CUTS, position) or text.startswith(".." , position):
        return True
    return text[position] in _CLOSERS


def _word_end(text: str, position: int) -> bool:
    return position >= len(text) or not text[position].isalnum()


def walk(literal: str, text: str, position: int) -> tuple[int, int]:
    """How many characters of `literal` (lower case, single spaces) the text agrees with from
    `position`, and where the text's last agreeing character ends."""
    i, j, last, n, size = 0, position, position, len(literal), len(text)
    while j < size and text[j].isspace():  # the literal's edges are loose, as in its pattern
        j += 1
    while i < n and j < size:
        expected, got = literal[i], text[j].lower()
        if expected == " ":
            if got.isspace():
                while j < size and text[j].isspace():
                    j += 1
            elif i:
                break
            i += 1
        elif got == expected or (expected in "'\u2019" and got in "'\u2019"):
            i, j, last = i + 1, j + 1, j + 1
        elif expected in "<>":
            i += 1
        elif literal.startswith(("tls", "ssl"), i) and text[j:j + 3].lower() in ("tls", "ssl"):
            i, j, last = i + 3, j + 3, j + 3
        else:
            break
    return i, last


def resolve(hits: list[Hit]) -> list[list[Hit]]:
    """Overlapping hits reduced to the best; ties between events kept together (ambiguous).
    Hits are swept in order of their start, so only hits that overlap are ever compared."""
    groups: list[list[Hit]] = []
    cluster: list[Hit] = []
    end = -1
    for hit in sorted(hits, key=lambda h: h.start):
        if cluster and hit.start >= end:
            groups.extend(_best(cluster))
            cluster = []
        cluster.append(hit)
        end = max(end, hit.end) if len(cluster) > 1 else hit.end
    groups.extend(_best(cluster))
    return sorted(groups, key=lambda g: g[0].start)


def _best(cluster: list[Hit]) -> list[list[Hit]]:
    """The hits of one run of overlapping hits that are kept, best first. A whole wording
    inside a longer reading of another (36867's `Creating a TLS client credential.` inside
    36871's `A fatal error occurred while creating a TLS client credential.`, retold after
    it) is part of that message, not a message of its own."""
    cluster = [h for h in cluster if not any(
        o.start < h.start and o.end >= h.end and o.covered > h.covered for o in cluster)]
    kept: list[list[Hit]] = []
    for hit in sorted(cluster, key=lambda h: tuple(-x for x in h.score())):
        clash = next((g for g in kept if hit.start < g[0].end and g[0].start < hit.end), None)
        if clash is None:
            kept.append([hit])
        elif (hit.score()[:3] == clash[0].score()[:3] and hit.start == clash[0].start
              and hit.end == clash[0].end):
            clash.append(hit)
    return kept


_SPACE = re.compile(r"\s+")


def flatten(text: str) -> str:
    """A matched stretch of text on one line, single-spaced."""
    return _SPACE.sub(" ", text).strip()
