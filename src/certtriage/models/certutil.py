"""Models of `certutil -verify [-urlfetch]` output (and the chain part of -scinfo / -dcinfo).

Every value keeps the line it came from, so a finding can cite its evidence. Status values are
kept as printed and decoded into flag names by the field they belong to: the same bit means
different things in dwErrorStatus and dwInfoStatus.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ._base import Model
from .evidence import Repair, Span, UnparsedLine


class HResult(Model):
    """An error code as certutil printed it, with its message."""

    value: int
    """The 32-bit code, unsigned."""
    hex: str
    """The code as `0x` and eight lowercase hex digits."""
    symbol: str | None = None
    """The symbolic name (printed by certutil or known to the code tables)."""
    message: str = ""
    """The message text printed with it (may be localised)."""
    line: int
    """Line number in the decoded input."""


class TrustStatus(Model):
    """A dwErrorStatus or dwInfoStatus value decoded into flag names."""

    field: Literal["error", "info"]
    """Which field the value belongs to."""
    value: int
    """The value (from the element header, or the OR of the per-flag lines)."""
    flags: tuple[str, ...] = ()
    """CERT_TRUST_* names of the set bits."""
    unknown_bits: int = 0
    """Bits no known flag covers."""


class Policy(Model):
    """An Application[n] / Issuance[n] / EV[n] entry, or an OID in a verified-policies list."""

    kind: Literal["application", "issuance", "ev"]
    """Which policy list."""
    index: int | None = None
    """The [n] index, when printed."""
    oid: str
    """The dotted OID."""
    name: str = ""
    """The friendly name as printed (localised on non-English systems)."""
    line: int
    """Line number."""


UrlSection = Literal["aia", "cdp", "base_crl_cdp", "ocsp", "unknown"]
UrlStatus = Literal[
    "verified", "failed", "expired", "ok", "no_urls", "no_idp_intersection", "unknown"
]
ObjectKind = Literal[
    "certificate", "base_crl", "delta_crl", "ocsp", "aia", "cdp", "none", "unknown"
]


class RetrievalError(Model):
    """The "Error retrieving URL" detail of a failed fetch."""

    message: str
    """The error text as printed."""
    hresult: HResult | None = None
    """The code, when one was printed."""
    win32: int | None = None
    """The Win32 / WinINet code from "(WIN32: n)"."""


class UrlCheck(Model):
    """One retrieval that certutil -urlfetch reported: status, object, URL, error."""

    section: UrlSection
    """Which report it is in: Certificate AIA, Certificate CDP, Base CRL CDP, Certificate OCSP."""
    status: UrlStatus
    """The status, normalised; `unknown` keeps an unfamiliar word (see `status_text`)."""
    status_text: str
    """The status word as printed."""
    object_kind: ObjectKind
    """What was fetched."""
    object_text: str
    """The quoted object as printed, e.g. `Base CRL (5a)`."""
    object_ref: str | None = None
    """The index or CRL number in the parentheses."""
    time: int | None = None
    """The `Time:` value."""
    object_hash: str | None = None
    """SHA-1 of the fetched object, printed by newer builds."""
    url: str | None = None
    """The URL."""
    url_index: str | None = None
    """The `[i.j]` or `[i.j.k]` position, when printed."""
    error: RetrievalError | None = None
    """Why the fetch failed."""
    span: Span
    """Lines of the status line through the URL."""


class CrlInfo(Model):
    """A CRL / Delta CRL detail block printed under an element."""

    kind: Literal["base", "delta"]
    """Base or delta CRL."""
    number: str | None
    """The CRL number in hex as printed; None for `(null)`."""
    issuer: str | None = None
    """The CRL issuer."""
    this_update: str | None = None
    """ThisUpdate as printed."""
    next_update: str | None = None
    """NextUpdate as printed."""
    next_update_at: datetime | None = None
    """NextUpdate as a time, when the date format was unambiguous."""
    hash: str | None = None
    """The CRL's SHA-1."""
    line: int
    """Line of the CRL header."""


