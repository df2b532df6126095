"""What a certutil rule matches (:class:`ChainBinding`), and what a document shows that several
predicates ask: its error codes, its leaf, whether its chain status and outcome are known, and
whether any line reports a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..._cache import last
from ...knowledge.predicates import Binding, Facts, describe_element
from ...models.common import URL_SECTIONS, ChainElement, HResult, UrlCheck
from .model import CertutilVerify
from .retrieval import host_of, tally, where
from .state import span


@dataclass(frozen=True)
class ChainBinding(Binding):
    """A match in a chain: an element (`index` is its position; None when the input does not
    show it), a -urlfetch retrieval, an error code and the trust flag that matched."""

    check: UrlCheck | None = None
    flag: str | None = None

    def key(self) -> tuple[Any, ...]:
        """The element, the retrieval (URL and line), the error code and the values."""
        return (
            self.index,
            id(self.element) if self.index is None else None,
            self.check.url if self.check else None,
            self.check.span.start if self.check else None,
            self.hresult.hex if self.hresult else None,
            None,
            tuple(sorted(self.values.items())),
        )

    def facts(self, doc: Any) -> Facts:
        """The element's role and name, the retrieval's section, status and URL, the code."""
        element, check = self.element, self.check
        role = role_of(doc, element, self.index) if isinstance(doc, CertutilVerify) else None
        echo = doc.echo if isinstance(doc, CertutilVerify) else None
        subject = (element.subject if element is not None else None) or (
            echo.subject if echo is not None and self.index == 0 else None)
        fill = {
            "who": describe_element(role, element, self.index, subject),
            "index": str(self.index) if self.index is not None else "?",
            "subject": subject or "subject not in the input",
            "role": role or "certificate",
            "url": check.url or "(URL not in the input)" if check else "",
            "section": URL_SECTIONS[check.section][0] if check else "",
            "status": check.status_text if check else "",
            "object": check.object_text if check else "",
            "not_after": (element.not_after or "not printed") if element else "not printed",
            "error": check.error.message if check and check.error else "",
            "tally": tally(element, check) if check else "",
            "host": host_of(check.url) if check else "",
            "where": where(check.url) if check else "",
            "hresult": self.hresult.hex if self.hresult else "",
            "symbol": (self.hresult.symbol or "") if self.hresult else "",
            "flag": self.flag or "",
            "reason": _reason(doc) if isinstance(doc, CertutilVerify) else "",
            "ran_note": _RAN_NOTE if isinstance(doc, CertutilVerify)
            and doc.trailer.completed == "success" else "",
            **self.values,
        }
        spans = []
        if check is not None:
            spans.append(check.span)
        elif element is not None:
            spans.append(element.span)
        if self.hresult is not None and self.hresult.line:
            spans.append(span(self.hresult.line, self.hresult.line))
        return Facts(
            fill=fill, element=self.index, role=role, subject=subject,
            url=check.url if check else self.values.get("url"),
            hresult=self.hresult.hex if self.hresult else None,
            context=self.values.get("context") or (
                doc.label if isinstance(doc, CertutilVerify) else None),
            spans=tuple(spans),
            codes=(self.hresult.hex,) if self.hresult else (),
        )


#: The binding certutil rules start from.
START = ChainBinding()


def role_of(doc: CertutilVerify, element: ChainElement | None, index: int | None) -> str | None:
    """leaf, subordinate CA, root CA or self-signed certificate (None when unknown)."""
    self_signed = element is not None and element.info_status is not None and (
        "CERT_TRUST_IS_SELF_SIGNED" in element.info_status.flags
    )
    if self_signed:
        return "root CA" if index != 0 or doc.trailer.cert_kind == "ca" else (
            "self-signed certificate")
    if index == 0:
        return "leaf"
    if index is not None:
        return "subordinate CA"
    return None


#: What certutil's final line says, for a failure it printed it after.
_RAN_NOTE = (' certutil still ends with "completed successfully": that line only means the '
             "command ran.")


def _reason(doc: CertutilVerify) -> str:
    code = doc.trailer.leaf_revoked_reason
    if code is None:
        return "not printed"
    from ...knowledge.codes import code_tables

    name = code_tables().crl_reason(code)
    return f"{code} ({name})" if name else str(code)


# ---- facts about a document ---------------------------------------------------------------
@last
def all_hresults(doc: CertutilVerify) -> list[HResult]:
    """Every error code in the document, in line order, first occurrence of each code.

    Rules ask this once per binding, and it reads every element: the answer for the document
    being evaluated is kept, so the work stays linear in the number of elements."""
    return doc.all_hresults()


def leaf_evidence(doc: CertutilVerify) -> bool:
    """Whether the trailer speaks about the leaf (revoked / revocation error on the leaf).

    `Certificate is REVOKED` alone does not: it reports a revoked certificate anywhere in the
    chain."""
    t = doc.trailer
    return t.leaf_revoked or t.leaf_revocation_error is not None or t.leaf_revocation_unchecked


def leaf(doc: CertutilVerify) -> ChainElement | None:
    """Element 0, else a lone headless element the trailer attributes to the leaf, else the echo."""
    for element in doc.elements:
        if element.index == 0:
            return element
    headless = [e for e in doc.elements if e.index is None]
    if len(headless) == 1 and len(doc.elements) == 1 and leaf_evidence(doc):
        return headless[0]
    return doc.echo


def chain_status_is_known(doc: CertutilVerify) -> bool:
    """Whether the input shows the chain's status at all."""
    return (
        any(s.error_status is not None or s.info_status is not None for s in doc.chain)
        or any(e.error_status is not None for e in doc.elements)
        or doc.trailer.scinfo_chain_status is not None
    )


