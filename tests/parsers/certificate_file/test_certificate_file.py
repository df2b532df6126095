"""Certificate files (.cer / .crt / .pem / .p7b): sniffing, parsing, predicates, rules, and the
pipeline end to end.

Certificates are generated here with `cryptography` (through the builders in
tests/helpers/certs.py, a copy of those of scripts/make_certfile_fixtures.py); the committed
fixtures under fixtures/certs/ are checked against the table of their README at the end.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from certtriage import analyze_bytes, analyze_path
from certtriage.knowledge.predicates import PREDICATES, Binding, check_args
from certtriage.parsers import certificate_file as cf_format
from certtriage.parsers.certificate_file import parser as cf
from certtriage.parsers.certificate_file.model import CertificateFile
from certtriage.parsers.certificate_file.predicates import is_ca, url_kinds
from certtriage.pipeline import detect as detect_bytes

from ...conftest import FIXTURES
from ...helpers import certs

CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
ANY = "2.5.29.37.0"
NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests build certificates around the real current time (`NOW`)."""
    monkeypatch.delenv("CERTTRIAGE_NOW", raising=False)


# ---- certificates built for the tests ------------------------------------------------------
@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    """A root, an issuing CA and the keys, built once for the module."""
    root = certs.build(certs.name("Test Root CA", "Contoso Ltd"), ca=True, key_usage=certs.CA_KU,
                     not_before=certs.utc(2020))
    issuing = certs.build(certs.name("Test Issuing CA", "Contoso Ltd"), issuer=root, ca=True,
                        path_length=0, key_usage=certs.CA_KU, not_before=certs.utc(2020),
                        cdp=["http://pki.contoso.com/root.crl"])
    leaf_key = certs.rsa_key()
    return {"root": root, "issuing": issuing, "leaf_key": leaf_key}


def client(pki: dict[str, Any], cn: str = "Avery Howard", **overrides: Any) -> Any:
    """A Contoso client certificate (reusing one key to keep the tests quick)."""
    overrides.setdefault("key", pki["leaf_key"])
    return certs.contoso_client(pki["issuing"], cn, **overrides)


def parse(data: bytes) -> CertificateFile:
    assert cf_format.sniff_bytes(data)
    return cf.parse(data)


def rules_of(data: bytes) -> set[str]:
    result = analyze_bytes(data, "input")
    assert result.kind == "certificate-file", result.error
    assert all(f.cause != "rule-error" for f in result.findings), result.findings
    return {f.rule for f in result.findings}


# ---- sniffing ------------------------------------------------------------------------------
def test_sniff_accepts_der_pem_pkcs7_and_utf16(pki: dict[str, Any]) -> None:
    leaf = client(pki)
    pem = certs.pem(leaf)
    assert cf_format.sniff_bytes(certs.der(leaf))
    assert cf_format.sniff_bytes(pem)
    assert cf_format.sniff_bytes(certs.p7b(leaf, pki["issuing"]))
    assert cf_format.sniff_bytes(certs.p7b(leaf, encoding=serialization.Encoding.PEM))
    assert cf_format.sniff_bytes(b"Subject: CN=Avery Howard\r\nsome notes\r\n\r\n" + pem)
    assert cf_format.sniff_bytes(pem.replace(b"CERTIFICATE", b"X509 CERTIFICATE"))
    text = pem.decode()
    assert cf_format.sniff_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert cf_format.sniff_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert cf_format.sniff_bytes(("notes first\n" + text).encode("utf-16-le"))  # no BOM
    assert cf_format.sniff_bytes(codecs.BOM_UTF8 + pem)


