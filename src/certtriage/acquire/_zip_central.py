"""A zip's central directory read entry by entry: the members are those actually found there
(never the count the end record claims), and each member's data is located from its local
header and checked not to overlap another member's (the trick of overlapping zip bombs)."""

from __future__ import annotations

import os
import stat
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ._inflate import inflate
from ._model import AcquireError, _display

_EOCD = struct.Struct("<4s4H2LH")
_LOCATOR64 = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
LOCAL = struct.Struct("<4sHHHHHIIIHH")
_COUNT_MORE = 10
"""Entries past `max_members` are counted up to this many times the limit, then no more."""


class Damaged(Exception):
    """The central directory cannot be found or read: list the members from local headers."""


@dataclass(slots=True)
class ZipEntry:
    """One member: where its local header is and what the directory (or header) says of it."""

    name: str
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int
    """Of the local header, from the start of the stream."""
    mode: int = 0
    """The Unix mode (high half of the external attributes); 0 when none."""
    dos: int = 0
    """The DOS attributes (low byte of the external attributes)."""
    span: int = 0
    """The least end of its data: header, name and compressed data (the extra field unknown)."""
    end: int | None = None
    """Where the next member (or the central directory) begins: its data may not pass it."""
    data_at: int | None = None
    """Where the data begins, when already known (members found from local headers)."""

    def is_folder(self) -> bool:
        return (self.name.endswith("/") or stat.S_ISDIR(self.mode) or bool(self.dos & 0x10))

    def is_empty_folder(self) -> bool:
        """A folder entry without data: left out of the listing (one with data is listed)."""
        return self.is_folder() and self.size == 0 and self.compressed <= 2


@dataclass(frozen=True)
class Directory:
    start: int
    end: int
    shift: int
    """Bytes in front of the zip (a self-extracting stub): added to every stored offset."""


def find_directory(stream: BinaryIO) -> Directory:
    """Where the central directory lies, from the end record (and its Zip64 form)."""
    size = stream.seek(0, os.SEEK_END)
    span = min(size, _EOCD.size + 65535)
    stream.seek(size - span)
    tail = stream.read(span)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise Damaged("File is not a zip file")
    eocd = size - span + at
    _, _, _, _, _, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, at)
    record = eocd
    if eocd >= _LOCATOR64.size + _EOCD64.size:
        stream.seek(eocd - _LOCATOR64.size)
        locator = stream.read(_LOCATOR64.size)
        if locator[:4] == b"PK\x06\x07":
            stream.seek(eocd - _LOCATOR64.size - _EOCD64.size)
            zip64 = stream.read(_EOCD64.size)
            if zip64[:4] != b"PK\x06\x06":
                raise Damaged("Zip64 end record not found")
            cd_size, cd_offset = _EOCD64.unpack(zip64)[-2:]
            record = eocd - _LOCATOR64.size - _EOCD64.size
    shift = record - cd_size - cd_offset
    if shift < 0:
        raise Damaged("central directory lies outside the file")
    return Directory(cd_offset + shift, record, shift)


def read_directory(stream: BinaryIO, directory: Directory,
                   keep: int) -> tuple[list[ZipEntry], int, str | None]:
    """The first `keep` members (empty folders left out), how many more there are, and the
    damage found, if any."""
    records = _Records(stream, directory)
    kept: list[ZipEntry] = []
    more = 0
    while records.pos < directory.end:
        header = records.take(_CENTRAL.size)
        if len(header) < _CENTRAL.size or header[:4] != b"PK\x01\x02":
            return kept, more, f"central directory is damaged after {len(kept) + more:,} entries"
        fields = _CENTRAL.unpack(header)
        name_len, extra_len, comment_len = fields[12:15]
        raw = records.take(name_len + extra_len + comment_len)
        entry = _entry(fields, raw[:name_len], raw[name_len:name_len + extra_len],
                       directory.shift)
        if entry.is_empty_folder():
            continue
        if len(kept) < keep:
            kept.append(entry)
            continue
        more += 1
        if more >= _COUNT_MORE * max(keep, 1):
            return kept, more, f"counting stopped after {len(kept) + more:,} entries"
    return kept, more, None


