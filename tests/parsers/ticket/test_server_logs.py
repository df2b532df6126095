"""Servers other than IIS logging the client certificate they checked: nginx's and Apache's
lines with OpenSSL's error number, read as the CryptoAPI check it stands for; HAProxy's words
for a certificate it refused (TKT041); Go's HTTP server logging a handshake, whose x509 error
is about the client's certificate. Each in the paste shapes tickets bring them in; a client's
own line stays the client's."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

#: Each server's line, and the cause it names.
LINES = {
    "nginx 26": ("2026/11/27 09:12:44 [info] 812#812: *31 client SSL certificate verify error: "
                 "(26:unsupported certificate purpose) while reading client request headers, "
                 "client: 198.51.100.7, server: api.contoso.com", "missing-client-auth-eku"),
    "nginx 20": ("2026/11/27 09:12:44 [info] 812#812: *32 client SSL certificate verify error: "
                 "(20:unable to get local issuer certificate) while reading client request "
                 "headers", "partial-chain"),
    "nginx 10": ("2026/11/27 09:12:44 [info] 812#812: *33 client SSL certificate verify error: "
                 "(10:certificate has expired) while reading client request headers",
                 "not-time-valid"),
    "apache 19": ("[Fri Nov 27 09:12:44.100200 2026] [ssl:info] [pid 4121] [client "
                  "198.51.100.7:50144] AH02276: Certificate Verification: Error (19): self "
                  "signed certificate in certificate chain", "untrusted-root"),
    "haproxy leaf": ("Nov 27 09:41:05 lb01 haproxy[2211]: 198.51.100.40:50122 [27/Nov/2026:"
                     "09:41:05.311] fe_partner_443/1: SSL client certificate not trusted",
                     "client-certificate-untrusted"),
    "haproxy chain": ("Nov 27 09:41:05 lb01 haproxy[2211]: 198.51.100.40:50122 [27/Nov/2026:"
                      "09:41:05.311] fe_partner_443/1: SSL client CA chain cannot be verified",
                      "client-certificate-untrusted"),
    "go server": ("2026/11/27 09:12:44 http: TLS handshake error from 198.51.100.7:44452: tls: "
                  "failed to verify certificate: x509: certificate has expired or is not yet "
                  "valid", "not-time-valid"),
    "traefik": ("2026-11-27T09:12:44Z DBG log/log.go:245 > http: TLS handshake error from "
                "198.51.100.7:28452: tls: failed to verify certificate: x509: certificate "
                "signed by unknown authority", "untrusted-root"),
}
SHAPES = {
    "alone": lambda line: line + "\n",
    "in a mail": lambda line: ("Hi,\n\nthe partner's connector fails since Monday; the server "
                               f"logs:\n\n{line}\n\nAny idea?\n"),
    "quoted": lambda line: f"> {line}\n",
    "html": lambda line: f"<p>The log:</p><pre>{html.escape(line)}</pre>",
    "fenced": lambda line: f"```\n{line}\n```\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("server", list(LINES))
def test_a_servers_line_about_the_client_certificate_names_its_cause(server: str,
                                                                      shape: str) -> None:
    line, cause = LINES[server]
    result = analyze_text(SHAPES[shape](line), "<ticket>")
    assert result.root_causes == (cause,), result.findings
    root = next(f for f in result.findings if f.root_cause)
    # the server checked the client's certificate: never the client's check of a server's
    assert root.rule != "TKT010" and root.cause != "server-certificate-rejected"
    assert "InitializeSecurityContext" not in root.message


def test_a_go_clients_own_line_stays_the_clients_check_of_the_server() -> None:
    result = analyze_text('Get "https://portal.contoso.com/": tls: failed to verify '
                          "certificate: x509: certificate signed by unknown authority\n")
    assert result.root_causes == ("untrusted-root",) and result.iis_substatus == ()
    assert [f.rule for f in result.findings if f.root_cause] == ["TKT010"]


@pytest.mark.parametrize("text", [
    "nginx logs a client SSL certificate verify error when the chain is incomplete.\n",
    "HAProxy can log SSL client certificate errors with ssl_c_verify.\n",
])
def test_the_servers_words_without_their_line_are_no_evidence(text: str) -> None:
    assert analyze_text(text, "<ticket>").root_causes == ()
