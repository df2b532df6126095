"""Numbers of error codes: signed and unsigned 32-bit renderings, Win32 codes as HRESULTs.

Signed and unsigned decimal renderings of an HRESULT are derived here, never stored.
"""

from __future__ import annotations

import re
from typing import Any

_U32_MAX = 0xFFFFFFFF
_S32_MIN = -(2**31)
_WIN32_MAX = 0xFFFF
_FACILITY_WIN32_BASE = 0x80070000


def to_unsigned(n: int) -> int:
    """Return the unsigned 32-bit value of ``n``.

    Accepts a signed (``-2**31 <= n < 0``) or unsigned (``0 <= n <= 0xFFFFFFFF``)
    32-bit number; ``to_unsigned(-2146885613) == 0x80092013``.  Raises ``ValueError``
    for numbers outside both ranges.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    if not _S32_MIN <= n <= _U32_MAX:
        raise ValueError(f"{n} is not a 32-bit value")
    return n & _U32_MAX


def to_signed(n: int) -> int:
    """Return the signed 32-bit value of ``n`` (as certutil prints it).

    ``to_signed(0x80092013) == -2146885613``.  Accepts the same inputs as
    :func:`to_unsigned`.
    """
    u = to_unsigned(n)
    return u - 2**32 if u & 0x80000000 else u


def hresult_from_win32(n: int) -> int:
    """Wrap a Win32 error code as an HRESULT (``HRESULT_FROM_WIN32``), unsigned.

    ``0`` stays ``0`` (success); ``1..0xFFFF`` becomes ``0x80070000 | n``.  Raises
    ``ValueError`` for negative numbers or numbers above ``0xFFFF``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    if not 0 <= n <= _WIN32_MAX:
        raise ValueError(f"{n} is not a Win32 error code (0..65535)")
    return n if n == 0 else _FACILITY_WIN32_BASE | n


def _parse_u32(value: Any) -> Any:
    """Turn a ``"0x..."`` hex string into an int; range-check ints (pydantic helper)."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"0[xX][0-9a-fA-F]{1,8}", text):
            raise ValueError(f"expected a hex string like '0x80092013', got {value!r}")
        return int(text, 16)
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= _U32_MAX:
            raise ValueError(f"{value} is not an unsigned 32-bit value")
    return value
