"""A failed URL is a root cause only when nothing served instead: generated over every shape of
N URLs of one kind with k failed, the element's status shown clean, shown with the consequence
or not shown, and the other kind (OCSP for a CRL, a CRL for OCSP) answering or not."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from certtriage import analyze_text
from certtriage.models.common import ChainElement, Span, UrlCheck
from certtriage.parsers.certutil_verify.alternatives import served_otherwise
from certtriage.parsers.certutil_verify.binding import START
from certtriage.parsers.certutil_verify.model import CertutilVerify
from certtriage.parsers.certutil_verify.parser import parse
from certtriage.parsers.certutil_verify.retrieval import host_of, is_ldap, tally, where

ISSUER = "CN=Contoso Issuing CA 07, O=Contoso Ltd, C=US"
LEAF = "CN=Avery Lee, O=Contoso Ltd, C=US"
FAILED = "A connection with the server could not be established 0x80072efd (WIN32: 12029)"
#: section title, the Verified object, the error rule, the warning rule, what the status shows
KINDS = {
    "cdp": ("Certificate CDP", 'Base CRL (1a)', "REV001", "REV002", 0x1000040),
    "ocsp": ("Certificate OCSP", "OCSP", "OCS001", "OCS002", 0x1000040),
    "aia": ("Certificate AIA", "Certificate (0)", "AIA001", "AIA002", 0x10000),
}
OTHER = {"cdp": "ocsp", "ocsp": "cdp"}


@dataclass(frozen=True)
class Shape:
    kind: str
    urls: int
    failed: int
    status: str  # "unknown" (no header), "clean", "consequence"
    other_worked: bool = False

    def id(self) -> str:
        other = "+other" if self.other_worked else ""
        return f"{self.kind}-{self.failed}of{self.urls}-{self.status}{other}"


def _section(kind: str, urls: int, failed: int) -> list[str]:
    title, obj = KINDS[kind][0], KINDS[kind][1]
    lines = [f"  ----------------  {title}  ----------------"]
    for i in range(urls):
        url = f"http://pki{i}.contoso.com/{kind}/issuing07"
        if i < failed:
            lines += [f'  Failed "{kind.upper()}" Time: 0',
                      f"    Error retrieving URL: {FAILED}", f"    {url}", ""]
        else:
            lines += [f'  Verified "{obj}" Time: 0', f"    [{i}.0] {url}", ""]
    return lines


def _dump(shape: Shape) -> str:
    body = _section(shape.kind, shape.urls, shape.failed)
    if shape.other_worked:
        body += _section(OTHER[shape.kind], 1, 0)
    if shape.status == "unknown":
        return "\n".join(body) + "\n"
    bits = KINDS[shape.kind][4] if shape.status == "consequence" else 0
    element_bits = bits if shape.kind != "aia" else 0
    chain = [] if not bits else [f"ChainContext.dwErrorStatus = 0x{bits:x}"]
    head = [
        "-------- CERT_CHAIN_CONTEXT --------", *chain, "",
        f"CertContext[0][0]: dwInfoStatus=102 dwErrorStatus={element_bits:x}",
        f"  Issuer: {ISSUER}", f"  Subject: {LEAF}",
    ]
    if element_bits:
        head += [f"  Element.dwErrorStatus = 0x{element_bits:x}"]
    return "\n".join(head + body) + "\n"


def _shapes() -> list[Shape]:
    shapes = []
    for kind in KINDS:
        for urls in range(1, 4):
            for failed in range(urls + 1):
                for status in ("unknown", "clean", "consequence"):
                    shapes.append(Shape(kind, urls, failed, status))
                    if kind in OTHER:
                        shapes.append(Shape(kind, urls, failed, status, other_worked=True))
    return shapes


def _expected(shape: Shape) -> tuple[int, int]:
    """(root-cause findings, warnings) of the kind's two rules."""
    if shape.failed == 0:
        return 0, 0
    served = (shape.failed < shape.urls or shape.other_worked or shape.status == "clean")
    return (0, shape.failed) if served else (shape.failed, 0)


@pytest.mark.parametrize("shape", _shapes(), ids=Shape.id)
def test_a_failed_url_is_a_root_cause_only_when_nothing_served(shape: Shape) -> None:
    result = analyze_text(_dump(shape))
    error_rule, warning_rule = KINDS[shape.kind][2], KINDS[shape.kind][3]
    errors = [f for f in result.findings if f.rule == error_rule]
    warnings = [f for f in result.findings if f.rule == warning_rule]
    assert (len(errors), len(warnings)) == _expected(shape), [f.message for f in result.findings]
    assert all(f.root_cause for f in errors)
    assert not any(f.root_cause for f in warnings)
    if warnings:
        # A warning alone never fails the verdict, and it names how many URLs of the kind fail.
        assert result.verdict != "fail" or any(
            f.root_cause and f.rule != warning_rule for f in result.findings)
        assert "fails" in warnings[0].message or "fail," in warnings[0].message


def _element(*checks: UrlCheck, status: bool = False) -> ChainElement:
    from certtriage.models.common import TrustStatus

    error = TrustStatus(field="error", value=0) if status else None
    return ChainElement(chain_index=0, index=0, subject=LEAF, issuer=ISSUER, error_status=error,
                        url_checks=checks, span=Span(start=1, end=1))


def _check(section: str, status: str, url: str, line: int) -> UrlCheck:
    return UrlCheck(section=section, status=status, status_text=status.title(),  # type: ignore[arg-type]
                    object_kind="cdp", object_text="CDP", url=url, span=Span(start=line, end=line))


