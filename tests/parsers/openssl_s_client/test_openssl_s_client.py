"""openssl s_client output: sniffer, parser, predicates and diagnoses, in the shapes posts
carry it (quoted, indented in a list, fenced, after a sentence, with pre-1.1 names)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.parsers.certificate_file import sniff_bytes as certificate_file
from certtriage.parsers.openssl_s_client import sniff
from certtriage.parsers.openssl_s_client.parser import parse

from ...conftest import FIXTURES

OPENSSL = FIXTURES / "openssl"
OUTPUTS = sorted(OPENSSL.glob("*.txt"))

#: file -> (verdict, root causes, 403.x, rules)
EXPECTED = {
    "s-client-ca-names-tls12.txt": ("inconclusive", (), (), ["SCL002"]),
    "s-client-no-ca-names-tls12.txt": ("inconclusive", (), (), ["SCL001"]),
    "s-client-ca-names-at-limit.txt": ("inconclusive", (), (), ["SCL003", "SCL002"]),
    "s-client-certificate-required-tls13.txt": ("fail", ("no-client-certificate",), ("403.7",),
                                                ["SCL004", "SCL001"]),
    "s-client-bad-certificate-tls12.txt": ("fail", ("client-certificate-rejected",),
                                           ("403.16",), ["SCL005", "SCL002"]),
    "s-client-server-chain-unverified.txt": ("inconclusive", (), (), ["SCL006", "SCL002"]),
    "s-client-sni-differs.txt": ("inconclusive", (), (), ["SCL007", "SCL001"]),
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in OUTPUTS} == set(EXPECTED)


@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.name)
def test_a_fixture_gets_its_diagnosis(path: Path) -> None:
    verdict, causes, substatus, rules = EXPECTED[path.name]
    result = analyze_path(path)
    assert result.kind == "openssl-s-client" and result.status == "parsed", result.warnings
    assert result.verdict == verdict
    assert result.root_causes == causes
    assert result.iis_substatus == substatus
    assert [f.rule for f in result.findings] == rules


def test_the_parser_reads_the_handshake() -> None:
    out = parse((OPENSSL / "s-client-ca-names-tls12.txt").read_text(encoding="utf-8"))
    assert (out.protocol, out.cipher, out.verify_code) == (
        "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384", 0)
    assert [(c.depth, c.subject) for c in out.chain] == [
        (0, "C = US, O = Contoso Ltd, CN = certauth.contoso.com"),
        (1, "C = US, O = Contoso Ltd, CN = Contoso Issuing CA 01")]
    assert out.chain[1].issuer == "C = US, O = Contoso Ltd, CN = Contoso Root CA"
    assert out.ca_names is not None and len(out.ca_names) == 3
    assert out.certificate_requested and out.sent_certificate is False


def test_alerts_are_read_by_number_and_by_name() -> None:
    required = parse((OPENSSL / "s-client-certificate-required-tls13.txt").read_text("utf-8"))
    assert [(a.code, a.text) for a in required.alerts] == [
        (116, "tlsv13 alert certificate required")]
    named = parse("CONNECTED(00000003)\nSSL-Session:\n"
                  "error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca\n")
    assert [a.code for a in named.alerts] == [48]


def test_no_ca_names_is_an_empty_list_and_a_missing_section_none() -> None:
    assert parse((OPENSSL / "s-client-no-ca-names-tls12.txt").read_text("utf-8")).ca_names == ()
    assert parse("CONNECTED(00000003)\nSSL-Session:\n    Protocol  : TLSv1.3\n").ca_names is None


def test_the_checks_of_the_servers_chain_are_read_with_their_depth() -> None:
    out = parse((OPENSSL / "s-client-server-chain-unverified.txt").read_text("utf-8"))
    assert [(e.depth, e.code, e.text) for e in out.verify_errors] == [
        (1, 20, "unable to get local issuer certificate")]
    assert out.verify_code == 20 and out.sent_certificate is True
    purpose = parse("CONNECTED(00000005)\ndepth=0 \nverify error:num=26:unsupported certificate "
                    "purpose\nverify return:1\n---\nCertificate chain\n")
    assert [(e.depth, e.code) for e in purpose.verify_errors] == [(0, 26)]
    assert parse("CONNECTED(00000003)\nverify error:num=10:certificate has expired\n"
                 ).verify_errors[0].depth is None


@pytest.mark.parametrize(("command", "differs"), [
    ("openssl s_client -servername www.fabrikam.com -connect api.fabrikam.com:443", True),
    ("openssl s_client -connect api.fabrikam.com:443 -servername API.fabrikam.com", False),
    ("openssl s_client -connect 203.0.113.7:443 -servername api.fabrikam.com", False),
    ("openssl s_client -connect [2001:db8::7]:443 -servername api.fabrikam.com", False),
    ("openssl s_client -connect api.fabrikam.com:443", False),
])
def test_a_server_name_other_than_the_host_is_told(command: str, differs: bool) -> None:
    result = analyze_text(f"$ {command}\nCONNECTED(00000003)\nSSL-Session:\n", "<paste>")
    assert ("SCL007" in {f.rule for f in result.findings}) is differs


def test_the_command_is_the_line_with_options_not_a_title_naming_it() -> None:
    out = parse("Problem with openssl s_client\n$ openssl s_client -connect a.fabrikam.com:443 "
                "-cert ./user.pem -key ./user.key\nCONNECTED(00000003)\nSSL-Session:\n")
    assert out.sent_certificate is True and out.command is not None
    assert out.command.endswith("-key ./user.key")


# ---- the shapes posts carry it in --------------------------------------------------------------
def _old_names(text: str) -> str:
    """Names as OpenSSL before 1.1 prints them: `/C=US/O=Contoso Ltd/CN=x`."""
    def slashed(match: re.Match[str]) -> str:
        parts = re.split(r",\s*(?=[A-Z]+ = )", match.group(2))
        return match.group(1) + "".join("/" + p.replace(" = ", "=") for p in parts)

    return re.sub(r"^((?:\s*\d+ [si]:|\s*i:|subject=|issuer=)?)((?:[A-Z]+ = [^,\n]+,\s*)*"
                  r"[A-Z]+ = [^,\n]+)$", slashed, text, flags=re.MULTILINE)


def _openssl3(text: str) -> str:
    """Chain lines as OpenSSL 3 prints them (each certificate's key and validity after its
    issuer), and the line it ends a run the server closed with."""
    text = re.sub(r"^(\s*i:.*)$", r"\1\n   a:PKEY: rsaEncryption, 2048 (bit); sigalg: RSA-SHA256"
                  r"\n   v:NotBefore: Jan 10 08:00:00 2026 GMT; NotAfter: Jan 10 08:00:00 2028 GMT",
                  text, flags=re.MULTILINE)
    return text + ("40B78E8DF17F0000:error:0A000126:SSL routines::unexpected eof while "
                   "reading:ssl/record/rec_layer_s3.c:317:\n")


SHAPES: dict[str, Callable[[str], str]] = {
    "openssl 3 lines": _openssl3,
    "plain": lambda t: t,
    "quoted": lambda t: "\n".join(f"> {line}" for line in t.split("\n")),
    "indented": lambda t: "\n".join(f"   {line}" for line in t.split("\n")),
    "fenced in a post": lambda t: f"Here is what the server answers:\n\n```\n{t}```\n\nAny idea?\n",
    "fences on its own lines": lambda t: f"Running openssl s_client gives:\n```{t.strip()}```\n",
    "pre-1.1 names": _old_names,
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.name)
def test_every_shape_gets_the_same_diagnosis(path: Path, shape: str) -> None:
    text = SHAPES[shape](path.read_text(encoding="utf-8"))
    assert sniff(text)
    verdict, causes, substatus, rules = EXPECTED[path.name]
    result = analyze_text(text, path.name)
    assert result.kind == "openssl-s-client"
    if shape in ("plain", "openssl 3 lines", "pre-1.1 names"):
        assert result.status == "parsed", result.warnings
    assert (result.verdict, result.root_causes, result.iis_substatus) == (
        verdict, causes, substatus)
    assert sorted(f.rule for f in result.findings) == sorted(rules)


def test_old_names_are_what_they_say() -> None:
    old = _old_names((OPENSSL / "s-client-ca-names-tls12.txt").read_text("utf-8"))
    assert "/C=US/O=Contoso Ltd/CN=Contoso Root CA" in old


# ---- what it is not ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    *sorted((FIXTURES / "certs").glob("*.pem")),
    FIXTURES / "certutil" / "pass" / "three-element-client-auth-urlfetch.txt",
    FIXTURES / "events" / "copy-details" / "schannel-36887-alert-46.txt",
    FIXTURES / "netsh" / "default-iis-binding.txt",
], ids=lambda p: p.name)
def test_sniff_leaves_other_formats_alone(path: Path) -> None:
    assert not sniff(path.read_text(encoding="utf-8", errors="replace"))


def test_a_pem_file_is_a_certificate_file_and_s_client_output_is_not() -> None:
    for pem in sorted((FIXTURES / "certs").glob("*.pem")):
        assert certificate_file(pem.read_bytes()), pem.name
    for path in OUTPUTS:
        assert not certificate_file(path.read_bytes()), path.name


def test_a_sentence_that_names_one_line_is_no_output() -> None:
    assert not sniff("I ran openssl and saw the Certificate chain, nothing else.\n")
