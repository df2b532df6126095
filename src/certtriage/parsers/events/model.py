"""Models of Windows events from every export shape (text copies, CSV, XML, EVTX).

Every shape is read into the same :class:`Event` (`event.py`, with the CAPI2 details that let
the events of one operation be grouped into a run and diagnosed like certutil output); an
:class:`EventLog` holds them with the log's summary.
"""

from __future__ import annotations

from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, Identity, Repair, ShownChain, UnparsedLine
from .event import Capi2Run, Event, EventShape


class EventCount(Model):
    """How many records of one provider's event id a log holds, and when."""

    provider: str
    """Provider, as the catalog spells a relevant one, else as the log does."""
    event_id: int
    """Event ID."""
    count: int
    """Records of it."""
    level: str | None = None
    """Its level (of the first record seen)."""
    first: str | None = None
    """The earliest time, as the log shows it."""
    last: str | None = None
    """The latest time."""
    certificate: bool = False
    """An event about certificates (Schannel, CAPI2, crypt32, HTTP.sys certificate bindings,
    the CA), as opposed to one counted but unrelated."""


class ComputerCount(Model):
    """A computer that logged records, and how many."""

    computer: str
    """Computer name as logged (named so that `--redact` masks it)."""
    count: int
    """Records it logged."""


class EventLog(Evidence):
    """Everything read from one input holding events."""

    kind: Literal["event-log"] = "event-log"
    """Model tag."""
    shape: EventShape
    """The export shape (the first one, when a text mixes shapes)."""
    events: tuple[Event, ...] = ()
    """Relevant events, in input order."""
    runs: tuple[Capi2Run, ...] = ()
    """CAPI2 chain-validation runs."""
    records_read: int = 0
    """Records read in total (relevant or not)."""
    records_skipped: int = 0
    """Records read but not relevant (other providers), not kept."""
    first_time: str | None = None
    """The earliest record's time, as the log shows it."""
    last_time: str | None = None
    """The latest record's time."""
    computers: tuple[ComputerCount, ...] = ()
    """Computers that logged the records, most records first."""
    counts: tuple[EventCount, ...] = ()
    """Every record read, counted by provider and event id: certificate events first, then
    the most frequent."""
    uncounted: int = 0
    """Records past the limit of distinct (provider, id) pairs, counted only in the total."""
    record_errors: int = 0
    """Records or chunks that could not be read (EVTX)."""
    truncated: bool = False
    """The file ends before its header says it should (EVTX)."""
    problems: tuple[str, ...] = ()
    """What went wrong while reading, in one line each."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Text lines that could not be placed."""
    repairs: tuple[Repair, ...] = ()
    """Paste damage that was undone."""

    def reading_notes(self) -> list[str]:
        """Problems reading the records, and a note when no relevant event was among them."""
        notes = list(self.problems)
        if not self.events:
            notes.append(f"no Schannel, CAPI2, crypt32 or HTTP.sys events among "
                         f"{self.records_read} records")
        return notes

    def error_codes(self) -> tuple[str, ...]:
        """The codes the events name, then the codes of the CAPI2 runs."""
        codes = tuple(c for e in self.events for c in e.codes)
        runs = tuple(h.hex for run in self.runs for h in run.chain.all_hresults())
        return tuple(dict.fromkeys(codes + runs))

    def chains(self) -> tuple[ShownChain, ...]:
        """Each CAPI2 run's chain; a report draws those its root causes are about."""
        return tuple((f"CAPI2 run {run.task_id} ({run.process or '?'})", run.task_id,
                      run.chain.elements) for run in self.runs)

    def summary_lines(self) -> tuple[str, ...]:
        """How many CAPI2 chain validations the log holds, and what became of them."""
        if not self.runs:
            return ()
        return (validations_line(self.runs),)

    def identities(self) -> tuple[Identity, ...]:
        """Each CAPI2 run's certificates, the certificates other CAPI2 events name, and what
        the server logged (see `events.identities`)."""
        from .identities import identities

        return identities(self.events, self.runs)

    def event_rows(self) -> tuple[dict[str, object], ...]:
        """Each event as {provider, event_id, level, time, computer, alert_code, ...,
        certificate}: `certificate` is false for an event that is not about certificates (a
        report counts it and lists it only on request)."""
        from ...knowledge.catalog import event_knowledge
        from ...knowledge.codes import code_tables

        knowledge, tables = event_knowledge(), code_tables()
        # another provider's event counts when it names a code certtriage knows (an
        # application logging 0x800b0109), not any code (a crash's 0xc0000409)
        return tuple({**e.model_dump(mode="json", include=_ROW_FIELDS, exclude_none=True),
                      "certificate": knowledge.about_certificates(e.provider, e.event_id)
                      or (not knowledge.relevant(e.provider)
                          and any(tables.lookup(c) is not None for c in e.codes))}
                     for e in self.events)

    def outcome_line(self) -> str | None:
        """What a log without a root cause shows, in one line: its chain validations, or that
        it holds no certificate event at all (None when neither applies)."""
        if self.runs:
            return validations_line(self.runs)
        if self.records_read and not any(c.certificate for c in self.counts):
            return (f"no certificate event among {self.records_read:,} "
                    f"record{'s' if self.records_read != 1 else ''}")
        return None

    def not_iis(self) -> str | None:
        """Where every certificate event is CAPI2's and none was asked for by a process a
        server checks client certificates in (or each policy check was a client's, of a
        server's certificate): the process or side, as the reason the log is not IIS's."""
        details = [e.capi2 for e in self.events if e.capi2 is not None]
        if not details:
            return self._client_side()
        if len(details) < len(self.events):
            return None  # other events (Schannel, HTTP.sys) may be IIS's own
        processes = sorted({d.process for d in details if d.process})
        if processes and not any(server_process(p) for p in processes):
            shown = ", ".join(processes[:3]) + (" ..." if len(processes) > 3 else "")
            return (f"The CAPI2 events were asked for by {shown}, not by IIS (HTTP.sys checks "
                    f"client certificates in lsass.exe)")
        sides = {d.auth_type for d in details if d.auth_type}
        if sides == {"server"}:
            return ("The CAPI2 chain policy checks are a client's check of a server's "
                    "certificate (authType server), not IIS checking a client's")
        return None

    def _client_side(self) -> str | None:
        """Where every event is one a TLS client logs about the certificate a server sent it
        (Schannel's 36876, 36881 to 36884), named as the reason the log is not IIS's."""
        ids = {(e.provider.casefold(), e.event_id) for e in self.events}
        if not ids or not ids <= _SERVER_CERTIFICATE_EVENTS:
            return None
        shown = ", ".join(str(i) for _, i in sorted(ids)[:3])
        return (f"The Schannel events ({shown}) are logged by a TLS client about the "
                f"certificate a server sent it, not by IIS checking a client's")

    def unrelated_ids(self) -> frozenset[int]:
        """Event ids of the unrelated events the log holds."""
        return frozenset(c.event_id for c in self.counts if not c.certificate)


