"""Acquire: the paths a user gives become an ordered stream of inputs (`Source`), safely.

A batch run points certtriage at a ticket's attachments: files, folders, zips (TSS bundles),
nested zips, tars and gzip files. :func:`iter_sources` walks them and yields one `Source` per file
or archive member, with a display name (`origin`) that says where it came from. It never raises
for a bad input: whatever cannot be read becomes a `Source` whose `skipped` says why.

Safety
    Nothing is written to disk and nothing is extracted: archive members are read into memory, and
    only when `Source.load()` asks for them. Member names are displayed, never used as paths, so
    `../../x` or `/etc/x` cannot land anywhere. Symbolic and hard links, devices and fifos are
    reported, not followed or opened. Sizes are checked before anything is read and every read is
    bounded (`Limits`); zip members that compress more than `Limits.max_ratio` are refused unread.
    Nothing from the input is executed or fetched.

Order
    Arguments in the order given. Inside a folder and inside an archive, entries come sorted by
    relative path compared component by component, in code-point order (case-sensitive): a
    subfolder is walked where its name sorts among the files, so `a/x` comes before `a.txt` and
    `a/b.txt` before `a-c.txt`. Archive member names are split on `/` the same way. Entries about an
    archive as a whole (members left out, damage found while listing) follow its members.

Archives
    Recognised by their first bytes: zip (`PK\\x03\\x04`, `PK\\x05\\x06`, or a `.zip` name, which
    also finds self-extracting zips), gzip (a tar inside makes it a .tar.gz, anything else is one
    compressed member), tar (a valid header block). 7z, cab, rar, bzip2 and xz are recognised by
    magic or name and reported as not read. Office documents, jars and app packages are zips too,
    but are passed on as plain files (`_DOCUMENT_SUFFIXES`). A zip whose central directory is gone
    (a cut upload) is listed from its local headers as far as they go.

Memory
    Listing keeps only names and offsets. A loader holds its archive, which it reopens on demand:
    at most a few archives stay open at once (`_OpenArchives`), a nested archive is re-read from its
    parent when it is needed again, and a gzip stream keeps restart points so a tar.gz member can be
    read in any order without decompressing from the start each time.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import os
import stat
import struct
import tarfile
import threading
import unicodedata
import weakref
import zipfile
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

__all__ = ["AcquireError", "Limits", "Source", "iter_sources"]

_MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """Bounds on what one batch run reads; the defaults suit a ticket's attachments."""

    max_depth: int = 3
    """Archives inside archives, counted from the top-level archive = 1."""
    max_members: int = 50_000
    """Members listed per archive (the first ones in stored order); the rest are counted."""
    max_member_bytes: int = 512 * _MIB
    """Uncompressed size of one member (or plain file) read into memory."""
    max_total_bytes: int = 2 * 2**30
    """Uncompressed bytes read per top-level argument (a case), nested archives included."""
    max_ratio: int = 200
    """Uncompressed/compressed ratio for zip members above 1 MiB: more is a zip bomb."""

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"Limits.{f.name} must not be negative")


class AcquireError(Exception):
    """An input could not be loaded; the message is one line saying why."""


@dataclass(frozen=True)
class Source:
    """One input of a batch: a plain file, an archive member, or an entry saying why it is not
    read."""

    case: str
    """The top-level argument exactly as given (str of the path)."""
    origin: str
    """Display name: `<case>/sub/file.txt`, `<case>!member`, `<case>!a/inner.zip!b.txt`."""
    size: int
    """Uncompressed size in bytes (0 when unknown)."""
    path: Path | None = None
    """The real file on disk, for plain files (lets EVTX stream from disk)."""
    skipped: str | None = None
    """Why this entry is not analysed (one line); None when it can be loaded."""
    warning: str | None = None
    """Something to tell the user about this entry even though it is read."""
    _loader: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    def load(self) -> bytes:
        """The bytes; raises `AcquireError` (one-line reason) when they cannot be had."""
        if self.skipped is not None:
            raise AcquireError(self.skipped)
        if self._loader is None:
            raise AcquireError("nothing to load")
        try:
            return self._loader()
        except AcquireError:
            raise
        except Exception as exc:  # a damaged archive can raise almost anything; report it
            raise AcquireError(_describe(exc)) from exc


