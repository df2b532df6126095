"""What the knowledge base concludes: findings, the per-input result and the report.

Severity levels, once:

* ``error``: the finding makes validation fail, so IIS rejects the certificate (a 403.x).
* ``warning``: a real fault that does not fail this chain now but will, or fails it elsewhere
  (for example a stale CRL on one of several distribution points).
* ``info``: context: the chain is valid, the evidence is incomplete, or a tool's wording
  misleads.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
from datetime import datetime
from typing import Literal

from pydantic import SerializeAsAny

from ._base import Model
from .common import Evidence, Identity, Piece, Span

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

Verdict = Literal["fail", "pass", "inconclusive"]
#: The verdict of a case or a whole run: an input's, or `unrecognized` when none of its inputs
#: was read (what exit code 3 says).
Overall = Literal["fail", "pass", "inconclusive", "unrecognized"]
InputStatus = Literal["parsed", "partial", "unrecognized", "skipped", "error"]


class Reference(Model):
    """A document that backs a rule."""

    title: str
    """Title, with the KB number where there is one."""
    url: str = ""
    """Where to read it."""


class FixStep(Model):
    """One remediation step."""

    text: str
    """What to do (Markdown)."""
    where: str = ""
    """Where it applies (IIS 6 metabase, IIS 7+ / netsh http, a Windows version), if it matters."""


class Finding(Model):
    """One rule that matched, with the evidence it matched on."""

    rule: str
    """The rule's permanent code, e.g. REV001."""
    name: str
    """The rule's name."""
    cause: str
    """The cause id (a stable contract: `cdp-unreachable`, `revoked`, `ok`, ...)."""
    title: str
    """The rule's one-line title."""
    severity: Severity
    """How bad it is (see the module docstring)."""
    root_cause: bool = False
    """True when no other finding explains this one."""
    explained_by: tuple[str, ...] = ()
    """Rule codes of the findings this one is a symptom of."""
    iis_substatus: tuple[str, ...] = ()
    """The IIS 403.x sub-status(es) it leads to."""
    element: int | None = None
    """The chain element index (0 = leaf) the finding is about, when it is about one."""
    role: str | None = None
    """leaf, subordinate CA or root CA."""
    subject: str | None = None
    """That element's subject."""
    url: str | None = None
    """The URL at fault."""
    event_id: int | None = None
    """The event the finding is about (event-log inputs)."""
    time: str | None = None
    """That event's time as exported."""
    alert_code: int | None = None
    """The TLS alert number of a Schannel 36887 / 36888 event."""
    context: str | None = None
    """Where in the input: for example the CAPI2 run (TaskId and process) a finding is about."""
    hresult: str | None = None
    """The error code, as 0x and eight hex digits."""
    message: str
    """What was found, filled in from the evidence."""
    why: str = ""
    """Why it breaks validation (Markdown)."""
    remediation: tuple[FixStep, ...] = ()
    """Numbered remediation steps."""
    references: tuple[Reference, ...] = ()
    """Documents that back the rule."""
    evidence: tuple[Span, ...] = ()
    """Input lines that justify the finding."""


class InputResult(Model):
    """The result for one input: its status, verdict, findings and parsed model."""

    source: str
    """Path, archive member (`bundle.zip!dir/file.txt`) or `<stdin>`."""
    case: str | None = None
    """Batch runs: the top-level folder or archive the input belongs to."""
    kind: str
    """The detected format id (`certutil-verify`, `unknown`)."""
    status: InputStatus
    """parsed, partial (a fragment or lines left unparsed), unrecognized (no format
    certtriage reads), skipped (not read: a link, an archive bomb, a limit), or error."""
    encoding: str | None = None
    """The encoding the bytes were decoded with."""
    verdict: Verdict | None = None
    """fail, pass or inconclusive; None for inputs that were not analysed."""
    root_causes: tuple[str, ...] = ()
    """Cause ids of the root-cause findings (`ok` for a clean chain)."""
    failing_element: int | None = None
    """Index of the chain element the first root cause is about."""
    iis_substatus: tuple[str, ...] = ()
    """The 403.x sub-statuses the root causes lead to."""
    hresults: tuple[str, ...] = ()
    """Every error code in the input, in order of appearance."""
    warnings: tuple[str, ...] = ()
    """Problems reading the input (unparsed lines, replaced bytes, ...)."""
    next_steps: tuple[str, ...] = ()
    """What to collect next when the evidence does not decide."""
    findings: tuple[Finding, ...] = ()
    """Findings, root causes first."""
    error: str | None = None
    """One-line reason when status is error or unrecognized."""
    events: tuple[dict[str, object], ...] = ()
    """Event inputs: each event as {provider, event_id, level, time, computer, alert_code, ...}."""
    pieces: tuple[Piece, ...] = ()
    """The pieces of evidence found in a ticket, or beside an input's main content (an event
    message quoted under a certutil paste), each with its kind and line span."""
    identities: tuple[Identity, ...] = ()
    """The certificates and server log windows the input shows (its pieces' included), so a
    case links findings only about the same certificate."""
    model: SerializeAsAny[Evidence] | None = None
    """The parsed evidence (CertutilVerify, EventLog, or a configuration/log model)."""

    def without_evidence(self) -> "InputResult":
        """The result without the evidence it was read from (parsed model, evidence pieces,
        events) and its next steps: most of its bytes, which a report that lists each input
        by its verdict and causes (batch text without details) never shows."""
        return self.model_copy(update=_NO_EVIDENCE)

    def summary(self) -> "InputResult":
        """The result without its findings, identities and evidence: what a streamed batch
        keeps of an input once its output (which shows them) is written, and its case has
        read what it needs (`case.reading`)."""
        return self.model_copy(update=_SUMMARY)


