"""Validity judged at the time of the run (bounded by the CRLs certutil fetched), then at the
time of analysis: generated over where NotBefore / NotAfter fall against the run's bounds and
the time of analysis, with the element's status shown or not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certtriage import analyze_text, clock
from certtriage.parsers.certutil_verify.parser import parse
from certtriage.parsers.certutil_verify.runtime import _minute, run_window

#: The CRL in every dump: ThisUpdate 9/15/2024, NextUpdate 9/22/2024 (the run is in between).
CRL_LINES = ["    CRL 7c:", "    Issuer: CN=Trey Research Issuing CA",
             "    ThisUpdate: 9/15/2024 7:10 AM", "    NextUpdate: 9/22/2024 7:30 PM",
             "    CRL: 9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c"]
#: (NotBefore, NotAfter) by where the period falls against the run and against 2026-12-01.
PERIODS = {
    "expired-before-run": ("6/2/2023 8:00 AM", "6/2/2024 8:00 AM"),
    "not-yet-valid-at-run": ("10/1/2024 8:00 AM", "10/1/2027 8:00 AM"),
    "expired-since-run": ("6/2/2024 8:00 AM", "6/2/2025 8:00 AM"),
    "valid-through-analysis": ("6/2/2024 8:00 AM", "6/2/2030 8:00 AM"),
}
ANALYSIS = "2026-12-01T00:00:00Z"


def _dump(period: str, status: str, crl: bool) -> str:
    not_before, not_after = PERIODS[period]
    lines = []
    if status != "none":
        bits = "1" if status == "flagged" else "0"
        lines.append(f"CertContext[0][0]: dwInfoStatus=102 dwErrorStatus={bits}")
    lines += ["  Issuer: CN=Trey Research Issuing CA", f"  NotBefore: {not_before}",
              f"  NotAfter: {not_after}", "  Subject: CN=Sam Okafor"]
    if status == "flagged":
        lines.append("  Element.dwErrorStatus = CERT_TRUST_IS_NOT_TIME_VALID (0x1)")
    lines += ["  ----------------  Certificate CDP  ----------------",
              '  Verified "Base CRL (7c)" Time: 0', "    [0.0] http://pki.treyresearch.net/a.crl",
              "", "  --------------------------------"]
    if crl:
        lines += CRL_LINES
    return "\n".join(lines) + "\n"


def _expected(period: str, status: str, crl: bool) -> tuple[bool, bool]:
    """(CHN006 fires, CHN007 fires)."""
    at_run = crl and period in ("expired-before-run", "not-yet-valid-at-run")
    chn006 = at_run and status == "none"
    valid_at_run = status != "flagged" and not at_run
    chn007 = valid_at_run and period in ("expired-since-run", "expired-before-run")
    return chn006, chn007


@pytest.mark.parametrize("crl", [True, False], ids=["crl", "no-crl"])
@pytest.mark.parametrize("status", ["none", "clean", "flagged"])
@pytest.mark.parametrize("period", sorted(PERIODS))
def test_validity_at_the_run_then_at_analysis(
        monkeypatch: pytest.MonkeyPatch, period: str, status: str, crl: bool) -> None:
    monkeypatch.setenv(clock.VARIABLE, ANALYSIS)
    result = analyze_text(_dump(period, status, crl))
    rules = [f.rule for f in result.findings]
    chn006, chn007 = _expected(period, status, crl)
    assert (rules.count("CHN006"), rules.count("CHN007")) == (int(chn006), int(chn007)), rules
    for finding in result.findings:
        if finding.rule == "CHN006":
            assert finding.root_cause and result.verdict == "fail"
            assert "9/15/2024 7:10 AM" in finding.message  # says what places the run
        if finding.rule == "CHN007":
            assert not finding.root_cause and "2026-12-01 00:00 UTC" in finding.message
    if status == "flagged":  # certutil's own judgement stands; no second finding about dates
        assert "CHN003" in rules and "CHN006" not in rules


def test_run_window_bounds() -> None:
    window = run_window(parse(_dump("valid-through-analysis", "clean", True)))
    assert (window.after, window.before) == (datetime(2024, 9, 15, 7, 10),
                                             datetime(2024, 9, 22, 19, 30))
    assert "ThisUpdate of CRL 7c" in window.describe()
    # A CRL of an element that shows offline revocation does not bound the run from above.
    offline = _dump("valid-through-analysis", "clean", True).replace(
        "dwErrorStatus=0", "dwErrorStatus=1000040\n"
        "  Element.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)")
    window = run_window(parse(offline))
    assert window.after is not None and window.before is None


@pytest.mark.parametrize(("given", "expected"), [
    ("2026-12-01T00:00:00Z", datetime(2026, 12, 1, tzinfo=UTC)),
    ("2026-12-01T02:00:00+02:00", datetime(2026, 12, 1, tzinfo=UTC)),
    ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
])
def test_clock_honours_the_analysis_time(monkeypatch: pytest.MonkeyPatch, given: str,
                                         expected: datetime) -> None:
    monkeypatch.setenv(clock.VARIABLE, given)
    assert clock.now() == expected


def test_clock_ignores_a_malformed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.VARIABLE, "yesterday")
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 60


def test_clock_reads_a_changed_time_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """The moment read from the variable is kept, but under its text: a new value counts."""
    for day in (1, 2, 1):
        monkeypatch.setenv(clock.VARIABLE, f"2026-12-0{day}T00:00:00Z")
        assert clock.now() == datetime(2026, 12, day, tzinfo=UTC)
    monkeypatch.delenv(clock.VARIABLE)
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 60


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31),
                    timezones=st.none() | st.just(UTC)))
def test_the_time_of_analysis_reads_as_strftime_writes_it(moment: datetime) -> None:
    assert _minute(moment) == moment.strftime("%Y-%m-%d %H:%M UTC")