@pytest.mark.parametrize("label", ["CERTIFICATE", "X509 CERTIFICATE", "PKCS7"])
@pytest.mark.parametrize("encoding", ["ascii", "utf-8", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("before", ["", "x", "Exported by certtriage tests:\r\n\r\n"])
def test_every_marker_is_found_in_every_encoding(label: str, encoding: str,
                                                 before: str) -> None:
    """The quick check (two searches) never hides a marker the full search finds."""
    marker = f"-----BEGIN {label}-----\nMIIB\n"
    boms = {"utf-16-le": [b"", codecs.BOM_UTF16_LE], "utf-16-be": [b"", codecs.BOM_UTF16_BE],
            "utf-8": [b"", codecs.BOM_UTF8], "ascii": [b""]}[encoding]
    for bom in boms:
        assert cf_format.sniff_bytes(bom + (before + marker).encode(encoding))
        assert not cf_format.sniff_bytes(bom + (before + marker.replace("BEGIN", "BEG1N"))
                                         .encode(encoding))


def test_sniff_accepts_a_small_ed25519_certificate() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(certs.utc(2024)).not_valid_after(certs.utc(2099))
            .sign(key, None))
    der = cert.public_bytes(serialization.Encoding.DER)
    assert der[1] == 0x81  # under 256 bytes: a one-byte long-form length
    assert cf_format.sniff_bytes(der)
    info = cf.parse(der).certificates[0]
    assert info.self_signed and info.key.type == "Ed25519" and info.signature_hash == "ed25519"


def _zip_with(member: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("client.pem", member)
    return buffer.getvalue()


def test_sniff_rejects_other_inputs(pki: dict[str, Any]) -> None:
    leaf = client(pki)
    pem = certs.pem(leaf)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(pki["root"].cert.subject)
           .last_update(certs.utc(2025)).next_update(certs.utc(2026))
           .sign(pki["root"].key, hashes.SHA256()))
    pfx = pkcs12.serialize_key_and_certificates(
        b"a", pki["leaf_key"], leaf.cert, None, serialization.NoEncryption())
    key_only = pki["leaf_key"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    for data in (
        b"", b"ElfFile\x00" + b"\x00" * 120 + pem,     # EVTX, even with a PEM inside
        _zip_with(pem),                              # zip holding a PEM, stored uncompressed
        b"\x01\x00\x02\x00binary" + pem,             # binary before the marker
        b"CertUtil: -verify command completed successfully.\r\n",
        b"The user must paste the BEGIN CERTIFICATE text here.\n",  # no PEM marker
        crl.public_bytes(serialization.Encoding.DER),
        pfx, key_only,
        b"\x30\x82\x01\x00" + b"\x00" * 256,
    ):
        assert not cf_format.sniff_bytes(data), data[:40]


def test_pem_beyond_the_sniff_window_is_not_claimed(pki: dict[str, Any]) -> None:
    pem = certs.pem(client(pki))
    assert not cf_format.sniff_bytes(b"x" * cf_format.SNIFF_WINDOW + pem)
    assert cf_format.sniff_bytes(b"x" * (cf_format.SNIFF_WINDOW - len(pem)) + pem)


def test_registry_routes_certificates_to_this_format(pki: dict[str, Any]) -> None:
    found = detect_bytes(certs.der(client(pki)))
    assert found is not None and found.id == "certificate-file"


# ---- parsing -------------------------------------------------------------------------------
def test_der_client_certificate_fields(pki: dict[str, Any]) -> None:
    leaf = client(pki, template_name="ClientAuth")
    doc = parse(certs.der(leaf))
    assert doc.container == "der" and doc.unparsed == ()
    (info,) = doc.certificates
    cert = leaf.cert
    assert info.index == 0
    assert info.subject == "CN=Avery Howard,OU=Sales,O=Contoso Ltd"
    assert info.issuer == "CN=Test Issuing CA,O=Contoso Ltd"
    assert int(info.serial, 16) == cert.serial_number and len(info.serial) % 2 == 0
    assert info.thumbprint == cert.fingerprint(hashes.SHA1()).hex()
    assert info.sha256 == cert.fingerprint(hashes.SHA256()).hex()
    assert info.thumbprint == info.thumbprint.lower() and len(info.thumbprint) == 40
    assert info.not_before == certs.utc(2025) and info.not_after == certs.utc(2099, 12, 31)
    assert info.not_before.tzinfo is not None
    assert info.self_signed is False
    assert info.is_ca is None and info.path_length is None
    assert info.key_usage == ("digitalSignature", "keyEncipherment")
    assert info.ekus == ((CLIENT_AUTH, "Client Authentication"),
                         ("1.3.6.1.5.5.7.3.4", "Secure Email"))
    assert info.has_any_eku is False
    assert info.cdp_urls == (certs.CONTOSO_CDP,)
    assert info.aia_ca_issuers == (certs.CONTOSO_AIA,)
    assert info.ocsp_urls == (certs.CONTOSO_OCSP,)
    assert info.subject_alt_names == ("UPN:avery.howard@contoso.com",
                                      "email:avery.howard@contoso.com")
    assert info.template == "ClientAuth"  # the v1 name wins over the v2 OID
    assert info.signature_hash == "sha256"
    assert (info.key.type, info.key.size, info.key.curve) == ("RSA", 2048, None)


def test_template_oid_when_there_is_no_template_name(pki: dict[str, Any]) -> None:
    info = parse(certs.der(client(pki))).certificates[0]
    assert info.template == certs.USER_TEMPLATE


def test_ca_certificates_and_self_signed(pki: dict[str, Any]) -> None:
    root = parse(certs.der(pki["root"])).certificates[0]
    issuing = parse(certs.der(pki["issuing"])).certificates[0]
    assert root.self_signed is True and root.is_ca is True and root.path_length is None
    assert issuing.self_signed is False and issuing.is_ca is True and issuing.path_length == 0
    assert "keyCertSign" in issuing.key_usage and issuing.ekus is None


def test_equal_names_with_a_foreign_signature_are_not_self_signed(pki: dict[str, Any]) -> None:
    # A renewed CA signed by its previous key: issuer == subject, but not self-signed.
    old = certs.build(certs.name("Renewed CA", "Contoso Ltd"), ca=True)
    renewed = certs.build(certs.name("Renewed CA", "Contoso Ltd"), issuer=old, ca=True)
    info = parse(certs.der(renewed)).certificates[0]
    assert info.issuer == info.subject
    assert info.self_signed is False
    assert parse(certs.der(old)).certificates[0].self_signed is True


def test_weak_signatures_are_read_and_still_verified(pki: dict[str, Any]) -> None:
    for hash_name in ("sha1", "md5"):
        weak_root = certs.weaken(pki["root"], pki["root"].key, hash_name)
        info = parse(certs.der(weak_root)).certificates[0]
        assert info.signature_hash == hash_name
        assert info.self_signed is True  # the signature verifies with the weak hash


def test_ec_key_and_no_extensions() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bare")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else")]))
        .public_key(key.public_key()).serial_number(0x1234)
        .not_valid_before(certs.utc(2024)).not_valid_after(certs.utc(2099))
        .sign(key, hashes.SHA384()))
    info = parse(cert.public_bytes(serialization.Encoding.DER)).certificates[0]
    assert (info.key.type, info.key.size, info.key.curve) == ("EC", 256, "secp256r1")
    assert info.signature_hash == "sha384" and info.serial == "1234"
    assert info.ekus is None and info.key_usage is None and info.is_ca is None
    assert info.cdp_urls == () and info.template is None and info.subject_alt_names == ()


