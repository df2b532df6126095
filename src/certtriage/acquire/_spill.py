"""Private temporary copies: a large or streamed member is copied, a chunk at a time, to a file
in a folder only this user can read (made on first need), and removed after use."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_lock = threading.Lock()
_folder: Path | None = None
_owner = 0
"""The process that made `_folder` (a forked worker makes its own)."""


def _private_folder() -> Path:
    global _folder, _owner
    with _lock:
        if _folder is None or _owner != os.getpid():
            _folder = Path(tempfile.mkdtemp(prefix="certtriage-"))  # mode 0700
            _owner = os.getpid()
            atexit.register(_remove_folder, _folder, _owner)  # at exit at the latest
        return _folder


class Spill:
    """One temporary copy; the file goes when `remove()` is called or the object is collected."""

    def __init__(self, write: Callable[[BinaryIO], None]) -> None:
        fd, name = tempfile.mkstemp(dir=_private_folder(), suffix=".bin")  # mode 0600
        self.path = Path(name)
        self._finalizer = weakref.finalize(self, _unlink, name, os.getpid())
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
        except BaseException:
            self.remove()
            raise

    def remove(self) -> None:
        self._finalizer()


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child that exits normally
        shutil.rmtree(folder, ignore_errors=True)


def _unlink(name: str, owner: int) -> None:
    if os.getpid() != owner:  # a forked child never removes its parent's copies
        return
    try:
        os.unlink(name)
    except OSError:
        pass