def _served(doc: CertutilVerify, element: ChainElement, check: UrlCheck, **kw: object) -> list[str]:
    from dataclasses import replace

    b = replace(START, element=element, index=element.index, check=check)
    return [x.values["otherwise"] for x in served_otherwise(doc, b, **kw)]  # type: ignore[arg-type]


def test_served_otherwise_names_what_served() -> None:
    bad = _check("cdp", "failed", "http://crl.contoso.com/a.crl", 1)
    good = _check("cdp", "verified", "http://pki.contoso.com/a.crl", 2)
    ocsp = _check("ocsp", "verified", "http://ocsp.contoso.com/", 3)
    doc = CertutilVerify(complete=False, line_count=3)
    flags = ["CERT_TRUST_IS_OFFLINE_REVOCATION"]
    assert _served(doc, _element(bad, good), bad, flags=flags) == [
        "the CDP URL http://pki.contoso.com/a.crl worked"]
    # OCSP counts for a CRL only when the rule says so.
    assert _served(doc, _element(bad, ocsp), bad, flags=flags) == []
    assert _served(doc, _element(bad, ocsp), bad, flags=flags, also=["ocsp"]) == [
        "the OCSP URL http://ocsp.contoso.com/ worked"]
    # A status shown without the consequence counts; a status not shown does not.
    assert "shows no CERT_TRUST_IS_OFFLINE_REVOCATION" in _served(
        doc, _element(bad, status=True), bad, flags=flags)[0]
    assert _served(doc, _element(bad), bad, flags=flags) == []


def test_issuer_in_the_chain_serves_a_failed_aia_url() -> None:
    text = "\n".join([
        "ChainContext.dwErrorStatus = CERT_TRUST_IS_PARTIAL_CHAIN (0x10000)", "",
        "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0", f"  Issuer: {ISSUER}",
        f"  Subject: {LEAF}", *_section("aia", 1, 1),
        "CertContext[0][1]: dwInfoStatus=102 dwErrorStatus=0", "  Issuer: CN=Contoso Root",
        f"  Subject: {ISSUER}", ""])
    doc = parse(text)
    leaf = doc.elements[0]
    partial = ["CERT_TRUST_IS_PARTIAL_CHAIN"]
    otherwise = _served(doc, leaf, leaf.url_checks[0], flags=[], chain_flags=partial,
                        issuer_shown=True)
    assert otherwise and "in the chain as element [0][1]" in otherwise[0]
    # The next element is not the issuer when its subject differs from the issuer named.
    other = parse(text.replace(f"  Subject: {ISSUER}", "  Subject: CN=Someone Else"))
    leaf = other.elements[0]
    assert _served(other, leaf, leaf.url_checks[0], flags=[], chain_flags=partial,
                   issuer_shown=True) == []


@pytest.mark.parametrize(("urls", "failed", "words"), [
    (1, 1, "its only CDP URL fails"), (3, 1, "one of its three CDP URLs fails"),
    (3, 2, "two of its three CDP URLs fail"), (2, 2, "both of its CDP URLs fail"), (3, 3, "all three of its CDP URLs fail"),
    (12, 11, "11 of its 12 CDP URLs fail"),
])
def test_tally(urls: int, failed: int, words: str) -> None:
    checks = [_check("cdp", "failed" if i < failed else "verified", f"http://h{i}/", i + 1)
              for i in range(urls)]
    assert tally(_element(*checks), checks[0]) == words


def test_where_a_url_points() -> None:
    assert host_of("http://crl.contoso.com/pki/x.crl") == "crl.contoso.com"
    assert where("http://crl.contoso.com/pki/x.crl") == "host crl.contoso.com"
    ldap = "ldap:///CN=Contoso%20CA,CN=CDP,DC=contoso,DC=com?certificateRevocationList"
    assert is_ldap(ldap) and not is_ldap("http://ldap.contoso.com/")
    assert "Active Directory" in where(ldap) and "not a member" in where(ldap)
    assert "dc01.contoso.com" in where("ldap://dc01.contoso.com/CN=x")
    assert where(None) == "no host name"


def test_rule_arguments_name_real_sections() -> None:
    from certtriage.engine import vocabulary
    from certtriage.knowledge.predicates import check_args

    vocabulary()
    check_args("served_otherwise", {"flags": [], "also": ["ocsp", "cdp"]})
    with pytest.raises(ValueError, match="also"):
        check_args("served_otherwise", {"flags": [], "also": ["crl"]})


def _expired_dump(urls: int, expired: int, status: str) -> str:
    lines = ["  ----------------  Certificate CDP  ----------------"]
    for i in range(urls):
        word = "Expired" if i < expired else "Verified"
        lines += [f'  {word} "Base CRL (1a)" Time: 0', f"    [{i}.0] http://pki{i}.contoso.com/a.crl",
                  ""]
    if status == "unknown":
        return "\n".join(lines) + "\n"
    bits = 0x1000040 if status == "consequence" else 0
    head = [f"CertContext[0][0]: dwInfoStatus=102 dwErrorStatus={bits:x}",
            f"  Issuer: {ISSUER}", f"  Subject: {LEAF}"]
    return "\n".join(head + lines) + "\n"


@pytest.mark.parametrize("status", ["unknown", "clean", "consequence"])
@pytest.mark.parametrize(("urls", "expired"), [(n, k) for n in (1, 2, 3) for k in range(1, n + 1)])
def test_an_expired_crl_is_a_root_cause_only_when_no_current_one_served(
        urls: int, expired: int, status: str) -> None:
    result = analyze_text(_expired_dump(urls, expired, status))
    rules = [f.rule for f in result.findings]
    served = expired < urls or status == "clean"
    assert (rules.count("REV003"), rules.count("REV004")) == (
        (0, expired) if served else (expired, 0)), rules
