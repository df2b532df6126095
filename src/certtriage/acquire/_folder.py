"""Folders and plain files on disk: the sorted walk (links not followed), files opened only
when they are still regular files once open, and bounded reads."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TypeAlias

from ._model import AcquireError, _describe, _display

StrPath: TypeAlias = "str | os.PathLike[str]"


@dataclass(frozen=True)
class _Entry:
    """One entry of a folder walk: a file to read, or something reported as skipped."""

    origin: str
    path: str
    """As joined from the folder's path and the names below it: no `Path` is made per file
    (`pathlib` interns every part of a path it parses, and a batch walks many names once)."""
    size: int = 0
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
        action, detail = _inspect(path)
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


class _Listing:
    """A folder's entry names in sorted order, taken one at a time. They are held as one
    string (no file name holds a NUL): a folder of 100,000 files holds about 2 MB while it
    is walked, where its directory entries took about 30."""

    __slots__ = ("_names", "_at")

    def __init__(self, names: list[str]) -> None:
        self._names = "\0".join(names)
        self._at = 0 if names else -1

    def __bool__(self) -> bool:
        return self._at >= 0

    def pop(self) -> str:
        """The next name (the listing must not be empty)."""
        end = self._names.find("\0", self._at)
        name = self._names[self._at:end] if end >= 0 else self._names[self._at:]
        self._at = end + 1 if end >= 0 else -1
        return name


def _sorted_names(path: str) -> tuple[_Listing, str | None]:
    try:
        with os.scandir(path) as it:
            return _Listing(sorted(entry.name for entry in it)), None
    except OSError as exc:
        return _Listing([]), _describe(exc)


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


def _open_regular_fd(path: StrPath, follow: bool) -> int:
    """A descriptor open for reading, only if it is a regular file (see `open_regular`)."""
    flags = _OPEN_FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise AcquireError(f"not a regular file ({_kind_of(st)})")
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_regular(path: StrPath, follow: bool = True) -> BinaryIO:
    """Open a file for reading only if, once open, it is a regular file: a folder entry swapped
    for a fifo after the walk cannot block the run (opening never waits), nor a device feed it
    without end. With `follow` false a symbolic link is refused as well."""
    fd = _open_regular_fd(path, follow)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_head(path: StrPath, size: int, follow: bool = True) -> bytes:
    """The first `size` bytes of a regular file (all of a shorter one), opened as
    `open_regular` opens it but read without a buffered file object: the walk reads the head
    of every file, and a file object costs three more system calls."""
    fd = _open_regular_fd(path, follow)
    try:
        chunks: list[bytes] = []
        while size > 0 and (chunk := os.read(fd, size)):
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)
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
