"""Folders and plain files on disk: the sorted walk (links not followed), files opened only
when they are still regular files once open, and bounded reads."""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple, TypeAlias

from ._model import AcquireError, _describe, _display

StrPath: TypeAlias = "str | os.PathLike[str]"


class _Entry(NamedTuple):
    """One entry of a folder walk: a file to read, or something reported as skipped."""

    origin: str
    path: str
    """As joined from the folder's path and the names below it: no `Path` is made per file
    (`pathlib` interns every part of a path it parses, and a batch walks many names once)."""
    size: int = 0
    """-1 for a file the listing says is regular: its size is read once it is open."""
    skipped: str | None = None
    warning: str | None = None


def _walk(case: str, root: str) -> Iterator[_Entry]:
    """Walk a folder depth-first, each folder's entries sorted by name; links not followed."""
    prefix = case if case.endswith(("/", os.sep)) else case + "/"
    names, error = _sorted_names(root)
    if error is not None:
        yield _Entry(case, root, skipped=error)
        return
    seen = {_folder_id(root)}
    # each folder's names are let go as they are walked
    stack: list[tuple[str, str, _Listing]] = [("", root, names)]
    count = 0
    while stack:
        rel, folder, pending = stack[-1]
        if not pending:
            stack.pop()
            continue
        base = pending.pop()
        name, path = rel + base, os.path.join(folder, base)
        origin = prefix + _display(name)
        # A regular file as the folder listed it is opened as one (and its size read) when
        # it is read; anything else is looked at here.
        action, detail = ("file", -1) if base not in pending.others else _inspect(path)
        if action == "folder":
            names, error = _sorted_names(path)
            folder_id = _folder_id(path)
            if error is None and folder_id is not None and folder_id in seen:
                error = "folder already visited (a loop through a mount or junction)"
            if error is not None:
                count += 1
                yield _Entry(origin, path, skipped=error)
            else:
                seen.add(folder_id)
                stack.append((name + "/", path, names))
            continue
        count += 1
        if action == "file":
            warning = None if origin == prefix + name else \
                "file name has control characters (shown as ?)"
            yield _Entry(origin, path, int(detail), warning=warning)
        else:
            yield _Entry(origin, path, skipped=str(detail))
    if count == 0:
        yield _Entry(case, root, skipped="folder holds no files")


#: Compressed bytes of a listing fed to the decompressor at a time ...
_PIECE = 16 * 1024
#: ... and the most bytes of names it gives back at a time.
_NAMES = 64 * 1024


class _Listing:
    """A folder's entry names in sorted order, taken one at a time, and those of its entries
    that are not regular files by the folder's own listing (`others`: folders, links,
    junctions and other reparse points, special files), which are looked at again.

    The names are held as one compressed string (NUL between names: no file name holds one),
    decompressed a part at a time as they are taken: sorted names share most of their
    letters with the name before, so a folder of 100,000 files (`dump-000001.txt` ...) holds
    about 0.3 MB while it is walked, where the names joined took 1.6 MB and their
    directory entries about 30: the one part of a run's memory that grew with its files."""

    __slots__ = ("_packed", "_fed", "_inflate", "_buffer", "_at", "others")

    def __init__(self, names: list[str], others: set[str] | None = None) -> None:
        joined = "\0".join(names).encode("utf-8", "surrogatepass")  # any str, both ways
        self._packed = zlib.compress(joined, 1) if names else b""
        self._fed = 0
        self._inflate = zlib.decompressobj()
        self._buffer = b""
        self._at = 0 if names else -1
        self.others = others or set()

    def __bool__(self) -> bool:
        return self._at >= 0

    def pop(self) -> str:
        """The next name (the listing must not be empty)."""
        buffer, at = self._buffer, self._at
        end = buffer.find(b"\0", at)
        while end < 0 and (more := self._more()):
            buffer, at = buffer[at:] + more, 0
            end = buffer.find(b"\0")
        if end < 0:  # the last name
            name, self._buffer, self._at = buffer[at:], b"", -1
        else:
            name, self._buffer, self._at = buffer[at:end], buffer, end + 1
        return name.decode("utf-8", "surrogatepass")

    def _more(self) -> bytes:
        """The next bytes of names, at most `_NAMES` (b"" once all are given)."""
        inflate = self._inflate
        while True:
            data = inflate.unconsumed_tail
            if not data:
                data = self._packed[self._fed:self._fed + _PIECE]
                self._fed += len(data)
            out = inflate.decompress(data, _NAMES)
            if out or not data:
                return out


