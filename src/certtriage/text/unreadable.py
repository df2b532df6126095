"""Why bytes that no format recognised cannot be read: a clear reason a user can act on.

Tickets carry screenshots and PDFs as often as text; a paste can be empty or only blank lines;
a file can be binary. The reason is given for any input that was not recognised, whatever
entry point read it (a file, standard input, an archive member).
"""

from __future__ import annotations

import re

from .mail import COMPOUND_FILE

#: Bytes looked at to say why an input is not readable text.
HEAD = 8192
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
)
#: Ctrl-Z (and Enter) at the very end: the Windows console's end of input.
_CTRL_Z = re.compile(rb"\x1a\x00?[\r\n\x00]*\Z")
_BLANK = b" \t\r\n\x0b\x0c\x00\x1a\xef\xbb\xbf\xff\xfe"
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 26)) + bytes(range(28, 32))


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
    sample = head[:HEAD]
    if not sample:
        return False
    nuls_even, nuls_odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(nuls_even, nuls_odd) > len(sample) * 0.3 and min(nuls_even, nuls_odd) < 4:
        return False  # UTF-16
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(len(sample) // 50, 0) or b"\x00" in sample


#: How each of certtriage's own reports starts: read back as input (a report saved beside the
#: evidence it was made from, then a folder analysed again), its messages would be taken for
#: the evidence they describe.
_OWN_REPORTS = (
    ("text", re.compile(rb"(?:\xe2\x94\x80){3} certtriage\b")),
    ("JSON", re.compile(rb'\{\s*"tool"\s*:\s*"certtriage"')),
    ("JSON Lines", re.compile(rb'\{"type":"(?:input|case)","schema_version":')),
    ("CSV", re.compile(rb"case,source,kind,status,verdict,root_causes,failing_element,")),
    ("Markdown", re.compile(rb"# certtriage: [A-Z]")),
    ("HTML", re.compile(rb"<!DOCTYPE html>.{0,600}?<title>certtriage report</title>",
                        re.DOTALL | re.IGNORECASE)),
)


def own_report(head: bytes) -> str | None:
    """The format of a report certtriage wrote, when `head` (an input's first bytes, UTF-8 or,
    as a shell's redirection may save it, UTF-16) starts one; else None."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head[:2048].decode("utf-16", "replace").encode("utf-8")
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return next((name for name, pattern in _OWN_REPORTS if pattern.match(start)), None)


def why_unreadable(head: bytes, *, stdin: bool = False) -> str | None:
    """Why bytes no format recognised are not something certtriage can read, or None when
    they look like text (of a kind certtriage does not know)."""
    picture = _picture(head)
    if picture == "PDF document":
        return "a PDF document: certtriage reads text; ask for the output saved to a file"
    if picture is not None:
        return (f"a screenshot ({picture}): certtriage reads text; ask for the output saved "
                "to a file")
    if stdin:
        head = _CTRL_Z.sub(b"", head)
    if not head:
        return ("nothing was pasted (standard input is empty)" if stdin
                else "empty file (0 bytes)")
    if not head.strip(_BLANK):
        return "only blank lines, nothing to read"
    if head.startswith(COMPOUND_FILE):
        return ("an Outlook message or a legacy Office file: certtriage batch reads Outlook "
                "messages (.msg)")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ("a zip archive or an Office document: certtriage batch reads archives, and the "
                "text of Word documents")
    if _binary(head):
        return ("binary data, not text: certtriage reads certutil output, event logs (text or "
                ".evtx), IIS and netsh settings, registry exports and certificate files")
    return None
