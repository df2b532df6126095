"""What an event log is about: the certificate of each CAPI2 run, and what the server logged.

A CAPI2 run names its certificates (thumbprint, subject) and the time it ran; every other
event is the server's, so it is an identity of kind `server`: its computer, the target name
Schannel names, and the window in which the same event was logged.
"""

from __future__ import annotations

from datetime import datetime

from ...models.common import Identity
from .model import Capi2Run, Event

CAPI2 = "Microsoft-Windows-CAPI2"


def identities(events: tuple[Event, ...], runs: tuple[Capi2Run, ...]) -> tuple[Identity, ...]:
    """The certificates of the CAPI2 runs, then one server identity per kind of event."""
    found: list[Identity] = []
    for run in runs:
        found.extend(_run(run, [e for e in events if e.capi2 is not None
                                and e.capi2.task_id == run.task_id]))
    found.extend(_logged(events))
    return tuple(found)


def _run(run: Capi2Run, members: list[Event]) -> list[Identity]:
    times = [e.time_at for e in members if e.time_at is not None]
    computer = next((e.computer for e in members if e.computer), None)
    where = f"CAPI2 run {run.task_id}"
    return [e.identity(f"{where}, chain element [0][{e.index}]" if e.index is not None
                       else where, run.task_id).model_copy(update={
                           "time": min(times, default=None), "until": max(times, default=None),
                           "server": computer})
            for e in run.chain.elements]


def _logged(events: tuple[Event, ...]) -> list[Identity]:
    """One identity per provider, event id, computer and target name, with its time window."""
    window: dict[tuple[str, int, str | None, str | None], list[datetime | None]] = {}
    for event in events:
        if event.provider == CAPI2:
            continue
        key = (event.provider, event.event_id, event.computer, event.data.get("TargetName"))
        window.setdefault(key, []).append(event.time_at)
    found = []
    for (provider, event_id, computer, target), times in window.items():
        known = [t for t in times if t is not None]
        short = provider.removeprefix("Microsoft-Windows-")
        found.append(Identity(
            kind="server", where=f"event {event_id} ({short})",
            event_id=event_id, server=computer, target=target,
            time=min(known, default=None), until=max(known, default=None)))
    return found
