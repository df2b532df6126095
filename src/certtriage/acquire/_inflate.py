"""Zip member data decompressed a chunk at a time (stored, Deflate, bzip2, LZMA), never more
than a chunk of output per step, and a file-like view of such chunks."""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from ._model import _IN_CHUNK, _OUT_CHUNK

STORED, DEFLATED, BZIP2, LZMA = 0, 8, 12, 14
METHODS = frozenset({STORED, DEFLATED, BZIP2, LZMA})
METHOD_NAMES = {6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd",
                99: "AES encryption"}


class _Zlib:
    """zlib's decompressor with the `needs_input` of bz2's and lzma's."""

    def __init__(self) -> None:
        self._z = zlib.decompressobj(-15)

    @property
    def eof(self) -> bool:
        return bool(self._z.eof)

    @property
    def needs_input(self) -> bool:
        return not self._z.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        return self._z.decompress(self._z.unconsumed_tail + data, max_length)


def _lzma(read: Callable[[int], bytes]) -> Any:
    """Zip's LZMA: a 4-byte header (version, properties size), the LZMA1 properties, raw data."""
    header = read(4)
    if len(header) < 4:
        raise EOFError("LZMA header cut off")
    props = read(struct.unpack_from("<H", header, 2)[0])
    if len(props) < 5:
        raise EOFError("LZMA properties cut off")
    lc_lp_pb, dict_size = props[0], struct.unpack_from("<I", props, 1)[0]
    if lc_lp_pb >= 9 * 5 * 5:
        raise ValueError("invalid LZMA properties")
    pb, rest = divmod(lc_lp_pb, 45)
    lp, lc = divmod(rest, 9)
    return lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{
        "id": lzma.FILTER_LZMA1, "dict_size": dict_size, "lc": lc, "lp": lp, "pb": pb}])


def inflate(read: Callable[[int], bytes], method: int, compressed: int,
            step: int = _OUT_CHUNK) -> Iterator[bytes]:
    """The decompressed data of `compressed` raw bytes, at most `step` bytes at a time.

    `read(n)` returns the next raw bytes. Raises EOFError when the data ends early."""
    left = compressed

    def take(n: int) -> bytes:
        nonlocal left
        data = read(min(n, left))
        left -= len(data)
        return data

    if method == STORED:
        while left:
            data = take(step)
            if not data:
                raise EOFError("member data ends early")
            yield data
        return
    decoder: Any = (_Zlib() if method == DEFLATED else bz2.BZ2Decompressor() if method == BZIP2
                    else _lzma(take))
    while not decoder.eof:
        data = take(_IN_CHUNK) if decoder.needs_input and left else b""
        out = decoder.decompress(data, step)
        if out:
            yield out
        elif not data and decoder.needs_input and not decoder.eof:
            raise EOFError("compressed data ends early")


class ChunkReader:
    """`read(n)` over an iterator of byte chunks (what tarfile and the copy loops expect)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        want = size if size >= 0 else 2**62
        while want > 0:
            if self._at >= len(self._buf):
                self._buf, self._at = next(self._chunks, b""), 0
                if not self._buf:
                    break
            piece = self._buf[self._at:self._at + want]
            self._at += len(piece)
            want -= len(piece)
            parts.append(piece)
        return b"".join(parts)
