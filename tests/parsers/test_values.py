"""Behaviour tests for certtriage.parsers._values: HRESULT lines, durations, dates, flag lines."""

from __future__ import annotations

from datetime import datetime

import pytest

from certtriage.parsers._values import (
    decode_status,
    parse_date,
    parse_duration,
    parse_flag_line,
    parse_hresult,
    read_hresult,
)

# --------------------------------------------------------------------------- parse_hresult


@pytest.mark.parametrize(
    ("text", "value", "hex_", "symbol", "message", "win32"),
    [
        pytest.param(
            "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
            0x80092013, "0x80092013", "CRYPT_E_REVOCATION_OFFLINE", "", None,
            id="code-only",
        ),
        pytest.param(
            "The revocation function was unable to check revocation because the revocation "
            "server was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
            0x80092013, "0x80092013", "CRYPT_E_REVOCATION_OFFLINE",
            "The revocation function was unable to check revocation because the revocation "
            "server was offline",
            None,
            id="message-and-code",
        ),
        pytest.param(
            "The server name or address could not be resolved 0x80072ee7 (WIN32: 12007)",
            0x80072EE7, "0x80072ee7", "ERROR_INTERNET_NAME_NOT_RESOLVED",
            "The server name or address could not be resolved", 12007,
            id="win32-detail",
        ),
        pytest.param(
            "0x800b0110", 0x800B0110, "0x800b0110", "CERT_E_WRONG_USAGE", "", None,
            id="bare-code-symbol-from-tables",
        ),
        pytest.param(
            "The certificate is not valid for the requested usage. 0x800B0110.",
            0x800B0110, "0x800b0110", "CERT_E_WRONG_USAGE",
            "The certificate is not valid for the requested usage", None,
            id="uppercase-hex-trailing-period",
        ),
        pytest.param(
            "CertUtil: -verify command FAILED: 0x800b010a (-2146762486 CERT_E_CHAINING)",
            0x800B010A, "0x800b010a", "CERT_E_CHAINING", "CertUtil: -verify command FAILED",
            None,
            id="certutil-failed",
        ),
        pytest.param(
            "Something odd 0x8badf00d", 0x8BADF00D, "0x8badf00d", None, "Something odd", None,
            id="unknown-code",
        ),
    ],
)
def test_parse_hresult(
    text: str, value: int, hex_: str, symbol: str | None, message: str, win32: int | None
) -> None:
    parsed = parse_hresult(text, 42)
    assert parsed is not None
    hresult, w32 = parsed
    assert hresult.value == value
    assert hresult.hex == hex_
    assert hresult.symbol == symbol
    assert hresult.message == message
    assert hresult.line == 42
    assert w32 == win32


def test_printed_symbol_wins_over_the_table() -> None:
    parsed = parse_hresult("0x80092013 (-2146885613 CRYPT_E_SOMETHING_PRINTED)", 1)
    assert parsed is not None
    assert parsed[0].symbol == "CRYPT_E_SOMETHING_PRINTED"


@pytest.mark.parametrize("number", [2, 5, 87, 1783, 0xFFFF])
@pytest.mark.parametrize("shape", ["{hex} (WIN32: {n} SOME_ERROR)", "{hex}(WIN32:{n})",
                                   "{hex} ( WIN32 : {n} )"])
def test_a_bare_win32_code_is_the_hresult_that_wraps_it(number: int, shape: str) -> None:
    text = "SCardListReaders: It failed. " + shape.format(hex=hex(number), n=number)
    parsed = parse_hresult(text, 1)
    assert parsed is not None
    assert parsed[0].value == 0x80070000 | number
    assert parsed[1] == number
    assert parsed[0].message == "SCardListReaders: It failed"


@pytest.mark.parametrize("shape", ["{hex} (WIN32: {n} SOME_ERROR)", "{hex}(WIN32:{n})",
                                   "{hex} ( WIN32 : {n} )"])
def test_a_win32_success_is_no_code(shape: str) -> None:
    text = "Request Status Code: " + shape.format(hex="0x0", n=0) + " -- completed successfully."
    assert parse_hresult(text, 1) is None


@pytest.mark.parametrize("text", ["0x6f7 (WIN32: 1784 RPC_X_BAD_STUB_DATA)", "0x6f7 (1783)",
                                  "0x6f7 alone", "0x12345 (WIN32: 74565)"])
def test_a_short_hex_without_its_matching_win32_number_is_no_code(text: str) -> None:
    assert parse_hresult(text, 1) is None


@pytest.mark.parametrize(
    "text",
    ["no code here", "0x8009201 (short)", "0x800920130 (nine digits)", "x0x80092013", ""],
)
def test_parse_hresult_without_a_code(text: str) -> None:
    assert parse_hresult(text, 1) is None


