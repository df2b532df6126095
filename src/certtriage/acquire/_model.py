"""What the acquire stage hands on (`Source`), its bounds (`Limits`) and its one error, plus the
words it uses to show names and to say which limit stopped what."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Protocol

from ..errors import InputError

_MIB = 2**20

_IN_CHUNK = 64 * 1024
"""Compressed bytes read per step when inflating."""
_OUT_CHUNK = _MIB
"""Decompressed bytes produced per step."""
_RATIO_FLOOR = _MIB
"""Below this many bytes out, no compression ratio is checked (tiny files compress anyhow)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one batch run reads; the defaults suit a ticket's attachments."""

    max_depth: int = 3
    """Archives inside archives, counted from the top-level archive = 1."""
    max_members: int = 50_000
    """Members listed per archive (the first ones in stored order); the rest are counted."""
    max_member_bytes: int = 512 * _MIB
    """Uncompressed size of one member or file; members above `max_memory_bytes` are copied
    to a private temporary file (`Source.path`) instead of being held in memory."""
    max_memory_bytes: int = 32 * _MIB
    """Bytes of one member or file held in memory (`Source.load`)."""
    max_total_bytes: int = 2 * 2**30
    """Uncompressed bytes read per top-level argument (a case), nested archives included; an
    entry that does not fit is skipped, later ones that fit are still read."""
    max_ratio: int = 200
    """Uncompressed/compressed ratio, for every compressed kind: per member (zip), per stretch
    of a gzip stream (gzip, tar.gz), per sparse tar member, and for everything read from one
    archive file (its own limit, so a bomb cannot use up the case). More is a bomb."""

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"Limits.{f.name} must not be negative")


class AcquireError(InputError):
    """An input could not be loaded; the message is one line saying why."""


class _Content(Protocol):
    """Where a loadable source's bytes come from (a file on disk, an archive member)."""

    def path(self) -> str | None: ...

    def held(self) -> bytes | None: ...

    def load(self) -> bytes: ...

    def release(self) -> None: ...


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
    skipped: str | None = None
    """Why this entry is not analysed (one line, naming the limit that stopped it); None when
    it can be loaded."""
    warning: str | None = None
    """Something to tell the user about this entry even though it is read."""
    _content: _Content | None = field(default=None, repr=False, compare=False)

    @property
    def path(self) -> Path | None:
        """A regular file holding the bytes, to stream from: the file itself for plain files; for
        an EVTX member or one larger than `Limits.max_memory_bytes`, a copy in a private
        temporary folder (made on first use, removed by `release()`, when the source is
        collected, or at exit). None for other members, and when no copy could be written."""
        found = self.fspath
        return Path(found) if found is not None else None

    @property
    def fspath(self) -> str | None:
        """`path` as a string, without making a `Path`: a batch asks this of every file, and
        `pathlib` interns each part of every path it parses, which a walk of many files
        would pile up in the interpreter's table of interned strings."""
        return self._content.path() if self._content is not None else None

    @property
    def held(self) -> bytes | None:
        """The bytes, when the walk read them whole already (a small plain file, walked with
        `read_small`) and they were not released; else None (`load` reads them)."""
        return self._content.held() if self._content is not None else None

    def load(self) -> bytes:
        """The bytes (at most `Limits.max_memory_bytes`); raises `AcquireError` (one-line
        reason) when they cannot be had."""
        if self.skipped is not None:
            raise AcquireError(self.skipped)
        if self._content is None:
            raise AcquireError("nothing to load")
        try:
            return self._content.load()
        except AcquireError:
            raise
        except Exception as exc:  # a damaged archive can raise almost anything; report it
            raise AcquireError(_describe(exc)) from exc

    def release(self) -> None:
        """Remove the temporary copy behind `path`, if one was made (it is made again if needed)."""
        if self._content is not None:
            self._content.release()


class _TooLarge(Exception):
    """A stream decompresses to more than allowed, or at too high a ratio."""

    def __init__(self, reason: str, at: int = 0) -> None:
        super().__init__(reason)
        self.at = at
        """The decompressed position where the limit was hit."""


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


# --- which limit stopped what -----------------------------------------------------------------


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes uncompressed is more than the {limit:,} read per member (member limit)"


def _ratio_reason(ratio: float, limits: Limits) -> str:
    return (f"compression ratio {ratio:,.0f}:1 is above the {limits.max_ratio}:1 allowed "
            "(ratio limit; a compression bomb?)")


def _size_reason(size: int, compressed: int | None, limits: Limits) -> str | None:
    """Why a member is refused for its size or compression ratio, before reading it."""
    if size > limits.max_member_bytes:
        return _too_large(size, limits.max_member_bytes)
    if compressed is not None and size > _RATIO_FLOOR:
        ratio = size / max(compressed, 1)
        if ratio > limits.max_ratio:
            return f"{_ratio_reason(ratio, limits)}; not read"
    return None
