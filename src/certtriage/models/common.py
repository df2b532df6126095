"""The vocabulary several formats share: where evidence came from (spans, repairs, lines left
over), error codes (one factory for `HResult`), trust statuses, and the chain element with its
URL retrievals and CRLs.

certutil output, CAPI2 event runs, certificate files and store listings all describe
certificates in a chain; they do it with these models, so one rule reads them all.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, SerializeAsAny, field_validator

from ._base import Model


class Span(Model):
    """A range of 1-based line numbers in the decoded input (inclusive)."""

    start: int
    """First line."""
    end: int
    """Last line (equal to start for a single line)."""


RepairKind = Literal[
    "quote-prefix",
    "percent-prefix",
    "markdown-escape",
    "backticks",
    "autolink",
    "smart-quotes",
    "dash-banner",
    "wrapped-hresult",
    "blank-lines",
    "trailing-space",
    "truncated",
]


class Repair(Model):
    """Damage that the normaliser undid on one line, so a report can say what it changed."""

    line: int
    """Line number in the decoded input."""
    kind: RepairKind
    """What was repaired."""


#: How parsers begin the reason of a line that is no line of their format at all (as opposed
#: to a line of the format they could not read): such a line may be prose, or other evidence.
FOREIGN_REASONS = ("unrecognised", "not a ", "not an ", "not part of", "text outside",
                   "no #Fields directive")


class UnparsedLine(Model):
    """A line that could not be placed in the structure; kept, never dropped."""

    line: int
    """Line number in the decoded input."""
    text: str
    """The line as normalised (bounded to 300 characters)."""
    reason: str
    """Why it was not placed."""

    @property
    def foreign(self) -> bool:
        """Whether the line is no line of the format at all (see FOREIGN_REASONS)."""
        return self.reason.startswith(FOREIGN_REASONS)


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
#: Each -urlfetch section: its title as certutil prints it, and its short label in reports
#: (a base CRL's CDP lists where its delta CRLs are published).
URL_SECTIONS: dict[str, tuple[str, str]] = {
    "aia": ("Certificate AIA", "AIA"),
    "cdp": ("Certificate CDP", "CDP"),
    "base_crl_cdp": ("Base CRL CDP", "Delta CDP"),
    "ocsp": ("Certificate OCSP", "OCSP"),
    "unknown": ("retrieval", "URL"),
}
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
    this_update_at: datetime | None = None
    """ThisUpdate as a time, when the date format was unambiguous."""
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

    def identity(self, where: str, context: str | None = None) -> "Identity":
        """The element as an identity (with the base CRL printed under it)."""
        crl = next((c for c in self.crls if c.kind == "base"), None)
        return Identity.trusted(
            kind="certificate", where=where, context=context, element=self.index,
            thumbprint=self.thumbprint, serial=self.serial, issuer=self.issuer,
            subject=self.subject, names=(self.subject_alt_name,) if self.subject_alt_name else (),
            not_before=self.not_before_at, not_after=self.not_after_at,
            crl_this_update=crl.this_update_at if crl else None,
            crl_next_update=crl.next_update_at if crl else None)


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


#: A chain a report may draw: its title, the context its findings carry (None: the input
#: itself), and its elements, leaf first.
ShownChain = tuple[str, str | None, tuple[ChainElement, ...]]


def _hex(value: str | None) -> str | None:
    """Hex digits only, lowercase, without leading zeros (serials are printed both ways)."""
    if value is None:
        return None
    digits = _NOT_HEX.sub("", value.lower())
    return digits.lstrip("0") or ("0" if digits else None)


#: Whatever is not a lowercase hex digit (taken out of hashes and serials in one pass).
_NOT_HEX = re.compile(r"[^0-9a-f]+")
#: A hash and a serial as `Identity` keeps them, and the fields it keeps times in.
_HASH_DIGITS = re.compile(r"[0-9a-f]+")
_SERIAL_DIGITS = re.compile(r"0|[1-9a-f][0-9a-f]*")
_TIMES = ("time", "until", "not_before", "not_after", "crl_this_update", "crl_next_update")


def _naive_or_none(value: object) -> bool:
    return value is None or (isinstance(value, datetime) and value.tzinfo is None)


class Identity(Model):
    """What one piece of evidence is about, as far as it shows: a certificate (a chain
    element, a certificate file, a store entry, a CAPI2 run's certificate) or a server's log
    over a time window (an event, a run of IIS log lines). A case links findings only across
    identities that match (see `certtriage.case`)."""

    kind: Literal["certificate", "server"]
    """A certificate, or what a server logged (which certificate is not shown)."""
    where: str
    """Where the input shows it: `chain element [0][1]`, `certificate 0 of the file`, ..."""
    context: str | None = None
    """The context its findings carry (a chain's label, a CAPI2 TaskId, a log window); None for
    the input's own chain."""
    element: int | None = None
    """Its chain element index (0 = leaf), when it is a chain element."""
    event_id: int | None = None
    """The event it comes from (event inputs)."""
    thumbprint: str | None = None
    """SHA-1 thumbprint (certificate hash), hex digits only, lowercase."""
    serial: str | None = None
    """Serial number, hex digits only, lowercase, no leading zeros."""
    issuer: str | None = None
    """Issuer distinguished name as printed."""
    subject: str | None = None
    """Subject distinguished name (or a CAPI2 subject's common name) as printed."""
    names: tuple[str, ...] = ()
    """Subject alternative names and UPNs as printed."""
    target: str | None = None
    """The target (server) name a client connected to (Schannel TargetName)."""
    server: str | None = None
    """The computer that logged it."""
    clients: tuple[str, ...] = ()
    """Client addresses a server log names."""
    status: str | None = None
    """The answer a server log window holds (`403.13`)."""
    time: datetime | None = None
    """When the evidence shows it (an event's time, a log window's first line)."""
    until: datetime | None = None
    """The end of a log window."""
    not_before: datetime | None = None
    """The certificate's NotBefore."""
    not_after: datetime | None = None
    """The certificate's NotAfter."""

    crl_this_update: datetime | None = None
    """ThisUpdate of the base CRL checked for it, when the input prints one."""
    crl_next_update: datetime | None = None
    """NextUpdate of that CRL."""
    utc: bool | None = None
    """Whether its times (`time`, `until`) are UTC; False for the local time of the machine
    that exported them (a text or CSV event export), None when the input kind decides."""

    @field_validator("thumbprint")
    @classmethod
    def _thumbprint(cls, value: str | None) -> str | None:
        digits = _NOT_HEX.sub("", (value or "").lower())
        return digits or None

    @field_validator("serial")
    @classmethod
    def _serial(cls, value: str | None) -> str | None:
        return _hex(value)

    @field_validator(*_TIMES)
    @classmethod
    def _naive(cls, value: datetime | None) -> datetime | None:
        """Times with a zone as UTC without it, so every time of a case compares."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    @classmethod
    def _normal_values(cls, values: dict[str, object]) -> bool:
        """Whether `values` are as the validators below leave them (`Model.trusted`): hashes
        and serials in lowercase hex digits (a serial without leading zeros), times without
        a zone. A chain element's are, mostly: it is then made without validation."""
        thumbprint, serial = values.get("thumbprint"), values.get("serial")
        return ((thumbprint is None or (isinstance(thumbprint, str)
                                        and _HASH_DIGITS.fullmatch(thumbprint) is not None))
                and (serial is None or (isinstance(serial, str)
                                        and _SERIAL_DIGITS.fullmatch(serial) is not None))
                and all(_naive_or_none(values.get(name)) for name in _TIMES))

    @property
    def strong(self) -> bool:
        """Whether it names a certificate by more than its subject (hash, or serial+issuer)."""
        return bool(self.thumbprint or (self.serial and self.issuer))


class Evidence(Model):
    """The root model of an input format: what an input's result asks of every format.

    Every root model also has an `unparsed` field: the lines it kept but could not place.
    """

    def reading_notes(self) -> list[str]:
        """What to tell about how the input was read, beyond its unparsed lines."""
        return []

    def read_whole(self) -> bool:
        """False when the input is a fragment (its start or its end is missing)."""
        return True

    def error_codes(self) -> tuple[str, ...] | None:
        """Every error code in the input in order of appearance, or None to take the codes of
        the findings."""
        return None

    def event_rows(self) -> tuple[dict[str, object], ...]:
        """The events the input holds, one row each (event inputs only)."""
        return ()

    def prose_count(self) -> int:
        """Lines of prose the input holds around its evidence (counted, never listed)."""
        return 0

    def own_pieces(self) -> tuple["Piece", ...]:
        """The pieces of evidence the input is made of (a ticket's), none for an export."""
        return ()

    def chains(self) -> tuple[ShownChain, ...]:
        """The chains the input shows."""
        return ()

    def summary_lines(self) -> tuple[str, ...]:
        """Sentences that summarise the input beyond its findings."""
        return ()

    def identities(self) -> tuple[Identity, ...]:
        """The certificates and server windows the input shows (see :class:`Identity`)."""
        return ()

    def holds_nothing(self) -> bool:
        """Whether nothing was read but a heading (a registry key's path alone): found among
        a ticket's sentences, it is a quotation, no piece of evidence."""
        return False

    def named_substatuses(self) -> tuple[str, ...]:
        """The IIS sub-statuses the input says clients got (a ticket's sentences), as
        `403.16`; none where the input is the record of what happened itself."""
        return ()

    def not_iis(self) -> str | None:
        """Why the check the input records is not IIS's (its own structure says so: the
        process that asked for it, the side it checked), or None when it may be."""
        return None

    def server_asked(self) -> bool:
        """Whether the input shows a server asking a client for its certificate (a client's
        trace of choosing one): a client's own lines beside it are that exchange, not the
        client checking the server."""
        return False


class Piece(Model):
    """One piece of evidence in an input: where it stands and what it was read as."""

    kind: str
    """The format it was read as (`event-log`, `certutil-verify`, ... or `mentions`)."""
    first_line: int
    """Its first line in the input."""
    last_line: int
    """Its last line in the input."""
    lines: int
    """How many lines of the input it took."""
    model: SerializeAsAny[Evidence] = Field(exclude=True)
    """What it was read as (reported through the input's own fields, not again here)."""
    numbers: tuple[int, ...] = Field(default=(), exclude=True)
    """The input's line number of each line the model was read from, where it was read from
    those lines alone (its own line 1 is the input's `numbers[0]`); empty when the model's
    line numbers are the input's already."""

    def place(self, span: Span) -> Span:
        """A span of the model's lines as the input's lines."""
        if not self.numbers:
            return span
        last = len(self.numbers)
        return Span.trusted(start=self.numbers[min(max(span.start, 1), last) - 1],
                            end=self.numbers[min(max(span.end, 1), last) - 1])

    @property
    def label(self) -> str:
        """`lines 12-15 (event-log)`: how findings name the piece."""
        where = (f"line {self.first_line}" if self.first_line == self.last_line
                 else f"lines {self.first_line}-{self.last_line}")
        return f"{where} ({self.kind})"