def test_pkcs7_keeps_order_and_container(pki: dict[str, Any]) -> None:
    leaf = client(pki)
    der = parse(certs.p7b(leaf, pki["issuing"], pki["root"]))
    assert der.container == "pkcs7"
    assert {c.subject for c in der.certificates} == {
        leaf.cert.subject.rfc4514_string(), pki["issuing"].cert.subject.rfc4514_string(),
        pki["root"].cert.subject.rfc4514_string()}
    assert [c.index for c in der.certificates] == [0, 1, 2]
    pem = parse(certs.p7b(leaf, pki["root"], encoding=serialization.Encoding.PEM))
    assert pem.container == "pkcs7" and len(pem.certificates) == 2


def test_pem_with_text_before_and_several_blocks(pki: dict[str, Any]) -> None:
    leaf = client(pki)
    data = (b"Bag Attributes\n    friendlyName: Avery\nsubject=CN=Avery Howard\n\n"
            + certs.pem(leaf) + b"\nThe issuing CA:\n" + certs.pem(pki["issuing"]))
    doc = parse(data)
    assert doc.container == "pem" and doc.unparsed == ()
    assert [c.subject.split(",")[0] for c in doc.certificates] == [
        "CN=Avery Howard", "CN=Test Issuing CA"]
    assert doc.certificates[1].index == 1


def test_utf16_pem_from_windows_tools(pki: dict[str, Any]) -> None:
    text = certs.pem(client(pki)).decode().replace("\n", "\r\n")
    for data in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
                 codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
                 ("Exported:\r\n" + text).encode("utf-16-le")):
        doc = parse(data)
        assert doc.certificates[0].subject.startswith("CN=Avery Howard")


def test_x509_certificate_label(pki: dict[str, Any]) -> None:
    data = certs.pem(client(pki)).replace(b"CERTIFICATE", b"X509 CERTIFICATE")
    assert parse(data).certificates[0].subject.startswith("CN=Avery Howard")


