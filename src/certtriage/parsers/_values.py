"""Small value parsers shared by the text formats: HRESULT lines, dates, durations, flags."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import NamedTuple

from ..knowledge.codes import code_tables
from ..knowledge.codes.numbers import to_unsigned
from ..models.common import HResult, TrustStatus

_CODE = re.compile(r"\b0x(?P<hex>[0-9a-fA-F]{8})\b")
#: A code with a digit too few or too many, as people retype it; read only with its detail.
_LOOSE = re.compile(r"\b0[xX](?P<hex>[0-9a-fA-F]{5,10})(?![0-9a-zA-Z])")
_DETAIL = re.compile(r"[.,;]?[ \t]*\((?P<detail>[^)]*)\)?")
_SYMBOL = re.compile(r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b")
_SIGNED = re.compile(r"^[ \t]*(-\d{9,10})\b")
_WIN32 = re.compile(r"(?:WIN32(?:/HTTP)?|WinHttp|WinINet)[ \t]*:[ \t]*(\d+)", re.IGNORECASE)
#: A bare Win32 error as certutil prints it when no HRESULT wraps it: `0x6f7 (WIN32: 1783 ...)`.
_SHORT_WIN32 = re.compile(
    r"\b0x(?P<hex>[0-9a-fA-F]{1,4})[ \t]*\([ \t]*WIN32[ \t]*:[ \t]*(?P<number>\d+)\b")


class CodeRead(NamedTuple):
    """An error code read from a line: the code, the Win32 number printed with it, and, when
    the printed hex was not taken as it stands, what was decided and why."""

    hresult: HResult
    win32: int | None
    printed: str
    slip: str | None
_FLAG_LINE = re.compile(r"=\s*(?P<name>[A-Za-z0-9_]+)?\s*\(?\s*0x(?P<hex>[0-9a-fA-F]+)\s*\)?")
_DURATION = re.compile(r"(\d+)\s+(Week|Day|Hour|Minute|Second)s?", re.IGNORECASE)
_UNIT_SECONDS = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60, "second": 1}


def parse_hresult(text: str, line: int) -> tuple[HResult, int | None] | None:
    """Read `<message> 0x80092013 (-2146885613 SYMBOL)` / `(WIN32: 12007)` from a line.

    Returns the code and the Win32 number when one was printed, or None without a code.
    """
    read = read_hresult(text, line)
    return (read.hresult, read.win32) if read is not None else None


def read_hresult(text: str, line: int) -> CodeRead | None:
    """Read the error code of a line, through a typing slip when its detail settles it (see
    `_read_code`); its line number is `line`."""
    read = _read_code(text)
    if read is None or read.hresult.line == line:
        return read
    code = read.hresult
    return read._replace(hresult=HResult.trusted(
        value=code.value, hex=code.hex, symbol=code.symbol, message=code.message, line=line))


@functools.lru_cache(maxsize=256)
def _read_code(text: str) -> CodeRead | None:
    """The error code of a line, read at line 0 (a pure function of the text, kept for the
    last few hundred: dumps report the same few failures in the same words; an entry holds
    the code's message, about 1.3 KiB, so a sweep of varied dumps holds at most 0.4 MiB).

    certutil prints `0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)`: the hex, the signed
    decimal and the symbol name one code three times. When the hex has a digit too few or too
    many, or disagrees with a decimal and a symbol that agree with each other, the code they
    name is read and the slip described; when the witnesses disagree, the hex is kept (or,
    malformed, nothing is read) and the doubt described.
    """
    match = _CODE.search(text)
    if match is None and (short := _short_win32(text)) is not None:
        return short
    loose = match is None
    match = match or _LOOSE.search(text)
    if match is None:
        return None
    after = _DETAIL.match(text, match.end())
    detail = after["detail"] if after else ""
    if loose and not detail:
        return None
    symbol_match = _SYMBOL.search(detail)
    symbol = symbol_match.group(1) if symbol_match else None
    value, slip = _settle(match["hex"], match.group(0), symbol, _SIGNED.search(detail))
    if value is None:
        return None
    win32_match = _WIN32.search(detail)
    message = text[:match.start()].strip().rstrip(".:").strip()
    hresult = code_tables().hresult(value, 0, message=message, symbol=symbol)
    return CodeRead(hresult, int(win32_match.group(1)) if win32_match else None,
                    match.group(0), slip)


def _short_win32(text: str) -> CodeRead | None:
    """A bare Win32 error (`0x6f7 (WIN32: 1783 RPC_X_BAD_STUB_DATA)`) as the HRESULT that wraps
    it (0x800706f7), read only when the hex and the decimal name the same number; a success
    (`0x0 (WIN32: 0)`) is no error."""
    match = _SHORT_WIN32.search(text)
    if match is None or int(match["hex"], 16) != int(match["number"]):
        return None
    number = int(match["number"])
    if number == 0:  # `0x0 (WIN32: 0)`: the operation completed successfully
        return None
    symbol_match = _SYMBOL.search(text, match.end())
    message = text[:match.start()].strip().rstrip(".:").strip()
    hresult = code_tables().hresult(0x80070000 | number, 0, message=message,
                                    symbol=symbol_match.group(1) if symbol_match else None)
    return CodeRead(hresult, number, match.group(0).split("(")[0].strip(), None)


def _witnesses(symbol: str | None, signed: re.Match[str] | None) -> dict[int, list[str]]:
    """The codes the signed decimal and the symbol printed with a hex name, each with what
    names it."""
    found: dict[int, list[str]] = {}
    if signed is not None and _in_range(signed.group(1)):
        found.setdefault(to_unsigned(int(signed.group(1))), []).append(signed.group(1))
    known = code_tables().lookup(symbol) if symbol else None
    if known is not None and symbol is not None:
        found.setdefault(known.value, []).append(symbol)
    return found


def _settle(digits: str, printed: str, symbol: str | None,
            signed: re.Match[str] | None) -> tuple[int | None, str | None]:
    """The code a printed hex (`digits` after its `0x`) and its witnesses name, and a note when
    the hex was not taken as printed or stays in doubt (None, None: nothing can be read)."""
    hex_value = int(digits, 16) if len(digits) == 8 else None
    named = _witnesses(symbol, signed)
    said = " and ".join(n for names in named.values() for n in names)
    doubt = f"{printed} disagrees with {said}; read as printed"
    agreed = next(iter(named)) if len(named) == 1 else None
    if agreed is None or agreed == hex_value:
        return hex_value, doubt if hex_value is not None and len(named) > 1 else None
    if hex_value is not None and len(named[agreed]) < 2:
        return hex_value, doubt
    verb = "name" if len(named[agreed]) > 1 else "names"
    return agreed, f"{printed} read as 0x{agreed:08x}: {said} {verb} it"


def _in_range(text: str) -> bool:
    return -(2**31) <= int(text) < 0


@functools.lru_cache(maxsize=4096)
def decode_status(field: str, value: int) -> TrustStatus:
    """Decode a dwErrorStatus / dwInfoStatus value by the field it came from (a frozen model,
    so one per value serves every line that prints it: a dump prints a handful of values
    many times, and a batch the same few in every dump)."""
    tables = code_tables()
    flags = tables.decode_status(field, value)  # type: ignore[arg-type]
    return TrustStatus.trusted(
        field=field,
        value=value,
        flags=tuple(f.name for f in flags),
        unknown_bits=tables.unknown_bits(field, value),  # type: ignore[arg-type]
    )


@functools.lru_cache(maxsize=1024)
def parse_flag_line(text: str) -> tuple[str | None, int | None]:
    """`X.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)` -> (name, value) (kept for the last
    thousand lines: a dump prints the same few status lines for every element, and a batch in
    every dump; about 0.2 KiB an entry)."""
    match = _FLAG_LINE.search(text)
    if not match:
        name = text.split("=", 1)[-1].strip() or None
        return name, None
    return match["name"], int(match["hex"], 16)


def parse_duration(text: str) -> int | None:
    """`5 Weeks, 12 Hours, 26 Minutes, 32 Seconds` -> seconds."""
    parts = _DURATION.findall(text)
    if not parts:
        return None
    return sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in parts)


_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])")
_NUMERIC = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$"
)


def _year(y: int) -> int:
    return y + 2000 if y < 100 else y


@functools.lru_cache(maxsize=4096)
def parse_date(text: str | None) -> datetime | None:
    """A certutil date in the locale it was printed in, when the format is unambiguous (a
    pure function of the text, kept for the last few thousand: a dump reads each of its dates
    twice or more, the model's and the run window's, and a fleet's dumps share their CAs').

    US `3/14/2025 9:12 AM`, ISO `2025-05-26 02:32`, German `06.08.2015 19:46`; a day-first
    slash date is read only when the day is above 12. Anything else gives None.
    """
    if not text:
        return None
    text = text.strip()
    try:
        us = _US.match(text)
        if us:
            month, day, year, hour, minute = map(int, us.group(1, 2, 3, 4, 5))
            if hour > 12:
                return None
            if month > 12 >= day:  # day-first with AM/PM: unambiguous when the day is > 12
                month, day = day, month
            hour = hour % 12 + (12 if us[7].lower() == "pm" else 0)
            return datetime(_year(year), month, day, hour, minute, int(us[6] or 0))
        num = _NUMERIC.match(text)
        if not num:
            return None
        a, b, c = int(num[1]), int(num[2]), int(num[3])
        hour, minute, second = int(num[4]), int(num[5]), int(num[6] or 0)
        sep = text[len(num[1])]
        if len(num[1]) == 4:
            return datetime(a, b, c, hour, minute, second)
        if sep == ".":
            return datetime(_year(c), b, a, hour, minute, second)
        if a > 12:
            return datetime(_year(c), b, a, hour, minute, second)
        return None
    except ValueError:
        return None
