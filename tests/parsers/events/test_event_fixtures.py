"""Our synthetic event exports, in every shape, against their hand-written expectations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from certtriage import analyze_path, analyze_text

from ...conftest import FIXTURES

EVENTS = FIXTURES / "events"
EXPECTED: list[dict[str, Any]] = json.loads((EVENTS / "expected.json").read_text())


def test_every_event_fixture_has_an_expectation() -> None:
    on_disk = {str(p.relative_to(EVENTS)) for p in EVENTS.rglob("*")
               if p.is_file() and p.suffix in (".txt", ".csv", ".xml", ".json", ".ndjson")
               and p.name != "expected.json"}
    assert on_disk == {e["file"] for e in EXPECTED}


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_event_fixture(entry: dict[str, Any]) -> None:
    result = analyze_path(EVENTS / entry["file"])
    expect = entry["expect"]
    assert result.kind == "event-log", result.error
    assert result.status == expect.get("status", "parsed"), result.warnings
    assert [e["event_id"] for e in result.events] == expect["event_ids"]
    assert [e["alert_code"] for e in result.events if "alert_code" in e] == expect.get(
        "alert_codes", [])
    assert set(result.root_causes) == set(expect["root_causes"])
    assert result.verdict == expect["verdict"]
    present = {f.cause for f in result.findings if not f.root_cause}
    assert set(expect.get("warnings", []) + expect.get("symptoms", [])) <= present
    if "hresults" in expect:
        assert list(result.hresults) == expect["hresults"]
    model = result.model
    assert model is not None and getattr(model, "shape", None) == entry["shape"]


def test_36885_is_recognised_in_every_shape() -> None:
    shapes = {e["shape"] for e in EXPECTED if 36885 in e["expect"]["event_ids"]}
    assert shapes >= {"copy-details", "legacy-text", "wevtutil-text", "format-list", "csv",
                      "tsv", "xml", "message-only"}


_WITH_XML = sorted(p for p in (EVENTS / "copy-details").glob("*.txt")
                   if "Event Xml:" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _WITH_XML, ids=[p.name for p in _WITH_XML])
def test_a_sentence_after_an_events_xml_is_no_part_of_it(path: Any) -> None:
    """Event Viewer's copy ends with the event's XML: a line written after its closing tag (a
    post's next sentence) is text around the event, read for other evidence, not its XML."""
    original = path.read_text(encoding="utf-8")
    sentence = "This one is logged every few minutes since the CA was renewed."
    result = analyze_text(original.rstrip("\n") + f"\n\n{sentence}\n")
    plain = analyze_text(original)
    assert result.events == plain.events
    assert [u.text for u in result.model.unparsed] == [  # type: ignore[union-attr]
        *(u.text for u in plain.model.unparsed), sentence]  # type: ignore[union-attr]
