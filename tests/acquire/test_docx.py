"""Word documents among a ticket's attachments: the tool output pasted into one (a paragraph a
line, or lines broken inside one paragraph, runs split anywhere as Word splits them, leading
blanks kept or turned into tabs) is diagnosed as the bare file is, on its own, inside a zip
and attached to a mail; a document that cannot be read is reported and the batch goes on."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from certtriage import analyze_bytes
from certtriage.batch import batch
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CASES = (
    "certutil/revoked/leaf-revoked-key-compromise.txt",
    "certutil/partial-chain/renewed-root-self-issued.txt",
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "events/format-list/schannel-36885.txt",
)


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _runs(line: str) -> str:
    """The line in runs of at most seven characters, as an edited document has them."""
    return "".join(f"<w:r>{_t(line[i:i + 7])}</w:r>" for i in range(0, len(line), 7))


def _tabbed(line: str) -> str:
    body = line.lstrip(" ")
    return "<w:r>" + ("<w:tab/>" if body != line else "") + _t(body) + "</w:r>"


BODIES: dict[str, Callable[[list[str]], str]] = {
    "a paragraph a line": lambda lines: "".join(f"<w:p><w:r>{_t(x)}</w:r></w:p>" for x in lines),
    "one paragraph, breaks": lambda lines: "<w:p><w:r>" + "<w:br/>".join(
        _t(x) for x in lines) + "</w:r></w:p>",
    "split runs": lambda lines: "".join(f"<w:p>{_runs(x)}</w:p>" for x in lines),
    "tabs for indentation": lambda lines: "".join(f"<w:p>{_tabbed(x)}</w:p>" for x in lines),
}


def _docx(text: str, body: str) -> bytes:
    lines = ["Login fails with 403; the output is below.", *text.splitlines(),
             "Screenshot follows."]
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
           f"<w:body>{BODIES[body](lines)}</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", xml)
        package.writestr("word/media/image1.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return buffer.getvalue()


def _alone(folder: Path, data: bytes) -> Path:
    (folder / "ticket.docx").write_bytes(data)
    return folder


def _zipped(folder: Path, data: bytes) -> Path:
    with zipfile.ZipFile(folder / "bundle.zip", "w") as bundle:
        bundle.writestr("attachments/ticket.docx", data)
    return folder / "bundle.zip"


def _mailed(folder: Path, data: bytes) -> Path:
    message = EmailMessage(policy=policy.SMTP)
    message["From"], message["To"], message["Subject"] = "pat@contoso.com", "it@fabrikam.com", "x"
    message.set_content("See the document.\n")
    message.add_attachment(data, maintype="application", filename="ticket.docx",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    (folder / "mail.eml").write_bytes(message.as_bytes())
    return folder / "mail.eml"


PLACES: dict[str, Callable[[Path, bytes], Path]] = {
    "on its own": _alone, "in a zip": _zipped, "attached to a mail": _mailed}


def _answer(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.failing_element,
            result.iis_substatus)


@pytest.mark.parametrize(("case", "body", "place"),
                         list(itertools.product(CASES, BODIES, PLACES)))
def test_output_pasted_into_a_word_document_is_read(tmp_path: Path, case: str, body: str,
                                                    place: str) -> None:
    text = (FIXTURES / case).read_text(encoding="utf-8")
    bare = analyze_bytes(text.encode(), "bare.txt")
    path = PLACES[place](tmp_path, _docx(text, body))

    read = [r for r in batch([path]).inputs if r.source.endswith("ticket.docx!document.txt")]

    assert [_answer(r) for r in read] == [_answer(bare)]


@pytest.mark.parametrize(("xml", "reason"), [
    (b"<w:document", "unreadable"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>', "unreadable"),
])
def test_a_document_that_cannot_be_read_is_reported(tmp_path: Path, xml: bytes,
                                                    reason: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", xml)
    (tmp_path / "a.docx").write_bytes(buffer.getvalue())
    shutil_copy = (FIXTURES / CASES[0]).read_bytes()
    (tmp_path / "b.txt").write_bytes(shutil_copy)

    report = batch([tmp_path])

    by_name = {r.source.rsplit("/", 1)[-1]: r for r in report.inputs}
    assert by_name["a.docx!document.txt"].status == "skipped"
    assert (by_name["a.docx!document.txt"].error or "").startswith(reason)
    assert by_name["b.txt"].verdict == "fail"
