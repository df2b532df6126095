"""A proxy that refused to open the tunnel to the server (TKT044): each client's line for it,
in the shapes tickets bring it; the 403 beside it is the proxy's, not a server's without its
sub-status."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

REFUSED = {
    "s_client": "s_client: HTTP CONNECT failed, reason= 403 Forbidden",
    "curl": "curl: (56) CONNECT tunnel failed, response 403",
    "curl older": "curl: (56) Received HTTP code 403 from proxy after CONNECT",
    "407": "< HTTP/1.1 407 Proxy Authentication Required",
}
SHAPES = {
    "mail": lambda line: f"Hi,\n\nthe job fails with its client certificate:\n\n{line}\n\nSam\n",
    "quoted": lambda line: f"> {line}\n",
    "html": lambda line: f"<pre>{html.escape(line)}</pre>",
    "with the 403": lambda line: f"< HTTP/1.1 403 Forbidden\n{line}\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("client", list(REFUSED))
def test_a_proxy_that_refused_the_tunnel_is_the_cause_not_the_server(client: str,
                                                                     shape: str) -> None:
    result = analyze_text(SHAPES[shape](REFUSED[client]), "<ticket>")
    assert result.root_causes == ("proxy-refused-tunnel",), result.findings
    assert result.iis_substatus == ()
    assert all(f.explained_by == ("TKT044",) for f in result.findings if f.rule == "TKT027")


@pytest.mark.parametrize("text", [
    "The proxy supports the HTTP CONNECT method for port 443.\n",
    "We opened a CONNECT tunnel through the proxy and it works.\n",
])
def test_connect_named_without_a_refusal_is_no_evidence(text: str) -> None:
    assert analyze_text(text, "<ticket>").status == "unrecognized"
