"""A certificate file (.cer / .crt / .pem / .p7b) as the certificates it holds.

Every value is read with the `cryptography` package; nothing here depends on the time of
reading (validity at a given time is a question for the predicates, not a field).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, Identity, UnparsedLine

Container = Literal["der", "pem", "pkcs7"]


class KeyInfo(Model):
    """The certificate's public key."""

    type: str
    """Key algorithm: RSA, EC, DSA, Ed25519, Ed448, or `unknown`."""
    size: int | None = None
    """Key size in bits (RSA modulus, EC curve size, DSA modulus); None when unknown."""
    curve: str | None = None
    """Named curve of an EC key (e.g. secp256r1); None for other key types."""


class CertificateInfo(Model):
    """One certificate of the file, with the facts a client-certificate diagnosis needs."""

    index: int
    """Position in the file, from 0 (a .p7b keeps its own order, which need not be leaf first)."""
    subject: str
    """Subject distinguished name (RFC 4514 string, most specific RDN first)."""
    issuer: str
    """Issuer distinguished name (RFC 4514 string)."""
    serial: str
    """Serial number in lowercase hex, as certutil prints it without spaces."""
    thumbprint: str
    """SHA-1 of the DER encoding, lowercase hex: certutil's `Cert Hash(sha1)` and the hash
    netsh and IIS bindings name."""
    sha256: str
    """SHA-256 of the DER encoding, lowercase hex."""
    not_before: datetime
    """Start of the validity period (UTC)."""
    not_after: datetime
    """End of the validity period (UTC)."""
    self_signed: bool
    """Issuer equals subject and the signature verifies with the certificate's own key; when
    the signature cannot be checked (key or algorithm not supported), name equality alone."""
    is_ca: bool | None = None
    """Basic constraints cA flag; None when the extension is absent."""
    path_length: int | None = None
    """Basic constraints path length constraint; None when absent or unlimited."""
    key_usage: tuple[str, ...] | None = None
    """Key usage bits set, by their RFC 5280 names (digitalSignature, keyEncipherment, ...);
    None when the extension is absent (no restriction)."""
    ekus: tuple[tuple[str, str], ...] | None = None
    """Enhanced key usages as (OID, friendly name); None when the extension is absent, which
    means any purpose."""
    has_any_eku: bool = False
    """Whether the EKU list holds anyExtendedKeyUsage (2.5.29.37.0)."""
    cdp_urls: tuple[str, ...] = ()
    """CRL distribution point URLs, in certificate order."""
    aia_ca_issuers: tuple[str, ...] = ()
    """Authority Information Access URLs for the issuer's certificate (CA Issuers)."""
    ocsp_urls: tuple[str, ...] = ()
    """Authority Information Access OCSP responder URLs."""
    subject_alt_names: tuple[str, ...] = ()
    """Subject alternative names as `DNS:`, `email:`, `UPN:`, `URI:`, `IP:`, `DirName:` or
    `otherName:<oid>` strings."""
    template: str | None = None
    """Microsoft certificate template: the name from 1.3.6.1.4.1.311.20.2 when present, else
    the template OID from 1.3.6.1.4.1.311.21.7; None when neither is present."""
    signature_hash: str
    """Hash of the issuer's signature (sha256, sha1, md5, ...); the algorithm name for
    signatures without a separate hash (ed25519, ed448)."""
    key: KeyInfo
    """The public key's type and size."""


class CertificateFile(Evidence):
    """The certificates read from one file, in file order."""

    container: Container
    """`der`: one DER certificate; `pem`: PEM certificate block(s); `pkcs7`: a PKCS #7
    certificate bundle (.p7b / .p7c), DER or PEM."""
    certificates: tuple[CertificateInfo, ...]
    """Every certificate read, at least one."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """PEM blocks not read (other block types such as private keys or CRLs, and certificate
    blocks that do not decode), each at the line of its BEGIN marker. Prose around the blocks
    is ignored."""

    def identities(self) -> tuple[Identity, ...]:
        """Each certificate of the file (its context is the one its findings carry)."""
        return tuple(Identity(
            kind="certificate", where=f"certificate {c.index} of the file",
            context=f"certificate {c.index} ({c.subject or 'empty subject'})",
            element=c.index, thumbprint=c.thumbprint, serial=c.serial, issuer=c.issuer,
            subject=c.subject, names=c.subject_alt_names, not_before=c.not_before,
            not_after=c.not_after) for c in self.certificates)
