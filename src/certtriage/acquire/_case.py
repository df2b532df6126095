"""One case (a top-level argument) walked into its `Source` entries: folders, files, archive
members and nested archives, in order, within the case's budget and each archive's own."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ._archive import _Archive, _Blob, _FileBlob, _Member, _MemberBlob
from ._budget import _Allowance, _Budget
from ._content import MemberContent
from ._detect import _HEAD, _MIN_ARCHIVE, _NOT_READ, _classify, _streamed
from ._folder import FileContent, _kind_of, _walk, read_start
from ._model import Limits, Source, _describe, _display, _member_warning
from ._spill import Spill

_DEFAULT_LIMITS = Limits()


#: A plain file up to this size is read whole where the walk reads its head, when the caller
#: asks (`read_small`): the analysis then takes its bytes instead of opening it again.
SMALL_FILE = 64 * 1024


def iter_sources(paths: Sequence[str | Path], limits: Limits = _DEFAULT_LIMITS, *,
                 read_small: bool = False) -> Iterator[Source]:
    """Yield the inputs found under `paths`, in order; never raises for a bad input.

    A single str or Path is taken as one path (not as a sequence of characters).
    `read_small`: a plain file of at most `SMALL_FILE` bytes comes with its bytes
    (`Source.held`) until it is released: for a caller that analyses each source before it
    takes many more, not for one that lists them all first.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        yield from _Case(str(path), limits, read_small).run(path)


