"""Fuzz target: one file as a batch would meet it in a ticket's attachments, through the acquire
stage (zip, tar, tar.gz and gzip readers, mails, Outlook messages and Word documents, nested
archives, limits) and then, for every member that can be read, through the pipeline as
`batch` runs it.

    python fuzz/fuzz_archives.py -max_total_time=600        # atheris
    python fuzz/fuzz_archives.py --fallback --seconds=60    # without atheris

The seeds (archives of the fixtures, nested, damaged) are made in fuzz/corpus/archives on the
first run. See README.md, "Fuzzing".
"""

from __future__ import annotations

import gzip
import io
import tarfile
import tempfile
import zipfile
from pathlib import Path

from _harness import FIXTURES, Target, main

_LIMITS_MIB = 8
"""Small limits keep each run quick; the limits are part of what is fuzzed."""


def make_target() -> Target:
    from certtriage.acquire import AcquireError, Limits, iter_sources
    from certtriage.pipeline import analyze_bytes, analyze_path

    limits = Limits(max_member_bytes=_LIMITS_MIB * 2**20, max_memory_bytes=2**20,
                    max_total_bytes=4 * _LIMITS_MIB * 2**20, max_members=200)
    folder = Path(tempfile.mkdtemp(prefix="certtriage-fuzz-"))

    def one_input(data: bytes) -> None:
        path = folder / _name(data)
        path.write_bytes(data)
        for source in iter_sources([path], limits):
            if source.skipped is not None:
                continue
            try:
                copy = source.path
                if copy is not None and copy != path:
                    analyze_path(copy)
                else:
                    analyze_bytes(source.load(), source.origin)
            except AcquireError:
                pass  # a member that cannot be loaded says so; that is a result, not a crash
            finally:
                source.release()

    return one_input


def _name(data: bytes) -> str:
    """The name a file of these bytes would have: readers that go by the name as well as the
    bytes (Word documents, Outlook messages) are reached."""
    from certtriage.text.mail import COMPOUND_FILE

    if data.startswith(COMPOUND_FILE):
        return "input.msg"
    if data[:2] == b"PK":
        return "input.docx" if b"word/document.xml" in data[:4096] else "input.zip"
    return "input.bin"


def seeds(corpus: Path) -> list[Path]:
    """Archives of every kind around a few fixtures, written once into the corpus folder."""
    made = sorted(corpus.glob("seed-*"))
    if made:
        return made
    members = {p.name: p.read_bytes() for p in [
        next((FIXTURES / "certutil" / "revoked").glob("*.txt")),
        FIXTURES / "evtx" / "system-schannel.evtx",
        next((FIXTURES / "events").rglob("*.xml")),
    ]}
    for name, data in _archives(members).items():
        (corpus / f"seed-{name}").write_bytes(data)
    return sorted(corpus.glob("seed-*"))


def _archives(members: dict[str, bytes]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                   zipfile.ZIP_LZMA):
        out[f"m{method}.zip"] = _zip(members, method)
    nested = _zip({"inner.zip": out["m8.zip"], "dir/": b"", "note.txt": b"n"},
                  zipfile.ZIP_STORED)
    out["nested.zip"] = nested
    out["cut.zip"] = out["m8.zip"][:len(out["m8.zip"]) * 2 // 3]
    tar = _tar(members)
    out["plain.tar"] = tar
    out["bundle.tgz"] = gzip.compress(tar)
    out["one.gz"] = gzip.compress(next(iter(members.values())))
    out["zip-in-tgz.tgz"] = gzip.compress(_tar({"a.zip": nested}))
    out["mail.eml"] = _mail(members, nested)
    out["document.docx"] = _zip({"word/document.xml": _document(next(iter(members.values())))},
                                zipfile.ZIP_DEFLATED)
    return out


def _mail(members: dict[str, bytes], attachment: bytes) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@contoso.com", "b@contoso.com", "x"
    message.set_content(next(iter(members.values())).decode("utf-8", "replace"),
                        cte="quoted-printable")
    message.add_attachment(attachment, maintype="application", subtype="zip",
                           filename="bundle.zip")
    return message.as_bytes()


def _document(text: bytes) -> bytes:
    from xml.sax.saxutils import escape

    lines = text.decode("utf-8", "replace").splitlines()
    paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(x)}</w:t></w:r></w:p>'
                         for x in lines)
    return (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            b'main"><w:body>' + paragraphs.encode() + b"</w:body></w:document>")


def _zip(members: dict[str, bytes], method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


if __name__ == "__main__":
    main("archives", make_target, seeds)
