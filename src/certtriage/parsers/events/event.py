"""One event as every export shape reads it, and what CAPI2 events add: the chain-validation
details (:class:`Capi2Detail`) that group the events of one operation into a run
(:class:`Capi2Run`) and the certificates they name (:class:`Capi2Certificate`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from ...models._base import Model
from ...models.common import Span
from ..certutil_verify.model import CertutilVerify

_ZONED = re.compile(r"\d(?:Z|[+-]\d\d:?\d\d)\s*$")

EventShape = Literal[
    "copy-details", "legacy-text", "wevtutil-text", "format-list", "csv", "tsv", "xml",
    "friendly-xml", "friendly-view", "winevent-table", "json", "message-only", "mention",
    "evtx",
]
"""How an event reached us: an export (Event Viewer's copy, the 2003 text, wevtutil, a
PowerShell list or table, CSV, TSV, XML, the friendly XML or friendly view, the JSON of any
tool, EVTX), a message
found in other text (`message-only`), or only its provider and id named (`mention`)."""


class Capi2Element(Model):
    """One certificate of a chain as CAPI2 event 11 reports it."""

    subject: str | None = None
    """subjectName of the certificate."""
    thumbprint: str | None = None
    """SHA-1 from the fileRef name."""
    error_status: int = 0
    """Its dwErrorStatus."""
    info_status: int = 0
    """Its dwInfoStatus."""
    application_oids: tuple[str, ...] = ()
    """ApplicationUsage OIDs."""
    revocation_result: int | None = None
    """RevocationInfo/RevocationResult value, when present."""
    crl_url: str | None = None
    """The CRL (or OCSP) URL used for it."""


class Capi2Certificate(Model):
    """A certificate a CAPI2 event names (besides the chain elements of event 11)."""

    role: Literal["subject", "issuer", "object"]
    """The certificate the event is about (`subject`), its issuer, or one of the objects an
    X509Objects event (90) prints."""
    name: str | None = None
    """subjectName (a common name)."""
    thumbprint: str | None = None
    """SHA-1 from the fileRef name."""
    subject: str | None = None
    """Subject distinguished name (event 90)."""
    issuer: str | None = None
    """Issuer distinguished name (event 90)."""
    serial: str | None = None
    """Serial number (event 90)."""
    not_before: datetime | None = None
    """NotBefore, UTC (event 90)."""
    not_after: datetime | None = None
    """NotAfter, UTC (event 90)."""
    ca: bool | None = None
    """Whether its basic constraints make it a CA (event 90; None when not printed)."""


class Capi2Detail(Model):
    """What a CAPI2 Operational event says about a chain build, a policy check, a revocation
    check or a URL retrieval."""

    task_id: str | None = None
    """CorrelationAuxInfo TaskId: events of one operation share it."""
    seq: int | None = None
    """CorrelationAuxInfo SeqNumber."""
    process: str | None = None
    """EventAuxInfo ProcessName (lsass.exe for Schannel / HTTP.sys)."""
    subject: str | None = None
    """The certificate the event is about."""
    chain_error: int | None = None
    """Chain dwErrorStatus (event 11)."""
    chain_info: int | None = None
    """Chain dwInfoStatus (event 11)."""
    elements: tuple[Capi2Element, ...] = ()
    """Chain elements, leaf first (event 11)."""
    policy: str | None = None
    """Policy type (event 30)."""
    result: int | None = None
    """Result value (0 = success)."""
    result_text: str = ""
    """Result message text."""
    url: str | None = None
    """URL retrieved (event 53) or used for revocation (event 41)."""
    object_type: str | None = None
    """CONTEXT_OID_CRL, CONTEXT_OID_CERTIFICATE, CONTEXT_OID_OCSP_RESP ... (event 53)."""
    auth_type: str | None = None
    """SSLAdditionalPolicyInfo authType of a chain policy check (event 30): `client` when a
    client's certificate was checked (by a server), `server` when a server's was."""
    action: str | None = None
    """The check that rejected revocation information (event 42: CheckTimeValidity ...)."""
    certificates: tuple[Capi2Certificate, ...] = ()
    """The certificates the event names: its subject and issuer, or the X509 objects (90)."""


class Event(Model):
    """One Windows event, from whichever export it came."""

    provider: str
    """Provider / source name as shown (Schannel, Microsoft-Windows-CAPI2, crypt32, ...)."""
    event_id: int
    """Event ID."""
    level: str | None = None
    """error, warning, information, critical, verbose (None when not shown)."""
    time: str | None = None
    """Time as printed."""
    time_at: datetime | None = None
    """Time parsed, when the format was unambiguous."""
    computer: str | None = None
    """Computer name."""
    channel: str | None = None
    """Log name / channel."""
    record_id: int | None = None
    """EventRecordID."""
    message: str = ""
    """The rendered description (from the export, or from our message table for EVTX)."""
    message_resolved: bool = True
    """False when the export said the description could not be resolved."""
    data: dict[str, str] = {}
    """Named EventData values (AlertDesc, ErrorState, ...)."""
    alert_code: int | None = None
    """TLS alert number of 36887 / 36888."""
    alert_name: str | None = None
    """Its IANA name."""
    error_state: int | None = None
    """Schannel's internal error state, when given."""
    codes: tuple[str, ...] = ()
    """HRESULTs in the message or data, as 0x and eight hex digits."""
    capi2: Capi2Detail | None = None
    """Chain-validation details of a CAPI2 Operational event."""
    shape: EventShape
    """The export shape it was read from."""
    span: Span | None = None
    """Input lines (text shapes) of the record."""

    @property
    def utc(self) -> bool:
        """Whether its time is UTC: an EVTX record's, or a time printed with its zone (XML's
        SystemTime `...Z`). A text, list or CSV export prints the local time of the machine
        that exported it, without a zone."""
        return self.shape == "evtx" or bool(_ZONED.search(self.time or ""))


RunOutcome = Literal["accepted", "rejected", "chain errors", "built"]
"""What became of one chain validation: its policy accepted or rejected it, or no policy check
was logged and the chain was built with errors (`chain errors`) or without (`built`)."""


class Capi2Run(Model):
    """The CAPI2 events of one chain-validation operation, and the chain they describe."""

    task_id: str
    """The shared CorrelationAuxInfo TaskId."""
    event_ids: tuple[int, ...]
    """Event IDs in sequence order."""
    process: str | None = None
    """The process that asked for the validation."""
    auth_type: str | None = None
    """The authType of its SSL chain policy check (event 30), when it has one: `client` when
    a server checked a client's certificate, `server` when a client checked a server's."""
    subject: str | None = None
    """The end certificate."""
    chain: CertutilVerify
    """The run expressed as a chain model, so the certutil rules diagnose it."""
    time: str | None = None
    """When the chain was built (its event 11), as the log shows it."""
    outcome: RunOutcome = "built"
    """Accepted or rejected by its chain policy, or built without a policy check."""
    error: str | None = None
    """The policy's error code, else the first revocation or retrieval error code of the run
    (0x and 8 digits), else the chain's error bits by name."""
