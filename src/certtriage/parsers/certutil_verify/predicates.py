"""Predicates over certutil chain output (:class:`CertutilVerify`), and over CAPI2 runs, which
are expressed in the same model.

A match is a :class:`ChainBinding` (`binding`): the chain element it is about (and its index),
a -urlfetch retrieval, an error code and a trust flag. This module holds the predicates about
the chain; `verdicts` those about the lines that decide an outcome on their own, `commands`
those about -scinfo, -dcinfo, the two-argument -verify and -urlcache. Importing this module
registers them all. An output that verified several certificates is evaluated per chain:
`parts` yields the chains after the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, get_args

from ...knowledge.predicates import (
    ANY_EKU_OID,
    CLIENT_AUTH_OID,
    Binding,
    Part,
    predicate,
    vocabulary,
)
from ...models.common import ChainElement, UrlSection, UrlStatus
from . import alternatives, commands_predicates, issuer, runtime, signals, verdicts  # noqa: F401  (registers their predicates)
from .binding import (
    START,
    ChainBinding,
    all_hresults,
    chain_shown_whole,
    chain_status_is_known,
    error_bits,
    failure_reported,
    leaf,
    leaf_evidence,
    role_of,
    verdict_shown,
)
from .model import CertutilVerify, Trailer

__all__ = ["START", "ChainBinding", "parts", "role_of", "says_what_failed", "shows_outcome"]


def parts(doc: CertutilVerify) -> Iterator[Part]:
    """Each further chain of an output that verified several certificates."""
    for run in doc.runs:
        yield Part(kind="certutil-verify", model=run, start=START, context=run.label or "")


# ---- names the rule arguments may use ------------------------------------------------------
_SECTIONS = set(get_args(UrlSection))
_STATUSES = set(get_args(UrlStatus))


@vocabulary("sections")
def _section(item: Any) -> str | None:
    return None if item in _SECTIONS else f"{item!r} is not one of {sorted(_SECTIONS)}"


vocabulary("also")(_section)  # the other sections whose retrievals count as alternatives


@vocabulary("statuses")
def _status(item: Any) -> str | None:
    return None if item in _STATUSES else f"{item!r} is not one of {sorted(_STATUSES)}"


@vocabulary("trailer")
def _trailer(item: Any) -> str | None:
    return None if item in Trailer.model_fields else f"{item!r} is not a verdict attribute"


@vocabulary("bind")
def _bind(item: Any) -> str | None:
    return None if item in ("leaf", "last", "none") else "must be leaf, last or none"


def _element_index(doc: CertutilVerify, element: ChainElement, bind: str) -> int | None:
    if element.index is not None:
        return element.index
    if bind == "leaf" and element is leaf(doc):
        return 0
    return None


# ---- predicates ---------------------------------------------------------------------------
@predicate
def trust_error(
    doc: CertutilVerify,
    b: ChainBinding,
    *,
    flag: str,
    codes: list[str] | None = None,
    trailer: list[str] | None = None,
    bind: str = "none",
) -> Iterator[Binding]:
    """Elements whose dwErrorStatus carries `flag`.

    When no element carries it (a fragment, or a chain-only flag), one binding if the chain
    status, one of `codes` or one of the `trailer` verdict attributes reports it. `bind` says
    which element such a chain-level report is about: `leaf`, `last` (where the chain ends)
    or `none`.
    """
    codes_lower = {c.lower() for c in codes or ()}
    code = next((h for h in all_hresults(doc) if h.hex in codes_lower), None)
    candidates = (doc.elements if b.element is None else ()  # one element: no scan
                  if b.element is doc.echo else (b.element,))
    hits = [e for e in candidates if e.error_status and flag in e.error_status.flags]
    for hit in hits:
        yield replace(b, element=hit, index=_element_index(doc, hit, bind),
                      flag=flag, hresult=b.hresult or code)
    if hits:
        return
    chain = doc.chain_error
    scinfo = doc.trailer.scinfo_chain_status
    reported = (
        (chain is not None and flag in chain.flags)
        or code is not None
        or any(getattr(doc.trailer, name) for name in trailer or ())
        or (scinfo is not None and _scinfo_has(scinfo, flag))
    )
    if not reported:
        return
    element: ChainElement | None = None
    if bind == "leaf" and not leaf_evidence(doc):
        bind = "none"
    if bind == "leaf":
        element = leaf(doc)
    elif bind == "last" and doc.elements:
        element = doc.elements[-1]
    index = None
    if element is not None:
        index = element.index if element.index is not None else (0 if bind == "leaf" else None)
    elif bind == "leaf":
        index = 0
    yield replace(b, element=element, index=index, flag=flag, hresult=b.hresult or code)


def _scinfo_has(value: int, flag: str) -> bool:
    from ...knowledge.codes import code_tables

    return any(f.name == flag for f in code_tables().decode_status("error", value))


@predicate
def url_check(
    doc: CertutilVerify, b: ChainBinding, *, sections: list[str], statuses: list[str]
) -> Iterator[Binding]:
    """Each -urlfetch retrieval in one of `sections` whose status is one of `statuses`."""
    elements = [b.element] if b.element is not None else list(doc.elements)
    for element in elements:
        for check in element.url_checks:
            if check.section in sections and check.status in statuses:
                hresult = check.error.hresult if check.error else None
                yield replace(b, element=element, index=element.index, check=check,
                              hresult=hresult)


@predicate
def element_healthy(
    doc: CertutilVerify, b: ChainBinding, *, flags: list[str], chain_flags: list[str] | None = None
) -> Iterator[Binding]:
    """The bound element's status is known and has none of `flags`, and the chain status
    (when `chain_flags` is given) is known and has none of those."""
    element = b.element
    if element is None or element.error_status is None:
        return
    if any(f in element.error_status.flags for f in flags):
        return
    if chain_flags:
        chain = doc.chain_error
        if chain is None and not any(s.info_status for s in doc.chain):
            return
        if chain is not None and any(f in chain.flags for f in chain_flags):
            return
    yield b


@predicate
def leaf_eku(doc: CertutilVerify, b: ChainBinding, *, lacks: str) -> Iterator[Binding]:
    """The leaf's valid application policies are known and do not include `lacks`.

    Known means: the leaf element's Application[n] lines, or the Verified Application
    Policies list. A CA certificate being verified, `All`, or anyExtendedKeyUsage never match.
    """
    t = doc.trailer
    if t.cert_kind == "ca" or t.verified_application_all:
        return
    element = leaf(doc)
    policies = element.policies if element is not None else ()
    ekus = [p for p in policies if p.kind == "application"]
    if not ekus and t.verified_application:
        ekus = list(t.verified_application)
    if not ekus:
        return
    oids = {p.oid for p in ekus}
    if lacks in oids or ANY_EKU_OID in oids:
        return
    names = ", ".join(f"{p.oid} {p.name}".strip() for p in ekus)
    yield replace(b, element=element, index=0, values={**b.values, "ekus": names})


@predicate
def client_auth_demanded(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """The run asked for Client Authentication: a 1.3.6.1.5.5.7.3.2 policy argument, or the
    smart-card logon check of certutil -scinfo failed."""
    requested = any(p.oid == CLIENT_AUTH_OID for p in doc.preamble.requested_policies)
    if requested or doc.trailer.scinfo_logon_chain == "invalid":
        yield b


@predicate
def chain_status_known(
    doc: CertutilVerify, b: ChainBinding, *, value: bool = True
) -> Iterator[Binding]:
    """The input shows (value=true) or does not show (false) the chain's status."""
    if chain_status_is_known(doc) == value:
        yield b


