"""The catalog's short cuts against the plain search: searching only for anchors whose middle
word is a word of the text, and a messages-only search that skips mentions when no wording
matches, find what the plain search finds, over every fixture and real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage.knowledge.catalog import (
    _index,
    _kept_anchors,
    event_knowledge,
    find_messages,
    may_hold_messages,
)
from certtriage.knowledge.catalog._anchors import anchors_of, may_hit
from certtriage.knowledge.catalog._clean import clean_lines, clean_text, only_spaced
from certtriage.knowledge.catalog._match import Hit, _try, find_hits
from certtriage.text.decode import decode

from ..conftest import FIXTURES, REAL


def _texts(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".json", ".evtx")
                  and p.name not in ("README.md", "MANIFEST.json")
                  and p.stat().st_size <= 1024 * 1024)


def _plain_hits(joined: str, flat: str) -> list[Hit]:
    """Every anchor searched for, as before the prefilter."""
    hits = []
    for anchor, wordings in _index(event_knowledge()).by_anchor.items():
        position = flat.find(anchor)
        while position != -1:
            hits.extend(h for c in wordings if (h := _try(c, joined, flat, position)) is not None)
            position = flat.find(anchor, position + len(anchor))
    return hits


def _key(hits: list[Hit]) -> list[tuple[str, int, int, int, bool]]:
    return [(h.compiled.event.provider, h.compiled.event.id, h.start, h.end, h.cut) for h in hits]


def assert_same(path: Path) -> None:
    text = decode(path.read_bytes(), str(path)).text
    joined = "\n".join(clean_lines(text))
    flat = joined.lower().replace("\n", " ")
    by_anchor = _index(event_knowledge()).by_anchor
    assert _key(find_hits(joined, flat, by_anchor)) == _key(_plain_hits(joined, flat))
    cleaned = clean_text(text)
    if only_spaced(cleaned) and not may_hit(cleaned, anchors_of(by_anchor)):
        assert _plain_hits(joined, flat) == []
    every = find_messages(text)
    messages = find_messages(text, mentions=False)
    assert messages == [f for f in every if f.match != "mention"]
    if not may_hold_messages(text):  # the check made without loading the catalog
        assert messages == []


def test_the_kept_anchors_are_those_of_the_catalog() -> None:
    kept = _kept_anchors()
    assert kept == anchors_of(_index(event_knowledge()).by_anchor)
    assert len(kept[0]) > 50 and kept[1]


def test_most_texts_are_answered_without_the_catalog() -> None:
    held = [may_hold_messages(decode(p.read_bytes(), str(p)).text)
            for p in _texts(FIXTURES / "certutil")]
    assert held.count(False) > len(held) * 0.8


@pytest.mark.parametrize("path", _texts(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(path: Path) -> None:
    assert_same(path)


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", _texts(REAL) if REAL.is_dir() else [], ids=lambda p: p.name[:40])
def test_every_real_file(path: Path) -> None:
    assert_same(path)


def test_a_message_wrapped_at_its_middle_word_is_found() -> None:
    """The middle word stands at a line break, or after a quote marker: still found."""
    text = ("The following fatal alert was generated: 48. The internal error state is 552.\n")
    assert find_messages(text, mentions=False)
    wrapped = text.replace("following ", "following\n> ")
    assert [f.event_id for f in find_messages(wrapped, mentions=False)] == [
        f.event_id for f in find_messages(text, mentions=False)]


def test_a_text_without_an_anchor_is_told_apart_without_its_lines() -> None:
    by_anchor = _index(event_knowledge()).by_anchor
    anchor = next(a for a in by_anchor if len(a.split()) >= 3)
    first, rest = anchor.split(" ", 1)
    wrapped = f"Issuer:\n  CN=Contoso\n  Quoted: {first.upper()}\n\t  {rest}   and more\n"
    assert may_hit(clean_text(wrapped), anchors_of(by_anchor))
    assert may_hold_messages(wrapped)
    certutil = (FIXTURES / "certutil" / "pass").glob("*.txt")
    assert not any(may_hit(clean_text(p.read_text(encoding="utf-8")), anchors_of(by_anchor))
                   for p in certutil)
