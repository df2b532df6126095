"""What the input shows about the issuer a chain is missing: its name (`Missing Issuer:`,
`Cannot find certificate:` or the last element's `Issuer:`), where to get it (the element's AIA
URLs and how each fetch went) and whether the element is self-issued (issuer name equal to its
subject name) without being self-signed, i.e. a CA certificate whose same-named issuer, usually
the root, is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from ...models.common import ChainElement
from .binding import ChainBinding
from .model import CertutilVerify


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two distinguished names are the same, ignoring case and spacing after commas."""
    if not a or not b:
        return False
    norm = [",".join(p.strip() for p in n.casefold().split(",")) for n in (a, b)]
    return norm[0] == norm[1]


def missing_name(doc: CertutilVerify, element: ChainElement | None) -> str | None:
    """The issuer the element names, else certutil's `Missing Issuer:` or `Cannot find
    certificate:` line (a fragment without the element's lines)."""
    if element is not None and element.issuer:
        return element.issuer
    t = doc.trailer
    return (t.missing_issuer or t.cannot_find or (None,))[0]


def issuer_source(element: ChainElement | None) -> str:
    """Where to get the issuer certificate, from the element's AIA retrievals."""
    aia = [c for c in element.url_checks if c.section == "aia"] if element else []
    checks = [c for c in aia if c.url]
    if aia and not checks:
        return "the CA that issued it (the certificate names no AIA URL)"
    if not checks:
        return ("the CA that issued it (no AIA URL of this certificate is in the input; "
                "`certutil -verify -urlfetch` lists them)")
    shown = []
    for c in checks:
        how = c.status_text.lower()
        if c.error is not None:
            how += f": {c.error.message}"
        shown.append(f"{c.url} ({how})")
    plural = "URLs" if len(shown) > 1 else "URL"
    hint = ""
    if all(c.status == "failed" for c in checks):
        hint = ", downloaded where the URL answers, or from the CA's owner"
    return f"its AIA {plural} " + ", ".join(shown) + hint


def self_issued(element: ChainElement | None) -> bool:
    """Issuer name equals subject name, and the element is not marked self-signed."""
    if element is None or not same_name(element.issuer, element.subject):
        return False
    info = element.info_status
    return info is None or "CERT_TRUST_IS_SELF_SIGNED" not in info.flags


_SELF_ISSUED = (" Its issuer name equals its subject name, yet it is not self-signed: it is a "
                "CA certificate signed by another key of the same name (a renewed or "
                "cross-signed CA), so the certificate missing is that same-named CA's, usually "
                "the root, and it must be in the server's Trusted Root Certification "
                "Authorities store.")


@predicate
def issuer_named(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """Always matches; adds what the input shows about the bound element's missing issuer:
    `issuer` (its name, or `(name not in the input)`), `issuer_source` (where to get it) and
    `self_issued` (a sentence when the element is self-issued but not self-signed, else
    empty)."""
    element = b.element
    name = missing_name(doc, element)
    yield replace(b, values={
        **b.values,
        "issuer": name or "(name not in the input)",
        "issuer_source": issuer_source(element),
        "self_issued": _SELF_ISSUED if self_issued(element) else "",
    })
