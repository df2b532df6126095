"""CAPI2 Operational events -> chain-validation runs, each expressed as a chain model.

Events of one operation share a CorrelationAuxInfo TaskId. Event 11 gives the chain and the
trust status of every element; event 53 gives each URL retrieval and its result; events 30
and 41 give the policy and revocation results. Expressed as a :class:`CertutilVerify`, a run
is diagnosed by the same rules, with the same cause ids, as certutil output.
"""

from __future__ import annotations

from collections import defaultdict

from ...knowledge.codes import code_tables
from ...models.common import (
    ChainElement,
    ChainSummary,
    HResult,
    Policy,
    RetrievalError,
    Span,
    UrlCheck,
)
from .._values import decode_status
from ..certutil_verify.model import CertutilVerify, Trailer
from .event import Capi2Detail, Capi2Run, Event, RunOutcome

_SECTIONS = {"CONTEXT_OID_CRL": "cdp", "CONTEXT_OID_CERTIFICATE": "aia",
             "CONTEXT_OID_OCSP_RESP": "ocsp", "CONTEXT_OID_CAPI2_ANY": "unknown"}
_OBJECTS = {"cdp": "base_crl", "aia": "certificate", "ocsp": "ocsp", "unknown": "unknown"}


def _hresult(value: int, text: str, line: int) -> HResult:
    return code_tables().hresult(value, line, message=text.strip().rstrip(".") or None)


def group_runs(events: list[Event]) -> list[Capi2Run]:
    """Group CAPI2 events by TaskId, in order of first appearance; runs without a chain build
    (event 11) are left out. A chain build exported alone, without its correlation, is a run
    of its own."""
    by_task: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.capi2 is not None and event.capi2.task_id:
            by_task[event.capi2.task_id].append(event)
        elif event.capi2 is not None and event.event_id == 11 and event.capi2.elements:
            by_task[f"line {_line(event)}"].append(event)
    runs = []
    for task_id, members in by_task.items():
        members.sort(key=lambda e: (e.capi2.seq or 0) if e.capi2 else 0)
        if any(e.event_id == 11 for e in members):
            runs.append(_run(task_id, members))
    return runs


def _line(event: Event) -> int:
    return event.span.start if event.span else (event.record_id or 0)


def _run(task_id: str, members: list[Event]) -> Capi2Run:
    build = next(e for e in members if e.event_id == 11)
    detail = build.capi2
    assert detail is not None
    if detail.chain_error is None and detail.elements:
        # a chain pasted without its own trust status (its elements alone): the chain's
        # errors are those of its elements
        chain_error = 0
        for element in detail.elements:
            chain_error |= element.error_status
        detail = detail.model_copy(update={"chain_error": chain_error})
    line = _line(build)
    elements = [_element(i, e, line) for i, e in enumerate(detail.elements)]
    subject_index = {e.subject: i for i, e in enumerate(elements) if e.subject}
    url_index = {el.crl_url: i for i, el in enumerate(detail.elements) if el.crl_url}
    checks: dict[int, list[UrlCheck]] = defaultdict(list)
    errors: list[HResult] = []
    for event in members:
        info = event.capi2
        if info is None:
            continue
        if event.event_id == 41 and info.url and info.subject in subject_index:
            url_index.setdefault(info.url, subject_index[info.subject])
        if event.event_id in (30, 41) and info.result:
            errors.append(_hresult(info.result, info.result_text, _line(event)))
    for event in members:
        info = event.capi2
        if event.event_id == 53 and info is not None and info.url:
            target = url_index.get(info.url, _fallback(elements, info))
            checks[target].append(_check(info, _line(event)))
    chain_elements = tuple(
        e.model_copy(update={"url_checks": tuple(checks.get(i, ()))})
        for i, e in enumerate(elements))
    summary = ChainSummary(
        scope="chain_context", line=line,
        error_status=decode_status("error", detail.chain_error or 0),
        info_status=decode_status("info", detail.chain_info or 0),
    )
    policies = [e.capi2 for e in members if e.event_id == 30 and e.capi2]
    policy = next((p for p in policies if p.result), policies[0] if policies else None)
    trailer = Trailer(policy_accepted=None if policy is None else not policy.result,
                      policy=policy.policy if policy else None)
    chain = CertutilVerify(
        variant="capi2", chain=(summary,), elements=chain_elements, trailer=trailer,
        errors=tuple(dict((h.hex, h) for h in errors).values()),
        complete=True, line_count=len(members),
    )
    auth_type = next((p.auth_type for p in policies if p.auth_type), None)
    return Capi2Run(task_id=task_id, event_ids=tuple(e.event_id for e in members),
                    process=detail.process, auth_type=auth_type, subject=detail.subject,
                    chain=chain,
                    time=build.time, outcome=_outcome(policy, detail),
                    error=_error(policy, errors, detail))


def _outcome(policy: Capi2Detail | None, build: Capi2Detail) -> RunOutcome:
    if policy is not None:
        return "rejected" if policy.result else "accepted"
    return "chain errors" if build.chain_error else "built"


def _error(policy: Capi2Detail | None, errors: list[HResult], build: Capi2Detail) -> str | None:
    """The code that decided the run: its policy's result, else a revocation or retrieval
    error, else the chain's error status."""
    if policy is not None and policy.result:
        return f"0x{policy.result:08x}"
    if errors:
        return errors[0].hex
    flags = decode_status("error", build.chain_error or 0).flags
    return ", ".join(f.removeprefix("CERT_TRUST_") for f in flags) or None


def _fallback(elements: list[ChainElement], info: Capi2Detail) -> int:
    """A retrieval whose URL no element names: the element with a revocation error, else the
    leaf."""
    for index, element in enumerate(elements):
        flags = element.error_status.flags if element.error_status else ()
        if "CERT_TRUST_IS_OFFLINE_REVOCATION" in flags:
            return index
    return 0


def _element(index: int, element: object, line: int) -> ChainElement:
    from .event import Capi2Element

    assert isinstance(element, Capi2Element)
    return ChainElement(
        chain_index=0, index=index, subject=element.subject, thumbprint=element.thumbprint,
        error_status=decode_status("error", element.error_status),
        info_status=decode_status("info", element.info_status),
        policies=tuple(Policy(kind="application", index=i, oid=oid, line=line)
                       for i, oid in enumerate(element.application_oids) if oid),
        span=Span(start=line, end=line),
    )


def _check(info: Capi2Detail, line: int) -> UrlCheck:
    section = _SECTIONS.get(info.object_type or "", "unknown")
    failed = bool(info.result)
    error = None
    if failed and info.result is not None:
        hresult = _hresult(info.result, info.result_text, line)
        error = RetrievalError(message=hresult.message, hresult=hresult,
                               win32=info.result & 0xFFFF if info.result >> 16 == 0x8007
                               else None)
    return UrlCheck(
        section=section,
        status="failed" if failed else "verified", status_text="Failed" if failed else "Verified",
        object_kind=_OBJECTS[section],
        object_text=info.object_type or "", url=info.url, error=error,
        span=Span(start=line, end=line),
    )
