"""E-mail messages saved as files: the evidence in a mail's body (quoted-printable, base64,
8-bit, HTML beside plain text, another charset) or attached (as text, in a zip, inside a
forwarded mail) is diagnosed as the bare file is, by `batch` (a message is opened like an
archive) and, for what a message holds as text, by `analyze`."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage import analyze_bytes
from certtriage.batch import batch
from certtriage.models.findings import InputResult
from certtriage.text.mail import looks_like_message

from ..conftest import FIXTURES

CASES = (
    "certutil/revoked/leaf-revoked-key-compromise.txt",
    "certutil/partial-chain/renewed-root-self-issued.txt",
    "certutil/untrusted-root/private-root-not-in-store.txt",
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "events/format-list/schannel-36885.txt",
)


def _mail(subject: str = "403 on the portal login") -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Pat Kim <pat@contoso.com>"
    message["To"] = "support@fabrikam.com"
    message["Subject"] = subject
    return message


def _body(cte: str, charset: str = "utf-8") -> Callable[[str], EmailMessage]:
    def make(text: str) -> EmailMessage:
        message = _mail()
        message.set_content("Hallo, die Ausgabe folgt (Grüße):\n\n" + text, charset=charset,
                            cte=cte)
        return message
    return make


def _alternative(text: str) -> EmailMessage:
    message = _mail()
    message.set_content("Output below:\n\n" + text, cte="quoted-printable")
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    message.add_alternative(f"<html><body><p>Output below:</p><pre>{escaped}</pre></body></html>",
                            subtype="html", cte="quoted-printable")
    return message


def _with_attachment(data: bytes, kind: str, filename: str) -> EmailMessage:
    message = _mail()
    message.set_content(f"Hi, {filename} is attached.\n")
    maintype, subtype = kind.split("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _attached(text: str) -> EmailMessage:
    return _with_attachment(text.encode(), "text/plain", "verify-output.txt")


def _zipped(text: str) -> EmailMessage:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("logs/verify-output.txt", text)
    return _with_attachment(buffer.getvalue(), "application/zip", "logs.zip")


def _forwarded(text: str) -> EmailMessage:
    message = _mail("FW: 403 on the portal login")
    message.set_content("Forwarding the customer's mail.\n")
    message.add_attachment(_attached(text))
    return message


#: shape -> (the message, whether `analyze` of the message alone reads the evidence)
SHAPES: dict[str, tuple[Callable[[str], EmailMessage], bool]] = {
    "body quoted-printable": (_body("quoted-printable"), True),
    "body base64": (_body("base64"), True),
    "body 8bit": (_body("8bit"), True),
    "body latin-1 quoted-printable": (_body("quoted-printable", "iso-8859-1"), True),
    "plain and html": (_alternative, True),
    "text attachment": (_attached, True),
    "zip attachment": (_zipped, False),
    "forwarded as attachment": (_forwarded, False),
}


def _answer(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.failing_element,
            result.iis_substatus)


@pytest.fixture(scope="module")
def bare() -> dict[str, InputResult]:
    return {case: analyze_bytes((FIXTURES / case).read_bytes(), "bare.txt") for case in CASES}


@pytest.mark.parametrize(("case", "shape", "crlf"),
                         list(itertools.product(CASES, SHAPES, (False, True))))
def test_evidence_in_a_mail_is_read_as_the_bare_file(tmp_path: Path, bare: dict[str, InputResult],
                                                     case: str, shape: str, crlf: bool) -> None:
    make, analyzed = SHAPES[shape]
    text = (FIXTURES / case).read_text(encoding="utf-8")
    data = make(text).as_bytes(policy=policy.SMTP if crlf else policy.default)
    saved = tmp_path / "ticket-4711.eml"
    saved.write_bytes(data)

    results = [r for r in batch([saved]).inputs if r.kind == bare[case].kind]
    assert results, shape  # each part that shows the evidence (plain and HTML: two) reads so
    assert {_answer(r) for r in results} == {_answer(bare[case])}

    if analyzed:
        alone = analyze_bytes(data, "ticket-4711.txt")  # a message not named .eml as well
        assert _answer(alone) == _answer(bare[case]), alone.warnings
        assert any(w.startswith("read as an e-mail message") for w in alone.warnings)


def test_a_forwarded_mail_quoted_in_a_ticket_is_no_message() -> None:
    """Outlook's forward header is text in the body (no MIME field): read as it stands."""
    quoted = (b"From: Pat Kim\nSent: Monday, June 2, 2025 10:04 AM\nTo: Support\n"
              b"Subject: 403\n\ncertutil says 0x80092010\n")
    assert not looks_like_message("ticket.txt", quoted)
    assert looks_like_message("ticket.eml", quoted)
    assert looks_like_message("x.txt", b"Received: from a\n\tby b\nMIME-Version: 1.0\n\nbody")
    assert not looks_like_message("x.eml", b"Issuer:\n    CN=Contoso\n")


def test_a_damaged_message_is_reported_not_raised(tmp_path: Path) -> None:
    saved = tmp_path / "cut.eml"
    saved.write_bytes(b"From: a@contoso.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed;"
                      b" boundary=\"x\"\n\n--x\nContent-Type: text/plain\nContent-Transfer-"
                      b"Encoding: base64\n\nSXNzdWVyOg=\n--x")
    report = batch([saved])
    assert report.inputs and all(r.status in ("skipped", "unrecognized", "error", "parsed",
                                              "partial") for r in report.inputs)