def iter_sources(paths: Sequence[str | Path], limits: Limits = Limits()) -> Iterator[Source]:
    """Yield the inputs found under `paths`, in order; never raises for a bad input.

    A single str or Path is taken as one path (not as a sequence of characters).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in paths:
        yield from _Case(str(path), limits).run(path)


# --- what things are ------------------------------------------------------------------------

_HEAD = 512
"""Bytes read to recognise an archive (a tar header block)."""
_MIN_ARCHIVE = 20
"""Nothing shorter can be an archive that is opened (an empty gzip is 20 bytes, an empty zip 22)."""
_CASE_LIMIT = "case size limit reached"
_MAX_LISTED_OVER = 1000
"""Past the case budget, up to this many entries are reported one by one, more are counted."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_GZIP_MAGIC = b"\x1f\x8b"
_NOT_READ_MAGIC = (
    ("7z", (b"7z\xbc\xaf\x27\x1c",)),
    ("cab", (b"MSCF\x00\x00\x00\x00",)),
    ("rar", (b"Rar!\x1a\x07",)),
    ("xz", (b"\xfd7zXZ\x00",)),
    ("bz2", tuple(b"BZh" + bytes([d]) + m for d in b"123456789"
                  for m in (b"1AY&SY", b"\x17rE8P\x90"))),
)
_NOT_READ_SUFFIXES = {".7z": "7z", ".cab": "cab", ".rar": "rar", ".xz": "xz", ".txz": "xz",
                      ".bz2": "bz2", ".tbz": "bz2", ".tbz2": "bz2"}
_UNPACK_IT = "archives are not read (no well-kept library in use); extract it and pass the folder"
_NOT_READ = {
    "7z": f"7z {_UNPACK_IT}",
    "cab": f"cab {_UNPACK_IT}",
    "rar": f"rar {_UNPACK_IT}",
    "xz": "xz-compressed files are not read; decompress it and pass the result",
    "bz2": "bzip2-compressed files are not read; decompress it and pass the result",
}
#: Zip-based documents and packages: passed on as plain files, not opened as archives.
_DOCUMENT_SUFFIXES = frozenset({
    ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".pptm", ".vsdx", ".odt", ".ods",
    ".odp", ".epub", ".jar", ".apk", ".msix", ".appx", ".nupkg", ".vsix", ".xpi",
})


