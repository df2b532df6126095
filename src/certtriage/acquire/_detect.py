"""Archive detection by content: what a file or member is, from its first bytes and its name."""

from __future__ import annotations

import tarfile

from ..text.mail import COMPOUND_FILE, looks_like_message

_HEAD = 512
"""Bytes read to recognise an archive (a tar header block)."""
_MIN_ARCHIVE = 20
"""Nothing shorter can be an archive that is opened (an empty gzip is 20 bytes, an empty zip 22)."""

_STREAMED_MAGIC = (b"ElfFile\x00",)
"""Formats the pipeline streams from a file rather than holding in memory (EVTX): members that
start so are handed on as a private temporary copy (`Source.path`)."""
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
#: Word documents: their text is read (`_docx`).
_WORD_SUFFIXES = frozenset({".docx", ".docm"})
#: Zip-based documents and packages: passed on as plain files, not opened as archives (but
#: for Word documents, whose text is read).
_DOCUMENT_SUFFIXES = frozenset({
    ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".pptm", ".vsdx", ".odt", ".ods",
    ".odp", ".epub", ".jar", ".apk", ".msix", ".appx", ".nupkg", ".vsix", ".xpi",
})


def _classify(name: str, head: bytes) -> str | None:
    """The archive kind of a file from its name and first bytes; None for a plain file."""
    suffix = _suffix(name)
    if suffix in _DOCUMENT_SUFFIXES:
        return "docx" if suffix in _WORD_SUFFIXES and head.startswith(_ZIP_MAGIC) else None
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
    if suffix == ".zip":
        return "zip"
    if head.startswith(COMPOUND_FILE):  # an Outlook message when named .msg
        return "msg" if suffix == ".msg" else None  # else a legacy Office file: plain
    return "mime" if looks_like_message(name, head) else None


def _streamed(head: bytes) -> bool:
    return head.startswith(_STREAMED_MAGIC)


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


#: What a tar header's checksum field may hold up to its first NUL for `tarfile` to read it as
#: a number (`int(text, 8)` takes blanks, a sign and underscores as well as octal digits).
_CHECKSUM_BYTES = frozenset(b"01234567+-_ \t\n\r\x0b\x0c")


def _is_tar_header(head: bytes) -> bool:
    if len(head) < tarfile.BLOCKSIZE:
        return False
    checksum = head[148:156].split(b"\x00", 1)[0]
    if checksum[:1] not in (b"\x80", b"\xff") and not _CHECKSUM_BYTES.issuperset(checksum):
        return False  # the checksum is no number: `tarfile` refuses it too, after more work
    try:
        tarfile.TarInfo.frombuf(head[:tarfile.BLOCKSIZE], "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):  # any malformed header means "not a tar"
        return False
    return True
