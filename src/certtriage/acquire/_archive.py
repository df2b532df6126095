"""The archive base: members listed once (names and offsets), read later on demand, with the
archive reopened when it is needed again (`_Archive`), from a file or from its parent (blobs)."""

from __future__ import annotations

import contextlib
import io
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ._detect import _HEAD
from ._folder import StrPath, open_regular
from ._model import _MIB, _OUT_CHUNK, AcquireError, Limits, _describe
from ._spill import Spill


class _OpenArchives:
    """The archives whose handle is open, least recently used first; past a bound the oldest is
    closed (a file descriptor, or a nested archive's bytes) and reopened when next needed.

    Archives are held weakly: one that no `Source` refers to any more is simply forgotten.
    """

    def __init__(self, max_open: int = 8, max_bytes: int = 256 * _MIB) -> None:
        self.max_open = max_open
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._lru: OrderedDict[int, tuple[weakref.ref[_Archive], int]] = OrderedDict()
        self._bytes = 0

    def touch(self, archive: _Archive, nbytes: int) -> None:
        with self._lock:
            key = id(archive)
            _, old = self._lru.pop(key, (None, 0))
            self._lru[key] = (weakref.ref(archive), nbytes)
            self._bytes += nbytes - old
            for other_key, (ref, size) in list(self._lru.items())[:-1]:
                if len(self._lru) <= self.max_open and self._bytes <= self.max_bytes:
                    return
                other = ref()
                if other is None or other.drop():
                    del self._lru[other_key]
                    self._bytes -= size


_OPEN = _OpenArchives()


@dataclass
class _Member:
    """One listed archive member: what is needed to read it, and what is known about it."""

    name: str
    size: int
    ref: Any
    """What the archive needs to read it: a ZipEntry, a TarInfo or None."""
    skipped: str | None = None
    note: str | None = None
    """Something to tell about a member that is read (a folder entry that carries data)."""
    kind: str | None = None
    sniffed: bool = False
    """`kind` was already found while listing (tar and gzip members)."""
    streamed: bool = False
    """It starts like a format that is streamed from a file (EVTX), found while listing."""


@dataclass
class _Listing:
    members: list[_Member]
    problem: str | None = None
    """Damage found while listing: reported after the members that could be listed."""
    left_out: int = 0


class _Handle:
    """An open archive: the stream of its bytes and the object reading it."""

    def __init__(self, stream: BinaryIO, reader: Any = None, inner: BinaryIO | None = None) -> None:
        self.stream = stream
        self.reader = reader
        """A tarfile.TarFile, or None (zip, gzip member)."""
        self.inner = inner if inner is not None else stream
        """The bytes the reader reads: the stream, or its decompressed view."""

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.stream.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # nothing useful to do while being collected
            self.close()


class _FileBlob:
    """An archive's bytes on disk: a file, or a private temporary copy of a large member."""

    nbytes = 0

    def __init__(self, path: StrPath, size: int, spill: Spill | None = None) -> None:
        self.path = path
        self.size = size
        self._spill = spill
        """Kept while the archive lives: the copy goes with it."""

    def open(self) -> BinaryIO:
        return open_regular(self.path)

    def forget(self) -> None:
        """Nothing is held in memory."""


class _MemberBlob:
    """A small nested archive's bytes: a member of its parent, re-read from it when needed."""

    def __init__(self, parent: _Archive, member: _Member, data: bytes) -> None:
        self.parent = parent
        self.member = member
        self.size = self.nbytes = member.size
        self._data: bytes | None = data

    def open(self) -> BinaryIO:
        data = self._data
        if data is None:
            data = self.parent.read(self.member, self.parent.limits.max_memory_bytes)
        return io.BytesIO(data)

    def forget(self) -> None:
        self._data = None


_Blob = _FileBlob | _MemberBlob


class _Archive:
    """An archive that lists its members once and reads any of them later, reopening on demand.

    Every use holds the archive's lock, so loaders may run from several threads. Locks are taken
    child before parent (opening a nested archive reads its parent), and the cache of open
    archives never waits for one, so they cannot deadlock.
    """

    def __init__(self, blob: _Blob, limits: Limits) -> None:
        self.blob = blob
        self.limits = limits
        self._lock = threading.Lock()
        self._handle: _Handle | None = None
        self._listing: _Listing | None = None

    def listing(self) -> _Listing:
        with self._lock:
            if self._listing is None:
                try:
                    self._listing = self._list(self._get())
                except Exception as exc:  # noqa: BLE001 - a damaged archive must not stop a batch
                    self._listing = _Listing([], f"archive could not be read: {_describe(exc)}")
                self.blob.forget()
            return self._listing

    def head(self, member: _Member) -> bytes:
        """The first bytes of a member (enough to recognise an archive)."""
        with self._lock:
            return _collect(self._chunks(self._get(), member, _HEAD), _HEAD)[:_HEAD]

    def read(self, member: _Member, limit: int) -> bytes:
        """A member's bytes; more than `limit` raises AcquireError."""
        with self._lock:
            data = _collect(self._chunks(self._get(), member, _OUT_CHUNK), limit + 1)
        if len(data) > limit:
            raise AcquireError(f"more than the {limit:,} bytes held in memory per member; "
                               "read it from Source.path")
        return data

    def copy(self, member: _Member, out: BinaryIO) -> None:
        """Write a member to `out` a chunk at a time, up to the member limit."""
        limit, written = self.limits.max_member_bytes, 0
        with self._lock:
            for chunk in self._chunks(self._get(), member, _OUT_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise AcquireError(f"more than the {limit:,} bytes read per member")
                out.write(chunk)

    def drop(self) -> bool:
        """Close the handle unless it is in use (called by the cache; never waits)."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            handle, self._handle = self._handle, None
            if handle is not None:
                handle.close()
        finally:
            self._lock.release()
        return True

    def _get(self) -> _Handle:
        if self._handle is None:
            stream = self.blob.open()
            try:
                self._handle = self._open(stream)
            except BaseException:
                stream.close()
                raise
        _OPEN.touch(self, self.blob.nbytes)
        return self._handle

    def _open(self, stream: BinaryIO) -> _Handle:
        raise NotImplementedError

    def _list(self, handle: _Handle) -> _Listing:
        raise NotImplementedError

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        """The member's bytes, at most `step` at a time."""
        raise NotImplementedError


def _collect(chunks: Iterator[bytes], want: int) -> bytes:
    """At least `want` bytes from `chunks` (fewer when they end), then stop reading."""
    parts: list[bytes] = []
    got = 0
    for chunk in chunks:
        parts.append(chunk)
        got += len(chunk)
        if got >= want:
            break
    return b"".join(parts)


def slices(data: bytes, step: int) -> Iterator[bytes]:
    """Bytes held in memory, `step` at a time (a member decoded when its archive was read)."""
    for start in range(0, len(data), step):
        yield data[start:start + step]


def file_chunks(handle: Any, step: int) -> Iterator[bytes]:
    """The bytes of a file-like object, `step` at a time."""
    while chunk := handle.read(step):
        yield chunk