class ChainElement(Model):
    """One certificate of the chain: `CertContext[i][j]` and what follows it."""

    chain_index: int | None
    """The simple-chain index i; None when the header was not in the input."""
    index: int | None
    """The element index j (0 = leaf); None when the header was not in the input."""
    info_status: TrustStatus | None = None
    """dwInfoStatus (from the header, or the Element.dwInfoStatus lines)."""
    error_status: TrustStatus | None = None
    """dwErrorStatus (from the header, or the Element.dwErrorStatus lines)."""
    issuer: str | None = None
    """Issuer distinguished name."""
    subject: str | None = None
    """Subject distinguished name."""
    not_before: str | None = None
    """NotBefore as printed."""
    not_after: str | None = None
    """NotAfter as printed."""
    not_before_at: datetime | None = None
    """NotBefore as a time, when unambiguous."""
    not_after_at: datetime | None = None
    """NotAfter as a time, when unambiguous."""
    serial: str | None = None
    """Serial number in hex."""
    subject_alt_name: str | None = None
    """SubjectAltName as printed."""
    template: str | None = None
    """Certificate template name or OID."""
    thumbprint: str | None = None
    """SHA-1 thumbprint (from `Cert:` or the older spaced-hex line)."""
    policies: tuple[Policy, ...] = ()
    """Application / Issuance / EV policies valid for this element."""
    url_checks: tuple[UrlCheck, ...] = ()
    """The -urlfetch retrievals for this element."""
    crls: tuple[CrlInfo, ...] = ()
    """CRL detail blocks."""
    span: Span
    """Lines of the element."""

    @property
    def application_oids(self) -> tuple[str, ...]:
        """OIDs of the Application[n] entries."""
        return tuple(p.oid for p in self.policies if p.kind == "application")


class ChainSummary(Model):
    """ChainContext or SimpleChain status."""

    scope: Literal["chain_context", "simple_chain"]
    """Which summary."""
    info_status: TrustStatus | None = None
    """dwInfoStatus."""
    error_status: TrustStatus | None = None
    """dwErrorStatus."""
    freshness: str | None = None
    """dwRevocationFreshnessTime as printed."""
    freshness_seconds: int | None = None
    """The freshness time in seconds."""
    line: int
    """First line."""


class Preamble(Model):
    """Flags certutil printed before the chain: how it was asked to verify."""

    verify_flags: tuple[str, ...] = ()
    """CA_VERIFY_FLAGS_* names from the `dwFlags =` lines."""
    chain_flags: tuple[str, ...] = ()
    """CERT_CHAIN_* names from the `ChainFlags =` lines."""
    chain_engine: str | None = None
    """HCCE_LOCAL_MACHINE or HCCE_CURRENT_USER."""
    chain_policy: str | None = None
    """CERT_CHAIN_POLICY_BASE, CERT_CHAIN_POLICY_NT_AUTH, ..."""
    requested_policies: tuple[Policy, ...] = ()
    """Application / issuance policies given on the command line."""


class Identity(Model):
    """The header: which certificate was verified."""

    issuer: tuple[str, ...] = ()
    """Issuer RDNs, as printed (most specific first)."""
    subject: tuple[str, ...] = ()
    """Subject RDNs."""
    serial: str | None = None
    """Cert Serial Number."""
    name_hashes: tuple[str, ...] = ()
    """Name Hash lines (sha1 / md5) in order."""
    line: int
    """First line."""


class ChainHashes(Model):
    """The Exclude leaf cert / Full chain hashes."""

    exclude_leaf: str | None = None
    """Chain hash without the leaf."""
    full_chain: str | None = None
    """Chain hash with the leaf."""
    line: int
    """Line of `Exclude leaf cert:`."""


