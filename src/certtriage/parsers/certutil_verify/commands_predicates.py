"""Predicates about what certutil prints for its other verbs and forms: the two-argument
-verify's checks, -dcinfo's stores, and -urlcache listings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, get_args

from ...knowledge.predicates import Binding, predicate, vocabulary
from .binding import ChainBinding
from .commands import CheckName, DcStore, PairVerification
from .model import CertutilVerify

_CHECKS = get_args(CheckName)
_STORES = ("enterprise_root", "kdc", "other")
#: CRYPT_E_NOT_FOUND: what -dcinfo reports for a store it found empty.
_NOT_FOUND = 0x80092004


@vocabulary("pair_checks")
def _check(item: Any) -> str | None:
    return None if item in _CHECKS else f"{item!r} is not one of {list(_CHECKS)}"


@vocabulary("stores")
def _kind(item: Any) -> str | None:
    return None if item in _STORES else f"{item!r} is not one of {list(_STORES)}"


def _pair_values(b: ChainBinding, pair: PairVerification) -> dict[str, str]:
    return {**b.values, "certificate": pair.certificate or "the certificate",
            "issuer_file": pair.issuer_file or "the CA certificate given",
            "issuer_name": ", ".join(pair.issuer_names) or "(its name is not in the input)",
            "revocation": pair.revocation or "not shown"}


@predicate
def pair_check_failed(doc: CertutilVerify, b: ChainBinding, *,
                      pair_checks: list[str]) -> Iterator[Binding]:
    """The failed checks of the two-argument -verify among `pair_checks`, as one match (their
    lines joined in `check`)."""
    pair = doc.pair
    failed = [c.text for c in pair.failed if c.check in pair_checks] if pair else []
    if pair is not None and failed:
        yield replace(b, values={**_pair_values(b, pair), "check": "; ".join(failed)})


@predicate
def pair_check_said(doc: CertutilVerify, b: ChainBinding, *,
                    pair_checks: list[str]) -> Iterator[Binding]:
    """A check line of the two-argument -verify among `pair_checks` that passed but says
    something a rule reads (`no_revocation_extension`), its line in `check`."""
    pair = doc.pair
    said = [c for c in pair.checks if c.ok and c.check in pair_checks] if pair else []
    if pair is not None and said:
        yield replace(b, values={**_pair_values(b, pair), "check": said[0].text,
                                 "line": str(said[0].line)})


@predicate
def pair_verified(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """The two-argument -verify says the certificate verifies as issued by the CA file, and no
    check failed."""
    pair = doc.pair
    if pair is not None and pair.verifies and not pair.failed:
        yield replace(b, values=_pair_values(b, pair))


def _empty(store: DcStore) -> bool:
    return store.empty or store.count == 0 or (
        store.error is not None and store.error.value == _NOT_FOUND)


@predicate
def empty_store(doc: CertutilVerify, b: ChainBinding, *, stores: list[str]) -> Iterator[Binding]:
    """Each -dcinfo store section of one of `stores` (enterprise_root, kdc) that holds no
    certificate (certutil says so, counts none, or reports CRYPT_E_NOT_FOUND for it)."""
    for store in doc.dc_stores:
        if store.kind in stores and _empty(store):
            values = {**b.values, "dc": store.computer or "the domain controller",
                      "store": store.title}
            yield replace(b, hresult=b.hresult or store.error, values=values)


@predicate
def card_key_not_opened(doc: CertutilVerify, b: ChainBinding, *,
                        no_certificate: bool = False) -> Iterator[Binding]:
    """Each -scinfo card certificate whose key certutil could not open (`Cannot open the
    AT_SIGNATURE key`, `No AT_KEYEXCHANGE key`) and whose other key tests, if any ran, did not
    succeed either: no key of it can be used. With `no_certificate`, only sections that show
    no certificate at all (no subject, the key container `(null)`: the minidriver presents
    none); without it, only the others."""
    for card in doc.cards:
        if not card.key_missing or card.public_key_match or card.private_key_verifies:
            continue
        empty = card.subject is None and (card.key_container or "").startswith("(null)")
        if empty != no_certificate:
            continue
        yield replace(b, values={
            **b.values, "line": str(card.line), "reader": card.reader or "its reader",
            "card": card.card or "card not named",
            "container": card.key_container or "not named",
            "certificate": f"its certificate {card.subject}" if card.subject
            else "its certificate"})


@predicate
def urlcache_listing(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """A -urlcache listing, with how many entries it shows and how many are CRLs."""
    cache = doc.urlcache
    if cache is None:
        return
    empty = (not cache.entries and cache.count is None and cache.deleted is None
             and cache.status is None)
    if empty and (doc.trailer.verb or "").casefold() != "urlcache":
        # only its command line (its own last line, `CertUtil: -URLCache command ...`, not
        # either): a command the input shows without what it printed
        return
    crls = sum(1 for url in cache.entries if url.lower().rstrip("/").endswith(".crl"))
    count = cache.count if cache.count is not None else len(cache.entries)
    yield replace(b, values={**b.values, "count": str(count), "crls": str(crls)})
