"""The lines an IIS configuration input could not be read from, as both readers report them."""

from __future__ import annotations

from ...models.common import UnparsedLine

_MAX_TEXT = 300


class Problems:
    """Collects unparsed lines: each names its line (kept within the input) and a reason."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.items: list[UnparsedLine] = []

    def add(self, line: int, reason: str, text: str | None = None) -> None:
        """Report `line` (its own text unless `text` is given) as not read, for `reason`."""
        line = max(1, min(line, len(self.lines) or 1))
        if text is None:
            text = self.lines[line - 1] if self.lines else ""
        self.items.append(UnparsedLine(line=line, text=text.strip()[:_MAX_TEXT], reason=reason))
