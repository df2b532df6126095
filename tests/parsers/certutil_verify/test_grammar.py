"""The certutil -verify grammar: strict compilation, line kinds, and the builder on small dumps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lark import Lark, Token

from certtriage.grammars import CERTUTIL_VERIFY
from certtriage.parsers._lark import LARK_OPTIONS, get_parser, grammar_text
from certtriage.parsers.certutil_verify.parser import parse as parse_certutil_verify
from certtriage.text.normalize import normalize

H1 = "0123456789abcdef0123456789abcdef01234567"
H2 = "89abcdef0123456789abcdef0123456789abcdef"
H3 = "fedcba9876543210fedcba9876543210fedcba98"
OFFLINE = "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)"
OFFLINE_MSG = (
    "The revocation function was unable to check revocation because the revocation server "
    "was offline."
)


# --------------------------------------------------------------------------- compilation


def _strict_parser() -> Lark:
    pytest.importorskip("interegular")
    options = dict(LARK_OPTIONS, strict=True)
    return Lark(grammar_text(CERTUTIL_VERIFY), **options)  # type: ignore[arg-type]


def test_grammar_compiles_in_strict_mode() -> None:
    _strict_parser()


def test_grammar_has_no_lalr_conflicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Strict mode without the terminal-collision check: only the LALR tables are judged."""
    pytest.importorskip("interegular")
    import lark.lexer

    monkeypatch.setattr(lark.lexer, "_check_regex_collisions", lambda *args, **kwargs: None)
    options = dict(LARK_OPTIONS, strict=True)
    parser = Lark(grammar_text(CERTUTIL_VERIFY), **options)  # type: ignore[arg-type]
    assert parser.parse("Issuer:\n").data == "start"


def test_get_parser_is_built_once() -> None:
    assert get_parser(CERTUTIL_VERIFY) is get_parser(CERTUTIL_VERIFY)


# --------------------------------------------------------------------------- line kinds

SECTION = "----------------  Certificate CDP  ----------------"
CHECK = [SECTION, 'Failed "CDP" Time: 0']

