"""Predicates over `openssl x509` output (:class:`X509Text`) beyond those of a dumped
certificate (`certutil_store.predicates`, which read it as they read `certutil -dump`).

Values they add for messages: `line` (where the output says it), `cert_subject`, and the
predicate-specific values named in each docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from .model import X509Text


@predicate
def x509_purpose_refused(doc: X509Text, b: Binding, *, purpose: str) -> Iterator[Binding]:
    """Each certificate whose `-purpose` table says No for `purpose` (`SSL client`), when
    the output does not also show its Extended Key Usage (the dump's own rules read that).
    Adds `purpose` as printed."""
    if not isinstance(doc, X509Text):
        return
    for cert in doc.certificates:
        if cert.ekus is not None or cert.is_ca:
            continue
        for said in cert.purposes:
            if said.name.casefold() == purpose.casefold() and not said.allowed:
                subject = cert.subject or "(subject not in the input)"
                yield replace(b, values={**b.values, "line": str(said.line),
                                         "purpose": said.name, "cert_subject": subject})
