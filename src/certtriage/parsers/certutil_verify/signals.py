"""What a chain must show for the commonest predicates to match at all, so that the engine
skips the rules that cannot fire on a document (`knowledge.predicates.SIGNALS`).

Most rules read one trust flag, one -urlfetch outcome or one decisive line, and most chains
show none of them: asking a set of the signals a document shows is far cheaper than running
the predicate to find nothing. Each `needs` here is what its predicate tests before yielding
anything from a binding about no element (`trust_error`: an element's or the chain's error
flag, a code, a verdict attribute, -scinfo's chain status; `url_check`: a retrieval of a
section with a status; `decisive_code`: a decisive line that reports a code; the predicates
of one form of output: that form, its final line, its -dcinfo stores, its two-argument check,
its -urlcache listing; `not_time_valid_at_run`: an element without status), so skipping a
rule whose needs the document does not show changes no finding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..._cache import last
from ...knowledge.predicates import Signals, signals
from .binding import all_hresults
from .model import CertutilVerify


def _trust_error(*, flag: str, codes: list[str] | None = None,
                 trailer: list[str] | None = None, bind: str = "none") -> Signals:
    del bind  # which element a chain-level report binds to: no matter to whether it matches
    return frozenset((flag, *(c.lower() for c in codes or ()), *(trailer or ())))


def _url_check(*, sections: list[str], statuses: list[str]) -> Signals:
    return frozenset((s, t) for s in sections for t in statuses)


def _decisive_code(*, decisive_lines: list[str], **_: Any) -> Signals:
    return frozenset(("decisive", line) for line in decisive_lines)


def _needs(*signals: Any) -> Callable[..., Signals]:
    """What a predicate that reads one part of the command's output needs, whatever its
    arguments."""
    return lambda **_: frozenset(signals)


def _output_form(*, forms: list[str]) -> Signals:
    return frozenset(("variant", form) for form in forms)


def _empty_store(*, stores: list[str]) -> Signals:
    return frozenset(("store", kind) for kind in stores)


def _certutil_completed(*, outcome: str = "success") -> Signals:
    return frozenset({("completed", outcome)})


@last
def shows(doc: CertutilVerify) -> Signals:
    """The signals `doc` shows (kept for the document being evaluated): trust flags
    (CERT_TRUST_...), error codes (0x...) and the names of the verdict attributes that are set,
    as they are; (section, status) of each retrieval; ("decisive", line) of each decisive line
    that reports a code."""
    t = doc.trailer
    found: set[Any] = {name for name, value in t.__dict__.items() if value}
    for element in doc.elements:
        if element.error_status is not None:
            found.update(element.error_status.flags)
        if element.url_checks:
            found.update([(c.section, c.status) for c in element.url_checks])
    chain = doc.chain_error
    if chain is not None:
        found.update(chain.flags)
    if t.scinfo_chain_status is not None:
        from ...knowledge.codes import code_tables

        found.update([f.name for f in code_tables().decode_status("error", t.scinfo_chain_status)])
    found.update([h.hex for h in all_hresults(doc)])
    if t.failed_hresult is not None:
        found.add(("decisive", "failed"))
    if t.leaf_revocation_error is not None:
        found.add(("decisive", "leaf"))
    if doc.errors:
        found.add(("decisive", "error"))
    found.add(("variant", doc.variant))
    found.add(("completed", t.completed))
    found.add(("scinfo_chain", t.scinfo_chain))
    found.update(("store", store.kind) for store in doc.dc_stores)
    if doc.pair is not None:
        found.add("pair")
    if doc.urlcache is not None:
        found.add("urlcache")
    if any(e.error_status is None for e in doc.elements):
        found.add("unstatused")
    return frozenset(found)


signals("trust_error", _trust_error, shows)
signals("url_check", _url_check, shows)
signals("decisive_code", _decisive_code, shows)
signals("output_form", _output_form, shows)
signals("certutil_completed", _certutil_completed, shows)
signals("empty_store", _empty_store, shows)
signals("pair_check_failed", _needs("pair"), shows)
signals("pair_verified", _needs("pair"), shows)
signals("urlcache_listing", _needs("urlcache"), shows)
signals("not_time_valid_at_run", _needs("unstatused"), shows)  # an element without status
signals("trailer_passes", _needs("leaf_revocation_passed", ("scinfo_chain", "valid")), shows)
