"""What `analyze` reads, and a clear reason for each input it cannot use.

Files and standard input go to the library as they are; only when the library did not
recognise or could not read an input does the command line look at its first bytes to say
why in words a user can act on: empty, only blank lines, a screenshot or a PDF (tickets carry
those), binary data, larger than the limit (in KiB / MiB / GiB). A paste ended with Ctrl-Z
Enter (the Windows console's end of input) is cut there.
"""

from __future__ import annotations

import os
import re
import sys

from ..models.findings import InputResult

STDIN = "<stdin>"
#: Bytes looked at to say why an input is not readable text.
_HEAD = 8192
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
)
_TOO_LARGE = re.compile(r"^(\d+) bytes is more than the (\d+) accepted(.*)$")
_BLANK = b" \t\r\n\x0b\x0c\x00\x1a\xef\xbb\xbf\xff\xfe"
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 26)) + bytes(range(28, 32))
#: Ctrl-Z (and Enter) at the very end: the Windows console's end of input.
_CTRL_Z = re.compile(rb"(\x1a\x00?[\r\n\x00]*)$")


def prompt() -> None:
    """Tell a user at a terminal how to paste, on standard error."""
    eof = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D"
    print("Paste the certutil output or the event text, then press "
          f"{eof} on an empty line.", file=sys.stderr)


def read_stdin() -> bytes:
    """Standard input's bytes, without a Ctrl-Z on the last line."""
    if sys.stdin is None:
        return b""
    if sys.stdin.isatty():
        prompt()
    data = sys.stdin.buffer.read()
    m = _CTRL_Z.search(data)
    if m is not None:
        data = data[:m.start(1)]
    return data


def human(size: int) -> str:
    """`size` bytes as people say it: 512 bytes, 40 KiB, 32 MiB, 4.5 GiB."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def _head(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(_HEAD)
    except OSError:
        return None


def _picture(head: bytes) -> str | None:
    for magic, name in _IMAGES:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP image"
    if head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00" and len(head) > 26:
        return "BMP image"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "HEIC image"
    if head.startswith(b"%PDF-"):
        return "PDF document"
    return None


def _binary(head: bytes) -> bool:
    """Bytes that are no text in any encoding certtriage decodes (UTF-16 has NULs in a
    pattern; text has few control characters)."""
    sample = head[:_HEAD]
    if not sample:
        return False
    nuls_even, nuls_odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(nuls_even, nuls_odd) > len(sample) * 0.3 and min(nuls_even, nuls_odd) < 4:
        return False  # UTF-16
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(len(sample) // 50, 0) or b"\x00" in sample


def why_unreadable(head: bytes, *, stdin: bool = False) -> str | None:
    """Why bytes no format recognised are not something certtriage can read, or None when
    they look like text (of a kind certtriage does not know)."""
    picture = _picture(head)
    if picture == "PDF document":
        return "a PDF document: certtriage reads text; ask for the output saved to a file"
    if picture is not None:
        return (f"a screenshot ({picture}): certtriage reads text; ask for the output saved "
                "to a file")
    if not head:
        return ("nothing was pasted (standard input is empty)" if stdin
                else "empty file (0 bytes)")
    if not head.strip(_BLANK):
        return "only blank lines, nothing to read"
    if _binary(head):
        return ("binary data, not text: certtriage reads certutil output, event logs (text or "
                ".evtx), IIS and netsh settings, registry exports and certificate files")
    return None


def refine(result: InputResult, data: bytes | None = None) -> InputResult:
    """`result` with a clearer reason when it was not analysed (the bytes are read from the
    file again, a few KiB, only in that case)."""
    if result.verdict is not None or result.error is None:
        return result
    stdin = result.source == STDIN
    large = _TOO_LARGE.match(result.error)
    if result.status != "unrecognized" and large is None:
        return result
    head = data[:_HEAD] if data is not None else _head(result.source)
    reason = why_unreadable(head, stdin=stdin) if head is not None else None
    if reason is None and large is not None:
        size, limit, rest = int(large[1]), int(large[2]), large[3]
        reason = f"{human(size)} is more than the {human(limit)} certtriage reads{rest}"
    return result if reason is None else result.model_copy(update={"error": reason})

