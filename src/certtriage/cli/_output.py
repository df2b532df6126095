"""Where output goes and how it may look: width, colour, hyperlinks, glyphs, a closed pipe.

Width: `COLUMNS` when set, else the terminal's width, else 80 (a pipe or a file).
Colour (`--color auto`): `FORCE_COLOR` (non-empty) turns it on even into a pipe (`| less -R`),
`NO_COLOR` (non-empty) turns it off, `TERM=dumb` too; otherwise on when standard output is a
terminal. `--color always|never` overrides them all.
Hyperlinks (OSC 8): with colour on a terminal; `FORCE_HYPERLINK=1` / `=0` overrides.
Glyphs: the box-drawing rule and tree guides when standard output can encode them, ASCII
otherwise (a Windows code page after `>` redirection).
A report file (`-o FILE`) is written whole to a temporary file in the same folder, then renamed
over FILE in one step: a full disk, an error or an interrupt leaves the previous report as it
was. A reader that goes away early (`| head`) ends the output quietly (see :func:`write`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple, TextIO

from ..render.term import UNICODE_PROBE

if TYPE_CHECKING:
    from ..executors._cases import Spooled


class Color(str, Enum):
    """`--color` values."""

    auto = "auto"
    always = "always"
    never = "never"


class Look(NamedTuple):
    """How text output is laid out for its destination."""

    width: int
    color: bool
    links: bool
    unicode: bool


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _width(to_terminal: bool) -> int:
    columns = _env("COLUMNS")
    if columns and columns.isdigit() and int(columns) > 0:
        return int(columns)
    if to_terminal:
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def _color(choice: Color, to_terminal: bool) -> bool:
    if choice is not Color.auto:
        return choice is Color.always
    if _env("FORCE_COLOR"):
        return True
    if _env("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return to_terminal and _enable_ansi()


def _enable_ansi() -> bool:
    """Whether the terminal interprets ANSI sequences (Windows consoles are asked to)."""
    if os.name != "nt":
        return True
    import ctypes  # Windows only: turn on ENABLE_VIRTUAL_TERMINAL_PROCESSING

    try:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.GetStdHandle(-11)
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        return bool(kernel32.SetConsoleMode(handle, mode.value | 0x0004))
    except (AttributeError, OSError):
        return False


def _encodes(stream: TextIO, text: str) -> bool:
    try:
        text.encode(stream.encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def look(choice: Color, to_file: bool = False, stream: TextIO | None = None) -> Look:
    """The layout for standard output (or, with `to_file`, for a report file)."""
    stream = stream or sys.stdout
    to_terminal = not to_file and stream.isatty()
    color = _color(choice, to_terminal) if not to_file else choice is Color.always
    forced = _env("FORCE_HYPERLINK")
    links = forced != "0" if forced is not None else color and to_terminal
    unicode = to_file or _encodes(stream, UNICODE_PROBE)
    return Look(width=_width(to_terminal), color=color, links=links, unicode=unicode)


def quiet_pipe() -> None:
    """After the reader of standard output went away (`| head`): send whatever Python still
    wants to flush at exit to nowhere, so no error is printed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (an embedding, a test)
        pass


def error_line(message: str) -> None:
    """`certtriage: <message>` on standard error, names in it shown with their control
    characters escaped; nothing (and no error) when standard error is closed."""
    from ..render.escape import one_line

    try:
        print(f"certtriage: {one_line(message)}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):  # closed, or no standard error at all
        pass


def write(text: str, stream: TextIO | None = None) -> bool:
    """Write `text` to standard output; False when the reader closed the pipe."""
    stream = stream or sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        quiet_pipe()
        return False
    except UnicodeEncodeError:  # a code page that lacks a character of the input
        encoding = stream.encoding or "ascii"
        return write(text.encode(encoding, "replace").decode(encoding), stream)
    return True


def _mode_for(target: str) -> int:
    """The permissions the report file gets: those of the report it replaces, else what a
    new file would get under the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


#: Bytes a report file's sink gathers before it writes them: one system call per streamed
#: input line cost a batch about 2 % of its time, and nobody reads the file before it is
#: renamed into place.
SINK_BUFFER = 1 << 16


class Sink:
    """Where `replacing` writes: text in UTF-8, or bytes, to a file descriptor, straight
    away, or in writes of about `buffer` bytes (then :meth:`flush` writes what is left)."""

    def __init__(self, fd: int, buffer: int = 0) -> None:
        self.fd = fd
        self.buffer = buffer
        self._held: list[bytes] = []
        self._size = 0

    def write(self, text: str) -> None:
        """Take `text` (OSError on a full disk or a closed file)."""
        self.put(text.encode("utf-8", "backslashreplace"))

    def put(self, data: bytes) -> None:
        """Take `data`, written as it is (OSError on a full disk or a closed file)."""
        if self.buffer:
            self._held.append(data)
            self._size += len(data)
            if self._size < self.buffer:
                return
            data = b"".join(self._held)
            self._held, self._size = [], 0
        self._write(data)

    def copy(self, spooled: Spooled) -> None:
        """Take the bytes `spooled` names, copied by the system where it can (`os.sendfile`:
        they never pass through this process), else read and written."""
        self.flush()
        start, end = spooled.start, spooled.end
        if hasattr(os, "sendfile"):
            try:
                while start < end:
                    sent = os.sendfile(self.fd, spooled.file.fileno(), start, end - start)
                    if not sent:
                        return
                    start += sent
                return
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
        for block in dataclasses.replace(spooled, start=start).blocks():
            self._write(block)

    def flush(self) -> None:
        """Write what is held."""
        if self._held:
            data = b"".join(self._held)
            self._held, self._size = [], 0
            self._write(data)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]


def write_file(path: str, text: str) -> None:
    """Write `text` to `path` atomically (see `replacing`). OSError when it cannot be written;
    the previous file is then left untouched."""
    with replacing(path) as sink:
        sink.write(text)


@contextlib.contextmanager
def replacing(path: str) -> Iterator[Sink]:
    """A file that becomes `path` only when the block ends without an exception: written next
    to it under a temporary name, with the old file's permissions, then renamed over it. A
    path that is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) is written in place;
    a symbolic link is followed."""
    target = os.path.realpath(path)
    if os.path.exists(target) and not os.path.isfile(target):
        fd = os.open(target, os.O_WRONLY)
        try:
            yield Sink(fd)
        finally:
            os.close(fd)
        return
    folder, name = os.path.split(target)
    fd, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{name}.", suffix=".part")
    try:
        if hasattr(os, "fchmod"):  # POSIX; on Windows the file keeps the default
            os.fchmod(fd, _mode_for(target))
        sink = Sink(fd, SINK_BUFFER)  # read by nobody until it is renamed into place
        yield sink
        sink.flush()
        os.close(fd)
        fd = -1
        os.replace(temporary, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