#: The events a TLS client logs about the certificate a server sent it: Schannel's 36876 (it did
#: not validate), 36881 (outside its validity period), 36882 (an untrusted issuer), 36883
#: (revoked), 36884 (another name). (36875, no client certificate to send, is the client's too,
#: but about its own certificate, which IIS answers with 403.7.)
_SERVER_CERTIFICATE_EVENTS = frozenset(("schannel", i) for i in (36876, 36881, 36882, 36883, 36884))

#: The processes a server's check of a client certificate runs in: Schannel in lsass.exe for
#: HTTP.sys (IIS), and an IIS worker process whose application checks a chain itself.
SERVER_PROCESSES = frozenset({"lsass.exe", "w3wp.exe"})


def server_process(process: str) -> bool:
    """Whether a CAPI2 event's process (a name or a path) is one of `SERVER_PROCESSES`."""
    return process.rsplit("\\", 1)[-1].strip().lower() in SERVER_PROCESSES


def validations_line(runs: tuple[Capi2Run, ...]) -> str:
    """`34 CAPI2 chain validations: 8 accepted by their chain policy, 0 rejected, 26 built
    without errors and without a policy check in the log`."""
    tally = {outcome: sum(1 for r in runs if r.outcome == outcome)
             for outcome in ("accepted", "rejected", "chain errors", "built")}
    parts = [f"{tally['accepted']} accepted by their chain policy",
             f"{tally['rejected']} rejected by it"]
    if tally["chain errors"]:
        parts.append(f"{tally['chain errors']} built with chain errors and no policy check "
                     "logged")
    if tally["built"]:
        parts.append(f"{tally['built']} built without errors and no policy check logged")
    plural = "s" if len(runs) != 1 else ""
    return f"{len(runs)} CAPI2 chain validation{plural}: " + ", ".join(parts)


_ROW_FIELDS = {"provider", "event_id", "level", "time", "computer", "channel", "record_id",
               "alert_code", "alert_name", "error_state", "codes", "message", "data"}