def _sorted_names(path: str) -> tuple[_Listing, str | None]:
    try:
        names, others = [], set()
        with os.scandir(path) as it:
            for entry in it:
                names.append(entry.name)
                if not _regular(entry):
                    others.add(entry.name)
        names.sort()
        return _Listing(names, others), None
    except OSError as exc:
        return _Listing([]), _describe(exc)


def _regular(entry: os.DirEntry[str]) -> bool:
    """A regular file by what the listing says (the entry's type on POSIX, its attributes on
    Windows: no system call for either)."""
    try:
        return entry.is_file(follow_symlinks=False) and not _reparse(entry)
    except OSError:
        return False


def _reparse(entry: os.DirEntry[str]) -> bool:
    """A Windows reparse point (a link, a junction, a cloud placeholder): its attributes come
    with the listing there; elsewhere there are none."""
    if os.name != "nt":
        return False
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400))


def _folder_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


#: The reparse tag of a Windows directory junction (None elsewhere).
_JUNCTION = getattr(stat, "IO_REPARSE_TAG_MOUNT_POINT", None)


def _inspect(path: str) -> tuple[str, int | str]:
    """("folder", 0), ("file", size) or ("skip", reason) for a folder entry; links not followed
    (one `lstat`, which is what reading the size of a directory entry costs as well)."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return "skip", _describe(exc)
    if stat.S_ISLNK(st.st_mode):
        return "skip", "symbolic link"
    if _JUNCTION is not None and getattr(st, "st_reparse_tag", 0) == _JUNCTION:
        return "skip", "junction (not followed)"
    if stat.S_ISDIR(st.st_mode):
        return "folder", 0
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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(
    os, "O_NOCTTY", 0)


def _open_regular_fd(path: StrPath, follow: bool) -> tuple[int, int]:
    """A descriptor open for reading, only if it is a regular file (see `open_regular`), and
    the file's size."""
    flags = _OPEN_FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise AcquireError(f"not a regular file ({_kind_of(st)})")
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def open_regular(path: StrPath, follow: bool = True) -> BinaryIO:
    """Open a file for reading only if, once open, it is a regular file: a folder entry swapped
    for a fifo after the walk cannot block the run (opening never waits), nor a device feed it
    without end. With `follow` false a symbolic link is refused as well."""
    fd, _ = _open_regular_fd(path, follow)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_start(path: StrPath, head: int, whole: int,
               follow: bool = True) -> tuple[bytes, int, bool]:
    """The first `head` bytes of a regular file (all of a shorter one), or all of it when the
    open file's size is at most `whole` bytes (-1: never); with that size, and whether the
    bytes are all of it (it did not grow past `whole` as it was read). Opened as
    `open_regular` opens it but read without a buffered file object: the walk reads the start
    of every file, and a file object costs three more system calls."""
    fd, size = _open_regular_fd(path, follow)
    try:
        want = max(head, size + 1) if size <= whole else head
        left, chunks = want, []
        while left > 0 and (chunk := os.read(fd, left)):
            chunks.append(chunk)
            left -= len(chunk)
            if want - left == size < want:
                # as many bytes as the open file holds, and asked for one more: its end,
                # without another read to find it (a system call per file of a batch)
                break
        data = b"".join(chunks)
        return data, size, len(data) < want and len(data) <= whole
    finally:
        os.close(fd)


def _read_file(path: StrPath, limit: int, follow: bool = True) -> bytes:
    """The bytes of a regular file, at most `limit` (checked before and while reading)."""
    with open_regular(path, follow) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise AcquireError(f"{size:,} bytes is more than the {limit:,} held in memory "
                               "(read it from Source.path)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise AcquireError(f"more than the {limit:,} bytes held in memory (the file grew)")
    return data


class FileContent:
    """A plain file's bytes: streamed from its path, or loaded (bounded); a small one's as the
    walk read them (`held`) until it is released."""

    def __init__(self, path: str, limit: int, follow: bool, held: bytes | None = None) -> None:
        self._path = path
        self._limit = limit
        self._follow = follow
        self._held = held

    def path(self) -> str:
        return self._path

    def held(self) -> bytes | None:
        return self._held

    def load(self) -> bytes:
        if self._held is not None:
            return self._held
        return _read_file(self._path, self._limit, self._follow)

    def release(self) -> None:
        """Nothing was copied; the bytes held are let go (read again if needed)."""
        self._held = None
