"""Whether a failed retrieval decided anything: the alternatives of one chain element.

CryptoAPI needs one CRL per certificate, one issuer certificate, one revocation answer. A URL
that failed is the cause of a failure only when nothing else gave the element what the URL
would have: another URL of the same kind that worked, an OCSP answer instead of a CRL (or the
reverse), an issuer certificate already in the server's stores (shown as the next element of
the chain), or a status that shows the element did not suffer from it. Rules name which
alternatives count; :func:`served_otherwise` decides and says what served instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from ...models.common import URL_SECTIONS, ChainElement, UrlCheck
from .binding import ChainBinding
from .issuer import same_name
from .model import CertutilVerify
from .retrieval import short

#: Statuses of a retrieval that gave the verifier what it needed.
WORKED = ("verified", "ok")


def alternatives(element: ChainElement, check: UrlCheck, sections: list[str],
                 worked: tuple[str, ...] = WORKED) -> list[UrlCheck]:
    """Other retrievals of the element, in the check's section or one of `sections`, that
    worked."""
    kinds = {check.section, *sections}
    return [c for c in element.url_checks
            if c is not check and c.section in kinds and c.status in worked]


def issuer_element(doc: CertutilVerify, element: ChainElement) -> ChainElement | None:
    """The next element of the same chain when it is the element's issuer (by name when both
    names are shown), i.e. the issuer was found without the element's AIA URLs."""
    if element.index is None:
        return None
    for other in doc.elements:
        if other.chain_index == element.chain_index and other.index == element.index + 1:
            if element.issuer and other.subject and not same_name(element.issuer,
                                                                  other.subject):
                return None
            return other
    return None


def _status_clear(doc: CertutilVerify, element: ChainElement, flags: list[str],
                  chain_flags: list[str]) -> bool:
    """The element's status is shown and carries none of `flags`, nor the chain `chain_flags`."""
    if element.error_status is None or any(f in element.error_status.flags for f in flags):
        return False
    chain = doc.chain_error
    return not (chain_flags and chain is not None and any(f in chain.flags for f in chain_flags))


def _urls(checks: list[UrlCheck]) -> str:
    shown = [short(c.url) if c.url else "(URL not in the input)" for c in checks]
    label = URL_SECTIONS[checks[0].section][1]
    plural = "URLs" if len(shown) > 1 else "URL"
    joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"the {label} {plural} {joined} worked"


def what_served(doc: CertutilVerify, element: ChainElement, check: UrlCheck, *,
                also: list[str], flags: list[str], chain_flags: list[str],
                issuer_shown: bool) -> str | None:
    """What gave the element what the failed `check` would have, in words, or None."""
    worked = alternatives(element, check, also)
    if worked:
        return _urls(worked)
    issuer = issuer_element(doc, element) if issuer_shown else None
    if issuer is not None:
        name = f" ({issuer.subject})" if issuer.subject else ""
        return (f"its issuer{name} is in the chain as element [{issuer.chain_index or 0}]"
                f"[{issuer.index}], found in the server's stores or cache")
    if _status_clear(doc, element, flags, chain_flags):
        shown = " or ".join(flags + chain_flags) or "error"
        return (f"the certificate's status shows no {shown}, so what the URL serves came from "
                "the server's stores or cache")
    return None


@predicate
def served_otherwise(
    doc: CertutilVerify, b: ChainBinding, *, flags: list[str],
    chain_flags: list[str] | None = None, also: list[str] | None = None,
    issuer_shown: bool = False,
) -> Iterator[Binding]:
    """The bound failed retrieval decided nothing: another retrieval of its element in the same
    section (or in one of `also`) worked, or (`issuer_shown`) the element's issuer is the next
    element of the chain, or the element's status is shown and carries none of `flags` (nor
    the chain any of `chain_flags`). Sets `otherwise`: what served instead, in words."""
    element, check = b.element, b.check
    if element is None or check is None:
        return
    served = what_served(doc, element, check, also=also or [], flags=flags,
                         chain_flags=chain_flags or [], issuer_shown=issuer_shown)
    if served is not None:
        yield replace(b, values={**b.values, "otherwise": served})
