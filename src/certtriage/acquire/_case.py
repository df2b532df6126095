"""One case (a top-level argument) walked into its `Source` entries: folders, files, archive
members and nested archives, in order, within the case's byte budget."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ._archive import _Archive, _Blob, _FileBlob, _Member, _MemberBlob
from ._budget import _Budget
from ._detect import _HEAD, _MIN_ARCHIVE, _NOT_READ, _classify
from ._folder import _kind_of, _read_file, _walk
from ._gzip import _gzip_holds_tar, _GzipArchive, _inner_name
from ._model import Limits, Source, _describe, _display, _member_warning
from ._tar import _TarArchive
from ._zip import _ZipArchive

_DEFAULT_LIMITS = Limits()


def iter_sources(paths: Sequence[str | Path],
                 limits: Limits = _DEFAULT_LIMITS) -> Iterator[Source]:
    """Yield the inputs found under `paths`, in order; never raises for a bad input.

    A single str or Path is taken as one path (not as a sequence of characters).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        yield from _Case(str(path), limits).run(path)


class _Case:
    """One top-level argument: its walk, its byte budget and the entries past that budget."""

    def __init__(self, case: str, limits: Limits) -> None:
        self.case = case
        self.limits = limits
        self.budget = _Budget(case, limits.max_total_bytes)

    def run(self, path: str | os.PathLike[str]) -> Iterator[Source]:
        """All entries of the case, the ones past the budget last (they are last anyway)."""
        yield from self._top(Path(path))
        yield from self.budget.deferred()

    def _source(self, origin: str, size: int = 0, **kw: Any) -> Source:
        return Source(self.case, origin, size, **kw)

    def _emit(self, src: Source, weight: int = 1) -> Iterator[Source]:
        """Yield `src`, charging a loadable one to the budget; past the budget it is deferred."""
        if self.budget.admit(src, weight):
            yield src

    def _skip(self, origin: str, reason: str, size: int = 0,
              warning: str | None = None) -> Iterator[Source]:
        yield from self._emit(self._source(origin, size, skipped=reason, warning=warning))

    # top level and folders

    def _top(self, path: Path) -> Iterator[Source]:
        try:
            st = path.stat()
        except FileNotFoundError:
            yield from self._skip(self.case, "no such file or folder")
            return
        except (OSError, ValueError) as exc:
            yield from self._skip(self.case, _describe(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self._folder(path)
        elif stat.S_ISREG(st.st_mode):
            yield from self._file(path, self.case, st.st_size, None)
        else:
            yield from self._skip(self.case, f"not a regular file or folder ({_kind_of(st)})")

    def _folder(self, root: Path) -> Iterator[Source]:
        """The files of a folder in walk order (`_walk`), each read like a top-level file."""
        for entry in _walk(self.case, root):
            if entry.skipped is not None:
                yield from self._skip(entry.origin, entry.skipped)
            else:
                yield from self._file(entry.path, entry.origin, entry.size, entry.warning)

    def _file(self, path: Path, origin: str, size: int, warning: str | None) -> Iterator[Source]:
        if self.budget.full:
            self.budget.defer(origin, size)
            return
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD)
        except OSError as exc:
            yield from self._skip(origin, _describe(exc), size, warning)
            return
        kind = _classify(path.name, head)
        if kind is None:
            loader = partial(_read_file, path, self.limits.max_member_bytes)
            yield from self._emit(self._source(origin, size, path=path, warning=warning,
                                               _loader=loader))
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], size, warning)
        elif self.limits.max_depth < 1:
            yield from self._skip(origin, _too_deep(self.limits), size, warning)
        else:
            archive = _make_archive(kind, _FileBlob(path), self.limits, path.name)
            yield from self._archive(archive, origin, 1)

    # archives

    def _archive(self, archive: _Archive, origin: str, depth: int) -> Iterator[Source]:
        listing = archive.listing()
        members = sorted(listing.members, key=lambda m: m.name.split("/"))
        names = Counter(m.name for m in members)
        for member in members:
            member_origin = f"{origin}!{_display(member.name)}"
            if self.budget.full:
                self.budget.defer(member_origin, member.size)
                continue
            warning = _member_warning(member.name, names[member.name] > 1)
            if member.skipped is not None:
                yield from self._skip(member_origin, member.skipped, member.size, warning)
            else:
                yield from self._member(archive, member, member_origin, depth, warning)
        if listing.left_out:
            yield from self._emit(self._source(origin, skipped=(
                f"{listing.left_out:,} more members left out (limit of "
                f"{self.limits.max_members:,} members per archive)")), listing.left_out)
        if listing.problem is not None:
            yield from self._skip(origin, listing.problem)
        elif not members and not listing.left_out:
            yield from self._skip(origin, "archive holds no files")

    def _member(self, archive: _Archive, member: _Member, origin: str, depth: int,
                warning: str | None) -> Iterator[Source]:
        try:
            kind = member.kind if member.sniffed else _classify(
                member.name, archive.head(member) if member.size >= _MIN_ARCHIVE else b"")
        except Exception as exc:  # noqa: BLE001 - a damaged member; say so, go on with the rest
            yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size, warning)
            return
        if kind is None:
            loader = partial(archive.read, member)
            yield from self._emit(self._source(origin, member.size, warning=warning,
                                               _loader=loader))
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], member.size, warning)
        elif depth >= self.limits.max_depth:
            yield from self._skip(origin, _too_deep(self.limits), member.size, warning)
        elif not self.budget.charge(member.size):
            self.budget.defer(origin, member.size)
        else:
            try:
                data = archive.read(member)
            except Exception as exc:  # noqa: BLE001 - reported like any unreadable member
                yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size,
                                      warning)
                return
            child = _make_archive(kind, _MemberBlob(archive, member, data), self.limits,
                                  member.name)
            del data
            yield from self._archive(child, origin, depth + 1)


def _too_deep(limits: Limits) -> str:
    return f"archive nested deeper than {limits.max_depth} levels; not opened"


def _make_archive(kind: str, blob: _Blob, limits: Limits, name: str) -> _Archive:
    if kind == "zip":
        return _ZipArchive(blob, limits)
    if kind == "tar":
        return _TarArchive(blob, limits, gzipped=False)
    if _gzip_holds_tar(blob):
        return _TarArchive(blob, limits, gzipped=True)
    return _GzipArchive(blob, limits, _inner_name(name))