def _classify(name: str, head: bytes) -> str | None:
    """The archive kind of a file from its name and first bytes; None for a plain file."""
    suffix = _suffix(name)
    if suffix in _DOCUMENT_SUFFIXES:
        return None
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    for kind, magics in _NOT_READ_MAGIC:
        if head.startswith(magics):
            return kind
    if suffix in _NOT_READ_SUFFIXES:
        return _NOT_READ_SUFFIXES[suffix]
    if _is_tar_header(head):
        return "tar"
    return "zip" if suffix == ".zip" else None


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _is_tar_header(head: bytes) -> bool:
    if len(head) < tarfile.BLOCKSIZE:
        return False
    try:
        tarfile.TarInfo.frombuf(head[:tarfile.BLOCKSIZE], "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):  # any malformed header means "not a tar"
        return False
    return True


# --- how things are shown --------------------------------------------------------------------

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _display(name: str) -> str:
    """The name with control characters (C0/C1, line separators, bidi overrides, lone
    surrogates) replaced by `?`; everything else, `../` and leading `/` included, stays visible."""
    if name.isprintable():
        return name
    return "".join("?" if _is_control(c) else c for c in name)


def _is_control(char: str) -> bool:
    return char in _BIDI or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")


def _member_warning(name: str, duplicate: bool) -> str | None:
    notes = []
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        notes.append(f"member name is absolute ({_display(name)}); read in memory only")
    if ".." in parts:
        notes.append("member name climbs out of the archive (../); read in memory only")
    if _display(name) != name:
        notes.append("member name has control characters (shown as ?)")
    if duplicate:
        notes.append("another member has the same name")
    return "; ".join(notes) or None


def _describe(exc: BaseException) -> str:
    """One line saying what went wrong (the OS error text for OS errors)."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join((text or type(exc).__name__).split())


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes uncompressed is more than the {limit:,} read per member"


def _size_reason(size: int, compressed: int | None, limits: Limits) -> str | None:
    """Why a member is refused for its size or compression ratio, before reading it."""
    if size > limits.max_member_bytes:
        return _too_large(size, limits.max_member_bytes)
    if compressed is not None and size > _MIB:
        ratio = size / max(compressed, 1)
        if ratio > limits.max_ratio:
            return (f"compression ratio {ratio:,.0f}:1 is above the {limits.max_ratio}:1 allowed"
                    " (zip bomb?); not read")
    return None


# --- one case: walking, and the byte budget ---------------------------------------------------


class _Case:
    """One top-level argument: its walk, its byte budget and the entries past that budget."""

    def __init__(self, case: str, limits: Limits) -> None:
        self.case = case
        self.limits = limits
        self.used = 0
        self.full = False
        """The budget is reached: every later entry is reported as skipped, nothing more is read."""
        self.over: list[Source] = []
        self.over_count = 0

    def run(self, path: str | os.PathLike[str]) -> Iterator[Source]:
        """All entries of the case, the ones past the budget last (they are last anyway)."""
        yield from self._top(Path(path))
        if self.over_count > _MAX_LISTED_OVER:
            yield self._source(self.case, skipped=f"{_CASE_LIMIT}: {self.over_count:,} more "
                               f"entries not read (limit {self.limits.max_total_bytes:,} bytes)")
        else:
            yield from self.over

    def _source(self, origin: str, size: int = 0, **kw: Any) -> Source:
        return Source(self.case, origin, size, **kw)

    def _emit(self, src: Source, weight: int = 1) -> Iterator[Source]:
        """Yield `src`, charging a loadable one to the budget; past the budget it is deferred."""
        if not self.full:
            if src.skipped is not None:
                yield src
                return
            if self.used + src.size <= self.limits.max_total_bytes:
                self.used += src.size
                yield src
                return
            self.full = True
        self._defer(src.origin, src.size, weight)

    def _defer(self, origin: str, size: int, weight: int = 1) -> None:
        self.over_count += weight
        if len(self.over) <= _MAX_LISTED_OVER:
            more = f": {weight:,} more members" if weight > 1 else ""
            self.over.append(self._source(origin, size, skipped=_CASE_LIMIT + more))

    def _charge(self, size: int) -> bool:
        """Charge bytes read to open a nested archive; False (and full) when they do not fit."""
        if not self.full and self.used + size <= self.limits.max_total_bytes:
            self.used += size
            return True
        self.full = True
        return False

    def _skip(self, origin: str, reason: str, size: int = 0,
              warning: str | None = None) -> Iterator[Source]:
        yield from self._emit(self._source(origin, size, skipped=reason, warning=warning))

    # top level and folders

    def _top(self, path: Path) -> Iterator[Source]:
        try:
            st = path.stat()
        except FileNotFoundError:
            yield from self._skip(self.case, "no such file or folder")
            return
        except (OSError, ValueError) as exc:
            yield from self._skip(self.case, _describe(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self._folder(path)
        elif stat.S_ISREG(st.st_mode):
            yield from self._file(path, self.case, st.st_size, None)
        else:
            yield from self._skip(self.case, f"not a regular file or folder ({_kind_of(st)})")

    def _folder(self, root: Path) -> Iterator[Source]:
        """Walk a folder depth-first, each folder's entries sorted by name; links not followed."""
        prefix = self.case if self.case.endswith(("/", os.sep)) else self.case + "/"
        entries, error = _sorted_entries(root)
        if error is not None:
            yield from self._skip(self.case, error)
            return
        seen = {_folder_id(root)}
        stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = [("", iter(entries))]
        count = 0
        while stack:
            rel, pending = stack[-1]
            entry = next(pending, None)
            if entry is None:
                stack.pop()
                continue
            name = rel + entry.name
            origin = prefix + _display(name)
            action, detail = _inspect(entry)
            if action == "folder":
                entries, error = _sorted_entries(entry.path)
                folder_id = _folder_id(entry.path)
                if error is None and folder_id is not None and folder_id in seen:
                    error = "folder already visited (a loop through a mount or junction)"
                if error is not None:
                    count += 1
                    yield from self._skip(origin, error)
                else:
                    seen.add(folder_id)
                    stack.append((name + "/", iter(entries)))
                continue
            count += 1
            if action == "file":
                warning = None if origin == prefix + name else \
                    "file name has control characters (shown as ?)"
                yield from self._file(Path(entry.path), origin, int(detail), warning)
            else:
                yield from self._skip(origin, str(detail))
        if count == 0:
            yield from self._skip(self.case, "folder holds no files")

    def _file(self, path: Path, origin: str, size: int, warning: str | None) -> Iterator[Source]:
        if self.full:
            self._defer(origin, size)
            return
        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD)
        except OSError as exc:
            yield from self._skip(origin, _describe(exc), size, warning)
            return
        kind = _classify(path.name, head)
        if kind is None:
            loader = partial(_read_file, path, self.limits.max_member_bytes)
            yield from self._emit(self._source(origin, size, path=path, warning=warning,
                                               _loader=loader))
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], size, warning)
        elif self.limits.max_depth < 1:
            yield from self._skip(origin, _too_deep(self.limits), size, warning)
        else:
            archive = _make_archive(kind, _FileBlob(path), self.limits, path.name)
            yield from self._archive(archive, origin, 1)

    # archives

    def _archive(self, archive: _Archive, origin: str, depth: int) -> Iterator[Source]:
        listing = archive.listing()
        members = sorted(listing.members, key=lambda m: m.name.split("/"))
        names = Counter(m.name for m in members)
        for member in members:
            member_origin = f"{origin}!{_display(member.name)}"
            if self.full:
                self._defer(member_origin, member.size)
                continue
            warning = _member_warning(member.name, names[member.name] > 1)
            if member.skipped is not None:
                yield from self._skip(member_origin, member.skipped, member.size, warning)
            else:
                yield from self._member(archive, member, member_origin, depth, warning)
        if listing.left_out:
            yield from self._emit(self._source(origin, skipped=(
                f"{listing.left_out:,} more members left out (limit of "
                f"{self.limits.max_members:,} members per archive)")), listing.left_out)
        if listing.problem is not None:
            yield from self._skip(origin, listing.problem)
        elif not members and not listing.left_out:
            yield from self._skip(origin, "archive holds no files")

    def _member(self, archive: _Archive, member: _Member, origin: str, depth: int,
                warning: str | None) -> Iterator[Source]:
        try:
            kind = member.kind if member.sniffed else _classify(
                member.name, archive.head(member) if member.size >= _MIN_ARCHIVE else b"")
        except Exception as exc:  # noqa: BLE001 - a damaged member; say so, go on with the rest
            yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size, warning)
            return
        if kind is None:
            loader = partial(archive.read, member)
            yield from self._emit(self._source(origin, member.size, warning=warning,
                                               _loader=loader))
        elif kind in _NOT_READ:
            yield from self._skip(origin, _NOT_READ[kind], member.size, warning)
        elif depth >= self.limits.max_depth:
            yield from self._skip(origin, _too_deep(self.limits), member.size, warning)
        elif not self._charge(member.size):
            self._defer(origin, member.size)
        else:
            try:
                data = archive.read(member)
            except Exception as exc:  # noqa: BLE001 - reported like any unreadable member
                yield from self._skip(origin, f"unreadable: {_describe(exc)}", member.size,
                                      warning)
                return
            child = _make_archive(kind, _MemberBlob(archive, member, data), self.limits,
                                  member.name)
            del data
            yield from self._archive(child, origin, depth + 1)


