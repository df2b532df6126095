"""A case's moments on one time axis: certificate validity, CRL updates, events, CAPI2
validations, and the first and last failed answer of each kind a server logged.

Everything comes from the identities the inputs show. Times are as the inputs give them:
EVTX and XML event exports, IIS logs and certificate files in UTC, event text and CSV exports
in the local time of the machine that exported them (the identity says so), certutil and store
dumps in the local time of the machine that ran certutil; each entry says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import NamedTuple

from ..models.common import Identity
from ..models.findings import InputResult, TimelineEntry, TimelineKind
from .match import ByValues, common_name

#: Input kinds whose times are UTC.
UTC_KINDS = frozenset({"evtx", "iis-w3c-log", "certificate-file"})
#: How far from the case's other moments a CA's validity bound may be and still be shown.
NEAR = timedelta(days=30)
#: Entries kept per case; failures, CRLs and events are kept before validity bounds.
MAX_ENTRIES = 60
_PRIORITY: dict[str, int] = {"first-failure": 0, "last-failure": 0, "crl-next-update": 1,
                             "crl-this-update": 1, "event": 2, "validation": 2,
                             "not-after": 3, "not-before": 4}


#: A moment as an input shows it: time, kind, what, whether the time is UTC, and whether it is
#: a validity bound away from the incident (a CA's, or that of a certificate a CAPI2 log
#: validated: shown only near the case's other moments).
Seen = tuple[datetime, TimelineKind, str, bool, bool]


class Timeline:
    """A case's moments, gathered one input at a time: each distinct moment is kept once (from
    the first input that shows it), so what is held grows with the moments, not the inputs."""

    def __init__(self) -> None:
        self._seen: dict[tuple[datetime, str], _Moment] = {}
        self._far: set[tuple[datetime, str]] = set()

    def take(self, moments: Iterable[Seen],
             source: str) -> None:
        """The moments of one input, as :func:`moments_of` gives them."""
        seen = self._seen
        for time, kind, what, utc, far in moments:
            key = (time, what)
            if key not in seen:
                seen[key] = _Moment(time, kind, what, source, utc)
            if far:
                self._far.add(key)

    def entries(self) -> tuple[TimelineEntry, ...]:
        """The moments kept, in time order."""
        seen, far = self._seen, self._far
        anchors = [e.time for key, e in seen.items() if key not in far]
        if anchors:  # a CA's validity, or that of each certificate a CAPI2 log validated, is
            # shown only when it bears on the incident
            low, high = min(anchors) - NEAR, max(anchors) + NEAR
            seen = {k: e for k, e in seen.items() if k not in far or low <= e.time <= high}
        kept = sorted(seen.values(), key=lambda e: (_PRIORITY[e.kind], e.time))[:MAX_ENTRIES]
        return tuple(TimelineEntry(time=e.time, kind=e.kind, what=e.what, source=e.source,
                                   utc=e.utc)
                     for e in sorted(kept, key=lambda e: (e.time, _PRIORITY[e.kind])))


class _Moment(NamedTuple):
    """A moment as held until the case is finished: most never make the timeline's
    `MAX_ENTRIES`, so their entries (validated models) are built only for those kept."""

    time: datetime
    kind: TimelineKind
    what: str
    source: str
    utc: bool


def moments_of(result: InputResult) -> list[Seen]:
    """The moments of an input's identities (see :data:`Seen`)."""
    moments: list[Seen] = []
    for identity in result.identities:
        utc = identity.utc if identity.utc is not None else result.kind in UTC_KINDS
        moments.extend(_kept(identity, utc))
    return moments


def _seen(identity: Identity, utc: bool) -> tuple[Seen, ...]:
    far = identity.element not in (0, None) or identity.time is not None
    return tuple((time, kind, what, utc, far and kind in ("not-before", "not-after"))
                 for time, kind, what in _moments(identity))


#: The moments of one identity, as :func:`moments_of` gives them: kept for the many inputs of
#: a sweep that show the same certificate (wording them took longer than finding an equal
#: identity's).
_kept = ByValues(_seen)


def _name(text: str | None) -> str:
    return (common_name(text) or text) if text else "a certificate not named"


def _moments(identity: Identity) -> Iterator[tuple[datetime, TimelineKind, str]]:
    if identity.kind == "server":
        yield from _logged(identity)
        return
    name = _name(identity.subject)
    if identity.where.startswith("store "):  # a store lists many: its dates are no incident
        return
    if identity.not_before:
        yield identity.not_before, "not-before", f"certificate {name} becomes valid (NotBefore)"
    if identity.not_after:
        yield identity.not_after, "not-after", f"certificate {name} expires (NotAfter)"
    crl = f"the CRL of {_name(identity.issuer)} checked for {name}"
    if identity.crl_this_update:
        yield identity.crl_this_update, "crl-this-update", f"{crl} was issued (ThisUpdate)"
    if identity.crl_next_update:
        yield identity.crl_next_update, "crl-next-update", f"{crl} expires (NextUpdate)"
    if identity.time and identity.where.startswith("CAPI2 event"):
        yield identity.time, "event", f"{identity.where} about {name} logged"
    elif identity.time and identity.element in (0, None):
        yield identity.time, "validation", f"CAPI2 validates the chain of {name}"


def _logged(identity: Identity) -> Iterator[tuple[datetime, TimelineKind, str]]:
    if identity.time is None:
        return
    if identity.status:
        yield identity.time, "first-failure", f"first {identity.status}"
        if identity.until and identity.until != identity.time:
            yield identity.until, "last-failure", f"last {identity.status}"
        return
    yield identity.time, "event", f"{identity.where} logged"
    if identity.until and identity.until != identity.time:
        yield identity.until, "event", f"{identity.where} last logged"