#: (normalised line, token type, lines that must precede it for the kind to be acceptable)
LINE_KINDS: list[tuple[str, str, list[str]]] = [
    ("CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=0", "ELEMENT_HEADER", []),
    ("-------- CERT_CHAIN_CONTEXT --------", "CHAIN_BANNER", []),
    ("Exclude leaf cert:", "EXCLUDE_LEAF", []),
    ("-" * 36, "TRAILER_RULE", []),
    ("-" * 32, "SECTION_END", []),
    ("Subject:", "LABEL", []),
    ("----------------  Certificate AIA  ----------------", "SECTION_HEADER", []),
    (f'Verified "Base CRL (5a)" Time: 0 {H1}', "URL_STATUS", [SECTION]),
    ("[0.0.1] http://crl.contoso.com/cdp/IssuingCA+.crl", "URL_LINE", CHECK),
    ("http://crl.contoso.com/cdp/IssuingCA.crl", "BARE_URL", CHECK),
    (
        "Error retrieving URL: The server name or address could not be resolved "
        "0x80072ee7 (WIN32: 12007)",
        "RETRIEVAL_ERROR",
        CHECK,
    ),
    ("dwFlags = CA_VERIFY_FLAGS_DUMP_CHAIN (0x40000000)", "VERIFY_FLAG", []),
    ("ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)", "CHAIN_FLAG", []),
    ("HCCE_LOCAL_MACHINE", "CHAIN_ENGINE", []),
    ("CERT_CHAIN_POLICY_NT_AUTH", "CHAIN_POLICY", []),
    ("SimpleChain.dwErrorStatus = CERT_TRUST_IS_PARTIAL_CHAIN (0x10000)", "CHAIN_STATUS", []),
    (
        "ChainContext.dwRevocationFreshnessTime: 14 Hours, 53 Minutes, 28 Seconds",
        "FRESHNESS",
        [],
    ),
    ("CertGetCertificateChain(dwErrorStatus) = 0x10000", "SCINFO_CHAIN_STATUS", []),
    ("Element.dwInfoStatus = CERT_TRUST_HAS_KEY_MATCH_ISSUER (0x2)", "ELEMENT_STATUS", []),
    ("Application[0] = 1.3.6.1.5.5.7.3.2 Client Authentication", "POLICY_ENTRY", []),
    ("Delta CRL 0680:", "CRL_HEADER", []),
    ("0a 1b 2c 3d 4e 5f 60 71 82 93 a4 b5 c6 d7 e8 f9 0a 1b 2c 3d", "HASH_SPACED", []),
    (f"Name Hash(sha1): {H1}", "NAME_HASH", []),
    ("Full chain:", "FULL_CHAIN", []),
    ("[0,0]: CERT_RDN_PRINTABLE_STRING, Length = 7 (7/64 Characters)", "RDN_VERBOSE", []),
    ('2.5.4.3 Common Name (CN)="Contoso Root"', "RDN_OID_DETAIL", []),
    ("43 6f 6e 74 6f 73 6f Contoso", "HEX_DUMP", []),
    (
        f"ERROR: Verifying leaf certificate revocation status returned {OFFLINE_MSG} {OFFLINE}",
        "LEAF_REVOCATION_ERROR",
        [],
    ),
    ("CertUtil: -verify command completed successfully.", "CERTUTIL_LINE", []),
    ("Missing Issuer: CN=Fabrikam Issuing CA, DC=fabrikam, DC=com", "MISSING_ISSUER", []),
    ("Incomplete certificate chain", "INCOMPLETE_CHAIN", []),
    ("Cannot find certificate:", "CANNOT_FIND", []),
    ("Verifies against UNTRUSTED root", "UNTRUSTED_ROOT", []),
    ("Revocation check skipped -- server offline", "REVOCATION_SKIPPED", []),
    ("Certificate is REVOKED", "CERT_REVOKED", []),
    ("Leaf certificate is REVOKED (Reason=1)", "LEAF_REVOKED", []),
    ("Leaf certificate revocation check passed", "LEAF_REVOCATION_PASSED", []),
    ("Cert is an End Entity certificate", "CERT_KIND", []),
    ("Verified Issuance Policies: None", "VERIFIED_POLICIES", []),
    (
        "A certificate chain could not be built to a trusted root authority. "
        "0x800b010a (-2146762486 CERT_E_CHAINING)",
        "HRESULT_LINE",
        [],
    ),
    ("1.3.6.1.5.5.7.3.2 Client Authentication", "OID_LINE", []),
    ("CN=Contoso Issuing CA", "RDN", []),
    ("NotAfter: 11/27/2023 4:36 AM", "FIELD", []),
    ("...", "ELISION", []),
    ("Please help, IIS still returns 403.16", "OTHER", []),
    # -scinfo, -dcinfo, -urlcache, the two-argument -verify and the command line
    ("================ Certificate 1 ================", "CARD_BANNER", []),
    ("Certificate 0:", "CERT_INDEX", []),
    ("*** Testing DC[0]: DC01", "DC_HEADER", []),
    ("** KDC Certificates for DC DC01", "DC_STORE", []),
    ("--- Reader: Woodgrove USB SmartCard Reader 0", "READER_FIELD", []),
    ("Key Container = 4f1c2e7a [Default Container]", "ASSIGNMENT", []),
    ("--------------===========================--------------", "EQ_RULE", []),
    ("****  Online  ****", "STAR_BANNER", []),
    ("1 KDC certificates for DC01", "KDC_COUNT", []),
    ("Expired certificate", "EXPIRED_CERT", []),
    ("Cannot check leaf certificate revocation status", "LEAF_REVOCATION_UNCHECKED", []),
    ("ERROR: CA Key Id does not match Key Id", "ERROR_LINE", []),
    ("C:\\a.cer verifies as issued by C:\\ca.cer -- Revocation check skipped.", "PAIR_VERDICT",
     []),
    ("C:\\temp>certutil -verify -urlfetch client.cer", "COMMAND_LINE", []),
]


def _tokens(lines: list[str]) -> Iterator[Token]:
    tree = get_parser(CERTUTIL_VERIFY).parse("\n".join(lines) + "\n")
    return tree.scan_values(lambda v: isinstance(v, Token))


def _last_token_type(line: str, context: list[str]) -> str:
    tokens = list(_tokens([*context, line]))
    assert len(tokens) == len(context) + 1, "one token per line"
    assert tokens[-1].rstrip("\n") == line
    return tokens[-1].type


@pytest.mark.parametrize(
    ("line", "kind", "context"), LINE_KINDS, ids=[kind for _, kind, _ in LINE_KINDS]
)
def test_line_kind(line: str, kind: str, context: list[str]) -> None:
    assert _last_token_type(line, context) == kind


def test_line_kind_table_covers_every_terminal() -> None:
    terminals = {t.name for t in get_parser(CERTUTIL_VERIFY).terminals}
    assert terminals == {kind for _, kind, _ in LINE_KINDS}


