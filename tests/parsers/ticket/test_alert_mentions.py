"""Fatal TLS alerts named in prose without the event that logged them: every way people write
one (each phrasing, each certificate alert, in a sentence, quoted, as a list item, wrapped in
HTML) is read as the alert, and its number decides the cause; an alert number in a sentence
that is not about TLS, or beside the id of the event, is not read this way."""

from __future__ import annotations

import itertools

import pytest

from certtriage import analyze_text

#: How the alert is named, `{n}` for its number.
PHRASINGS = (
    "the DC logs a fatal Schannel error ({n}) for each bind",
    "we see Schannel fatal alert {n} on the server",
    "TLS handshake fails with alert {n}",
    "the client gets TLS alert code: {n} from the portal",
    "Schannel: fatal alert received ({n})",
    "SSL alert number {n} in the System log",
    "la connexion TLS échoue avec l'alerte {n} (Schannel)",
    "el servidor registra la alerta {n} de Schannel",
)
#: The certificate alerts and the cause each names.
CAUSES = {"42": "signature-invalid", "44": "revoked", "45": "not-time-valid",
          "46": "certificate-unknown", "48": "untrusted-root"}
#: Where the sentence stands in the ticket.
SHAPES = (
    "{s}.\n",
    "> {s}.\n",
    "- {s}\n",
    "<p>Hello,</p><p>{s}.</p>\n",
    "Hi all,\n\n{s}. Plain LDAP works.\n\nThanks\n",
)


@pytest.mark.parametrize(("phrasing", "alert", "shape"),
                         list(itertools.product(PHRASINGS, CAUSES, SHAPES)))
def test_an_alert_named_in_prose_names_its_cause(phrasing: str, alert: str, shape: str) -> None:
    text = shape.format(s=phrasing.format(n=alert))
    result = analyze_text(text, "<ticket>")
    assert result.verdict == "fail", text
    assert result.root_causes == (CAUSES[alert],), text
    [finding] = [f for f in result.findings if f.rule == "TKT008"]
    assert finding.alert_code == int(alert)


@pytest.mark.parametrize("text", [
    "Nagios alert 48 fired on the file server again.\n",  # not about TLS
    "Schannel logged the usual noise; alert 1234 in the monitoring tool.\n",  # no TLS alert
    "The TLS certificate expires in 48 days, no alert yet.\n",  # a number, not an alert
])
def test_an_alert_number_outside_tls_is_not_read(text: str) -> None:
    result = analyze_text(text, "<ticket>")
    assert not any(f.rule == "TKT008" for f in result.findings), text


def test_an_alert_beside_its_event_id_is_read_as_that_event() -> None:
    result = analyze_text("Schannel event 36888 fatal alert 48 on the web server.\n", "<t>")
    assert not any(f.rule == "TKT008" for f in result.findings)
    assert result.root_causes == ("untrusted-root",)