def _too_deep(limits: Limits) -> str:
    return f"archive nested deeper than {limits.max_depth} levels; not opened"


def _sorted_entries(path: str | Path) -> tuple[list[os.DirEntry[str]], str | None]:
    try:
        with os.scandir(path) as it:
            return sorted(it, key=lambda e: e.name), None
    except OSError as exc:
        return [], _describe(exc)


def _folder_id(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _inspect(entry: os.DirEntry[str]) -> tuple[str, int | str]:
    """("folder", 0), ("file", size) or ("skip", reason) for a folder entry; links not followed."""
    try:
        if entry.is_symlink():
            return "skip", "symbolic link"
        if getattr(entry, "is_junction", lambda: False)():
            return "skip", "junction (not followed)"
        if entry.is_dir(follow_symlinks=False):
            return "folder", 0
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return "skip", _describe(exc)
    if stat.S_ISREG(st.st_mode):
        return "file", st.st_size
    return "skip", f"not a regular file ({_kind_of(st)})"


def _kind_of(st: os.stat_result) -> str:
    mode = st.st_mode
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _read_file(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise AcquireError(f"{size:,} bytes is more than the {limit:,} read into memory "
                           "(the file can be streamed from its path)")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise AcquireError(f"more than the {limit:,} bytes read into memory")
    return data


# --- archives -------------------------------------------------------------------------------


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


def _make_archive(kind: str, blob: _Blob, limits: Limits, name: str) -> _Archive:
    if kind == "zip":
        return _ZipArchive(blob, limits)
    if kind == "tar":
        return _TarArchive(blob, limits, gzipped=False)
    if _gzip_holds_tar(blob):
        return _TarArchive(blob, limits, gzipped=True)
    return _GzipArchive(blob, limits, _inner_name(name))


# zip

_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ZIP_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 93: "Zstandard", 95: "XZ", 98: "PPMd",
                     99: "AES encryption"}
_LOCAL = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class _Local:
    """Where a member of a damaged zip lies, from its local header."""

    offset: int
    compressed: int
    method: int
    crc: int


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


# tar


class _TarArchive(_Archive):
    """A tar, or a tar inside gzip (decompressed by `_GzipStream`, which can seek cheaply)."""

    def __init__(self, blob: _Blob, limits: Limits, gzipped: bool) -> None:
        super().__init__(blob, limits)
        self._index = _GzipIndex() if gzipped else None

    def _open(self, stream: BinaryIO) -> _Handle:
        inner: BinaryIO = stream
        if self._index is not None:
            inner = cast(BinaryIO, _GzipStream(stream, self._index, self.limits.max_total_bytes))
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
                if info.isdir():
                    continue
                if len(members) >= self.limits.max_members:
                    left_out += 1
                    continue
                members.append(self._member(reader, inner, info))
            problem = _tar_end_problem(inner, reader.offset)
        except _TooLarge as exc:
            problem = f"tar archive {exc}; the rest is not listed"
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
            except Exception as exc:  # noqa: BLE001 - the data is cut off or damaged
                member.skipped = _CUT_OFF if _is_cut_off(inner, info) else \
                    f"unreadable: {_describe(exc)}"
        return member

    def _head(self, handle: _Handle, member: _Member) -> bytes:
        raise AssertionError("tar members are recognised while listing")

    def _read(self, handle: _Handle, member: _Member, limit: int) -> bytes:
        reader = cast(tarfile.TarFile, handle.reader)
        return cast(IO[bytes], reader.extractfile(member.ref)).read(limit + 1)


def _tar_reason(info: tarfile.TarInfo, limits: Limits) -> str | None:
    if info.isreg():
        return _size_reason(info.size, None, limits)
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


# gzip

_IN_CHUNK = 64 * 1024
_OUT_CHUNK = _MIB


class _GzipArchive(_Archive):
    """A gzip file that is not a tar: one compressed member, measured while listing."""

    def __init__(self, blob: _Blob, limits: Limits, name: str) -> None:
        super().__init__(blob, limits)
        self.name = name

    def _open(self, stream: BinaryIO) -> _Handle:
        return _Handle(stream)

    def _list(self, handle: _Handle) -> _Listing:
        limit = self.limits.max_member_bytes
        gz = _GzipStream(handle.stream, None, limit)
        try:
            head = gz.read(_HEAD)
            size = gz.measure()
        except _TooLarge:
            return _Listing([_Member(self.name, 0, None, skipped=f"decompresses to more than "
                                     f"the {limit:,} bytes read per member")])
        except Exception as exc:  # noqa: BLE001 - truncated or damaged
            return _Listing([], f"gzip stream is damaged: {_describe(exc)}")
        return _Listing([_Member(self.name, size, None, kind=_classify(self.name, head),
                                 sniffed=True)])

    def _head(self, handle: _Handle, member: _Member) -> bytes:
        raise AssertionError("the gzip member is recognised while listing")

    def _read(self, handle: _Handle, member: _Member, limit: int) -> bytes:
        return _GzipStream(handle.stream, None, limit).read(limit + 1)


def _gzip_holds_tar(blob: _Blob) -> bool:
    try:
        with blob.open() as stream:
            return _is_tar_header(_GzipStream(stream, None, 2**62).read(_HEAD))
    except Exception:  # noqa: BLE001 - a damaged gzip is reported by _GzipArchive
        return False


def _inner_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".gz", ".gzip"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[:-len(suffix)]
    return base


class _TooLarge(Exception):
    """A gzip stream decompresses to more than allowed."""


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
    than `cap` bytes raises `_TooLarge`; a stream that ends early raises EOFError.
    """

    def __init__(self, raw: BinaryIO, index: _GzipIndex | None, cap: int) -> None:
        self._raw = raw
        self._index = index
        self._cap = cap
        self._pos = 0
        self._restart(0)

    def _restart(self, pos: int) -> None:
        if self._index is not None:
            self._produced, self._in, self._inflater = self._index.find(pos)
        else:
            self._produced, self._in, self._inflater = 0, 0, zlib.decompressobj(31)
        self._buf = b""
        self._ended = False

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
            raise _TooLarge(f"decompresses to more than {self._cap:,} bytes")
        if self._index is not None and not self._inflater.eof:
            self._index.add(self._produced, self._in, self._inflater)
        return True

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
