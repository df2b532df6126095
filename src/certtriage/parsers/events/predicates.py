"""Predicates over Windows events (:class:`EventLog`), and the CAPI2 runs inside a log, which
are evaluated as chains by the certutil rules.

A match is an :class:`EventBinding`: the event it is about. What a finding made of it shows
(provider, id, time, alert, error state, the codes and their names, every data field by its
name, such as `{TargetName}` or `{Endpoint}`) is decided here.

Which side logged an event decides its story: Schannel's 36888 with a target name was logged
by a client (the name is the server it connected to), without one by a server; 36869 / 36870
name their credential's `Type` (server or client). Rules say so with `where` / `where_not`
conditions on the event's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ...knowledge.predicates import Binding, Facts, Part, predicate, vocabulary
from ..certutil_verify.predicates import START as CHAIN_START
from .event import Capi2Run, Event
from .model import EventLog, server_process

#: Data fields that name the URL an event is about.
_URL_FIELDS = ("URL", "OcspUrl", "UrlPrefix")


@dataclass(frozen=True)
class EventBinding(Binding):
    """A match on one event."""

    event: Event | None = None

    def key(self) -> tuple[Any, ...]:
        """The event (by identity) and the values."""
        return (*super().key(), id(self.event) if self.event is not None else None)

    def facts(self, doc: Any) -> Facts:
        """The event's provider, id, time, computer, alert, codes and data, for the message."""
        base = super().facts(doc)
        event = self.event
        if event is None:
            return base
        fill = {**base.fill, **_event_fill(event), **self.values}
        spans = (*base.spans, event.span) if event.span is not None else base.spans
        url = base.url or next((event.data[f] for f in _URL_FIELDS if event.data.get(f)),
                               event.capi2.url if event.capi2 else None)
        return base._replace(fill=fill, event_id=event.event_id, time=event.time,
                             alert_code=event.alert_code, spans=spans, url=url,
                             codes=base.codes or tuple(event.codes))


#: The binding event rules start from.
START = EventBinding()


def says_what_failed(log: EventLog) -> bool:
    """Whether the log can say what failed: an event with what it is about (a code, an
    alert, a state, its data, or an event that means one thing, such as 36885), not only CAPI2
    events cut before their result, nor events only named. Beside those, a code named in a
    sentence is what the input says of the failure."""
    return any(_tells(e) for e in log.events)


def _tells(event: Event) -> bool:
    if event.codes or event.alert_code is not None or event.error_state is not None:
        return True
    if event.capi2 is not None or "CAPI2" in event.provider:
        detail = event.capi2
        return detail is not None and (detail.result is not None
                                       or detail.chain_error is not None)
    return event.shape != "mention" or bool(event.data)


def _event_fill(event: Event) -> dict[str, str]:
    from ...knowledge.catalog import event_knowledge
    from ...knowledge.codes import code_tables

    named = []
    for code in event.codes:
        known = code_tables().lookup(code)
        named.append(f"{code} ({known.symbol})" if known else code)
    definition = event_knowledge().get(event.provider, event.event_id)
    fill = dict.fromkeys(definition.fields if definition else (), "(not shown)")
    fill.update({name: value or "(empty)" for name, value in event.data.items()})
    capi2 = event.capi2
    url = next((event.data[f] for f in _URL_FIELDS if event.data.get(f)),
               capi2.url if capi2 else None)
    return {
        **fill,
        "url_text": url or "(URL not shown)",
        "certificate": f"the certificate {capi2.subject}" if capi2 and capi2.subject
        else "a certificate",
        "action": (capi2.action or "") if capi2 else "",
        "event_id": str(event.event_id), "provider": event.provider,
        "time": event.time or "time not shown", "computer": event.computer or "this machine",
        "alert": str(event.alert_code) if event.alert_code is not None else "?",
        "alert_name": event.alert_name or ("an unassigned alert" if event.alert_code is not None
                                           else "the alert number is not shown"),
        "error_state": str(event.error_state) if event.error_state is not None else "not shown",
        "codes": ", ".join(event.codes) or "not shown",
        "code_names": ", ".join(named) or "not shown",
        "event_message": " ".join(event.message.split())[:300],
        "capi2_result": (capi2.result_text.strip().rstrip(".") or "no result text")
        if capi2 else "",
    }


def parts(log: EventLog) -> Iterator[Part]:
    """Each CAPI2 chain-validation run, to be diagnosed like certutil output."""
    for run in log.runs:
        trailer = run.chain.trailer
        context = f"CAPI2 run {run.task_id}" + (f" ({run.process}" if run.process else " (")
        context += f", {trailer.policy})" if trailer.policy else ")"
        yield Part(kind="capi2-run", model=run.chain, start=CHAIN_START,
                   context=context.replace(" ()", ""), not_iis=_not_iis(run))