def chain_shown_whole(doc: CertutilVerify) -> bool:
    """Whether the status shown covers the whole chain: the chain's own (ChainContext,
    SimpleChain, `-scinfo`), or each element's from the leaf on (`CertContext[i][0]`, then
    [i][1] ... with none left out). A paste that starts at a CA's element, or skips one, shows
    the status of what it holds only: the absence of an error in it proves nothing."""
    if (any(s.error_status is not None or s.info_status is not None for s in doc.chain)
            or doc.trailer.scinfo_chain_status is not None):
        return True
    shown: dict[int | None, list[int | None]] = {}
    for element in doc.elements:
        if element.error_status is not None:
            shown.setdefault(element.chain_index, []).append(element.index)
    return bool(shown) and all(indexes == list(range(len(indexes)))
                               for indexes in shown.values())


def error_bits(doc: CertutilVerify) -> bool:
    """Whether any status in the document carries an error bit."""
    chain = doc.chain_error
    if chain is not None and chain.value:
        return True
    if doc.trailer.scinfo_chain_status:
        return True
    return any(e.error_status is not None and e.error_status.value for e in doc.elements)


#: Verdict lines that report a failure, by their trailer attribute.
FAILURE_VERDICTS = (
    "missing_issuer", "incomplete_chain", "untrusted_root", "certificate_revoked",
    "leaf_revoked", "leaf_revocation_unchecked", "expired_certificate", "skipped_offline",
    "skipped_no_info",
)


def verdict_shown(doc: CertutilVerify) -> bool:
    """Whether certutil's verdict or error lines are in the input: an error line, the leaf's
    revocation check passed or failed, -scinfo's chain verdict, or another reported failure."""
    t = doc.trailer
    return (bool(doc.errors) or t.leaf_revocation_passed or t.scinfo_chain is not None
            or failure_reported(doc))


def failure_reported(doc: CertutilVerify, *, logon: bool = True) -> bool:
    """Whether a verdict or error line reports a failure: a failure verdict, the leaf's
    revocation error, certutil's `-verify command FAILED` line (the FAILED line of -scinfo or
    -dcinfo is about the whole command), a failed -scinfo chain (with `logon`, also under
    the smart-card logon policy, which a card certificate can fail while its chain validates)
    or a failed two-argument check."""
    t = doc.trailer
    command_failed = t.failed_hresult is not None and (t.verb or "verify").casefold() == "verify"
    return (
        any(getattr(t, name) for name in FAILURE_VERDICTS)
        or t.leaf_revocation_error is not None or command_failed
        or t.scinfo_chain == "invalid" or (logon and t.scinfo_logon_chain == "invalid")
        or (doc.pair is not None and (doc.pair.verifies is False or bool(doc.pair.failed)))
    )
