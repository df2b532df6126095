"""A damaged zip (its central directory gone, as in a cut upload) listed and read from the local
headers in front of its members, as far as they go."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from ._archive import _Member
from ._model import (
    _IN_CHUNK,
    _OUT_CHUNK,
    Limits,
    _describe,
    _display,
    _size_reason,
    _too_large,
    _TooLarge,
)

_LOCAL = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class _Local:
    """Where a member of a damaged zip lies, from its local header."""

    offset: int
    compressed: int
    method: int
    crc: int


def _scan_local_headers(stream: BinaryIO, limits: Limits) -> tuple[list[_Member], str | None]:
    """List the members of a zip from their local headers, up to where they stop making sense."""
    stream.seek(0, os.SEEK_END)
    end = stream.tell()
    members: list[_Member] = []
    pos = 0
    while len(members) < limits.max_members:
        stream.seek(pos)
        header = stream.read(_LOCAL.size)
        if header[:4] != b"PK\x03\x04":
            if header[:4] in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"):
                return members, None
            return members, ("the archive ends before its central directory (truncated?)"
                             if not header else f"no member header at byte {pos:,}")
        if len(header) < _LOCAL.size:
            return members, "cut off inside a member header"
        _, _, flags, method, _, _, crc, compressed, size, name_len, extra_len = \
            _LOCAL.unpack(header)
        raw_name, extra = stream.read(name_len), stream.read(extra_len)
        if len(raw_name) < name_len or len(extra) < extra_len:
            return members, "cut off inside a member header"
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        zip64 = _zip64_extra(extra)
        if zip64 is not None and len(zip64) >= 16 and 0xFFFFFFFF in (size, compressed):
            size, compressed = struct.unpack_from("<QQ", zip64)
        data_at = pos + _LOCAL.size + name_len + extra_len
        if flags & 0x8:  # sizes only in a data descriptor after the data: inflate to find it
            if method != zipfile.ZIP_DEFLATED or flags & 0x1:
                return members, f"cannot find where {_display(name)} ends"
            try:
                compressed, size, crc = _inflate_extent(stream, data_at, limits.max_member_bytes)
            except _TooLarge:
                return members, (f"{_display(name)} is larger than the "
                                 f"{limits.max_member_bytes:,} bytes read per member")
            except Exception as exc:  # noqa: BLE001 - truncated or damaged data ends the listing
                return members, f"cut off in member {_display(name)} ({_describe(exc)})"
            stream.seek(data_at + compressed)
            signed = stream.read(4) == b"PK\x07\x08"
            next_pos = data_at + compressed + (20 if zip64 is not None else 12) + 4 * signed
        else:
            next_pos = data_at + compressed
            if next_pos > end:
                return members, f"cut off in member {_display(name)}"
        if not name.endswith("/"):
            members.append(_Member(name, size, _Local(data_at, compressed, method, crc),
                                   skipped=_local_reason(flags, method, size, compressed, limits)))
        pos = next_pos
    return members, f"listing stopped at the limit of {limits.max_members:,} members"


def _zip64_extra(extra: bytes) -> bytes | None:
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, at)
        if tag == 1:
            return extra[at + 4:at + 4 + length]
        at += 4 + length
    return None


def _local_reason(flags: int, method: int, size: int, compressed: int,
                  limits: Limits) -> str | None:
    if flags & 0x1:
        return "encrypted"
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"compressed with method {method}, which is not read from a damaged zip"
    return _size_reason(size, compressed, limits)


def _inflate_extent(stream: BinaryIO, at: int, cap: int) -> tuple[int, int, int]:
    """(compressed size, size, CRC-32) of the raw deflate stream starting at `at`."""
    stream.seek(at)
    inflater = zlib.decompressobj(-15)
    fed = size = crc = 0
    while not inflater.eof:
        data = inflater.unconsumed_tail
        if not data:
            data = stream.read(_IN_CHUNK)
            fed += len(data)
        out = inflater.decompress(data, _OUT_CHUNK)
        if not out and not data and not inflater.eof:
            raise EOFError("compressed data ends early")
        size += len(out)
        crc = zlib.crc32(out, crc)
        if size > cap:
            raise _TooLarge(_too_large(size, cap))
    return fed - len(inflater.unused_data), size, crc


def _local_bytes(stream: BinaryIO, local: _Local, limit: int) -> bytes:
    """At most `limit + 1` bytes of a member located by its local header."""
    stream.seek(local.offset)
    if local.method == zipfile.ZIP_STORED:
        want = min(local.compressed, limit + 1)
        data = stream.read(want)
        if len(data) < want:
            raise EOFError("member data ends early")
        return data
    inflater = zlib.decompressobj(-15)
    parts: list[bytes] = []
    got, left = 0, local.compressed
    while not inflater.eof and got <= limit:
        data = inflater.unconsumed_tail
        if not data:
            data = stream.read(min(left, _IN_CHUNK))
            left -= len(data)
        out = inflater.decompress(data, limit + 1 - got)
        if not out and not data and not inflater.eof:
            raise EOFError("member data ends early")
        parts.append(out)
        got += len(out)
    return b"".join(parts)
