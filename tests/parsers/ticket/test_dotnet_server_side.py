""".NET's "the remote certificate is invalid" names whichever side's certificate failed: in a
.NET server's own log or stack (Kestrel, SslStream as a server) it is the client's, refused by
the server (TKT040); in a client's text, or beside a client's own words, it stays the server's
certificate refused by the client (TKT019)."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

_MESSAGE = ("System.Security.Authentication.AuthenticationException: The remote certificate is "
            "invalid according to the validation procedure: RemoteCertificateChainErrors")
_REJECTED = ("System.Security.Authentication.AuthenticationException: The remote certificate "
             "was rejected by the provided RemoteCertificateValidationCallback.")
#: The server's own lines around the message, as each version and logger writes them.
SERVER = {
    "middleware": ("dbug: Microsoft.AspNetCore.Server.Kestrel.Https.Internal."
                   "HttpsConnectionMiddleware[1]\n      Failed to authenticate HTTPS connection.\n"
                   "{message}\n   at Microsoft.AspNetCore.Server.Kestrel.Https.Internal."
                   "HttpsConnectionMiddleware.OnConnectionAsync(ConnectionContext context)"),
    "adapter": ("2026-11-26 14:02:33.1||ERROR|Microsoft.AspNetCore.Server.Kestrel|Uncaught "
                "exception from the OnConnectionAsync method of an IConnectionAdapter. {message}"),
    "filter": "Microsoft.AspNetCore.Server.Kestrel:Error: ConnectionFilter.OnConnection\n{message}",
    "sslstream": ("{message}\n   at System.Net.Security.SslStream.AuthenticateAsServer("
                  "X509Certificate serverCertificate, Boolean clientCertificateRequired)"),
}
SHAPES = {
    "plain": lambda text: f"Our service logs this for the partner's calls:\n\n{text}\n",
    "quoted": lambda text: "".join(f"> {line}\n" for line in text.split("\n")),
    "html": lambda text: f"<p>The service logs:</p><pre>{html.escape(text)}</pre>",
    "fenced": lambda text: f"```\n{text}\n```\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("message", [_MESSAGE, _REJECTED], ids=["invalid", "rejected"])
@pytest.mark.parametrize("server", list(SERVER))
def test_in_a_dotnet_servers_log_the_remote_certificate_is_the_clients(
        server: str, message: str, shape: str) -> None:
    result = analyze_text(SHAPES[shape](SERVER[server].format(message=message)), "<ticket>")
    assert result.root_causes == ("client-certificate-rejected",), result.findings
    root = next(f for f in result.findings if f.root_cause)
    assert root.rule == "TKT040" and result.iis_substatus == ()
    assert "On the server" in root.remediation[0].text
    assert not [f for f in result.findings if f.rule == "TKT019"]


@pytest.mark.parametrize("client", [
    # a client's own exception, with the server's settings pasted beside it
    ("Kestrel is set to ClientCertificateMode = RequireCertificate. HttpClient throws:\n"
     "System.Net.Http.HttpRequestException: The SSL connection could not be established, see "
     "inner exception.\n ---> " + _MESSAGE),
    # the message alone, as a client prints it
    _MESSAGE,
])
def test_a_clients_text_keeps_the_remote_certificate_the_servers(client: str) -> None:
    result = analyze_text(client + "\n", "<ticket>")
    assert result.root_causes == ("server-certificate-rejected",), result.findings
    assert not [f for f in result.findings if f.rule == "TKT040"]
