"""A case's timeline as shown: its rows, and the sentence that tells what came first.

`403.13 starts 02:00 on 3 Nov 2025; the CRL of Litware Issuing CA 1 checked for Yusuf Demir
expired 01:59 on 3 Nov 2025`: the first failed answer a server logged, and the last expiry
(a CRL's NextUpdate, a certificate's NotAfter) before it.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..models.findings import TimelineEntry

#: Kinds of moment after which validation starts to fail.
_EXPIRIES = {"crl-next-update": " expires (NextUpdate)", "not-after": " expires (NotAfter)"}


class TimelineRow(NamedTuple):
    """One moment of a case's timeline."""

    time: str
    """`2025-11-03 01:59`, with ` UTC` when the input gives UTC."""
    what: str
    source: str
    failure: bool
    """A failed answer (the first or last of its kind)."""


def rows(entries: tuple[TimelineEntry, ...], case: str = "") -> tuple[TimelineRow, ...]:
    """The entries as shown, in time order, each file named within its case."""
    return tuple(TimelineRow(time=f"{e.time:%Y-%m-%d %H:%M}" + (" UTC" if e.utc else ""),
                             what=e.what, source=_within(e.source, case),
                             failure=e.kind in ("first-failure", "last-failure"))
                 for e in entries)


def _within(source: str, case: str) -> str:
    """`logs/u_ex.log` for `case/logs/u_ex.log` (a member path for an archive's member)."""
    for sep in ("/", "!", "\\"):
        if case and source.startswith(case + sep):
            return source[len(case) + 1:]
    return source


def _when(time: datetime) -> str:
    return f"{time:%H:%M} on {time.day} {time:%b %Y}"


def story(entries: tuple[TimelineEntry, ...]) -> str:
    """The first failure and the last expiry before it, in one sentence ('' without a
    failure)."""
    first = next((e for e in entries if e.kind == "first-failure"), None)
    if first is None:
        return ""
    said = f"{first.what.removeprefix('first ')} starts {_when(first.time)}"
    before = [e for e in entries if e.kind in _EXPIRIES and e.time <= first.time]
    if not before:
        return said
    last = before[-1]
    said += f"; {last.what.removesuffix(_EXPIRIES[last.kind])} expired {_when(last.time)}"
    if last.utc != first.utc:
        said += (f" ({'UTC' if last.utc else 'local time'} against "
                 f"{'UTC' if first.utc else 'local time'}: compare with the server's time zone)")
    return said
