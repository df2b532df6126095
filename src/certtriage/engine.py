"""Rulebook x parsed evidence -> findings -> a diagnosis (root causes, symptoms, verdict)."""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator
from typing import Any

from .knowledge.predicates import Binding, all_hresults, predicate_fn
from .knowledge.rulebook import Rulebook
from .knowledge.schema import Condition, Rule
from .models.common import ChainElement, Span
from .models.findings import SEVERITY_RANK, Finding, Verdict
from .parsers.certutil_verify.model import CertutilVerify
from .parsers.events.model import EventLog

_SECTION_TITLES = {
    "aia": "Certificate AIA", "cdp": "Certificate CDP", "base_crl_cdp": "Base CRL CDP",
    "ocsp": "Certificate OCSP", "unknown": "retrieval",
}


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _matches(doc: CertutilVerify | EventLog, rule: Rule) -> Iterator[Binding]:
    bindings = [Binding()]
    for condition in rule.when:
        fn = predicate_fn(condition.predicate)
        bindings = [nb for b in bindings for nb in fn(doc, b, **condition.args)]
        if not bindings:
            return
    seen: set[tuple[Any, ...]] = set()
    for binding in bindings:
        if any(_holds(doc, binding, c) for c in rule.unless):
            continue
        if binding.key() not in seen:
            seen.add(binding.key())
            yield binding


def _holds(doc: CertutilVerify | EventLog, binding: Binding, condition: Condition) -> bool:
    return any(True for _ in predicate_fn(condition.predicate)(doc, binding, **condition.args))


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


def _who(role: str | None, element: ChainElement | None, index: int | None,
         subject: str | None) -> str:
    """`the subordinate CA [0][1] (CN=...)`, or a plain phrase when the position is unknown."""
    if index is None:
        base = "a certificate of the chain (its CertContext header is not in the input)"
        return f"{base[:-1]}, {subject})" if subject else base
    chain = element.chain_index if element is not None and element.chain_index else 0
    label = {"leaf": "the leaf certificate"}.get(role or "", f"the {role or 'certificate'}")
    return f"{label} [{chain}][{index}]" + (f" ({subject})" if subject else "")


def _finding(doc: CertutilVerify | EventLog, rule: Rule, b: Binding,
             substatus_of: dict[str, tuple[str, ...]] | None = None) -> Finding:
    element = b.element
    role = role_of(doc, element, b.index) if isinstance(doc, CertutilVerify) else None
    check = b.check
    echo = doc.echo if isinstance(doc, CertutilVerify) else None
    subject = (element.subject if element is not None else None) or (
        echo.subject if echo is not None and b.index == 0 else None)
    fill = _Fill(
        who=_who(role, element, b.index, subject),
        index=str(b.index) if b.index is not None else "?",
        subject=subject or "(subject not in the input)",
        role=role or "certificate",
        role_note=rule.role_notes.get(role, "") if role else "",  # type: ignore[call-overload]
        url=check.url or "(URL not in the input)" if check else "",
        section=_SECTION_TITLES[check.section] if check else "",
        status=check.status_text if check else "",
        object=check.object_text if check else "",
        not_after=(element.not_after or "not printed") if element else "not printed",
        error=check.error.message if check and check.error else "",
        hresult=b.hresult.hex if b.hresult else "",
        symbol=(b.hresult.symbol or "") if b.hresult else "",
        flag=b.flag or "",
        reason=_reason(doc),
        **_event_fill(b),
    )
    fill.update(b.values)  # what the rule's own predicates bound wins over the defaults
    message = " ".join(string.Formatter().vformat(rule.message, (), fill).split())
    if rule.message.startswith("{who}"):
        message = message[:1].upper() + message[1:]
    spans = []
    if check is not None:
        spans.append(check.span)
    elif element is not None:
        spans.append(element.span)
    if b.hresult is not None and b.hresult.line:
        spans.append(Span(start=b.hresult.line, end=b.hresult.line))
    if b.event is not None and b.event.span is not None:
        spans.append(b.event.span)
    cause = rule.cause
    if b.event is not None and b.event.alert_code is not None:
        cause = rule.cause_by_alert.get(str(b.event.alert_code), cause)
    codes = [b.hresult.hex] if b.hresult else list(b.event.codes) if b.event else []
    cause = next((rule.cause_by_code[c] for c in codes if c in rule.cause_by_code), cause)
    event = b.event
    iis = rule.iis_substatus
    if cause != rule.cause and iis and substatus_of and cause in substatus_of:
        iis = substatus_of[cause]  # a cause named by the code: its own 403.x
    return Finding(
        rule=rule.code, name=rule.name, cause=cause, title=rule.title,
        event_id=event.event_id if event else None, time=event.time if event else None,
        context=b.values.get("context"),
        alert_code=event.alert_code if event else None,
        severity=rule.severity, iis_substatus=iis,
        element=b.index, role=role,
        subject=subject,
        url=check.url if check else b.values.get("url"),
        hresult=b.hresult.hex if b.hresult else None,
        message=message, why=rule.why.strip(), remediation=rule.fix,
        references=rule.references, evidence=tuple(spans),
    )