def test_a_mail_that_only_names_the_code_is_read_decoded() -> None:
    """Prose alone (the ticket reader's): read from the decoded body, not the raw message."""
    message = _mail()
    message.set_content("Gr\u00fc\u00dfe, die Anmeldung schl\u00e4gt fehl; certutil meldet "
                        "CRYPT_E_REVOKED (0x80092010) f\u00fcr das Zertifikat des Benutzers, "
                        "und IIS antwortet 403.13 seit heute morgen.\n",
                        charset="utf-8", cte="quoted-printable")

    result = analyze_bytes(message.as_bytes(), "mail.txt")

    assert (result.kind, result.root_causes) == ("ticket", ("revoked",))
    assert any(w.startswith("read as an e-mail message") for w in result.warnings)


@pytest.mark.parametrize("shape", [s for s, (_, analyzed) in SHAPES.items() if not analyzed])
@pytest.mark.parametrize("case", CASES)
def test_analyze_names_the_attachments_it_leaves_to_batch(case: str, shape: str) -> None:
    """Evidence only in a part `analyze` does not open (a zip, an attached mail): the answer is
    the mail's own text (nothing decides), never its raw lines, and it names those parts."""
    make, _ = SHAPES[shape]
    message = make((FIXTURES / case).read_text(encoding="utf-8"))
    # an attached mail has no file name: it is named by its place, as `batch` names it
    attached = [part.get_filename() or ".eml" for part in message.iter_attachments()]

    result = analyze_bytes(message.as_bytes(), "ticket-4711.eml")

    assert (result.status, result.verdict) == ("unrecognized", None)
    assert (result.error or "").startswith("an e-mail message whose text holds nothing")
    assert all(name in (result.error or "") for name in attached), result.error
    assert "certtriage batch reads attachments" in (result.error or "")


def test_a_mail_with_prose_and_attachments_is_read_as_its_prose() -> None:
    """The mail's text is read (here: a sub-status named), its attachments named as left to
    `batch`, the first few by name and the rest counted; the raw message is not read."""
    message = _mail()
    message.set_content("We get 403.16 at the login since Monday; the logs are attached.\n")
    names = [f"server-{n}.zip" for n in range(7)]
    for name in names:
        message.add_attachment(b"PK\x05\x06" + bytes(18), maintype="application",
                               subtype="zip", filename=name)

    result = analyze_bytes(message.as_bytes(), "ticket-4711.eml")

    assert (result.kind, result.verdict) == ("ticket", "inconclusive")
    assert [f.message for f in result.findings if f.cause == "substatus-named"] == [
        "Line 1 names 403.16: Client certificate is untrusted or invalid."]
    said = next(w for w in result.warnings if w.startswith("read as an e-mail message"))
    assert "7 other part(s) (" + ", ".join(names[:5]) + " and 2 more)" in said
    assert not any("could not be read" in w for w in result.warnings), result.warnings


#: Pieces of a file's first lines: header fields in any case, folded lines, blank lines,
#: and the labels and indented lines a certutil dump opens with.
HEAD_PIECES = st.sampled_from([
    "MIME-Version: 1.0", "mime-version:", "Content-Type: text/plain", "CONTENT-TYPE:",
    "Content-Transfer-Encoding: base64", "From: a@contoso.com", "to:", "Subject: x",
    "Date: Tue, 1 Dec 2026", "Received: by mx", "Message-ID: <1@contoso>", "Return-Path:",
    "X-Mailer: y", "Issuer:", "    CN=Contoso", "Cert Hash(sha1): 0a", "\n", "\r\n", "\n\n",
    " ", "\t", ":", "x-content-type: a", "content-typo:",
])


def _looks_like_message_by_patterns(name: str, head: bytes) -> bool:
    """`looks_like_message` as case-blind regular expressions state it (the reference)."""
    import re

    field = re.compile(rb"^[!-9;-~]{1,76}:", re.MULTILINE)
    mime = re.compile(rb"^(?:mime-version|content-type|content-transfer-encoding):",
                      re.IGNORECASE | re.MULTILINE)
    message = re.compile(rb"^(?:from|to|subject|date|received|message-id|return-path):",
                         re.IGNORECASE | re.MULTILINE)
    if not head[:1].isalpha() or field.match(head) is None:
        return False
    head = head.replace(b"\r\n", b"\n")
    end = head.find(b"\n\n")
    block = head if end < 0 else head[:end]
    lines = [line for line in block.split(b"\n")[:8] if line]
    if sum(1 for line in lines if field.match(line) or line[:1] in (b" ", b"\t")) < min(
            2, len(lines)):
        return False
    if mime.search(block) is not None:
        return True
    return name.lower().endswith(".eml") and message.search(block) is not None


@settings(max_examples=600)
@given(st.lists(HEAD_PIECES, min_size=1, max_size=30).map("\n".join),
       st.sampled_from(["note.eml", "dump.txt", "MAIL.EML"]))
def test_a_message_is_told_by_its_fields_in_any_case(text: str, name: str) -> None:
    head = text.encode()
    assert looks_like_message(name, head) == _looks_like_message_by_patterns(name, head)
