"""Error-code and flag tables, loaded once from the TOML files in ``knowledge/data``.

The tables hold HRESULT / Win32 / WinINet / LDAP / HTTP error codes
(``hresults.toml``), the ``CERT_TRUST_STATUS`` error and info bits plus related
chain flags (``trust.toml``) and IIS sub-status codes (``iis.toml``).  Every entry
is validated into a frozen pydantic model; :func:`code_tables` returns the cached
:class:`CodeTables` that indexes them.

Signed and unsigned decimal renderings of an HRESULT are derived here, never stored.
"""

from .loader import _load_tables as _load_tables
from .loader import code_tables
from .numbers import hresult_from_win32, to_signed, to_unsigned
from .tables import (
    CertCheckModeBit,
    CodeTables,
    ErrorCode,
    Family,
    FlagKind,
    IisSubstatus,
    NamedFlag,
    StatusField,
    TrustFlag,
)

__all__ = [
    "CertCheckModeBit",
    "CodeTables",
    "ErrorCode",
    "Family",
    "FlagKind",
    "IisSubstatus",
    "NamedFlag",
    "StatusField",
    "TrustFlag",
    "code_tables",
    "hresult_from_win32",
    "to_signed",
    "to_unsigned",
]
