"""Bytes to text: the decode stage.

Evidence arrives as whatever Windows and a ticket system made of it: UTF-8 with or without a BOM,
UTF-16 from Windows PowerShell 5.1 redirection (with or without BOM), or a legacy code page. The
result records which encoding was used and whether any byte had to be replaced, so nothing is
guessed silently.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
import codecs
import io
import os
import re
import stat
from typing import BinaryIO, Literal

from ..errors import InputTooLarge
from ..models._base import Model

Encoding = Literal["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"]

#: Inputs larger than this are refused before decoding (a certutil dump is a few KiB).
MAX_TEXT_BYTES = 32 * 1024 * 1024

_BOMS: tuple[tuple[bytes, Encoding], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Document(Model):
    """Decoded text of one input with how it was decoded."""

    source: str
    """Where it came from: a path, an archive member or `<stdin>`."""
    text: str
    """The decoded text with every line ending turned into LF."""
    encoding: Encoding
    """The encoding used."""
    bom: bool
    """Whether a byte-order mark was present (and removed)."""
    replaced: bool
    """Whether undecodable bytes had to be replaced (U+FFFD)."""
    newline: Literal["crlf", "lf", "cr", "mixed", "none"]
    """The line endings the bytes had."""


def human_size(size: int) -> str:
    """`size` bytes as people say it: 512 bytes, 40 KiB, 3.1 MiB, 4.5 GiB."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def too_large(size: int | None, limit: int, what: str = "") -> str:
    """The one-line reason an input over `limit` is refused (`size` None: more than it;
    `what`: the kind of input the limit is for, when it is not text)."""
    shown = f"{human_size(size)} is" if size is not None else "it is"
    return f"{shown} more than the {human_size(limit)} certtriage reads" + (
        f" for {what}" if what else "")


def read_bounded(stream: BinaryIO, limit: int, what: str = "", *,
                 already: int = 0) -> bytes:
    """Read `stream` to its end, but never more than `limit` bytes in all (`already` of them
    read before): past it, raise InputTooLarge without reading further (a device or a pipe
    may never end).

    A read asks for what the file holds (one byte more, to see it end) rather than for the
    limit: asking for 32 MiB makes Python set aside that much for every small file (about
    50 microseconds each). A stream of no known size (a pipe, standard input) or a file that
    grows is read on in pieces."""
    want = limit - already + 1
    first = min(want, _remaining(stream) + 1)
    data = stream.read(first)
    if len(data) == first < want:  # more may follow
        pieces, total = [data], len(data)
        while total < want:
            piece = stream.read(min(want - total, _PIECE))
            if not piece:
                break
            pieces.append(piece)
            total += len(piece)
        data = b"".join(pieces)
    if len(data) > limit - already:
        raise InputTooLarge(too_large(None, limit, what))
    return data


#: Bytes read at a time from a stream of no known size.
_PIECE = 1 << 20


def _remaining(stream: BinaryIO) -> int:
    """The bytes a regular file holds past the stream's position; for other streams, a
    piece's worth."""
    try:
        info = os.fstat(stream.fileno())
        if stat.S_ISREG(info.st_mode):
            return max(info.st_size - stream.tell(), 0)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        pass
    return _PIECE


#: Ctrl-Z (and Enter) at the very end: the Windows console's end of input, not content.
_CTRL_Z = re.compile(r"\x1a[\r\n]*\Z")


def _sniff_utf16(data: bytes) -> Encoding | None:
    """Recognise BOM-less UTF-16 by the NUL pattern that ASCII text leaves in it."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _newline_kind(text: str) -> Literal["crlf", "lf", "cr", "mixed", "none"]:
    crlf = text.count("\r\n") if "\r" in text else 0  # a character is found faster than a pair
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    if not kinds:
        return "none"
    if len(kinds) > 1:
        return "mixed"
    return kinds[0]  # type: ignore[return-value]


def decode(data: bytes, source: str = "<bytes>") -> Document:
    """Decode raw bytes into a :class:`Document`.

    Order: BOM, then the UTF-16 NUL pattern, then strict UTF-8, then cp1252 (which maps every
    byte but five; those become U+FFFD and ``replaced`` is set).
    """
    if len(data) > MAX_TEXT_BYTES:
        raise InputTooLarge(too_large(len(data), MAX_TEXT_BYTES))
    encoding: Encoding | None = None
    bom = False
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, bom, data = name, True, data[len(mark):]
            break
    if encoding is None:
        encoding = _sniff_utf16(data)
    replaced = False
    if encoding in ("utf-16-le", "utf-16-be"):
        if len(data) % 2:
            data, replaced = data[:-1], True
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text, replaced = data.decode(encoding, errors="replace"), True
    elif encoding == "utf-8-sig":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, replaced = data.decode("utf-8", errors="replace"), True
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                text, replaced = data.decode("cp1252", errors="replace"), True
    if "\x1a" in text:
        text = _CTRL_Z.sub("", text)
    newline = _newline_kind(text)
    if newline != "lf" and newline != "none":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document.trusted(
        source=source, text=text, encoding=encoding, bom=bom, replaced=replaced, newline=newline
    )
