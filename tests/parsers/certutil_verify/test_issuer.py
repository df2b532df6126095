"""The missing issuer named, where to get it, and self-issued (not self-signed) elements."""

from __future__ import annotations

import itertools

import pytest

from certtriage import analyze_path
from certtriage.models.common import ChainElement, Span, TrustStatus, UrlCheck
from certtriage.parsers.certutil_verify.issuer import issuer_source, same_name, self_issued

from ...conftest import FIXTURES

ROOT = "CN=Northwind Traders Root CA, DC=northwindtraders, DC=com"


def _element(issuer: str, subject: str, self_signed: bool | None,
             *checks: UrlCheck) -> ChainElement:
    info = None
    if self_signed is not None:
        flags = ("CERT_TRUST_IS_SELF_SIGNED",) if self_signed else ()
        info = TrustStatus(field="info", value=8 if self_signed else 0, flags=flags)
    return ChainElement(chain_index=0, index=1, issuer=issuer, subject=subject, info_status=info,
                        url_checks=checks, span=Span(start=1, end=1))


@pytest.mark.parametrize(("spacing", "case", "self_signed", "same"), list(itertools.product(
    [", ", ","], [str, str.upper], [None, False, True], [True, False])))
def test_self_issued_is_same_name_without_self_signed(
        spacing: str, case: object, self_signed: bool | None, same: bool) -> None:
    subject = case(ROOT.replace(", ", spacing))  # type: ignore[operator]
    issuer = ROOT if same else "CN=Northwind Policy CA, DC=northwindtraders, DC=com"
    assert same_name(issuer, subject) == same
    assert self_issued(_element(issuer, subject, self_signed)) == (same and not self_signed)


def _aia(status: str, url: str | None) -> UrlCheck:
    return UrlCheck(section="aia", status=status, status_text=status.title(),  # type: ignore[arg-type]
                    object_kind="aia", object_text="AIA", url=url, span=Span(start=2, end=2))


def test_issuer_source_names_the_aia_urls_and_how_they_went() -> None:
    url = "http://pki.northwindtraders.com/aia/root.crt"
    failed = issuer_source(_element(ROOT, "CN=x", None, _aia("failed", url)))
    assert url in failed and "failed" in failed and "where the URL answers" in failed
    verified = issuer_source(_element(ROOT, "CN=x", None, _aia("verified", url)))
    assert url in verified and "where the URL answers" not in verified
    assert "names no AIA URL" in issuer_source(_element(ROOT, "CN=x", None, _aia("no_urls", None)))
    assert "is in the input" in issuer_source(_element(ROOT, "CN=x", None))
    assert "-urlfetch" in issuer_source(None)


def test_partial_chain_names_the_issuer_and_says_self_issued() -> None:
    result = analyze_path(FIXTURES / "certutil/partial-chain/renewed-root-self-issued.txt")
    (finding,) = [f for f in result.findings if f.rule == "CHN002"]
    assert f"its issuer {ROOT}" in finding.message
    assert "not self-signed" in finding.message and "names no AIA URL" in finding.message
    other = analyze_path(FIXTURES / "certutil/partial-chain/missing-intermediate-aia-unreachable.txt")
    (finding,) = [f for f in other.findings if f.rule == "CHN002"]
    assert "CN=Contoso Partner Issuing CA" in finding.message
    assert "http://corppki/aia/Contoso%20Partner%20Issuing%20CA.crt" in finding.message
    assert "not self-signed" not in finding.message
