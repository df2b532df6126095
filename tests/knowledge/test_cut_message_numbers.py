"""A TLS alert message quoted short in a sentence that names the alert after the quote.

Posts quote the start of a Schannel 36887 / 36888 message and give the alert number in their
own words after it (`Schannel 36887 "A fatal alert was received from the remote endpoint"
with alert code 48`, in any language). The quote matches the message cut short, which has no
alert of its own; the number named after it on the event's line is the alert. Every alert the
catalog knows is rendered in each language, quote style and sentence shape below.
"""

from __future__ import annotations

import pytest

from certtriage.knowledge.catalog import event_knowledge

CUT = {36887: "A fatal alert was received from the remote endpoint",
       36888: "A fatal alert was generated and sent to the remote endpoint"}
QUOTES = (("“", "”"), ('"', '"'), ("« ", " »"), ("'", "'"))
AFTER = ("with alert code {n}", "avec code d’alerte TLS {n}", "con el código de alerta {n}",
         "mit dem Alarmcode {n}", "(alert {n})", "- TLS alert {n}.")


def _alerts() -> list[int]:
    return sorted(int(code) for code in event_knowledge().alerts)


def test_the_catalog_knows_the_alerts() -> None:
    assert {40, 42, 46, 48, 70} <= set(_alerts())


@pytest.mark.parametrize("after", AFTER)
@pytest.mark.parametrize("quote", QUOTES, ids=lambda q: q[0].strip())
@pytest.mark.parametrize("event_id", sorted(CUT))
def test_the_alert_named_after_a_quoted_message_is_its_alert(event_id: int,
                                                             quote: tuple[str, str],
                                                             after: str) -> None:
    knowledge = event_knowledge()
    for alert in _alerts():
        line = (f"We get Schannel {event_id} {quote[0]}{CUT[event_id]}{quote[1]} "
                + after.format(n=alert))
        found = [f for f in knowledge.find_messages(line) if f.event_id == event_id]
        assert len(found) == 1, line
        assert found[0].slots.get("AlertDesc") == str(alert), line


def test_a_whole_message_keeps_its_own_alert() -> None:
    line = ("Schannel 36887: A fatal alert was received from the remote endpoint. The TLS "
            "protocol defined fatal alert code is 46. We also saw alert 48 yesterday.")
    (found,) = [f for f in event_knowledge().find_messages(line) if f.event_id == 36887]
    assert found.slots["AlertDesc"] == "46"


#: Messages whose first sentence is the event's and whose rest a post retells in its own
#: words, with the numbers: event id, text, slots expected, the numbers to try.
RETOLD = (
    (36871, "A fatal error occurred while creating a TLS client credential. Internal error "
            "state {n}/10010", {"ErrorState": "{n}", "Type": "client"}, (10013, 1205, 960)),
    (36871, "A fatal error occurred while creating a TLS server credential. Error state: {n}",
     {"ErrorState": "{n}", "Type": "server"}, (10013, 10011)),
    (36888, "A fatal alert was generated and sent to the remote endpoint. Alert {n}, state 1205",
     {"AlertDesc": "{n}"}, (40, 48, 70)),
)


@pytest.mark.parametrize("bullet", ["", "  • 36871 – “", "- ", "> "])
@pytest.mark.parametrize(("event_id", "text", "slots", "values"), RETOLD)
def test_a_message_retold_after_its_first_sentence_is_its_event(
        bullet: str, event_id: int, text: str, slots: dict[str, str],
        values: tuple[int, ...]) -> None:
    for n in values:
        line = bullet + text.format(n=n) + ("”." if "“" in bullet else "")
        found = [f for f in event_knowledge().find_messages(line) if f.match != "mention"]
        assert [f.event_id for f in found] == [event_id], line
        assert {k: v.format(n=n) for k, v in slots.items()}.items() <= found[0].slots.items()


def test_a_short_wording_alone_is_still_its_own_event() -> None:
    found = event_knowledge().find_messages("Creating a TLS client credential.")
    assert [(f.event_id, f.match) for f in found] == [(36867, "template")]
