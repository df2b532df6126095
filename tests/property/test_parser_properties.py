"""Properties of decode / normalize / parse_certutil_verify on arbitrary and certutil-like input."""

from __future__ import annotations

import codecs
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lark import Token

from certtriage.grammars import CERTUTIL_VERIFY
from certtriage.parsers._lark import get_parser
from certtriage.parsers.certutil_verify.parser import parse as parse_certutil_verify
from certtriage.text.decode import decode
from certtriage.text.normalize import normalize

PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

H1 = "0123456789abcdef0123456789abcdef01234567"

#: Synthetic certutil lines of every kind the grammar knows (and a few it does not).
CERTUTIL_LINES = [
    "Issuer:",
    "    CN=Contoso Issuing CA",
    "    DC=contoso",
    f"  Name Hash(sha1): {H1}",
    "Subject:",
    "Cert Serial Number: 2b00000007f3c3bf",
    "dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)",
    "ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)",
    "HCCE_LOCAL_MACHINE",
    "CERT_CHAIN_POLICY_BASE",
    "-------- CERT_CHAIN_CONTEXT --------",
    "ChainContext.dwErrorStatus = CERT_TRUST_IS_PARTIAL_CHAIN (0x10000)",
    "ChainContext.dwRevocationFreshnessTime: 1 Weeks, 2 Days",
    "SimpleChain.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)",
    "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040",
    "CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=0",
    "  Issuer: CN=Contoso Root CA",
    "  NotBefore: 11/27/2022 4:36 AM",
    "  NotAfter: 27.11.2023 16:36",
    "  Subject: CN=alice, OU=Staff, DC=contoso, DC=com",
    "  Serial: 1f2e3d",
    "  Template: User",
    f"  Cert: {H1}",
    "  a1 b2 c3 d4 e5 f6 07 18 29 3a 4b 5c 6d 7e 8f 90 a1 b2 c3 d4",
    "  Element.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)",
    "  Element.dwInfoStatus = CERT_TRUST_IS_SELF_SIGNED (0x8)",
    "  Application[0] = 1.3.6.1.5.5.7.3.2 Client Authentication",
    "  Issuance[0] = 1.2.3.4",
    "  ----------------  Certificate AIA  ----------------",
    "  ----------------  Certificate CDP  ----------------",
    "  ----------------  Base CRL CDP  ----------------",
    "  ----------------  Certificate OCSP  ----------------",
    f'  Verified "Certificate (0)" Time: 0 {H1}',
    '  Failed "CDP" Time: 0',
    '  Expired "Base CRL (03)" Time: 0',
    '  OK "Delta CRL (0680)" Time: 0',
    '  No URLs "None" Time: 0 (null)',
    '  Wrong issuer "AIA" Time: 7',
    "    [0.0] http://pki.contoso.com/aia/IssuingCA.crt",
    "    [1.0.2] ldap:///CN=Contoso%20Root,CN=CDP?certificateRevocationList",
    "    http://crl.contoso.com/cdp/IssuingCA.crl",
    "    Error retrieving URL: The server name could not be resolved 0x80072ee7 (WIN32: 12007)",
    "  --------------------------------",
    "    CRL 5a:",
    "    Delta CRL (null):",
    "    ThisUpdate: 9/5/2023 4:05 PM",
    "    NextUpdate: 9/13/2023 4:25 AM",
    f"    CRL: {H1}",
    "Exclude leaf cert:",
    f"  Chain: {H1}",
    "Full chain:",
    "The certificate is revoked. 0x80092010 (-2146885616 CRYPT_E_REVOKED)",
    "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
    "(-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
    "------------------------------------",
    "Missing Issuer: CN=Fabrikam Issuing CA",
    "Incomplete certificate chain",
    "Cannot find certificate:",
    "Verifies against UNTRUSTED root",
    "Revocation check skipped -- server offline",
    "Certificate is REVOKED",
    "Leaf certificate is REVOKED (Reason=5)",
    "Leaf certificate revocation check passed",
    "Cert is a CA certificate",
    "Verified Issuance Policies: None",
    "Verified Application Policies: All",
    "Verified Application Policies:",
    "    1.3.6.1.5.5.7.3.2 Client Authentication",
    "ERROR: Verifying leaf certificate revocation status returned offline 0x80092013",
    "CertUtil: -verify command completed successfully.",
    "CertUtil: -verify command FAILED: 0x800b010a (-2146762486 CERT_E_CHAINING)",
    "CertGetCertificateChain(dwErrorStatus) = 0x10000",
    "Smart Card Logon: Chain validates",
    "[0,0]: CERT_RDN_PRINTABLE_STRING, Length = 7 (7/64 Characters)",
    '2.5.4.3 Common Name (CN)="Contoso"',
    "0000 43 6f 6e 74 6f 73 6f Contoso",
    "...",
    "\u9881\u53d1\u8005:",
    "Please help, IIS still returns 403.16",
]

