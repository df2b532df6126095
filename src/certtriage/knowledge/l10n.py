"""Translated certutil words and lines (data in `data/certutil_l10n.toml`), loaded once."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class CertutilL10n:
    """Lookups from printed text (case-folded) to its meaning."""

    status: dict[str, str]
    object: dict[str, str]
    label: dict[str, str]
    verdict: dict[str, str]
    scinfo_verdict: dict[str, str]
    success_phrases: tuple[str, ...]
    context_prefixes: tuple[str, ...]

    def context_line(self, line: str) -> bool:
        """Whether `line` is a known -scinfo / -dcinfo context line."""
        return line.startswith(self.context_prefixes)


def _invert(table: dict[str, list[str]]) -> dict[str, str]:
    return {text.casefold(): meaning for meaning, texts in table.items() for text in texts}


@functools.cache
def certutil_l10n() -> CertutilL10n:
    """The certutil translation table."""
    path = resources.files("certtriage.knowledge") / "data" / "certutil_l10n.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    context = data.get("context", {})
    return CertutilL10n(
        status=_invert(data["status"]),
        object=_invert(data["object"]),
        label=_invert(data["label"]),
        verdict=_invert(data["verdict"]),
        scinfo_verdict=_invert(data["scinfo_verdict"]),
        success_phrases=tuple(p.casefold() for p in data["completed"]["success"]),
        context_prefixes=tuple(p for group in context.values() for p in group),
    )
