"""No client certificate sent, said by the client that could not load its own or by the server
(or gateway) that got none: each line of the class, in each shape a ticket brings it in, gives
no-client-certificate from its own rule; lines that only look alike give neither."""

from __future__ import annotations

import html
import json

import pytest

from certtriage import analyze_text

#: The client could not load or use its certificate or key (TKT029).
NOT_LOADED = {
    "curl 58, OpenSSL": "curl: (58) could not load PEM client certificate from client.pem, "
                        "OpenSSL error error:80000002:system library::No such file or directory",
    "curl 58, number only": "curl: (58) Problem with the local SSL certificate",
    "curl, key": "curl: (58) unable to set private key file: 'client.key' type PEM",
    "curl, Schannel": "* schannel: Failed to get certificate location for C:\\certs\\client.pem",
    "curl, Schannel import": "* schannel: Failed to import cert file client.pfx, "
                             "last error is 0x80092002",
    "NSS": "* NSS: client certificate not found (nickname not specified)\n"
           "* unable to load client cert: -8018 (SEC_ERROR_UNKNOWN_PKCS11_ERROR)",
    "s_client": "unable to load client certificate private key file",
    "Python": "ssl.SSLError: [SSL] PEM lib (_ssl.c:3874)",
    "Java key store": "java.io.IOException: Keystore was tampered with, or password was "
                      "incorrect",
    "Java key": "java.security.UnrecoverableKeyException: Cannot recover key",
    ".NET .cer": "var certificate = new X509Certificate2(@\"C:\\certs\\partner.cer\");",
}
#: The server or a gateway in front of it logged that none arrived (TKT030).
NONE_RECEIVED = {
    "application": "WARN No client ssl certificate found in the request",
    "nginx": "<center>No required SSL certificate was sent</center>",
    "gateway value": "authentication failed (SSLClientCertificate='*No certificate provided*')",
    "OpenSSL server": "SSL routines:tls_process_client_certificate:peer did not return a "
                      "certificate",
    "Go": "http: TLS handshake error from 203.0.113.9:51522: tls: client didn't provide a "
          "certificate",
    "Java, old": "javax.net.ssl.SSLHandshakeException: null cert chain",
    "Java": "javax.net.ssl.SSLHandshakeException: Empty client certificate chain",
    "edge JSON": json.dumps({"status": 403, "mtls_status": "NONE", "ray": "8c1f0e2b"}),
    "gateway variable": "ssl_client_verify=NONE",
    "gateway prose": "The access log shows SslClientVerify is NONE for every call.",
    "sign-in page": "No valid client certificate found in the request.",
    "ConfigMgr gateway": "[CCMHTTP] ERROR INFO: StatusCode= 403 StatusText= "
                         "CMGConnector_Clientcertificaterequired",
    "nginx error log": "2026/11/30 08:14:02 [info] 1234#0: *77 client sent no required SSL "
                       "certificate while reading client request headers, client: 203.0.113.7",
    "WCF trace": "<TraceIdentifier>http://msdn.microsoft.com/ja-JP/library/System.ServiceModel."
                 "Channels.HttpsClientCertificateNotPresent.aspx</TraceIdentifier>",
    "AD FS event": "Symbolic Name: ClientCertificateMissing",
    "AD FS message": "Message: The ClientCredentialInfo static method was called in a context "
                     "where no client certificate was available.",
}
#: Lines that only look alike.
UNLIKE = [
    "ssl_client_verify=SUCCESS for partner 7",
    "No client certificate mapping found for the account, so we created one.",
    "The client certificate was found in the store and has its private key.",
    "We load the certificate with new X509Certificate2(\"partner.pfx\", password).",
    "curl: (56) Recv failure: Connection reset by peer",
]


def _shapes(line: str) -> dict[str, str]:
    said = "Since Monday the partner calls to https://api.contoso.com fail."
    return {
        "alone": line + "\n",
        "after a sentence": f"{said} The log says:\n\n{line}\n\nAny idea?\n",
        "quoted": f"{said}\n\n" + "".join(f"> {part}\n" for part in line.split("\n")),
        "code block": f"{said}\n\n```\n{line}\n```\n",
        "html": f"<p>{html.escape(said)}</p>\n<pre>{html.escape(line)}</pre>\n",
    }


def _case(lines: dict[str, str]) -> list[tuple[str, str]]:
    return [(name, shape) for name in lines for shape in _shapes(lines[name])]


@pytest.mark.parametrize(("name", "shape"), _case(NOT_LOADED))
def test_a_client_that_could_not_load_its_certificate_sent_none(name: str, shape: str) -> None:
    result = analyze_text(_shapes(NOT_LOADED[name])[shape])
    assert "TKT029" in {f.rule for f in result.findings}, result.findings
    assert result.root_causes == ("no-client-certificate",)


@pytest.mark.parametrize(("name", "shape"), _case(NONE_RECEIVED))
def test_a_server_that_logged_no_certificate_got_none(name: str, shape: str) -> None:
    result = analyze_text(_shapes(NONE_RECEIVED[name])[shape])
    assert "TKT030" in {f.rule for f in result.findings}, result.findings
    assert result.root_causes == ("no-client-certificate",)


@pytest.mark.parametrize("line", UNLIKE)
def test_lines_that_only_look_alike_say_nothing_of_it(line: str) -> None:
    result = analyze_text(line + "\n")
    assert not {"TKT029", "TKT030"} & {f.rule for f in result.findings}, result.findings


def test_the_403_of_a_request_without_one_is_its_symptom() -> None:
    text = ("The partner gets 403 Forbidden from https://api.contoso.com/orders.\n"
            "Our gateway logs: SslClientVerify is NONE\n")
    result = analyze_text(text)
    (finding,) = [f for f in result.findings if f.root_cause]
    assert finding.rule == "TKT030" and finding.iis_substatus == ("403.7",)
    assert "TKT027" in {f.rule for f in result.findings if not f.root_cause}
