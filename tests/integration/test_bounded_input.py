"""The inputs that once ended a run, took time with the square of their size or memory without
bound, each rebuilt as the class it belongs to: nesting without end, damaged EVTX records,
exports cut anywhere, and inputs past every limit (which is reported with its count).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import evtx as evtx_package
import pytest

from certtriage import analyze_bytes, analyze_text, parsers
from certtriage.parsers.events import evtx
from certtriage.parsers.events import text as events_text
from certtriage.parsers.events.records import MAX_JSON_DEPTH, node_from_evtx_json
from certtriage.text import xml

from ..conftest import FIXTURES
from ..helpers.shapes import certutil_chain, event_csv, event_xml, iis_locations
from .test_scaling import lines_executed

_COUNT = re.compile(r"(\d[\d,]*) XML element\(s\) nested deeper than the limit of (\d+) levels")


def _nested_event(depth: int) -> str:
    return ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
            '<Provider Name="Schannel" /><EventID>36888</EventID></System><EventData>'
            '<Data Name="AlertDesc">46</Data>'
            + "<Deep>" * depth + "</Deep>" * depth + "</EventData></Event>")


def _nested_config(depth: int) -> str:
    return ("<configuration><system.webServer><security><access sslFlags=\"Ssl\" />"
            "</security>" + "<deep>" * depth + "</deep>" * depth
            + "</system.webServer></configuration>")


@pytest.mark.parametrize("depth", [xml.MAX_DEPTH, 500, 5_000, 100_000])
@pytest.mark.parametrize("nested", [_nested_event, _nested_config])
def test_nesting_past_the_limit_is_counted_and_the_rest_is_read(nested: Any, depth: int) -> None:
    result = analyze_text(nested(depth))
    assert result.status == "partial", result.error
    found = [m for w in result.warnings if (m := _COUNT.search(w))]
    assert len(found) == 1, result.warnings
    skipped, limit = (int(g.replace(",", "")) for g in found[0].groups())
    assert limit == xml.MAX_DEPTH and 0 < skipped <= depth
    if nested is _nested_event:
        assert [e.event_id for e in result.model.events] == [36888]
    else:
        assert result.kind == "iis-config"


def test_an_xml_tree_holds_at_most_its_element_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xml, "MAX_ELEMENTS", 40)
    config = iis_locations(50)
    result = analyze_text(config)
    elements = len(re.findall(r"<[A-Za-z]", config)) + 1  # and the reader's own wrapper
    assert f"{elements - 40} XML element(s) past the limit of 40 elements were skipped" in (
        " ".join(result.warnings))
    assert result.status == "partial"


@pytest.mark.parametrize("shape", [event_xml, event_csv])
def test_events_past_the_limit_are_counted(monkeypatch: pytest.MonkeyPatch, shape: Any) -> None:
    monkeypatch.setattr(events_text, "MAX_EVENTS", 10)
    result = analyze_text(shape(32))
    assert len(result.model.events) == 10
    assert "22 more events past the limit of 10 events were counted but not kept" in (
        result.warnings)


@pytest.fixture
def short_certutil() -> Iterator[None]:
    """certutil -verify output read to 40 lines (a registry entry is frozen: set and restored)."""
    fmt = parsers.by_id("certutil-verify")
    kept = fmt.max_lines
    object.__setattr__(fmt, "max_lines", 40)
    yield
    object.__setattr__(fmt, "max_lines", kept)


@pytest.mark.usefixtures("short_certutil")
def test_lines_past_a_formats_limit_are_counted() -> None:
    chain = certutil_chain(20)
    result = analyze_text(chain)
    left = chain.count("\n") - 40
    assert result.kind == "certutil-verify" and result.status == "partial"
    assert (f"only the first 40 lines were read: {left} more line(s) are past the limit for "
            "certutil -verify output and were not read") in result.warnings


def test_a_clean_chain_cut_by_the_line_limit_does_not_pass() -> None:
    chain = (FIXTURES / "certutil" / "pass" / "three-element-client-auth-urlfetch.txt").read_text(
        encoding="utf-8")
    fmt = parsers.by_id("certutil-verify")
    kept = fmt.max_lines
    object.__setattr__(fmt, "max_lines", chain.count("\n") + 5)
    try:
        assert analyze_text(chain).verdict == "pass"
        result = analyze_text(chain + "  Issuer: CN=Contoso\n" * 50)  # the rest is never read
    finally:
        object.__setattr__(fmt, "max_lines", kept)
    assert result.verdict == "inconclusive" and result.status == "partial"


# ---- EVTX records the evtx package hands over damaged -------------------------------------------

_ODD_KEYS = ["", "_", "_1", "#attributes", "\n", "a\nb", "Data\n_1", "x_attributes\n",
             "#text_1", "#text", "Name_99999999999999999999"]
_ODD_VALUES: list[Any] = [None, "", 0, [], {}, ["a", None], {"#text": None}, "text",
                          [{"a": 1}], {"": {}}]


def test_any_evtx_json_record_becomes_a_tree() -> None:
    for key in _ODD_KEYS:
        for value in _ODD_VALUES:
            for attrs in (value, {"Name": "x"}):
                record = {"System": {key: value, "#attributes": attrs}, key: {"#attributes": attrs}}
                node = node_from_evtx_json("Event", record)
                assert node.name == "Event"


def test_evtx_json_nested_without_end_is_cut() -> None:
    value: dict[str, Any] = {}
    for _ in range(20_000):
        value = {"Deep": value}
    node = node_from_evtx_json("Event", value)
    assert sum(1 for _ in node.walk()) == MAX_JSON_DEPTH + 2


class _FakeParser:
    """Stands for the evtx package's parser: hands over the given records, raising where a
    record is an exception."""

    records: list[Any] = []

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def records_json(self) -> _FakeParser:
        self.left = iter(self.records)
        return self

    def __iter__(self) -> _FakeParser:
        return self

    def __next__(self) -> dict[str, Any]:
        record = next(self.left)
        if isinstance(record, BaseException):
            raise record  # and goes on with the next record, as the package's iterator does
        return record  # type: ignore[no-any-return]


def _schannel_record(i: int) -> dict[str, Any]:
    event = {"System": {"Provider": {"#attributes": {"Name": "Schannel"}}, "EventID": 36888,
                        "EventRecordID": i},
             "EventData": {"AlertDesc": 46, "ErrorState": i}}
    return {"data": json.dumps({"Event": event})}


def _evtx_file() -> bytes:
    return (FIXTURES / "evtx" / "system-schannel.evtx").read_bytes()


def test_damaged_records_are_counted_whatever_they_raise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_FakeParser, "records", [
        RuntimeError(""), AssertionError(), _schannel_record(1), {"data": "{"},
        {"data": json.dumps({"Event": {"": {"\n": None}}})}, {"data": "[" * 100_000},
        {"data": json.dumps({"Event": "x"})}, _schannel_record(2)])
    monkeypatch.setattr(evtx_package, "PyEvtxParser", _FakeParser)
    log = evtx.parse(_evtx_file())
    assert [e.event_id for e in log.events] == [36888, 36888]
    assert log.record_errors == 2
    assert any("RuntimeError" in p for p in log.problems)
    assert any("AssertionError" in p for p in log.problems)


def test_reading_evtx_records_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evtx_package, "PyEvtxParser", _FakeParser)
    data = _evtx_file()
    work = []
    for n in (5, 50, 500):
        monkeypatch.setattr(_FakeParser, "records", [_schannel_record(i) for i in range(n)])
        work.append(lines_executed(lambda: analyze_bytes(data)))
    assert work[2] <= 12 * work[1] and work[1] <= 12 * work[0], work


# ---- text exports cut anywhere ----------------------------------------------------------------

def _cuts() -> Iterator[tuple[str, str]]:
    for path in sorted((FIXTURES / "events" / "wevtutil-text").glob("*.txt")):
        lines = path.read_text(encoding="utf-8-sig").split("\n")
        for end in range(1, len(lines)):
            yield f"{path.name}:{end}", "\n".join(lines[:end]) + "\n"
            yield f"{path.name}:{end}+half", "\n".join(lines[:end]) + "\n" + lines[end][:7]


def test_a_wevtutil_export_cut_anywhere_is_read_as_far_as_it_goes() -> None:
    assert analyze_text("Event[0]:\n").status != "error"
    failed = [(name, r.error) for name, text in _cuts()
              if (r := analyze_text(text)).status == "error"]
    assert failed == []
