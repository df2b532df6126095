"""Two EVTX facts the tests check the synthetic fixtures against, written here from the format
description (libyal's "Windows XML Event Log (EVTX) format") rather than taken from the writer
in scripts/, so a mistake in the writer cannot hide behind the same mistake in the test."""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH_1601 = datetime(1601, 1, 1, tzinfo=UTC)


def name_hash(name: str) -> int:
    """The 16-bit hash stored with every BinXML name: ``h = h * 65599 + code unit`` over the
    UTF-16 code units, low 16 bits."""
    data = name.encode("utf-16-le")
    h = 0
    for i in range(0, len(data), 2):
        h = (h * 65599 + int.from_bytes(data[i:i + 2], "little")) & 0xFFFFFFFF
    return h & 0xFFFF


def to_filetime(t: datetime) -> int:
    """A FILETIME: 100-ns intervals since 1601-01-01 UTC (naive datetimes are taken as UTC)."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    delta = t - _EPOCH_1601
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
