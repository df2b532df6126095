"""A record whose event id no event of its provider has, but whose message is one's.

Documentation and posts carry ids that Windows never logs for a provider (a typo, a number
from an older product's article: `Event ID: 36189`, `Source: SCHANNEL`, and the message of
36869). The record was read as an event nobody knows and diagnosed as nothing. Every
label/value fixture with one record and its message is given ids of no event: it reads as
the event its message is, with a warning naming both ids; an id the provider has is kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certtriage import analyze_text
from certtriage.knowledge.catalog import event_knowledge

from ...conftest import FIXTURES

_ID = re.compile(r"^(?P<label>[ \t]*Event ID:[ \t]*)(?P<id>\d+)[ \t]*$", re.MULTILINE)
FOLDERS = ("copy-details", "legacy-text", "wevtutil-text")


def _message_id(path: Path) -> int | None:
    """The one event of the record's provider whose message the record shows (a mention does
    not count)."""
    result = analyze_text(path.read_text(encoding="utf-8"), path.name)
    (event,) = result.model.events  # type: ignore[union-attr]
    ids = {f.event_id for f in event_knowledge().find_messages(event.message)
           if f.match != "mention" and f.provider == event.provider}
    return ids.pop() if len(ids) == 1 else None


def _one_record() -> list[Path]:
    """The fixtures of one record whose message is one event's."""
    paths = []
    for folder in FOLDERS:
        for path in sorted((FIXTURES / "events" / folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if (len(_ID.findall(text)) == 1 and "<Event" not in text
                    and _message_id(path) is not None):
                paths.append(path)
    return paths


RECORDS = _one_record()


def _unknown_ids(provider: str, event_id: int) -> list[int]:
    knowledge = event_knowledge()
    swapped = (int(str(event_id)[:2] + "1" + str(event_id)[3:]) if event_id >= 1000
               else event_id + 7000)
    candidates = [event_id + 1000, event_id - 100, swapped]
    return [c for c in candidates if c > 0 and knowledge.get(provider, c) is None]


def test_the_class_is_there() -> None:
    assert len(RECORDS) >= 8


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_an_unknown_id_reads_as_the_event_its_message_is(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    alone = analyze_text(text, path.name)
    (event,) = alone.model.events  # type: ignore[union-attr]
    shown = _message_id(path)  # the labelled id's, or (a 2003 id) the same message's today
    for wrong in _unknown_ids(event.provider, event.event_id):
        given = analyze_text(_ID.sub(rf"\g<label>{wrong}", text), path.name)
        assert [e.event_id for e in given.model.events] == [shown]  # type: ignore[union-attr]
        if shown == event.event_id:
            assert given.verdict == alone.verdict
            assert set(given.root_causes) == set(alone.root_causes)
        assert any(f"has id {wrong}; read as {shown}" in w for w in given.warnings)


def test_a_known_id_is_kept_whatever_the_message() -> None:
    text = ("Log Name: System\nSource: Schannel\nEvent ID: 36888\nLevel: Error\n"
            "Description:\nThe certificate received from the remote server does not contain "
            "the expected name.\n")
    result = analyze_text(text, "x")
    assert [e.event_id for e in result.model.events] == [36888]  # type: ignore[union-attr]


def test_an_id_with_its_message_on_the_same_line_is_both() -> None:
    """Posts retype a record as `Event ID: 36887 A fatal alert ...`: the id, then its message."""
    text = ("Source: Schannel\nEvent ID: 36887 A fatal alert was received from the remote "
            "endpoint. The TLS protocol defined fatal alert code is 48.\n")
    (event,) = analyze_text(text).events
    assert (event["event_id"], event["alert_code"]) == (36887, 48)


def test_a_record_of_no_catalog_event_is_named_by_its_line() -> None:
    """A record of another service's event is named by its first line as written, not as the
    reader's fields."""
    text = ("Log Name: System\nEvent ID: 7023 The Web Application Proxy Service terminated "
            "with the following error: the service did not respond.\n")
    result = analyze_text(text)
    (warning,) = [w for w in result.warnings if "without its source" in w]
    assert warning.startswith("line 1:") and "Log Name: System" in warning
    assert "{" not in warning
