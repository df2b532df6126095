"""A log summarised as an engineer reads it: records, time span, computers, counts per
provider and id, certificate events grouped by repeat, CAPI2 validations with their outcome,
and unrelated events counted (listed with --details)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage import analyze_path, analyze_text
from certtriage.render import OutputFormat, render
from certtriage.render.view import input_view

from ...conftest import FIXTURES
from ...helpers.scripts import stale_outputs

LOGS = FIXTURES / "events" / "logs"
NS = "http://schemas.microsoft.com/win/2004/08/events/event"

#: (provider, id, level, data, about certificates)
KINDS = (
    ("Schannel", 36887, 2, {"AlertDesc": "48"}, True),
    ("Schannel", 36887, 2, {"AlertDesc": "46"}, True),
    ("Schannel", 36888, 2, {"AlertDesc": "42", "ErrorState": "1203"}, True),
    ("Schannel", 36885, 3, {}, True),
    ("Microsoft-Windows-HttpEvent", 15021, 2, {"DeviceObject": "x", "Endpoint": "0.0.0.0:443"},
     True),
    ("Microsoft-Windows-HttpEvent", 15007, 4, {"DeviceObject": "x", "UrlPrefix": "http://+:80/"},
     False),
    ("Service Control Manager", 7036, 4, {"param1": "Spooler", "param2": "running"}, False),
    ("EventLog", 6013, 4, {}, False),
    ("Microsoft-Windows-Kernel-General", 16, 4, {}, False),
)


@dataclass(frozen=True)
class Record:
    kind: int
    time: str
    computer: str


def _log(seed: int) -> list[Record]:
    """A System log of random length, kinds, repeats, computers, in time order."""
    rng = random.Random(seed)
    computers = [f"WEB{n:02}.contoso.com" for n in range(rng.randint(1, 3))]
    records = []
    for minute in sorted(rng.sample(range(24 * 60), rng.randint(1, 40))):
        records.append(Record(rng.randrange(len(KINDS)),
                              f"2025-06-02T{minute // 60:02}:{minute % 60:02}:07.250000Z",
                              rng.choice(computers)))
    return records


def _xml(records: list[Record]) -> str:
    events = []
    for n, r in enumerate(records):
        provider, event_id, level, data, _ = KINDS[r.kind]
        values = "".join(f'<Data Name="{k}">{v}</Data>' for k, v in data.items())
        events.append(
            f'<Event xmlns="{NS}"><System><Provider Name="{provider}" />'
            f"<EventID>{event_id}</EventID><Level>{level}</Level>"
            f'<TimeCreated SystemTime="{r.time}" /><EventRecordID>{n + 1}</EventRecordID>'
            f"<Channel>System</Channel><Computer>{r.computer}</Computer></System>"
            f"<EventData>{values}</EventData></Event>")
    return "<Events>\n" + "\n".join(events) + "\n</Events>\n"


def _short(time: str) -> str:
    return time[:10] + " " + time[11:19]


@pytest.mark.parametrize("seed", range(12))
def test_every_record_is_counted_by_provider_and_id_with_its_times(seed: int) -> None:
    records = _log(seed)
    result = analyze_text(_xml(records))
    log = result.model
    assert log is not None
    assert log.records_read == len(records)
    expected = Counter((KINDS[r.kind][0], KINDS[r.kind][1]) for r in records)
    counts = {(c.provider, c.event_id): c for c in log.counts}
    assert {k: c.count for k, c in counts.items()} == dict(expected)
    for key, count in counts.items():
        times = [r.time for r in records if (KINDS[r.kind][0], KINDS[r.kind][1]) == key]
        assert (count.first, count.last) == (min(times), max(times))
        assert count.certificate == next(k[4] for k in KINDS if (k[0], k[1]) == key)
    assert (log.first_time, log.last_time) == (records[0].time, records[-1].time)
    assert {c.computer: c.count for c in log.computers} == dict(Counter(r.computer for r in records))


@pytest.mark.parametrize("seed", range(12))
def test_the_events_table_groups_repeats_and_leaves_unrelated_events_out(seed: int) -> None:
    records = _log(seed)
    view = input_view(analyze_text(_xml(records)))
    relevant = [r for r in records if KINDS[r.kind][4]]
    assert sum(row.count for row in view.events) == len(relevant)
    assert all((row.source, int(row.event_id)) not in {
        (k[0], k[1]) for k in KINDS if not k[4]} for row in view.events)
    by_group = Counter((row.source, row.event_id, row.detail) for row in view.events)
    assert max(by_group.values(), default=1) == 1, "one row per repeated event"
    for row in view.events:
        kinds = [i for i, k in enumerate(KINDS) if (k[0], str(k[1])) == (row.source, row.event_id)]
        times = [r.time for r in records if r.kind in kinds and _detail_of(r.kind) == row.detail]
        assert row.count == len(times)
        assert row.time == _short(min(times))
        assert row.last == ("" if min(times) == max(times) else _short(max(times)))
    assert view.log is not None
    unrelated = len(records) - len(relevant)
    assert (view.log.unrelated_line.startswith(f"{unrelated:,} record") if unrelated
            else view.log.unrelated_line == "")
    assert not any(g.cause == "url-reservation-changed" for g in view.others)


def _detail_of(kind: int) -> str:
    provider, event_id, _, data, _ = KINDS[kind]
    if event_id in (36887, 36888):
        from certtriage.knowledge.catalog import event_knowledge

        alert = int(data["AlertDesc"])
        return f"alert {alert} {event_knowledge().alerts.get(alert, '')}".strip()
    return ""


def test_a_capi2_log_lists_every_validation_with_its_outcome_and_cause() -> None:
    result = analyze_path(LOGS / "capi2-validations-mixed.xml")
    assert result.verdict == "fail"
    assert set(result.root_causes) == {"untrusted-root", "revoked"}
    view = input_view(result)
    assert view.log is not None
    rows = view.log.validations
    assert sum(r.count for r in rows) == 5
    failing = {r.subject: (r.outcome, r.error, r.causes) for r in rows if r.failed}
    assert failing == {"Pat Coleman": ("rejected", "0x800b0109", ("untrusted-root",)),
                       "Dana Birkby": ("rejected", "0x80092010", ("revoked",))}
    accepted = [r for r in rows if r.outcome == "accepted"]
    assert [(r.subject, r.count, r.time, r.last) for r in accepted] == [
        ("Kim Akers", 2, "2025-06-02 08:02:11", "2025-06-02 08:09:03")]
    assert [r.subject for r in rows if r.outcome == "built"] == ["Ana Torres"]
    assert rows[0].failed and rows[1].failed, "rejected validations first"
    assert [(r.subject, r.count) for r in view.log.each] == [
        ("Kim Akers", 1), ("Pat Coleman", 1), ("Kim Akers", 1), ("Dana Birkby", 1),
        ("Ana Torres", 1)], "every validation on its own, in log order"
    assert view.log.validations_line == (
        "5 CAPI2 chain validations: 2 accepted by their chain policy, 2 rejected by it, 1 "
        "built without errors and no policy check logged")


def test_a_capi2_log_without_rejections_passes_and_says_what_it_holds() -> None:
    text = (LOGS / "capi2-validations-mixed.xml").read_text()
    events = text.split("<Event ")
    kept = [e for e in events[1:] if "Pat Coleman" not in e and "Dana Birkby" not in e]
    result = analyze_text(events[0] + "".join("<Event " + e for e in kept))
    assert result.verdict == "pass"
    line = input_view(result).summary
    assert line.startswith("PASS  3 CAPI2 chain validations: 2 accepted by their chain "
                           "policy, 0 rejected by it, 1 built without errors"), line


def test_a_system_log_shows_its_repeats_once_and_counts_the_rest() -> None:
    result = analyze_path(LOGS / "system-repeats-and-unrelated.xml")
    view = input_view(result)
    assert [(r.event_id, r.count, r.time, r.last) for r in view.events] == [
        ("36887", 4, "2025-06-02 08:03:40", "2025-06-02 09:01:27"),
        ("36888", 1, "2025-06-02 08:22:33", "")]
    assert view.log is not None
    assert view.log.facts[0] == "9 records read, 2025-06-02 07:58:02 to 2025-06-02 09:01:27 UTC"
    assert view.log.facts[2] == "5 certificate events: Schannel 5 (36887 x4, 36888 x1)"
    assert [(r.source, r.event_id, r.count) for r in view.log.unrelated] == [
        ("Service Control Manager", "7036", 2), ("Microsoft-Windows-HttpEvent", "15007", 1),
        ("Service Control Manager", "7040", 1)]
    text = render(result_report(result), OutputFormat.TEXT, width=100)
    assert "--details lists them" in text and "15007" not in text
    detailed = render(result_report(result), OutputFormat.TEXT, width=100, details=True)
    assert "15007" in detailed and "--details" not in detailed


def result_report(result):  # type: ignore[no-untyped-def]
    from certtriage.pipeline import report

    return report([result])


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_carries_the_summary(fmt: OutputFormat) -> None:
    result = analyze_path(LOGS / "system-repeats-and-unrelated.xml")
    out = render(result_report(result), fmt)
    if fmt is OutputFormat.JSONL:
        events = json.loads(out.splitlines()[0])["events"]
        assert Counter(e["event_id"] for e in events if not e["certificate"]) == {
            7036: 2, 7040: 1, 15007: 1}
    elif fmt is OutputFormat.JSON:
        counts = json.loads(out)["inputs"][0]["model"]["counts"]
        assert sum(c["count"] for c in counts) == 9
        assert {c["event_id"] for c in counts if not c["certificate"]} == {7036, 7040, 15007}
    elif fmt is OutputFormat.CSV:
        assert out.splitlines()[1].split(",")[11] == "5", "certificate events only"
    else:
        assert "9 records read" in out and "not about certificates" in out
        assert "2025-06-02 09:01:27" in out


def test_an_evtx_log_counts_every_record_read() -> None:
    log = analyze_path(FIXTURES / "evtx" / "system-schannel.evtx").model
    assert log is not None
    assert sum(c.count for c in log.counts) == log.records_read == 26
    unrelated = {c.provider for c in log.counts if not c.certificate}
    assert unrelated == {"Service Control Manager", "EventLog"}
    assert [(c.computer, c.count) for c in log.computers] == [("IIS01.contoso.com", 26)]
    assert log.first_time is not None and log.last_time is not None
    assert log.first_time < log.last_time


@pytest.mark.parametrize("name", ["system-schannel.evtx", "system-schannel-truncated.evtx"])
def test_an_evtx_file_reads_the_same_from_any_name_and_from_its_bytes(
        name: str, tmp_path: Path) -> None:
    """The evtx package opens a path itself; a name it cannot take (not valid UTF-8) is read
    through the open file, and bytes from memory, to the same log."""
    import os
    import shutil

    from certtriage.parsers.events.evtx import parse

    source = FIXTURES / "evtx" / name
    odd = Path(os.fsdecode(tmp_path / "log") + os.fsdecode(b"\xff.evtx"))
    try:
        shutil.copyfile(source, odd)
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system takes no name that is not valid UTF-8")
    logs = [parse(source), parse(str(odd)), parse(odd), parse(source.read_bytes())]
    assert logs[0].records_read > 0 and not any("not readable" in p for p in logs[0].problems)
    assert all(log == logs[0] for log in logs[1:])


def test_the_fixtures_are_what_their_generator_writes() -> None:
    assert stale_outputs("make_event_log_fixtures") == set()


def test_redact_masks_the_computers_of_the_summary() -> None:
    from certtriage.redact import redact

    full = result_report(analyze_path(LOGS / "system-repeats-and-unrelated.xml"))
    for fmt in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML, OutputFormat.JSON):
        out = redact(render(full, fmt), full)
        assert "IIS01" not in out and "computer" in out


@pytest.mark.parametrize("computer", ["WEB01", 'odd\\"name', "back\\\\slash"])
@pytest.mark.parametrize("qualifiers", [True, False])
def test_an_evtx_record_is_counted_from_its_system_block(computer: str, qualifiers: bool) -> None:
    from certtriage.parsers.events.tally import EvtxTally

    ids = ('{"#attributes":{"Qualifiers":49152},"#text":15021}' if qualifiers else "15021")
    text = ('{"Event":{"#attributes":{"xmlns":"x"},"System":{"Provider":{"#attributes":'
            '{"Name":"HTTP","Guid":"{1-2}","EventSourceName":"HTTP"}},"EventID":' + ids +
            ',"Version":0,"Level":2,"Task":0,"Opcode":0,'
            '"TimeCreated":{"#attributes":{"SystemTime":"2025-01-01T00:00:00Z"}},'
            f'"Channel":"System","Computer":"{computer}"}},"EventData":{{"Computer":"no"}}}}}}')
    from certtriage.knowledge.catalog import event_knowledge

    tally = EvtxTally(event_knowledge().relevant)
    record = {"data": text, "timestamp": "2025-01-01T00:00:00.0Z UTC"}
    assert list(tally.scan([record] * 3)) == [text] * 3  # HTTP.sys: relevant, to be decoded
    fields = tally.fields()
    decoded = json.loads(f'"{computer}"')
    assert [(c.computer, c.count) for c in fields["computers"]] == [(decoded, 3)]
    [count] = fields["counts"]
    assert (count.provider, count.event_id, count.count, count.level, count.certificate) == (
        "Microsoft-Windows-HttpEvent", 15021, 3, "error", True)


def test_an_evtx_scan_counts_records_out_of_order_and_from_several_computers() -> None:
    """The scan's shortcuts (records mostly in time order, from one computer) never change
    the summary: a late record first, computers alternating, a record naming no provider."""
    from certtriage.knowledge.catalog import event_knowledge
    from certtriage.parsers.events.tally import EvtxTally

    def record(provider: str, computer: str, time: str) -> dict[str, str]:
        name = f'"Provider":{{"#attributes":{{"Name":"{provider}"}}}},' if provider else ""
        return {"timestamp": time, "data": (
            '{"Event":{"System":{' + name + '"EventID":7036,"Level":4,"Task":0,'
            f'"Channel":"System","Computer":"{computer}"}},"EventData":{{"x":"Schannel"}}}}}}')}

    records = [record("Service Control Manager", "B", "2025-01-03T00:00:00Z"),
               record("Service Control Manager", "A", "2025-01-01T00:00:00Z"),
               record("Service Control Manager", "A", "2025-01-02T00:00:00Z"),
               record("Service Control Manager", "B", "2025-01-02T12:00:00Z"),
               record("", "A", "2024-12-31T00:00:00Z")]
    tally = EvtxTally(event_knowledge().relevant)
    decoded = list(tally.scan(records))
    assert decoded == [records[4]["data"]]  # no provider named, but a relevant one in its text
    fields = tally.fields()
    assert tally.records == 5
    assert (fields["first_time"], fields["last_time"]) == ("2024-12-31T00:00:00Z",
                                                           "2025-01-03T00:00:00Z")
    assert [(c.computer, c.count) for c in fields["computers"]] == [("A", 3), ("B", 2)]
    scm = next(c for c in fields["counts"] if c.event_id == 7036 and c.provider != "(unknown)")
    assert (scm.count, scm.first, scm.last) == (4, "2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z")


_PROVIDERS = ["Service Control Manager", "Schannel", "Microsoft-Windows-Kernel-General",
              "Microsoft-Windows-CAPI2", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from([7036, 36888, 16]),
                          st.sampled_from([2, 4]),
                          st.one_of(st.none(), st.integers(0, 30)),
                          st.sampled_from(["A", "B", "AB"]), st.sampled_from([0, 1, 2, 3]),
                          st.sampled_from(["", "A", "B"]), st.booleans()), max_size=40),
       st.sampled_from([2, 3, 2000]))
def test_an_evtx_scan_sums_up_as_counting_each_record_does(
        rows: list[tuple[int, int, int, int | None, str, int, str, bool]], max_keys: int) -> None:
    """The scan's own counts per System block (joined to their pairs when it ends) give the
    summary that counting every record one by one gives: records in any time order, some
    without a time, from several computers, past the cap on pairs, event ids with and without
    qualifiers; the computer moved by fields before it, among them by exactly as far as from a
    record's own computer to the other computer its event data names (where the last record
    named the last one)."""
    from certtriage.knowledge.catalog import event_knowledge
    from certtriage.parsers.events import tally as tally_module

    apart = len('"Computer":"A","Security":null},"EventData":{')
    shifts = ["", '"Opcode":0,', '"Opcode":12,', '"Keywords":"' + "0" * (apart - 14) + '",']
    assert len(shifts[3]) == apart
    records, reference = [], tally_module.Tally()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tally_module, "MAX_KEYS", max_keys)
        for provider, event_id, level, day, computer, shift, other, qualified in rows:
            name = _PROVIDERS[provider]
            attrs = f'"Provider":{{"#attributes":{{"Name":"{name}"}}}},' if name else ""
            time = None if day is None else f"2025-01-{day + 1:02}T00:00:00Z"
            data = f',"EventData":{{"Computer":"{other}","Param":1}}' if other else ""
            number = (f'{{"#attributes":{{"Qualifiers":16384}},"#text":{event_id}}}'
                      if qualified else event_id)  # an id with qualifiers comes as an element
            records.append({"timestamp": time, "data": (
                '{"Event":{"System":{' + attrs + f'"EventID":{number},"Level":{level},'
                f'"Task":0,{shifts[shift]}"Channel":"System","Computer":"{computer}",'
                f'"Security":null}}{data}}}}}')})
            reference.add(name or tally_module.UNKNOWN, event_id, time, computer,
                          tally_module._LEVELS[str(level)], key=time)
        scanned = tally_module.EvtxTally(event_knowledge().relevant)
        list(scanned.scan(records))
        assert scanned.records == reference.records == len(rows)
        assert scanned.fields() == reference.fields()


@pytest.mark.parametrize(("code", "listed"), [("0xc0000409", False), ("0x800b0109", True)])
def test_another_services_event_is_listed_for_a_code_certtriage_knows(code: str,
                                                                     listed: bool) -> None:
    """An application's event is shown among the certificate events when it names a code of
    the tables (a chain error it logged), not for any code (a crash's exception code)."""
    text = (f"\nTimeCreated  : 3/14/2025 9:12:44 AM\nProviderName : Application Error\n"
            f"Id           : 1000\nMessage      : Faulting application name: app.exe, "
            f"exception code: {code}\n\n")
    rows = analyze_text(text).model.event_rows()  # type: ignore[union-attr]
    assert [r["certificate"] for r in rows] == [listed]
