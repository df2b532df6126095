"""Certificate files: a DER certificate (.cer), PEM certificates (.crt / .pem, also UTF-16 text
saved by Windows tools) and PKCS #7 bundles (.p7b, DER or PEM).

Every certificate is decoded with the `cryptography` package; this module only finds the
container, reads the facts a diagnosis needs and turns a file it cannot read into a ValueError
with a one-line reason. The sniffer looks at the start of the input only.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
from collections.abc import Iterator
from typing import Any, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID

from ...errors import ParseError
from ...models.common import UnparsedLine
from . import _header, _looks_der_certificate, _looks_der_pkcs7
from .model import CertificateFile, CertificateInfo, Container, KeyInfo

#: PEM labels read as certificates, and the ones read as PKCS #7 bundles.
_CERT_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")
_PKCS7_LABELS = ("PKCS7",)

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 #]+)-----")
_BASE64 = re.compile(r"[A-Za-z0-9+/=]+")

ANY_EKU_OID = "2.5.29.37.0"
#: Friendly names of the EKUs seen on client, server and CA certificates (Windows wording).
EKU_NAMES = {
    "1.3.6.1.5.5.7.3.1": "Server Authentication",
    "1.3.6.1.5.5.7.3.2": "Client Authentication",
    "1.3.6.1.5.5.7.3.3": "Code Signing",
    "1.3.6.1.5.5.7.3.4": "Secure Email",
    "1.3.6.1.5.5.7.3.5": "IP security end system",
    "1.3.6.1.5.5.7.3.6": "IP security tunnel termination",
    "1.3.6.1.5.5.7.3.7": "IP security user",
    "1.3.6.1.5.5.7.3.8": "Time Stamping",
    "1.3.6.1.5.5.7.3.9": "OCSP Signing",
    "1.3.6.1.5.5.8.2.2": "IP security IKE intermediate",
    "1.3.6.1.5.2.3.5": "KDC Authentication",
    "1.3.6.1.4.1.311.10.3.1": "Microsoft Trust List Signing",
    "1.3.6.1.4.1.311.10.3.4": "Encrypting File System",
    "1.3.6.1.4.1.311.10.3.4.1": "File Recovery",
    "1.3.6.1.4.1.311.10.3.12": "Document Signing",
    "1.3.6.1.4.1.311.20.2.1": "Certificate Request Agent",
    "1.3.6.1.4.1.311.20.2.2": "Smart Card Logon",
    "1.3.6.1.4.1.311.21.5": "Private Key Archival",
    "1.3.6.1.4.1.311.21.6": "Key Recovery Agent",
    "1.3.6.1.4.1.311.21.19": "Directory Service Email Replication",
    ANY_EKU_OID: "Any Purpose",
}
#: RFC 5280 names of the key usage bits, by cryptography's attribute names.
_KEY_USAGES = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)
#: Signature algorithms whose hash cryptography does not name.
_SIGNATURE_OIDS = {
    "1.2.840.113549.1.1.2": "md2",
    "1.2.840.113549.1.1.3": "md4",
    "1.2.840.113549.1.1.4": "md5",
    "1.2.840.113549.1.1.5": "sha1",
    "1.3.101.112": "ed25519",
    "1.3.101.113": "ed448",
}
_TEMPLATE_NAME_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2")
_UPN_OID = "1.3.6.1.4.1.311.20.2.3"
#: DER string tags cryptography leaves undecoded inside Microsoft extensions, and their codecs.
_STRING_TAGS = {0x0C: "utf-8", 0x1E: "utf-16-be", 0x16: "ascii", 0x13: "ascii"}

E = TypeVar("E", bound=x509.ExtensionType)


# ---- parsing -----------------------------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    """The first line of an exception's message; the ASN.1 reader's, which prints its own
    structures, as what it found wrong."""
    text = str(exc).strip()
    asn1 = _ASN1_ERROR.search(text)
    if asn1 is not None:
        kind = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", asn1[1]).lower()
        return f"its bytes are no DER structure ({kind})"
    return text.splitlines()[0] if text else type(exc).__name__


#: The `cryptography` package's message for DER it cannot parse: `error parsing asn1 value:
#: ParseError { kind: UnexpectedTag { ... } }`.
_ASN1_ERROR = re.compile(r"error parsing asn1 value: ParseError \{ kind: (\w+)")


def parse(data: bytes) -> CertificateFile:
    """The certificates of a certificate file; ValueError with a one-line reason when none can
    be read."""
    if not data.strip():
        raise ParseError("the file is empty")
    if _looks_der_certificate(data):
        try:
            certificate = x509.load_der_x509_certificate(data)
        except ValueError as exc:
            raise ParseError(f"not a readable DER certificate: {_reason(exc)}") from None
        return CertificateFile(container="der", certificates=(_read_one(0, certificate),))
    if _looks_der_pkcs7(data):
        try:
            bundle = pkcs7.load_der_pkcs7_certificates(data)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ParseError(f"not a readable PKCS #7 file: {_reason(exc)}") from None
        return _file("pkcs7", [(1, c) for c in bundle], [], "the PKCS #7 file holds no certificate")
    return _parse_pem(decode_text(data))


def decode_text(data: bytes) -> str:
    """PEM text from bytes: UTF-8 (with or without BOM) or UTF-16 (BOM, or none when the marker
    shows the byte order)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", "replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", "replace")
    for encoding in ("utf-16-le", "utf-16-be"):
        if "-----BEGIN ".encode(encoding) in data:
            return data.decode(encoding, "replace")
    return data.decode("utf-8", "replace")