_DAMAGE = [
    lambda s: s,
    lambda s: "> " + s,
    lambda s: "> > " + s,
    lambda s: "% " + s,
    lambda s: "  " + s.replace("_", "\\_"),
    lambda s: s.replace('"', "\u201c", 1).replace('"', "\u201d", 1),
    lambda s: s.replace("--------", "\u2014\u2014\u2014\u2014"),
    lambda s: s.replace("http://", "<http://") + (">" if "http://" in s else ""),
    lambda s: "\t" + s + "  ",
]

certutil_line = st.builds(
    lambda line, damage: damage(line),
    st.sampled_from(CERTUTIL_LINES),
    st.sampled_from(_DAMAGE),
)
long_line = st.builds(
    lambda head, chunk, n: head + chunk * n,
    st.sampled_from(["", "Subject: ", "CN=", '  Verified "', "0x80092013 ", "[0.0] http://"]),
    st.text(min_size=1, max_size=8),
    st.integers(min_value=100, max_value=500),
)
any_line = st.one_of(
    certutil_line, certutil_line, certutil_line, st.text(max_size=60), long_line,
    st.just(""), st.just("\x00\x00"),
)
newline = st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\r"])

#: Mixes of certutil-like lines, random lines, blank lines and every kind of line ending.
certutil_text = st.builds(
    lambda parts: "".join(line + end for line, end in parts),
    st.lists(st.tuples(any_line, newline), max_size=50),
)
arbitrary_text = st.one_of(certutil_text, st.text(max_size=400))


def _nonblank_raw_lines(text: str) -> set[int]:
    return {n for n, line in enumerate(text.split("\n"), start=1) if line.strip()}


@PROPERTY
@given(arbitrary_text)
def test_parse_never_raises_and_accounts_for_every_line(text: str) -> None:
    norm = normalize(text)
    result = parse_certutil_verify(text)

    assert result.line_count == len(norm.lines)
    assert len(result.unparsed) <= result.line_count
    # Unparsed lines are real, non-blank input lines, each reported once.
    unparsed_lines = [u.line for u in result.unparsed]
    assert len(set(unparsed_lines)) == len(unparsed_lines)
    assert set(unparsed_lines) <= set(norm.origin)
    assert all(len(u.text) <= 300 for u in result.unparsed)
    # Normalised lines come from distinct non-blank input lines, in order.
    assert norm.origin == sorted(set(norm.origin))
    assert set(norm.origin) <= _nonblank_raw_lines(text)
    assert all(line and line == line.strip() and "\n" not in line for line in norm.lines)
    # Nothing was dropped: repairs never remove letters or digits, so every input line with
    # one is either a normalised line of its own or a wrapped tail joined to the line before.
    joined = {r.line for r in norm.repairs if r.kind == "wrapped-hresult"}
    assert not joined & set(norm.origin)
    with_content = {
        n for n, line in enumerate(text.split("\n"), start=1) if any(c.isalnum() for c in line)
    }
    assert with_content <= set(norm.origin) | joined


@PROPERTY
@given(certutil_text)
def test_each_normalised_line_is_one_token(text: str) -> None:
    norm = normalize(text)
    tree = get_parser(CERTUTIL_VERIFY).parse(norm.text)
    tokens = list(tree.scan_values(lambda v: isinstance(v, Token)))
    assert len(tokens) == len(norm.lines)
    assert [t.line for t in tokens] == list(range(1, len(norm.lines) + 1))


#: Characters whose nested forms normalise one layer per pass (see the strict xfails in
#: tests/text/test_normalize.py): backticks, backslashes, autolink brackets, and whitespace
#: other than space/tab/NBSP between nested prompt prefixes.
_IDEMPOTENT_ALPHABET = st.characters(
    blacklist_characters="`\\<", blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")
) | st.sampled_from([" ", "\t", "\u00a0", "\n", ">", "%", "\u2014", "\u201c"])


@PROPERTY
@given(st.one_of(certutil_text, st.text(alphabet=_IDEMPOTENT_ALPHABET, max_size=200)))
@example("`\r\x00\x00\n")  # a backtick before whitespace: left it at the line's start
def test_normalize_is_idempotent_on_its_output(text: str) -> None:
    once = normalize(text)
    twice = normalize(once.text)
    assert twice.lines == once.lines
    assert twice.text == once.text
    assert twice.repairs == []