def test_other_blocks_and_broken_blocks_are_kept_as_unparsed(pki: dict[str, Any]) -> None:
    key = pki["leaf_key"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    broken = b"-----BEGIN CERTIFICATE-----\nTUlJQm9ndXM=\n-----END CERTIFICATE-----\n"
    data = certs.pem(client(pki)) + key + broken
    doc = parse(data)
    assert len(doc.certificates) == 1
    reasons = [u.reason for u in doc.unparsed]
    assert len(reasons) == 2
    assert "private key" in reasons[0] and doc.unparsed[0].text == "-----BEGIN PRIVATE KEY-----"
    assert "does not decode" in reasons[1]
    assert doc.unparsed[1].line == data[:data.index(broken)].count(b"\n") + 1


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "empty"),
    (b"   \r\n", "empty"),
    (b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", "is empty"),
    (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "has no END line"),
    (b"-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
     "not base64"),
    (b"-----BEGIN CERTIFICATE-----\nMIIBogu\n-----END CERTIFICATE-----\n", "not valid base64"),
    (b"-----BEGIN CERTIFICATE-----\nTUlJQm9ndXM=\n-----END CERTIFICATE-----\n",
     "does not decode"),
    (b"-----BEGIN PKCS7-----\nTUlJQm9ndXM=\n-----END PKCS7-----\n", "does not decode"),
])
def test_unreadable_input_raises_a_one_line_value_error(data: bytes, expected: str) -> None:
    with pytest.raises(ValueError, match=expected) as info:
        cf.parse(data)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("body", ["blahblahblahblahblahblahblahblahblahblahblahblahblahblah",
                                  "TUlJQm9ndXM=", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"])
def test_a_block_that_is_no_der_says_so_in_words(body: str) -> None:
    """The ASN.1 reader prints its own structures (`ParseError { kind: UnexpectedTag ... }`):
    the reason says what it found wrong instead."""
    data = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n".encode()
    with pytest.raises(ValueError, match="does not decode") as info:
        cf.parse(data)
    assert "{" not in str(info.value) and "\n" not in str(info.value)


#: Evidence a post quotes beside a client certificate in PEM, and the format it is read as.
_BESIDE_PEM = {
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt":
        "certutil-verify",
    "events/copy-details/schannel-36885.txt": "event-log",
    "iis-logs/iis10-untrusted-root.log": "iis-w3c-log",
}


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("evidence", list(_BESIDE_PEM))
def test_a_certificate_beside_other_evidence_leaves_it_its_diagnosis(
        pki: dict[str, Any], evidence: str, where: str) -> None:
    """A certificate file may carry a few lines around its blocks; a paste of other output
    with a certificate in it is that output, diagnosed as it is alone."""
    other = (FIXTURES / evidence).read_bytes()
    pem = b"The user's certificate:\n\n" + certs.pem(client(pki)) + b"\n"
    data = pem + other if where == "before" else other + b"\n" + pem
    alone = analyze_bytes(other, evidence)
    result = analyze_bytes(data, evidence)
    assert result.kind == _BESIDE_PEM[evidence]
    assert (result.verdict, result.root_causes) == (alone.verdict, alone.root_causes)


#: What posts show in place of a certificate or key they leave out, begun and ended on one line.
_PLACEHOLDERS = {
    "dots": "cert: '-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----'",
    "ellipsis": '"-----BEGIN CERTIFICATE-----\u2026-----END CERTIFICATE-----",',
    "snip": "-----BEGIN CERTIFICATE----- <snip> -----END CERTIFICATE-----",
    "words": "  key: -----BEGIN RSA PRIVATE KEY----- [removed] -----END RSA PRIVATE KEY-----",
}


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("shape", list(_PLACEHOLDERS))
@pytest.mark.parametrize("evidence", list(_BESIDE_PEM))
def test_a_left_out_certificate_beside_evidence_is_no_certificate_file(
        evidence: str, shape: str, where: str) -> None:
    """A block begun and ended on one line holds no certificate: the evidence around it (also
    after it) is read as it is alone, not refused as a block that is not base64."""
    other = (FIXTURES / evidence).read_bytes()
    line = _PLACEHOLDERS[shape].encode() + b"\n"
    data = line + b"\n" + other if where == "before" else other + b"\n" + line
    alone = analyze_bytes(other, evidence)
    result = analyze_bytes(data, evidence)
    assert result.kind == _BESIDE_PEM[evidence], result.error
    assert (result.verdict, result.root_causes) == (alone.verdict, alone.root_causes)


@pytest.mark.parametrize("shape", list(_PLACEHOLDERS))
def test_a_text_of_left_out_certificates_alone_is_no_certificate_file(shape: str) -> None:
    text = f"Our proxy settings:\n\n{_PLACEHOLDERS[shape]}\n\nIt always returns 403.\n"
    assert not cf_format.sniff_bytes(text.encode())
    # a block of several lines that is not base64 is still a certificate file that says so
    broken = "-----BEGIN CERTIFICATE-----\n ... \n-----END CERTIFICATE-----\n"
    assert cf_format.sniff_bytes(broken.encode())


def test_a_certificate_in_a_post_is_one_of_its_pieces(pki: dict[str, Any]) -> None:
    netsh = (FIXTURES / "netsh" / "revocation-disabled.txt").read_text()
    prose = "".join(f"Line {i} of what we tried, with no luck so far.\n" for i in range(14))
    text = ("Hi team,\n\nthe user's certificate:\n\n" + certs.pem(client(pki)).decode()
            + "\nand the binding:\n\n" + netsh + "\n" + prose)
    result = analyze_bytes(text.encode(), "post.txt")
    assert "certificate-file" in {p.kind for p in result.pieces}
    assert any(i.kind == "certificate" for i in result.identities)


def test_corrupt_der_and_pkcs7_raise_value_errors(pki: dict[str, Any]) -> None:
    der = certs.der(client(pki))
    with pytest.raises(ValueError, match="not a readable DER certificate") as info:
        cf.parse(der[:400])
    assert "\n" not in str(info.value)
    p7b = certs.p7b(client(pki))
    with pytest.raises(ValueError, match="not a readable PKCS #7 file"):
        cf.parse(p7b[:200])


# ---- predicates ----------------------------------------------------------------------------
def run(name: str, doc: CertificateFile, binding: Binding | None = None,
        **args: Any) -> list[Binding]:
    check_args(name, args)  # the arguments a rule could give
    return list(PREDICATES[name](doc, binding or Binding(), **args))


@pytest.fixture(scope="module")
def chain(pki: dict[str, Any]) -> CertificateFile:
    """leaf, issuing CA, root (a .p7b)."""
    return cf.parse(certs.p7b(client(pki), pki["issuing"], pki["root"]))


def _index_of(doc: CertificateFile, cn: str) -> int:
    return next(c.index for c in doc.certificates if f"CN={cn}" in c.subject)


def test_certfile_certificate_roles(chain: CertificateFile) -> None:
    leaf, issuing, root = (_index_of(chain, n) for n in
                           ("Avery Howard", "Test Issuing CA", "Test Root CA"))
    assert [b.index for b in run("certfile_certificate", chain)] == [0, 1, 2]
    assert [b.index for b in run("certfile_certificate", chain, role="end-entity")] == [leaf]
    assert sorted(b.index for b in run("certfile_certificate", chain, role="ca")) == sorted(
        [issuing, root])
    assert [b.index for b in run("certfile_certificate", chain, self_signed=True)] == [root]
    found = run("certfile_certificate", chain, role="end-entity")[0]
    assert found.values["context"] == f"certificate {leaf} (CN=Avery Howard,OU=Sales,O=Contoso Ltd)"
    assert found.values["cert_role"] == "end-entity certificate"
    assert found.values["cert_who"].startswith(f"end-entity certificate {leaf} (CN=Avery")
    by_root = run("certfile_certificate", chain, self_signed=True)[0]
    assert by_root.values["cert_role"] == "root CA certificate"
    # A binding that already names a certificate narrows the predicate to it.
    assert run("certfile_certificate", chain, Binding(index=leaf), role="ca") == []
    with pytest.raises(ValueError):
        check_args("certfile_certificate", {"role": "leaf"})


def test_is_ca_without_basic_constraints(pki: dict[str, Any]) -> None:
    issuer = certs.build(certs.name("Old CA"))  # no basic constraints, no key usage
    leaf = certs.build(certs.name("Someone"), issuer=issuer)
    doc = cf.parse(certs.pem(leaf) + certs.pem(issuer))
    assert doc.certificates[1].is_ca is None
    assert is_ca(doc, doc.certificates[1]) is True
    assert is_ca(doc, doc.certificates[0]) is False
    alone = cf.parse(certs.pem(issuer))
    assert is_ca(alone, alone.certificates[0]) is False


def test_certfile_eku_lacks(pki: dict[str, Any]) -> None:
    server = parse(certs.der(client(pki, ekus=[certs.SERVER_AUTH])))
    good = parse(certs.der(client(pki)))
    anyp = parse(certs.der(client(pki, ekus=[certs.ANY_PURPOSE])))
    none = parse(certs.der(client(pki, ekus=None)))
    found = run("certfile_eku_lacks", server, oid=CLIENT_AUTH)
    assert [b.index for b in found] == [0]
    assert found[0].values["ekus"] == "Server Authentication (1.3.6.1.5.5.7.3.1)"
    assert run("certfile_eku_lacks", good, oid=CLIENT_AUTH) == []
    assert run("certfile_eku_lacks", anyp, oid=CLIENT_AUTH) == []
    assert len(run("certfile_eku_lacks", anyp, oid=CLIENT_AUTH, any_purpose_counts=False)) == 1
    assert run("certfile_eku_lacks", none, oid=CLIENT_AUTH) == []


def test_certfile_eku_lists(pki: dict[str, Any]) -> None:
    anyp = parse(certs.der(client(pki, ekus=[certs.ANY_PURPOSE])))
    good = parse(certs.der(client(pki)))
    assert len(run("certfile_eku_lists", anyp, oid=ANY)) == 1
    assert run("certfile_eku_lists", good, oid=ANY) == []
    assert len(run("certfile_eku_lists", good, oid=CLIENT_AUTH)) == 1


def test_certfile_eku_allows(pki: dict[str, Any]) -> None:
    cases = {None: True, (certs.CLIENT_AUTH,): True, (certs.ANY_PURPOSE,): True,
             (certs.SERVER_AUTH,): False}
    for ekus, allowed in cases.items():
        doc = parse(certs.der(client(pki, ekus=list(ekus) if ekus else None)))
        assert bool(run("certfile_eku_allows", doc, oid=CLIENT_AUTH)) is allowed, ekus


def test_certfile_key_usage_lacks(pki: dict[str, Any]) -> None:
    weak = parse(certs.der(client(pki, key_usage=("key_encipherment",))))
    good = parse(certs.der(client(pki)))
    free = parse(certs.der(client(pki, key_usage=None)))
    found = run("certfile_key_usage_lacks", weak, usage="digitalSignature")
    assert len(found) == 1 and found[0].values["key_usage"] == "keyEncipherment"
    assert run("certfile_key_usage_lacks", good, usage="digitalSignature") == []
    assert run("certfile_key_usage_lacks", free, usage="digitalSignature") == []
    with pytest.raises(ValueError):
        check_args("certfile_key_usage_lacks", {"usage": "digital_signature"})


def test_certfile_time_invalid_against_the_current_time(pki: dict[str, Any]) -> None:
    expired = parse(certs.der(client(pki, not_before=NOW - timedelta(days=400),
                                   not_after=NOW - timedelta(days=30))))
    future = parse(certs.der(client(pki, not_before=NOW + timedelta(days=30))))
    valid = parse(certs.der(client(pki)))
    found = run("certfile_time_invalid", expired)
    assert len(found) == 1
    assert found[0].values["validity"].startswith("expired (NotAfter ")
    assert found[0].values["time_basis"].startswith("the current time")
    assert found[0].values["checked_at"].endswith(" UTC")
    assert run("certfile_time_invalid", future)[0].values["validity"].startswith(
        "not yet valid (NotBefore ")
    assert run("certfile_time_invalid", valid) == []
    assert run("certfile_time_invalid", expired, state="not-yet-valid") == []
    assert run("certfile_time_invalid", future, state="expired") == []
    assert len(run("certfile_time_invalid", future, state="not-yet-valid")) == 1


def test_certfile_time_invalid_uses_the_time_an_earlier_condition_set(
        pki: dict[str, Any]) -> None:
    old = parse(certs.der(client(pki, not_before=certs.utc(2020), not_after=certs.utc(2021))))
    during = Binding(values={"at": "2020-06-01T12:00:00Z"})
    after = Binding(values={"at": "2022-01-01T00:00:00"})  # naive: read as UTC
    assert run("certfile_time_invalid", old, during) == []
    found = run("certfile_time_invalid", old, after)
    assert len(found) == 1
    assert found[0].values["checked_at"] == "2022-01-01 00:00:00 UTC"
    assert found[0].values["time_basis"] == "the time of the evidence"
    assert found[0].values["at"] == "2022-01-01T00:00:00"  # kept for later conditions
    before = run("certfile_time_invalid", old, Binding(values={"at": "2019-01-01T00:00:00+02:00"}))
    assert before[0].values["validity"].startswith("not yet valid")
    unreadable = run("certfile_time_invalid", old, Binding(values={"at": "yesterday"}))
    assert unreadable[0].values["time_basis"].startswith("the current time")


def test_certfile_weak_signature(pki: dict[str, Any]) -> None:
    strong = parse(certs.der(client(pki)))
    sha1 = parse(certs.der(certs.weaken(client(pki), pki["issuing"].key, "sha1")))
    md5 = parse(certs.der(certs.weaken(client(pki), pki["issuing"].key, "md5")))
    assert run("certfile_weak_signature", strong) == []
    assert run("certfile_weak_signature", sha1)[0].values["hash"] == "SHA-1"
    assert run("certfile_weak_signature", md5)[0].values["hash"] == "MD5"
    assert run("certfile_weak_signature", sha1, hashes=["md5"]) == []
    assert len(run("certfile_weak_signature", strong, hashes=["sha256"])) == 1


def test_certfile_lacks_revocation_urls(pki: dict[str, Any]) -> None:
    bare = parse(certs.der(client(pki, cdp=(), ocsp=())))
    ocsp_only = parse(certs.der(client(pki, cdp=())))
    cdp_only = parse(certs.der(client(pki, ocsp=())))
    assert len(run("certfile_lacks_revocation_urls", bare)) == 1
    assert run("certfile_lacks_revocation_urls", ocsp_only) == []
    assert run("certfile_lacks_revocation_urls", cdp_only) == []


def test_url_kinds() -> None:
    assert url_kinds("http://corppki/crl/a.crl") == {"http", "single-label-host"}
    assert url_kinds("HTTPS://pki.contoso.com/a.crl") == {"https"}
    assert url_kinds("ldap:///CN=Contoso,CN=CDP?certificateRevocationList") == {"ldap"}
    assert url_kinds("ldap://dc01/CN=Contoso") == {"ldap", "single-label-host"}
    assert url_kinds("http://10.1.2.3/a.crl") == {"http"}
    assert url_kinds("http://[::1]/a.crl") == {"http"}
    assert url_kinds("file://server/share/a.crl") == {"file", "single-label-host"}
    assert url_kinds("gopher://x.example/") == {"other"}


def test_certfile_urls(pki: dict[str, Any]) -> None:
    ldap = "ldap:///CN=Contoso%20Issuing%20CA,CN=CDP?certificateRevocationList"
    internal = "http://corppki/crl/ca.crl"
    public = "http://pki.contoso.com/crl/ca.crl"
    only_ldap = parse(certs.der(client(pki, cdp=[ldap], ocsp=())))
    mixed = parse(certs.der(client(pki, cdp=[ldap, internal], ocsp=())))
    with_public = parse(certs.der(client(pki, cdp=[ldap, public])))
    https = parse(certs.der(client(pki, cdp=[public], aia=["https://pki.contoso.com/ca.crt"])))

    found = run("certfile_urls", only_ldap, kinds=["ldap"], sources=["cdp"], every=True)
    assert len(found) == 1 and found[0].values["matched_url"] == ldap
    assert run("certfile_urls", mixed, kinds=["ldap"], sources=["cdp"], every=True) == []
    assert len(run("certfile_urls", mixed, kinds=["ldap", "single-label-host"],
                   sources=["cdp"], every=True)) == 1
    single = run("certfile_urls", mixed, kinds=["single-label-host"], sources=["cdp"])
    assert single[0].values["matched_urls"] == internal
    assert run("certfile_urls", with_public, kinds=["ldap"], sources=["cdp"], every=True) == []
    assert len(run("certfile_urls", with_public, kinds=["ldap"], sources=["cdp"])) == 1
    found = run("certfile_urls", https, kinds=["https"], sources=["cdp", "aia"])
    assert found[0].values["matched_urls"] == "https://pki.contoso.com/ca.crt"
    assert run("certfile_urls", https, kinds=["https"], sources=["cdp"]) == []
    assert len(run("certfile_urls", with_public, kinds=["http"], sources=["ocsp"])) == 1
    assert run("certfile_urls", with_public, kinds=["http"], sources=["ocsp"],
               exclude_kinds=["http"]) == []
    with pytest.raises(ValueError):
        check_args("certfile_urls", {"kinds": ["gopher"], "sources": ["cdp"]})
    with pytest.raises(ValueError):
        check_args("certfile_urls", {"kinds": ["ldap"], "sources": ["crl"]})


def test_predicates_ignore_other_documents() -> None:
    names = [n for n in PREDICATES if n.startswith("certfile_")]
    assert len(names) == 9
    args: dict[str, dict[str, Any]] = {
        "certfile_eku_lacks": {"oid": CLIENT_AUTH}, "certfile_eku_lists": {"oid": ANY},
        "certfile_eku_allows": {"oid": CLIENT_AUTH},
        "certfile_key_usage_lacks": {"usage": "digitalSignature"},
        "certfile_urls": {"kinds": ["ldap"], "sources": ["cdp"]},
    }
    for name in names:
        assert list(PREDICATES[name](object(), Binding(), **args.get(name, {}))) == []


# ---- rules, through the pipeline -----------------------------------------------------------
def test_clean_client_chain_has_no_findings(pki: dict[str, Any]) -> None:
    result = analyze_bytes(certs.p7b(client(pki), pki["issuing"], pki["root"]), "chain.p7b")
    assert (result.kind, result.status, result.error) == ("certificate-file", "parsed", None)
    assert result.findings == () and result.verdict == "inconclusive"
    assert isinstance(result.model, CertificateFile) and len(result.model.certificates) == 3
    dumped = result.model_dump_json()
    assert '"thumbprint"' in dumped and '"not_after":"2099-12-31T00:00:00Z"' in dumped


def test_server_certificate_lacks_client_auth(pki: dict[str, Any]) -> None:
    result = analyze_bytes(certs.pem(client(pki, ekus=[certs.SERVER_AUTH])), "server.crt")
    (finding,) = result.findings
    assert (finding.rule, finding.cause, finding.severity) == (
        "CRT001", "missing-client-auth-eku", "warning")
    assert finding.iis_substatus == ("403.7", "403.16")
    assert finding.element == 0
    assert finding.context == "certificate 0 (CN=Avery Howard,OU=Sales,O=Contoso Ltd)"
    assert "Server Authentication (1.3.6.1.5.5.7.3.1)" in finding.message
    assert "?" not in finding.message  # every placeholder was filled
    assert finding.remediation and finding.why


def test_any_purpose_is_information_only(pki: dict[str, Any]) -> None:
    result = analyze_bytes(certs.der(client(pki, ekus=[certs.ANY_PURPOSE])), "any.cer")
    assert [(f.rule, f.severity) for f in result.findings] == [("CRT002", "info")]


def test_expired_and_not_yet_valid(pki: dict[str, Any]) -> None:
    expired = analyze_bytes(certs.der(client(pki, not_before=certs.utc(2019),
                                           not_after=certs.utc(2021))), "old.cer")
    (finding,) = expired.findings
    assert (finding.rule, finding.cause, finding.severity) == ("CRT003", "not-time-valid",
                                                               "error")
    assert "403.17" in finding.message and "the current time" in finding.message
    assert "NotAfter 2021-01-01 00:00:00 UTC" in finding.message
    assert (expired.verdict, list(expired.root_causes), finding.iis_substatus) == (
        "fail", ["not-time-valid"], ("403.17",))
    future = analyze_bytes(certs.der(client(pki, not_before=NOW + timedelta(days=3))), "new.cer")
    assert [f.rule for f in future.findings] == ["CRT003"]
    assert "not yet valid" in future.findings[0].message
    assert future.verdict == "fail"


_PERIODS = {  # NotBefore, NotAfter relative to now (days), and whether the period holds now
    "expired": (-800, -30, False), "expired-a-minute-ago": (-800, -0.001, False),
    "valid": (-30, 300, True), "not-yet-valid": (3, 400, False),
}


@pytest.mark.parametrize("period", sorted(_PERIODS))
@pytest.mark.parametrize("where", ["client", "ca-in-bundle"])
def test_validity_now_decides_the_verdict(pki: dict[str, Any], period: str, where: str) -> None:
    start, end, holds = _PERIODS[period]
    dates = {"not_before": NOW + timedelta(days=start), "not_after": NOW + timedelta(days=end)}
    if where == "client":
        data, name = certs.der(client(pki, **dates)), "client.cer"
    else:
        ca = certs.build(certs.name("Dated CA", "Contoso Ltd"), issuer=pki["root"], ca=True,
                         key_usage=certs.CA_KU, cdp=["http://pki.contoso.com/root.crl"], **dates)
        data, name = certs.p7b(client(pki), ca, pki["root"]), "bundle.p7b"
    result = analyze_bytes(data, name)
    timed = [f for f in result.findings if f.rule == "CRT003"]
    assert len(timed) == (0 if holds else 1)
    assert (result.verdict == "fail") == (not holds)
    if timed:
        assert timed[0].root_cause and "403.17" in timed[0].iis_substatus
        assert "the current time" in timed[0].message


def test_expired_ca_in_a_bundle_is_named(pki: dict[str, Any]) -> None:
    old_ca = certs.build(certs.name("Expired CA", "Contoso Ltd"), issuer=pki["root"], ca=True,
                       key_usage=certs.CA_KU, not_before=certs.utc(2015), not_after=certs.utc(2020),
                       cdp=["http://pki.contoso.com/root.crl"])
    result = analyze_bytes(certs.p7b(client(pki), old_ca, pki["root"]), "bundle.p7b")
    doc = result.model
    assert isinstance(doc, CertificateFile)
    index = _index_of(doc, "Expired CA")
    (finding,) = [f for f in result.findings if f.rule == "CRT003"]
    assert finding.element == index and "CA certificate" in finding.message


def test_ca_restricted_to_server_authentication(pki: dict[str, Any]) -> None:
    web_ca = certs.build(certs.name("Web CA", "Fabrikam Inc"), issuer=pki["root"], ca=True,
                       key_usage=certs.CA_KU, ekus=[certs.SERVER_AUTH],
                       cdp=["http://pki.contoso.com/root.crl"])
    result = analyze_bytes(certs.p7b(client(pki), web_ca, pki["root"]), "bundle.p7b")
    doc = result.model
    assert isinstance(doc, CertificateFile)
    (finding,) = result.findings
    assert finding.rule == "CRT004" and finding.element == _index_of(doc, "Web CA")
    assert finding.cause == "missing-client-auth-eku"


def test_weak_signature_rule(pki: dict[str, Any]) -> None:
    sha1 = certs.weaken(client(pki), pki["issuing"].key, "sha1")
    assert rules_of(certs.der(sha1)) == {"CRT005"}
    md5_root = certs.weaken(pki["root"], pki["root"].key, "md5")
    assert rules_of(certs.der(md5_root)) == set()  # a root's own signature is not judged


def test_no_revocation_info_rule(pki: dict[str, Any]) -> None:
    result = analyze_bytes(certs.der(client(pki, cdp=(), ocsp=(), aia=())), "bare.cer")
    (finding,) = result.findings
    assert (finding.rule, finding.cause, finding.iis_substatus) == (
        "CRT006", "no-revocation-info", ("403.13",))
    assert rules_of(certs.der(pki["root"])) == set()  # self-signed: nothing to check


def test_cdp_url_rules(pki: dict[str, Any]) -> None:
    ldap = "ldap:///CN=Contoso%20Issuing%20CA,CN=CDP?certificateRevocationList"
    assert rules_of(certs.der(client(pki, cdp=[ldap], ocsp=()))) == {"CRT007"}
    assert rules_of(certs.der(client(pki, cdp=[ldap]))) == set()  # an HTTP OCSP responder helps
    corppki = client(pki, cdp=["http://corppki/crl/ca.crl"], ocsp=())
    result = analyze_bytes(certs.der(corppki), "corppki.cer")
    assert [f.rule for f in result.findings] == ["CRT008"]
    assert "http://corppki/crl/ca.crl" in result.findings[0].message
    mixed = client(pki, cdp=[ldap, "http://corppki/crl/ca.crl"], ocsp=())
    assert rules_of(certs.der(mixed)) == {"CRT008"}
    https = client(pki, cdp=["https://pki.contoso.com/ca.crl"])
    assert rules_of(certs.der(https)) == {"CRT009"}


def test_key_usage_rule(pki: dict[str, Any]) -> None:
    assert rules_of(certs.der(client(pki, key_usage=("key_encipherment",)))) == {"CRT010"}
    server = client(pki, ekus=[certs.SERVER_AUTH], key_usage=("key_encipherment",))
    assert rules_of(certs.der(server)) == {"CRT001"}  # not a client certificate: CRT010 is quiet


def test_unparsed_blocks_make_the_result_partial(pki: dict[str, Any]) -> None:
    key = pki["leaf_key"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption())
    result = analyze_bytes(certs.pem(client(pki)) + key, "client-and-key.pem")
    assert result.status == "partial"
    assert any("RSA PRIVATE KEY block not read" in w for w in result.warnings)


def test_analyze_path_reads_a_certificate_file(tmp_path: Path, pki: dict[str, Any]) -> None:
    path = tmp_path / "client.cer"
    path.write_bytes(certs.der(client(pki, not_before=certs.utc(2019), not_after=certs.utc(2021))))
    result = analyze_path(path)
    assert (result.source, result.kind, result.status) == (str(path), "certificate-file",
                                                           "parsed")
    assert [f.rule for f in result.findings] == ["CRT003"]


def test_prose_naming_the_markers_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """Markers on lines of their own with words between make a block that says what is wrong
    with it; on one line, they are a sentence about certificates, which holds none."""
    path = tmp_path / "howto.txt"
    path.write_text("Paste the text from -----BEGIN CERTIFICATE-----\nto "
                    "-----END CERTIFICATE----- into the ticket.\n")
    result = analyze_path(path)
    assert (result.kind, result.status, result.verdict) == ("certificate-file", "error", None)
    assert result.error and "\n" not in result.error and "CERTIFICATE block" in result.error
    words = analyze_bytes(b"Paste your BEGIN CERTIFICATE text below.\n", "words.txt")
    assert words.kind != "certificate-file" and words.findings == ()


def test_corrupt_der_is_an_error(pki: dict[str, Any]) -> None:
    result = analyze_bytes(certs.der(client(pki))[:500], "broken.cer")
    assert (result.kind, result.status) == ("certificate-file", "error")
    assert result.error is not None and result.error.startswith("not a readable DER certificate")


# ---- the committed fixtures ----------------------------------------------------------------
CERTS = FIXTURES / "certs"
EXPECTED: dict[str, set[str] | str | None] = {
    "contoso-root-ca.cer": set(),
    "contoso-issuing-ca.cer": set(),
    "contoso-client.cer": set(),
    "contoso-client-chain.p7b": set(),
    "contoso-client-expired.cer": {"CRT003"},
    "contoso-client-not-yet-valid.cer": {"CRT003"},
    "contoso-client-ldap-cdp.cer": {"CRT007"},
    "contoso-client-key-encipherment-only.cer": {"CRT010"},
    "contoso-client-any-purpose.cer": {"CRT002"},
    "contoso-client-with-preamble.pem": set(),
    "contoso-client-utf16.pem": set(),
    "contoso-client-truncated.cer": "not a readable DER certificate",
    "prose-begin-certificate.txt": None,  # a sentence naming the markers: no certificate
    "fabrikam-web-server.crt": {"CRT001"},
    "fabrikam-web-issuing-ca.crt": {"CRT004"},
    "woodgrove-client-no-revocation.cer": {"CRT006"},
    "northwind-client-sha1.cer": {"CRT005"},
    "northwind-client-md5.cer": {"CRT005"},
    "tailspin-client-corppki.cer": {"CRT008"},
    "litware-client-https-cdp.cer": {"CRT009"},
}


def _fixture_files() -> Iterator[str]:
    return (p.name for p in sorted(CERTS.iterdir()) if p.name != "README.md")


def test_every_fixture_is_listed_here_and_in_the_readme() -> None:
    assert set(_fixture_files()) == set(EXPECTED)
    readme = (CERTS / "README.md").read_text()
    for name in EXPECTED:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_findings(name: str) -> None:
    result = analyze_path(CERTS / name)
    expected = EXPECTED[name]
    if expected is None:
        assert (result.status, result.findings) == ("unrecognized", ())
        return
    assert result.kind == "certificate-file"
    if isinstance(expected, str):
        assert result.status == "error" and result.error and result.error.startswith(expected)
        return
    assert result.status == "parsed", result.error
    assert {f.rule for f in result.findings} == expected
    # Only a certificate outside its validity period fails on its own (403.17).
    errors = {f.rule for f in result.findings if f.severity == "error"}
    assert errors == expected & {"CRT003"}
    assert (result.verdict == "fail") == bool(errors)
