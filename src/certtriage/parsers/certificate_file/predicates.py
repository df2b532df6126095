"""Predicates over certificate files (`model.CertificateFile`).

Each predicate yields one binding per certificate it matches, with `index` set to the
certificate's position in the file. When an earlier condition already chose a certificate
(`b.index` is set), a predicate looks at that certificate only, so conditions narrow each other.

Values put in the binding, for rule messages (names chosen not to clash with the engine's own
placeholders such as `subject`, `url` or `not_after`):

* `context`: `certificate 0 (CN=...)`, also reported as the finding's context;
* `cert`: the same label; `cert_subject`, `cert_issuer`, `cert_role` (end-entity certificate,
  CA certificate, root CA certificate, self-signed end-entity certificate), `cert_who` (the
  role and the label: `end-entity certificate 0 (CN=...)`, for "The {cert_who} ..."),
  `thumbprint`;
* per predicate: `ekus`, `key_usage`, `hash`, `validity`, `checked_at`, `time_basis`,
  `valid_from`, `valid_to`, `matched_url`, `matched_urls`, `url_count`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from ipaddress import ip_address
from typing import Any, Literal
from urllib.parse import urlsplit

from ... import clock
from ...knowledge.predicates import ANY_EKU_OID, Binding, predicate
from .model import CertificateFile, CertificateInfo

Role = Literal["end-entity", "ca", "any"]
UrlKind = Literal["http", "https", "ldap", "file", "ftp", "other", "single-label-host"]
UrlSource = Literal["cdp", "aia", "ocsp"]
KeyUsageName = Literal[
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
    "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
]

#: Signature hashes weak enough that Windows' weak-crypto policy may refuse them.
WEAK_HASHES = ("md2", "md4", "md5", "sha1")


# ---- facts ---------------------------------------------------------------------------------
def is_ca(doc: CertificateFile, cert: CertificateInfo) -> bool:
    """A CA by basic constraints; without that extension, by keyCertSign or by having issued
    another certificate of the file."""
    if cert.is_ca is not None:
        return cert.is_ca
    if cert.key_usage is not None and "keyCertSign" in cert.key_usage:
        return True
    return any(o.index != cert.index and o.issuer == cert.subject and not o.self_signed
               for o in doc.certificates)


def role_text(doc: CertificateFile, cert: CertificateInfo) -> str:
    """How a message names the certificate's role."""
    if is_ca(doc, cert):
        return "root CA certificate" if cert.self_signed else "CA certificate"
    return "self-signed end-entity certificate" if cert.self_signed else "end-entity certificate"


def label(cert: CertificateInfo) -> str:
    """`certificate 0 (CN=...)`."""
    return f"certificate {cert.index} ({cert.subject or 'empty subject'})"


