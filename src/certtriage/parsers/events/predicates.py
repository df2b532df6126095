"""Predicates over Windows events (:class:`EventLog`), and the CAPI2 runs inside a log, which
are evaluated as chains by the certutil rules.

A match is an :class:`EventBinding`: the event it is about. What a finding made of it shows
(provider, id, time, alert, error state, the codes and their names) is decided here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ...knowledge.predicates import Binding, Facts, Part, predicate, vocabulary
from ..certutil_verify.predicates import START as CHAIN_START
from .model import Event, EventLog


@dataclass(frozen=True)
class EventBinding(Binding):
    """A match on one event."""

    event: Event | None = None

    def key(self) -> tuple[Any, ...]:
        """The event (by identity) and the values."""
        return (*super().key(), id(self.event) if self.event is not None else None)

    def facts(self, doc: Any) -> Facts:
        """The event's provider, id, time, computer, alert and codes, for the message."""
        base = super().facts(doc)
        event = self.event
        if event is None:
            return base
        fill = {**base.fill, **_event_fill(event), **self.values}
        spans = (*base.spans, event.span) if event.span is not None else base.spans
        return replace(base, fill=fill, event_id=event.event_id, time=event.time,
                       alert_code=event.alert_code, spans=spans,
                       codes=base.codes or tuple(event.codes))


#: The binding event rules start from.
START = EventBinding()


def _event_fill(event: Event) -> dict[str, str]:
    from ...knowledge.codes import code_tables

    named = []
    for code in event.codes:
        known = code_tables().lookup(code)
        named.append(f"{code} ({known.symbol})" if known else code)
    return {
        "event_id": str(event.event_id), "provider": event.provider,
        "time": event.time or "(time not shown)", "computer": event.computer or "this server",
        "alert": str(event.alert_code) if event.alert_code is not None else "?",
        "alert_name": event.alert_name or "an unassigned alert",
        "error_state": str(event.error_state) if event.error_state is not None else "not shown",
        "codes": ", ".join(event.codes) or "no code", "code_names": ", ".join(named) or "no code",
        "event_message": " ".join(event.message.split())[:300],
    }


def parts(log: EventLog) -> Iterator[Part]:
    """Each CAPI2 chain-validation run, to be diagnosed like certutil output."""
    for run in log.runs:
        trailer = run.chain.trailer
        context = f"CAPI2 run {run.task_id}" + (f" ({run.process}" if run.process else " (")
        context += f", {trailer.policy})" if trailer.policy else ")"
        yield Part(kind="capi2-run", model=run.chain, start=CHAIN_START,
                   context=context.replace(" ()", ""))


@vocabulary("direction")
def _direction(item: Any) -> str | None:
    return None if item in ("received", "generated") else "must be received or generated"


@predicate
def event(
    doc: EventLog, b: EventBinding, *, ids: list[int], providers: list[str] | None = None
) -> Iterator[Binding]:
    """Each event with one of `ids` (from one of `providers`, when given)."""
    wanted = set(providers or ())
    for item in doc.events:
        if item.event_id in ids and (not wanted or item.provider in wanted):
            yield replace(b, event=item)


@predicate
def alert(
    doc: EventLog,
    b: EventBinding,
    *,
    direction: str,
    alerts: list[int] | None = None,
    not_alerts: list[int] | None = None,
) -> Iterator[Binding]:
    """Schannel fatal-alert events: `received` (36887) or `generated` (36888), with an alert
    number among `alerts` (any when not given) and not among `not_alerts`."""
    event_id = 36887 if direction == "received" else 36888
    for item in doc.events:
        if item.provider != "Schannel" or item.event_id != event_id:
            continue
        code_ = item.alert_code
        if alerts is not None and code_ not in alerts:
            continue
        if not_alerts is not None and code_ in not_alerts:
            continue
        yield replace(b, event=item)
