"""Build the synthetic certificate-file fixtures under ``fixtures/certs/`` with ``cryptography``.

Keys are freshly generated on every run (``cryptography`` cannot derive keys from a seed), so a
run rewrites every file with new keys, serials of its own and new thumbprints; the names, URLs,
extensions and dates are fixed here. The committed files come from one run; regenerate only when
a fixture has to change, and re-check ``fixtures/certs/README.md`` and the rules' examples.

Names are invented (Microsoft's fictional companies); no byte comes from a real certificate.
``cryptography`` refuses to sign with SHA-1 or MD5, so ``weaken`` re-signs a SHA-256
certificate: it swaps the RSA signature algorithm identifier for the sha1/md5 one (same length)
and signs the new to-be-signed bytes with the RSA primitive.

The test suite never imports this script: it keeps its own copy of the builders
(``tests/helpers/certs.py``) for certificates it builds on the fly, and checks the committed
files against the table of ``fixtures/certs/README.md``. There is no ``--check`` mode, since
fresh keys make every run differ. Usage: ``python scripts/make_certfile_fixtures.py``.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "certs"

CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
SECURE_EMAIL = ExtendedKeyUsageOID.EMAIL_PROTECTION
ANY_PURPOSE = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE
UPN = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
TEMPLATE_NAME = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2")

#: The RSA signature AlgorithmIdentifiers (SEQUENCE { OID, NULL }): the same length for each.
_RSA_ALGORITHMS = {
    "sha256": bytes.fromhex("300d06092a864886f70d01010b0500"),
    "sha1": bytes.fromhex("300d06092a864886f70d0101050500"),
    "md5": bytes.fromhex("300d06092a864886f70d0101040500"),
}
_WEAK_HASHES = {"sha1": hashes.SHA1, "md5": hashes.MD5}


def utc(year: int, month: int = 1, day: int = 1) -> datetime:
    """Midnight UTC of that day."""
    return datetime(year, month, day, tzinfo=UTC)


def name(cn: str, org: str | None = None, ou: str | None = None) -> x509.Name:
    """CN, OU, O as a Windows CA writes them (most specific first in RFC 4514 output)."""
    attributes = []
    if org:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if ou:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attributes)


def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _bmp(text: str) -> bytes:
    """The DER BMPString that the v1 template-name extension holds (no builder for it)."""
    data = text.encode("utf-16-be")
    return bytes([0x1E, len(data)]) + data


def build(
    subject: x509.Name,
    *,
    issuer: Issued | None = None,
    key: rsa.RSAPrivateKey | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    ca: bool | None = None,
    path_length: int | None = None,
    ekus: Sequence[x509.ObjectIdentifier] | None = None,
    key_usage: Sequence[str] | None = None,
    cdp: Sequence[str] = (),
    aia: Sequence[str] = (),
    ocsp: Sequence[str] = (),
    upn: str | None = None,
    email: str | None = None,
    dns: Sequence[str] = (),
    template_oid: str | None = None,
    template_name: str | None = None,
    serial: int | None = None,
) -> Issued:
    """A certificate signed by `issuer` (self-signed without one), SHA-256, with the
    extensions asked for. `key_usage` lists cryptography's KeyUsage argument names. Validity:
    2025-01-01 to 2099-12-31 unless given."""
    key = key or rsa_key()
    not_before = not_before or utc(2025)
    not_after = not_after or utc(2099, 12, 31)
    signer = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            signer.public_key()), critical=False)
    )
    if ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
    if key_usage is not None:
        bits = dict.fromkeys(("digital_signature", "content_commitment", "key_encipherment",
                              "data_encipherment", "key_agreement", "key_cert_sign",
                              "crl_sign", "encipher_only", "decipher_only"), False)
        bits.update(dict.fromkeys(key_usage, True))
        builder = builder.add_extension(x509.KeyUsage(**bits), critical=True)
    if ekus is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)
    if cdp:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(u) for u in cdp], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    access = [x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                     x509.UniformResourceIdentifier(u)) for u in aia]
    access += [x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                      x509.UniformResourceIdentifier(u)) for u in ocsp]
    if access:
        builder = builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    if upn:
        data = upn.encode()
        alt.append(x509.OtherName(UPN, bytes([0x0C, len(data)]) + data))
    if email:
        alt.append(x509.RFC822Name(email))
    if alt:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    if template_oid:
        builder = builder.add_extension(x509.MSCertificateTemplate(
            x509.ObjectIdentifier(template_oid), 100, 5), critical=False)
    if template_name:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(TEMPLATE_NAME, _bmp(template_name)), critical=False)
    return Issued(builder.sign(signer, hashes.SHA256()), key)


def weaken(issued: Issued, signer: rsa.RSAPrivateKey, hash_name: str) -> Issued:
    """The same certificate signed with `hash_name` (sha1 or md5) by `signer` (RSA keys)."""
    der = issued.cert.public_bytes(serialization.Encoding.DER)
    strong, weak = _RSA_ALGORITHMS["sha256"], _RSA_ALGORITHMS[hash_name]
    tbs = issued.cert.tbs_certificate_bytes
    if tbs.count(strong) != 1 or der.count(strong) != 2:
        raise ValueError("expected a certificate signed with sha256WithRSAEncryption")
    new_tbs = tbs.replace(strong, weak)
    signature = signer.sign(new_tbs, padding.PKCS1v15(), _WEAK_HASHES[hash_name]())
    old_signature = issued.cert.signature
    if len(signature) != len(old_signature) or not der.endswith(old_signature):
        raise ValueError("the signature has to keep its length")
    body = der[:-len(old_signature)].replace(tbs, new_tbs).replace(strong, weak)
    return Issued(x509.load_der_x509_certificate(body + signature), issued.key)


def der(issued: Issued) -> bytes:
    """DER bytes."""
    return issued.cert.public_bytes(serialization.Encoding.DER)


def pem(issued: Issued) -> bytes:
    """PEM bytes."""
    return issued.cert.public_bytes(serialization.Encoding.PEM)


def p7b(*chain: Issued, encoding: serialization.Encoding = serialization.Encoding.DER) -> bytes:
    """A PKCS #7 certificate bundle (DER by default, as Windows writes .p7b files)."""
    return pkcs7.serialize_certificates([i.cert for i in chain], encoding)


