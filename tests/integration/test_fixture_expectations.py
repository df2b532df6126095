"""Our synthetic fixtures against their hand-written ground truth, and damage against source."""

from __future__ import annotations

import json
from typing import Any

import pytest

from certtriage import analyze_path

from ..conftest import FIXTURES
from ..helpers.scripts import stale_outputs
from .test_real_corpus import check_against

CERTUTIL = FIXTURES / "certutil"
EXPECTED: list[dict[str, Any]] = json.loads((CERTUTIL / "expected.json").read_text())
MANIFEST: list[dict[str, Any]] = json.loads((CERTUTIL / "damaged" / "MANIFEST.json").read_text())


def test_every_clean_fixture_has_an_expectation() -> None:
    listed = {e["file"] for e in EXPECTED}
    on_disk = {str(p.relative_to(CERTUTIL)) for p in CERTUTIL.rglob("*.txt")
               if p.parent.name != "damaged"}
    assert on_disk == listed


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_fixture_diagnosis(entry: dict[str, Any]) -> None:
    result = analyze_path(CERTUTIL / entry["file"])
    check_against(result, entry["expect"])
    assert result.status in ("parsed", "partial")


def _key(path: str) -> tuple[Any, ...]:
    r = analyze_path(CERTUTIL / path)
    return r.verdict, r.root_causes, r.failing_element, r.hresults


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["damage"] + ":" + e["source"].split("/")[-1]
                                                 for e in MANIFEST])
def test_damage_does_not_change_the_diagnosis(entry: dict[str, Any]) -> None:
    damaged = analyze_path(CERTUTIL / entry["file"])
    assert damaged.kind == "certutil-verify"
    if entry["lossy"]:
        # Lossy damage may lose evidence but never invents a different root cause.
        source = analyze_path(CERTUTIL / entry["source"])
        assert set(damaged.root_causes) <= set(source.root_causes) | {"ok"}
    else:
        assert _key(entry["file"]) == _key(entry["source"])


def test_damaged_fixtures_are_current() -> None:
    # The generator runs as a program (never imported) and lists the files it would rewrite.
    stale = stale_outputs("make_damaged_fixtures")
    assert not stale, f"{', '.join(sorted(stale))}: run scripts/make_damaged_fixtures.py"


def test_damaged_encodings_are_reported() -> None:
    by_damage = {e["damage"]: analyze_path(CERTUTIL / e["file"]) for e in MANIFEST}
    assert by_damage["utf16le-bom"].encoding == "utf-16-le"
    assert by_damage["utf16le-nobom"].encoding == "utf-16-le"
    assert by_damage["utf16be-bom"].encoding == "utf-16-be"
    assert by_damage["cp1252"].encoding == "cp1252"


def test_truncated_paste_is_flagged_on_its_last_line() -> None:
    entry = next(e for e in MANIFEST if e["damage"] == "truncated" and "offline" not in
                 e["source"] or e["damage"] == "truncated")
    result = analyze_path(CERTUTIL / entry["file"])
    assert result.status == "partial"
    if result.model and result.model.unparsed:
        assert "truncated" in result.model.unparsed[-1].reason
