"""CAPI2 events name the certificates they are about, so a case can link them; event times say
whether they are UTC (EVTX, XML) or the exporting machine's local time (text, CSV)."""

from __future__ import annotations

from datetime import datetime

import pytest

from certtriage.case import about, diagnose_case
from certtriage.models.findings import InputResult, Report
from certtriage.parsers.events.text import parse as parse_events
from certtriage.pipeline import analyze_path, analyze_text
from certtriage.render import OutputFormat, render

from ...conftest import FIXTURES

XML = FIXTURES / "events" / "xml"
OBJECTS = FIXTURES / "cases" / "valid-when-logged" / "capi2-operational.xml"
ANA = "7d2c9a41e0b35f6812c4d7e9a03b5f1c8e26d94a"


def _read(path: object, source: str | None = None) -> InputResult:
    result = analyze_path(str(path))
    return result.model_copy(update={"source": source}) if source else result


@pytest.mark.parametrize(("name", "event_id", "subject", "thumbprint"), [
    ("capi2-30-client-untrusted-root.xml", 30, "Ana Torres", ANA),
    ("capi2-41-revocation-offline.xml", 41, "Ana Torres", ANA),
    ("capi2-42-crl-expired.xml", 42, "Ana Torres", ANA),
    ("capi2-42-ocsp-rejected.xml", 42, "svc-reporting",
     "e2b94c07a1d35f68c0e7a2b9d4f1036c8e5a7b21"),
])
def test_a_capi2_event_outside_a_run_names_its_certificate(
        name: str, event_id: int, subject: str, thumbprint: str) -> None:
    result = _read(XML / name)
    (identity,) = result.identities
    assert (identity.kind, identity.event_id, identity.subject, identity.thumbprint) == (
        "certificate", event_id, subject, thumbprint)
    assert identity.time is not None and identity.server and identity.utc is True
    findings = [f for f in result.findings if f.event_id == event_id]
    assert findings and all(about(result, f) == (identity,) for f in findings)


def test_the_issuer_an_event_names_is_kept_but_is_not_what_it_is_about() -> None:
    event = _read(XML / "capi2-42-crl-expired.xml").model.events[0]  # type: ignore[union-attr]
    roles = [(c.role, c.name) for c in event.capi2.certificates]
    assert roles == [("subject", "Ana Torres"), ("issuer", "Fabrikam Issuing CA 02")]


def test_x509_objects_complete_the_identity_of_the_same_certificate() -> None:
    result = _read(OBJECTS)
    (identity,) = result.identities
    assert identity.event_id == 41 and identity.subject == (
        "CN=Ana Torres, OU=Finance, O=Fabrikam, C=US")
    assert identity.serial == "5d00000a41c37e29b5f08d6e1200000000000a41"
    assert identity.issuer == "CN=Fabrikam Issuing CA 02, O=Fabrikam, C=US"
    assert (identity.not_before, identity.not_after) == (datetime(2025, 2, 1, 9),
                                                         datetime(2026, 1, 31, 9))
    objects = result.model.events[0].capi2.certificates  # type: ignore[union-attr]
    assert [(c.role, c.ca) for c in objects] == [("object", None), ("object", True)]


def test_capi2_events_about_one_certificate_are_linked_and_others_are_not() -> None:
    same = diagnose_case("case", [_read(XML / "capi2-42-crl-expired.xml", "a.xml"),
                                  _read(XML / "capi2-41-revocation-offline.xml", "b.xml")])
    assert len(same.certificates) == 1 and same.certificates[0].sources == ("a.xml", "b.xml")
    other = diagnose_case("case", [_read(XML / "capi2-42-crl-expired.xml", "a.xml"),
                                   _read(XML / "capi2-30-server-name-mismatch.xml", "b.xml")])
    assert len(other.certificates) == 2
    assert not any("confirmed" in n for n in other.notes)


def test_a_capi2_event_and_a_certificate_file_of_another_certificate_stay_apart() -> None:
    capi2 = _read(XML / "capi2-41-revocation-offline.xml", "capi2.xml")
    cert = _read(FIXTURES / "certs" / "contoso-client-expired.cer", "kim.cer")
    case = diagnose_case("case", [capi2, cert])
    assert len(case.certificates) == 2  # Ana Torres and Kim Akers: never one certificate


