"""Predicates over `openssl verify` output (:class:`VerifyOutput`).

Values they add for messages: `line`, `file`, `error_code`, `error_text`, `depth`,
`subject_note`, `counterpart` (the CryptoAPI code of the same check, in words), `purpose`
(`-purpose sslserver`, or that none was given).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.codes import code_tables
from ...knowledge.openssl_errors import PURPOSE_BOUND, X509_V_ERRORS
from ...knowledge.predicates import Binding, predicate
from .model import VerifyOutput


@predicate
def verify_failed(doc: VerifyOutput, b: Binding, *, client: bool) -> Iterator[Binding]:
    """Each file whose check failed, at the first error OpenSSL stopped at, when the check
    was (`client`) or was not for a TLS client's use (`-purpose sslclient`). Binds the
    CryptoAPI code of the same check, when there is one (26, the purpose, only for a
    client's)."""
    if not isinstance(doc, VerifyOutput) or doc.client_purpose() != client:
        return
    for result in doc.results:
        if not result.errors:
            continue
        error = result.errors[0]
        name, code = X509_V_ERRORS.get(error.code, (None, None))
        if error.code in PURPOSE_BOUND and not client:
            code = None
        hresult = code_tables().hresult(int(code, 16), error.line) if code else None
        counterpart = (f"the check CryptoAPI reports as {hresult.symbol} ({hresult.hex})"
                       if hresult is not None and hresult.symbol else
                       "a check with no CryptoAPI counterpart of its own")
        subject = f" ({error.subject})" if error.subject else ""
        yield replace(b, hresult=hresult, values={
            **b.values, "line": str(error.line), "file": result.file or "the certificate",
            "error_code": str(error.code), "error_text": error.text or (name or ""),
            "depth": str(error.depth), "subject_note": subject, "counterpart": counterpart,
            "purpose": _purpose(doc)})


@predicate
def verify_passed(doc: VerifyOutput, b: Binding) -> Iterator[Binding]:
    """Each file OpenSSL verified (`FILE: OK`), when no file of the output failed. Adds
    `chain_note` (how many certificates `-show_chain` listed)."""
    if not isinstance(doc, VerifyOutput) or any(r.ok is not True for r in doc.results):
        return
    for result in doc.results:
        note = (f", along a chain of {len(result.chain)} certificates" if result.chain else "")
        yield replace(b, values={**b.values, "line": str(result.line),
                                 "file": result.file or "the certificate", "chain_note": note,
                                 "purpose": _purpose(doc)})


def _purpose(doc: VerifyOutput) -> str:
    return f"`-purpose {doc.purpose}`" if doc.purpose else "no `-purpose` given"
