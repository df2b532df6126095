"""An event a post retells beside the evidence of it is one event, not several.

Posts quote an event's message in a sentence above its XML or record, list its provider and id
as bullets under the message, or name it in a heading and again in the text. Each retelling
that tells no more than the event itself (no other alert, no other value) is part of it: the
event is counted once and its lines are read, not reported as prose. Every catalog event that
a message names (`shapes.cases`), each retelling shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from certtriage import analyze_text

from .shapes import Case, cases, copy_with_xml, xml_export

_NAMED = [c for c in cases() if not c.generic]


def _quoted_above_xml(case: Case) -> str:
    flat = " ".join(case.message.split())
    return f'In the event viewer we have this error:\n> {flat}\n\n``` xml\n{xml_export(case)}```\n'


def _quoted_above_record(case: Case) -> str:
    flat = " ".join(case.message.split())
    return f'The log says "{flat}" every minute. Here is one:\n\n{copy_with_xml(case)}'


def _bullets_under_message(case: Case) -> str:
    flat = " ".join(case.message.split())
    return (f'When the log shows the event stating "{flat}", look further.\n'
            f"Details on the event\n- Event Source: {case.event.provider}\n"
            f"- Event ID: {case.event.id}\n")


def _named_again(case: Case) -> str:
    flat = " ".join(case.message.split())
    return (f"## Event ID {case.event.id}\n\nEvent ID {case.event.id} from "
            f"{case.event.provider} is logged as follows.\n\n> {flat}\n\nEvent ID "
            f"{case.event.id} comes back after every restart.\n")


RETELLINGS: dict[str, Callable[[Case], str]] = {
    "quoted-above-xml": _quoted_above_xml, "quoted-above-record": _quoted_above_record,
    "bullets-under-message": _bullets_under_message, "named-again": _named_again,
}


@pytest.mark.parametrize("shape", list(RETELLINGS))
@pytest.mark.parametrize("case", _NAMED, ids=lambda c: f"{c.event.provider}-{c.event.id}")
def test_an_event_retold_beside_itself_is_one_event(case: Case, shape: str) -> None:
    result = analyze_text(RETELLINGS[shape](case), "post")
    assert [(e["provider"], e["event_id"]) for e in result.events] == [
        (case.event.provider, case.event.id)], result.events
    alone = analyze_text(xml_export(case), "xml")
    assert set(result.root_causes) == set(alone.root_causes)
    if shape != "named-again":  # a heading naming no provider is no mention of one
        assert not any("not an event message" in w and "Event" in w for w in result.warnings)


def test_a_retelling_with_another_alert_stays_a_second_event() -> None:
    case = next(c for c in _NAMED if c.event.id == 36887)
    other = " ".join(case.message.split()).replace(case.values["AlertDesc"], "40")
    result = analyze_text(f"Earlier we also saw:\n> {other}\n\n{xml_export(case)}", "post")
    assert sorted(e["alert_code"] for e in result.events) == sorted(
        [40, int(case.values["AlertDesc"])])


#: An alert event without its number, as posts bring it: bullets of its source and id, a
#: sentence naming it, a heading over its message cut before the number.
_UNNUMBERED = {
    "bullets": "Details on the event\n- Event Source: Schannel\n- Event ID: {id}\n"
               "It is logged when the handshake fails.\n",
    "sentence": "The System log shows Schannel event {id} every few minutes.\n",
    "cut-message": "### Event ID {id} (Schannel)\n\n> A fatal alert was {verb} the remote "
                   "endpoint. The TLS protocol defined fatal alert code is\n",
}


@pytest.mark.parametrize("shape", list(_UNNUMBERED))
@pytest.mark.parametrize("event_id", [36887, 36888])
def test_an_alert_event_without_its_number_decides_nothing_and_asks_for_it(
        event_id: int, shape: str) -> None:
    """A 36887 or 36888 named without its alert number or a time is no occurrence of a
    handshake that failed one way or another: nothing it says is a cause, and the event's
    own text, which holds the number, is what to collect."""
    verb = "received from" if event_id == 36887 else "generated and sent to"
    result = analyze_text(_UNNUMBERED[shape].format(id=event_id, verb=verb), "post")
    assert result.verdict == "inconclusive" and result.root_causes == ()
    assert [f.rule for f in result.findings] == ["SCH030"]
    assert "AlertDesc" in result.next_steps[0]


def test_an_alert_event_with_its_time_but_not_its_number_is_an_occurrence() -> None:
    """A record with its time (its message cut by a table) is a handshake that failed."""
    text = ("TimeCreated                      Id LevelDisplayName Message\n"
            "-----------                      -- ---------------- -------\n"
            "3/14/2025 9:12:44 AM          36888 Error            A fatal alert was generated "
            "and sent to the remote endpoint. This may result in term...\n")
    result = analyze_text(text, "table")
    assert "SCH030" not in {f.rule for f in result.findings}
    assert "tls-alert-generated" in {f.cause for f in result.findings}


@pytest.mark.parametrize("ids", ["36888/36874", "36888, 36874", "36888 and 36874",
                                 "36888 / 36874"])
def test_a_record_naming_several_ids_is_one_event_of_each(ids: str) -> None:
    """A post sums up what it saw under one label (`Event ID : 36888/36874`): each id is an
    event of the record's source."""
    result = analyze_text(f"Level : Error\nSource : Schannel\nEvent ID : {ids}\n", "post")
    assert sorted(e["event_id"] for e in result.events) == [36874, 36888]
    assert "no-common-cipher" in result.root_causes  # 36874 means one thing


