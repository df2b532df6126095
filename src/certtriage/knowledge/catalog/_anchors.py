"""The anchor check: whether a cleaned text may hold a catalog message at all.

Each wording is found from its anchor phrase (`_match`). A text in which no anchor can occur
holds no message, and most texts hold none (a certutil paste), so this check reads only the
anchors, kept as plain data in the cache folder (`catalog.may_hold_messages`), and needs
neither the catalog nor the matcher.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..._cache import last

if TYPE_CHECKING:
    from ._compile import Compiled

#: What `may_hit` reads of the wordings: each anchor phrase with its longest middle word (None
#: for a short one) and whether it is single-spaced; and the set of those middle words.
Anchors = tuple[tuple[tuple[str, str | None, bool], ...], frozenset[str]]


def anchors_of(by_anchor: dict[str, list[Compiled]]) -> Anchors:
    """The anchors of compiled wordings as `may_hit` reads them (plain data: kept in the cache
    folder, so a text can be checked without loading the catalog)."""
    words = tuple((anchor, middle_word(anchor), " ".join(anchor.split()) == anchor)
                  for anchor in by_anchor)
    return words, frozenset(word for _, word, _ in words if word is not None)


def may_hit(cleaned: str, anchors: Anchors) -> bool:
    """Whether some anchor may occur in a text `clean_text` gave whose lines need only
    single-spacing (`_clean.only_spaced`): False means `find_hits` finds nothing in it.

    The text's words are those of the lines `find_hits` reads, and an anchor found there is
    found in the text single-spaced across its line breaks as well (blank lines only part
    words further), so this reads the text as one run of words, without making its lines."""
    low = cleaned.lower()
    words = low.split()
    by_word, middle_words = anchors
    present = middle_words.intersection(words)  # not a set of all the words
    flat = ""
    for anchor, word, regular in by_word:
        if word is not None and word not in present:
            continue
        flat = flat or " ".join(words)
        if anchor in flat or not regular:  # other blanks than single spaces: not read here
            return True
    return False


#: `anchors_of` kept for the index last asked about.
anchors_for = last(anchors_of)


@functools.lru_cache(maxsize=None)
def middle_word(anchor: str) -> str | None:
    """The longest of the anchor's words between two others (None for a shorter anchor, or
    one with other blanks than single spaces)."""
    if " ".join(anchor.split()) != anchor:
        return None
    middle = anchor.split(" ")[1:-1]
    return max(middle, key=len) if middle else None