@pytest.mark.parametrize(
    ("line", "kind", "context"),
    [
        # Header shapes that a lower-priority generic shape also matches.
        pytest.param("CRL 5a:", "CRL_HEADER", [], id="crl-not-label"),
        pytest.param("CRL (null):", "CRL_HEADER", [], id="crl-null"),
        pytest.param("Verified Application Policies:", "VERIFIED_POLICIES", [], id="policies"),
        pytest.param(
            "CertUtil: -verify command FAILED: 0x800b010a (-2146762486 CERT_E_CHAINING)",
            "CERTUTIL_LINE", [], id="certutil-not-hresult",
        ),
        pytest.param(f"Cert: {H1}", "FIELD", [], id="thumbprint-field"),
        pytest.param(f"Cert Hash(sha1): {H1}", "NAME_HASH", [], id="cert-hash"),
        pytest.param("----------------  Base CRL CDP  ----------------", "SECTION_HEADER", [],
                     id="base-crl-cdp"),
        pytest.param("--------------- Certificate OCSP ---------------", "SECTION_HEADER", [],
                     id="one-space-header"),
        pytest.param("0010 01 00 1d", "HEX_DUMP", [], id="hex-with-offset"),
        pytest.param("\u2026", "ELISION", [], id="ellipsis-char"),
        pytest.param("[snip]", "ELISION", [], id="snip"),
        pytest.param('No URLs "None" Time: 0 (null)', "URL_STATUS", [SECTION], id="no-urls"),
        pytest.param('Verified "OCSP" Time: 0', "URL_STATUS", [SECTION], id="no-hash"),
        # Lines that belong to a retrieval report but stand outside one.
        pytest.param("[0.0] http://crl.contoso.com/a.crl", "OTHER", [], id="url-outside"),
        pytest.param('Verified "Certificate (0)" Time: 0', "OTHER", [], id="status-outside"),
        pytest.param(
            "Error retrieving URL: Not found 0x80190194 (-2145844844 HTTP_E_STATUS_NOT_FOUND)",
            "HRESULT_LINE", [], id="error-outside",
        ),
        pytest.param(
            "Error retrieving URL: Not found 0x80190194 (-2145844844 HTTP_E_STATUS_NOT_FOUND)",
            "RETRIEVAL_ERROR", CHECK, id="error-inside",
        ),
        # A retrieval error in another language: its code and WIN32 / WinHttp detail say so.
        pytest.param(
            "\u68c0\u7d22 URL \u65f6\u51fa\u73b0\u9519\u8bef: \u670d\u52a1\u5668 "
            "0x80072f78 (WinHttp: 12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE)",
            "RETRIEVAL_ERROR", CHECK, id="translated-error-inside",
        ),
        pytest.param("Fehler: Der Server ist nicht erreichbar 0x8007203a (WIN32: 8250)",
                     "RETRIEVAL_ERROR", CHECK, id="translated-win32-inside"),
        pytest.param("Nicht gefunden (404). 0x80190194 (-2145844844 HTTP_E_STATUS_NOT_FOUND)",
                     "RETRIEVAL_ERROR", CHECK, id="translated-http-inside"),
        pytest.param("Fehler: Der Server ist nicht erreichbar 0x8007203a (WIN32: 8250)",
                     "HRESULT_LINE", [], id="translated-error-outside"),
        # A code with a digit too few still makes an error line when its detail follows.
        pytest.param("The certificate is revoked. 0x8009210 (-2146885616 CRYPT_E_REVOKED)",
                     "HRESULT_LINE", [], id="slipped-code"),
        pytest.param("ERROR: Verifying leaf certificate revocation status returned x 0x80092013",
                     "LEAF_REVOCATION_ERROR", [], id="leaf-error-not-error-line"),
        pytest.param("Readers: 1", "FIELD", [], id="readers-field"),
        pytest.param("CertUtil: -SCInfo command completed successfully.", "CERTUTIL_LINE", [],
                     id="final-not-command-line"),
    ],
)
def test_line_kind_precedence(line: str, kind: str, context: list[str]) -> None:
    assert _last_token_type(line, context) == kind


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("CA Version: V0.0", "FIELD"),
        ("CA Name:", "LABEL"),
        ("be aware the CDP host moved", "OTHER"),
    ],
)
def test_words_made_of_hex_letters_are_not_hex_dumps(line: str, kind: str) -> None:
    assert _last_token_type(line, []) == kind


def test_every_line_is_one_token() -> None:
    # Several kinds in a row: the lexer emits exactly one token per normalised line.
    lines = [line for line, _, ctx in LINE_KINDS if not ctx]
    assert len(list(_tokens(lines))) == len(lines)


# --------------------------------------------------------------------------- builder

