"""A certificate's validity at the time of the evidence about it, then at the time of analysis.

Within one group of a case (findings about the same certificate, with the server logs joined
to it), a certificate whose NotBefore / NotAfter an input shows (a certificate file, a store
entry, a certutil chain element, a CAPI2 X509Objects event) is judged at the time of each
piece of timed evidence about it: a window of IIS log lines (its first and last answer), an
event, a CAPI2 validation of the same certificate. Expired or not yet valid then is said with
the time and how long before or after; valid then but expired at the time of analysis is said
as such ("valid when logged, expired since"). Each judgement names the times it compares, and
whether they are UTC or a machine's local time when the inputs differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..models.common import Identity
from ..models.findings import ValidityAtTime
from .match import common_name, same_certificate

#: Answers a server gives when the client sent no certificate: nothing to judge at their time.
NO_CERTIFICATE = frozenset({"403.7"})
#: How far apart a UTC time and a local time may be and still compare either way.
ZONES = timedelta(hours=14)
#: Judgements kept per certificate (the earliest evidence first).
MAX_PER_CERTIFICATE = 6


def judge(identities: Iterable[Identity], now: datetime) -> tuple[ValidityAtTime, ...]:
    """Every bounded certificate of `identities` judged at the time of each timed piece of
    evidence among them (`now` is the time of analysis, UTC without a zone)."""
    ids = list(identities)
    if all(i.time is None for i in ids):  # no timed evidence (a certutil dump's): nothing
        return ()
    ids = list(dict.fromkeys(ids))
    bounded = _bounded(ids)
    found: list[ValidityAtTime] = []
    for cert in bounded:
        evidence = sorted((e for e in ids if _about(e, cert)), key=lambda e: e.time or now)
        judged = _together([(e, j) for e in evidence for j in _judge(cert, e, now)], cert, now)
        found.extend(judged[:MAX_PER_CERTIFICATE])
    return tuple(found)


def _together(judged: list[tuple[Identity, ValidityAtTime]], cert: Identity,
              now: datetime) -> list[ValidityAtTime]:
    """Judgements that say the same of several pieces of evidence (valid then, or valid then
    and expired since) said once, in the place of the first, naming each piece; expired or
    not yet valid ones, and any with a time-zone caution, stay one each."""
    out = [j for _, j in judged]
    for state in ("valid-then-expired", "valid"):
        alike = [(e, j) for e, j in judged if j.state == state and ";" not in j.said]
        first = alike[0][1] if len(alike) > 1 else None
        if first is None:
            continue
        pieces = "; ".join(f"{_what(e)} at {_when(j.at, e.utc)}" for e, j in alike)
        if state == "valid":
            said = f"{first.certificate} was valid at each of: {pieces}"
        elif first.bound is not None:
            said = (f"{first.certificate} was valid when logged ({pieces}) and has expired "
                    f"since: NotAfter {_when(first.bound, cert.utc)}, before the time of "
                    f"analysis {now:%Y-%m-%d %H:%M} UTC")
        else:
            continue
        merged = first.model_copy(update={
            "said": said, "evidence": "; ".join(j.evidence for _, j in alike)})
        rest = {id(j) for _, j in alike[1:]}
        out = [merged if j is first else j for j in out if id(j) not in rest]
    return out


def _bounded(ids: list[Identity]) -> list[Identity]:
    """The end certificates whose validity bounds are shown, each once."""
    seen: dict[tuple[datetime | None, datetime | None, str], Identity] = {}
    for i in ids:
        if i.kind == "certificate" and i.element in (0, None) and (i.not_after or i.not_before):
            seen.setdefault((i.not_before, i.not_after, _name(i)), i)
    return list(seen.values())


def _about(evidence: Identity, cert: Identity) -> bool:
    """Whether `evidence` is timed evidence about `cert`: a server's log joined to its group,
    or the same certificate seen at a time."""
    if evidence.time is None:
        return False
    if evidence.kind == "server":
        return evidence.status not in NO_CERTIFICATE
    return evidence.element in (0, None) and (
        evidence is cert or same_certificate(evidence, cert) is not False)


def _name(identity: Identity) -> str:
    subject = identity.subject or ""
    return common_name(subject) or subject or (
        f"thumbprint {identity.thumbprint[:8]}..." if identity.thumbprint else "the certificate")


def _what(evidence: Identity) -> str:
    if evidence.status:
        return f"the first {evidence.status}"
    return evidence.where.split(",", 1)[0]


def _judge(cert: Identity, evidence: Identity, now: datetime) -> list[ValidityAtTime]:
    assert evidence.time is not None
    name, what, at = _name(cert), _what(evidence), evidence.time
    zones = _zones(cert, evidence, at, now)
    first = f"{what} at {_when(at, evidence.utc)}"
    base = {"certificate": name, "at": at}
    if cert.not_after and at > cert.not_after:
        return [ValidityAtTime(
            **base, state="expired", evidence=what, bound=cert.not_after, judged_at="evidence",
            said=f"{name} had expired {_span(at - cert.not_after)} before {first} "
                 f"(NotAfter {_when(cert.not_after, cert.utc)}){zones}")]
    if cert.not_before and at < cert.not_before:
        return [ValidityAtTime(
            **base, state="not-yet-valid", evidence=what, bound=cert.not_before,
            judged_at="evidence",
            said=f"{name} was not yet valid at {first}: it became valid "
                 f"{_span(cert.not_before - at)} later (NotBefore "
                 f"{_when(cert.not_before, cert.utc)}){zones}")]
    last = evidence.until
    if cert.not_after and last and last > cert.not_after:
        what_last = what.replace("the first", "the last", 1)
        return [ValidityAtTime(
            **base, state="expired", evidence=what_last, bound=cert.not_after,
            judged_at="evidence",
            said=f"{name} was valid at {first} but had expired {_span(last - cert.not_after)} "
                 f"before {what_last} at {_when(last, evidence.utc)} (NotAfter "
                 f"{_when(cert.not_after, cert.utc)}){zones}")]
    if cert.not_after and now > cert.not_after:
        return [ValidityAtTime(
            **base, state="valid-then-expired", evidence=what, bound=cert.not_after,
            judged_at="analysis",
            said=f"{name} was valid when logged ({first}) and has expired since: NotAfter "
                 f"{_when(cert.not_after, cert.utc)}, before the time of analysis "
                 f"{now:%Y-%m-%d %H:%M} UTC{zones}")]
    return [ValidityAtTime(
        **base, state="valid", evidence=what, bound=cert.not_after, judged_at="evidence",
        said=f"{name} was valid at {first}"
             + (f" (NotAfter {_when(cert.not_after, cert.utc)})" if cert.not_after else "")
             + zones)]


def _when(time: datetime, utc: bool | None) -> str:
    return f"{time:%Y-%m-%d %H:%M}" + (" UTC" if utc else " local time" if utc is False else "")


def _zones(cert: Identity, evidence: Identity, at: datetime, now: datetime) -> str:
    """A caution when one time is UTC and the other a machine's local time, and they are
    close enough for the zone to decide (the evidence's times, the time of analysis)."""
    if cert.utc is None or evidence.utc is None or cert.utc == evidence.utc:
        return ""
    moments = [t for t in (at, evidence.until, now if cert.utc is False else None) if t]
    bounds = [b for b in (cert.not_before, cert.not_after) if b]
    if not any(abs(m - b) <= ZONES for m in moments for b in bounds):
        return ""
    return "; one time is UTC and the other local: allow for the server's time zone"


def _span(delta: timedelta) -> str:
    """`3 days`, `1 day 4 hours`, `2 hours 5 minutes`, `40 seconds`."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)

    def unit(n: int, word: str) -> str:
        return f"{n:,} {word}{'s' if n != 1 else ''}"

    if days >= 2:
        return unit(days, "day")
    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    if minutes:
        return unit(minutes, "minute")
    return unit(seconds, "second")
