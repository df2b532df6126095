"""An archive member's bytes behind a `Source`: loaded into memory when small, or copied to a
private temporary file (`_spill`) when it is large or streamed (EVTX), so it is never held
whole in memory and a worker reads it from disk."""

from __future__ import annotations

import threading

from ._archive import _Archive, _Member
from ._model import AcquireError, _describe
from ._spill import Spill


class MemberContent:
    def __init__(self, archive: _Archive, member: _Member) -> None:
        self._archive = archive
        self._member = member
        self._lock = threading.Lock()
        self._spill: Spill | None = None
        self._problem: str | None = None
        """Why no copy could be made (the member is damaged, the disk is full)."""

    def _spilled(self) -> bool:
        member = self._member
        return member.streamed or member.size > self._archive.limits.max_memory_bytes

    def path(self) -> str | None:
        if not self._spilled():
            return None
        with self._lock:
            if self._spill is None and self._problem is None:
                try:
                    self._spill = Spill(lambda out: self._archive.copy(self._member, out))
                except Exception as exc:  # noqa: BLE001 - said by load(), never raised here
                    self._problem = _describe(exc)
            return str(self._spill.path) if self._spill is not None else None

    def held(self) -> bytes | None:
        return None  # read when loaded, not during the walk

    def load(self) -> bytes:
        limit = self._archive.limits.max_memory_bytes
        if self._problem is not None and self._member.size > limit:
            raise AcquireError(self._problem)
        return self._archive.read(self._member, limit)

    def release(self) -> None:
        with self._lock:
            spill, self._spill = self._spill, None
        if spill is not None:
            spill.remove()
