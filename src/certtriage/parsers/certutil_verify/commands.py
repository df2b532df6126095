"""Models of what certutil prints around chains for its other verbs and forms: the smart-card
readers and card certificates of -scinfo, the domain controllers and stores of -dcinfo, the
checks of the two-argument -verify, the listing of -urlcache, and error codes read through a
typing slip.

Values are kept as printed (names, states, the words certutil used) next to what they mean,
and each keeps its line, so a finding can cite it.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
from typing import Literal

from ...models._base import Model
from ...models.common import HResult


class CardReader(Model):
    """One reader of certutil -scinfo's reader report (`--- Reader:` and the lines under it)."""

    name: str
    """The reader's name."""
    states: tuple[str, ...] = ()
    """SCARD_STATE_* names of its `--- Status:` line."""
    status_text: str | None = None
    """The status in words (`The card is available for use.`, translated)."""
    card: str | None = None
    """The card's name (`---   Card:`); None when no card is in the reader."""
    atr: str | None = None
    """The card's ATR as hex, when printed."""
    line: int
    """Line of `--- Reader:`."""


class ListedCertificate(Model):
    """A certificate certutil describes before (or instead of) verifying it: a card
    certificate of -scinfo, a certificate of a -dcinfo store."""

    serial: str | None = None
    """Serial Number."""
    issuer: str | None = None
    """Issuer."""
    subject: str | None = None
    """Subject."""
    not_before: str | None = None
    """NotBefore as printed."""
    not_after: str | None = None
    """NotAfter as printed."""
    template: str | None = None
    """Template (or Certificate Template Name)."""
    thumbprint: str | None = None
    """Cert Hash(sha1)."""
    root: bool | None = None
    """`Root Certificate` (True) / `Non-root Certificate` (False)."""
    reader: str | None = None
    """-scinfo: the reader the card is in."""
    card: str | None = None
    """-scinfo: the card."""
    provider: str | None = None
    """-scinfo: the key's provider (CSP or KSP)."""
    key_container: str | None = None
    """-scinfo: the key container."""
    key_spec: str | None = None
    """-scinfo: AT_SIGNATURE or AT_KEYEXCHANGE."""
    key_missing: bool = False
    """-scinfo: certutil found no key (`No AT_SIGNATURE key for reader`, `Cannot open the key`)."""
    public_key_match: bool | None = None
    """-scinfo: the public key matching test succeeded (True) or failed (False)."""
    private_key_verifies: bool | None = None
    """-scinfo: `Private key verifies` was printed."""
    line: int
    """First line."""


class DcStore(Model):
    """One store section of certutil -dcinfo for one domain controller."""

    computer: str | None = None
    """The domain controller (from `*** Testing DC[i]: <name>` or the section title); named
    `computer` like every host name a report may redact."""
    kind: Literal["enterprise_root", "kdc", "other"]
    """Enterprise Root certificates, KDC certificates, or a section of another kind."""
    title: str
    """The section title as printed."""
    certificates: tuple[ListedCertificate, ...] = ()
    """Certificates listed in it (KDC certificates whose chain was verified are runs)."""
    empty: bool = False
    """certutil said the store holds no certificate."""
    count: int | None = None
    """`<n> KDC certificates for <dc>`."""
    error: HResult | None = None
    """The error certutil printed for the store (`Enterprise Root store: ... 0x80092004`)."""
    line: int
    """Line of the section title."""


class DcTest(Model):
    """One `*** Testing DC[i]: <name>` block of certutil -dcinfo."""

    index: int | None = None
    """i."""
    computer: str
    """The domain controller's name."""
    error: HResult | None = None
    """The error certutil printed for the DC itself (unavailable)."""
    line: int
    """Line of the header."""


CheckName = Literal[
    "issuer_name", "signature", "time", "key_id", "key_authority_name",
    "key_authority_serial", "ca_constraints", "validity_nesting", "revocation_extension",
    "no_revocation_extension", "issuing_ca_root", "other",
]


class PairCheck(Model):
    """One check line of the two-argument `certutil -verify cert.cer issuer.cer`."""

    check: CheckName
    """What was checked."""
    ok: bool
    """Whether it passed (`ERROR: ...` lines fail)."""
    text: str
    """The line as printed."""
    line: int
    """Line number."""


class PairVerification(Model):
    """The two-argument form: does the certificate verify as issued by the given CA file."""

    checks: tuple[PairCheck, ...] = ()
    """The check lines in order."""
    verifies: bool | None = None
    """`<cert> verifies as issued by <ca>` (True) / `does NOT verify` (False); None when the
    verdict line is not in the input."""
    certificate: str | None = None
    """The certificate file named in the verdict line."""
    issuer_file: str | None = None
    """The CA certificate file named in it."""
    revocation: Literal["skipped", "passed", "failed", "revoked"] | None = None
    """What the verdict line says of the revocation check."""
    issuer_names: tuple[str, ...] = ()
    """The issuing CA's subject RDNs (`Issuing CA CertSubject:`)."""
    line: int | None = None
    """Line of the verdict."""

    @property
    def failed(self) -> tuple[PairCheck, ...]:
        """The checks that failed (a validity period that does not nest in the CA's is only
        reported: certutil does not fail the certificate for it)."""
        return tuple(c for c in self.checks if not c.ok and c.check != "validity_nesting")


class UrlCache(Model):
    """A `certutil -urlcache` listing (or delete run)."""

    entries: tuple[str, ...] = ()
    """The cached URLs listed."""
    count: int | None = None
    """`WinHttp Cache entries: <n>`."""
    deleted: int | None = None
    """`WinHttp Cache entries deleted: <n>`."""
    status: str | None = None
    """`****  Online  ****` / `****  OFFLINE  ****` of a `-urlcache -f` fetch."""
    line: int
    """First line."""


class CodeSlip(Model):
    """An error code printed with a typing slip, and how it was read."""

    line: int
    """Line number."""
    printed: str
    """The code as printed (`0x8009213`)."""
    read_as: str
    """The code read (`0x80092013`), or the printed one when nothing settles it."""
    note: str
    """What decided it, or why it stays in doubt."""
