"""Behaviour tests for certtriage.knowledge.codes and its TOML data files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from pydantic import ValidationError

from certtriage.knowledge.codes import (
    CodeTables,
    ErrorCode,
    TrustFlag,
    _load_tables,
    code_tables,
    hresult_from_win32,
    to_signed,
    to_unsigned,
)

DATA_DIR = files("certtriage.knowledge") / "data"


@pytest.fixture(scope="module")
def ct() -> CodeTables:
    return code_tables()


# --------------------------------------------------------------------------- loading


def test_code_tables_is_cached(ct: CodeTables) -> None:
    assert code_tables() is ct


def test_the_validated_tables_are_kept_in_the_cache_folder_and_rebuilt_when_damaged(
        ct: CodeTables, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTTRIAGE_CACHE_DIR", str(tmp_path))
    code_tables.cache_clear()
    try:
        built = code_tables()
        [cached] = tmp_path.glob("codes-*.pickle")
        code_tables.cache_clear()
        read = code_tables()  # from the cache file
        assert read is not built
        for tables in (built, read):
            assert tables.codes == ct.codes and tables.substatuses == ct.substatuses
            assert vars(tables).keys() == vars(ct).keys()
            assert tables.hresult(0x80092013, 1) == ct.hresult(0x80092013, 1)
        cached.write_bytes(b"not a pickle")
        code_tables.cache_clear()
        assert code_tables().error_flags == ct.error_flags
        assert cached.read_bytes() != b"not a pickle"  # written again
    finally:
        code_tables.cache_clear()


def test_table_sizes(ct: CodeTables) -> None:
    # hresults.md sections 2-7 (105 rows) + SEC_E_INVALID_HANDLE and SEC_E_INVALID_TOKEN, three
    # Win32 codes certutil ends with (3, 13, 259), 24 smart-card (SCARD_) codes and
    # NTE_BAD_KEYSET (seen in posts)
    assert len(ct.codes) == 136
    assert len(ct.ldap_results) == 19
    assert len(ct.error_flags) == 27
    assert len(ct.info_flags) == 23
    assert len(ct.chain_flags) == 23
    assert len(ct.verify_flags) == 15
    assert len(ct.chain_policies) == 12
    assert len(ct.policy_ignore_flags) == 16
    assert len(ct.crl_reasons) == 10
    assert len(ct.substatuses) == 29
    assert len(ct.cert_check_modes) == 5  # four bits and the default (value 0)


def test_models_are_frozen(ct: CodeTables) -> None:
    code = ct.lookup("CRYPT_E_REVOKED")
    assert code is not None
    with pytest.raises(ValidationError):
        code.symbol = "X"  # type: ignore[misc]


# --------------------------------------------------------------------------- lookup

REVOCATION_OFFLINE_FORMS: list[str | int] = [
    "0x80092013",
    "0X80092013",
    "0x80092013 ",
    "80092013",
    "-2146885613",
    -2146885613,
    "2148081683",
    2148081683,
    "CRYPT_E_REVOCATION_OFFLINE",
    "crypt_e_revocation_offline",
]


@pytest.mark.parametrize("token", REVOCATION_OFFLINE_FORMS)
def test_lookup_all_forms(ct: CodeTables, token: str | int) -> None:
    code = ct.lookup(token)
    assert code is not None
    assert code.symbol == "CRYPT_E_REVOCATION_OFFLINE"


def test_lookup_capi2_uppercase_hex(ct: CodeTables) -> None:
    code = ct.lookup("800B0109")
    assert code is not None and code.symbol == "CERT_E_UNTRUSTEDROOT"


@pytest.mark.parametrize(
    ("token", "symbol"),
    [
        ("ERROR_WINHTTP_TIMEOUT", "ERROR_INTERNET_TIMEOUT"),
        ("wininet_e_timeout", "ERROR_INTERNET_TIMEOUT"),
        ("ERROR_WINHTTP_CONNECTION_ERROR", "ERROR_INTERNET_CONNECTION_ABORTED"),
        ("ERROR_WINHTTP_SECURE_CERT_REV_FAILED", "ERROR_INTERNET_SEC_CERT_REV_FAILED"),
        ("ERROR_INTERNET_DECODING_FAILED", "ERROR_WINHTTP_SECURE_FAILURE"),
    ],
)
def test_lookup_alias(ct: CodeTables, token: str, symbol: str) -> None:
    code = ct.lookup(token)
    assert code is not None and code.symbol == symbol


@pytest.mark.parametrize(
    ("token", "symbol"),
    [
        ("12007", "ERROR_INTERNET_NAME_NOT_RESOLVED"),
        (12007, "ERROR_INTERNET_NAME_NOT_RESOLVED"),
        (55, "ERROR_DEV_NOT_EXIST"),
        ("5", "ERROR_ACCESS_DENIED"),
        ("WIN32: 12007", "ERROR_INTERNET_NAME_NOT_RESOLVED"),
        ("win32:2", "ERROR_FILE_NOT_FOUND"),
        ("WIN32:  8240", "ERROR_DS_NO_SUCH_OBJECT"),
    ],
)
def test_lookup_win32_decimal(ct: CodeTables, token: str | int, symbol: str) -> None:
    code = ct.lookup(token)
    assert code is not None and code.symbol == symbol
    assert code.win32 is not None
    assert code.value == hresult_from_win32(code.win32)


@pytest.mark.parametrize(
    "token",
    [
        "0x80092099",  # valid 32-bit, not in the table
        "-2146885000",
        3000000000,
        "WIN32: 9999",
        123,
        0,
        "0x00000000",
        "",
        "   ",
        "NOT_A_SYMBOL",
        "The certificate is revoked.",  # message texts are never matched
        "The revocation function was unable to check revocation because the revocation "
        "server was offline.",
        2**40,  # not a 32-bit value
        -(2**40),
        "0x1234567890",
        True,
    ],
)
def test_lookup_unknown_returns_none(ct: CodeTables, token: str | int) -> None:
    assert ct.lookup(token) is None


def test_by_value(ct: CodeTables) -> None:
    code = ct.by_value(0x800B0109)
    assert code is not None and code.symbol == "CERT_E_UNTRUSTEDROOT"
    assert ct.by_value(0x12345678) is None


def test_win32_lookup_matches_wrapped_hex(ct: CodeTables) -> None:
    assert ct.lookup("WIN32: 12002") is ct.lookup("0x80072ee2")
    assert ct.lookup(1326) is ct.lookup("0x8007052E")


# --------------------------------------------------------------------------- numbers

# (hex, signed decimal as certutil prints it, unsigned decimal as IIS logs it),
# typed in from the tables in hresults.md.
REFERENCE_TRIPLES = [
    ("0x80092002", -2146885630, 2148081666),
    ("0x80092010", -2146885616, 2148081680),
    ("0x80092012", -2146885614, 2148081682),
    ("0x80092013", -2146885613, 2148081683),
    ("0x8009202A", -2146885590, 2148081706),
    ("0x80093202", -2146881022, 2148086274),
    ("0x80096004", -2146869244, 2148098052),
    ("0x80096019", -2146869223, 2148098073),
    ("0x800B0101", -2146762495, 2148204801),
    ("0x800B0109", -2146762487, 2148204809),
    ("0x800B010A", -2146762486, 2148204810),
    ("0x800B010C", -2146762484, 2148204812),
    ("0x800B0114", -2146762476, 2148204820),
    ("0x80090008", -2146893816, 2148073480),
    ("0x8009030D", -2146893043, 2148074253),
    ("0x80090326", -2146893018, 2148074278),
    ("0x80090349", -2146892983, 2148074313),
    ("0x80070005", -2147024891, 2147942405),
    ("0x8007052E", -2147023570, 2147943726),
    ("0x80072EE2", -2147012894, 2147954402),
    ("0x80072EE7", -2147012889, 2147954407),
    ("0x80072F8F", -2147012721, 2147954575),
    ("0x8007203A", -2147016646, 2147950650),
    ("0x80072041", -2147016639, 2147950657),
    ("0x80190194", -2145844844, 2149122452),
    ("0x801901F8", -2145844744, 2149122552),
]


@pytest.mark.parametrize(("hex_", "signed", "unsigned"), REFERENCE_TRIPLES)
def test_signed_unsigned_derivation(
    ct: CodeTables, hex_: str, signed: int, unsigned: int
) -> None:
    code = ct.by_value(int(hex_, 16))
    assert code is not None, hex_
    assert code.signed == signed
    assert code.unsigned == unsigned == code.value
    assert code.hex == hex_.lower()
    assert ct.lookup(signed) is code
    assert ct.lookup(str(signed)) is code
    assert ct.lookup(unsigned) is code
    assert ct.lookup(str(unsigned)) is code
    assert ct.lookup(hex_) is code
    assert ct.lookup(hex_[2:]) is code  # CAPI2 form, no 0x


def test_conversion_helpers() -> None:
    assert to_unsigned(-2146885613) == 0x80092013
    assert to_unsigned(0x80092013) == 0x80092013
    assert to_unsigned(5) == 5
    assert to_signed(0x80092013) == -2146885613
    assert to_signed(-2146885613) == -2146885613
    assert to_signed(0x7FFFFFFF) == 0x7FFFFFFF
    assert to_signed(0x80000000) == -(2**31)
    assert hresult_from_win32(12007) == 0x80072EE7
    assert hresult_from_win32(5) == 0x80070005
    assert hresult_from_win32(0) == 0
    for bad in (2**32, -(2**31) - 1):
        with pytest.raises(ValueError):
            to_unsigned(bad)
        with pytest.raises(ValueError):
            to_signed(bad)
    for bad in (-1, 0x10000):
        with pytest.raises(ValueError):
            hresult_from_win32(bad)


@pytest.mark.parametrize(
    ("hex_", "facility"),
    [
        ("0x800b0109", 11),
        ("0x80092013", 9),
        ("0x80090326", 9),
        ("0x80070005", 7),
        ("0x80190194", 25),
    ],
)
def test_facility(ct: CodeTables, hex_: str, facility: int) -> None:
    code = ct.lookup(hex_)
    assert code is not None and code.facility == facility


def test_hex_property_is_lowercase_8_digits(ct: CodeTables) -> None:
    for code in ct.codes:
        assert code.hex == f"0x{code.value:08x}"
        assert len(code.hex) == 10


# --------------------------------------------------------------------------- data content


def test_every_code_has_symbol_meaning_and_family(ct: CodeTables) -> None:
    families = {"crypt", "cert", "trust", "sspi", "win32", "wininet", "ldap", "http", "scard"}
    for code in ct.codes:
        assert code.symbol.strip(), code
        assert code.meaning.strip(), code.symbol
        assert code.family in families
        assert 0x80000000 <= code.value <= 0xFFFFFFFF, code.symbol


def test_code_values_and_names_unique(ct: CodeTables) -> None:
    values = [c.value for c in ct.codes]
    assert len(values) == len(set(values))
    names = [n.upper() for c in ct.codes for n in (c.symbol, *c.aliases)]
    assert len(names) == len(set(names))


def test_wrapped_codes_carry_win32(ct: CodeTables) -> None:
    for code in ct.codes:
        if code.family in ("win32", "wininet", "ldap"):
            assert code.win32 is not None and code.value == 0x80070000 | code.win32
        else:
            assert code.win32 is None
        if code.family == "http":
            assert code.value & 0xFFFF0000 == 0x80190000


def test_messages_and_alternatives(ct: CodeTables) -> None:
    revoked = ct.lookup("CRYPT_E_REVOKED")
    assert revoked is not None
    assert revoked.message == "The certificate is revoked."
    assert "The certificate or signature has been revoked" in revoked.alt_messages
    noeod = ct.lookup("CRYPT_E_ASN1_NOEOD")
    assert noeod is not None and noeod.message == "ASN1 end of data expected"  # no period
    role = ct.lookup("0x800b0103")
    assert role is not None and "visa versa" in role.message
    # 12175: WinHTTP vs WinINet texts
    ambiguous = ct.lookup(12175)
    assert ambiguous is not None
    assert ambiguous.message == "A security error occurred"
    assert ambiguous.alt_messages == ("Content decoding has failed",)
    # unverified texts are empty
    algid = ct.lookup("NTE_BAD_ALGID")
    assert algid is not None and algid.message == ""


def test_verified_flags(ct: CodeTables) -> None:
    handle = ct.lookup("0x80090301")
    assert handle is not None
    assert handle.symbol == "SEC_E_INVALID_HANDLE"
    assert handle.message == "The handle specified is invalid"
    assert handle.verified is False
    for sym in ("HTTP_E_STATUS_BAD_REQUEST", "HTTP_E_STATUS_DENIED", "HTTP_E_STATUS_FORBIDDEN"):
        code = ct.lookup(sym)
        assert code is not None and code.verified is False
    not_found = ct.lookup("HTTP_E_STATUS_NOT_FOUND")
    assert not_found is not None and not_found.verified is True
    assert ct.lookup("CRYPT_E_REVOCATION_OFFLINE").verified is True  # type: ignore[union-attr]


def test_trust_error_chaining_is_not_trust_e_fail(ct: CodeTables) -> None:
    # MS-WCCE mislabels CERT_E_CHAINING as 0x800B010B; the header value wins.
    assert ct.lookup("CERT_E_CHAINING").hex == "0x800b010a"  # type: ignore[union-attr]
    assert ct.lookup("0x800B010B").symbol == "TRUST_E_FAIL"  # type: ignore[union-attr]


def test_ldap_results(ct: CodeTables) -> None:
    assert ct.ldap_result(0x51) == "LDAP_SERVER_DOWN"
    assert ct.ldap_result(0x20) == "LDAP_NO_SUCH_OBJECT"
    assert ct.ldap_result(0x7F) is None
    codes = [f.value for f in ct.ldap_results]
    assert len(codes) == len(set(codes))


# --------------------------------------------------------------------------- trust status


def _names(flags: tuple[TrustFlag, ...]) -> list[str]:
    return [f.name for f in flags]


def test_shared_bit_0x10000_depends_on_field(ct: CodeTables) -> None:
    assert _names(ct.decode_status("error", 0x10000)) == ["CERT_TRUST_IS_PARTIAL_CHAIN"]
    assert _names(ct.decode_status("info", 0x10000)) == ["CERT_TRUST_IS_COMPLEX_CHAIN"]


def test_shared_bit_0x1000000_depends_on_field(ct: CodeTables) -> None:
    assert _names(ct.decode_status("error", 0x1000000)) == ["CERT_TRUST_IS_OFFLINE_REVOCATION"]
    assert _names(ct.decode_status("info", 0x1000000)) == ["CERT_TRUST_SSL_TIME_VALID"]


def test_other_shared_bits(ct: CodeTables) -> None:
    assert _names(ct.decode_status("error", 0x100000)) == ["CERT_TRUST_HAS_WEAK_SIGNATURE"]
    assert _names(ct.decode_status("info", 0x100000)) == ["CERT_TRUST_SSL_RECONNECT_OCSP"]
    assert _names(ct.decode_status("error", 0x2000000)) == ["CERT_TRUST_NO_ISSUANCE_CHAIN_POLICY"]
    assert _names(ct.decode_status("info", 0x2000000)) == ["CERT_TRUST_NO_TIME_CHECK"]


def test_decoded_flags_carry_their_field(ct: CodeTables) -> None:
    assert all(f.field == "error" for f in ct.decode_status("error", 0xFFFFFFFF))
    assert all(f.field == "info" for f in ct.decode_status("info", 0xFFFFFFFF))


def test_composite_error_value(ct: CodeTables) -> None:
    flags = ct.decode_status("error", 0x1010040)
    assert set(_names(flags)) == {
        "CERT_TRUST_IS_PARTIAL_CHAIN",
        "CERT_TRUST_REVOCATION_STATUS_UNKNOWN",
        "CERT_TRUST_IS_OFFLINE_REVOCATION",
    }
    assert [f.value for f in flags] == sorted(f.value for f in flags)
    assert ct.unknown_bits("error", 0x1010040) == 0


def test_certutil_element_info_102(ct: CodeTables) -> None:
    assert set(_names(ct.decode_status("info", 0x102))) == {
        "CERT_TRUST_HAS_KEY_MATCH_ISSUER",
        "CERT_TRUST_HAS_PREFERRED_ISSUER",
    }


def test_zero_decodes_to_nothing(ct: CodeTables) -> None:
    assert ct.decode_status("error", 0) == ()
    assert ct.decode_status("info", 0) == ()
    no_error = ct.trust_flag("CERT_TRUST_NO_ERROR")
    assert no_error is not None and no_error.value == 0


def test_unknown_bits_reported(ct: CodeTables) -> None:
    value = 0x1000040 | 0x10000000 | 0x00400000
    assert ct.unknown_bits("error", value) == 0x10400000
    assert _names(ct.decode_status("error", value)) == [
        "CERT_TRUST_REVOCATION_STATUS_UNKNOWN",
        "CERT_TRUST_IS_OFFLINE_REVOCATION",
    ]
    assert ct.unknown_bits("info", 0x80000000 | 0x100) == 0x80000000
    assert ct.unknown_bits("info", 0x102) == 0


def test_decode_status_rejects_bad_field(ct: CodeTables) -> None:
    with pytest.raises(ValueError):
        ct.decode_status("warning", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ct.unknown_bits("both", 1)  # type: ignore[arg-type]


def test_issuance_chain_policy_uses_header_value(ct: CodeTables) -> None:
    flag = ct.trust_flag("CERT_TRUST_HAS_ISSUANCE_CHAIN_POLICY")
    assert flag is not None
    assert flag.value == 0x200  # header value, not the doc page's 0x400
    assert flag.field == "info"
    assert _names(ct.decode_status("info", 0x400)) == ["CERT_TRUST_HAS_VALID_NAME_CONSTRAINTS"]


def test_trust_flag_lookup(ct: CodeTables) -> None:
    partial = ct.trust_flag("cert_trust_is_partial_chain")
    assert partial is not None
    assert (partial.field, partial.value, partial.scope) == ("error", 0x10000, "chain")
    assert partial.policy_hresult == "CERT_E_CHAINING"
    offline = ct.trust_flag("CERT_TRUST_IS_OFFLINE_REVOCATION")
    assert offline is not None
    assert offline.policy_hresult == "CRYPT_E_REVOCATION_OFFLINE" and offline.iis == "403.13"
    assert ct.trust_flag("CERT_TRUST_IS_UNTRUSTED_ROOT").iis == "403.16"  # type: ignore[union-attr]
    assert ct.trust_flag("CERT_TRUST_IS_NOT_TIME_VALID").iis == "403.17"  # type: ignore[union-attr]
    hygiene = ct.trust_flag("CERT_TRUST_HAS_WEAK_HYGIENE")
    assert hygiene is not None and hygiene.verified is False
    assert ct.trust_flag("CERT_TRUST_NOPE") is None


def test_trust_flag_references_resolve(ct: CodeTables) -> None:
    for flag in (*ct.error_flags, *ct.info_flags):
        assert flag.meaning.strip()
        if flag.policy_hresult is not None:
            assert ct.lookup(flag.policy_hresult) is not None, flag.name
        if flag.iis is not None:
            assert ct.substatus(flag.iis) is not None, flag.name


def test_trust_values_unique_per_field_and_single_bit(ct: CodeTables) -> None:
    for flags in (ct.error_flags, ct.info_flags):
        values = [f.value for f in flags]
        assert len(values) == len(set(values))
        for v in values:
            assert v == 0 or v & (v - 1) == 0
    names = [f.name for f in (*ct.error_flags, *ct.info_flags)]
    assert len(names) == len(set(names))


def test_named_flag_tables_unique(ct: CodeTables) -> None:
    for table in (
        ct.chain_flags,
        ct.verify_flags,
        ct.chain_policies,
        ct.policy_ignore_flags,
        ct.crl_reasons,
    ):
        values = [f.value for f in table]
        names = [f.name for f in table]
        assert len(values) == len(set(values))
        assert len(names) == len(set(names))


def test_named_flags(ct: CodeTables) -> None:
    flag = ct.named_flag("CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT")
    assert flag is not None and flag.value == 0x40000000 and flag.kind == "chain_flag"
    trace = ct.named_flag("ca_verify_flags_console_trace")
    assert trace is not None and trace.value == 0x20000000 and trace.verified
    save = ct.named_flag("CA_VERIFY_FLAGS_SAVE_CHAIN")
    assert save is not None and save.verified is False
    policy = ct.named_flag("CERT_CHAIN_POLICY_NT_AUTH")
    assert policy is not None and policy.value == 6 and policy.kind == "chain_policy"
    ignore = ct.named_flag("CERT_CHAIN_POLICY_IGNORE_END_REV_UNKNOWN_FLAG")
    assert ignore is not None and ignore.value == 0x100 and ignore.kind == "policy_ignore_flag"
    assert ct.named_flag("NOPE") is None


def test_decode_chain_flags_from_capi2(ct: CodeTables) -> None:
    names = [f.name for f in ct.decode_flags("chain_flag", 0xA0000000)]
    assert names == ["CERT_CHAIN_REVOCATION_CHECK_CHAIN", "CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY"]


def test_crl_reasons(ct: CodeTables) -> None:
    assert ct.crl_reason(5) == "CESSATION_OF_OPERATION"
    assert ct.crl_reason(1) == "KEY_COMPROMISE"
    assert ct.crl_reason(10) == "AA_COMPROMISE"
    assert ct.crl_reason(7) is None  # unused
    reason = ct.named_flag("CRL_REASON_SUPERSEDED")
    assert reason is not None and reason.value == 4 and reason.kind == "crl_reason"


# --------------------------------------------------------------------------- IIS


@pytest.mark.parametrize("form", ["403.13", "403 13", " 403.13 "])
def test_substatus_lookup_forms(ct: CodeTables, form: str) -> None:
    sub = ct.substatus(form)
    assert sub is not None
    assert sub.code == "403.13"
    assert sub.title == "Client certificate revoked"
    assert 2148081683 in sub.win32_status
    assert sub.causes


def test_substatus_details(ct: CodeTables) -> None:
    untrusted = ct.substatus("403 16")
    assert untrusted is not None
    assert untrusted.title == "Client certificate is untrusted or invalid."
    assert untrusted.win32_status[0] == 2148204809
    logged = ct.lookup(untrusted.win32_status[0])
    assert logged is not None and logged.symbol == "CERT_E_UNTRUSTEDROOT"
    required = ct.substatus("403.7")
    assert required is not None and required.win32_status == (5,)
    assert ct.substatus("403.99") is None
    assert ct.substatus("garbage") is None
    codes = [s.code for s in ct.substatuses]
    assert len(codes) == len(set(codes))
    assert {"403.7", "403.13", "403.16", "403.17"} <= set(codes)


def test_cert_check_mode_bits(ct: CodeTables) -> None:
    assert ct.cert_check_mode_bits(0) == ()
    names = [b.constant for b in ct.cert_check_mode_bits(0x10001)]
    assert names == ["MD_CERT_NO_REVOC_CHECK", "MD_CERT_NO_USAGE_CHECK"]
    assert [b.constant for b in ct.cert_check_mode_bits(0x4)] == [
        "MD_CERT_CHECK_REVOCATION_FRESHNESS_TIME"
    ]


# --------------------------------------------------------------------------- broken data


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    for name in ("hresults.toml", "trust.toml", "iis.toml"):
        (tmp_path / name).write_bytes(DATA_DIR.joinpath(name).read_bytes())
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copied_data_loads(data_copy: Path) -> None:
    tables = _load_tables(data_copy)
    assert len(tables.codes) == len(code_tables().codes)


def test_bad_hex_value_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "hresults.toml", 'value = "0x80092013"', 'value = "0x8009201Z"')
    with pytest.raises(ValueError) as exc:
        _load_tables(data_copy)
    msg = str(exc.value)
    assert msg.startswith("hresults.toml: ")
    assert "code[7].value" in msg


def test_missing_meaning_names_file_and_field(data_copy: Path) -> None:
    _edit(
        data_copy / "hresults.toml",
        'meaning = "Searching a store for a certificate',
        'meaningless = "Searching a store for a certificate',
    )
    with pytest.raises(ValueError, match=r"^hresults\.toml: code\[3\]\.meaning"):
        _load_tables(data_copy)


def test_wrong_type_names_field(data_copy: Path) -> None:
    _edit(data_copy / "hresults.toml", "verified = true", 'verified = "maybe"')
    with pytest.raises(ValueError, match=r"^hresults\.toml: code\[0\]\.verified: "):
        _load_tables(data_copy)


def test_bad_family_names_field(data_copy: Path) -> None:
    _edit(data_copy / "hresults.toml", 'family = "crypt"', 'family = "crypto"')
    with pytest.raises(ValueError, match=r"^hresults\.toml: code\[0\]\.family: "):
        _load_tables(data_copy)


def test_duplicate_value_rejected(data_copy: Path) -> None:
    _edit(data_copy / "hresults.toml", 'value = "0x80092004"', 'value = "0x80092002"')
    with pytest.raises(ValueError, match=r"^hresults\.toml: code\[1\]\.value: duplicate"):
        _load_tables(data_copy)


def test_mismatched_win32_rejected(data_copy: Path) -> None:
    _edit(data_copy / "hresults.toml", "win32 = 12007", "win32 = 12008")
    with pytest.raises(ValueError, match=r"^hresults\.toml: code\[\d+\]\.win32: "):
        _load_tables(data_copy)


def test_bad_trust_scope_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "trust.toml", 'scope = "chain"', 'scope = "chains"')
    with pytest.raises(ValueError) as exc:
        _load_tables(data_copy)
    msg = str(exc.value)
    assert msg.startswith("trust.toml: error_flag[")
    assert ".scope: " in msg


def test_unknown_key_names_field(data_copy: Path) -> None:
    _edit(
        data_copy / "trust.toml",
        'name = "CERT_TRUST_HAS_EXACT_MATCH_ISSUER"',
        'name = "CERT_TRUST_HAS_EXACT_MATCH_ISSUER"\ncolour = "red"',
    )
    with pytest.raises(ValueError, match=r"^trust\.toml: info_flag\[0\]\.colour: "):
        _load_tables(data_copy)


def test_unknown_policy_hresult_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "trust.toml",
        'policy_hresult = "CERT_E_EXPIRED"',
        'policy_hresult = "CERT_E_NOPE"',
    )
    with pytest.raises(ValueError, match=r"^trust\.toml: error_flag\[1\]\.policy_hresult: "):
        _load_tables(data_copy)


def test_bad_substatus_code_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "iis.toml", 'code = "403.13"', 'code = "403-13"')
    with pytest.raises(ValueError, match=r"^iis\.toml: substatus\[4\]\.code: "):
        _load_tables(data_copy)


def test_bad_crl_reason_names_file_and_field(data_copy: Path) -> None:
    _edit(data_copy / "trust.toml", "code = 5\n", 'code = "five"\n')
    with pytest.raises(ValueError, match=r"^trust\.toml: crl_reason\[5\]\.code: "):
        _load_tables(data_copy)


def test_toml_syntax_error_names_file(data_copy: Path) -> None:
    _edit(data_copy / "iis.toml", "[[cert_check_mode]]", "[[cert_check_mode]")
    with pytest.raises(ValueError, match=r"^iis\.toml: invalid TOML"):
        _load_tables(data_copy)


def test_missing_file_names_file(data_copy: Path) -> None:
    (data_copy / "trust.toml").unlink()
    with pytest.raises(ValueError, match=r"^trust\.toml: "):
        _load_tables(data_copy)


def test_error_code_model_direct() -> None:
    code = ErrorCode(
        value="0x80092013",
        symbol="CRYPT_E_REVOCATION_OFFLINE",
        message="",
        family="crypt",
        meaning="x",
        verified=True,
    )
    assert code.value == 0x80092013 and code.aliases == () and code.win32 is None
    with pytest.raises(ValidationError):
        ErrorCode(value=-1, symbol="X", message="", family="crypt", meaning="x", verified=True)
    with pytest.raises(ValidationError):
        ErrorCode(
            value=1, symbol="X", message="", family="crypt", meaning="x", verified=True, extra=1
        )


def test_copy_is_independent_of_package(tmp_path: Path) -> None:
    # _load_tables accepts a plain string path too
    for name in ("hresults.toml", "trust.toml", "iis.toml"):
        (tmp_path / name).write_bytes(DATA_DIR.joinpath(name).read_bytes())
    assert len(_load_tables(str(tmp_path)).error_flags) == 27