# ---- the fixture set -----------------------------------------------------------------------
CONTOSO = "Contoso Ltd"
CONTOSO_CDP = "http://pki.contoso.com/crl/Contoso%20Issuing%20CA%2001.crl"
CONTOSO_AIA = "http://pki.contoso.com/aia/Contoso%20Issuing%20CA%2001.crt"
CONTOSO_OCSP = "http://ocsp.contoso.com/ocsp"
CLIENT_KU = ("digital_signature", "key_encipherment")
CA_KU = ("digital_signature", "key_cert_sign", "crl_sign")
LDAP_CDP = ("ldap:///CN=Contoso%20Issuing%20CA%2001,CN=PKI01,CN=CDP,CN=Public%20Key%20Services,"
            "CN=Services,CN=Configuration,DC=contoso,DC=com?certificateRevocationList?base?"
            "objectClass=cRLDistributionPoint")
LDAP_AIA = ("ldap:///CN=Contoso%20Issuing%20CA%2001,CN=AIA,CN=Public%20Key%20Services,"
            "CN=Services,CN=Configuration,DC=contoso,DC=com?cACertificate?base?"
            "objectClass=certificationAuthority")
USER_TEMPLATE = "1.3.6.1.4.1.311.21.8.5120834.2234801.7731221.1024593.1128467.92.1.7"


def contoso_hierarchy() -> tuple[Issued, Issued]:
    """Contoso Root CA -> Contoso Issuing CA 01 (no EKU: valid for every purpose)."""
    root = build(name("Contoso Root CA", CONTOSO), not_before=utc(2024), ca=True,
                 key_usage=CA_KU, key=rsa_key(4096))
    issuing = build(name("Contoso Issuing CA 01", CONTOSO), issuer=root, not_before=utc(2024),
                    ca=True, path_length=0, key_usage=CA_KU,
                    cdp=["http://pki.contoso.com/crl/Contoso%20Root%20CA.crl"],
                    aia=["http://pki.contoso.com/aia/Contoso%20Root%20CA.crt"],
                    template_name="SubCA")
    return root, issuing


def contoso_client(issuing: Issued, cn: str = "Avery Howard", **overrides: object) -> Issued:
    """A Contoso user certificate: Client Authentication and Secure Email, HTTP CDP, AIA and
    OCSP, UPN, template OID; `overrides` replace any of `build`'s arguments."""
    login = cn.lower().replace(" ", ".")
    arguments: dict[str, object] = {
        "issuer": issuing, "ekus": [CLIENT_AUTH, SECURE_EMAIL], "key_usage": CLIENT_KU,
        "cdp": [CONTOSO_CDP], "aia": [CONTOSO_AIA], "ocsp": [CONTOSO_OCSP],
        "upn": f"{login}@contoso.com", "email": f"{login}@contoso.com",
        "template_oid": USER_TEMPLATE,
    }
    arguments.update(overrides)
    return build(name(cn, CONTOSO, "Sales"), **arguments)  # type: ignore[arg-type]


