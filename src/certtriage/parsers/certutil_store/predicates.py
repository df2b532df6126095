"""Predicates over `certutil -store` dumps (CertStoreDump).

Certificate bindings carry the certificate as a ChainElement view (subject, issuer, dates,
serial, thumbprint and its lines as the span), so findings name the certificate and cite its
lines; `values` fill the rule messages. Whether a certificate has expired is judged at the time
of analysis (`clock.now`): a store dump does not say when it was taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from ... import clock
from ...knowledge.predicates import Binding, predicate
from ...models.common import ChainElement, Span
from .model import CertStoreDump, StoreCertificate

#: How many certificates a message lists by name before it says "and N more".
LIST_LIMIT = 10


def now() -> datetime:
    """The time expiry is judged against: the time of analysis, in local time like the dates
    certutil prints."""
    return clock.now().astimezone().replace(tzinfo=None)


def expired(cert: StoreCertificate, at: datetime | None = None) -> bool | None:
    """Whether NotAfter has passed; None when NotAfter is missing or ambiguous."""
    if cert.not_after_at is None:
        return None
    return cert.not_after_at < (at or now())


def describe(cert: StoreCertificate) -> str:
    """`certificate 3 at line 40`."""
    return f"certificate {cert.index} at line {cert.line}"


def _name(cert: StoreCertificate) -> str:
    if cert.subject:
        return cert.subject
    return "(empty subject)" if cert.subject == "" else "(subject not in the input)"


def _element(cert: StoreCertificate) -> ChainElement:
    """The certificate as the engine's certificate view (for the finding's subject and lines)."""
    return ChainElement(
        chain_index=None, index=None, issuer=cert.issuer, subject=cert.subject or None,
        not_before=cert.not_before, not_after=cert.not_after, not_before_at=cert.not_before_at,
        not_after_at=cert.not_after_at, serial=cert.serial, template=cert.template,
        thumbprint=cert.thumbprint, span=Span(start=cert.line, end=cert.end_line),
    )


def _store_values(doc: CertStoreDump) -> dict[str, str]:
    return {"store": doc.store or "(not named)", "store_label": doc.label(),
            "context": f"store {doc.store}" if doc.store else "store (not named in the input)"}


def _cert_values(doc: CertStoreDump, cert: StoreCertificate) -> dict[str, str]:
    ekus = ", ".join(f"{e.name} ({e.oid})" if e.name else e.oid for e in cert.ekus or ())
    return {
        **_store_values(doc),
        "cert": describe(cert),
        "cert_subject": _name(cert),
        "cert_issuer": cert.issuer if cert.issuer is not None else "(issuer not in the input)",
        "cert_serial": cert.serial or "(not printed)",
        "cert_thumbprint": cert.thumbprint or "(not printed)",
        "cert_not_after": cert.not_after or "(not printed)",
        "key_state": cert.key_state or "(nothing printed about a key)",
        "key_provider": cert.key_provider or "(no provider printed)",
        "ekus": ekus or "(none)",
        "context": (f"dumped file, {describe(cert)}" if doc.dump
                    else f"store {doc.store or '?'}, {describe(cert)}"),
    }


def _certificate_of(doc: CertStoreDump, b: Binding) -> list[StoreCertificate]:
    """The certificate an earlier condition bound, else every certificate of the dump."""
    if b.element is not None:
        return [c for c in doc.certificates if c.line == b.element.span.start]
    return list(doc.certificates)


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:LIST_LIMIT])
    more = len(items) - LIST_LIMIT
    return shown + (f"; and {more} more" if more > 0 else "")


# ---- the store ------------------------------------------------------------------------------
@predicate
def store_named(doc: CertStoreDump, b: Binding, *, names: list[str]) -> Iterator[Binding]:
    """The dump is of one of the stores `names` (My, Root, CA, ClientAuthIssuer ...; case is
    ignored)."""
    if isinstance(doc, CertStoreDump) and doc.store_key in {n.lower() for n in names}:
        yield replace(b, values={**b.values, **_store_values(doc)})


@predicate
def store_dumped(doc: CertStoreDump, b: Binding) -> Iterator[Binding]:
    """The dump is `certutil -dump` of a certificate file (.cer, .pfx, .p7b), not of a store."""
    if isinstance(doc, CertStoreDump) and doc.dump:
        yield replace(b, values={**b.values, **_store_values(doc)})


@predicate
def store_issuer_list_estimate(
    doc: CertStoreDump, b: Binding, *, over_percent: int, up_to_percent: int | None = None
) -> Iterator[Binding]:
    """The estimated trusted issuer list is over `over_percent` % of the 16 KB limit (and at
    most `up_to_percent` %, when given). Values: the estimate, the limit, how many names must
    go (largest first), and the expired certificates that are the first to remove."""
    estimate = doc.issuer_list if isinstance(doc, CertStoreDump) else None
    if estimate is None:
        return
    total, limit = estimate.total_bytes, estimate.limit
    if total * 100 <= limit * over_percent:
        return
    if up_to_percent is not None and total * 100 > limit * up_to_percent:
        return
    stale = [c for c in doc.certificates if expired(c) and c.subject_name_bytes is not None]
    stale_bytes = sum(c.subject_name_bytes + 2 for c in stale if c.subject_name_bytes is not None)
    left = total - stale_bytes
    if not stale:
        expired_note = "None of the certificates in this dump has expired."
    else:
        fits = "under" if left <= limit else "still over"
        expired_note = (f"{len(stale)} of them have expired and are the first to remove; that "
                        f"alone brings the list to about {left} bytes, {fits} the limit. "
                        f"Expired: {_listing([f'{_name(c)} ({describe(c)})' for c in stale])}.")
    yield replace(b, values={
        **b.values, **_store_values(doc),
        "estimate": str(total), "limit": str(limit), "percent": f"{estimate.percent:.0f}",
        "names": str(estimate.names), "excess": str(max(total - limit, 0)),
        "headroom": str(max(limit - total, 0)), "remove": str(estimate.remove_at_least),
        "expired_count": str(len(stale)), "expired_note": expired_note,
    })


# ---- its certificates -----------------------------------------------------------------------
@predicate
def store_certificate(
    doc: CertStoreDump,
    b: Binding,
    *,
    self_signed: bool | None = None,
    expired_now: bool | None = None,
    private_key: bool | None = None,
) -> Iterator[Binding]:
    """Each certificate of the dump that matches every criterion given: self-signed or not,
    expired or not (now), with or without its private key. A criterion the dump leaves unknown
    for a certificate does not match."""
    if not isinstance(doc, CertStoreDump):
        return
    for cert in _certificate_of(doc, b):
        if self_signed is not None and cert.self_signed is not self_signed:
            continue
        if expired_now is not None and expired(cert) is not expired_now:
            continue
        if private_key is not None and cert.has_private_key is not private_key:
            continue
        yield replace(b, element=_element(cert), values={**b.values, **_cert_values(doc, cert)})


@predicate
def store_certificate_lacks_eku(
    doc: CertStoreDump,
    b: Binding,
    *,
    oid: str,
    accepted: list[str] | None = None,
    skip_with: list[str] | None = None,
) -> Iterator[Binding]:
    """Each end-entity certificate whose EKUs are shown (a -v dump) and include neither `oid`
    nor one of `accepted` (anyExtendedKeyUsage), except those that have one of `skip_with` (a
    server's own TLS certificate). A certificate without an EKU extension is valid for every
    usage and never matches; CA certificates never match."""
    if not isinstance(doc, CertStoreDump):
        return
    good = {oid, *(accepted or ())}
    skip = set(skip_with or ())
    for cert in _certificate_of(doc, b):
        if cert.ekus is None or cert.is_ca:
            continue
        oids = {e.oid for e in cert.ekus}
        if oids & good or oids & skip:
            continue
        yield replace(b, element=_element(cert), values={**b.values, **_cert_values(doc, cert)})


@predicate
def store_expired_certificates(doc: CertStoreDump, b: Binding) -> Iterator[Binding]:
    """The dump has expired certificates (now): one binding listing them all."""
    if not isinstance(doc, CertStoreDump):
        return
    stale = [c for c in doc.certificates if expired(c)]
    if not stale:
        return
    listed = [f"{_name(c)} (expired {c.not_after}, {describe(c)})" for c in stale]
    yield replace(b, values={**b.values, **_store_values(doc), "expired_count": str(len(stale)),
                             "expired_list": _listing(listed)})


@predicate
def store_duplicate_subjects(doc: CertStoreDump, b: Binding) -> Iterator[Binding]:
    """Subjects that more than one certificate of the dump carries: one binding listing them."""
    if not isinstance(doc, CertStoreDump):
        return
    groups: dict[str, list[StoreCertificate]] = {}
    for cert in doc.certificates:
        if cert.subject:
            groups.setdefault(" ".join(cert.subject.lower().split()), []).append(cert)
    repeated = [g for g in groups.values() if len(g) > 1]
    if not repeated:
        return
    listed = [f"{g[0].subject} (certificates {', '.join(str(c.index) for c in g)})"
              for g in repeated]
    yield replace(b, values={**b.values, **_store_values(doc),
                             "duplicate_count": str(len(repeated)),
                             "duplicate_list": _listing(listed)})