def _not_iis(run: Capi2Run) -> str | None:
    """Why a CAPI2 run is no check IIS made: its SSL policy checked a server's certificate (a
    client connecting), or another process than IIS's asked for it; None when it may be."""
    if run.auth_type == "server":
        where = f" ({run.process})" if run.process else ""
        return (f"CAPI2 run {run.task_id} is a client checking a server's certificate"
                f"{where}, not IIS checking a client's")
    if run.process and not server_process(run.process):
        return (f"CAPI2 run {run.task_id} was asked for by {run.process}, not by IIS (HTTP.sys "
                f"checks client certificates in lsass.exe)")
    return None


#: The alert events of each direction: an alert received (36887), generated (36888), either.
_ALERT_EVENTS = {"received": (36887,), "generated": (36888,), "either": (36887, 36888)}


@vocabulary("direction")
def _direction(item: Any) -> str | None:
    return None if item in _ALERT_EVENTS else "must be received, generated or either"


@vocabulary("levels")
def _level(item: Any) -> str | None:
    return None if item in ("error", "warning", "information") else f"unknown level {item!r}"


def _holds(event: Event, where: dict[str, list[str]] | None,
           where_not: dict[str, list[str]] | None, has: list[str] | None) -> bool:
    """`where`: each field has one of the values ("" = empty or missing); `where_not`: none
    of them; `has`: each field is present (possibly empty)."""
    def value(name: str) -> str:
        return (event.data.get(name) or "").strip().lower()

    if any(name not in event.data for name in has or ()):
        return False
    if any(value(k) not in {v.lower() for v in vs} for k, vs in (where or {}).items()):
        return False
    if event.shape == "mention" and any(k not in event.data for k in where_not or {}):
        return False  # an event only named by its id: what its data holds is not known
    return not any(value(k) in {v.lower() for v in vs} for k, vs in (where_not or {}).items())


@predicate
def event(
    doc: EventLog, b: EventBinding, *, ids: list[int], providers: list[str] | None = None,
    levels: list[str] | None = None, where: dict[str, list[str]] | None = None,
    where_not: dict[str, list[str]] | None = None, has: list[str] | None = None,
    once: bool = False,
) -> Iterator[Binding]:
    """Each event with one of `ids` (from one of `providers`, with one of `levels`, when
    given) whose data fits `where` / `where_not` / `has`; with `once`, only the first, with
    `{count}` of them all."""
    wanted = set(providers or ())
    found = [item for item in doc.events
             if item.event_id in ids and (not wanted or item.provider in wanted)
             and (not levels or item.level in levels) and _holds(item, where, where_not, has)]
    for item in found[:1] if once else found:
        yield replace(b, event=item, values={**b.values, "count": str(len(found))})


@predicate
def alert(
    doc: EventLog,
    b: EventBinding,
    *,
    direction: str,
    alerts: list[int] | None = None,
    not_alerts: list[int] | None = None,
    where: dict[str, list[str]] | None = None,
    where_not: dict[str, list[str]] | None = None,
    unnumbered: bool = False,
) -> Iterator[Binding]:
    """Schannel fatal-alert events: `received` (36887), `generated` (36888) or `either`, with
    an alert number among `alerts` (any when not given) and not among `not_alerts`, whose data
    fits `where` / `where_not`; or, with `unnumbered`, only those named (or their message
    retold) without the alert's number or a time."""
    event_ids = _ALERT_EVENTS[direction]
    for item in doc.events:
        if item.provider != "Schannel" or item.event_id not in event_ids:
            continue
        code_ = item.alert_code
        if (code_ is None and not item.time) != unnumbered:
            # an alert event named, or its message retold, without the alert's number: no
            # occurrence shown (a record with its time is one, its alert cut off or all)
            continue
        if alerts is not None and code_ not in alerts:
            continue
        if not_alerts is not None and code_ in not_alerts:
            continue
        if _holds(item, where, where_not, None):
            yield replace(b, event=item)


@predicate
def capi2_event(
    doc: EventLog, b: EventBinding, *, ids: list[int], failed: bool = True,
    objects: list[str] | None = None, auth_types: list[str] | None = None,
    actions: list[str] | None = None, not_actions: list[str] | None = None,
) -> Iterator[Binding]:
    """CAPI2 Operational events with one of `ids` that belong to no chain-validation run (a
    run is diagnosed as a chain): with a failing result (`failed`) or a successful one, about
    one of `objects` (CONTEXT_OID_CRL ...), for one of `auth_types` (client, server: the
    certificate checked by a chain policy), with or without an `actions` name (event 42)."""
    in_runs = {run.task_id for run in doc.runs}
    for item in doc.events:
        detail = item.capi2
        if item.event_id not in ids or detail is None or (
                detail.task_id is not None and detail.task_id in in_runs):
            continue
        if failed != bool(detail.result or detail.action) or (
                objects and detail.object_type not in objects) or (
                auth_types and detail.auth_type not in auth_types) or (
                actions and detail.action not in actions) or (
                not_actions and detail.action in not_actions):
            continue
        yield replace(b, event=item)
