"""The engine: root cause versus symptom, verdicts, roles, message filling."""

from __future__ import annotations

from certtriage import analyze_text
from certtriage.engine import verdict
from certtriage.models.common import ChainElement, Span, TrustStatus
from certtriage.models.findings import Finding
from certtriage.parsers.certutil_verify.model import CertutilVerify
from certtriage.parsers.certutil_verify.predicates import role_of


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(rule="X", name="x", cause="c", title="t", severity="error",
                                   message="m")
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def test_verdict_fail_pass_inconclusive() -> None:
    assert verdict([_finding()]) == "fail"
    assert verdict([_finding(cause="ok", severity="info")]) == "pass"
    assert verdict([_finding(severity="warning")]) == "inconclusive"
    assert verdict([]) == "inconclusive"


def test_a_failed_url_alone_decides_nothing_without_chain_status() -> None:
    url_only = [_finding(url="http://crl.contoso.com/a.crl")]
    assert verdict(url_only, outcome_shown=False) == "inconclusive"
    assert verdict(url_only, outcome_shown=True) == "fail"
    assert verdict([*url_only, _finding()], outcome_shown=False) == "fail"


def _element(index: int, self_signed: bool = False) -> ChainElement:
    info = TrustStatus(field="info", value=8 if self_signed else 0,
                       flags=("CERT_TRUST_IS_SELF_SIGNED",) if self_signed else ())
    return ChainElement(chain_index=0, index=index, info_status=info, span=Span(start=1, end=1))


def test_roles() -> None:
    doc = CertutilVerify(complete=True, line_count=1)
    assert role_of(doc, _element(0), 0) == "leaf"
    assert role_of(doc, _element(1), 1) == "subordinate CA"
    assert role_of(doc, _element(2, self_signed=True), 2) == "root CA"
    assert role_of(doc, _element(0, self_signed=True), 0) == "self-signed certificate"
    assert role_of(doc, None, None) is None


OFFLINE = """CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040
  Subject: CN=Noah, DC=contoso, DC=com
  Element.dwErrorStatus = CERT_TRUST_REVOCATION_STATUS_UNKNOWN (0x40)
  Element.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)
  ----------------  Certificate CDP  ----------------
  Failed "CDP" Time: 0
    Error retrieving URL: The server name or address could not be resolved 0x80072ee7 (WIN32: 12007)
    http://corppki/cdp/ca.crl
  --------------------------------
"""


def test_a_failed_cdp_explains_offline_revocation_of_the_same_element() -> None:
    result = analyze_text(OFFLINE)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["REV001"].root_cause and not by_rule["REV001"].explained_by
    assert by_rule["REV010"].explained_by == ("REV001",) and not by_rule["REV010"].root_cause
    assert result.root_causes == ("cdp-unreachable",)
    assert by_rule["REV001"].url == "http://corppki/cdp/ca.crl"
    assert by_rule["REV001"].hresult == "0x80072ee7"
    assert "the leaf certificate [0][0] (CN=Noah" in by_rule["REV001"].message


def test_the_same_fetch_on_another_element_does_not_explain_it() -> None:
    other = OFFLINE.replace("CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040",
                            "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040\n"
                            "CertContext[0][1]: dwInfoStatus=102 dwErrorStatus=0")
    result = analyze_text(other)
    offline = next(f for f in result.findings if f.rule == "REV010")
    assert offline.root_cause and offline.element == 0