def fixtures() -> dict[str, bytes]:
    """File name -> bytes, for every fixture."""
    root, issuing = contoso_hierarchy()
    client = contoso_client(issuing)
    files: dict[str, bytes] = {
        "contoso-root-ca.cer": der(root),
        "contoso-issuing-ca.cer": der(issuing),
        "contoso-client.cer": der(client),
        "contoso-client-chain.p7b": p7b(client, issuing, root),
        "contoso-client-expired.cer": der(contoso_client(
            issuing, "Kim Akers", not_before=utc(2019, 3, 1), not_after=utc(2021, 3, 1))),
        "contoso-client-not-yet-valid.cer": der(contoso_client(
            issuing, "Pat Coleman", not_before=utc(2098, 1, 1), not_after=utc(2099, 12, 31))),
        "contoso-client-ldap-cdp.cer": der(contoso_client(
            issuing, "Dan Jump", ocsp=(),
            cdp=[LDAP_CDP], aia=[LDAP_AIA])),
        "contoso-client-with-preamble.pem": (
            b"subject=CN=Avery Howard, OU=Sales, O=Contoso Ltd\n"
            b"issuer=CN=Contoso Issuing CA 01, O=Contoso Ltd\n"
            b"Exported for the support case; the certificate follows.\n\n" + pem(client)),
        "contoso-client-utf16.pem": codecs.BOM_UTF16_LE + pem(client).decode().replace(
            "\n", "\r\n").encode("utf-16-le"),
        "contoso-client-truncated.cer": der(client)[:300],
        "prose-begin-certificate.txt": (
            b"Please export the client certificate as Base-64 and paste everything from\n"
            b"-----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- into the case.\n"),
    }
    # Fabrikam: a web-server hierarchy whose issuing CA is restricted to Server Authentication.
    f_root = build(name("Fabrikam Root CA", "Fabrikam Inc"), not_before=utc(2024), ca=True,
                   key_usage=CA_KU)
    f_issuing = build(name("Fabrikam Web CA", "Fabrikam Inc"), issuer=f_root,
                      not_before=utc(2024), ca=True, path_length=0, key_usage=CA_KU,
                      ekus=[SERVER_AUTH],
                      cdp=["http://crl.fabrikam.net/FabrikamRootCA.crl"],
                      aia=["http://crl.fabrikam.net/FabrikamRootCA.crt"])
    server = build(name("www.fabrikam.net", "Fabrikam Inc"), issuer=f_issuing,
                   ekus=[SERVER_AUTH], key_usage=("key_encipherment",),
                   dns=["www.fabrikam.net"], cdp=["http://crl.fabrikam.net/FabrikamWebCA.crl"],
                   aia=["http://crl.fabrikam.net/FabrikamWebCA.crt"],
                   ocsp=["http://ocsp.fabrikam.net"])
    files["fabrikam-web-server.crt"] = pem(server)
    files["fabrikam-web-issuing-ca.crt"] = pem(f_issuing)
    # Woodgrove: a test CA that writes no CDP, AIA or OCSP.
    w_root = build(name("Woodgrove Test Root", "Woodgrove Bank"), not_before=utc(2024),
                   ca=True, key_usage=CA_KU)
    files["woodgrove-client-no-revocation.cer"] = der(build(
        name("Ben Miller", "Woodgrove Bank"), issuer=w_root, ekus=[CLIENT_AUTH],
        key_usage=CLIENT_KU, upn="ben.miller@woodgrovebank.com"))
    # Northwind: an old hierarchy that still signs with SHA-1 and MD5.
    n_root = build(name("Northwind Legacy Root", "Northwind Traders"), not_before=utc(2024),
                   ca=True, key_usage=CA_KU)
    for hash_name, cn in (("sha1", "Nancy Davolio"), ("md5", "Andrew Fuller")):
        leaf = build(name(cn, "Northwind Traders"), issuer=n_root, ekus=[CLIENT_AUTH],
                     key_usage=CLIENT_KU, cdp=["http://pki.northwindtraders.com/legacy.crl"],
                     aia=["http://pki.northwindtraders.com/legacy.crt"])
        files[f"northwind-client-{hash_name}.cer"] = der(weaken(leaf, n_root.key, hash_name))
    # Tailspin: the intranet-only `corppki` host of KB 3044974.
    t_root = build(name("Tailspin Root CA", "Tailspin Toys"), not_before=utc(2024), ca=True,
                   key_usage=CA_KU)
    files["tailspin-client-corppki.cer"] = der(build(
        name("Lee Gu", "Tailspin Toys"), issuer=t_root, ekus=[CLIENT_AUTH], key_usage=CLIENT_KU,
        cdp=["http://corppki/crl/Tailspin%20Root%20CA.crl"],
        aia=["http://corppki/aia/Tailspin%20Root%20CA.crt"]))
    # Litware: CDP and AIA only over HTTPS.
    l_root = build(name("Litware Root CA", "Litware Inc"), not_before=utc(2024), ca=True,
                   key_usage=CA_KU)
    files["litware-client-https-cdp.cer"] = der(build(
        name("Joni Sherman", "Litware Inc"), issuer=l_root, ekus=[CLIENT_AUTH],
        key_usage=CLIENT_KU, cdp=["https://pki.litwareinc.com/crl/LitwareRootCA.crl"],
        aia=["https://pki.litwareinc.com/aia/LitwareRootCA.crt"]))
    # Contoso again: Client Authentication, but a key usage without digitalSignature.
    files["contoso-client-key-encipherment-only.cer"] = der(contoso_client(
        issuing, "Alex Wilber", key_usage=("key_encipherment",)))
    # Contoso again: the Any Purpose EKU instead of Client Authentication.
    files["contoso-client-any-purpose.cer"] = der(contoso_client(
        issuing, "Grady Archie", ekus=[ANY_PURPOSE]))
    return files


def main() -> int:
    """Write every fixture under fixtures/certs/."""
    OUT.mkdir(parents=True, exist_ok=True)
    for file_name, data in fixtures().items():
        (OUT / file_name).write_bytes(data)
        print(f"{file_name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