# ---- the time zone of event times -------------------------------------------------------
def test_xml_system_time_is_utc_in_the_model_and_the_timeline() -> None:
    result = _read(XML / "capi2-42-crl-expired.xml", "capi2.xml")
    assert result.model.events[0].utc  # type: ignore[union-attr]
    case = diagnose_case("case", [result])
    assert case.timeline and all(e.utc for e in case.timeline)


@pytest.mark.parametrize("path", [
    FIXTURES / "events" / "csv" / "mixed-system-events.csv",
    FIXTURES / "events" / "wevtutil-text" / "schannel-36875-and-36887.txt",
], ids=lambda p: p.name)
def test_text_and_csv_exports_keep_the_exporting_machines_local_time(path: object) -> None:
    result = _read(path, "export.txt")
    events = result.model.events  # type: ignore[union-attr]
    assert events and not any(e.utc for e in events)
    assert all(i.utc is False for i in result.identities if i.time is not None)
    case = diagnose_case("case", [result])
    assert case.timeline and not any(e.utc for e in case.timeline)


def test_a_text_export_with_a_zone_is_utc() -> None:
    log = parse_events((FIXTURES / "events" / "wevtutil-text" /
                        "schannel-36881-36882-36883.txt").read_text())
    assert log.events and all(e.utc for e in log.events)


def test_the_log_summary_says_whose_clock_a_text_export_uses() -> None:
    result = _read(FIXTURES / "events" / "csv" / "mixed-system-events.csv")
    shown = " ".join(render(Report(version="0", verdict="fail", inputs=(result,)),
                            OutputFormat.TEXT, width=400).split())
    assert "2/6/2024 09:12:40 AM (local time of the machine that exported it)" in shown


def test_the_validity_of_a_certificate_a_capi2_log_checked_is_shown_near_the_check() -> None:
    """A CAPI2 log validates many certificates: their NotBefore/NotAfter join the timeline only
    when they lie near its moments (the log's own times)."""
    result = _read(OBJECTS, "capi2.xml")
    kinds = [e.kind for e in diagnose_case("case", [result]).timeline]
    assert "not-after" not in kinds and "not-before" not in kinds  # 3 and 9 months away
    (identity,) = result.identities
    near = identity.model_copy(update={"not_after": datetime(2025, 11, 3, 1, 0)})
    shifted = result.model_copy(update={"identities": (near,)})
    kinds = [e.kind for e in diagnose_case("case", [shifted]).timeline]
    assert "not-after" in kinds and "not-before" not in kinds


def test_a_csv_export_keeps_the_seconds_of_its_local_times() -> None:
    events = _read(FIXTURES / "events" / "csv" / "mixed-system-events.csv").model.events  # type: ignore[union-attr]
    assert [e.time_at for e in events][:2] == [datetime(2024, 2, 6, 9, 12, 40),
                                               datetime(2024, 2, 6, 8, 47, 13)]


@pytest.mark.parametrize(("element", "event_id"), [
    ("CertGetCertificateChain", 11), ("CertVerifyCertificateChainPolicy", 30),
    ("CertVerifyRevocation", 41), ("CryptRetrieveObjectByUrlWire", 53)])
@pytest.mark.parametrize("wrapped", [False, True], ids=["alone", "in-prose"])
def test_a_capi2_event_pasted_without_its_system_part_is_known_by_its_content(
        element: str, event_id: int, wrapped: bool) -> None:
    """Articles quote a CAPI2 event's `<UserData>` only: the element it holds names the event."""
    xml = (f"<Event>\n  <UserData>\n    <{element}>\n"
           '      <Certificate fileRef="0F1E2D3C.cer" subjectName="portal.contoso.com" />\n'
           '      <Result value="800B010A">A certificate chain could not be built to a trusted '
           f"root authority.</Result>\n    </{element}>\n  </UserData>\n</Event>\n")
    text = f"The CAPI2 log shows this error (Event ID {event_id}):\n\n{xml}" if wrapped else xml

    result = analyze_text(text)

    assert [(e["provider"], e["event_id"]) for e in result.events] == [
        ("Microsoft-Windows-CAPI2", event_id)]
    assert "0x800b010a" in result.hresults
