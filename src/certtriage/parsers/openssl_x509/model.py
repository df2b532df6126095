"""What `openssl x509 -text` shows of a certificate, in the model of a certificate dump.

Each certificate is a :class:`~..certutil_store.model.StoreCertificate` (the facts a dump
shows, each None when the paste leaves it out) with what OpenSSL prints beyond them: its Key
Usage and its own purpose check. The output as a whole is a dump of a file
(:class:`~..certutil_store.model.CertStoreDump` with `dump` set): no store holds these
certificates, and the rules about a dumped certificate read it as they read `certutil -dump`.
"""

from __future__ import annotations

from ...models._base import Model
from ..certutil_store.model import CertStoreDump, StoreCertificate


class Purpose(Model):
    """One line of OpenSSL's purpose table (`SSL client : No`)."""

    name: str
    """The purpose as printed (`SSL client`, `SSL client CA`, `S/MIME signing`)."""
    allowed: bool
    """Yes or No."""
    line: int


class PrintedCertificate(StoreCertificate):
    """One certificate of the output."""

    key_usage: tuple[str, ...] | None = None
    """The Key Usage bits as OpenSSL names them (`Digital Signature`, `Key Encipherment`);
    None when the output shows no Key Usage extension."""
    signature_algorithm: str | None = None
    """The issuer's signature algorithm (`sha256WithRSAEncryption`)."""
    purposes: tuple[Purpose, ...] = ()
    """`-purpose`'s table, when the paste shows it."""


class X509Text(CertStoreDump):
    """The certificates `openssl x509` printed, in order."""

    dump: bool = True
    certificates: tuple[PrintedCertificate, ...] = ()
