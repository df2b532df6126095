"""Gzip: a gzip file that is not a tar (one compressed member), and the seekable reader of
decompressed bytes that a tar.gz is read through."""

from __future__ import annotations

import bisect
import io
import os
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from ._archive import _Archive, _Blob, _Handle, _Listing, _Member, file_chunks
from ._detect import _GZIP_MAGIC, _HEAD, _classify, _is_tar_header, _streamed
from ._model import (
    _IN_CHUNK,
    _MIB,
    _OUT_CHUNK,
    _RATIO_FLOOR,
    Limits,
    _describe,
    _ratio_reason,
    _size_reason,
    _TooLarge,
)

_RATIO_WINDOW = 16 * _MIB
"""The ratio limit is checked over every stretch of this much output (and from the start), so
a bomb cannot hide behind well-behaved data in front of it."""


class _GzipArchive(_Archive):
    """A gzip file that is not a tar: one compressed member, measured while listing (stopped
    at the member limit or at the ratio limit, whichever comes first)."""

    def __init__(self, blob: _Blob, limits: Limits, name: str) -> None:
        super().__init__(blob, limits)
        self.name = name

    def _open(self, stream: BinaryIO) -> _Handle:
        return _Handle(stream)

    def _list(self, handle: _Handle) -> _Listing:
        declared = _declared(handle.stream, self.limits)
        if declared is not None:
            size, reason = declared
            return _Listing([_Member(self.name, size, None, skipped=reason)])
        gz = self._stream(handle)
        try:
            head = gz.read(_HEAD)
            size = gz.measure()
        except _TooLarge as exc:
            return _Listing([_Member(self.name, exc.at, None, skipped=f"{exc}; not read")])
        except Exception as exc:  # noqa: BLE001 - truncated or damaged
            return _Listing([], f"gzip stream is damaged: {_describe(exc)}")
        return _Listing([_Member(self.name, size, None, kind=_classify(self.name, head),
                                 sniffed=True, streamed=_streamed(head))])

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        return file_chunks(self._stream(handle), step)

    def _stream(self, handle: _Handle) -> _GzipStream:
        limit = self.limits.max_member_bytes
        return _GzipStream(handle.stream, None, limit, self.limits, f"decompresses to more "
                           f"than the {limit:,} bytes read per member (member limit)")


def _declared(stream: BinaryIO, limits: Limits) -> tuple[int, str] | None:
    """(size, why not read) when the gzip trailer's size (ISIZE) is already too large or too
    compressed: refused without inflating anything. A trailer that understates is caught while
    inflating (the member limit and the ratio limit hold there too)."""
    compressed = stream.seek(0, os.SEEK_END)
    if compressed < 18:
        return None
    stream.seek(compressed - 4)
    size = int.from_bytes(stream.read(4), "little")
    reason = _size_reason(size, compressed, limits)
    if reason is None:
        return None
    return size, reason.replace("uncompressed is", "uncompressed (its gzip trailer says) is")


def _gzip_holds_tar(blob: _Blob) -> bool:
    try:
        with blob.open() as stream:
            return _is_tar_header(_GzipStream(stream, None, 2**62, None).read(_HEAD))
    except Exception:  # noqa: BLE001 - a damaged gzip is reported by _GzipArchive
        return False


def _inner_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".gz", ".gzip"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[:-len(suffix)]
    return base


class _GzipIndex:
    """Restart points in a gzip stream, so that a seek decompresses at most `spacing` bytes
    instead of everything from the start (members are read in name order, not stored order).

    A point is a copy of the decompressor (about 40 KiB). Past MAX_POINTS every other point is
    dropped and the spacing doubles: at most ~10 MiB, 1 MiB apart for streams up to 256 MiB.
    """

    SPACING = _MIB
    MAX_POINTS = 256

    def __init__(self) -> None:
        self.spacing = self.SPACING
        self.outs = [0]
        self.points: list[tuple[int, Any]] = [(0, zlib.decompressobj(31))]

    def add(self, out: int, in_pos: int, inflater: Any) -> None:
        if out < self.outs[-1] + self.spacing:
            return
        self.outs.append(out)
        self.points.append((in_pos, inflater.copy()))
        if len(self.points) > self.MAX_POINTS:
            self.outs, self.points = self.outs[::2], self.points[::2]
            self.spacing *= 2

    def nearest(self, pos: int) -> int:
        """The position of the last restart point at or before `pos`."""
        return self.outs[bisect.bisect_right(self.outs, pos) - 1]

    def find(self, pos: int) -> tuple[int, int, Any]:
        i = bisect.bisect_right(self.outs, pos) - 1
        in_pos, inflater = self.points[i]
        return self.outs[i], in_pos, inflater.copy()


