"""Error codes printed with a typing slip: the signed decimal and the symbol on the same line
name the code, so a digit too few or too many (or two digits swapped) is read as they say, and
reported; when they disagree nothing is guessed."""

from __future__ import annotations

import pytest

from certtriage import analyze_text
from certtriage.parsers._values import read_hresult
from certtriage.parsers.certutil_verify.parser import parse

OFFLINE_TEXT = ("The revocation function was unable to check revocation because the revocation "
                "server was offline.")


@pytest.mark.parametrize(("printed", "detail", "read_as"), [
    ("0x8009213", "-2146885613 CRYPT_E_REVOCATION_OFFLINE", "0x80092013"),
    ("0x800920133", "-2146885613 CRYPT_E_REVOCATION_OFFLINE", "0x80092013"),
    ("0x80092031", "-2146885613 CRYPT_E_REVOCATION_OFFLINE", "0x80092013"),
    ("0x800B109", "-2146762487", "0x800b0109"),
    ("0X800b109", "CERT_E_UNTRUSTEDROOT", "0x800b0109"),
], ids=["digit-dropped", "digit-doubled", "digits-swapped", "decimal-alone", "symbol-alone"])
def test_slip_is_read_as_the_detail_names_it(printed: str, detail: str, read_as: str) -> None:
    read = read_hresult(f"Message. {printed} ({detail})", 4)
    assert read is not None and read.hresult.hex == read_as
    assert read.slip is not None and printed in read.slip and read_as in read.slip


@pytest.mark.parametrize(("text", "read_as"), [
    ("0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)", "0x80092013"),
    ("0x80072ee7 (WIN32: 12007)", "0x80072ee7"),
    ("0x80092004 (-2146885628)", "0x80092004"),
])
def test_a_code_printed_right_reads_without_a_note(text: str, read_as: str) -> None:
    read = read_hresult(text, 1)
    assert read is not None and read.hresult.hex == read_as and read.slip is None


def test_witnesses_that_disagree_are_not_guessed_at() -> None:
    # A malformed hex with a decimal and a symbol naming two different codes: nothing is read.
    assert read_hresult("x 0x8009213 (-2146885616 CRYPT_E_REVOCATION_OFFLINE)", 1) is None
    # A well-formed hex one witness contradicts: read as printed, the doubt reported.
    read = read_hresult("x 0x80092031 (-2146885613)", 1)
    assert read is not None and read.hresult.hex == "0x80092031"
    assert read.slip is not None and "disagrees" in read.slip


def test_a_short_hex_without_a_detail_is_no_code() -> None:
    assert read_hresult("Flags = 1 0x1 (1)", 1) is None
    assert read_hresult("the value 0x8009213 was mentioned", 1) is None


@pytest.mark.parametrize("line", [
    "The certificate is revoked. 0x8009210 (-2146885616 CRYPT_E_REVOKED)",
    "CertUtil: -verify command FAILED: 0x8009210 (-2146885616 CRYPT_E_REVOKED)",
    "ERROR: Verifying leaf certificate revocation status returned x 0x8009210 "
    "(-2146885616 CRYPT_E_REVOKED)",
], ids=["error-line", "failed-line", "leaf-error"])
def test_slips_are_read_on_every_line_with_a_code_and_reported(line: str) -> None:
    text = f"{line}\nCertUtil: -verify command completed successfully.\n"
    model = parse(text)
    assert model.error_codes() == ("0x80092010",)
    (slip,) = model.code_slips
    assert (slip.line, slip.printed, slip.read_as) == (1, "0x8009210", "0x80092010")
    result = analyze_text(text)
    assert result.root_causes == ("revoked",) and result.status == "partial"
    assert any("0x8009210 read as 0x80092010" in w for w in result.warnings)


def test_slip_in_a_retrieval_error() -> None:
    text = ("  ----------------  Certificate CDP  ----------------\n"
            '  Failed "CDP" Time: 0\n'
            "    Error retrieving URL: The server name or address could not be resolved "
            "0x8072ee7 (WIN32: 12007 ERROR_INTERNET_NAME_NOT_RESOLVED)\n"
            "    http://crl.contoso.com/a.crl\n")
    (check,) = parse(text).elements[0].url_checks
    assert check.error is not None and check.error.hresult is not None
    assert check.error.hresult.hex == "0x80072ee7" and check.error.win32 == 12007
    assert check.url == "http://crl.contoso.com/a.crl"


def test_the_typing_slip_fixture_keeps_its_diagnosis() -> None:
    text = (f"ERROR: Verifying leaf certificate revocation status returned {OFFLINE_TEXT} "
            "0x8009213 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
            f"CertUtil: {OFFLINE_TEXT}\n")
    result = analyze_text(text)
    assert result.verdict == "fail" and result.root_causes == ("revocation-offline",)
    assert result.hresults == ("0x80092013",) and result.failing_element == 0