FULL_CHAIN = f"""\
Issuer:
    CN=Contoso Issuing CA
    DC=contoso
    DC=com
  Name Hash(sha1): {H1}
  Name Hash(md5): 0123456789abcdef0123456789abcdef
Subject:
    CN=alice
    OU=Staff
    DC=contoso
    DC=com
  Name Hash(sha1): {H2}
  Name Hash(md5): 89abcdef0123456789abcdef01234567
Cert Serial Number: 2b00000007f3c3bf591575b554000000000007

dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)
dwFlags = CA_VERIFY_FLAGS_DUMP_CHAIN (0x40000000)
ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)
HCCE_LOCAL_MACHINE
CERT_CHAIN_POLICY_BASE
-------- CERT_CHAIN_CONTEXT --------
ChainContext.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
ChainContext.dwErrorStatus = CERT_TRUST_REVOCATION_STATUS_UNKNOWN (0x40)
ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)
ChainContext.dwRevocationFreshnessTime: 5 Weeks, 12 Hours, 3 Minutes, 10 Seconds
SimpleChain.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
SimpleChain.dwErrorStatus = CERT_TRUST_REVOCATION_STATUS_UNKNOWN (0x40)
SimpleChain.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)

CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040
  Issuer: CN=Contoso Issuing CA, DC=contoso, DC=com
  NotBefore: 11/27/2022 4:36 AM
  NotAfter: 11/27/2023 4:36 PM
  Subject: CN=alice, OU=Staff, DC=contoso, DC=com
  Serial: 2b00000007f3c3bf591575b554000000000007
  SubjectAltName: Other Name:Principal Name=alice@contoso.com
  Template: User
  Cert: {H1}
  Element.dwInfoStatus = CERT_TRUST_HAS_KEY_MATCH_ISSUER (0x2)
  Element.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
  Element.dwErrorStatus = CERT_TRUST_REVOCATION_STATUS_UNKNOWN (0x40)
  Element.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)
  Application[0] = 1.3.6.1.5.5.7.3.2 Client Authentication
  ----------------  Certificate AIA  ----------------
  Verified "Certificate (0)" Time: 0 {H2}
    [0.0] http://pki.contoso.com/aia/IssuingCA.crt

  ----------------  Certificate CDP  ----------------
  Failed "CDP" Time: 0
    Error retrieving URL: The server name or address could not be resolved 0x80072ee7 (WIN32: 12007)
    http://crl.contoso.com/cdp/IssuingCA.crl

  ----------------  Certificate OCSP  ----------------
  No URLs "None" Time: 0 (null)
  --------------------------------

CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=0
  Issuer: CN=Contoso Root CA
  NotBefore: 1/1/2020 9:00 AM
  NotAfter: 1/1/2040 9:00 AM
  Subject: CN=Contoso Root CA
  Serial: 1f2e3d
  Cert: {H3}
  Element.dwInfoStatus = CERT_TRUST_HAS_NAME_MATCH_ISSUER (0x4)
  Element.dwInfoStatus = CERT_TRUST_IS_SELF_SIGNED (0x8)
  Element.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
  ----------------  Certificate AIA  ----------------
  No URLs "None" Time: 0 (null)
  ----------------  Certificate CDP  ----------------
  Verified "Base CRL (5a)" Time: 0 {H2}
    [0.0] http://crl.contoso.com/cdp/RootCA.crl
  ----------------  Base CRL CDP  ----------------
  OK "Delta CRL (5b)" Time: 0
    [0.0.1] http://crl.contoso.com/cdp/RootCA+.crl
  --------------------------------
    CRL 5a:
    Issuer: CN=Contoso Root CA
    ThisUpdate: 9/5/2023 4:05 PM
    NextUpdate: 9/13/2023 4:25 AM
    CRL: {H3}

Exclude leaf cert:
  Chain: {H2}
Full chain:
  Chain: {H3}
{OFFLINE_MSG} {OFFLINE}
------------------------------------
Revocation check skipped -- server offline
Verified Issuance Policies: None
Verified Application Policies:
    1.3.6.1.5.5.7.3.2 Client Authentication
Cert is an End Entity certificate
ERROR: Verifying leaf certificate revocation status returned {OFFLINE_MSG} {OFFLINE}
CertUtil: {OFFLINE_MSG}
CertUtil: -verify command completed successfully.
"""


