"""Error-code and flag tables, loaded once from the TOML files in ``knowledge/data``.

The tables hold HRESULT / Win32 / WinINet / LDAP / HTTP error codes
(``hresults.toml``), the ``CERT_TRUST_STATUS`` error and info bits plus related
chain flags (``trust.toml``) and IIS sub-status codes (``iis.toml``).  Every entry
is validated into a frozen pydantic model; :func:`code_tables` returns the cached
:class:`CodeTables` that indexes them.

Signed and unsigned decimal renderings of an HRESULT are derived here, never stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

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

_U32_MAX = 0xFFFFFFFF
_S32_MIN = -(2**31)
_WIN32_MAX = 0xFFFF
_FACILITY_WIN32_BASE = 0x80070000

HRESULTS_FILE = "hresults.toml"
TRUST_FILE = "trust.toml"
IIS_FILE = "iis.toml"

Family = Literal["crypt", "cert", "trust", "sspi", "win32", "wininet", "ldap", "http"]
"""Code families: CRYPT_E_/NTE_, CERT_E_, TRUST_E_, SEC_E_, Win32, WinINet/WinHTTP,
directory-service (LDAP) and HTTP_E_STATUS_ codes."""

StatusField = Literal["error", "info"]
"""Which CERT_TRUST_STATUS DWORD a number came from: dwErrorStatus or dwInfoStatus."""

FlagKind = Literal[
    "chain_flag", "verify_flag", "chain_policy", "policy_ignore_flag", "crl_reason", "ldap_result"
]
"""Kinds of :class:`NamedFlag` entries."""

Scope = Literal["cert", "chain", "cert+chain"]

_Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_SubstatusCode = Annotated[str, StringConstraints(pattern=r"^[1-5][0-9]{2}\.[0-9]{1,3}$")]


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- models


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorCode(_Frozen):
    """One HRESULT (or wrapped Win32 / WinINet / LDAP / HTTP code) and what it means.

    ``value`` is the unsigned 32-bit number; ``hex``, ``signed``, ``unsigned`` and
    ``facility`` are derived from it.  ``message`` is Microsoft's exact English text
    (empty when unverified); ``alt_messages`` are older or alternative official texts.
    """

    value: int
    symbol: _Symbol
    aliases: tuple[_Symbol, ...] = ()
    message: str
    alt_messages: tuple[str, ...] = ()
    win32: int | None = Field(default=None, ge=1, le=_WIN32_MAX)
    family: Family
    meaning: _Text
    verified: bool

    _check_value = field_validator("value", mode="before")(_parse_u32)

    @property
    def unsigned(self) -> int:
        """Unsigned 32-bit value, as IIS writes it in ``sc-win32-status``."""
        return self.value

    @property
    def signed(self) -> int:
        """Signed 32-bit value, as certutil prints it (e.g. ``-2146885613``)."""
        return to_signed(self.value)

    @property
    def hex(self) -> str:
        """``0x`` plus 8 lowercase hex digits, e.g. ``"0x80092013"``."""
        return f"0x{self.value:08x}"

    @property
    def facility(self) -> int:
        """HRESULT facility (bits 16-28): 7 Win32, 9 security/SSPI, 11 cert, 25 HTTP."""
        return (self.value >> 16) & 0x1FFF

    @property
    def names(self) -> tuple[str, ...]:
        """The primary symbol followed by all aliases."""
        return (self.symbol, *self.aliases)


class TrustFlag(_Frozen):
    """One ``CERT_TRUST_*`` bit of ``dwErrorStatus`` (``field="error"``) or
    ``dwInfoStatus`` (``field="info"``).

    The same number means different things in the two fields, so a flag is always
    tied to its field.  ``policy_hresult`` is the symbol chain-policy evaluation
    typically reports for the bit, ``iis`` the likely IIS sub-status (a heuristic).
    """

    name: _Symbol
    value: int
    field: StatusField
    meaning: _Text
    scope: Scope
    policy_hresult: _Symbol | None = None
    iis: _SubstatusCode | None = None
    verified: bool

    _check_value = field_validator("value", mode="before")(_parse_u32)


class NamedFlag(_Frozen):
    """A named constant: chain-building flag, certutil ``CA_VERIFY_FLAGS_*`` bit,
    chain policy id, policy ignore flag, CRL reason code or native LDAP result."""

    name: _Symbol
    value: int = Field(ge=0, le=_U32_MAX)
    kind: FlagKind
    verified: bool = True


class IisSubstatus(_Frozen):
    """An IIS status.substatus code (e.g. ``"403.13"``) with Microsoft's title,
    typical client-certificate causes and typical ``sc-win32-status`` values."""

    code: _SubstatusCode
    title: _Text
    causes: tuple[_Text, ...]
    win32_status: tuple[Annotated[int, Field(ge=0, le=_U32_MAX)], ...] = ()
    verified: bool

    @property
    def status(self) -> int:
        """The HTTP status part (``403`` for ``"403.13"``)."""
        return int(self.code.split(".")[0])

    @property
    def sub(self) -> int:
        """The sub-status part (``13`` for ``"403.13"``)."""
        return int(self.code.split(".")[1])


class CertCheckModeBit(_Frozen):
    """One bit of IIS ``CertCheckMode`` / HTTP.sys ``DefaultCertCheckMode``."""

    value: int = Field(gt=0, le=_U32_MAX)
    constant: _Symbol
    meaning: _Text


# Row models for TOML tables whose keys differ from the public model.


class _FlagRow(_Frozen):
    name: _Symbol
    value: int
    verified: bool = True

    _check_value = field_validator("value", mode="before")(_parse_u32)


class _PolicyRow(_Frozen):
    name: _Symbol
    value: int = Field(ge=0, le=_U32_MAX)


class _CrlRow(_Frozen):
    code: int = Field(ge=0, le=_U32_MAX)
    name: _Symbol


class _LdapRow(_Frozen):
    code: int = Field(ge=0, le=_U32_MAX)
    symbol: _Symbol


# --------------------------------------------------------------------------- tables

_HEX_PREFIXED = re.compile(r"0x([0-9a-f]{1,8})", re.IGNORECASE | re.ASCII)
_HEX_BARE8 = re.compile(r"[0-9a-f]{8}", re.IGNORECASE | re.ASCII)
_DECIMAL = re.compile(r"[+-]?[0-9]+", re.ASCII)
_WIN32_PREFIX = re.compile(r"win32\s*:\s*([0-9]+)", re.IGNORECASE | re.ASCII)
_SUBSTATUS = re.compile(r"([1-5][0-9]{2})\s*(?:\.|\s)\s*([0-9]{1,3})", re.ASCII)


def _flag_for_bits(
    flags: Iterable[TrustFlag | NamedFlag | CertCheckModeBit], value: int
) -> list[Any]:
    """Entries of ``flags`` whose (non-zero) bits are all set in ``value``."""
    return [f for f in flags if f.value and value & f.value == f.value]


class CodeTables:
    """All code tables with lookup helpers.  Build with :func:`code_tables`.

    Attributes (tuples, in data-file order): ``codes``, ``ldap_results``,
    ``error_flags``, ``info_flags``, ``chain_flags``, ``verify_flags``,
    ``chain_policies``, ``policy_ignore_flags``, ``crl_reasons``, ``substatuses``,
    ``cert_check_modes``.  Treat instances as read-only.
    """

    def __init__(
        self,
        *,
        codes: Sequence[ErrorCode],
        ldap_results: Sequence[NamedFlag],
        error_flags: Sequence[TrustFlag],
        info_flags: Sequence[TrustFlag],
        chain_flags: Sequence[NamedFlag],
        verify_flags: Sequence[NamedFlag],
        chain_policies: Sequence[NamedFlag],
        policy_ignore_flags: Sequence[NamedFlag],
        crl_reasons: Sequence[NamedFlag],
        substatuses: Sequence[IisSubstatus],
        cert_check_modes: Sequence[CertCheckModeBit],
    ) -> None:
        self.codes: tuple[ErrorCode, ...] = tuple(codes)
        self.ldap_results: tuple[NamedFlag, ...] = tuple(ldap_results)
        self.error_flags: tuple[TrustFlag, ...] = tuple(error_flags)
        self.info_flags: tuple[TrustFlag, ...] = tuple(info_flags)
        self.chain_flags: tuple[NamedFlag, ...] = tuple(chain_flags)
        self.verify_flags: tuple[NamedFlag, ...] = tuple(verify_flags)
        self.chain_policies: tuple[NamedFlag, ...] = tuple(chain_policies)
        self.policy_ignore_flags: tuple[NamedFlag, ...] = tuple(policy_ignore_flags)
        self.crl_reasons: tuple[NamedFlag, ...] = tuple(crl_reasons)
        self.substatuses: tuple[IisSubstatus, ...] = tuple(substatuses)
        self.cert_check_modes: tuple[CertCheckModeBit, ...] = tuple(cert_check_modes)

        self._by_value = {c.value: c for c in self.codes}
        self._by_name = {n.upper(): c for c in self.codes for n in c.names}
        self._trust_by_name = {f.name.upper(): f for f in (*self.error_flags, *self.info_flags)}
        self._field_flags: dict[str, tuple[TrustFlag, ...]] = {
            "error": tuple(sorted(self.error_flags, key=lambda f: f.value)),
            "info": tuple(sorted(self.info_flags, key=lambda f: f.value)),
        }
        self._field_mask = {
            field: functools.reduce(lambda a, f: a | f.value, flags, 0)
            for field, flags in self._field_flags.items()
        }
        self._named_by_kind: dict[str, tuple[NamedFlag, ...]] = {
            "chain_flag": self.chain_flags,
            "verify_flag": self.verify_flags,
            "chain_policy": self.chain_policies,
            "policy_ignore_flag": self.policy_ignore_flags,
            "crl_reason": self.crl_reasons,
            "ldap_result": self.ldap_results,
        }
        self._named_by_name = {
            f.name.upper(): f for flags in self._named_by_kind.values() for f in flags
        }
        self._crl_by_code = {f.value: f.name for f in self.crl_reasons}
        self._ldap_by_code = {f.value: f.name for f in self.ldap_results}
        self._substatus_by_code = {s.code: s for s in self.substatuses}

    def __repr__(self) -> str:
        return (
            f"CodeTables(codes={len(self.codes)}, error_flags={len(self.error_flags)}, "
            f"info_flags={len(self.info_flags)}, substatuses={len(self.substatuses)})"
        )

    # -- error codes -----------------------------------------------------------

    def by_value(self, value: int) -> ErrorCode | None:
        """Return the code whose unsigned 32-bit value is ``value``, else ``None``."""
        return self._by_value.get(value)

    def lookup(self, token: str | int) -> ErrorCode | None:
        """Find an error code from any of the forms logs and tools print.

        Accepted: ``"0x80092013"`` / ``"0X80092013"`` (any case, 1-8 digits),
        ``"80092013"`` (exactly 8 hex digits, as in CAPI2 XML; this reading wins over
        decimal for 8-character strings), signed decimal ``"-2146885613"`` or
        ``-2146885613``, unsigned decimal ``"2148081683"`` or ``2148081683``, a Win32
        code ``"12007"`` / ``55`` (1..65535, wrapped with ``HRESULT_FROM_WIN32``),
        ``"WIN32: 12007"``, and symbols or aliases in any case.  Message texts are
        never matched.  Returns ``None`` for anything unknown or unparsable,
        including valid 32-bit numbers that are not in the table.
        """
        if isinstance(token, bool):
            return None
        if isinstance(token, int):
            return self._lookup_number(token)
        if not isinstance(token, str):
            return None
        text = token.strip()
        if not text:
            return None
        if m := _WIN32_PREFIX.fullmatch(text):
            n = int(m.group(1))
            return self.by_value(hresult_from_win32(n)) if 0 < n <= _WIN32_MAX else None
        if m := _HEX_PREFIXED.fullmatch(text):
            return self._lookup_number(int(m.group(1), 16))
        if _HEX_BARE8.fullmatch(text):
            return self._lookup_number(int(text, 16))
        if _DECIMAL.fullmatch(text):
            return self._lookup_number(int(text))
        return self._by_name.get(text.upper())

    def _lookup_number(self, n: int) -> ErrorCode | None:
        if not _S32_MIN <= n <= _U32_MAX:
            return None
        if 0 < n <= _WIN32_MAX:
            return self.by_value(hresult_from_win32(n))
        return self.by_value(to_unsigned(n))

    # -- CERT_TRUST_STATUS -------------------------------------------------------

    def _flags_for(self, field: str) -> tuple[TrustFlag, ...]:
        try:
            return self._field_flags[field]
        except KeyError:
            raise ValueError(f"field must be 'error' or 'info', got {field!r}") from None

    def decode_status(self, field: StatusField, value: int) -> tuple[TrustFlag, ...]:
        """Decode a ``dwErrorStatus`` (``"error"``) or ``dwInfoStatus`` (``"info"``)
        DWORD into its known flags, lowest bit first.

        ``value`` may be signed or unsigned 32-bit.  Bits no flag covers are ignored
        here; see :meth:`unknown_bits`.
        """
        flags = self._flags_for(field)
        return tuple(_flag_for_bits(flags, to_unsigned(value)))

    def unknown_bits(self, field: StatusField, value: int) -> int:
        """Return the bits of ``value`` that no flag of ``field`` defines (0 if none)."""
        self._flags_for(field)
        return to_unsigned(value) & ~self._field_mask[field] & _U32_MAX

    def trust_flag(self, name: str) -> TrustFlag | None:
        """Return the ``CERT_TRUST_*`` flag with this name (case-insensitive).

        Names are unique across the error and info fields, so the flag's ``field``
        tells which DWORD it belongs to.
        """
        return self._trust_by_name.get(name.strip().upper())

    # -- other named constants ---------------------------------------------------

    def named_flag(self, name: str) -> NamedFlag | None:
        """Return a chain flag, verify flag, policy id, ignore flag, CRL reason or LDAP
        result by name (case-insensitive; CRL reasons also with ``CRL_REASON_``)."""
        key = name.strip().upper()
        found = self._named_by_name.get(key)
        if found is None and key.startswith("CRL_REASON_"):
            candidate = self._named_by_name.get(key.removeprefix("CRL_REASON_"))
            if candidate is not None and candidate.kind == "crl_reason":
                found = candidate
        return found

    def decode_flags(
        self,
        kind: Literal["chain_flag", "verify_flag", "policy_ignore_flag"],
        value: int,
    ) -> tuple[NamedFlag, ...]:
        """Decode a bit mask (e.g. CAPI2 ``<Flags value="A0000000">``) into the known
        flags of ``kind``, lowest bit first."""
        if kind not in ("chain_flag", "verify_flag", "policy_ignore_flag"):
            raise ValueError(f"{kind!r} is not a bit-mask kind")
        flags = sorted(self._named_by_kind[kind], key=lambda f: f.value)
        return tuple(_flag_for_bits(flags, to_unsigned(value)))

    def crl_reason(self, code: int) -> str | None:
        """Return the CRL reason name (e.g. ``"CESSATION_OF_OPERATION"`` for 5)."""
        return self._crl_by_code.get(code)

    def ldap_result(self, code: int) -> str | None:
        """Return the native LDAP result symbol (e.g. ``"LDAP_SERVER_DOWN"`` for 0x51)."""
        return self._ldap_by_code.get(code)

    # -- IIS ----------------------------------------------------------------------

    def substatus(self, code: str) -> IisSubstatus | None:
        """Return an IIS sub-status by ``"403.13"`` or ``"403 13"`` (log-field form)."""
        m = _SUBSTATUS.fullmatch(code.strip())
        if m is None:
            return None
        return self._substatus_by_code.get(f"{m.group(1)}.{int(m.group(2))}")

    def cert_check_mode_bits(self, value: int) -> tuple[CertCheckModeBit, ...]:
        """Decode a ``CertCheckMode`` / ``DefaultCertCheckMode`` value into its known
        bits (empty for 0, the default: check revocation)."""
        ordered = sorted(self.cert_check_modes, key=lambda b: b.value)
        return tuple(_flag_for_bits(ordered, to_unsigned(value)))


# --------------------------------------------------------------------------- loading

_M = TypeVar("_M", bound=BaseModel)


def _fmt_loc(table: str, index: int, loc: Sequence[int | str]) -> str:
    out = f"{table}[{index}]"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _rows(filename: str, data: Mapping[str, Any], table: str) -> list[Mapping[str, Any]]:
    rows = data.get(table)
    if rows is None:
        raise ValueError(f"{filename}: {table}: missing table [[{table}]]")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError(f"{filename}: {table}: must be an array of tables [[{table}]]")
    return rows


def _validate(
    filename: str,
    data: Mapping[str, Any],
    table: str,
    model: type[_M],
    extra: Mapping[str, Any] | None = None,
) -> list[_M]:
    out: list[_M] = []
    for i, row in enumerate(_rows(filename, data, table)):
        if extra:
            for key in extra:
                if key in row:
                    loc = _fmt_loc(table, i, [key])
                    raise ValueError(f"{filename}: {loc}: key not allowed here")
            row = {**row, **extra}
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ValueError(f"{filename}: {_fmt_loc(table, i, err['loc'])}: {err['msg']}") from exc
    return out


def _check_unique(filename: str, table: str, items: Iterable[Any], what: str, key: Any) -> None:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        keys = key(item)
        for k in keys if isinstance(keys, tuple) else (keys,):
            if k in seen:
                raise ValueError(
                    f"{filename}: {table}[{i}].{what}: duplicate {k!r} (also {table}[{seen[k]}])"
                )
            seen[k] = i


def _read_toml(base: Path | Traversable, filename: str) -> dict[str, Any]:
    import tomllib

    try:
        raw = base.joinpath(filename).read_bytes()
    except OSError as exc:
        raise ValueError(f"{filename}: cannot read data file: {exc}") from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{filename}: invalid TOML: {exc}") from exc


def _load_codes(base: Path | Traversable) -> tuple[list[ErrorCode], list[NamedFlag]]:
    fn = HRESULTS_FILE
    data = _read_toml(base, fn)
    codes = _validate(fn, data, "code", ErrorCode)
    _check_unique(fn, "code", codes, "value", lambda c: c.value)
    _check_unique(fn, "code", codes, "symbol", lambda c: tuple(n.upper() for n in c.names))
    for i, c in enumerate(codes):
        wraps = c.family in ("win32", "wininet", "ldap")
        if wraps and c.win32 is None:
            raise ValueError(f"{fn}: code[{i}].win32: required for family {c.family!r}")
        if c.win32 is not None and c.value != hresult_from_win32(c.win32):
            raise ValueError(f"{fn}: code[{i}].win32: {c.win32} does not match value {c.hex}")
        if c.win32 is None and c.facility == 7:
            raise ValueError(f"{fn}: code[{i}].win32: missing for Win32-facility value {c.hex}")
        if c.family == "http" and c.facility != 25:
            raise ValueError(f"{fn}: code[{i}].value: {c.hex} is not a FACILITY_HTTP value")
    ldap = _named_table(fn, data, "ldap_result", _LdapRow, "code", "symbol")
    return codes, ldap


def _named_table(
    fn: str, data: dict[str, Any], table: str, row: type[_Frozen], value_key: str, name_key: str
) -> list[NamedFlag]:
    """The rows of a name/number table as NamedFlag, each number and each name once."""
    named = [
        NamedFlag(name=getattr(r, name_key), value=getattr(r, value_key), kind=table)
        for r in _validate(fn, data, table, row)
    ]
    _check_unique(fn, table, named, value_key, lambda f: f.value)
    _check_unique(fn, table, named, name_key, lambda f: f.name)
    return named


def _check_bits(fn: str, table: str, flags: Sequence[Any], allow_zero: bool = False) -> None:
    for i, f in enumerate(flags):
        v = f.value
        if v == 0 and allow_zero:
            continue
        if v == 0 or v & (v - 1):
            raise ValueError(f"{fn}: {table}[{i}].value: {v:#x} is not a single bit")
    _check_unique(fn, table, flags, "value", lambda f: f.value)


def _load_trust(
    base: Path | Traversable, symbols: set[str], substatuses: set[str]
) -> dict[str, list[Any]]:
    fn = TRUST_FILE
    data = _read_toml(base, fn)
    out: dict[str, list[Any]] = {}
    for table, field in (("error_flag", "error"), ("info_flag", "info")):
        flags = _validate(fn, data, table, TrustFlag, {"field": field})
        _check_bits(fn, table, flags, allow_zero=(field == "error"))
        for i, f in enumerate(flags):
            if f.policy_hresult is not None and f.policy_hresult not in symbols:
                raise ValueError(
                    f"{fn}: {table}[{i}].policy_hresult: unknown symbol {f.policy_hresult!r}"
                )
            if f.iis is not None and f.iis not in substatuses:
                raise ValueError(f"{fn}: {table}[{i}].iis: unknown IIS sub-status {f.iis!r}")
        out[table] = flags
    names = [*out["error_flag"], *out["info_flag"]]
    _check_unique(fn, "error_flag+info_flag", names, "name", lambda f: f.name.upper())

    for table in ("chain_flag", "verify_flag", "policy_ignore_flag"):
        rows = _validate(fn, data, table, _FlagRow)
        named = [
            NamedFlag(name=r.name, value=r.value, kind=table, verified=r.verified) for r in rows
        ]
        _check_bits(fn, table, named)
        _check_unique(fn, table, named, "name", lambda f: f.name)
        out[table] = named

    out["chain_policy"] = _named_table(fn, data, "chain_policy", _PolicyRow, "value", "name")
    out["crl_reason"] = _named_table(fn, data, "crl_reason", _CrlRow, "code", "name")

    kinds = ("chain_flag", "verify_flag", "policy_ignore_flag", "chain_policy", "crl_reason")
    every = [f for t in kinds for f in out[t]]
    _check_unique(fn, "named flags", every, "name", lambda f: f.name.upper())
    return out


def _load_iis(base: Path | Traversable) -> tuple[list[IisSubstatus], list[CertCheckModeBit]]:
    fn = IIS_FILE
    data = _read_toml(base, fn)
    subs = _validate(fn, data, "substatus", IisSubstatus)
    _check_unique(fn, "substatus", subs, "code", lambda s: s.code)
    modes = _validate(fn, data, "cert_check_mode", CertCheckModeBit)
    _check_bits(fn, "cert_check_mode", modes)
    _check_unique(fn, "cert_check_mode", modes, "constant", lambda m: m.constant)
    return subs, modes


def _load_tables(path_dir: Path | Traversable | str) -> CodeTables:
    """Load and cross-check all tables from a directory holding ``hresults.toml``,
    ``trust.toml`` and ``iis.toml``.

    Raises ``ValueError("<file>: <table>[<i>].<field>: <message>")`` on bad data.
    Exposed for tests; normal callers use :func:`code_tables`.
    """
    base: Path | Traversable = Path(path_dir) if isinstance(path_dir, str) else path_dir
    codes, ldap = _load_codes(base)
    subs, modes = _load_iis(base)
    symbols = {n for c in codes for n in c.names}
    trust = _load_trust(base, symbols, {s.code for s in subs})
    names = {n.upper() for c in codes for n in c.names}
    clash = names & {f.name.upper() for f in (*trust["error_flag"], *trust["info_flag"])}
    if clash:
        first = sorted(clash)[0]
        raise ValueError(f"{TRUST_FILE}: name: {first!r} is also an error-code symbol")
    return CodeTables(
        codes=codes,
        ldap_results=ldap,
        error_flags=trust["error_flag"],
        info_flags=trust["info_flag"],
        chain_flags=trust["chain_flag"],
        verify_flags=trust["verify_flag"],
        chain_policies=trust["chain_policy"],
        policy_ignore_flags=trust["policy_ignore_flag"],
        crl_reasons=trust["crl_reason"],
        substatuses=subs,
        cert_check_modes=modes,
    )


@functools.cache
def code_tables() -> CodeTables:
    """Return the code tables shipped with the package, loaded and validated once."""
    from importlib.resources import files

    return _load_tables(files("certtriage.knowledge") / "data")