def _blocks(text: str) -> Iterator[tuple[int, str, str | None, str]]:
    """(line, label, base64 body or None, problem) for each PEM block, in order."""
    pos = 0
    while (match := _BEGIN.search(text, pos)) is not None:
        label = match.group(1).strip()
        line = text.count("\n", 0, match.start()) + 1
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, match.end())
        if end < 0:
            yield line, label, None, f"the BEGIN {label} block at line {line} has no END line"
            pos = match.end()
            continue
        body = "".join(text[match.end():end].split())
        pos = end + len(end_marker)
        if not body:
            yield line, label, None, f"the {label} block at line {line} is empty"
        elif not _BASE64.fullmatch(body):
            yield line, label, None, (f"the {label} block at line {line} holds text that is "
                                      "not base64")
        else:
            yield line, label, body, ""


def _parse_pem(text: str) -> CertificateFile:
    found: list[tuple[int, x509.Certificate]] = []
    unparsed: list[UnparsedLine] = []
    problems: list[str] = []
    pkcs7_only = True
    for line, label, body, problem in _blocks(text):
        marker = f"-----BEGIN {label}-----"
        if label not in (*_CERT_LABELS, *_PKCS7_LABELS):
            note = "a private key: it does not belong in a support case" if (
                "PRIVATE KEY" in label) else "not a certificate"
            unparsed.append(UnparsedLine(line=line, text=marker,
                                         reason=f"{label} block not read ({note})"))
            continue
        if body is None:
            problems.append(problem)
            unparsed.append(UnparsedLine(line=line, text=marker, reason=problem))
            continue
        if label not in _PKCS7_LABELS:
            pkcs7_only = False
        try:
            data = base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            problem = f"the {label} block at line {line} is not valid base64 ({_reason(exc)})"
            problems.append(problem)
            unparsed.append(UnparsedLine(line=line, text=marker, reason=problem))
            continue
        try:
            if label in _PKCS7_LABELS:
                loaded = pkcs7.load_der_pkcs7_certificates(data)
            else:
                loaded = [x509.load_der_x509_certificate(data)]
        except (ValueError, UnsupportedAlgorithm) as exc:
            problem = f"the {label} block at line {line} does not decode: {_reason(exc)}"
            problems.append(problem)
            unparsed.append(UnparsedLine(line=line, text=marker, reason=problem))
            continue
        found.extend((line, certificate) for certificate in loaded)
    if not found and not problems:
        raise ParseError("no certificate block (-----BEGIN CERTIFICATE-----) with an END line")
    container: Container = "pkcs7" if pkcs7_only else "pem"
    return _file(container, found, unparsed, problems[0] if problems else
                 "the PKCS #7 block holds no certificate")


