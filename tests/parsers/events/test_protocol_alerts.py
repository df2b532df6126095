"""A fatal alert about the TLS messages themselves (10, 20, 22, 50) is a warning that decides
nothing; an alert about a certificate is a root cause. Each alert is rendered as 36887 and
36888, in the catalog's English and Japanese wordings and in a wording no catalog holds, alone
and under an Event Viewer record; and named in a ticket's prose without its event."""

from __future__ import annotations

import pytest

from certtriage import analyze_text

PROTOCOL = (10, 20, 22, 50)
CERTIFICATE = (42, 45, 46, 48)
_WORDINGS = {
    36887: ("A fatal alert was received from the remote endpoint. The TLS protocol defined fatal "
            "alert code is {alert}.",
            "\u30ea\u30e2\u30fc\u30c8 \u30a8\u30f3\u30c9\u30dd\u30a4\u30f3\u30c8\u304b\u3089"
            "\u81f4\u547d\u7684\u306a\u8b66\u544a\u3092\u53d7\u3051\u53d6\u308a\u307e\u3057\u305f"
            "\u3002TLS \u30d7\u30ed\u30c8\u30b3\u30eb\u3067\u5b9a\u7fa9\u3055\u308c\u3066\u3044"
            "\u308b\u3053\u306e\u81f4\u547d\u7684\u306a\u8b66\u544a\u306e\u30b3\u30fc\u30c9\u306f"
            " {alert} \u3067\u3059\u3002",
            "The peer ended the session with TLS alert {alert}."),
    36888: ("The following fatal alert was generated: {alert}. The internal error state is 1203.",
            "\u6b21\u306e\u81f4\u547d\u7684\u306a\u8b66\u544a\u304c\u751f\u6210\u3055\u308c\u307e"
            "\u3057\u305f: {alert}\u3002\u5185\u90e8\u30a8\u30e9\u30fc\u306e\u72b6\u614b\u306f "
            "1203 \u3067\u3059\u3002",
            "We sent TLS alert {alert} and closed the session."),
}


def _texts(event_id: int, alert: int) -> dict[str, str]:
    found = {}
    for n, wording in enumerate(_WORDINGS[event_id]):
        message = wording.format(alert=alert)
        if n < 2:  # catalogued wordings are read alone
            found[f"alone-{n}"] = message + "\n"
        found[f"record-{n}"] = (f"Log Name:      System\nSource:        Schannel\nEvent ID:      "
                                f"{event_id}\nLevel:         Error\nComputer:      WEB07\n"
                                f"Description:\n{message}\n")
    return found


CASES = [(event_id, alert, shape, text) for event_id in _WORDINGS
         for alert in (*PROTOCOL, *CERTIFICATE)
         for shape, text in _texts(event_id, alert).items()]


@pytest.mark.parametrize(("event_id", "alert", "shape", "text"), CASES,
                         ids=[f"{e}-{a}-{s}" for e, a, s, _ in CASES])
def test_a_protocol_alert_decides_nothing_and_a_certificate_alert_does(
        event_id: int, alert: int, shape: str, text: str) -> None:
    result = analyze_text(text)

    assert [e["alert_code"] for e in result.events] == [alert], text
    warned = {f.rule for f in result.findings if f.severity == "warning"}
    if alert in PROTOCOL:
        assert (result.verdict, result.root_causes, warned) == ("inconclusive", (), {"SCH029"})
    else:
        assert result.verdict == "fail" and result.root_causes, result.findings
        assert "SCH029" not in warned


_PROSE = ("The server logs a fatal Schannel error ({alert}) each time a user tries to log in.",
          "Since Monday the System log is full of Schannel errors with fatal alert {alert}.",
          "Users cannot log in; the event log shows TLS alert {alert} every few minutes.")


@pytest.mark.parametrize("alert", (*PROTOCOL, *CERTIFICATE))
@pytest.mark.parametrize("sentence", _PROSE)
def test_an_alert_named_in_prose_decides_as_its_event_would(alert: int, sentence: str) -> None:
    result = analyze_text(sentence.format(alert=alert) + "\n")

    rules = {f.rule: f for f in result.findings}
    if alert in PROTOCOL:
        assert (result.verdict, result.root_causes) == ("inconclusive", ()), result.findings
        assert rules["TKT009"].severity == "warning"
    else:
        assert result.verdict == "fail" and "TKT008" in rules, result.findings