def url_kinds(url: str) -> set[str]:
    """The scheme of `url` (http, https, ldap, file, ftp or other), plus `single-label-host`
    when its host is a name without a dot (an intranet name such as `corppki`)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    kinds = {scheme if scheme in ("http", "https", "ldap", "file", "ftp") else "other"}
    host = (parts.hostname or "").rstrip(".")
    if host and "." not in host:
        try:
            ip_address(host)
        except ValueError:
            kinds.add("single-label-host")
    return kinds


def _targets(doc: Any, b: Binding) -> Iterator[CertificateInfo]:
    """The certificate the binding is about, or every certificate of the file."""
    if not isinstance(doc, CertificateFile):
        return
    for cert in doc.certificates:
        if b.index is None or cert.index == b.index:
            yield cert


def _bind(doc: CertificateFile, b: Binding, cert: CertificateInfo, **values: str) -> Binding:
    return replace(b, index=cert.index, values={
        **b.values, "context": label(cert), "cert": label(cert),
        "cert_subject": cert.subject or "(empty subject)", "cert_issuer": cert.issuer,
        "cert_role": role_text(doc, cert), "thumbprint": cert.thumbprint,
        "cert_who": f"{role_text(doc, cert)} {cert.index} ({cert.subject or 'empty subject'})",
        **values,
    })


def _eku_text(cert: CertificateInfo) -> str:
    if cert.ekus is None:
        return "any purpose (no EKU extension)"
    return ", ".join(f"{name} ({oid})" if name != oid else oid for oid, name in cert.ekus) or (
        "no purpose (an empty EKU list)")


def _time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---- predicates ----------------------------------------------------------------------------
@predicate
def certfile_certificate(doc: Any, b: Binding, *, role: Role = "any",
                         self_signed: bool | None = None) -> Iterator[Binding]:
    """Certificates of the file with that role (`end-entity`: not a CA, `ca`: a CA, `any`) and,
    when `self_signed` is given, that are (or are not) self-signed."""
    for cert in _targets(doc, b):
        ca = is_ca(doc, cert)
        if (role == "end-entity" and ca) or (role == "ca" and not ca):
            continue
        if self_signed is not None and cert.self_signed != self_signed:
            continue
        yield _bind(doc, b, cert, ekus=_eku_text(cert))


@predicate
def certfile_eku_lacks(doc: Any, b: Binding, *, oid: str,
                       any_purpose_counts: bool = True) -> Iterator[Binding]:
    """Certificates with an EKU extension that does not list `oid` (nor anyExtendedKeyUsage,
    unless `any_purpose_counts` is false). Without the extension a certificate is valid for any
    purpose and does not match."""
    for cert in _targets(doc, b):
        if cert.ekus is None:
            continue
        oids = {o for o, _ in cert.ekus}
        if oid in oids or (any_purpose_counts and ANY_EKU_OID in oids):
            continue
        yield _bind(doc, b, cert, ekus=_eku_text(cert))


@predicate
def certfile_eku_lists(doc: Any, b: Binding, *, oid: str) -> Iterator[Binding]:
    """Certificates whose EKU extension lists `oid`."""
    for cert in _targets(doc, b):
        if cert.ekus is not None and any(o == oid for o, _ in cert.ekus):
            yield _bind(doc, b, cert, ekus=_eku_text(cert))


@predicate
def certfile_eku_allows(doc: Any, b: Binding, *, oid: str) -> Iterator[Binding]:
    """Certificates usable for `oid` as far as their EKU goes: no EKU extension, or one that
    lists `oid` or anyExtendedKeyUsage."""
    for cert in _targets(doc, b):
        oids = None if cert.ekus is None else {o for o, _ in cert.ekus}
        if oids is None or oid in oids or ANY_EKU_OID in oids:
            yield _bind(doc, b, cert, ekus=_eku_text(cert))


@predicate
def certfile_key_usage_lacks(doc: Any, b: Binding, *, usage: KeyUsageName) -> Iterator[Binding]:
    """Certificates with a key usage extension that does not set `usage`."""
    for cert in _targets(doc, b):
        if cert.key_usage is not None and usage not in cert.key_usage:
            shown = ", ".join(cert.key_usage) or "no bit set"
            yield _bind(doc, b, cert, key_usage=shown)


@predicate
def certfile_time_invalid(
    doc: Any, b: Binding, *, state: Literal["expired", "not-yet-valid", "either"] = "either",
) -> Iterator[Binding]:
    """Certificates outside their validity period at the evaluation time: `values["at"]` when an
    earlier condition set it (an ISO 8601 time, e.g. the event's), else the current UTC time.
    `time_basis` says which was used."""
    given = _time(b.values["at"]) if b.values.get("at") else None
    moment = given or clock.now()
    basis = ("the time of the evidence" if given is not None else
             "the current time (the file records no time of its own)")
    for cert in _targets(doc, b):
        if cert.not_after < moment and state in ("expired", "either"):
            validity = f"expired (NotAfter {_show(cert.not_after)})"
        elif cert.not_before > moment and state in ("not-yet-valid", "either"):
            validity = f"not yet valid (NotBefore {_show(cert.not_before)})"
        else:
            continue
        yield _bind(doc, b, cert, validity=validity, checked_at=_show(moment), time_basis=basis,
                    valid_from=_show(cert.not_before), valid_to=_show(cert.not_after))


@predicate
def certfile_weak_signature(doc: Any, b: Binding, *,
                            hashes: list[str] | None = None) -> Iterator[Binding]:
    """Certificates signed with one of `hashes` (default md2, md4, md5, sha1)."""
    weak = {h.lower() for h in (hashes if hashes is not None else WEAK_HASHES)}
    for cert in _targets(doc, b):
        if cert.signature_hash.lower() in weak:
            yield _bind(doc, b, cert, hash=cert.signature_hash.upper().replace("SHA", "SHA-"))


@predicate
def certfile_lacks_revocation_urls(doc: Any, b: Binding) -> Iterator[Binding]:
    """Certificates with neither a CRL distribution point nor an OCSP URL."""
    for cert in _targets(doc, b):
        if not cert.cdp_urls and not cert.ocsp_urls:
            yield _bind(doc, b, cert)


@predicate
def certfile_urls(
    doc: Any, b: Binding, *, kinds: list[UrlKind], sources: list[UrlSource],
    every: bool = False, exclude_kinds: list[UrlKind] | None = None,
) -> Iterator[Binding]:
    """Certificates with URLs of one of `kinds` (and none of `exclude_kinds`) among `sources`
    (cdp, aia = CA Issuers, ocsp); with `every`, all URLs of those sources must match (and
    there must be at least one). One binding per certificate, naming the matching URLs."""
    wanted, unwanted = set(kinds), set(exclude_kinds or ())
    for cert in _targets(doc, b):
        urls = [u for source, found in (("cdp", cert.cdp_urls), ("aia", cert.aia_ca_issuers),
                                        ("ocsp", cert.ocsp_urls))
                if source in sources for u in found]
        matched = [u for u in urls if url_kinds(u) & wanted and not url_kinds(u) & unwanted]
        if not matched or (every and len(matched) != len(urls)):
            continue
        yield _bind(doc, b, cert, matched_url=matched[0], matched_urls=", ".join(matched),
                    url_count=str(len(matched)))
