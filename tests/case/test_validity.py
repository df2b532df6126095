"""A certificate's validity is judged at the time of the evidence about it, then at the time of
analysis, and every output format says so with both times."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from certtriage.batch import batch
from certtriage.case.validity import judge
from certtriage.models.common import Identity
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES

CASES = FIXTURES / "cases"
EXPIRED = CASES / "expired-before-403-17"
LOGGED = CASES / "valid-when-logged"
NOW = datetime(2026, 12, 1)


def _cert(**given: object) -> Identity:
    values: dict[str, object] = {"kind": "certificate", "where": "certificate 0 of the file",
                                 "subject": "CN=Kim Akers,O=Contoso", "thumbprint": "ab" * 20,
                                 "not_before": datetime(2025, 1, 1),
                                 "not_after": datetime(2026, 1, 1), "utc": True}
    return Identity.model_validate({**values, **given})


def _window(status: str, time: datetime, until: datetime | None = None,
            utc: bool = True) -> Identity:
    return Identity(kind="server", where=f"{status} requests (lines 5-9)", status=status,
                    time=time, until=until or time, utc=utc)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_an_expired_certificate_is_judged_at_the_first_403_17() -> None:
    report = batch([EXPIRED])
    (cert,) = report.cases[0].certificates
    (said,) = cert.validity
    assert (said.state, said.judged_at, said.evidence) == ("expired", "evidence",
                                                           "the first 403.17")
    assert said.at == datetime(2021, 3, 4, 8, 12, 31) and said.bound == datetime(2021, 3, 1)
    sentence = ("Kim Akers had expired 3 days before the first 403.17 at 2021-03-04 08:12 UTC "
                "(NotAfter 2021-03-01 00:00 UTC)")
    assert said.said == sentence
    for fmt in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML):
        assert sentence in _flat(render(report, fmt, width=400)), fmt
    data = json.loads(render(report, OutputFormat.JSON))["cases"][0]
    assert sentence in data["notes"]
    assert data["certificates"][0]["validity"][0]["state"] == "expired"


def test_a_certificate_valid_when_logged_and_expired_since_says_both_times() -> None:
    report = batch([LOGGED])
    (cert,) = report.cases[0].certificates
    states = [(v.evidence, v.state, v.judged_at) for v in cert.validity]
    assert states == [("CAPI2 event 41; the first 403.13", "valid-then-expired", "analysis")]
    sentence = ("Ana Torres was valid when logged (CAPI2 event 41 at 2025-11-03 02:00 UTC; the "
                "first 403.13 at 2025-11-03 02:00 UTC) and has expired since: NotAfter "
                "2026-01-31 09:00 UTC, before the time of analysis 2026-12-01 00:00 UTC")
    for fmt in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML):
        assert sentence in _flat(render(report, fmt, width=400)), fmt
    assert sentence in json.loads(render(report, OutputFormat.JSON))["cases"][0]["notes"]


def test_a_certificate_not_yet_valid_at_the_evidence() -> None:
    (said,) = judge([_cert(), _window("403.17", datetime(2024, 12, 31, 22, 0))], NOW)
    assert said.state == "not-yet-valid" and said.bound == datetime(2025, 1, 1)
    assert said.said.startswith("Kim Akers was not yet valid at the first 403.17 at "
                                "2024-12-31 22:00 UTC: it became valid 2 hours later")


def test_a_certificate_that_expires_within_a_window_is_judged_at_its_last_line() -> None:
    window = _window("403.17", datetime(2025, 12, 31, 20, 0), datetime(2026, 1, 2, 9, 30))
    (said,) = judge([_cert(), window], NOW)
    assert said.state == "expired" and said.evidence == "the last 403.17"
    assert "was valid at the first 403.17" in said.said
    assert "expired 1 day 9 hours before the last 403.17 at 2026-01-02 09:30 UTC" in said.said


def test_valid_then_and_now_is_said_with_the_time_it_uses() -> None:
    (said,) = judge([_cert(not_after=datetime(2099, 1, 1)),
                     _window("403.16", datetime(2025, 6, 1, 8, 0))], NOW)
    assert said.state == "valid" and said.judged_at == "evidence"
    assert said.said == ("Kim Akers was valid at the first 403.16 at 2025-06-01 08:00 UTC "
                         "(NotAfter 2099-01-01 00:00 UTC)")


def test_no_certificate_sent_and_other_certificates_are_not_judged() -> None:
    other = _cert(thumbprint="cd" * 20, where="CAPI2 event 30", event_id=30,
                  not_before=None, not_after=None, time=datetime(2027, 1, 1))
    assert judge([_cert(), _window("403.7", datetime(2027, 1, 1)), other], NOW) == ()
    same = other.model_copy(update={"thumbprint": "ab" * 20})
    (said,) = judge([_cert(), same], NOW)
    assert said.state == "expired" and said.evidence == "CAPI2 event 30"


def test_a_local_time_against_utc_is_pointed_out() -> None:
    (said,) = judge([_cert(utc=False), _window("403.17", datetime(2026, 1, 1, 3, 0))], NOW)
    assert "NotAfter 2026-01-01 00:00 local time" in said.said
    assert said.said.endswith("one time is UTC and the other local: allow for the server's "
                              "time zone")


def test_the_certificate_judged_is_the_one_the_evidence_is_about(tmp_path: Path) -> None:
    """Two certificates side by side: each judged only at the time of its own evidence."""
    root = tmp_path / "case"
    shutil.copytree(LOGGED, root)
    shutil.copy(FIXTURES / "certs" / "contoso-client-expired.cer", root / "kim.cer")
    case = batch([root]).cases[0]
    by_label = {c.label.split(" (")[0]: c for c in case.certificates}
    assert set(by_label) == {"Ana Torres", "Kim Akers"}
    assert by_label["Kim Akers"].validity == ()
    assert {v.certificate for v in by_label["Ana Torres"].validity} == {"Ana Torres"}


@pytest.mark.parametrize("folder", [EXPIRED, LOGGED], ids=lambda p: p.name)
def test_every_judgement_names_the_time_it_uses(folder: Path) -> None:
    for cert in batch([folder]).cases[0].certificates:
        for said in cert.validity:
            assert f"{said.at:%Y-%m-%d %H:%M}" in said.said
            assert said.judged_at == "evidence" or "time of analysis" in said.said


def test_zones_are_pointed_out_only_where_they_could_decide() -> None:
    (said,) = judge([_cert(utc=False), _window("403.17", datetime(2026, 3, 1))], NOW)
    assert said.state == "expired" and "time zone" not in said.said


def test_the_same_judgement_of_several_pieces_of_evidence_is_said_once() -> None:
    """Two windows in which the certificate was valid (it has expired since), and one after it
    expired: the first two are one sentence naming both, the third its own."""
    cert = _cert()
    early = _window("403.13", datetime(2025, 3, 1, 8, 0))
    later = _window("403.16", datetime(2025, 6, 1, 8, 0))
    late = _window("403.17", datetime(2026, 2, 1, 8, 0))
    judged = judge([cert, early, later, late], NOW)
    assert [j.state for j in judged] == ["valid-then-expired", "expired"]
    assert judged[0].said.startswith(
        "Kim Akers was valid when logged (the first 403.13 at 2025-03-01 08:00 UTC; the first "
        "403.16 at 2025-06-01 08:00 UTC) and has expired since: NotAfter 2026-01-01 00:00 UTC")
    assert judged[1].said.startswith("Kim Akers had expired 31 days before the first 403.17")
