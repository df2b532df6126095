"""Real event texts and real EVTX files from ../shared (skipped when it is absent)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.parsers.events.evtx import parse as read_evtx
from certtriage.parsers.events.model import EventLog

from ...conftest import MISSION, REAL, SHARED

pytestmark = pytest.mark.real_corpus
EVTX = SHARED / "corpus" / "evtx"


def _cases() -> list[dict[str, Any]]:
    path = REAL / "expected.json"
    if not path.exists():
        return []
    return [e for e in json.loads(path.read_text()) if e["file"].startswith("events/")]


CASES = _cases()


@pytest.mark.parametrize("entry", CASES, ids=[Path(e["file"]).name[:40] for e in CASES])
def test_real_event_texts(entry: dict[str, Any]) -> None:
    result = analyze_path(REAL / entry["file"])
    expect = entry["expect"]
    assert result.kind == "event-log"
    assert [e["event_id"] for e in result.events] == expect["event_ids"]
    if "alert_codes" in expect:
        alerts = [e["alert_code"] for e in result.events if "alert_code" in e]
        assert alerts == expect["alert_codes"]
    if "root_causes" in expect:
        assert set(result.root_causes) == set(expect["root_causes"])
    if "hresults" in expect:
        assert sorted(result.hresults) == sorted(expect["hresults"])
    if "verdict" in expect:
        assert result.verdict == expect["verdict"]


def test_mission_article_36885_texts() -> None:
    text = MISSION.read_text(encoding="utf-8")
    first = text[text.index("Event Type: Warning"):text.index("Related articles:")]
    second = text[text.index("The following event was written to the System log:"):
                  text.index("Resolution would be")]
    for excerpt in (first, second):
        result = analyze_text(excerpt)
        assert [(e["provider"], e["event_id"]) for e in result.events] == [("Schannel", 36885)]
        assert result.root_causes == ("issuer-list-truncated",)
        assert "403.7" in result.iis_substatus


def test_the_unresolved_description_is_replaced_by_what_the_event_means() -> None:
    result = analyze_path(next(REAL.glob("events/009-*")))
    event = result.events[0]
    assert event["data"] == {"Type": "client", "ErrorState": "10013"}
    assert "credential" in str(event["message"]).lower()


# ---- EVTX ------------------------------------------------------------------------------------
CAPI2_COUNTS = {
    "capi2/capi2-operational-live.evtx": {11: 42, 30: 42, 41: 54, 53: 12, 90: 34},
    "capi2/capi2-operational-shadowcopy6.evtx": {11: 52, 30: 53, 41: 78, 53: 11, 90: 33},
    "dirty/capi2-truncated-midchunk.evtx": {11: 6, 30: 6, 41: 8, 53: 5, 90: 5},
}


@pytest.mark.parametrize("name", sorted(CAPI2_COUNTS))
def test_capi2_event_counts(name: str) -> None:
    log = read_evtx(EVTX / name)
    counts = Counter(e.event_id for e in log.events)
    assert {k: counts[k] for k in CAPI2_COUNTS[name]} == CAPI2_COUNTS[name]
    assert log.runs, "chain builds are grouped into runs"
    assert all(11 in run.event_ids for run in log.runs)


#: records the evtx package returns, and errors it raises, per damaged file (SOURCES.md).
DIRTY = {
    "dirty/bad-chunk-magic.evtx": (270, 2),
    "dirty/sysmon-with-bad-records.evtx": (358, 8),
    "dirty/rdpcorets-vss0-dirty.evtx": (1910, 4),
    "dirty/system-zero-data-size-event.evtx": (335, 1),
    "dirty/dns-log-malformed.evtx": (5, 0),
    "dirty/application-no-crc32.evtx": (17, 0),
    "dirty/security-bad-string-cache.evtx": (2261, 0),
}


@pytest.mark.parametrize("name", sorted(DIRTY))
def test_damaged_files_are_read_past_their_damage(name: str) -> None:
    records, errors = DIRTY[name]
    log = read_evtx(EVTX / name)
    assert log.records_read == records
    assert log.record_errors == errors
    if errors:
        assert any("unreadable" in p for p in log.problems)


@pytest.mark.parametrize("name", ["dirty/capi2-truncated-midchunk.evtx",
                                  "dirty/security-truncated-200000.evtx"])
def test_truncation_is_detected(name: str) -> None:
    result = analyze_path(EVTX / name)
    model = result.model
    assert isinstance(model, EventLog) and model.truncated
    assert result.status == "partial"
    assert any(w.startswith("truncated") for w in result.warnings)


def test_a_system_log_without_relevant_events_says_so() -> None:
    result = analyze_path(EVTX / "system" / "system-pyevtx.evtx")
    assert result.kind == "evtx" and result.verdict == "inconclusive"
    assert any("no Schannel" in w for w in result.warnings)


# ---- the summary of a real log, as an engineer reads it ---------------------------------------
_LOGS = sorted(p for p in EVTX.glob("*/*.evtx") if p.parent.name in ("system", "capi2", "large"))


@pytest.mark.parametrize("path", _LOGS, ids=[p.name for p in _LOGS])
def test_a_real_log_is_summarised_with_every_record_counted(path: Path) -> None:
    from certtriage.render.view import input_view

    result = analyze_path(path)
    log = result.model
    assert isinstance(log, EventLog)
    assert log.records_read > 0 and log.counts and log.computers
    assert sum(c.count for c in log.counts) + log.uncounted == log.records_read
    assert log.first_time is not None and log.last_time is not None
    assert log.first_time <= log.last_time
    assert all(c.first is not None and c.last is not None and c.first <= c.last
               for c in log.counts)
    view = input_view(result)
    keys = [(r.source, r.event_id, r.level, r.detail) for r in view.events]
    assert len(keys) == len(set(keys)), "a repeated event is one row"
    assert not any(r.event_id in ("15007", "15008") for r in view.events)
    assert view.log is not None
    if log.records_read > 1:
        assert view.log.facts[0].startswith(f"{log.records_read:,} records read")
    elif result.findings:
        assert view.log.facts == (), "a single event its finding describes needs no summary"
    else:  # a single event no rule speaks of: the summary is all there is to say about it
        assert view.log.facts[0].startswith("1 record read")


def test_the_real_domain_controller_log_holds_no_certificate_event() -> None:
    from certtriage.render.view import input_view

    result = analyze_path(EVTX / "system" / "system-plaso-dc.evtx")
    view = input_view(result)
    assert result.verdict == "inconclusive"
    assert view.events == () and view.others == ()
    assert view.summary == "INCONCLUSIVE  no certificate event among 5,009 records"
    assert view.log is not None
    assert ("Microsoft-Windows-HttpEvent", "15007") in {
        (r.source, r.event_id) for r in view.log.unrelated}


@pytest.mark.parametrize("name", ["capi2-operational-live", "capi2-operational-shadowcopy6"])
def test_a_real_capi2_log_lists_every_validation(name: str) -> None:
    from certtriage.render.view import input_view

    result = analyze_path(EVTX / "capi2" / f"{name}.evtx")
    log = result.model
    assert isinstance(log, EventLog) and log.runs
    view = input_view(result)
    assert view.log is not None
    assert sum(r.count for r in view.log.validations) == len(log.runs)
    outcomes = Counter(run.outcome for run in log.runs)
    assert sum(outcomes.values()) == len(log.runs)
    assert view.log.validations_line.startswith(f"{len(log.runs)} CAPI2 chain validations: "
                                                f"{outcomes['accepted']} accepted")
    assert result.verdict == ("fail" if outcomes["rejected"] else "pass")
    assert view.summary.endswith(view.log.validations_line)
    assert len(view.log.validations) < len(log.runs), "identical validations grouped"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "csv"])
def test_real_logs_render_in_every_format(fmt: str) -> None:
    from certtriage.pipeline import report
    from certtriage.render import OutputFormat, render

    results = [analyze_path(EVTX / "capi2" / "capi2-operational-live.evtx"),
               analyze_path(EVTX / "system" / "system-plaso-dc.evtx")]
    out = render(report(results), OutputFormat(fmt))
    if fmt == "json":
        inputs = json.loads(out)["inputs"]
        assert [len(i["model"]["runs"]) for i in inputs] == [34, 0]
    elif fmt == "csv":
        assert len(out.splitlines()) == 3
    else:
        assert "34 CAPI2 chain validations" in out and "5,009 records read" in out
