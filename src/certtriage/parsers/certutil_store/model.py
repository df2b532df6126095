"""A `certutil -store` / `certutil -v -store` dump: the certificates of one Windows store.

The dump is what a server (or a user) has in My, Root, CA, ClientAuthIssuer ...: which
certificates, whether each has its private key, and (with `-v`) their extensions. For the Root
and ClientAuthIssuer stores it also carries an estimate of the trusted issuer list that Schannel
builds from the store's subject names (see `IssuerListEstimate`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import SerializeAsAny

from ...models._base import Model
from ...models.common import Evidence, Identity, UnparsedLine

#: Schannel's limit on the trusted issuer list it sends in a CertificateRequest (KB 2801679).
ISSUER_LIST_LIMIT = 16384

#: Stores whose subject names make up the trusted issuer list (unless a site store is set).
ISSUER_STORES = ("root", "clientauthissuer")


class Eku(Model):
    """One enhanced key usage of a certificate, as a `-v` dump prints it."""

    oid: str
    """The usage's object identifier, like 1.3.6.1.5.5.7.3.2."""
    name: str | None = None
    """Its display name as printed (`Client Authentication`), when one was printed."""


class StoreCertificate(Model):
    """One `================ Certificate N ================` block."""

    index: int
    """N from the banner."""
    line: int
    """Line of the banner."""
    end_line: int
    """Last line of the block."""
    serial: str | None = None
    """Serial number in hex, as printed."""
    issuer: str | None = None
    """Issuer distinguished name, one line (`CN=..., O=..., C=US`)."""
    subject: str | None = None
    """Subject distinguished name, one line; an empty subject is the empty string."""
    not_before: str | None = None
    """NotBefore as printed (local time, in the locale of the machine)."""
    not_after: str | None = None
    """NotAfter as printed."""
    not_before_at: datetime | None = None
    """NotBefore as a time, when the printed form is unambiguous."""
    not_after_at: datetime | None = None
    """NotAfter as a time, when the printed form is unambiguous."""
    thumbprint: str | None = None
    """SHA-1 thumbprint (`Cert Hash(sha1)`), 40 lowercase hex digits."""
    template: str | None = None
    """Certificate template name or OID (`Template:`), when printed."""
    self_signed: bool | None = None
    """True for `Root Certificate: Subject matches Issuer`, False for `Non-root Certificate`;
    otherwise whether issuer and subject are equal; None when neither is known."""
    has_private_key: bool | None = None
    """True when the dump shows a usable key (key container, `Encryption test passed`), False
    when it says there is none (`No key provider information`, `Missing stored keyset`, a
    failed key test); None when it says nothing about a key."""
    key_container: str | None = None
    """`Key Container = ...`, when printed."""
    key_provider: str | None = None
    """`Provider = ...` (the CSP or KSP holding the key), when printed."""
    key_state: str | None = None
    """The dump's own words about the key: the first line that denies it, else the key test."""
    ekus: tuple[Eku, ...] | None = None
    """Enhanced key usages from the 2.5.29.37 extension of a `-v` dump; None when the dump
    does not show extensions or the certificate has no EKU extension (valid for any usage)."""
    cdp_urls: tuple[str, ...] = ()
    """CRL distribution point URLs (2.5.29.31) of a `-v` dump."""
    aia_urls: tuple[str, ...] = ()
    """CA Issuers URLs of the Authority Information Access extension (1.3.6.1.5.5.7.1.1)."""
    ocsp_urls: tuple[str, ...] = ()
    """OCSP URLs of the Authority Information Access extension."""
    is_ca: bool | None = None
    """Basic Constraints `Subject Type=CA` (True) or `End Entity` (False); None when not shown."""
    subject_name_bytes: int | None = None
    """Estimated DER length of the subject Name (see `IssuerListEstimate`); None without a
    subject line."""
    unknown_name_attributes: tuple[str, ...] = ()
    """Attribute types of the subject that have no known OID (sized with a placeholder)."""


class IssuerListEstimate(Model):
    """How large the trusted issuer list built from this store would be.

    Schannel puts the DER-encoded subject Name of every certificate of the issuer store into the
    CertificateRequest, each behind a 2-byte length (a TLS DistinguishedName), and stops at
    16 KB. The names here are rebuilt from the printed DNs: UTF8String values, except C
    (PrintableString) and DC / E (IA5String). For ASCII values the length is the same whatever the
    string type, so the estimate is exact for them; a certificate that encodes a value as
    BMPString or T61String, or a non-ASCII value, can differ by a few bytes per name. Every
    certificate counts once, duplicates included.
    """

    limit: int = ISSUER_LIST_LIMIT
    """The limit in bytes (16384, KB 2801679)."""
    names: int
    """Subject names counted."""
    total_bytes: int
    """Sum over those names of (DER length + 2)."""
    remove_at_least: int
    """The fewest names whose removal brings the total under the limit (0 when it fits):
    removing the largest names first gives this minimum."""
    unsized: int = 0
    """Certificates left out because the dump shows no subject for them."""
    approximate_names: int = 0
    """Names with an attribute type of unknown OID (sized with a 3-byte placeholder OID)."""

    @property
    def percent(self) -> float:
        """The total as a percentage of the limit."""
        return 100.0 * self.total_bytes / self.limit


class CertStoreDump(Evidence):
    """A `certutil [-v] [-user] -store <name>` dump."""

    store: str | None = None
    """The store's name from the first line (`My`, `Root`, `CA`, `ClientAuthIssuer`), or from
    the echoed command; None when neither is in the input."""
    store_display_name: str | None = None
    """Its display name, in the language of the machine (`Trusted Root Certification
    Authorities`)."""
    command: str | None = None
    """The echoed certutil command line, when the paste includes it."""
    user: bool | None = None
    """True when the echoed command has `-user` (the current user's store); False when a
    command without it was echoed; None when no command was echoed."""
    verbose: bool = False
    """Whether this is a `-v` dump (full certificate dumps with extensions)."""
    certificates: tuple[SerializeAsAny[StoreCertificate], ...] = ()
    """The certificates, in dump order (OpenSSL's printout holds a subclass of them)."""
    issuer_list: IssuerListEstimate | None = None
    """The issuer-list estimate, for Root and ClientAuthIssuer dumps."""
    completed: bool | None = None
    """True for `CertUtil: -store command completed successfully.`, False when certutil
    reported a failure, None when the final line is not in the input."""
    error: str | None = None
    """certutil's failure message, when it printed one."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines kept but not placed."""
    dump: bool = False
    """Whether this is `certutil -dump` of a certificate file (.cer, .pfx, .p7b) rather than of
    a store: its certificates are no store's."""

    @property
    def store_key(self) -> str:
        """The store name in lower case ('' when unknown)."""
        return (self.store or "").lower()

    def label(self) -> str:
        """`Root (Trusted Root Certification Authorities)`, for messages."""
        if self.dump:
            return "the certificate file dumped"
        if self.store is None:
            return "unnamed store"
        shown = f"{self.store} ({self.store_display_name})" if self.store_display_name else (
            self.store)
        return shown + (" of the current user" if self.user else "")

    def identities(self) -> tuple[Identity, ...]:
        """Each entry of the store (its context is the one its findings carry)."""
        return tuple(Identity(
            kind="certificate", where=(f"dumped file, certificate {c.index}" if self.dump
                                       else f"store {self.store or '?'}, certificate {c.index}"),
            context=f"certificate {c.index} at line {c.line}", thumbprint=c.thumbprint,
            serial=c.serial, issuer=c.issuer, subject=c.subject, not_before=c.not_before_at,
            not_after=c.not_after_at) for c in self.certificates)