@PROPERTY
@given(
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
    st.binary(max_size=600),
)
def test_decode_never_raises(prefix: bytes, payload: bytes) -> None:
    doc = decode(prefix + payload)
    assert "\r" not in doc.text
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    assert doc.bom is (bool(prefix) or payload.startswith(boms))
    assert ("\n" in doc.text) is (doc.newline != "none")
    if doc.encoding in ("cp1252", "utf-16-le", "utf-16-be") and "\ufffd" in doc.text:
        assert doc.replaced


@PROPERTY
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16"]))
def test_decode_round_trips_text(text: str, encoding: str) -> None:
    text = text.replace("\r", "")
    doc = decode(text.encode(encoding))
    if encoding == "utf-16-le" and (not text.isascii() or "\x00" in text):
        return  # without a BOM only the NUL pattern of NUL-free ASCII text identifies UTF-16
    if encoding == "utf-8" and "\x00" in text:
        return  # NULs in UTF-8 can look like the UTF-16 NUL pattern
    if encoding == "utf-16-le" and len(text) < 2:
        return  # too short to sniff
    # A Ctrl-Z at the very end (with the Enter after it) ends a Windows console paste: dropped.
    assert doc.text == re.sub(r"\x1a\n*\Z", "", text)


# --------------------------------------------------------------------------- scaling

UNIT = f"""\
CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0
  Issuer: CN=Contoso Issuing CA, DC=contoso, DC=com
  NotBefore: 1/2/2024 9:00 AM
  NotAfter: 1/2/2025 9:00 AM
  Subject: CN=bob, OU=Staff, DC=contoso, DC=com
  Serial: 1a2b3c
  Template: User
  Cert: {H1}
  Element.dwInfoStatus = CERT_TRUST_HAS_KEY_MATCH_ISSUER (0x2)
  Element.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
  Application[0] = 1.3.6.1.5.5.7.3.2 Client Authentication
  ----------------  Certificate AIA  ----------------
  Verified "Certificate (0)" Time: 0 {H1}
    [0.0] http://pki.contoso.com/aia/IssuingCA.crt
  ----------------  Certificate CDP  ----------------
  Verified "Base CRL (5a)" Time: 0 {H1}
    [0.0] http://pki.contoso.com/cdp/IssuingCA.crl
  ----------------  Certificate OCSP  ----------------
  No URLs "None" Time: 0 (null)
  --------------------------------
CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=0
  Issuer: CN=Contoso Root CA
  NotBefore: 1/1/2020 9:00 AM
  NotAfter: 1/1/2040 9:00 AM
  Subject: CN=Contoso Root CA
  Serial: 0f
  Cert: {H1}
  Element.dwInfoStatus = CERT_TRUST_HAS_NAME_MATCH_ISSUER (0x4)
  Element.dwInfoStatus = CERT_TRUST_IS_SELF_SIGNED (0x8)
  Element.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)
  ----------------  Certificate AIA  ----------------
  No URLs "None" Time: 0 (null)
  --------------------------------
Exclude leaf cert:
  Chain: {H1}
Full chain:
  Chain: {H1}
------------------------------------
Leaf certificate revocation check passed
CertUtil: -verify command completed successfully.
"""


def test_scaling_is_linear_in_lines_and_elements() -> None:
    assert len(UNIT.splitlines()) == 40
    n = 5
    small = parse_certutil_verify(UNIT * n)
    large = parse_certutil_verify(UNIT * (8 * n))
    assert small.unparsed == () and large.unparsed == ()
    assert len(small.elements) == 2 * n
    assert len(large.elements) == 8 * len(small.elements)
    assert large.line_count == 8 * small.line_count == 8 * 40 * n
    checks = [sum(len(e.url_checks) for e in r.elements) for r in (small, large)]
    assert checks[1] == 8 * checks[0] == 8 * 4 * n
    tokens = [
        sum(1 for _ in get_parser(CERTUTIL_VERIFY).parse(normalize(UNIT * k).text).scan_values(
            lambda v: isinstance(v, Token)))
        for k in (n, 8 * n)
    ]
    assert tokens[1] == 8 * tokens[0] == 8 * 40 * n
    # Each copy's elements keep their own indices and line numbers.
    assert [e.index for e in large.elements[:4]] == [0, 1, 0, 1]
    assert large.elements[-1].span.start == 40 * (8 * n - 1) + 21