class Trailer(Model):
    """The verdict lines certutil printed after the chain, and its final line."""

    missing_issuer: tuple[str, ...] = ()
    """`Missing Issuer:` names."""
    incomplete_chain: bool = False
    """`Incomplete certificate chain` was printed."""
    cannot_find: tuple[str, ...] = ()
    """Names under `Cannot find certificate:`."""
    untrusted_root: bool = False
    """`Verifies against UNTRUSTED root` was printed."""
    revocation_skipped: str | None = None
    """The reason after `Revocation check skipped --`."""
    certificate_revoked: bool = False
    """`Certificate is REVOKED` was printed."""
    leaf_revoked: bool = False
    """`Leaf certificate is REVOKED` was printed."""
    leaf_revoked_reason: int | None = None
    """The CRL reason code printed with it."""
    leaf_revocation_passed: bool = False
    """`Leaf certificate revocation check passed` was printed."""
    leaf_revocation_error: HResult | None = None
    """`ERROR: Verifying leaf certificate revocation status returned ...`."""
    cert_kind: Literal["ca", "end_entity"] | None = None
    """`Cert is a CA certificate` / `Cert is an End Entity certificate`."""
    verified_issuance: tuple[Policy, ...] | None = None
    """Verified Issuance Policies (empty tuple = None printed; None = line absent)."""
    verified_issuance_all: bool = False
    """`Verified Issuance Policies: All`."""
    verified_application: tuple[Policy, ...] | None = None
    """Verified Application Policies (empty tuple = None printed; None = line absent)."""
    verified_application_all: bool = False
    """`Verified Application Policies: All` (no EKU restriction)."""
    completed: Literal["success", "failed"] | None = None
    """certutil's final line: completed successfully / FAILED. Not a verdict on the chain."""
    failed_hresult: HResult | None = None
    """The code of `CertUtil: -verify command FAILED: ...`."""
    messages: tuple[str, ...] = ()
    """Other `CertUtil: <message>` lines."""
    scinfo_chain_status: int | None = None
    """`CertGetCertificateChain(dwErrorStatus) = 0x...` of certutil -scinfo."""
    policy_accepted: bool | None = None
    """CAPI2 runs: whether the chain policy check (event 30) accepted the chain."""
    policy: str | None = None
    """CAPI2 runs: the chain policy checked (CERT_CHAIN_POLICY_SSL, ...)."""
    scinfo_chain: Literal["valid", "invalid"] | None = None
    """certutil -scinfo's verdict on the card certificate's chain (base policy)."""
    scinfo_logon_chain: Literal["valid", "invalid"] | None = None
    """The same under the smart-card logon policy (`Smart Card Logon: ...`)."""
    notes: tuple[str, ...] = ()
    """Recognised context lines of -scinfo / -dcinfo (e.g. `Chain validates`)."""


class CertutilVerify(Model):
    """Everything read from one certutil -verify / -scinfo / -dcinfo chain dump."""

    kind: Literal["certutil-verify"] = "certutil-verify"
    """Model tag."""
    variant: Literal["verify", "scinfo", "dcinfo", "capi2"] = "verify"
    """Which certutil verb produced it, as far as the text shows."""
    identity: Identity | None = None
    """The header."""
    preamble: Preamble = Preamble()
    """Verify flags, chain flags, engine, policy."""
    chain: tuple[ChainSummary, ...] = ()
    """ChainContext and SimpleChain summaries."""
    elements: tuple[ChainElement, ...] = ()
    """Chain elements, leaf first. Headerless fragments yield elements with index None."""
    echo: ChainElement | None = None
    """The certificate certutil repeats after the chain hashes when it reports an error."""
    hashes: ChainHashes | None = None
    """Exclude leaf cert / Full chain hashes."""
    errors: tuple[HResult, ...] = ()
    """Error lines with an HRESULT before the verdict section."""
    trailer: Trailer = Trailer()
    """Verdict lines and the final line."""
    elided: tuple[int, ...] = ()
    """Lines where the paste says `...` (content left out)."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines that could not be placed."""
    repairs: tuple[Repair, ...] = ()
    """Paste damage that was undone."""
    complete: bool
    """Whether the dump has both its start (header or flags) and its final line."""
    line_count: int
    """Number of non-blank lines read."""

    @property
    def chain_error(self) -> TrustStatus | None:
        """The ChainContext dwErrorStatus, else the first SimpleChain one."""
        for scope in ("chain_context", "simple_chain"):
            for summary in self.chain:
                if summary.scope == scope and summary.error_status is not None:
                    return summary.error_status
        return None
