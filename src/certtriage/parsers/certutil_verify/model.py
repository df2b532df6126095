"""Models of `certutil -verify [-urlfetch]` output, and of -scinfo / -dcinfo / -urlcache output
and the two-argument -verify, which print the same chain dump or none (`commands`).

Every value keeps the line it came from, so a finding can cite its evidence. Status values are
kept as printed and decoded into flag names by the field they belong to: the same bit means
different things in dwErrorStatus and dwInfoStatus. The chain elements, statuses and error codes
are the shared vocabulary of `models.common`.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
from typing import Literal

from ...models._base import Model
from ...models.common import (
    ChainElement,
    ChainSummary,
    Evidence,
    HResult,
    Policy,
    Repair,
    ShownChain,
    TrustStatus,
    UnparsedLine,
)
from ...models.common import (
    Identity as CertIdentity,
)
from .commands import (
    CardReader,
    CodeSlip,
    DcStore,
    DcTest,
    ListedCertificate,
    PairVerification,
    UrlCache,
)


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


#: The certutil verbs whose final line is a verdict on a certificate's chain.
CHAIN_VERBS = frozenset({"verify", "verifystore", "scinfo", "dcinfo", "url"})


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
    leaf_revocation_unchecked: bool = False
    """`Cannot check leaf certificate revocation status` (no revocation information)."""
    expired_certificate: bool = False
    """`Expired certificate` was printed."""
    skipped_offline: bool = False
    """`Revocation check skipped -- server offline`."""
    skipped_no_info: bool = False
    """`Revocation check skipped -- no revocation information available`."""
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
    verb: str | None = None
    """The verb of the final line (`verify`, `SCInfo`, `DCInfo`, `URLCache` ...)."""
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


class CertutilVerify(Evidence):
    """Everything read from one certutil -verify / -scinfo / -dcinfo chain dump."""

    kind: Literal["certutil-verify"] = "certutil-verify"
    """Model tag."""
    variant: Literal["verify", "pair", "scinfo", "dcinfo", "urlcache", "capi2"] = "verify"
    """Which certutil verb (or form) produced it, as far as the text shows; `pair` is the
    two-argument `-verify cert.cer issuer.cer`."""
    label: str | None = None
    """Which certificate of the output this chain is about, when the output holds several
    (`card certificate 1 (reader ...)`, `KDC certificate 0 of DC01`, `run 2`)."""
    certificate: ListedCertificate | None = None
    """How -scinfo / -dcinfo described the certificate before verifying it."""
    identity: Identity | None = None
    """The header."""
    preamble: Preamble = Preamble.trusted()
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
    trailer: Trailer = Trailer.trusted()
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
    runs: tuple["CertutilVerify", ...] = ()
    """The further chains of an output that verified several certificates (each with its
    `label`); this model is the first."""
    readers: tuple[CardReader, ...] = ()
    """-scinfo: the smart-card readers reported."""
    cards: tuple[ListedCertificate, ...] = ()
    """-scinfo: every card certificate analysed, also those certutil printed no chain for."""
    dc_tests: tuple[DcTest, ...] = ()
    """-dcinfo: the domain controllers tested."""
    dc_stores: tuple[DcStore, ...] = ()
    """-dcinfo: the store sections of each domain controller."""
    pair: PairVerification | None = None
    """The two-argument -verify: its checks and verdict."""
    urlcache: UrlCache | None = None
    """A -urlcache listing."""
    code_slips: tuple[CodeSlip, ...] = ()
    """Error codes printed with a typing slip, and how each was read."""
    command_line: str | None = None
    """The certutil command as the paste shows it (after its prompt)."""

    @property
    def chain_error(self) -> TrustStatus | None:
        """The ChainContext dwErrorStatus, else the first SimpleChain one."""
        for scope in ("chain_context", "simple_chain"):
            for summary in self.chain:
                if summary.scope == scope and summary.error_status is not None:
                    return summary.error_status
        return None

    def all_hresults(self) -> list[HResult]:
        """Every error code in the dump, in line order, the first occurrence of each code."""
        found: list[HResult] = []
        for element in (*self.elements, *((self.echo,) if self.echo else ())):
            for check in element.url_checks:
                if check.error and check.error.hresult:
                    found.append(check.error.hresult)
        found.extend(self.errors)
        for extra in (self.trailer.leaf_revocation_error, self.trailer.failed_hresult):
            if extra is not None:
                found.append(extra)
        seen: set[str] = set()
        ordered = []
        for hresult in sorted(found, key=lambda h: h.line):
            if hresult.hex not in seen:
                seen.add(hresult.hex)
                ordered.append(hresult)
        return ordered

    def not_iis(self) -> str | None:
        """When certutil's final line says a verb that checks no client's chain failed (a
        -urlcache download, -generateSSTFromWU): its code is that command's own."""
        t = self.trailer
        verb = t.verb or ""
        if t.failed_hresult is None or not verb or verb.casefold() in CHAIN_VERBS:
            return None
        return (f"certutil's -{verb} failed with {t.failed_hresult.hex}: that is the command's "
                f"own work (a download, a store it writes), not a client certificate checked "
                f"by IIS")

    def reading_notes(self) -> list[str]:
        """Where the paste leaves content out (`...`), and error codes read through a slip."""
        notes = [f"line {s.line}: {s.note}" for s in self.code_slips]
        if not self.elided:
            return notes
        lines = ", ".join(str(n) for n in self.elided[:10]) + (" ..." if len(self.elided) > 10
                                                                 else "")
        return [*notes, f"the paste leaves content out at line(s) {lines}"]

    def read_whole(self) -> bool:
        """Whether the dump has both its start (header or flags) and its final line."""
        return self.complete

    def error_codes(self) -> tuple[str, ...]:
        """Every error code in the output, in line order: each chain's, and those certutil
        printed for a domain controller or a store."""
        found = [*self.all_hresults(), *(h for r in self.runs for h in r.all_hresults())]
        found.extend(t.error for t in self.dc_tests if t.error is not None)
        found.extend(s.error for s in self.dc_stores if s.error is not None)
        return tuple(dict.fromkeys(h.hex for h in sorted(found, key=lambda h: h.line)))

    def chains(self) -> tuple[ShownChain, ...]:
        """The chain, leaf first (the repeated certificate alone when no element was printed),
        then the chain of each further run. A chain with a label (an output that verified
        several certificates) is the context of its findings."""
        return (*self._chain(self.label), *(c for run in self.runs for c in run._chain(run.label)))

    def identities(self) -> tuple[CertIdentity, ...]:
        """Each element of each chain (or the header's certificate when no element was
        printed), with the chain's label as context."""
        return (*self._identities(), *(i for run in self.runs for i in run._identities()))

    def _identities(self) -> tuple[CertIdentity, ...]:
        chain = f"{self.label}: " if self.label else ""
        elements = self.elements or ((self.echo,) if self.echo else ())
        found = [e.identity(f"{chain}chain element [{e.chain_index or 0}][{e.index}]"
                            if e.index is not None else f"{chain}certificate", self.label)
                 for e in elements]
        header = self.identity
        has_leaf = any(e.index in (0, None) for e in elements)
        if header is not None and (header.subject or header.serial) and not has_leaf:
            found.append(CertIdentity(
                kind="certificate", where=f"{chain}certificate verified", context=self.label,
                element=0, serial=header.serial, issuer=", ".join(header.issuer) or None,
                subject=", ".join(header.subject) or None))
        return tuple(found)

    def _chain(self, context: str | None) -> tuple[ShownChain, ...]:
        elements = self.elements or ((self.echo,) if self.echo else ())
        if not elements:
            return ()
        title = f"Chain of {self.label} (leaf first)" if self.label else "Chain (leaf first)"
        return ((title, context, elements),)