@predicate
def chain_clean(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """The whole chain's status is shown (`chain_shown_whole`) and nothing reports an error: no
    error bit, no error line, no failure verdict (revoked, revocation error, incomplete chain
    ...), no failed -scinfo chain (under the base policy)."""
    if (chain_shown_whole(doc) and not error_bits(doc) and not doc.errors
            and not failure_reported(doc, logon=False)):
        yield b


@predicate
def chain_shown_in_part(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """Element statuses are shown, but not the whole chain's (`chain_shown_whole`: the paste
    starts at a CA's element or skips one), and nothing shown reports an error: the elements
    shown and those of the chain before them that are not."""
    if (not chain_status_is_known(doc) or chain_shown_whole(doc) or error_bits(doc)
            or doc.errors or failure_reported(doc, logon=False)):
        return
    shown = [(e.chain_index or 0, e.index) for e in doc.elements if e.error_status is not None]
    known = {(c, i) for c, i in shown if i is not None}
    missing = [(c, i) for c in sorted({c for c, _ in known})
               for i in range(max(j for d, j in known if d == c)) if (c, i) not in known]
    yield replace(b, values={**b.values, "shown": _positions(shown),
                             "missing": _positions(missing) or "the elements before them"})


def _positions(elements: Sequence[tuple[int, int | None]]) -> str:
    return ", ".join(f"[{c}][{i}]" if i is not None else "one without its CertContext header"
                     for c, i in elements)


@predicate
def chain_failed(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """Something in the input reports a failed chain: an error bit, an error line or a
    revoked / revocation-error verdict."""
    t = doc.trailer
    if error_bits(doc) or doc.errors or leaf_evidence(doc) or t.incomplete_chain:
        yield b


@predicate
def certutil_completed(
    doc: CertutilVerify, b: ChainBinding, *, outcome: str = "success"
) -> Iterator[Binding]:
    """certutil's final line says `outcome` (success or failed)."""
    if doc.trailer.completed == outcome:
        yield b


@predicate
def code(doc: CertutilVerify, b: ChainBinding, *, codes: list[str]) -> Iterator[Binding]:
    """An error code among `codes` appears anywhere in the input."""
    wanted = {c.lower() for c in codes}
    for hresult in all_hresults(doc):
        if hresult.hex in wanted:
            yield replace(b, hresult=hresult)
            return


@predicate
def chain_policy_accepted(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """A CAPI2 run whose chain policy check (event 30) accepted the chain."""
    if doc.trailer.policy_accepted:
        yield b


@predicate
def chain_policy_is(doc: CertutilVerify, b: ChainBinding, *,
                    policies: list[str]) -> Iterator[Binding]:
    """A CAPI2 run whose chain was checked under one of `policies` (CERT_CHAIN_POLICY_...)."""
    policy = doc.trailer.policy
    if policy is not None and policy.upper() in {p.upper() for p in policies}:
        name = policy.upper().removeprefix("CERT_CHAIN_POLICY_").replace("_", " ")
        yield replace(b, values={**b.values, "policy": policy,
                                 "policy_name": name.title().replace("Ts", "timestamp")})


def says_what_failed(doc: CertutilVerify) -> bool:
    """Whether the input can say what failed: the chain's status, or certutil's verdict or
    error lines (a fragment of URL checks alone cannot; beside it, a code named in a sentence
    is what the input says of the failure)."""
    return chain_status_is_known(doc) or verdict_shown(doc)


def shows_outcome(doc: CertutilVerify) -> bool:
    """Whether the input shows the chain's outcome: without it, a failed URL fetch alone
    decides nothing (the paste may have cut off a URL that worked)."""
    return chain_status_is_known(doc)
