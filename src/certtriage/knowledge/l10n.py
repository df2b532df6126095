"""Translated certutil words and lines (data in `data/certutil_l10n.toml`) and the labels of
event exports in other languages and tools (`data/event_labels.toml`), loaded once.

Lookups take the printed text (compared case-insensitively) and give its meaning; the parser
asks them only for what a line's structure leaves open.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, NamedTuple

from .._cache import load_toml


class CertutilL10n(NamedTuple):
    """Lookups from printed text (case-folded) to its meaning."""

    status: dict[str, str]
    object: dict[str, str]
    label: dict[str, str]
    verdict: dict[str, str]
    scinfo_verdict: dict[str, str]
    skipped: dict[str, str]
    leaf_revocation_prefixes: tuple[str, ...]
    success_phrases: tuple[str, ...]
    failure_words: tuple[str, ...]
    reader_label: dict[str, str]
    key_label: dict[str, str]
    scinfo: tuple[tuple[str, str], ...]
    dcinfo: tuple[tuple[str, str], ...]
    urlcache: tuple[tuple[str, str], ...]
    pair: tuple[tuple[str, str, bool], ...]
    context_prefixes: tuple[str, ...]

    def context_line(self, line: str) -> bool:
        """Whether `line` is a known -scinfo / -dcinfo context line."""
        return line.startswith(self.context_prefixes)

    def scinfo_line(self, line: str) -> str | None:
        """The meaning of a -scinfo line in words (`running`, `key_test`, `chain_test` ...)."""
        return _prefixed(self.scinfo, line)

    def dcinfo_line(self, line: str) -> str | None:
        """The meaning of a -dcinfo title or line (`enterprise_root`, `kdc`, `store_empty` ...)."""
        return _prefixed(self.dcinfo, line)

    def urlcache_label(self, label: str) -> str | None:
        """`entries` or `deleted` for the label of a -urlcache count line."""
        return _prefixed(self.urlcache, label)

    def pair_check(self, text: str) -> tuple[str, bool] | None:
        """(check, passed) of a two-argument -verify check line (`ERROR: ` lines fail)."""
        body = text.removeprefix("ERROR:").strip()
        failed = body != text
        folded = body.casefold()
        for prefix, check, ok in self.pair:
            if ok != failed and folded.startswith(prefix):
                return check, ok
        return None

    def skipped_reason(self, reason: str) -> str | None:
        """`offline` or `no_info` for the reason after `Revocation check skipped --`."""
        folded = reason.casefold()
        return next((m for text, m in self.skipped.items() if text in folded), None)


def _prefixed(table: tuple[tuple[str, str], ...], line: str) -> str | None:
    folded = line.casefold()
    return next((meaning for prefix, meaning in table if folded.startswith(prefix)), None)


def _invert(table: dict[str, list[str]]) -> dict[str, str]:
    return {text.casefold(): meaning for meaning, texts in table.items() for text in texts}


def _prefixes(table: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    """(prefix, meaning), longest prefix first, so a longer phrase wins over its start."""
    pairs = [(text.casefold(), meaning) for meaning, texts in table.items() for text in texts]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _pair(data: dict[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    rows = [(prefix, check, ok) for key, ok in (("pair_ok", True), ("pair_error", False))
            for prefix, check in _prefixes(data[key])]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@functools.cache
def certutil_l10n() -> CertutilL10n:
    """The certutil translation table."""
    path = resources.files("certtriage.knowledge") / "data" / "certutil_l10n.toml"
    data = load_toml(path.read_bytes(), "certutil_l10n")
    context = data.get("context", {})
    return CertutilL10n(
        status=_invert(data["status"]),
        object=_invert(data["object"]),
        label=_invert(data["label"]),
        verdict=_invert(data["verdict"]),
        scinfo_verdict=_invert(data["scinfo_verdict"]),
        skipped=_invert(data["skipped"]),
        leaf_revocation_prefixes=tuple(data["leaf_revocation_error"]["prefixes"]),
        success_phrases=tuple(p.casefold() for p in data["completed"]["success"]),
        failure_words=tuple(p.casefold() for p in data["completed"]["failure"]),
        reader_label=_invert(data["reader_label"]),
        key_label=_invert(data["key_label"]),
        scinfo=_prefixes(data["scinfo"]),
        dcinfo=_prefixes(data["dcinfo"]),
        urlcache=_prefixes(data["urlcache"]),
        pair=_pair(data),
        context_prefixes=tuple(p for group in context.values() for p in group),
    )


@functools.cache
def event_labels() -> dict[str, str]:
    """Every label of `data/event_labels.toml` (case-folded, spaces collapsed) -> the English
    label the events grammar reads."""
    path = resources.files("certtriage.knowledge") / "data" / "event_labels.toml"
    data = load_toml(path.read_bytes(), "event_labels")
    return {" ".join(text.split()).casefold(): english
            for table in data.values() for english, texts in table.items() for text in texts}


@functools.cache
def event_levels() -> dict[str, str]:
    """Every level word of `data/event_levels.toml` (case-folded, spaces collapsed) -> the
    level certtriage names it by (error, warning, information, critical)."""
    path = resources.files("certtriage.knowledge") / "data" / "event_levels.toml"
    data = load_toml(path.read_bytes(), "event_levels")
    return {" ".join(text.split()).casefold(): level
            for level, texts in data.items() for text in texts}
