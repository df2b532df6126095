"""Events exported as JSON by any tool: what each record holds is read by what its keys mean.

Every catalog event in the JSON of PowerShell, the evtx tools, Winlogbeat, Log Analytics and
Splunk is checked with the other shapes (`test_every_shape`); here: the other tools' layouts
(Velociraptor, a snake-case conversion, an Elasticsearch response), records among other JSON
and prose, JSON cut at every point, JSON that is no event log, and hostile JSON.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

from certtriage import analyze_bytes, analyze_text
from certtriage.parsers.events import json_export, sniff_text

from ...conftest import FIXTURES

HOST = "WEB07.contoso.com"
ALERT_48 = ("A fatal alert was generated and sent to the remote endpoint. This may result in "
            "termination of the connection. The TLS protocol defined fatal error code is 48. "
            "The Windows SChannel error state is 552.")


def _events(text: str) -> list[Any]:
    return json_export.events_in(text)[0]


def test_velociraptor_values_and_epoch_times() -> None:
    text = json.dumps({"System": {
        "Provider": {"Name": "Schannel", "Guid": "{1F678132-5938-4686-9FDC-C8FF68F15C85}"},
        "EventID": {"Value": 36888}, "Level": 2, "EventRecordID": 991,
        "TimeCreated": {"SystemTime": 1741939964.041}, "Channel": "System", "Computer": HOST},
        "EventData": {"AlertDesc": 48, "ErrorState": 552, "TargetName": ""},
        "Message": ALERT_48})
    (event,) = _events(text)
    assert (event.provider, event.event_id, event.alert_code) == ("Schannel", 36888, 48)
    assert event.time == "2025-03-14T08:12:44.041000Z"
    assert (event.computer, event.level, event.record_id) == (HOST, "error", 991)


def test_powershell_dates_levels_and_qualified_ids() -> None:
    """`Get-EventLog` writes `\\/Date(ms)\\/`, its EntryType as a number and, in InstanceId,
    the qualifiers in the high bits."""
    text = json.dumps({"MachineName": HOST, "Index": 7, "EntryType": 1,
                       "InstanceId": 0xC0003AAD, "Source": "HTTP",
                       "ReplacementStrings": ["0.0.0.0:443", "\\Device\\Http\\ReqQueue"],
                       "TimeGenerated": "/Date(1741939964000)/"}).replace("/Date", "\\/Date")
    (event,) = _events(text)
    assert event.event_id == 15021 and event.level == "error"
    assert event.time == "2025-03-14T08:12:44.000000Z"


def test_a_capi2_event_in_snake_case_reads_its_chain() -> None:
    """Converters that write the System part in snake case keep UserData's element names;
    what XML holds as attributes they write as members."""
    text = json.dumps({
        "system": {"provider": "Microsoft-Windows-CAPI2", "event_id": 11, "level": 2,
                   "time_created": "2025-03-14T08:12:44.041222+00:00",
                   "channel": "Microsoft-Windows-CAPI2/Operational", "computer": HOST},
        "user_data": {"CertGetCertificateChain": {
            "Certificate": {"fileRef": "9F3A52C1B7E04D6A8C2F1E0B5D7A3C9E4B6F2A10.cer",
                            "subjectName": "Kim Akers"},
            "CertificateChain": {"chainRef": "{4F0D}", "TrustStatus": {
                "ErrorStatus": {"value": "10000", "CERT_TRUST_IS_PARTIAL_CHAIN": ""},
                "InfoStatus": {"value": "0"}},
                "ChainElement": {"Certificate": {"subjectName": "Kim Akers"},
                                 "TrustStatus": {"ErrorStatus": {"value": "10000"}}}},
            "CorrelationAuxInfo": {"TaskId": "{B1C8}", "SeqNumber": "2"},
            "Result": {"value": "800B010A", "#text": "A certificate chain could not be "
                       "built to a trusted root authority."}}}})
    (event,) = _events(text)
    assert (event.provider, event.event_id) == ("Microsoft-Windows-CAPI2", 11)
    assert event.capi2 is not None
    assert (event.capi2.result, event.capi2.chain_error) == (0x800B010A, 0x10000)
    assert [e.subject for e in event.capi2.elements] == ["Kim Akers"]
    assert event.time == "2025-03-14T08:12:44.041222+00:00"
    assert "partial-chain" in analyze_text(text).root_causes


def test_records_inside_a_search_response_and_one_per_line() -> None:
    doc = {"winlog": {"provider_name": "Schannel", "event_id": "36888",
                      "event_data": {"AlertDesc": "48", "ErrorState": "552"}},
           "@timestamp": "2025-03-14T08:12:44.041Z", "host": {"name": HOST}}
    response = json.dumps({"hits": {"hits": [{"_source": doc}, {"_source": doc}]}}, indent=1)
    assert [e.alert_code for e in _events(response)] == [48, 48]
    lines = "\n".join(json.dumps(doc) for _ in range(3))
    assert [e.span.start for e in _events(lines)] == [1, 2, 3]


def test_prose_around_json_is_read_for_itself() -> None:
    text = ("Our portal answers 403.16 since the CA renewal; winlogbeat shipped this:\n\n"
            + json.dumps({"winlog": {"provider_name": "Schannel", "event_id": 36888,
                                     "event_data": {"AlertDesc": 48}}}, indent=2)
            + "\n\nThe same happens on WEB08.\n")
    result = analyze_text(text)
    assert result.kind == "event-log" and result.model.shape == "json"
    assert [e["event_id"] for e in result.events] == [36888]
    assert "untrusted-root" in result.root_causes
    assert not any("not an event message" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize("fixture", ["get-winevent-36885-36888.json",
                                     "winlogbeat-36888-alert-45.ndjson"])
def test_json_cut_at_any_point_reads_whole_records_in_order(fixture: str) -> None:
    """A paste that stops anywhere: never an error, never an event the whole text does not
    hold, and the records before the cut in order."""
    text = (FIXTURES / "events" / "json" / fixture).read_text(encoding="utf-8")
    whole = [(e.provider, e.event_id) for e in _events(text)]
    for cut in range(1, len(text), 5):
        found = [(e.provider, e.event_id) for e in _events(text[:cut])]
        assert found == whole[:len(found)], cut


@pytest.mark.parametrize("text", [
    json.dumps({"name": "portal", "version": "1.0.0", "dependencies": {"lark": "^1.2"}}),
    json.dumps({"id": 4711, "subject": "403 on portal", "via": {"source": {"name": "mail"}}}),
    json.dumps([{"id": 1, "name": "portal", "code": 403, "source": "web"}]),  # no event
    '{"Id": 36888, "ProviderName": ',  # nothing whole
    "[1, 2, 3]\n{not json}\n",
])
def test_json_that_holds_no_event_record_is_no_event_log(text: str) -> None:
    assert json_export.events_in(text)[0] == []
    assert not sniff_text(text)


def test_an_escaped_dump_in_a_ticket_export_is_still_unwrapped() -> None:
    """A ticket system's JSON whose string holds a whole certutil dump stays the dump: only
    event records keep their JSON as written."""
    dump = (FIXTURES / "certutil" / "fragments" / "trailer-only-offline.txt").read_text()
    wrapped = json.dumps({"id": 4711, "source": "mail", "body": dump.replace("\n", "\r\n")})
    assert analyze_bytes(wrapped.encode()).kind == "certutil-verify"


@pytest.mark.parametrize("text", [
    "[" * 200_000 + "]" * 200_000,
    '{"a": ' * 50_000 + "1" + "}" * 50_000,
    '{"EventID": 36888, "Source": "Schannel", "EventData": "<!DOCTYPE x [<!ENTITY e '
    '\\"boom\\">]><EventData><Data Name=\\"AlertDesc\\">&e;</Data></EventData>"}',
    '{"EventID": 36888, "Source": "Schannel", "Message": "' + "x" * 2_000_000 + '"}',
    # lines that each open a value no JSON reader takes: read once, not once per line
    '{"EventID": 36888, "Source": "Schannel"}\n' + '{"a" "b" 1 2 [3\n' * 20_000,
])
def test_hostile_json_gives_an_answer_not_a_crash(text: str) -> None:
    result = analyze_text(text)
    assert result.status != "error" or result.error, result
    for event in result.events:
        assert "boom" not in json.dumps(event)


_FIXTURES = sorted(p for p in (FIXTURES / "events" / "json").iterdir() if "json" in p.suffix)
_PASTED = {
    "quoted in a mail": lambda t: "Kim wrote:\n" + "".join(f"> {line}\n"
                                                          for line in t.splitlines()),
    "HTML": lambda t: f"<html><body><p>The export:</p><pre>{html.escape(t)}</pre></body></html>",
    "German prose": lambda t: ("Hallo zusammen,\nseit dem Zertifikatswechsel bekommen die "
                               f"Partner 403. Der Export:\n\n{t}\nViele Grüße\n"),
}


@pytest.mark.parametrize("shape", list(_PASTED))
@pytest.mark.parametrize("path", _FIXTURES, ids=lambda p: p.name)
def test_an_export_pasted_in_any_shape_is_read_as_it_is(path: Any, shape: str) -> None:
    text = path.read_text(encoding="utf-8")
    pasted = analyze_bytes(_PASTED[shape](text).encode(), "pasted.txt")
    plain = analyze_text(text)
    assert pasted.root_causes == plain.root_causes, pasted.findings

    def certificate_events(result: Any) -> list[int]:
        return [e["event_id"] for e in result.events if e.get("certificate")]

    assert certificate_events(pasted) == certificate_events(plain)
