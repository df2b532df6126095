"""A folder's listing as the walk holds it: every name back, in order, whatever it holds
(names in any script, a byte of a non-UTF-8 name kept as a lone surrogate), compressed while
it waits, a part at a time."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.acquire._folder import _NAMES, _Listing

_NAME = st.text(st.characters(blacklist_characters="\0/", blacklist_categories=()),
                min_size=1, max_size=40)


def _popped(listing: _Listing) -> list[str]:
    names = []
    while listing:
        names.append(listing.pop())
    return names


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAME, max_size=30))
def test_every_name_comes_back_in_order(names: list[str]) -> None:
    assert _popped(_Listing(sorted(names))) == sorted(names)


def test_a_large_folder_comes_back_whole_across_many_parts() -> None:
    names = [f"{i:07}-{'x' * (i % 200)}.txt" for i in range(60_000)]
    assert len("\0".join(names)) > 20 * _NAMES  # decompressed in many parts
    assert _popped(_Listing(names)) == names


def test_sorted_names_are_held_in_a_fraction_of_their_size() -> None:
    names = [f"dump-{i:06}.txt" for i in range(100_000)]
    listing = _Listing(names)
    joined = len("\0".join(names))
    held = sum(sys.getsizeof(getattr(listing, slot)) for slot in ("_packed", "_buffer"))
    assert held < joined / 4, (held, joined)
    assert listing.pop() == "dump-000000.txt"
    assert sys.getsizeof(listing._buffer) <= _NAMES + 100  # a part, not the rest
