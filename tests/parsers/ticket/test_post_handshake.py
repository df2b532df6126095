"""A server that asked for a client certificate after a TLS 1.3 handshake and got none, the
client not having offered post-handshake authentication (TKT038): Apache's and OpenSSL's lines
and the failure told in words, in each paste shape a ticket brings them in; the feature named
without a failure is no evidence."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

_STAMP = "[Mon Nov 30 09:12:44.100200 2026] [ssl:error] [pid 812:tid 14020] "
#: How the failure is written: the server's log lines, and a person's words for them.
TOLD = {
    "apache": _STAMP + "[client 203.0.113.9:51220] AH10158: cannot perform post-handshake "
                       "authentication",
    "openssl 1.1": _STAMP + "SSL Library Error: error:14268117:SSL "
                            "routines:SSL_verify_client_post_handshake:extension not received",
    "words": "The error log says cannot perform post-handshake authentication for the upload.",
    "not supported": "Post-handshake authentication is not supported by the .NET client.",
    "pha": "Apparently PHA is not enabled in our Python client.",
    "underscores": "curl fails: post_handshake_auth was never offered by the client.",
}
SHAPES = {
    "mail": lambda line: f"Hi,\n\nthe partner API answers 403 since Monday:\n\n{line}\n\nBen\n",
    "quoted": lambda line: f"> {line}\n> any idea?\n",
    "html": lambda line: f"<p>Since Monday:</p><pre>{html.escape(line)}</pre>",
    "fenced": lambda line: f"```\n{line}\n```\n",
    "spanish": lambda line: f"Desde el lunes el servidor devuelve 403:\n{line}\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("told", list(TOLD))
def test_a_certificate_asked_after_a_tls13_handshake_is_asked_in_the_handshake(
        told: str, shape: str) -> None:
    result = analyze_text(SHAPES[shape](TOLD[told]), "<ticket>")
    assert result.root_causes == ("tls13-renegotiation",), result.findings
    root = next(f for f in result.findings if f.root_cause)
    assert root.rule == "TKT038" and result.verdict == "fail"
    assert "in the handshake" in root.remediation[0].text
    # the 403 the client saw is that failure's, not a question of its own
    assert all(f.explained_by == ("TKT038",) for f in result.findings if f.rule == "TKT027")


@pytest.mark.parametrize("text", [
    "urllib3 1.25.7 added post-handshake authentication support for TLS 1.3.\n",
    "Firefox can do post-handshake authentication behind a setting.\n",
    "The PHA team is not enabled to work on weekends.\n",
    "See RFC 8446 section 4.6.2 on post_handshake_auth.\n",
])
def test_the_feature_named_without_a_failure_is_no_evidence(text: str) -> None:
    assert analyze_text(text, "<ticket>").status == "unrecognized"