def _file(container: Container, certificates: list[tuple[int, x509.Certificate]],
          unparsed: list[UnparsedLine], none_reason: str) -> CertificateFile:
    """The model of the certificates read, each with the line of its block (1 for binary
    input); a certificate whose contents do not decode is kept as an unparsed entry."""
    infos: list[CertificateInfo] = []
    problems: list[UnparsedLine] = []
    for position, (line, certificate) in enumerate(certificates):
        try:
            infos.append(_read(len(infos), certificate))
        except (ValueError, UnsupportedAlgorithm) as exc:
            problems.append(UnparsedLine(
                line=line, text=f"certificate {position + 1} of {len(certificates)}",
                reason=f"its contents cannot be read: {_reason(exc)}"))
    if not infos:
        raise ParseError(f"{problems[0].text}: {problems[0].reason}" if problems else none_reason)
    return CertificateFile(container=container, certificates=tuple(infos),
                           unparsed=tuple(sorted((*unparsed, *problems), key=lambda u: u.line)))


def _read_one(index: int, certificate: x509.Certificate) -> CertificateInfo:
    try:
        return _read(index, certificate)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ParseError(f"the certificate's contents cannot be read: {_reason(exc)}") from None


# ---- one certificate ---------------------------------------------------------------------------
def _extension(extensions: x509.Extensions, kind: type[E]) -> E | None:
    try:
        return extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _read(index: int, cert: x509.Certificate) -> CertificateInfo:
    """The facts of one certificate (ValueError when its extensions do not decode)."""
    der = cert.public_bytes(Encoding.DER)
    extensions = cert.extensions
    basic = _extension(extensions, x509.BasicConstraints)
    usage = _extension(extensions, x509.KeyUsage)
    eku = _extension(extensions, x509.ExtendedKeyUsage)
    ekus = None if eku is None else tuple(
        (oid.dotted_string, EKU_NAMES.get(oid.dotted_string, oid.dotted_string)) for oid in eku)
    cdp, aia, ocsp = _urls(extensions)
    serial = format(abs(cert.serial_number), "x")
    serial = ("-" if cert.serial_number < 0 else "") + serial.zfill(len(serial) + len(serial) % 2)
    return CertificateInfo(
        index=index,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=serial,
        thumbprint=hashlib.sha1(der).hexdigest(),  # the thumbprint Windows shows
        sha256=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=_self_signed(cert),
        is_ca=basic.ca if basic is not None else None,
        path_length=basic.path_length if basic is not None else None,
        key_usage=None if usage is None else _key_usage_names(usage),
        ekus=ekus,
        has_any_eku=ekus is not None and any(oid == ANY_EKU_OID for oid, _ in ekus),
        cdp_urls=cdp, aia_ca_issuers=aia, ocsp_urls=ocsp,
        subject_alt_names=_alt_names(extensions),
        template=_template(extensions),
        signature_hash=_signature_hash(cert),
        key=_key(cert),
    )


def _key_usage_names(usage: x509.KeyUsage) -> tuple[str, ...]:
    names = [name for attribute, name in _KEY_USAGES if getattr(usage, attribute)]
    if usage.key_agreement:  # the two bits are defined only with keyAgreement
        names += [n for a, n in (("encipher_only", "encipherOnly"),
                                 ("decipher_only", "decipherOnly")) if getattr(usage, a)]
    return tuple(names)


def _urls(extensions: x509.Extensions) -> tuple[tuple[str, ...], ...]:
    """(CDP URLs, AIA CA Issuers URLs, OCSP URLs)."""
    cdp: list[str] = []
    for point in _extension(extensions, x509.CRLDistributionPoints) or ():
        cdp.extend(n.value for n in point.full_name or ()
                   if isinstance(n, x509.UniformResourceIdentifier))
    issuers: list[str] = []
    ocsp: list[str] = []
    for access in _extension(extensions, x509.AuthorityInformationAccess) or ():
        if not isinstance(access.access_location, x509.UniformResourceIdentifier):
            continue
        if access.access_method == AuthorityInformationAccessOID.CA_ISSUERS:
            issuers.append(access.access_location.value)
        elif access.access_method == AuthorityInformationAccessOID.OCSP:
            ocsp.append(access.access_location.value)
    return tuple(cdp), tuple(issuers), tuple(ocsp)


