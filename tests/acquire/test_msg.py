"""Outlook messages (.msg) among a ticket's attachments: output pasted into the body (Unicode
or 8-bit, or only in the HTML body) or attached as a file, alone or in a zip, is diagnosed as
the bare file is; `analyze` reads a message's text. The messages are compound files written
by the tests' own writer (`tests/helpers/cfb.py`)."""

from __future__ import annotations

import html
import io
import itertools
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_bytes
from certtriage.batch import batch
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES
from ..helpers.cfb import compound_file

CASES = (
    "certutil/revoked/leaf-revoked-key-compromise.txt",
    "certutil/untrusted-root/private-root-not-in-store.txt",
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "events/format-list/schannel-36885.txt",
)
P = "__substg1.0_"


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def _message(body: dict[str, bytes], attachments: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    tree: dict[str, object] = {f"{P}0037001F": _unicode("403 on the portal login"), **body}
    for number, (name, data) in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = {f"{P}3707001F": _unicode(name),
                                                      f"{P}37010102": data}
    return compound_file(tree)  # type: ignore[arg-type]


def _crlf(text: str) -> str:
    return "Hallo,\r\ndie Ausgabe (Grüße):\r\n\r\n" + text.replace("\n", "\r\n")


SHAPES: dict[str, tuple[Callable[[str], bytes], bool]] = {
    "unicode body": (lambda t: _message({f"{P}1000001F": _unicode(_crlf(t))}), True),
    "8-bit body": (lambda t: _message({f"{P}1000001E": _crlf(t).encode("cp1252")}), True),
    "html body only": (lambda t: _message({f"{P}10130102": (
        "<html><body><pre>" + html.escape(t) + "</pre></body></html>").encode()}), True),
    "text attachment": (lambda t: _message({f"{P}1000001F": _unicode("See attached.\r\n")},
                                           (("verify.txt", t.encode()),)), True),
    "zip attachment": (lambda t: _message({f"{P}1000001F": _unicode("Logs attached.\r\n")},
                                          (("logs.zip", _zip(t)),)), False),
}


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("verify.txt", text)
    return buffer.getvalue()


def _answer(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.failing_element,
            result.iis_substatus)


@pytest.mark.parametrize(("case", "shape", "zipped"),
                         list(itertools.product(CASES, SHAPES, (False, True))))
def test_evidence_in_an_outlook_message_is_read(tmp_path: Path, case: str, shape: str,
                                                zipped: bool) -> None:
    make, text_only = SHAPES[shape]
    text = (FIXTURES / case).read_text(encoding="utf-8")
    bare = analyze_bytes(text.encode(), "bare.txt")
    data = make(text)
    if zipped:
        with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as bundle:
            bundle.writestr("mails/403 on login.msg", data)
        path = tmp_path / "bundle.zip"
    else:
        path = tmp_path / "403 on login.msg"
        path.write_bytes(data)

    read = [r for r in batch([path]).inputs if r.kind == bare.kind]

    assert read and {_answer(r) for r in read} == {_answer(bare)}
    if text_only:
        alone = analyze_bytes(data, "403 on login.msg")
        assert _answer(alone) == _answer(bare), alone.warnings
        assert any(w.startswith("read as an Outlook message") for w in alone.warnings)


def test_an_attached_outlook_message_is_listed_as_not_read(tmp_path: Path) -> None:
    data = compound_file({f"{P}1000001F": _unicode("Forwarding.\r\n"),
                          "__attach_version1.0_#00000000": {
                              f"{P}3707001F": _unicode("original.msg"),
                              f"{P}3701000D": {f"{P}1000001F": _unicode("inner")}}})
    (tmp_path / "fw.msg").write_bytes(data)

    by_name = {r.source.rsplit("!", 1)[-1]: r for r in batch([tmp_path]).inputs}

    assert by_name["original.msg"].status == "skipped"
    assert "attached Outlook message" in (by_name["original.msg"].error or "")


def test_a_damaged_or_foreign_compound_file_is_reported(tmp_path: Path) -> None:
    """A compound file that is no message (a legacy Office file named .msg) or is cut short
    gives a line in the report, and the batch goes on."""
    whole = compound_file({"WordDocument": b"\0" * 5000})
    (tmp_path / "a.msg").write_bytes(whole)
    (tmp_path / "b.msg").write_bytes(_message({f"{P}1000001F": _unicode("x" * 3000)})[:1500])
    (tmp_path / "c.txt").write_bytes((FIXTURES / CASES[0]).read_bytes())

    report = batch([tmp_path])

    said = {r.source.rsplit("/", 1)[-1]: r.error or "" for r in report.inputs}
    assert "holds no Outlook message" in said["a.msg"]
    assert "could not be read" in said["b.msg"]
    assert [r.verdict for r in report.inputs if r.source.endswith("c.txt")] == ["fail"]


def test_analyze_names_an_outlook_attachment_it_leaves_to_batch() -> None:
    make, _ = SHAPES["zip attachment"]

    result = analyze_bytes(make((FIXTURES / CASES[0]).read_text(encoding="utf-8")),
                           "403 on login.msg")

    assert result.status == "unrecognized"
    assert "1 other part(s) (logs.zip) not read here" in (result.error or ""), result.error
