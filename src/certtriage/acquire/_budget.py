"""A case's byte budget (`Limits.max_total_bytes`): what is read per top-level argument."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._model import Source

if TYPE_CHECKING:
    pass

_CASE_LIMIT = "case size limit reached"
_MAX_LISTED_OVER = 1000
"""Past the case budget, up to this many entries are reported one by one, more are counted."""


class _Budget:
    """The bytes one case (top-level argument) may read, and the entries past that budget."""

    def __init__(self, case: str, limit: int) -> None:
        self.case = case
        self.limit = limit
        self.used = 0
        self.full = False
        """The budget is reached: every later entry is reported as skipped, nothing more is read."""
        self.over: list[Source] = []
        self.over_count = 0

    def admit(self, src: Source, weight: int = 1) -> bool:
        """Whether to yield `src` now, charging a loadable one; past the budget it is deferred."""
        if not self.full:
            if src.skipped is not None:
                return True
            if self.used + src.size <= self.limit:
                self.used += src.size
                return True
            self.full = True
        self.defer(src.origin, src.size, weight)
        return False

    def defer(self, origin: str, size: int, weight: int = 1) -> None:
        self.over_count += weight
        if len(self.over) <= _MAX_LISTED_OVER:
            more = f": {weight:,} more members" if weight > 1 else ""
            self.over.append(Source(self.case, origin, size, skipped=_CASE_LIMIT + more))

    def charge(self, size: int) -> bool:
        """Charge bytes read to open a nested archive; False (and full) when they do not fit."""
        if not self.full and self.used + size <= self.limit:
            self.used += size
            return True
        self.full = True
        return False

    def deferred(self) -> Iterator[Source]:
        """The entries past the budget, one by one, or counted in one entry when there are many."""
        if self.over_count > _MAX_LISTED_OVER:
            yield Source(self.case, self.case, 0, skipped=f"{_CASE_LIMIT}: {self.over_count:,} "
                         f"more entries not read (limit {self.limit:,} bytes)")
        else:
            yield from self.over
