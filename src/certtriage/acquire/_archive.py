"""The archive base: members listed once (names and offsets), read later on demand, with the
archive reopened when it is needed again (`_Archive`), from a file or from its parent (blobs)."""

from __future__ import annotations

import contextlib
import io
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ._model import _MIB, AcquireError, Limits, _describe


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
    """What the archive needs to read it: a ZipInfo, a TarInfo, a `_Local` or None."""
    skipped: str | None = None
    kind: str | None = None
    sniffed: bool = False
    """`kind` was already found while listing (tar and gzip members)."""


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
        """A zipfile.ZipFile or tarfile.TarFile, or None (damaged zip, gzip member)."""
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
    """An archive's bytes on disk."""

    nbytes = 0

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def forget(self) -> None:
        """Nothing is held in memory."""


class _MemberBlob:
    """A nested archive's bytes: a member of its parent, re-read from it when needed again."""

    def __init__(self, parent: _Archive, member: _Member, data: bytes) -> None:
        self.parent = parent
        self.member = member
        self.nbytes = member.size
        self._data: bytes | None = data

    def open(self) -> BinaryIO:
        data = self._data if self._data is not None else self.parent.read(self.member)
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
        with self._lock:
            return self._head(self._get(), member)

    def read(self, member: _Member) -> bytes:
        limit = self.limits.max_member_bytes
        with self._lock:
            data = self._read(self._get(), member, limit)
        if len(data) > limit:
            raise AcquireError(f"more than the {limit:,} bytes read per member")
        return data

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

    def _head(self, handle: _Handle, member: _Member) -> bytes:
        raise NotImplementedError

    def _read(self, handle: _Handle, member: _Member, limit: int) -> bytes:
        raise NotImplementedError
