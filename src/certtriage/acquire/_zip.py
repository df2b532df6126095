"""Zip archives, read with zipfile; one that zipfile cannot open is listed from its local headers
(`_zip_local`)."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
from typing import BinaryIO, cast

from ._archive import _Archive, _Blob, _Handle, _Listing, _Member
from ._detect import _HEAD
from ._model import AcquireError, Limits, _describe, _display, _size_reason
from ._zip_local import _local_bytes, _scan_local_headers

_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd",
                     99: "AES encryption"}


class _ZipArchive(_Archive):
    """A zip read with zipfile; without a central directory, listed from its local headers."""

    def __init__(self, blob: _Blob, limits: Limits) -> None:
        super().__init__(blob, limits)
        self._refused: str | None = None
        """Why the zip is not listed at all (far too many members)."""
        self._damage: str | None = None
        """Why zipfile could not open it: then members come from the local headers."""

    def _open(self, stream: BinaryIO) -> _Handle:
        if self._listing is not None and self._damage is None:
            return _Handle(stream, zipfile.ZipFile(stream))
        if self._listing is not None:
            return _Handle(stream)
        declared = _zip_declared_members(stream)
        if declared > 4 * self.limits.max_members:
            self._refused = (f"zip declares {declared:,} members, far above the limit of "
                             f"{self.limits.max_members:,}; not opened")
            return _Handle(stream)
        try:
            return _Handle(stream, zipfile.ZipFile(stream))
        except Exception as exc:  # noqa: BLE001 - zipfile raises many types on damaged input
            self._damage = f"damaged zip ({_describe(exc)})"
            return _Handle(stream)

    def _list(self, handle: _Handle) -> _Listing:
        if self._refused is not None:
            return _Listing([], self._refused)
        if handle.reader is None:
            return self._list_local(handle.stream)
        members: list[_Member] = []
        left_out = 0
        for info in cast(zipfile.ZipFile, handle.reader).infolist():
            if _zip_is_dir(info):
                continue
            if len(members) >= self.limits.max_members:
                left_out += 1
                continue
            members.append(_Member(info.orig_filename, info.file_size, info,
                                   skipped=self._reason(info)))
        return _Listing(members, left_out=left_out)

    def _list_local(self, stream: BinaryIO) -> _Listing:
        members, problem = _scan_local_headers(stream, self.limits)
        text = f"{self._damage}: {len(members)} members recovered from their local headers"
        return _Listing(members, f"{text}; {problem}" if problem else text)

    def _reason(self, info: zipfile.ZipInfo) -> str | None:
        if stat.S_ISLNK(info.external_attr >> 16):
            return "symbolic link"
        if info.flag_bits & 0x1:
            return "encrypted"
        if info.compress_type not in _ZIP_METHODS:
            name = _ZIP_METHOD_NAMES.get(info.compress_type, "an unknown method")
            return (f"compressed with {name} (method {info.compress_type}), which is not "
                    "supported; re-zip it with Deflate")
        return _size_reason(info.file_size, info.compress_size, self.limits)

    def _head(self, handle: _Handle, member: _Member) -> bytes:
        if handle.reader is None:
            return _local_bytes(handle.stream, member.ref, _HEAD - 1)[:_HEAD]
        with cast(zipfile.ZipFile, handle.reader).open(member.ref) as f:
            return f.read(_HEAD)

    def _read(self, handle: _Handle, member: _Member, limit: int) -> bytes:
        if handle.reader is None:
            data = _local_bytes(handle.stream, member.ref, limit)
            if len(data) <= limit and zlib.crc32(data) != member.ref.crc:
                raise AcquireError(f"bad CRC-32 for {_display(member.name)}")
            return data
        with cast(zipfile.ZipFile, handle.reader).open(member.ref) as f:
            return f.read(limit + 1)


def _zip_is_dir(info: zipfile.ZipInfo) -> bool:
    return info.is_dir() or stat.S_ISDIR(info.external_attr >> 16) or (
        bool(info.external_attr & 0x10) and info.file_size == 0)


def _zip_declared_members(stream: BinaryIO) -> int:
    """The member count in the end-of-central-directory record (0 when there is none), read
    before zipfile lists every entry into memory."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    span = min(size, 22 + 65535 + 20)
    stream.seek(size - span)
    tail = stream.read(span)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return 0
    count: int = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == b"PK\x06\x07":
        stream.seek(struct.unpack_from("<Q", tail, at - 12)[0])
        record = stream.read(40)
        if record[:4] == b"PK\x06\x06" and len(record) == 40:
            count = struct.unpack_from("<Q", record, 32)[0]
    return count
