"""A damaged zip (its central directory gone, as in a cut upload) listed from the local headers
in front of its members, as far as they go."""

from __future__ import annotations

import os
import zlib
from typing import BinaryIO

from ._inflate import DEFLATED, METHODS
from ._model import (
    _IN_CHUNK,
    _OUT_CHUNK,
    _RATIO_FLOOR,
    Limits,
    _describe,
    _display,
    _ratio_reason,
    _too_large,
    _TooLarge,
)
from ._zip_central import LOCAL, ZipEntry, zip64_values

_CUT_HEADER = "cut off inside a member header"


def scan_local_headers(stream: BinaryIO, limits: Limits) -> tuple[list[ZipEntry], str | None]:
    """The members of a zip from their local headers, up to where they stop making sense."""
    end = stream.seek(0, os.SEEK_END)
    entries: list[ZipEntry] = []
    pos = 0
    while len(entries) < limits.max_members:
        stream.seek(pos)
        header = stream.read(LOCAL.size)
        if header[:4] != b"PK\x03\x04":
            if header[:4] in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"):
                return entries, None
            return entries, ("the archive ends before its central directory (truncated?)"
                             if not header else f"no member header at byte {pos:,}")
        if len(header) < LOCAL.size:
            return entries, _CUT_HEADER
        entry, next_pos, problem = _local_entry(stream, pos, header, end, limits)
        if entry is None:
            return entries, problem
        if not entry.is_empty_folder():
            entries.append(entry)
        pos = next_pos
    return entries, f"listing stopped at the limit of {limits.max_members:,} members"


def _local_entry(stream: BinaryIO, pos: int, header: bytes, end: int,
                 limits: Limits) -> tuple[ZipEntry | None, int, str | None]:
    _, _, flags, method, _, _, crc, compressed, size, name_len, extra_len = LOCAL.unpack(header)
    raw_name, extra = stream.read(name_len), stream.read(extra_len)
    if len(raw_name) < name_len or len(extra) < extra_len:
        return None, pos, _CUT_HEADER
    name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
    values = zip64_values(extra)
    if len(values) >= 2 and 0xFFFFFFFF in (size, compressed):
        size, compressed = values[0], values[1]
    data_at = pos + LOCAL.size + name_len + extra_len
    if flags & 0x8:  # sizes only in a data descriptor after the data: inflate to find it
        if method != DEFLATED or flags & 0x1:
            return None, pos, f"cannot find where {_display(name)} ends"
        try:
            compressed, size, crc = _inflate_extent(stream, data_at, limits)
        except _TooLarge as exc:
            return None, pos, f"{_display(name)}: {exc}"
        except Exception as exc:  # noqa: BLE001 - truncated or damaged data ends the listing
            return None, pos, f"cut off in member {_display(name)} ({_describe(exc)})"
        stream.seek(data_at + compressed)
        signed = stream.read(4) == b"PK\x07\x08"
        next_pos = data_at + compressed + (20 if values else 12) + 4 * signed
    else:
        next_pos = data_at + compressed
        if next_pos > end:
            return None, pos, f"cut off in member {_display(name)}"
    return ZipEntry(name, flags, method, crc, compressed, size, pos, span=next_pos,
                    end=data_at + compressed, data_at=data_at), next_pos, None


def local_reason(entry: ZipEntry) -> str | None:
    if entry.flags & 0x1:
        return "encrypted"
    if entry.method not in METHODS:
        return f"compressed with method {entry.method}, which is not read from a damaged zip"
    return None


def _inflate_extent(stream: BinaryIO, at: int, limits: Limits) -> tuple[int, int, int]:
    """(compressed size, size, CRC-32) of the raw deflate stream starting at `at`, stopped at
    the member limit or ratio limit."""
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
        if size > limits.max_member_bytes:
            raise _TooLarge(_too_large(size, limits.max_member_bytes))
        if size > _RATIO_FLOOR and size > limits.max_ratio * fed:
            raise _TooLarge(_ratio_reason(size / fed, limits))
    return fed - len(inflater.unused_data), size, crc