class _Case:
    """One top-level argument: its walk, its byte budget and the entries past that budget."""

    def __init__(self, case: str, limits: Limits, read_small: bool = False) -> None:
        self.case = case
        self.limits = limits
        #: Bytes of a plain file read whole with its head (-1: the head alone).
        self.small = min(SMALL_FILE, limits.max_memory_bytes) if read_small else -1
        self.budget = _Budget(case, limits.max_total_bytes)

    def run(self, path: str | os.PathLike[str]) -> Iterator[Source]:
        """All entries of the case, then a count of those refused past the ones listed."""
        yield from self._top(os.fspath(path))
        yield from self.budget.counted()

    def _source(self, origin: str, size: int = 0, **kw: Any) -> Source:
        return Source(self.case, origin, size, **kw)

    def _emit(self, src: Source, allowance: _Allowance | None = None) -> Iterator[Source]:
        """Yield `src`, charging a loadable one to the budgets; one that does not fit is
        skipped with the limit that stopped it (or counted, past many)."""
        if src.skipped is None:
            reason = self.budget.refusal(src.size, allowance)
            if reason is not None:
                refused = self.budget.refuse(src, reason)
                if refused is not None:
                    yield refused
                return
            self.budget.take(src.size, allowance)
        yield src

    def _skip(self, origin: str, reason: str, size: int = 0,
              warning: str | None = None) -> Iterator[Source]:
        yield self._source(origin, size, skipped=reason, warning=warning)

    # top level and folders

    def _top(self, path: str) -> Iterator[Source]:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            yield from self._skip(self.case, "no such file or folder")
            return
        except (OSError, ValueError) as exc:
            yield from self._skip(self.case, _describe(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self._folder(path)
        elif stat.S_ISREG(st.st_mode):
            yield from self._file(path, self.case, st.st_size, None, follow=True)
        else:
            yield from self._skip(self.case, f"not a regular file or folder ({_kind_of(st)})")

    def _folder(self, root: str) -> Iterator[Source]:
        """The files of a folder in walk order (`_walk`), each read like a top-level file."""
        for entry in _walk(self.case, root):
            if entry.skipped is not None:
                yield from self._skip(entry.origin, entry.skipped)
            else:
                yield from self._file(entry.path, entry.origin, entry.size, entry.warning,
                                      follow=False)

    def _file(self, path: str, origin: str, size: int, warning: str | None,
              follow: bool) -> Iterator[Source]:
        """A plain file (`size` as listed, -1 when not known; read from the open file)."""
        try:
            data, size, whole = read_start(path, _HEAD, self.small, follow)
        except Exception as exc:  # noqa: BLE001 - OSError, or AcquireError: not a regular file
            yield from self._skip(origin, _describe(exc), max(size, 0), warning)
            return
        name = os.path.basename(path)
        kind = _classify(name, data[:_HEAD])
        if kind is None:
            content = FileContent(path, self.limits.max_memory_bytes, follow,
                                  data if whole else None)
            yield from self._emit(self._source(origin, size, warning=warning, _content=content))
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], size, warning)
        elif self.limits.max_depth < 1:
            yield from self._skip(origin, _too_deep(self.limits), size, warning)
        else:
            archive = _make_archive(kind, _FileBlob(path, size), self.limits, name)
            yield from self._archive(archive, origin, 1, _Allowance(origin, size, self.limits))

    # archives

    def _archive(self, archive: _Archive, origin: str, depth: int,
                 allowance: _Allowance) -> Iterator[Source]:
        listing = archive.listing()
        members = sorted(listing.members, key=lambda m: m.name.split("/"))
        names = Counter(m.name for m in members)
        for member in members:
            member_origin = f"{origin}!{_display(member.name)}"
            warning = _join(_member_warning(member.name, names[member.name] > 1), member.note)
            if member.skipped is not None:
                yield from self._skip(member_origin, member.skipped, member.size, warning)
            else:
                yield from self._member(archive, member, member_origin, depth, warning,
                                        allowance)
        if listing.left_out:
            yield from self._skip(origin, (
                f"{listing.left_out:,} more members left out (limit of "
                f"{self.limits.max_members:,} members per archive)"))
        if listing.problem is not None:
            yield from self._skip(origin, listing.problem)
        elif not members and not listing.left_out:
            yield from self._skip(origin, "archive holds no files")

    def _member(self, archive: _Archive, member: _Member, origin: str, depth: int,
                warning: str | None, allowance: _Allowance) -> Iterator[Source]:
        """A member recognised from its first bytes (a file, or an archive to walk), unless a
        budget refuses it first: then nothing of it is read."""
        reason = self.budget.refusal(member.size, allowance)
        if reason is not None:
            refused = self.budget.refuse(self._source(origin, member.size, warning=warning),
                                         reason)
            yield from [refused] if refused is not None else []
            return
        try:
            if not member.sniffed:
                head = archive.head(member) if member.size >= _MIN_ARCHIVE else b""
                member.kind, member.streamed = _classify(member.name, head), _streamed(head)
        except Exception as exc:  # noqa: BLE001 - a damaged member; say so, go on with the rest
            yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size, warning)
            return
        kind = member.kind
        if kind is None:
            content = MemberContent(archive, member)
            yield from self._emit(self._source(origin, member.size, warning=warning,
                                               _content=content), allowance)
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], member.size, warning)
        elif depth >= self.limits.max_depth:
            yield from self._skip(origin, _too_deep(self.limits), member.size, warning)
        else:
            yield from self._nested(archive, member, origin, depth, warning, allowance)

    def _nested(self, archive: _Archive, member: _Member, origin: str, depth: int,
                warning: str | None, allowance: _Allowance) -> Iterator[Source]:
        """An archive inside an archive: read (into memory if small, else to a private
        temporary copy), charged to the budgets, then walked with its own limit."""
        try:
            blob = self._blob(archive, member)
        except Exception as exc:  # noqa: BLE001 - reported like any unreadable member
            yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size, warning)
            return
        self.budget.take(member.size, allowance)
        child = _make_archive(member.kind or "zip", blob, self.limits, member.name)
        yield from self._archive(child, origin, depth + 1,
                                 _Allowance(origin, member.size, self.limits, allowance))

    def _blob(self, archive: _Archive, member: _Member) -> _Blob:
        if member.size <= self.limits.max_memory_bytes:
            return _MemberBlob(archive, member,
                               archive.read(member, self.limits.max_memory_bytes))
        spill = Spill(lambda out: archive.copy(member, out))
        return _FileBlob(spill.path, member.size, spill)


def _join(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _too_deep(limits: Limits) -> str:
    return f"archive nested deeper than {limits.max_depth} levels (depth limit); not opened"


def _make_archive(kind: str, blob: _Blob, limits: Limits, name: str) -> _Archive:
    """The reader of an archive of `kind`, its module imported here: a batch of plain files
    never loads them (a Word document's reader alone brought in the XML, URL and HTTP
    modules of the standard library, about a tenth of a batch's start)."""
    if kind == "zip":
        from ._zip import _ZipArchive

        return _ZipArchive(blob, limits)
    if kind == "tar":
        from ._tar import _TarArchive

        return _TarArchive(blob, limits, gzipped=False)
    if kind == "mime":
        from ._mime import _MimeArchive

        return _MimeArchive(blob, limits)
    if kind == "docx":
        from ._docx import _DocxArchive

        return _DocxArchive(blob, limits)
    if kind == "msg":
        from ._msg import _MsgArchive

        return _MsgArchive(blob, limits)
    from ._gzip import _gzip_holds_tar, _GzipArchive, _inner_name

    if _gzip_holds_tar(blob):
        from ._tar import _TarArchive

        return _TarArchive(blob, limits, gzipped=True)
    return _GzipArchive(blob, limits, _inner_name(name))
