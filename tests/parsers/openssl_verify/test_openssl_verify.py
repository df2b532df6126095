"""`openssl verify` output: OpenSSL's check of a chain, read with the cause the same check has
on Windows. Each fixture gets its findings in every shape a post brings it in; the parser
reads OpenSSL 1.0's shape, several files in one run and a paste cut before its result line;
sentences that end in `: OK` or name an error number are no such output."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_text
from certtriage.parsers.openssl_verify import sniff
from certtriage.parsers.openssl_verify.parser import parse

from ...conftest import FIXTURES

VERIFY = FIXTURES / "openssl-verify"
OUTPUTS = sorted(VERIFY.glob("*.txt"))

#: file -> (verdict, root causes, IIS sub-statuses, rules)
EXPECTED = {
    "verify-client-ok-show-chain.txt": ("pass", ("ok",), (), ["OSV003"]),
    "verify-client-ca-server-only.txt": ("fail", ("missing-client-auth-eku",),
                                         ("403.16", "403.7"), ["OSV001"]),
    "verify-client-expired.txt": ("fail", ("not-time-valid",), ("403.17",), ["OSV001"]),
    "verify-no-purpose-issuer-missing.txt": ("fail", ("partial-chain",), (), ["OSV002"]),
}

SHAPES: dict[str, Callable[[str], str]] = {
    "plain": lambda t: t,
    "quoted": lambda t: "\n".join(f"> {line}" for line in t.split("\n")),
    "indented": lambda t: "\n".join(f"    {line}" for line in t.split("\n")),
    "fenced in a post": lambda t: f"I checked the certificate:\n\n```\n{t}```\n\nAny idea?\n",
    "in a mail": lambda t: ("Hi team,\n\nthe partner's login fails since Monday. On the "
                            f"gateway I ran:\n\n{t}\nRegards,\nAvery\n"),
    "as HTML": lambda t: "<p>What openssl says:</p><pre>" + html.escape(t) + "</pre>",
    "windows line ends": lambda t: t.replace("\n", "\r\n"),
    "no prompt": lambda t: t.replace("$ ", "", 1),
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in OUTPUTS} == set(EXPECTED)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: p.name)
def test_every_shape_gets_the_fixtures_findings(path: Path, shape: str) -> None:
    verdict, roots, iis, rules = EXPECTED[path.name]
    result = analyze_text(SHAPES[shape](path.read_text(encoding="utf-8")), path.name)
    assert result.kind == "openssl-verify", result.warnings
    assert (result.verdict, result.root_causes) == (verdict, roots)
    assert result.iis_substatus == iis
    assert [f.rule for f in result.findings] == rules


def test_the_parser_reads_each_file_its_errors_and_its_chain() -> None:
    out = parse((VERIFY / "verify-client-ca-server-only.txt").read_text(encoding="utf-8"))
    assert out.purpose == "sslclient" and out.command is not None
    (result,) = out.results
    assert (result.file, result.ok) == ("client2.pem", False)
    (error,) = result.errors
    assert (error.code, error.depth, error.text) == (26, 1, "unsuitable certificate purpose")
    assert error.subject == "C = US, O = Contoso Ltd, CN = Contoso Web Server CA"
    ok = parse((VERIFY / "verify-client-ok-show-chain.txt").read_text(encoding="utf-8"))
    (passed,) = ok.results
    assert passed.ok and [(c.depth, c.untrusted) for c in passed.chain] == [
        (0, True), (1, True), (2, False)]
    assert ok.unparsed == ()


def test_openssl_10s_shape_names_the_file_before_its_error() -> None:
    out = parse("client.pem: /C=US/O=Contoso Ltd/CN=Megan Bowen\n"
                "error 20 at 0 depth lookup:unable to get local issuer certificate\n")
    (result,) = out.results
    assert (result.file, result.ok) == ("client.pem", None)
    assert result.errors[0].subject == "/C=US/O=Contoso Ltd/CN=Megan Bowen"
    assert result.errors[0].text == "unable to get local issuer certificate"


def test_errors_belong_to_the_next_failed_file_and_one_failure_fails_the_run() -> None:
    """OpenSSL writes errors to stderr and results to stdout: one file's OK may come between
    another's errors and its failure line."""
    text = ("$ openssl verify -CAfile root.pem -untrusted issuing.pem adele.pem megan.pem\n"
            "C = US, O = Contoso Ltd, CN = Adele Vance\n"
            "error 20 at 0 depth lookup: unable to get local issuer certificate\n"
            "megan.pem: OK\n"
            "error adele.pem: verification failed\n")
    out = parse(text)
    assert [(r.file, r.ok, len(r.errors)) for r in out.results] == [
        ("megan.pem", True, 0), ("adele.pem", False, 1)]
    result = analyze_text(text, "two")
    assert result.root_causes == ("partial-chain",)
    assert [f.rule for f in result.findings] == ["OSV002"]


@pytest.mark.parametrize(("code", "cause"), [
    (2, "partial-chain"), (19, "untrusted-root"), (18, "untrusted-root"), (9, "not-time-valid"),
    (23, "revoked"), (7, "signature-invalid"), (12, "revocation-offline"),
])
def test_each_error_has_the_cause_of_its_windows_counterpart(code: int, cause: str) -> None:
    text = ("$ openssl verify -purpose sslclient -CAfile root.pem user.pem\n"
            f"error {code} at 0 depth lookup: words\nerror user.pem: verification failed\n")
    assert analyze_text(text, "one").root_causes == (cause,)


def test_a_wrong_purpose_for_a_server_is_no_missing_client_authentication() -> None:
    text = ("$ openssl verify -CAfile root.pem -purpose sslserver web.pem\n"
            "CN = Contoso Mail CA\nerror 26 at 1 depth lookup: unsuitable certificate purpose\n"
            "error web.pem: verification failed\n")
    result = analyze_text(text, "server")
    assert result.root_causes == ("certificate-verify-failed",) and result.iis_substatus == ()


@pytest.mark.parametrize("text", [
    "Status: OK\nEverything went fine with the renewal.\n",
    "The s_client run said verify error:num=20:unable to get local issuer certificate.\n",
    "I checked with openssl verify and it said the chain is OK.\n",
])
def test_sentences_are_no_verify_output(text: str) -> None:
    assert not sniff(text)