def _line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` that contains `needle`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def full():  # type: ignore[no-untyped-def]
    return parse_certutil_verify(FULL_CHAIN)


def test_full_chain_is_complete_and_fully_placed(full) -> None:  # type: ignore[no-untyped-def]
    assert full.complete is True
    assert full.unparsed == ()
    assert full.repairs == ()
    assert full.variant == "verify"
    assert full.line_count == sum(1 for line in FULL_CHAIN.split("\n") if line.strip())


def test_full_chain_identity_and_preamble(full) -> None:  # type: ignore[no-untyped-def]
    assert full.identity is not None
    assert full.identity.issuer == ("CN=Contoso Issuing CA", "DC=contoso", "DC=com")
    assert full.identity.subject == ("CN=alice", "OU=Staff", "DC=contoso", "DC=com")
    assert full.identity.serial == "2b00000007f3c3bf591575b554000000000007"
    assert len(full.identity.name_hashes) == 4 and full.identity.name_hashes[0] == H1
    assert full.preamble.verify_flags == (
        "CA_VERIFY_FLAGS_CONSOLE_TRACE", "CA_VERIFY_FLAGS_DUMP_CHAIN")
    assert full.preamble.chain_flags == ("CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT",)
    assert full.preamble.chain_engine == "HCCE_LOCAL_MACHINE"
    assert full.preamble.chain_policy == "CERT_CHAIN_POLICY_BASE"


def test_full_chain_summary(full) -> None:  # type: ignore[no-untyped-def]
    scopes = {s.scope: s for s in full.chain}
    assert set(scopes) == {"chain_context", "simple_chain"}
    ctx = scopes["chain_context"]
    assert ctx.error_status is not None and ctx.error_status.value == 0x1000040
    assert ctx.error_status.flags == (
        "CERT_TRUST_REVOCATION_STATUS_UNKNOWN", "CERT_TRUST_IS_OFFLINE_REVOCATION")
    assert ctx.info_status is not None and ctx.info_status.flags == (
        "CERT_TRUST_HAS_PREFERRED_ISSUER",)
    assert ctx.freshness_seconds == 5 * 604800 + 12 * 3600 + 3 * 60 + 10
    assert ctx.line == _line_of(FULL_CHAIN, "ChainContext.dwInfoStatus")
    assert full.chain_error == ctx.error_status


def test_full_chain_elements(full) -> None:  # type: ignore[no-untyped-def]
    leaf, root = full.elements
    assert (leaf.chain_index, leaf.index, root.chain_index, root.index) == (0, 0, 0, 1)
    assert leaf.error_status is not None
    assert leaf.error_status.flags == (
        "CERT_TRUST_REVOCATION_STATUS_UNKNOWN", "CERT_TRUST_IS_OFFLINE_REVOCATION")
    assert leaf.info_status is not None and leaf.info_status.flags == (
        "CERT_TRUST_HAS_KEY_MATCH_ISSUER", "CERT_TRUST_HAS_PREFERRED_ISSUER")
    assert root.error_status is not None and root.error_status.flags == ()
    assert root.info_status is not None and "CERT_TRUST_IS_SELF_SIGNED" in root.info_status.flags
    assert leaf.subject == "CN=alice, OU=Staff, DC=contoso, DC=com"
    assert leaf.template == "User"
    assert leaf.subject_alt_name == "Other Name:Principal Name=alice@contoso.com"
    assert leaf.thumbprint == H1 and root.thumbprint == H3
    assert leaf.not_after_at is not None and leaf.not_after_at.hour == 16
    assert leaf.application_oids == ("1.3.6.1.5.5.7.3.2",)
    assert leaf.span.start == _line_of(FULL_CHAIN, "CertContext[0][0]")
    assert root.span.start == _line_of(FULL_CHAIN, "CertContext[0][1]")
    assert leaf.span.end < root.span.start


def test_full_chain_url_checks(full) -> None:  # type: ignore[no-untyped-def]
    leaf, root = full.elements
    assert [(c.section, c.status) for c in leaf.url_checks] == [
        ("aia", "verified"), ("cdp", "failed"), ("ocsp", "no_urls")]
    aia, cdp, _ = leaf.url_checks
    assert aia.object_kind == "certificate" and aia.object_ref == "0"
    assert aia.object_hash == H2
    assert (aia.url, aia.url_index) == ("http://pki.contoso.com/aia/IssuingCA.crt", "0.0")
    assert cdp.object_kind == "cdp" and cdp.object_text == "CDP"
    assert cdp.url == "http://crl.contoso.com/cdp/IssuingCA.crl" and cdp.url_index is None
    assert cdp.error is not None
    assert cdp.error.message == "The server name or address could not be resolved"
    assert cdp.error.win32 == 12007
    assert cdp.error.hresult is not None and cdp.error.hresult.hex == "0x80072ee7"
    assert cdp.span.start == _line_of(FULL_CHAIN, 'Failed "CDP"')
    assert cdp.span.end == _line_of(FULL_CHAIN, "http://crl.contoso.com/cdp/IssuingCA.crl")
    assert [(c.section, c.status, c.object_kind) for c in root.url_checks] == [
        ("aia", "no_urls", "none"), ("cdp", "verified", "base_crl"),
        ("base_crl_cdp", "ok", "delta_crl")]


def test_full_chain_crl_attached_to_its_element(full) -> None:  # type: ignore[no-untyped-def]
    leaf, root = full.elements
    assert leaf.crls == ()
    (crl,) = root.crls
    assert (crl.kind, crl.number, crl.issuer) == ("base", "5a", "CN=Contoso Root CA")
    assert crl.this_update == "9/5/2023 4:05 PM"
    assert crl.next_update_at is not None and crl.next_update_at.day == 13
    assert crl.hash == H3
    assert crl.line == _line_of(FULL_CHAIN, "CRL 5a:")
    # The CRL's Issuer line does not overwrite the element's.
    assert root.issuer == "CN=Contoso Root CA" and root.subject == "CN=Contoso Root CA"


def test_full_chain_hashes_errors_trailer(full) -> None:  # type: ignore[no-untyped-def]
    assert full.hashes is not None
    assert (full.hashes.exclude_leaf, full.hashes.full_chain) == (H2, H3)
    assert full.hashes.line == _line_of(FULL_CHAIN, "Exclude leaf cert:")
    assert full.echo is None
    (error,) = full.errors
    assert error.symbol == "CRYPT_E_REVOCATION_OFFLINE"
    assert error.line == _line_of(FULL_CHAIN, f"offline. {OFFLINE}")
    t = full.trailer
    assert t.revocation_skipped == "server offline"
    assert t.verified_issuance == ()
    assert [(p.oid, p.name) for p in t.verified_application or ()] == [
        ("1.3.6.1.5.5.7.3.2", "Client Authentication")]
    assert t.cert_kind == "end_entity"
    assert t.leaf_revocation_error is not None
    assert t.leaf_revocation_error.symbol == "CRYPT_E_REVOCATION_OFFLINE"
    assert t.completed == "success"
    assert t.messages == (OFFLINE_MSG,)
    assert not t.leaf_revoked and not t.untrusted_root and not t.incomplete_chain


CDP_FRAGMENT = f"""\
  ----------------  Certificate CDP  ----------------
  Failed "Base CRL (5a)" Time: 0
    Error retrieving URL: The server name or address could not be resolved 0x80072ee7 (WIN32: 12007)
    http://crl.contoso.com/cdp/IssuingCA.crl
  Expired "Base CRL (5a)" Time: 0 {H1}
    [1.0] http://crl2.contoso.com/cdp/IssuingCA.crl
  --------------------------------
"""


def test_fragment_starting_with_a_cdp_section() -> None:
    result = parse_certutil_verify(CDP_FRAGMENT)
    assert result.complete is False
    assert result.identity is None
    assert result.unparsed == ()
    (elem,) = result.elements
    assert elem.index is None and elem.chain_index is None
    assert [(c.section, c.status, c.object_kind, c.object_ref) for c in elem.url_checks] == [
        ("cdp", "failed", "base_crl", "5a"), ("cdp", "expired", "base_crl", "5a")]
    failed, expired = elem.url_checks
    assert failed.error is not None and failed.error.win32 == 12007
    assert expired.url_index == "1.0" and expired.object_hash == H1
    assert elem.span.start == 1


TAIL_FRAGMENT = f"""\
Exclude leaf cert:
  Chain: {H1}
Full chain:
  Chain: {H2}
  Issuer: CN=Fabrikam Issuing CA 2, DC=fabrikam, DC=com
  NotBefore: 3/1/2025 8:00 AM
  NotAfter: 3/1/2026 8:00 AM
  Subject: CN=Signing Service
  Serial: 61000000123abc
  Template: Fabrikam Code Signing
  Cert: {H3}
The certificate is revoked. 0x80092010 (-2146885616 CRYPT_E_REVOKED)
------------------------------------
Certificate is REVOKED
Leaf certificate is REVOKED (Reason=1)
CertUtil: -verify command completed successfully.
"""


def test_tail_fragment_with_certificate_echo() -> None:
    result = parse_certutil_verify(TAIL_FRAGMENT)
    assert result.unparsed == ()
    assert result.elements == ()
    assert result.hashes is not None
    assert (result.hashes.exclude_leaf, result.hashes.full_chain) == (H1, H2)
    echo = result.echo
    assert echo is not None
    assert echo.subject == "CN=Signing Service"
    assert echo.issuer == "CN=Fabrikam Issuing CA 2, DC=fabrikam, DC=com"
    assert echo.thumbprint == H3 and echo.template == "Fabrikam Code Signing"
    assert echo.not_after_at is not None and echo.not_after_at.year == 2026
    assert echo.span.start == 5 and echo.span.end == 11
    assert [e.symbol for e in result.errors] == ["CRYPT_E_REVOKED"]
    t = result.trailer
    assert t.certificate_revoked and t.leaf_revoked and t.leaf_revoked_reason == 1
    assert t.completed == "success"
    # No header or flags: the start of the dump is missing.
    assert result.complete is False


def test_unknown_line_is_kept_with_its_original_line_number() -> None:
    text = (
        "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0\n\n"
        "  Subject: CN=alice\n\n\n"
        "Please note: ran this twice\n"
        "Why does IIS say 403.16\n"
    )
    result = parse_certutil_verify(text)
    assert [(u.line, u.text) for u in result.unparsed] == [
        (6, "Please note: ran this twice"), (7, "Why does IIS say 403.16")]
    assert all(u.reason for u in result.unparsed)
    assert result.elements[0].subject == "CN=alice"


def _single_check(status_line: str, *detail: str):  # type: ignore[no-untyped-def]
    text = "\n".join([SECTION, status_line, *detail, "-" * 32]) + "\n"
    result = parse_certutil_verify(text)
    assert result.unparsed == ()
    (elem,) = result.elements
    (check,) = elem.url_checks
    return check


def test_unknown_status_word_is_kept() -> None:
    check = _single_check(
        'Wrong issuer "Base CRL (5a)" Time: 0', "[0.0] http://crl.contoso.com/a.crl"
    )
    assert check.status == "unknown"
    assert check.status_text == "Wrong issuer"
    assert check.object_kind == "base_crl"
    assert check.url == "http://crl.contoso.com/a.crl"


def test_no_urls_none_null() -> None:
    check = _single_check('No URLs "None" Time: 0 (null)')
    assert (check.status, check.status_text) == ("no_urls", "No URLs")
    assert (check.object_kind, check.object_text, check.object_ref) == ("none", "None", None)
    assert check.time == 0
    assert check.object_hash is None and check.url is None and check.error is None
    assert check.section == "cdp"


def test_three_level_delta_url() -> None:
    check = _single_check(
        'Verified "Delta CRL (0680)" Time: 0', "[0.0.1] http://crl.fabrikam.com/cdp/Fab+.crl")
    assert check.object_kind == "delta_crl" and check.object_ref == "0680"
    assert check.url_index == "0.0.1"
    assert check.url == "http://crl.fabrikam.com/cdp/Fab+.crl"


def test_element_thumbprint_in_spaced_hex() -> None:
    spaced = "a1 b2 c3 d4 e5 f6 07 18 29 3a 4b 5c 6d 7e 8f 90 A1 B2 C3 D4"
    text = (
        "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0\n"
        "  Issuer: CN=Contoso Issuing CA\n"
        f"  {spaced}\n"
        "  Element.dwInfoStatus = CERT_TRUST_HAS_KEY_MATCH_ISSUER (0x2)\n"
    )
    result = parse_certutil_verify(text)
    assert result.unparsed == ()
    assert result.elements[0].thumbprint == spaced.replace(" ", "").lower()


def test_verified_application_policies_list() -> None:
    text = (
        "------------------------------------\n"
        "Verified Issuance Policies: None\n"
        "Verified Application Policies:\n"
        "    1.3.6.1.5.5.7.3.2 Client Authentication\n"
        "    1.3.6.1.4.1.311.20.2.2 Smart Card Logon\n"
        "Leaf certificate revocation check passed\n"
    )
    result = parse_certutil_verify(text)
    assert result.unparsed == ()
    t = result.trailer
    assert [(p.kind, p.oid, p.name, p.line) for p in t.verified_application or ()] == [
        ("application", "1.3.6.1.5.5.7.3.2", "Client Authentication", 4),
        ("application", "1.3.6.1.4.1.311.20.2.2", "Smart Card Logon", 5),
    ]
    assert t.verified_issuance == ()
    assert t.verified_application_all is False
    assert t.leaf_revocation_passed is True


def test_verified_application_policies_all() -> None:
    result = parse_certutil_verify("Verified Application Policies: All\n")
    assert result.trailer.verified_application_all is True
    assert result.trailer.verified_application == ()


def test_oid_line_outside_a_policy_list_is_unparsed() -> None:
    result = parse_certutil_verify("1.3.6.1.5.5.7.3.2 Client Authentication\n")
    assert [u.line for u in result.unparsed] == [1]


def test_cannot_find_certificate_followed_by_dn() -> None:
    text = (
        "------------------------------------\n"
        "Missing Issuer: CN=Fabrikam Issuing CA, DC=fabrikam, DC=com\n"
        "Incomplete certificate chain\n"
        "Cannot find certificate:\n"
        "    CN=Fabrikam Issuing CA, DC=fabrikam, DC=com\n"
        "CertUtil: -verify command completed successfully.\n"
    )
    result = parse_certutil_verify(text)
    assert result.unparsed == ()
    t = result.trailer
    assert t.cannot_find == ("CN=Fabrikam Issuing CA, DC=fabrikam, DC=com",)
    assert t.missing_issuer == ("CN=Fabrikam Issuing CA, DC=fabrikam, DC=com",)
    assert t.incomplete_chain is True


def test_certutil_failed_line() -> None:
    result = parse_certutil_verify(
        "CertUtil: -verify command FAILED: 0x800b010a (-2146762486 CERT_E_CHAINING)\n"
        "CertUtil: A certificate chain could not be built to a trusted root authority.\n"
    )
    t = result.trailer
    assert t.completed == "failed"
    assert t.failed_hresult is not None
    assert (t.failed_hresult.hex, t.failed_hresult.symbol) == ("0x800b010a", "CERT_E_CHAINING")
    assert t.failed_hresult.line == 1
    assert t.messages == ("A certificate chain could not be built to a trusted root authority.",)
    assert result.errors == ()
    # The final line alone is not a complete dump.
    assert result.complete is False


def test_repairs_are_reported_and_damage_does_not_change_the_result() -> None:
    # Every line quoted, smart quotes, and a blank line between every two lines.
    damaged = "\n\n".join(
        "> " + line.replace('"Base', "\u201cBase").replace(')"', ")\u201d")
        for line in CDP_FRAGMENT.rstrip("\n").split("\n")
    )
    clean = parse_certutil_verify(CDP_FRAGMENT)
    result = parse_certutil_verify(damaged)
    assert {r.kind for r in result.repairs} == {"quote-prefix", "smart-quotes"}
    assert result.unparsed == ()

    def essence(check):  # type: ignore[no-untyped-def]
        error = check.error
        return (check.section, check.status, check.object_text, check.url, check.url_index,
                error.message if error else None, error.win32 if error else None)

    assert [essence(c) for c in result.elements[0].url_checks] == [
        essence(c) for c in clean.elements[0].url_checks]
    # Line numbers are those of the damaged input: clean line n is damaged line 2n - 1.
    assert [c.span.start for c in result.elements[0].url_checks] == [3, 9]
    assert result.line_count == clean.line_count == len(normalize(CDP_FRAGMENT).lines)


# --------------------------------------------------------------------------- known bugs


def test_revocation_reason_with_leading_zero() -> None:
    result = parse_certutil_verify("Leaf certificate is REVOKED (Reason=08)\n")
    assert result.trailer.leaf_revoked_reason == 8


@pytest.mark.parametrize(
    "line",
    [
        "ChainContext.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x100000000)",
        "Element.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x1ffffffff)",
        "CertContext[0][0]: dwInfoStatus=100000000 dwErrorStatus=0",
    ],
)
def test_status_value_wider_than_32_bits_does_not_raise(line: str) -> None:
    result = parse_certutil_verify(line + "\n")
    assert result.line_count == 1


def test_free_text_starting_with_hex_letters_is_accounted_for() -> None:
    result = parse_certutil_verify("be aware the CDP host moved last week\n")
    assert [u.text for u in result.unparsed] == ["be aware the CDP host moved last week"]


def test_element_without_header_has_a_real_span() -> None:
    result = parse_certutil_verify(
        "-------- CERT_CHAIN_CONTEXT --------\n"
        "ChainContext.dwErrorStatus = CERT_TRUST_IS_PARTIAL_CHAIN (0x10000)\n"
        "  Subject: CN=alice\n"
    )
    (elem,) = result.elements
    assert elem.subject == "CN=alice"
    assert elem.span.start == 3


def test_cache_files_of_earlier_versions_are_pruned(tmp_path: Path) -> None:
    from certtriage.parsers._lark import prune

    keep = tmp_path / "certutil_verify-aaaaaaaaaaaaaaaa.lark-cache"
    old = tmp_path / "certutil_verify-bbbbbbbbbbbbbbbb.lark-cache"
    other = tmp_path / "event_text-cccccccccccccccc.lark-cache"
    for path in (keep, old, other):
        path.write_bytes(b"x")
    prune(keep)
    assert keep.exists() and other.exists() and not old.exists()
