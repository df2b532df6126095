"""Loading the code tables from the TOML files in ``knowledge/data``, validated and
cross-checked; :func:`code_tables` returns them, loaded once."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..._cache import load_toml
from .numbers import hresult_from_win32
from .tables import (
    CertCheckModeBit,
    CodeTables,
    ErrorCode,
    IisSubstatus,
    NamedFlag,
    TrustFlag,
    _CrlRow,
    _FlagRow,
    _Frozen,
    _LdapRow,
    _PolicyRow,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

HRESULTS_FILE = "hresults.toml"
TRUST_FILE = "trust.toml"
IIS_FILE = "iis.toml"

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
    try:
        raw = base.joinpath(filename).read_bytes()
    except OSError as exc:
        raise ValueError(f"{filename}: cannot read data file: {exc}") from exc
    try:
        return load_toml(raw, Path(filename).stem)
    except ValueError as exc:  # tomllib.TOMLDecodeError or UnicodeDecodeError
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
    default = data.get("cert_check_mode_default", {})
    try:
        modes.insert(0, CertCheckModeBit(value=0, constant="MD_CERT_CHECK_MODE_DEFAULT", **default))
    except ValidationError as exc:
        raise ValueError(f"{fn}: cert_check_mode_default: {exc.errors()[0]['msg']}") from None
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
    """Return the code tables shipped with the package, loaded and validated once.

    The validated tables are kept in the cache folder beside the rulebook, keyed by the data
    files, the modules that define and check them and the package and pydantic versions:
    validating every row again cost a paste about as much as reading it.
    """
    from importlib.resources import files

    from ..._cache import kept, model_versions

    data = files("certtriage.knowledge") / "data"
    here = files("certtriage.knowledge") / "codes"
    parts = [model_versions(), *(
        item.read_bytes() for item in (data / HRESULTS_FILE, data / TRUST_FILE, data / IIS_FILE,
                                       here / "tables.py", here / "loader.py",
                                       here / "numbers.py"))]
    return kept("codes", parts, CodeTables, lambda: _load_tables(data))
