"""Behaviour tests for certtriage.text.decode: encodings, BOMs, newlines, replacement, limits."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from certtriage.text import decode as ingest
from certtriage.text.decode import Document, InputTooLarge, decode

SAMPLE = (
    "Issuer:\r\n    CN=Contoso Issuing CA\r\n"
    "CertUtil: -verify command completed successfully.\r\n"
)
SAMPLE_LF = SAMPLE.replace("\r\n", "\n")


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        pytest.param(SAMPLE.encode("utf-8"), "utf-8", False, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig", True, id="utf-8-bom"),
        pytest.param(
            codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16-le", True, id="utf-16le-bom"
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16-be", True, id="utf-16be-bom"
        ),
        # Windows PowerShell 5.1 `certutil ... > out.txt` as re-saved without its BOM.
        pytest.param(SAMPLE.encode("utf-16-le"), "utf-16-le", False, id="utf-16le-no-bom"),
        pytest.param(SAMPLE.encode("utf-16-be"), "utf-16-be", False, id="utf-16be-no-bom"),
    ],
)
def test_encoding_is_detected_and_text_decoded(data: bytes, encoding: str, bom: bool) -> None:
    doc = decode(data, source="ticket-4711.txt")
    assert doc.encoding == encoding
    assert doc.bom is bom
    assert doc.text == SAMPLE_LF
    assert doc.replaced is False
    assert doc.source == "ticket-4711.txt"


def test_bom_is_removed_from_text() -> None:
    doc = decode(codecs.BOM_UTF8 + b"Issuer:\n")
    assert not doc.text.startswith("\ufeff")
    assert doc.text == "Issuer:\n"


def test_utf8_non_ascii_is_kept_as_utf8() -> None:
    text = "Aussteller: CN=Müller Zertifizierungsstelle\n颁发者:\n"
    doc = decode(text.encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert doc.text == text
    assert doc.replaced is False


def test_utf16le_without_bom_with_cjk_labels() -> None:
    # Localised output still has enough ASCII for the NUL pattern.
    text = "颁发者:\r\n    CN=Contoso Root\r\n证书序列号: 1a2b\r\n"
    doc = decode(text.encode("utf-16-le"))
    assert doc.encoding == "utf-16-le"
    assert doc.text == text.replace("\r\n", "\n")


def test_cp1252_fallback_for_german_umlaut() -> None:
    text = "Aussteller: CN=Zertifizierungsstelle Köln, O=Fabrikam Größe\r\n"
    doc = decode(text.encode("cp1252"))
    assert doc.encoding == "cp1252"
    assert doc.text == text.replace("\r\n", "\n")
    assert "ö" in doc.text and "ß" in doc.text
    assert doc.replaced is False


@pytest.mark.parametrize("undefined", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_cp1252_undefined_byte_sets_replaced(undefined: int) -> None:
    # Invalid UTF-8 (0xC4 alone) forces cp1252; the byte cp1252 does not map becomes U+FFFD.
    data = b"Subject: CN=\xc4rger " + bytes([undefined]) + b"\n"
    doc = decode(data)
    assert doc.encoding == "cp1252"
    assert doc.replaced is True
    assert "\ufffd" in doc.text
    assert doc.text.startswith("Subject: CN=Ärger ")


def test_invalid_utf8_after_utf8_bom_sets_replaced() -> None:
    doc = decode(codecs.BOM_UTF8 + b"CN=Contoso \xff\xfe Ltd\n")
    assert doc.encoding == "utf-8-sig"
    assert doc.replaced is True
    assert doc.text.startswith("CN=Contoso ")


def test_unpaired_surrogate_in_utf16_sets_replaced() -> None:
    data = codecs.BOM_UTF16_LE + "CN=a".encode("utf-16-le") + b"\x00\xd8" + "b\n".encode(
        "utf-16-le"
    )
    doc = decode(data)
    assert doc.encoding == "utf-16-le"
    assert doc.replaced is True
    assert "\ufffd" in doc.text


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(codecs.BOM_UTF16_LE + "Issuer:\n".encode("utf-16-le") + b"X", id="with-bom"),
        pytest.param("Issuer:\nSubject:\n".encode("utf-16-le") + b"X", id="without-bom"),
    ],
)
def test_odd_length_utf16_drops_last_byte_and_sets_replaced(data: bytes) -> None:
    doc = decode(data)
    assert doc.encoding == "utf-16-le"
    assert doc.replaced is True
    assert doc.text.startswith("Issuer:\n")
    assert "X" not in doc.text


def test_replaced_does_not_depend_on_bom_for_valid_input() -> None:
    payload = "CN=Contoso \ufffd Ltd\n".encode("utf-8")
    assert decode(payload).replaced is False
    assert decode(codecs.BOM_UTF8 + payload).replaced is False


# --------------------------------------------------------------------------- newlines


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Issuer:\r\nSubject:\r\n", "crlf"),
        ("Issuer:\nSubject:\n", "lf"),
        ("Issuer:\rSubject:\r", "cr"),
        ("Issuer:\r\nSubject:\nSerial:\r", "mixed"),
        ("Issuer:\r\nSubject:\n", "mixed"),
        ("Issuer:", "none"),
    ],
)
def test_newline_kind_is_recorded_and_converted_to_lf(text: str, kind: str) -> None:
    doc = decode(text.encode("ascii"))
    assert doc.newline == kind
    assert "\r" not in doc.text
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n")


def test_crlf_pair_becomes_one_lf_not_two() -> None:
    doc = decode(b"a\r\n\r\nb\r\n")
    assert doc.text == "a\n\nb\n"
    assert doc.text.count("\n") == 3


def test_utf16_crlf_newlines_converted() -> None:
    doc = decode(codecs.BOM_UTF16_LE + "a\r\nb\r\n".encode("utf-16-le"))
    assert doc.newline == "crlf"
    assert doc.text == "a\nb\n"


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (b"", "utf-8", False),
        (codecs.BOM_UTF8, "utf-8-sig", True),
        (codecs.BOM_UTF16_LE, "utf-16-le", True),
    ],
)
def test_empty_input(data: bytes, encoding: str, bom: bool) -> None:
    doc = decode(data)
    assert isinstance(doc, Document)
    assert doc.text == ""
    assert doc.encoding == encoding
    assert doc.bom is bom
    assert doc.replaced is False
    assert doc.newline == "none"


def test_default_source_name() -> None:
    assert decode(b"x").source == "<bytes>"


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 16)
    assert decode(b"a" * 16).text == "a" * 16
    with pytest.raises(InputTooLarge, match="17 bytes"):
        decode(b"a" * 17)


def test_size_limit_counts_bytes_not_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 16)
    # 8 characters, 18 bytes with BOM in UTF-16.
    with pytest.raises(InputTooLarge):
        decode(codecs.BOM_UTF16_LE + "abcdefgh".encode("utf-16-le"))


def test_input_too_large_belongs_to_the_one_error_hierarchy() -> None:
    from certtriage.errors import CerttriageError, InputError

    assert issubclass(InputTooLarge, InputError) and issubclass(InputError, CerttriageError)


@pytest.mark.parametrize("size", [0, 1, 5_000, (1 << 20) + 3, 3 << 20])
def test_a_bounded_read_gives_the_whole_of_any_stream_within_the_limit(
        tmp_path: Path, size: int) -> None:
    """A regular file (read by its size), an in-memory stream and a pipe (read in pieces)
    give all their bytes, after a head already read; one byte past the limit is refused."""
    import io
    import os
    import threading

    from certtriage.text.decode import read_bounded

    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "input.bin"
    path.write_bytes(data)
    with path.open("rb") as handle:
        head = handle.read(2)
        assert head + read_bounded(handle, size, already=len(head)) == data
    assert read_bounded(io.BytesIO(data), size) == data
    reader, writer = os.pipe()

    def feed() -> None:
        with open(writer, "wb") as out:
            out.write(data)

    thread = threading.Thread(target=feed)
    thread.start()
    with open(reader, "rb") as pipe:
        assert read_bounded(pipe, size) == data
    thread.join()
    if size:
        with path.open("rb") as handle, pytest.raises(InputTooLarge):
            read_bounded(handle, size - 1)
        with pytest.raises(InputTooLarge):
            read_bounded(io.BytesIO(data), size - 1)
