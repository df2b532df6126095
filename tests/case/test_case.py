"""A case links findings only about the same certificate, keeps every input's root cause, and
lays its moments on one time axis."""

from __future__ import annotations

import functools
import itertools
import json
import shutil
from pathlib import Path

import pytest

from certtriage.batch import batch
from certtriage.case import LISTED, diagnose_case
from certtriage.models.findings import InputResult
from certtriage.pipeline import analyze_path
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES

CERTUTIL = FIXTURES / "certutil"
LOGS = FIXTURES / "iis-logs"
TIMELINE = FIXTURES / "cases" / "crl-expired-before-403"

#: Failing certutil outputs, each about a certificate of its own (leaf thumbprints differ).
IDENTIFIED = (
    "partial-chain/missing-intermediate-aia-unreachable.txt",
    "scinfo/scinfo-chain-invalid-partial.txt",
    "revoked/leaf-revoked-key-compromise.txt",
    "fragments/tail-revoked.txt",
    "revocation-offline/cdp-http-404.txt",
    "revocation-offline/crl-expired-only-copy.txt",
    "revocation-offline/ocsp-and-cdp-unreachable.txt",
    "not-time-valid/leaf-expired.txt",
    "untrusted-root/private-root-not-in-store.txt",
    "signature-invalid/leaf-bad-signature.txt",
    "wrong-usage/leaf-server-auth-only-with-client-auth-policy.txt",
)


@functools.cache
def _read(name: str) -> InputResult:
    return analyze_path(str(CERTUTIL / name))


def _as(result: InputResult, source: str) -> InputResult:
    return result.model_copy(update={"source": source})


#: A fragment naming no certificate, with findings other than trailer-only-offline's.
_OTHER_FRAGMENT = "trailer-only-failed-untrusted.txt"


def _linking(notes: tuple[str, ...]) -> list[str]:
    return [n for n in notes if "confirmed" in n]


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(IDENTIFIED, 2)))
def test_two_certificates_are_never_linked_and_keep_their_root_causes(a: str, b: str) -> None:
    left, right = _as(_read(a), "a.txt"), _as(_read(b), "b.txt")
    case = diagnose_case("case", [left, right])
    assert not _linking(case.notes), case.notes
    assert len(case.certificates) == 2
    for result in (left, right):
        assert set(result.root_causes) <= set(case.root_causes)
    by_source = {c.sources: c.root_causes for c in case.certificates}
    assert set(by_source[("a.txt",)]) == set(left.root_causes)
    assert set(by_source[("b.txt",)]) == set(right.root_causes)


@pytest.mark.parametrize("name", IDENTIFIED)
def test_the_same_certificate_twice_is_confirmed(name: str) -> None:
    result = _read(name)
    case = diagnose_case("case", [_as(result, "a.txt"), _as(result, "b.txt")])
    assert len(case.certificates) == 1
    assert case.root_causes == case.certificates[0].root_causes
    for cause in result.root_causes:
        assert any(n.startswith(f"{cause} is confirmed by 2 files about ") for n in case.notes)


def test_the_ticket_folder_of_the_issue(tmp_path: Path) -> None:
    """A web chain with a failed AIA fetch next to another certificate's partial chain."""
    root = tmp_path / "ticket"
    root.mkdir()
    shutil.copy(CERTUTIL / "partial-chain/missing-intermediate-aia-unreachable.txt",
                root / "verify.txt")
    shutil.copy(CERTUTIL / "scinfo/scinfo-chain-invalid-partial.txt", root / "a.txt")
    case = batch([root]).cases[0]
    assert "partial-chain" in case.root_causes and "aia-unreachable" in case.root_causes
    assert "partial-chain" not in case.symptoms
    assert not _linking(case.notes)
    assert case.notes[0].startswith("2 different certificates or server logs in this case")
    text = render(batch([root]), OutputFormat.TEXT, width=100)
    assert "2 certificates" in text


