"""Fair budgets: what one case may read (`Limits.max_total_bytes`) and what one archive may give
(its own limit, `Limits.max_ratio` times its size), so that no file or member can use up the
case: an entry that does not fit is skipped and says which limit stopped it, and the entries
after it that fit are still read."""

from __future__ import annotations

from collections.abc import Iterator

from ._model import _RATIO_FLOOR, Limits, Source

_MAX_LISTED_OVER = 1000
"""Entries refused for a budget are reported one by one up to this many per case, then counted."""


class _Allowance:
    """The bytes one archive file may give, everything nested in it included: at most
    `max_ratio` times its own size (and never less than the size below which no ratio is
    checked), so a bomb that passes every per-member check still cannot take more."""

    def __init__(self, origin: str, size: int, limits: Limits,
                 parent: _Allowance | None = None) -> None:
        self.origin = origin
        self.size = size
        self.ratio = limits.max_ratio
        self.limit = max(limits.max_ratio * size, _RATIO_FLOOR)
        self.used = 0
        self.parent = parent

    def refusal(self, size: int) -> str | None:
        """Why `size` more bytes may not be read from this archive (or one it is inside)."""
        archive: _Allowance | None = self
        while archive is not None:
            if archive.used + size > archive.limit:
                return (f"archive limit: at most {archive.limit:,} bytes ({archive.ratio} times "
                        f"its {archive.size:,}) are read from {archive.origin}, "
                        f"{archive.used:,} already are")
            archive = archive.parent
        return None

    def take(self, size: int) -> None:
        archive: _Allowance | None = self
        while archive is not None:
            archive.used += size
            archive = archive.parent


class _Budget:
    """The bytes one case (top-level argument) may read, and the entries refused for a budget."""

    def __init__(self, case: str, limit: int) -> None:
        self.case = case
        self.limit = limit
        self.used = 0
        self.refused = 0

    def refusal(self, size: int, allowance: _Allowance | None) -> str | None:
        """Why an entry of `size` bytes is not read (its archive's limit or the case's)."""
        reason = allowance.refusal(size) if allowance is not None else None
        if reason is None and self.used + size > self.limit:
            reason = (f"case limit: at most {self.limit:,} bytes are read per case, "
                      f"{self.used:,} already are")
        return reason

    def take(self, size: int, allowance: _Allowance | None) -> None:
        self.used += size
        if allowance is not None:
            allowance.take(size)

    def refuse(self, src: Source, reason: str) -> Source | None:
        """`src` skipped for `reason`, or None once many were (they are counted instead)."""
        self.refused += 1
        if self.refused > _MAX_LISTED_OVER:
            return None
        return Source(src.case, src.origin, src.size, skipped=f"{reason}; not read",
                      warning=src.warning)

    def counted(self) -> Iterator[Source]:
        """One entry for the refused entries past those reported one by one."""
        if self.refused > _MAX_LISTED_OVER:
            yield Source(self.case, self.case, 0, skipped=(
                f"{self.refused - _MAX_LISTED_OVER:,} more entries not read: over the case "
                f"limit ({self.limit:,} bytes per case) or an archive's limit"))
