"""The validated entries of the code tables and the :class:`CodeTables` that indexes them."""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ...models.common import HResult
from .numbers import (
    _S32_MIN,
    _U32_MAX,
    _WIN32_MAX,
    _parse_u32,
    hresult_from_win32,
    to_signed,
    to_unsigned,
)

Family = Literal["crypt", "cert", "trust", "sspi", "win32", "wininet", "ldap", "http", "scard"]
"""Code families: CRYPT_E_/NTE_, CERT_E_, TRUST_E_, SEC_E_, Win32, WinINet/WinHTTP,
directory-service (LDAP), HTTP_E_STATUS_ and smart-card (SCARD_) codes."""

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

# --------------------------------------------------------------------------- models


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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
    cause: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")] | None = None
    """The cause id a chain validation failing with this code points to, if it names one."""
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
    page_texts: tuple[_Text, ...] = ()
    """Sentences of IIS's error page that name the sub-status without its number."""

    @property
    def status(self) -> int:
        """The HTTP status part (``403`` for ``"403.13"``)."""
        return int(self.code.split(".")[0])

    @property
    def sub(self) -> int:
        """The sub-status part (``13`` for ``"403.13"``)."""
        return int(self.code.split(".")[1])


class CertCheckModeBit(_Frozen):
    """One bit of IIS ``CertCheckMode`` / HTTP.sys ``DefaultCertCheckMode`` (value 0, no bit,
    is the default)."""

    value: int = Field(ge=0, le=_U32_MAX)
    constant: _Symbol
    meaning: _Text
    phrase: _Text
    """The bit in a few words, as a message names it."""


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

    def hresult(self, value: int, line: int, *, symbol: str | None = None,
                message: str | None = None) -> HResult:
        """The one way an error code found in an input becomes an :class:`HResult`: the
        value as unsigned, its hex spelling, and the symbol and message from the tables
        unless the input printed its own."""
        unsigned = to_unsigned(value)
        known = self.by_value(unsigned)
        return HResult.trusted(
            value=unsigned, hex=f"0x{unsigned:08x}",
            symbol=symbol if symbol is not None else (known.symbol if known else None),
            message=message if message is not None else (known.message if known else ""),
            line=line,
        )

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

    def cert_check_mode_bit(self, constant: str) -> CertCheckModeBit:
        """The bit called `constant` (``MD_CERT_NO_REVOC_CHECK`` ...)."""
        return next(b for b in self.cert_check_modes if b.constant == constant)

    def cert_check_mode_bits(self, value: int) -> tuple[CertCheckModeBit, ...]:
        """Decode a ``CertCheckMode`` / ``DefaultCertCheckMode`` value into its known
        bits (empty for 0, the default: check revocation)."""
        ordered = sorted(self.cert_check_modes, key=lambda b: b.value)
        return tuple(_flag_for_bits(ordered, to_unsigned(value)))
