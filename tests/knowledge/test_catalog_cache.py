"""The compiled catalog wordings are kept in the cache folder: the next run reads them instead
of compiling them, finds the same messages, and builds them again from a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage.knowledge import catalog
from certtriage.knowledge.catalog import event_knowledge

MESSAGE = ("A fatal alert was received from the remote endpoint. The TLS protocol defined fatal "
           "alert code is 48.")


def _found(text: str) -> list[tuple[str, int, dict[str, str]]]:
    catalog._index.cache_clear()
    catalog._find_cached.cache_clear()
    return [(f.provider, f.event_id, f.slots) for f in catalog.find_messages(text)]


def test_the_compiled_wordings_are_cached_and_a_damaged_cache_is_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTTRIAGE_CACHE_DIR", str(tmp_path))
    try:
        first = _found(MESSAGE)
        assert first == [("Schannel", 36887, {"AlertDesc": "48"})]
        [cached] = tmp_path.glob("catalog-*.pickle")
        assert _found(MESSAGE) == first  # read from the cache
        cached.write_bytes(b"not a pickle")
        assert _found(MESSAGE) == first
        by_anchor, _ = catalog._compiled_wordings(event_knowledge())
        assert by_anchor == catalog._compiled_wordings(event_knowledge())[0]
    finally:
        catalog._index.cache_clear()
        catalog._find_cached.cache_clear()
