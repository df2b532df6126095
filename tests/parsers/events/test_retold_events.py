"""An event a post retells beside the evidence of it is one event, not several.

Posts quote an event's message in a sentence above its XML or record, list its provider and id
as bullets under the message, or name it in a heading and again in the text. Each retelling
that tells no more than the event itself (no other alert, no other value) is part of it: the
event is counted once and its lines are read, not reported as prose. Every catalog event that
a message names (`shapes.cases`), each retelling shape.
"""

from __future__ import annotations

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


def test_an_alert_event_retold_without_its_number_decides_nothing() -> None:
    """A 36887 named as bullets, without its message's alert number, is no occurrence of a
    handshake that failed one way or another: nothing it says is a cause."""
    text = ("Details on the event\n- Event Source: Schannel\n- Event ID: 36887\n"
            "It is logged when a fatal alert was received from the remote endpoint.\n")
    result = analyze_text(text, "post")
    assert result.verdict == "inconclusive" and result.root_causes == ()