# --------------------------------------------------------------------------- parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5 Weeks, 12 Hours, 3 Minutes, 10 Seconds", 5 * 604800 + 12 * 3600 + 3 * 60 + 10),
        ("218 Days, 21 Hours, 47 Minutes, 33 Seconds", 218 * 86400 + 21 * 3600 + 47 * 60 + 33),
        ("14 Hours, 53 Minutes, 28 Seconds", 14 * 3600 + 53 * 60 + 28),
        ("1 Day, 1 Hour, 1 Minute, 1 Second", 86400 + 3600 + 60 + 1),
        ("0 Seconds", 0),
    ],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 Fortnights"])
def test_parse_duration_without_units(text: str) -> None:
    assert parse_duration(text) is None


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3/14/2025 9:12 AM", datetime(2025, 3, 14, 9, 12), id="us-am"),
        pytest.param("11/27/2023 4:36 PM", datetime(2023, 11, 27, 16, 36), id="us-pm"),
        pytest.param("1/5/2024 12:05 AM", datetime(2024, 1, 5, 0, 5), id="us-midnight"),
        pytest.param("1/5/2024 12:05 PM", datetime(2024, 1, 5, 12, 5), id="us-noon"),
        pytest.param("5/17/16 5:00 PM", datetime(2016, 5, 17, 17, 0), id="us-two-digit-year"),
        pytest.param("3/14/2025 9:12:05 am", datetime(2025, 3, 14, 9, 12, 5), id="us-seconds"),
        pytest.param("2025-05-26 02:32", datetime(2025, 5, 26, 2, 32), id="iso"),
        pytest.param("2025/05/26 02:32:09", datetime(2025, 5, 26, 2, 32, 9), id="ymd-slash"),
        pytest.param("06.08.2015 19:46", datetime(2015, 8, 6, 19, 46), id="german"),
        pytest.param("06.08.15 19:46", datetime(2015, 8, 6, 19, 46), id="german-short-year"),
        pytest.param("25/12/2024 10:00", datetime(2024, 12, 25, 10, 0), id="day-first-day-13+"),
        pytest.param("  13-01-2024 08:15  ", datetime(2024, 1, 13, 8, 15), id="day-first-dashes"),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("03/04/2024 10:00", id="ambiguous-day-month"),
        pytest.param("12/12/2024 10:00", id="ambiguous-equal"),
        pytest.param("2/30/2024 1:00 PM", id="invalid-feb-30"),
        pytest.param("31.02.2024 10:00", id="invalid-german"),
        pytest.param("2024-13-01 10:00", id="invalid-month-iso"),
        pytest.param("32/01/2024 10:00", id="invalid-day"),
        pytest.param("yesterday", id="words"),
        pytest.param("2024-01-01", id="no-time"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_parse_date_gives_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_day_first_date_with_am_pm() -> None:
    assert parse_date("25/12/2024 10:00 AM") == datetime(2024, 12, 25, 10, 0)


# --------------------------------------------------------------------------- parse_flag_line


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        (
            "Element.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)",
            "CERT_TRUST_IS_REVOKED",
            0x4,
        ),
        (
            "ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)",
            "CERT_TRUST_IS_OFFLINE_REVOCATION",
            0x1000000,
        ),
        (
            "dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)",
            "CA_VERIFY_FLAGS_CONSOLE_TRACE",
            0x20000000,
        ),
        (
            "ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)",
            "CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT",
            0x40000000,
        ),
        ("CertGetCertificateChain(dwErrorStatus) = 0x10000", None, 0x10000),
        ("dwFlags = 0x20", None, 0x20),
        ("ChainFlags = CERT_CHAIN_SOMETHING_NEW", "CERT_CHAIN_SOMETHING_NEW", None),
        ("dwFlags =", None, None),
    ],
)
def test_parse_flag_line(text: str, name: str | None, value: int | None) -> None:
    assert parse_flag_line(text) == (name, value)


# --------------------------------------------------------------------------- decode_status


def test_decode_status_uses_the_field_table() -> None:
    error = decode_status("error", 0x1000040)
    assert error.flags == (
        "CERT_TRUST_REVOCATION_STATUS_UNKNOWN",
        "CERT_TRUST_IS_OFFLINE_REVOCATION",
    )
    assert error.unknown_bits == 0
    # 0x4 is IS_REVOKED in dwErrorStatus but HAS_NAME_MATCH_ISSUER in dwInfoStatus.
    assert decode_status("error", 0x4).flags == ("CERT_TRUST_IS_REVOKED",)
    assert decode_status("info", 0x4).flags == ("CERT_TRUST_HAS_NAME_MATCH_ISSUER",)


def test_a_line_read_again_elsewhere_gives_its_own_line_number() -> None:
    """The code of a line's text is kept; each reading of it carries its own line."""
    text = ("ERROR: Verifying leaf certificate revocation status returned 0x8009201 "
            "(-2146885613 CRYPT_E_REVOCATION_OFFLINE)")
    first, again, here = read_hresult(text, 7), read_hresult(text, 91), read_hresult(text, 7)
    assert first is not None and again is not None and here is not None
    assert (first.hresult.line, again.hresult.line, here.hresult.line) == (7, 91, 7)
    assert first.hresult.model_copy(update={"line": 91}) == again.hresult
    assert first.slip is not None and first.slip == again.slip
    assert first.hresult.hex == "0x80092013"