class _GzipStream:
    """Seekable, read-only view of the decompressed bytes of a gzip stream (all its members).

    Reads raw bytes at explicit offsets, so several views can share one stream. Producing more
    than `cap` bytes, or (with `limits`) more than `max_ratio` times the compressed bytes
    behind them, raises `_TooLarge`; a stream that ends early raises EOFError.
    """

    def __init__(self, raw: BinaryIO, index: _GzipIndex | None, cap: int,
                 limits: Limits | None, cap_reason: str | None = None) -> None:
        self._raw = raw
        self._index = index
        self._cap = cap
        self._cap_reason = cap_reason or f"decompresses to more than {cap:,} bytes"
        self._limits = limits
        self._pos = 0
        self._restart(0)

    def _restart(self, pos: int) -> None:
        if self._index is not None:
            self._produced, self._in, self._inflater = self._index.find(pos)
        else:
            self._produced, self._in, self._inflater = 0, 0, zlib.decompressobj(31)
        self._buf = b""
        self._ended = False
        self._mark = (self._produced, self._consumed())
        """Where the current ratio stretch began (out, in)."""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            pos += self._pos
        elif whence != os.SEEK_SET:
            raise io.UnsupportedOperation("a gzip stream cannot seek from its end")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def read(self, size: int | None = -1) -> bytes:
        want = self._cap + 1 if size is None or size < 0 else size
        parts: list[bytes] = []
        while want > 0:
            start = self._produced - len(self._buf)
            if self._pos < start or (self._pos > self._produced and self._index is not None
                                     and self._index.nearest(self._pos) > self._produced):
                self._restart(self._pos)  # back, or forward past a restart point
            elif self._pos < self._produced:
                piece = self._buf[self._pos - start:self._pos - start + want]
                parts.append(piece)
                self._pos += len(piece)
                want -= len(piece)
            elif not self._produce():
                break
        return b"".join(parts)

    def measure(self) -> int:
        """Decompress to the end; the total size."""
        while self._produce():
            pass
        self._pos = self._produced
        return self._produced

    def _produce(self) -> bool:
        chunk = self._more()
        if not chunk:
            return False
        self._buf = chunk
        self._produced += len(chunk)
        if self._produced > self._cap:
            raise _TooLarge(self._cap_reason, self._produced)
        if self._limits is not None:
            self._check_ratio(self._limits)
        if self._index is not None and not self._inflater.eof:
            self._index.add(self._produced, self._in, self._inflater)
        return True

    def _consumed(self) -> int:
        """Compressed bytes actually fed to the decompressor so far (read ahead not counted)."""
        inflater = self._inflater
        return self._in - len(inflater.unconsumed_tail) - len(inflater.unused_data)

    def _check_ratio(self, limits: Limits) -> None:
        consumed = self._consumed()
        for out0, in0 in ((0, 0), self._mark):
            out, used = self._produced - out0, max(consumed - in0, 1)
            if out > _RATIO_FLOOR and out > limits.max_ratio * used:
                raise _TooLarge(_ratio_reason(out / used, limits), self._produced)
        if self._produced - self._mark[0] >= _RATIO_WINDOW:
            self._mark = (self._produced, consumed)

    def _more(self) -> bytes:
        while not self._ended:
            inflater = self._inflater
            if inflater.eof:
                out = self._next_member()
            else:
                data = inflater.unconsumed_tail or self._read_raw(_IN_CHUNK)
                out = inflater.decompress(data, _OUT_CHUNK)
                if not out and not data and not inflater.eof:
                    raise EOFError("compressed data ends early (truncated?)")
            if out:
                return out
        return b""

    def _next_member(self) -> bytes:
        """Start the next gzip member, if one follows (trailing padding or garbage is ignored)."""
        tail = self._inflater.unused_data
        if len(tail) < 2:
            tail += self._read_raw(2 - len(tail))
        if not tail.startswith(_GZIP_MAGIC):
            self._ended = True
            return b""
        self._inflater = zlib.decompressobj(31)
        return cast(bytes, self._inflater.decompress(tail, _OUT_CHUNK))

    def _read_raw(self, size: int) -> bytes:
        self._raw.seek(self._in)
        data = self._raw.read(size)
        self._in += len(data)
        return data