def _event_fill(b: Binding) -> dict[str, str]:
    event = b.event
    if event is None:
        return {}
    codes = ", ".join(event.codes)
    named = []
    for code in event.codes:
        from .knowledge.codes import code_tables

        known = code_tables().lookup(code)
        named.append(f"{code} ({known.symbol})" if known else code)
    return {
        "event_id": str(event.event_id), "provider": event.provider,
        "time": event.time or "(time not shown)", "computer": event.computer or "this server",
        "alert": str(event.alert_code) if event.alert_code is not None else "?",
        "alert_name": event.alert_name or "an unassigned alert",
        "error_state": str(event.error_state) if event.error_state is not None else "not shown",
        "codes": codes or "no code", "code_names": ", ".join(named) or "no code",
        "event_message": " ".join(event.message.split())[:300],
    }


def _reason(doc: CertutilVerify | EventLog) -> str:
    if not isinstance(doc, CertutilVerify):
        return ""
    code = doc.trailer.leaf_revoked_reason
    if code is None:
        return "not printed"
    from .knowledge.codes import code_tables

    name = code_tables().crl_reason(code)
    return f"{code} ({name})" if name else str(code)


def evaluate(doc: Any, rulebook: Rulebook, kind: str) -> list[Finding]:
    """Every finding of every applicable rule, linked into root causes and symptoms."""
    findings: list[Finding] = []
    substatus_of: dict[str, tuple[str, ...]] = {}
    for rule in rulebook.rules:
        if rule.iis_substatus and "certutil-verify" in rule.applies_to:
            substatus_of.setdefault(rule.cause, rule.iis_substatus)
    for rule in rulebook.rules:
        if kind not in rule.applies_to:
            continue
        try:
            findings.extend(_finding(doc, rule, b, substatus_of) for b in _matches(doc, rule))
        except Exception as exc:  # a broken rule must not lose the rest of the diagnosis
            findings.append(Finding(
                rule=rule.code, name=rule.name, cause="rule-error", title=rule.title,
                severity="warning", message=f"rule {rule.code} could not be evaluated: {exc!r}",
            ))
    return _link(findings, rulebook)


def _related(cause: Finding, symptom: Finding) -> bool:
    return cause.element is None or symptom.element is None or cause.element == symptom.element


def _link(findings: list[Finding], rulebook: Rulebook) -> list[Finding]:
    explains = rulebook.explains
    linked = []
    for f in findings:
        by = tuple(sorted({
            c.rule for c in findings
            if c is not f and f.rule in explains.get(c.rule, ()) and c.severity == "error"
            and _related(c, f)
        }))
        root = f.severity == "error" and not by
        linked.append(f.model_copy(update={"explained_by": by, "root_cause": root}))
    if not any(f.root_cause for f in linked):
        linked = [f.model_copy(update={"root_cause": True}) if f.cause == "ok" else f
                  for f in linked]
    return sorted(linked, key=lambda f: (
        not f.root_cause, -SEVERITY_RANK[f.severity],
        f.element if f.element is not None else 99, f.rule,
    ))


def verdict(findings: list[Finding], chain_known: bool = True) -> Verdict:
    """fail on decisive error findings; pass when the chain was seen clean; else inconclusive.

    A failed URL fetch alone decides nothing when the input does not show the chain status
    (the paste may have cut off a URL that worked): the verdict is then inconclusive, with the
    failed fetch still reported as the likely root cause.
    """
    errors = [f for f in findings if f.severity == "error"]
    if any(chain_known or f.url is None for f in errors):
        return "fail"
    if errors:
        return "inconclusive"
    if any(f.cause == "ok" for f in findings):
        return "pass"
    return "inconclusive"


def worst_verdict(verdicts: Iterable[Verdict | None]) -> Verdict:
    """Several verdicts as one: fail if any fails, pass if every one given passes (inputs
    without a verdict, such as unrecognised files, do not count), else inconclusive."""
    given = {v for v in verdicts if v is not None}
    if "fail" in given:
        return "fail"
    return "pass" if given == {"pass"} else "inconclusive"


def hresults(doc: CertutilVerify) -> tuple[str, ...]:
    """Every error code in the input, in order of appearance."""
    return tuple(h.hex for h in all_hresults(doc))
