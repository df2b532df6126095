"""Whether two identities are about the same certificate, or the same server at the same time.

Certificates match by thumbprint, else by serial and issuer, else by subject (or a name they
share) when nothing stronger is shown on both sides. A differing strong key settles it even
when the subjects agree (a renewed certificate keeps its subject). Server windows match when
the computers agree (or either is unknown) and the windows overlap, with some slack.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from operator import itemgetter
from typing import Any, Generic, TypeVar

from ..models.common import Identity

#: How far apart two windows of the same server may be and still be one incident.
SLACK = timedelta(hours=1)

_SPLIT = re.compile(r"(?<!\\),")


@functools.lru_cache(maxsize=4096)
def dn(text: str) -> str:
    """A distinguished name compared loosely: lower case, no spaces around separators."""
    parts = (p.strip().lower() for p in _SPLIT.split(text))
    return ",".join(re.sub(r"\s*=\s*", "=", p) for p in parts if p)


@functools.lru_cache(maxsize=4096)
def common_name(text: str) -> str:
    """The CN of a distinguished name, or the text itself when it is a bare name."""
    for part in _SPLIT.split(text):
        key, _, value = part.strip().partition("=")
        if value and key.strip().upper() == "CN":
            return value.strip()
    return text.strip() if "=" not in text else ""


def _subjects(a: str, b: str) -> bool:
    if "=" in a and "=" in b:
        return dn(a) == dn(b)
    return common_name(a).lower() == common_name(b).lower() != ""


def same_certificate(a: Identity, b: Identity) -> bool | None:
    """True or False when the identities tell, None when they do not."""
    if a.kind != "certificate" or b.kind != "certificate":
        return None
    if a.thumbprint and b.thumbprint:
        return a.thumbprint == b.thumbprint
    if a.serial and b.serial:
        if a.serial != b.serial:
            return False
        if a.issuer and b.issuer:
            return dn(a.issuer) == dn(b.issuer)
    if a.subject and b.subject:
        return _subjects(a.subject, b.subject)
    if a.names and b.names:
        return bool({n.lower() for n in a.names} & {n.lower() for n in b.names})
    return None


#: An identity's field values, in the order of its fields.
Values = tuple[Any, ...]

_FIELDS = tuple(Identity.model_fields)
_VALUES = itemgetter(*_FIELDS)


def values(identity: Identity) -> Values:
    """The identity as plain values, equal for equal identities: what a case keys it by, and
    what travels between processes (`reading`)."""
    got: Values = _VALUES(identity.__dict__)
    return got


T = TypeVar("T")


class ByValues(Generic[T]):
    """What `make` gives for an identity in a zone (UTC or not), kept by the identity's values
    and the zone for the many inputs of a sweep that show the same certificate: looked up as
    a plain tuple, hashed and compared in C, where a model's own hash and `==` are Python
    code. At most `most` entries: emptied when full."""

    def __init__(self, make: Callable[[Identity, bool], T], most: int = 1024) -> None:
        self._make, self._most = make, most
        self._kept: dict[tuple[Values, bool], T] = {}

    def __call__(self, identity: Identity, utc: bool) -> T:
        key = (values(identity), utc)
        kept = self._kept.get(key)
        if kept is None:
            if len(self._kept) >= self._most:
                self._kept.clear()
            kept = self._kept[key] = self._make(identity, utc)
        return kept


def identity(of: Values) -> Identity:
    """The identity of these values, as :func:`values` gave them (not validated again)."""
    return Identity.trusted(**dict(zip(_FIELDS, of)))


def match_keys(identity: Identity) -> set[str]:
    """Keys that two identities share whenever :func:`same_certificate` finds them the same
    (a thumbprint, a serial, a subject, a name): an index of them finds the few identities
    worth comparing with a new one."""
    keys = set()
    if identity.thumbprint:
        keys.add(f"t:{identity.thumbprint}")
    if identity.serial:
        keys.add(f"s:{identity.serial}")
    if identity.subject:
        if "=" in identity.subject:
            keys.add(f"d:{dn(identity.subject)}")
        name = common_name(identity.subject).lower()
        if name:
            keys.add(f"c:{name}")
    keys.update(f"n:{n.lower()}" for n in identity.names)
    return keys


def keyed(identity: Identity) -> bool:
    """Whether a certificate identity shows anything to match it by."""
    return identity.kind == "certificate" and bool(
        identity.thumbprint or identity.serial or identity.subject or identity.names)


def any_same(left: Iterable[Identity], right: Iterable[Identity]) -> bool:
    """Whether some identity of `left` is the same certificate as one of `right`."""
    others = list(right)
    return any(same_certificate(a, b) for a in left for b in others)


def same_window(a: Identity, b: Identity) -> bool:
    """Whether two identities can be one server's one incident: the same computer (or one
    unknown) and overlapping times (or one unknown)."""
    if a.server and b.server and _host(a.server) != _host(b.server):
        return False
    if a.time is None or b.time is None:
        return True
    return a.time - SLACK <= (b.until or b.time) and b.time - SLACK <= (a.until or a.time)


def _host(name: str) -> str:
    return name.split(".", 1)[0].lower()


def describe(identity: Identity | None) -> str:
    """How a report names what an identity is about."""
    if identity is None:
        return "a certificate the input does not name"
    if identity.kind == "server":
        what = identity.status or identity.where
        where = f" on {identity.server}" if identity.server else ""
        when = f" from {identity.time:%Y-%m-%d %H:%M}" if identity.time else ""
        return f"{what}{where}{when}"
    name = (common_name(identity.subject) if identity.subject else "") or identity.subject
    key = (f"thumbprint {identity.thumbprint[:8]}..." if identity.thumbprint
           else f"serial {identity.serial}" if identity.serial else "")
    if name and key:
        return f"{name} ({key})"
    return name or key or identity.where


def strongest(identities: Iterable[Identity]) -> Identity | None:
    """The identity that names its certificate best: a leaf first, then the most keys."""
    def rank(i: Identity) -> tuple[int, ...]:
        return (i.kind == "certificate", i.element in (0, None), bool(i.thumbprint),
                bool(i.serial and i.issuer), bool(i.subject))
    return max(identities, key=rank, default=None)