def test_a_record_with_its_message_keeps_its_one_id() -> None:
    text = ("Source: Schannel\nEvent ID: 36888/36874\nDescription:\nA fatal alert was generated "
            "and sent to the remote endpoint. The TLS protocol defined fatal alert code is 40.\n")
    assert [e["event_id"] for e in analyze_text(text, "post").events] == [36888]


#: A post's title naming an alert event with its number, and its text naming the event again
#: without it (either first).
_TITLED = {
    "title-first": "Schannel error {id} (fatal alert {alert}) on our server\n\n"
                   "The System log fills with Schannel errors (Event ID {id}) every minute.\n",
    "text-first": "The System log fills with Schannel errors (Event ID {id}) every minute.\n\n"
                  "It is always Schannel {id}, fatal alert {alert}.\n",
}


@pytest.mark.parametrize("shape", list(_TITLED))
@pytest.mark.parametrize("alert", [10, 40, 42, 46, 48, 80])
@pytest.mark.parametrize("event_id", [36887, 36888])
def test_an_event_named_again_with_less_is_one_event(event_id: int, alert: int,
                                                      shape: str) -> None:
    """Named once with its alert number and once without, an alert event is one event: the
    mention without the number tells nothing the other does not."""
    result = analyze_text(_TITLED[shape].format(id=event_id, alert=alert), "post")
    assert [(e["event_id"], e.get("alert_code")) for e in result.events] == [(event_id, alert)]
    assert "SCH030" not in {f.rule for f in result.findings}


def _bullets_above_record(case: Case) -> str:
    """A page's bullets saying what to look for, its words as the next bullet, then the copy of
    the event itself (its XML cut to the data: no `<System>`)."""
    record = copy_with_xml(case)
    head, _, xml = record.partition("Event Xml:\n")
    cut = re.sub(r"\s*<System>.*?</System>", "", xml, flags=re.DOTALL)
    return (f"Look for this event:\n   * Log Name: {case.event.provider}/Operational\n"
            f"   * Event ID: {case.event.id}\n   * The event names the client's certificate.\n\n"
            f"{head}Event Xml:\n{cut}")


@pytest.mark.parametrize("case", _NAMED, ids=lambda c: f"{c.event.provider}-{c.event.id}")
def test_bullets_naming_an_event_above_its_copy_are_the_copy(case: Case) -> None:
    """The bullets tell no more than the copy below them: one event, with the copy's time
    (from its Date label, its XML being cut before `<System>`) and its values."""
    result = analyze_text(_bullets_above_record(case), "post")
    events = [e for e in result.events if e["event_id"] == case.event.id]
    assert len(events) == 1, result.events
    assert events[0].get("time"), events[0]
    alone = analyze_text(xml_export(case), "xml")
    assert set(result.root_causes) == set(alone.root_causes)