class _Records:
    """The central directory read a block at a time (its records are small and many)."""

    BLOCK = 256 * 1024

    def __init__(self, stream: BinaryIO, directory: Directory) -> None:
        self._stream = stream
        self._end = directory.end
        self.pos = directory.start
        self._buf = b""
        self._at = 0

    def take(self, n: int) -> bytes:
        if self._at + n > len(self._buf):
            self._stream.seek(self.pos)
            want = max(n, min(self.BLOCK, self._end - self.pos))
            self._buf, self._at = self._stream.read(want), 0
        data = self._buf[self._at:self._at + n]
        self._at += len(data)
        self.pos += len(data)
        return data


def _entry(fields: tuple[int, ...], raw_name: bytes, extra: bytes, shift: int) -> ZipEntry:
    flags, method, crc, compressed, size, external, offset = (
        fields[5], fields[6], fields[9], fields[10], fields[11], fields[17], fields[18])
    values = zip64_values(extra)
    if size == 0xFFFFFFFF and values:
        size = values.pop(0)
    if compressed == 0xFFFFFFFF and values:
        compressed = values.pop(0)
    if offset == 0xFFFFFFFF and values:
        offset = values.pop(0)
    name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
    offset += shift
    return ZipEntry(name, flags, method, crc, compressed, size, offset, external >> 16,
                    external & 0xFF, offset + LOCAL.size + len(raw_name) + compressed)


def zip64_values(extra: bytes) -> list[int]:
    """The 8-byte values of the Zip64 extra field (tag 1), in order."""
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, at)
        if tag == 1:
            body = extra[at + 4:at + 4 + length]
            return [struct.unpack_from("<Q", body, i)[0] for i in range(0, len(body) - 7, 8)]
        at += 4 + length
    return []


def mark_overlaps(entries: list[ZipEntry], limit: int) -> set[int]:
    """Set each entry's `end` and return the positions of those whose data overlaps another
    member's or runs past `limit` (the central directory)."""
    order = sorted(range(len(entries)), key=lambda i: entries[i].offset)
    bad: set[int] = set()
    reach, reach_at = -1, -1
    for k, i in enumerate(order):
        entry = entries[i]
        entry.end = entries[order[k + 1]].offset if k + 1 < len(order) else limit
        if entry.offset < reach:
            bad.update((i, reach_at))
        if entry.span > entry.end:
            bad.add(i)
        if entry.span > reach:
            reach, reach_at = entry.span, i
    return bad


def member_chunks(stream: BinaryIO, entry: ZipEntry, step: int) -> Iterator[bytes]:
    """The member's decompressed data, a chunk at a time, checked against its declared size,
    its CRC-32 and the start of the next member."""
    data_at = entry.data_at if entry.data_at is not None else _data_offset(stream, entry)
    if entry.end is not None and data_at + entry.compressed > entry.end:
        raise AcquireError("its data overlaps the next member's (an overlapping zip); not read")
    produced, crc = 0, 0
    for chunk in inflate(_reader(stream, data_at), entry.method, entry.compressed, step):
        produced += len(chunk)
        if produced > entry.size:
            raise AcquireError(f"{_display(entry.name)} holds more data than the "
                               f"{entry.size:,} bytes its directory entry says")
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != entry.size:
        raise AcquireError(f"{_display(entry.name)} holds {produced:,} bytes, not the "
                           f"{entry.size:,} its directory entry says")
    if crc != entry.crc:
        raise AcquireError(f"bad CRC-32 for {_display(entry.name)}")


def _data_offset(stream: BinaryIO, entry: ZipEntry) -> int:
    stream.seek(entry.offset)
    header = stream.read(LOCAL.size)
    if len(header) < LOCAL.size or header[:4] != b"PK\x03\x04":
        raise AcquireError(f"no local header for {_display(entry.name)} (damaged zip)")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    return int(entry.offset + LOCAL.size + name_len + extra_len)


def _reader(stream: BinaryIO, at: int) -> Callable[[int], bytes]:
    pos = at

    def read(n: int) -> bytes:
        nonlocal pos
        stream.seek(pos)
        data = stream.read(n)
        pos += len(data)
        return data

    return read