def test_two_different_revoked_certificates_are_not_one_confirmation(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    shutil.copy(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt", root / "a.txt")
    shutil.copy(CERTUTIL / "fragments/tail-revoked.txt", root / "b.txt")
    case = batch([root]).cases[0]
    assert case.root_causes == ("revoked",)
    assert not any("confirmed by 2" in n for n in case.notes)
    assert [c.root_causes for c in case.certificates] == [("revoked",), ("revoked",)]
    assert {c.label.split(" (")[0] for c in case.certificates} == {"Ivy Nakamura", "Marta Novak"}


def test_a_certificate_failing_in_certutil_and_in_the_iis_log_is_linked(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "revocation-offline/cdp-http-404.txt", root / "verify.txt")
    shutil.copy(LOGS / "iis10-revocation-offline-burst.log", root / "u_ex.log")
    case = batch([root]).cases[0]
    assert case.root_causes == ("cdp-unreachable",)
    assert case.symptoms == ("revocation-offline",)
    assert len(case.certificates) == 1
    assert set(case.certificates[0].sources) == {str(root / "verify.txt"), str(root / "u_ex.log")}
    assert any("is confirmed from the other side: revocation-offline in" in n
               and "Sven Aalto" in n for n in case.notes)


def test_a_server_log_beside_two_certificates_is_linked_to_neither(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "revocation-offline/cdp-http-404.txt", root / "a.txt")
    shutil.copy(CERTUTIL / "revocation-offline/crl-expired-only-copy.txt", root / "b.txt")
    shutil.copy(LOGS / "iis10-revocation-offline-burst.log", root / "u_ex.log")
    case = batch([root]).cases[0]
    assert set(case.root_causes) == {"cdp-unreachable", "crl-expired", "revocation-offline"}
    assert not _linking(case.notes)
    assert len(case.certificates) == 3


def test_evidence_naming_no_certificate_joins_the_only_one(tmp_path: Path) -> None:
    one = [_as(_read("revocation-offline/cdp-http-404.txt"), "a.txt"),
           _as(_read("fragments/trailer-only-offline.txt"), "tail.txt")]
    case = diagnose_case("case", one)
    assert case.root_causes == ("cdp-unreachable",) and case.symptoms == ("revocation-offline",)
    two = [*one, _as(_read("revoked/leaf-revoked-key-compromise.txt"), "b.txt")]
    case = diagnose_case("case", two)
    assert "revocation-offline" in case.root_causes and not _linking(case.notes)


@pytest.mark.parametrize("copies", [2, 30])
def test_many_inputs_naming_no_certificate_with_the_same_findings_are_one_row(
        copies: int) -> None:
    """Beside two certificates, fragments that name none stay apart from both; those showing
    the same findings are one row naming the first ten files and counting all (held once by
    the fold), each other
    fragment a row of its own, and none of them 'confirms' anything."""
    from certtriage.case import CaseFold

    tails = [_as(_read("fragments/trailer-only-offline.txt"), f"tail-{n}.txt")
             for n in range(copies)]
    named = [_as(_read("revocation-offline/cdp-http-404.txt"), "a.txt"),
             _as(_read("revoked/leaf-revoked-key-compromise.txt"), "b.txt")]
    other = _as(_read("fragments/" + _OTHER_FRAGMENT), "other.txt")
    fold = CaseFold("case")
    for result in [named[0], *tails[: copies // 2], other, named[1], *tails[copies // 2:]]:
        fold.add(result)
    case = fold.result()
    unnamed = [c for c in case.certificates if c.identity is None]
    rows = {c.sources[0]: c for c in unnamed}
    assert rows["tail-0.txt"].sources == tuple(t.source for t in tails)[:LISTED]
    assert rows["tail-0.txt"].files == copies
    assert rows["tail-0.txt"].label == (
        f"a certificate tail-0.txt and {copies - 1} more files do not name")
    assert rows["other.txt"].sources == ("other.txt",)
    assert len(case.certificates) == 4 and len(unnamed) == 2
    assert len(fold._units) < 4 + 2  # each tail's findings held once, however many tails
    assert not _linking(case.notes)
    assert any(n.startswith(f"revocation-offline is shown alike by {copies} files that name "
                            "no certificate") for n in case.notes)


def test_the_timeline_puts_the_expired_crl_just_before_the_first_403() -> None:
    report = batch([TIMELINE])
    case = report.cases[0]
    assert case.root_causes == ("crl-expired",) and case.symptoms == ("revocation-offline",)
    times = [e.time for e in case.timeline]
    assert times == sorted(times)
    kinds = [e.kind for e in case.timeline]
    expiry = next(e for e in case.timeline if e.kind == "crl-next-update"
                  and "Yusuf Demir" in e.what)
    first = case.timeline[kinds.index("first-failure")]
    assert (expiry.time.isoformat(), first.time.isoformat()) == (
        "2025-11-03T01:59:00", "2025-11-03T02:00:14")
    assert first.utc and not expiry.utc
    assert "last-failure" in kinds and "not-after" in kinds and "crl-this-update" in kinds
    story = ("403.13 starts 02:00 on 3 Nov 2025; the CRL of Litware Issuing CA 1 checked for "
             "Yusuf Demir expired 01:59 on 3 Nov 2025")
    for fmt in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML):
        shown = " ".join(render(report, fmt, width=400).split())
        assert story in shown, fmt
        assert "first 403.13" in shown and "2025-11-03 01:59" in shown, fmt
    data = json.loads(render(report, OutputFormat.JSON))["cases"][0]
    assert data["timeline_summary"].startswith(story)
    assert [e["kind"] for e in data["timeline"]] == kinds


def test_a_case_without_times_has_no_timeline(tmp_path: Path) -> None:
    case = diagnose_case("case", [_as(_read("fragments/trailer-only-offline.txt"), "t.txt")])
    assert case.timeline == ()


def test_a_passing_chain_contradicts_only_a_log_about_the_same_certificate(
        tmp_path: Path) -> None:
    events = FIXTURES / "events" / "message-only" / "schannel-36877-offline.txt"
    passing = _as(_read("pass/three-element-client-auth-urlfetch.txt"), "verify.txt")
    log = _as(analyze_path(str(events)), "event.txt")
    assert any("HTTP.sys validates as SYSTEM" in n
               for n in diagnose_case("case", [passing, log]).notes)
    other = _as(_read("revoked/leaf-revoked-key-compromise.txt"), "other.txt")
    notes = diagnose_case("case", [passing, log, other]).notes
    assert not any("HTTP.sys validates as SYSTEM" in n for n in notes)
    capi2 = _as(analyze_path(str(FIXTURES / "evtx" / "capi2-synthetic-run.evtx")), "capi2.evtx")
    notes = diagnose_case("case", [passing, capi2]).notes
    assert not any("HTTP.sys validates as SYSTEM" in n for n in notes)  # another certificate