_RETOLD_36874 = {
    "typed over": 'Schannel Error 36874 "An {p} connection was recieved from a remote client '
                  'application, but none of the cipher suites are supported."',
    "in a sentence": "The System log shows Schannel event 36874 for {p} connections every few "
                     "seconds.",
    "heading": "Event ID 36874 ({p}): no common cipher suite",
}


@pytest.mark.parametrize("protocol", ["TLS 1.0", "TLS 1.2", "TLSv1.1", "SSL 3.0"])
@pytest.mark.parametrize("shape", list(_RETOLD_36874))
def test_an_event_named_with_its_protocol_keeps_it(shape: str, protocol: str) -> None:
    """36874 named with the protocol the client used, in words the catalog's wording does not
    match (typed over, a sentence, a heading): the protocol is read from the line."""
    result = analyze_text(_RETOLD_36874[shape].format(p=protocol) + "\n")
    (event,) = result.model.events
    assert event.event_id == 36874
    assert event.data["Protocol"] == protocol.replace("v", " ").upper().replace("  ", " ")
    assert "(not shown)" not in result.findings[0].message


@pytest.mark.parametrize("lead", ["The server logs EventIDs {a}{sep}{b} at each attempt.",
                                  "Schannel {a}{sep}{b} show up in the System log.",
                                  "We see events {a}{sep}{b} from Schannel.",
                                  "RDP fails with Event ID {a}{sep}{b}; nothing else."])
@pytest.mark.parametrize("sep", [", ", " and ", " & ", " und ", " et "])
@pytest.mark.parametrize(("a", "b"), [(36874, 36888), (36885, 36887), (36877, 36888)])
def test_ids_listed_in_a_sentence_are_each_an_event(lead: str, sep: str, a: int,
                                                    b: int) -> None:
    """A sentence listing the ids it saw names each of them, not only the first or the one
    the text says more of."""
    result = analyze_text(lead.format(a=a, b=b, sep=sep) + "\n", "post")
    assert {a, b} <= {e["event_id"] for e in result.events}, result.events


@pytest.mark.parametrize("text", ["Schannel 36888, 2024-03-01 09:12\n",
                                  "Schannel 36888, 1205 times since Monday\n"])
def test_a_date_or_a_count_after_an_id_is_no_listed_id(text: str) -> None:
    result = analyze_text(text, "post")
    assert [e["event_id"] for e in result.events] == [36888]


def _title(message: str) -> str:
    """The start of a message as a post's title gives it: its first sentence, or its first
    half."""
    first = message.split(". ")[0]
    words = message.split()
    return first if first != message else " ".join(words[:max(3, len(words) // 2)])


@pytest.mark.parametrize("case", _NAMED, ids=lambda c: f"{c.event.provider}-{c.event.id}")
def test_a_title_repeating_the_start_of_the_quoted_message_is_no_second_event(
        case: Case) -> None:
    flat = " ".join(case.message.split())
    post = f"{_title(flat)}\n\nHi, the System log shows this every minute:\n\n{flat}\n\nWhy?\n"
    alone = analyze_text(f"{flat}\n", "message")
    assert len(alone.events) == 1
    result = analyze_text(post, "post")
    assert [(e["provider"], e["event_id"]) for e in result.events] == [
        (e["provider"], e["event_id"]) for e in alone.events], result.events


def test_the_same_message_quoted_twice_is_two_occurrences() -> None:
    case = next(c for c in _NAMED if c.event.id == 36874)
    flat = " ".join(case.message.split())
    result = analyze_text(f"Monday:\n{flat}\n\nTuesday:\n{flat}\n", "post")
    assert len(result.events) == 2


def test_two_records_of_one_message_stay_two_events() -> None:
    """A KB showing the same message under two event ids, each a record of its own with a
    placeholder for its date: two records, whichever message is the longer."""
    case = next(c for c in _NAMED if c.event.id == 4107)
    flat = " ".join(case.message.split())
    records = "".join(
        f"Log Name: Application\nSource: Microsoft-Windows-CAPI2\nDate: Date and time\n"
        f"Event ID: {event_id}\nLevel: Error\nComputer: ComputerName\nDescription:\n{message}\n"
        for event_id, message in ((4107, flat), (11, flat[:-1])))
    result = analyze_text(records, "kb")
    assert sorted(e["event_id"] for e in result.events) == [11, 4107]