def _der_string(value: bytes) -> str | None:
    """The text of a value that is exactly one DER string. cryptography leaves the Microsoft
    template-name extension and UPN other names as raw bytes; anything else gives None."""
    if len(value) < 2 or value[0] not in _STRING_TAGS:
        return None
    header = _header(value, 0)
    if header is None or header[1] + header[2] != len(value):
        return None
    try:
        return value[header[1]:].decode(_STRING_TAGS[value[0]])
    except UnicodeDecodeError:
        return None


def _alt_names(extensions: x509.Extensions) -> tuple[str, ...]:
    names = _extension(extensions, x509.SubjectAlternativeName)
    found: list[str] = []
    for name in names or ():
        if isinstance(name, x509.DNSName):
            found.append(f"DNS:{name.value}")
        elif isinstance(name, x509.RFC822Name):
            found.append(f"email:{name.value}")
        elif isinstance(name, x509.UniformResourceIdentifier):
            found.append(f"URI:{name.value}")
        elif isinstance(name, x509.IPAddress):
            found.append(f"IP:{name.value}")
        elif isinstance(name, x509.DirectoryName):
            found.append(f"DirName:{name.value.rfc4514_string()}")
        elif isinstance(name, x509.OtherName):
            oid = name.type_id.dotted_string
            text = _der_string(name.value) if oid == _UPN_OID else None
            found.append(f"UPN:{text}" if text is not None else f"otherName:{oid}")
        elif isinstance(name, x509.RegisteredID):
            found.append(f"RID:{name.value.dotted_string}")
    return tuple(found)


def _template(extensions: x509.Extensions) -> str | None:
    oid: str | None = None
    for extension in extensions:
        value: Any = extension.value
        if isinstance(value, x509.MSCertificateTemplate):
            oid = value.template_id.dotted_string
        elif isinstance(value, x509.UnrecognizedExtension) and value.oid == _TEMPLATE_NAME_OID:
            name = _der_string(value.value)
            if name:
                return name
    return oid


def _signature_hash(cert: x509.Certificate) -> str:
    oid = cert.signature_algorithm_oid.dotted_string
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:
        algorithm = None
    if algorithm is not None:
        return str(algorithm.name)
    return _SIGNATURE_OIDS.get(oid, oid)


def _key(cert: x509.Certificate) -> KeyInfo:
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm):
        return KeyInfo(type="unknown")
    if isinstance(key, rsa.RSAPublicKey):
        return KeyInfo(type="RSA", size=key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return KeyInfo(type="EC", size=key.curve.key_size, curve=key.curve.name)
    if isinstance(key, dsa.DSAPublicKey):
        return KeyInfo(type="DSA", size=key.key_size)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return KeyInfo(type="Ed25519", size=256)
    if isinstance(key, ed448.Ed448PublicKey):
        return KeyInfo(type="Ed448", size=456)
    return KeyInfo(type="unknown")


def _self_signed(cert: x509.Certificate) -> bool:
    """Issuer == subject, and the signature verifies with the certificate's own key when that
    can be checked (a renewed CA signed by its old key has equal names but is not self-signed)."""
    if cert.issuer != cert.subject:
        return False
    signature, tbs = cert.signature, cert.tbs_certificate_bytes
    try:
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            hash_ = cert.signature_hash_algorithm
            params = cert.signature_algorithm_parameters
            if hash_ is None or not isinstance(params, (padding.PKCS1v15, padding.PSS)):
                return True
            key.verify(signature, tbs, params, hash_)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            params = cert.signature_algorithm_parameters
            if not isinstance(params, ec.ECDSA):
                return True
            key.verify(signature, tbs, params)
        elif isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
            key.verify(signature, tbs)
        elif isinstance(key, dsa.DSAPublicKey):
            hash_ = cert.signature_hash_algorithm
            if hash_ is None:
                return True
            key.verify(signature, tbs, hash_)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return True  # the signature cannot be checked here: the names decide
    return True

