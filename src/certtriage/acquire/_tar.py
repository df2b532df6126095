"""Tar archives, plain or inside gzip (read through the seekable `_GzipStream`)."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from typing import IO, BinaryIO, cast

from ._archive import _Archive, _Blob, _Handle, _Listing, _Member, file_chunks
from ._detect import _HEAD, _MIN_ARCHIVE, _classify, _streamed
from ._gzip import _GzipIndex, _GzipStream
from ._model import _OUT_CHUNK, Limits, _describe, _display, _size_reason, _TooLarge


class _TarArchive(_Archive):
    """A tar, or a tar inside gzip (decompressed by `_GzipStream`, which can seek cheaply)."""

    def __init__(self, blob: _Blob, limits: Limits, gzipped: bool) -> None:
        super().__init__(blob, limits)
        self._index = _GzipIndex() if gzipped else None

    def _open(self, stream: BinaryIO) -> _Handle:
        inner: BinaryIO = stream
        if self._index is not None:
            limit = self.limits.max_total_bytes
            inner = cast(BinaryIO, _GzipStream(stream, self._index, limit, self.limits, (
                f"decompresses to more than the {limit:,} bytes read per case (case limit)")))
        reader = tarfile.open(fileobj=cast(IO[bytes], inner), mode="r:")  # noqa: SIM115 - _Handle
        return _Handle(stream, reader, inner)

    def _list(self, handle: _Handle) -> _Listing:
        reader, inner = cast(tarfile.TarFile, handle.reader), handle.inner
        members: list[_Member] = []
        left_out = 0
        try:
            while (info := reader.next()) is not None:
                # tarfile keeps every header it reads (a 2 GiB tar can hold 4 million); only
                # what is listed is kept here. `members` has been TarFile's list since 3.0.
                reader.members = []  # type: ignore[attr-defined]
                if info.isdir() and info.size == 0:
                    continue
                if len(members) >= self.limits.max_members:
                    left_out += 1
                    continue
                members.append(self._member(reader, inner, info))
            problem = _tar_end_problem(inner, reader.offset)
        except _TooLarge as exc:
            problem = f"tar archive stopped at byte {exc.at:,}: {exc}; the rest is not listed"
            _mark_stopped(members, exc)
        except Exception as exc:  # noqa: BLE001 - truncated or damaged: keep what was listed
            problem = f"tar archive is damaged: {_describe(exc)}"
            last = members[-1] if members else None
            if last is not None and last.skipped is None and _is_cut_off(inner, last.ref):
                last.skipped = _CUT_OFF
        return _Listing(members, problem, left_out)

    def _member(self, reader: tarfile.TarFile, inner: BinaryIO, info: tarfile.TarInfo) -> _Member:
        member = _Member(info.name, info.size if info.isreg() else 0, info,
                         skipped=_tar_reason(info, self.limits), sniffed=True)
        if member.skipped is None:
            try:
                head = b""
                if info.size >= _MIN_ARCHIVE:
                    head = cast(IO[bytes], reader.extractfile(info)).read(_HEAD)
                member.kind = _classify(info.name, head)
                member.streamed = _streamed(head)
            except _TooLarge as exc:
                member.skipped = f"{exc}; not read"
            except Exception as exc:  # noqa: BLE001 - the data is cut off or damaged
                member.skipped = _CUT_OFF if _is_cut_off(inner, info) else \
                    f"unreadable: {_describe(exc)}"
        return member

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        reader = cast(tarfile.TarFile, handle.reader)
        return file_chunks(reader.extractfile(member.ref), step)


def _mark_stopped(members: list[_Member], exc: _TooLarge) -> None:
    """The member whose data the stream stopped in cannot be read either: say why."""
    last = members[-1] if members else None
    if last is not None and last.skipped is None and isinstance(last.ref, tarfile.TarInfo):
        if last.ref.offset_data + last.ref.size > exc.at - _OUT_CHUNK:
            last.skipped = f"{exc}; not read"


def _tar_reason(info: tarfile.TarInfo, limits: Limits) -> str | None:
    if info.isreg():
        sparse = cast(list[tuple[int, int]] | None, info.sparse)
        stored = sum(n for _, n in sparse) if sparse is not None else None
        return _size_reason(info.size, stored, limits)
    if info.isdir():
        return f"folder entry that declares {info.size:,} bytes of data; not read"
    if info.issym():
        return f"symbolic link (to {_display(info.linkname)})"
    if info.islnk():
        return f"hard link (to {_display(info.linkname)})"
    if info.ischr() or info.isblk():
        return "device file"
    if info.isfifo():
        return "fifo"
    return f"tar entry of type {info.type!r} is not a regular file"


def _tar_end_problem(inner: BinaryIO, offset: int) -> str | None:
    """What follows the last header tarfile could read: the end marker, or what went wrong."""
    inner.seek(offset)
    block = inner.read(tarfile.BLOCKSIZE)
    if len(block) == tarfile.BLOCKSIZE and not block.strip(b"\0"):
        return None
    if len(block) < tarfile.BLOCKSIZE:
        return "tar archive ends without its end-of-archive marker (truncated?)"
    return f"unreadable tar header at byte {offset:,}; the rest of the archive is not listed"


_CUT_OFF = "cut off: the archive ends inside this member"


def _is_cut_off(inner: BinaryIO, info: tarfile.TarInfo) -> bool:
    """Whether the archive ends before the last byte of a member's data."""
    if info.size == 0 or info.sparse is not None:
        return False
    try:
        inner.seek(info.offset_data + info.size - 1)
        return len(inner.read(1)) != 1
    except Exception:  # noqa: BLE001 - the (compressed) stream itself ends before it
        return True