_NO_EVIDENCE = {"model": None, "pieces": (), "events": (), "next_steps": ()}
_SUMMARY = {**_NO_EVIDENCE, "findings": (), "identities": ()}


ValidityState = Literal["expired", "not-yet-valid", "valid", "valid-then-expired"]


class ValidityAtTime(Model):
    """A certificate's validity judged at the time of one piece of evidence about it (an
    event, a window of IIS log lines, a CAPI2 validation), then at the time of analysis."""

    certificate: str
    """How the report names the certificate."""
    state: ValidityState
    """Expired or not yet valid at the evidence's time; valid then (and still, or expired
    since, judged at the time of analysis)."""
    evidence: str
    """The evidence whose time is used (`the first 403.17`, `CAPI2 event 30`)."""
    at: datetime
    """The evidence's time."""
    bound: datetime | None = None
    """The NotAfter (or NotBefore) the judgement turns on."""
    judged_at: Literal["evidence", "analysis"]
    """The time the state is judged at: the evidence's, or the analysis' (expired since)."""
    said: str
    """The judgement in one sentence, naming both times."""


class CaseCertificate(Model):
    """One certificate (or chain, or server log window) of a case, with its own diagnosis."""

    label: str
    """How the report names it: its subject and thumbprint, or the server and window."""
    identity: Identity | None = None
    """The strongest identity its inputs show (None when they show none)."""
    sources: tuple[str, ...] = ()
    """The inputs whose findings are about it, in order: the first ten of `files`."""
    files: int = 0
    """How many inputs' findings are about it (a sweep of thousands of copies names ten and
    counts the rest)."""
    root_causes: tuple[str, ...] = ()
    """Its root causes, strongest first."""
    iis_substatus: tuple[str, ...] = ()
    """The 403.x sub-statuses they lead to."""
    symptoms: tuple[str, ...] = ()
    """Causes of its inputs that one of its root causes explains."""
    validity: tuple[ValidityAtTime, ...] = ()
    """Its validity at the time of each event or log window about it (see `case.validity`)."""


TimelineKind = Literal["not-before", "not-after", "crl-this-update", "crl-next-update",
                       "event", "validation", "first-failure", "last-failure"]


class TimelineEntry(Model):
    """One moment of a case: a validity bound, a CRL update, an event, a logged answer."""

    time: datetime
    """When (as the input printed it: logs and events in UTC, certutil in local time)."""
    kind: TimelineKind
    """What kind of moment."""
    what: str
    """What happened, in words (`CRL of CN=Contoso Issuing CA 01 expires`)."""
    source: str
    """The input that shows it."""
    utc: bool
    """Whether the input gives the time in UTC (event and IIS logs, certificate files)."""


class CaseResult(Model):
    """One case of a batch run (a folder or archive): its files combined into one verdict."""

    case: str
    """The folder or archive as given."""
    verdict: Overall
    """fail if any file fails; else inconclusive if nothing decides; else pass; unrecognized
    when no file of the case was read."""
    root_causes: tuple[str, ...] = ()
    """Root causes across the case's files, strongest first."""
    iis_substatus: tuple[str, ...] = ()
    """The 403.x sub-statuses those root causes lead to."""
    symptoms: tuple[str, ...] = ()
    """Causes present in the case that a root cause in another file explains."""
    notes: tuple[str, ...] = ()
    """Confirmations across files and contradictions between them."""
    certificates: tuple[CaseCertificate, ...] = ()
    """The certificates (and server log windows) the case's findings are about, side by
    side, each with its own root causes."""
    timeline: tuple[TimelineEntry, ...] = ()
    """Validity bounds, CRL updates, events and the first and last failed answers, in time
    order."""
    files: int = 0
    """Inputs in the case."""
    parsed: int = 0
    """Inputs read (parsed or partial)."""
    skipped: int = 0
    """Inputs not read (unrecognised format, links, limits)."""
    failed: int = 0
    """Inputs that could not be read (errors)."""


class Report(Model):
    """The whole run."""

    tool: str = "certtriage"
    """Producer."""
    version: str
    """certtriage version."""
    verdict: Overall
    """fail if any input fails; else inconclusive if any is; else pass; unrecognized when no
    input was read (exit code 3). Inputs that were not read do not count beside those that
    were; a case that read nothing counts as inconclusive beside the others."""
    inputs: tuple[InputResult, ...]
    """One result per input, in the order given."""
    cases: tuple[CaseResult, ...] = ()
    """Batch runs: one result per folder or archive."""
