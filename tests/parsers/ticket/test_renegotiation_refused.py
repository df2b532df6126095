"""A client that refused the server's renegotiation, the way IIS asks for a client certificate
after the request (TKT039): each client's words for it, in each paste shape a ticket brings
them in, with the server's binding asked to ask in the handshake; the alert's name in a list or
renegotiation in a sentence is no such refusal."""

from __future__ import annotations

import html
import json

import pytest

from certtriage import analyze_text

#: Each client's line for it.
REFUSED = {
    "go": 'Post "https://api.contoso.com/orders.svc": local error: tls: no renegotiation',
    "go winrm": ('failed to run command: "unknown error Post \\"https://10.0.0.5:5986/wsman\\": '
                 'local error: tls: no renegotiation"'),
    "python": ("requests.exceptions.SSLError: [SSL: NO_RENEGOTIATION] no renegotiation "
               "(_ssl.c:2570)"),
    "openssl": "80DBE5C4C17F0000:error:0A000153:SSL routines::no renegotiation",
    "alert": "SSL_connect: tlsv1 alert no renegotiation",
}
SHAPES = {
    "mail": lambda line: f"Hi,\n\nthe partner job fails since the move:\n\n    {line}\n\nKim\n",
    "quoted": lambda line: f"> {line}\n\nAny idea what the server wants?\n",
    "html": lambda line: f"<p>The job fails:</p><pre><code>{html.escape(line)}</code></pre>",
    "json log": lambda line: json.dumps({"level": "error", "ts": "2026-11-27T07:45:12Z",
                                         "msg": "collect failed", "error": line}) + "\n",
    "german": lambda line: f"Der Abruf mit dem Zertifikat scheitert:\n{line}\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("client", list(REFUSED))
def test_a_refused_renegotiation_asks_the_binding_to_ask_in_the_handshake(
        client: str, shape: str) -> None:
    result = analyze_text(SHAPES[shape](REFUSED[client]), "<ticket>")
    assert result.root_causes == ("client-cert-renegotiation",), result.findings
    root = next(f for f in result.findings if f.root_cause)
    assert root.rule == "TKT039" and result.verdict == "fail"
    assert "clientcertnegotiation=enable" in root.remediation[0].text


def test_renegotiation_told_beside_the_refusal_is_its_symptom() -> None:
    text = ("Our Go client uses a client certificate against IIS; IIS starts a renegotiation "
            "after the request and the client says:\n" + REFUSED["go"] + "\n")
    result = analyze_text(text, "<ticket>")
    told = next(f for f in result.findings if f.rule == "TKT035")
    assert told.explained_by == ("TKT039",) and not told.root_cause


@pytest.mark.parametrize("text", [
    "TLS alerts: close_notify(0), ..., user_canceled(90), no_renegotiation(100).\n",
    "Go clients do no renegotiation unless told to.\n",
    "The NO_RENEGOTIATION constant is defined in ssl.h.\n",
])
def test_the_name_in_a_list_or_a_sentence_is_no_refusal(text: str) -> None:
    assert analyze_text(text, "<ticket>").status == "unrecognized"
