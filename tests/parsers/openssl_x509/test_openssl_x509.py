"""`openssl x509` output: a certificate as OpenSSL prints it, read as a dump of it.

Each fixture gets its findings in every shape a post brings it in (quoted, fenced, its
indentation lost, copied as HTML, between the sentences of a mail, with OpenSSL 1.0's names);
the parser's fields match what the certificate holds; a PEM block printed after the text
leaves the input to the certificate file reader, unless it was cut short."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_bytes, analyze_text
from certtriage.parsers.openssl_x509 import sniff
from certtriage.parsers.openssl_x509.parser import parse

from ...conftest import FIXTURES

X509 = FIXTURES / "openssl-x509"
OUTPUTS = sorted(X509.glob("*.txt"))

#: file -> (root causes, causes to check, rules)
EXPECTED = {
    "x509-text-server-auth-only.txt": ((), ("missing-client-auth-eku",), ["STO009"]),
    "x509-text-client-auth.txt": ((), (), []),
    "x509-text-expired.txt": ((), ("not-time-valid",), ["STO010"]),
    "x509-purpose-server-auth-only.txt": ((), ("missing-client-auth-eku",), ["OSX001"]),
}


#: The rules a certificate's output is read by (the log beside it in a mail has its own).
_OWN_RULES = {"STO009", "STO010", "OSX001"}


def _old_names(text: str) -> str:
    """Names as OpenSSL 1.0 prints them: `Issuer: C=US, O=Fabrikam Inc, CN=x`."""
    return re.sub(r" = ", "=", text)


SHAPES: dict[str, Callable[[str], str]] = {
    "plain": lambda t: t,
    "quoted": lambda t: "\n".join(f"> {line}" for line in t.split("\n")),
    "flush left": lambda t: "\n".join(line.strip() for line in t.split("\n")),
    "fenced in a post": lambda t: f"Here is the certificate:\n\n```\n{t}```\n\nAny idea?\n",
    "in a mail": lambda t: ("Hi team,\n\nthe partner's login fails since Monday. This is the "
                            f"certificate they use:\n\n{t}\nRegards,\nAvery\n"),
    "in a mail with a log": lambda t: (
        "Hi team,\n\nIIS logs this for the partner:\n\n2026-11-30 08:14:02 10.0.0.5 GET "
        "/api/orders - 443 - 203.0.113.7 - - 403 7 0 12\n\nand their certificate is:\n\n"
        f"{t}\nRegards,\nAvery\n"),
    "as HTML": lambda t: "<p>The certificate:</p><pre>" + html.escape(t) + "</pre>",
    "windows line ends": lambda t: t.replace("\n", "\r\n"),
    "openssl 1.0 names": _old_names,
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in OUTPUTS} == set(EXPECTED)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.name)
def test_every_shape_gets_the_fixtures_findings(path: Path, shape: str) -> None:
    roots, checks, rules = EXPECTED[path.name]
    text = SHAPES[shape](path.read_text(encoding="utf-8"))
    result = analyze_text(text, path.name)
    found = [f.rule for f in result.findings if f.rule in _OWN_RULES]
    if shape == "in a mail with a log":  # the log is the input; the certificate a piece of it
        assert result.kind == "iis-w3c-log"
        assert "openssl-x509" in [p.kind for p in result.pieces]
    else:
        assert result.kind == "openssl-x509", result.warnings
        assert result.root_causes == roots
        assert {f.cause for f in result.findings} == set(checks)
    assert sorted(found) == sorted(rules)


def test_the_parser_reads_what_the_certificate_holds() -> None:
    out = parse((X509 / "x509-text-client-auth.txt").read_text(encoding="utf-8"))
    assert out.command == "openssl x509 -in bruno.crt -noout -fingerprint -text" and out.dump
    (cert,) = out.certificates
    assert cert.subject == "C=US, O=Fabrikam Inc, OU=Field Sales, CN=Bruno Costa"
    assert cert.issuer == "C=US, O=Fabrikam Inc, CN=Fabrikam Issuing CA 2"
    assert cert.serial == "3a0000001a9e77c2b1f0d3e8"
    assert cert.thumbprint is not None and re.fullmatch(r"[0-9a-f]{40}", cert.thumbprint)
    assert (cert.not_before, cert.not_after) == ("May 11 14:30:00 2026 GMT",
                                                 "May 11 14:30:00 2027 GMT")
    assert cert.not_after_at is not None and cert.not_after_at.year == 2027
    assert [(e.oid, e.name) for e in cert.ekus or ()] == [
        ("1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication"),
        ("1.3.6.1.5.5.7.3.4", "E-mail Protection")]
    assert cert.key_usage == ("Digital Signature", "Key Encipherment")
    assert cert.is_ca is False and cert.self_signed is False
    assert cert.cdp_urls == ("http://pki.fabrikam.com/crl/Fabrikam%20Issuing%20CA%202.crl",)
    assert cert.aia_urls == ("http://pki.fabrikam.com/aia/Fabrikam%20Issuing%20CA%202.crt",)
    assert cert.ocsp_urls == ("http://ocsp.fabrikam.com/ocsp",)
    assert cert.signature_algorithm == "sha256WithRSAEncryption"
    assert out.unparsed == ()


def test_the_one_line_options_and_the_purpose_table_are_read() -> None:
    out = parse((X509 / "x509-purpose-server-auth-only.txt").read_text(encoding="utf-8"))
    (cert,) = out.certificates
    assert cert.subject is not None and cert.subject.endswith("CN=Ana Pereira")
    assert cert.not_after == "Mar  2 09:00:00 2027 GMT" and cert.ekus is None
    assert ("SSL client", False) in [(p.name, p.allowed) for p in cert.purposes]
    assert ("SSL server", True) in [(p.name, p.allowed) for p in cert.purposes]


def test_an_extended_key_usage_openssl_has_no_name_for_is_its_oid() -> None:
    out = parse("X509v3 extensions:\n    X509v3 Extended Key Usage:\n"
                "        1.3.6.1.4.1.311.20.2.2, TLS Web Client Authentication, Frobnicate\n"
                "    X509v3 Basic Constraints: critical\n        CA:TRUE, pathlen:0\n")
    (cert,) = out.certificates
    assert [e.oid for e in cert.ekus or ()] == ["1.3.6.1.4.1.311.20.2.2", "1.3.6.1.5.5.7.3.2",
                                                "Frobnicate"]
    assert cert.is_ca is True


def test_prose_after_the_printout_is_not_taken_for_its_last_value() -> None:
    text = (X509 / "x509-text-server-auth-only.txt").read_text(encoding="utf-8")
    out = parse(text + "\nAny idea why the browser does not offer it?\n")
    assert [u.line for u in out.unparsed] == [len(text.splitlines()) + 2]


def test_a_complete_pem_block_after_the_text_is_a_certificate_file() -> None:
    text = (X509 / "x509-text-expired.txt").read_text(encoding="utf-8")
    pem = (FIXTURES / "certs" / "fabrikam-web-server.crt").read_text(encoding="utf-8")
    assert "-----END CERTIFICATE-----" in pem
    whole = analyze_bytes((text + pem).encode(), "whole")
    assert whole.kind == "certificate-file"
    cut = analyze_bytes((text + pem[:pem.index("\n", 40) + 1]).encode(), "cut")
    assert cut.kind == "openssl-x509" and [f.rule for f in cut.findings] == ["STO010"]


@pytest.mark.parametrize("text", [
    "The certificate has TLS Web Client Authentication in its EKU, so that is fine.",
    "Subject: CN=Ana Pereira\nIssuer: CN=Fabrikam Issuing CA 2\nNotAfter: 3/2/2027 9:00 AM\n",
    "X509v3 Extended Key Usage is missing, says the vendor.",
])
def test_what_only_looks_alike_is_no_openssl_output(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize("path", sorted((FIXTURES / "stores").glob("dump-*.txt")),
                         ids=lambda p: p.name)
def test_a_certutil_dump_stays_certutils(path: Path) -> None:
    assert analyze_text(path.read_text(encoding="utf-8"), path.name).kind == "certutil-store"


def test_extension_fragments_quoted_one_after_another_are_two_certificates() -> None:
    """A post quoting the extensions of two printouts, prose between: each heading is read,
    and each fragment is a certificate of its own."""
    out = parse("The CA file nginx reads:\n\nX509v3 extensions:\n    X509v3 Basic Constraints:\n"
                "        CA:TRUE\n\nand the file it was given instead:\n\nX509v3 extensions:\n"
                "    X509v3 Basic Constraints:\n        CA:FALSE\n")
    assert [c.is_ca for c in out.certificates] == [True, False]
    assert [u.text for u in out.unparsed] == ["The CA file nginx reads:",
                                              "and the file it was given instead:"]
