"""A table documenting Schannel's events (their messages with the insertion strings unfilled,
`%1`) lists no event that happened: it decides nothing, in whatever shape it is pasted."""

from __future__ import annotations

import pytest

from certtriage import analyze_text

#: (id, message as the documentation prints it)
ROWS = [
    (36877, "The certificate received from the remote client application has not validated "
            "correctly. The error code is %1. The attached data contains the client certificate."),
    (36885, "When asking for client authentication, this server sends a list of trusted "
            "certificate authorities to the client. The client uses this list to choose a client "
            "certificate that is trusted by the server. Currently, this server trusts so many "
            "certificate authorities that the list has grown too long. This list has thus been "
            "truncated. The administrator of this machine should review the certificate "
            "authorities trusted for client authentication and remove those that do not really "
            "need to be trusted."),
    (36870, "A fatal error occurred when attempting to access the TLS %1 credential private key. "
            "The error code returned from the cryptographic module is %2. The internal error "
            "state is %3."),
]


def _markdown() -> str:
    return "| Id | Description |\n|---|---|\n" + "".join(f"| {i} | {m} |\n" for i, m in ROWS)


def _html() -> str:
    return ("<table><tr><th>Name</th><th>Id</th><th>Description</th></tr>"
            + "".join(f"<tr><td>Schannel</td><td>{i}</td><td>{m}</td></tr>" for i, m in ROWS)
            + "</table>\n")


def _list() -> str:
    return "Schannel events:\n" + "".join(f"- Event {i}: {m}\n" for i, m in ROWS)


@pytest.mark.parametrize("render", [_markdown, _html, _list], ids=["markdown", "html", "list"])
def test_a_table_of_message_templates_decides_nothing(render) -> None:  # type: ignore[no-untyped-def]
    result = analyze_text(render())
    assert result.verdict != "fail" and not set(result.root_causes) - {"ok"}, result.root_causes


def test_the_same_message_logged_with_its_values_is_an_event() -> None:
    logged = ("Log Name: System\nSource: Schannel\nDate: 2025-03-04 09:12:01\nEvent ID: 36877\n"
              "Level: Warning\nDescription:\n" + ROWS[0][1].replace("%1", "0x80092013") + "\n")
    result = analyze_text(logged)
    assert result.root_causes == ("revocation-offline",)


@pytest.mark.parametrize("text", [
    "A wrong KeySpec can make TLS connections fail (although Schannel 36888 events may be "
    "logged).",
    "# events our monitoring ignores\nSchannel 36887\nSchannel 36888\n",
    "Look for Schannel event 36887 in the System log.",
])
def test_an_alert_event_named_by_its_id_alone_names_no_alert(text: str) -> None:
    """Which alert a 36887 / 36888 carries is what decides its cause: an event only named by
    its id says nothing of it."""
    result = analyze_text(text + "\n")
    assert not {"tls-alert-generated", "tls-alert-received"} & set(result.root_causes)


def test_an_event_named_by_its_id_alone_is_not_known_to_be_the_clients() -> None:
    """36870 is about the server's key or a client's depending on its Type field; named
    alone, it is not known to be the client certificate's (403.7)."""
    result = analyze_text("You can also check for Schannel error events 36872 and 36870.\n")
    assert "SCH019" not in {f.rule for f in result.findings}
