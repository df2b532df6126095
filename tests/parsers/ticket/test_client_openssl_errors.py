"""A TLS client's own line with OpenSSL's words or names for the check of the server's chain it
failed (curl, Node and Postman, Python, Go's request errors) is the client's check, read as the
CryptoAPI code of the same check and told as the client's (TKT010, no 403); the same words in
a sentence of no client's are no evidence."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

#: A client's line -> the cause of the check it failed.
LINES = {
    "curl": ("curl: (60) SSL certificate problem: unable to get local issuer certificate",
             "partial-chain"),
    "node": ("Error: unable to verify the first certificate\n    at TLSSocket.onConnectSecure "
             "(node:_tls_wrap:1659:34)", "partial-chain"),
    "node code": ("Error: self-signed certificate in certificate chain\n    at "
                  "TLSSocket.onConnectSecure (node:_tls_wrap:1659:34) {\n  code: "
                  "'SELF_SIGNED_CERT_IN_CHAIN'\n}", "untrusted-root"),
    "python": ("requests.exceptions.SSLError: HTTPSConnectionPool(host='api.contoso.com', "
               "port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, "
               "'[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has "
               "expired (_ssl.c:1006)')))", "not-time-valid"),
    "go": ('Error when fetching the server list: Get "https://api.contoso.com/servers": x509: '
           "certificate signed by unknown authority", "untrusted-root"),
}
SHAPES = {
    "alone": lambda line: line + "\n",
    "mail": lambda line: f"Hi,\n\nthe sync job fails since Monday:\n\n{line}\n\nAny idea?\n",
    "quoted": lambda line: "".join(f"> {part}\n" for part in line.split("\n")),
    "html": lambda line: f"<pre>{html.escape(line)}</pre>",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("client", list(LINES))
def test_a_clients_openssl_error_is_its_check_of_the_server(client: str, shape: str) -> None:
    line, cause = LINES[client]
    result = analyze_text(SHAPES[shape](line), "<ticket>")
    assert result.root_causes == (cause,), result.findings
    assert [f.rule for f in result.findings if f.root_cause] == ["TKT010"]
    assert result.iis_substatus == ()


@pytest.mark.parametrize("text", [
    "Note that the certificate has expired on some kiosks; we will renew it.\n",
    "Our wiki says: unable to get local issuer certificate means a missing intermediate.\n",
])
def test_the_words_in_no_clients_line_are_no_evidence(text: str) -> None:
    assert analyze_text(text, "<ticket>").status == "unrecognized"
