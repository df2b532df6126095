"""Bounds on what is held while a batch runs: a case's byte budget (`Limits.max_total_bytes`) and
the few archives kept open at once."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._model import _MIB, Source

if TYPE_CHECKING:
    from ._archive import _Archive

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


class _OpenArchives:
    """The archives whose handle is open, least recently used first; past a bound the oldest is
    closed (a file descriptor, or a nested archive's bytes) and reopened when next needed.

    Archives are held weakly: one that no `Source` refers to any more is simply forgotten.
    """

    def __init__(self, max_open: int = 8, max_bytes: int = 256 * _MIB) -> None:
        self.max_open = max_open
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._lru: OrderedDict[int, tuple[weakref.ref[_Archive], int]] = OrderedDict()
        self._bytes = 0

    def touch(self, archive: _Archive, nbytes: int) -> None:
        with self._lock:
            key = id(archive)
            _, old = self._lru.pop(key, (None, 0))
            self._lru[key] = (weakref.ref(archive), nbytes)
            self._bytes += nbytes - old
            for other_key, (ref, size) in list(self._lru.items())[:-1]:
                if len(self._lru) <= self.max_open and self._bytes <= self.max_bytes:
                    return
                other = ref()
                if other is None or other.drop():
                    del self._lru[other_key]
                    self._bytes -= size


_OPEN = _OpenArchives()
