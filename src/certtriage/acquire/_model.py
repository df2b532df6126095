"""What the acquire stage hands on (`Source`), its bounds (`Limits`) and its one error, plus the
words it uses to show names and to say why something is not read."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import InputError

_MIB = 2**20

_IN_CHUNK = 64 * 1024
"""Compressed bytes read per step when inflating (gzip streams, damaged zips)."""
_OUT_CHUNK = _MIB
"""Decompressed bytes produced per step."""


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


class AcquireError(InputError):
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


class _TooLarge(Exception):
    """A gzip stream decompresses to more than allowed."""


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
