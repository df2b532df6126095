"""A `certutil -urlcache` listing: the cached URLs, one a line, and their count.

`certutil -urlcache [crl|ocsp|*|<url>]` prints each cached URL on a line of its own, then
`WinHttp Cache entries: <n>` (`WinHttp Cache entries deleted: <n>` with `delete`), and a
`-urlcache -f <url>` fetch prints `****  Online  ****` or `****  OFFLINE  ****`. URLs outside a
retrieval report are kept until the end: they are cache entries when the output is a listing,
and lines left unplaced otherwise.
"""

from __future__ import annotations

from typing import Any

from .commands import UrlCache
from .state import Command


class UrlcacheLines:
    """Reads the -urlcache count and banner lines, and URLs outside any retrieval."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.fields: dict[str, Any] = {}
        self.urls: list[tuple[str, int]] = []

    def model(self) -> UrlCache | None:
        """The listing, if the output is one; otherwise the stray URLs become unplaced lines."""
        if self.command.variant != "urlcache":
            for text, line in self.urls:
                self.command.unplaced(text, line, "unrecognised line")
            return None
        first = min([line for _, line in self.urls] + [self.fields.get("line", 1)])
        return UrlCache(entries=tuple(t for t, _ in self.urls), **{**self.fields, "line": first})

    def field(self, label: str, value: str, line: int) -> bool:
        """`WinHttp Cache entries: <n>`; False for any other field."""
        meaning = self.command.l10n.urlcache_label(label)
        if meaning is None or not value.isdigit():
            return False
        self._listing(line)
        self.fields["count" if meaning == "entries" else "deleted"] = int(value)
        return True

    def url(self, text: str, line: int) -> None:
        """A URL outside any retrieval report."""
        self.urls.append((text, line))

    def on_star_banner(self, text: str, line: int) -> None:
        self._listing(line)
        self.fields["status"] = text.strip("* ").strip()

    def _listing(self, line: int) -> None:
        self.fields.setdefault("line", line)
        if self.command.variant == "verify":
            self.command.variant = "urlcache"
