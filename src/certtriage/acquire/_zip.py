"""Zip archives, read from their central directory entry by entry (`_zip_central`); one whose
directory cannot be read is listed from its local headers (`_zip_local`)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from typing import BinaryIO

from ._archive import _Archive, _Handle, _Listing, _Member
from ._inflate import METHOD_NAMES, METHODS
from ._model import _size_reason
from ._zip_central import (
    Damaged,
    ZipEntry,
    find_directory,
    mark_overlaps,
    member_chunks,
    read_directory,
)
from ._zip_local import local_reason, scan_local_headers

_OVERLAP = ("its data overlaps another member's (overlapping members are a zip bomb's trick); "
            "not read")


class _ZipArchive(_Archive):
    """A zip listed from its central directory; without one, from its local headers."""

    def _open(self, stream: BinaryIO) -> _Handle:
        return _Handle(stream)

    def _list(self, handle: _Handle) -> _Listing:
        stream = handle.stream
        try:
            directory = find_directory(stream)
        except Damaged as exc:
            return self._list_local(stream, f"damaged zip ({exc})")
        entries, more, problem = read_directory(stream, directory, self.limits.max_members)
        if not entries and not more and problem is not None:
            return self._list_local(stream, f"damaged zip ({problem})")
        overlapping = mark_overlaps(entries, directory.start)
        members = [self._member(e, _OVERLAP if i in overlapping else self._reason(e))
                   for i, e in enumerate(entries)]
        return _Listing(members, problem, left_out=more)

    def _list_local(self, stream: BinaryIO, damage: str) -> _Listing:
        entries, problem = scan_local_headers(stream, self.limits)
        members = [self._member(e, local_reason(e) or self._reason(e)) for e in entries]
        text = f"{damage}: {len(members)} members recovered from their local headers"
        return _Listing(members, f"{text}; {problem}" if problem else text)

    def _member(self, entry: ZipEntry, skipped: str | None) -> _Member:
        note = None
        if entry.is_folder():
            note = (f"a folder entry that carries {max(entry.size, entry.compressed):,} bytes "
                    "of data; read as a file")
        return _Member(entry.name, entry.size, entry, skipped=skipped, note=note)

    def _reason(self, entry: ZipEntry) -> str | None:
        if stat.S_ISLNK(entry.mode):
            return "symbolic link"
        if entry.flags & 0x1:
            return "encrypted"
        if entry.method not in METHODS:
            name = METHOD_NAMES.get(entry.method, "an unknown method")
            return (f"compressed with {name} (method {entry.method}), which is not "
                    "supported; re-zip it with Deflate")
        return _size_reason(entry.size, entry.compressed, self.limits)

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        return member_chunks(handle.stream, member.ref, step)

