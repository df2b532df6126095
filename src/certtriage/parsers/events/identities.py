"""What an event log is about, as identities a case can match.

A CAPI2 run names its certificates (thumbprint, subject) and the time it ran. Other CAPI2
events name the certificate they are about (30, 41, 42, 70: its fileRef and subjectName), and
an X509Objects event (90) prints the certificates of its operation in full (serial, issuer,
NotBefore, NotAfter), which completes the other identities of the same certificate. Every
other event is the server's, so it is an identity of kind `server`: its computer, the target
name Schannel names, and the window in which the same event was logged. Each identity says
whether its times are UTC (EVTX, XML) or the exporting machine's local time (text, CSV).
"""

from __future__ import annotations

from datetime import datetime

from ...models.common import Identity
from .event import Capi2Certificate, Capi2Run, Event

CAPI2 = "Microsoft-Windows-CAPI2"


def identities(events: tuple[Event, ...], runs: tuple[Capi2Run, ...]) -> tuple[Identity, ...]:
    """The certificates of the CAPI2 runs, those other CAPI2 events name, then one server
    identity per kind of event."""
    objects = _objects(events)
    found: list[Identity] = []
    in_runs = {run.task_id for run in runs}
    for run in runs:
        found.extend(_run(run, [e for e in events if e.capi2 is not None
                                and e.capi2.task_id == run.task_id]))
    found.extend(_named([e for e in events if e.capi2 is not None
                         and e.capi2.task_id not in in_runs]))
    found = [_completed(i, objects) for i in found]
    found.extend(_logged(events))
    return tuple(found)


def _objects(events: tuple[Event, ...]) -> dict[str, Capi2Certificate]:
    """The certificates X509Objects events print in full, by thumbprint."""
    return {c.thumbprint: c for e in events if e.capi2 is not None
            for c in e.capi2.certificates if c.role == "object" and c.thumbprint}


def _completed(identity: Identity, objects: dict[str, Capi2Certificate]) -> Identity:
    """`identity` with what an X509Objects event prints of the same certificate."""
    shown = objects.get(identity.thumbprint or "")
    if shown is None:
        return identity
    return Identity.model_validate({
        **identity.model_dump(), "subject": shown.subject or identity.subject,
        "issuer": shown.issuer or identity.issuer, "serial": shown.serial or identity.serial,
        "not_before": shown.not_before or identity.not_before,
        "not_after": shown.not_after or identity.not_after})


def _run(run: Capi2Run, members: list[Event]) -> list[Identity]:
    times = [e.time_at for e in members if e.time_at is not None]
    computer = next((e.computer for e in members if e.computer), None)
    where = f"CAPI2 run {run.task_id}"
    return [e.identity(f"{where}, chain element [0][{e.index}]" if e.index is not None
                       else where, run.task_id).model_copy(update={
                           "time": min(times, default=None), "until": max(times, default=None),
                           "server": computer, "utc": all(m.utc for m in members)})
            for e in run.chain.elements]


def _named(events: list[Event]) -> list[Identity]:
    """One identity per event id, computer and certificate a CAPI2 event is about (outside a
    run), with its time window."""
    window: dict[tuple[int, str | None, str], list[Event]] = {}
    shown: dict[tuple[int, str | None, str], Capi2Certificate] = {}
    for event in events:
        assert event.capi2 is not None
        for cert in event.capi2.certificates:
            if cert.role != "subject":
                continue
            key = (event.event_id, event.computer, cert.thumbprint or cert.name or "")
            window.setdefault(key, []).append(event)
            shown.setdefault(key, cert)
    found = []
    for key, members in window.items():
        cert, first = shown[key], members[0]
        times = [e.time_at for e in members if e.time_at is not None]
        found.append(Identity(
            kind="certificate", where=f"CAPI2 event {key[0]}", event_id=key[0],
            context=first.capi2.task_id if first.capi2 else None,
            thumbprint=cert.thumbprint, subject=cert.subject or cert.name, server=key[1],
            time=min(times, default=None), until=max(times, default=None),
            utc=all(e.utc for e in members)))
    return found


def _logged(events: tuple[Event, ...]) -> list[Identity]:
    """One identity per provider, event id, computer and target name, with its time window."""
    window: dict[tuple[str, int, str | None, str | None], list[Event]] = {}
    for event in events:
        if event.provider == CAPI2:
            continue
        key = (event.provider, event.event_id, event.computer, event.data.get("TargetName"))
        window.setdefault(key, []).append(event)
    found = []
    for (provider, event_id, computer, target), members in window.items():
        known: list[datetime] = [e.time_at for e in members if e.time_at is not None]
        short = provider.removeprefix("Microsoft-Windows-")
        found.append(Identity(
            kind="server", where=f"event {event_id} ({short})",
            event_id=event_id, server=computer, target=target,
            time=min(known, default=None), until=max(known, default=None),
            utc=all(e.utc for e in members)))
    return found
