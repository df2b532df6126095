"""Shapes of evidence as public posts bring them, rebuilt synthetically (fixtures/wild).

Each fixture stands for a class of input a measurement on real, unseen posts found read wrongly
or not at all. A case whose class is still a gap carries ``"gap": true`` in expected.json and is
marked xfail(strict): when the class is fixed the case passes, the strict xfail fails, and the
flag comes off. Cases without the flag guard the boundary of their class.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from certtriage import analyze_path
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

WILD = FIXTURES / "wild"
ENTRIES: list[dict[str, Any]] = json.loads((WILD / "expected.json").read_text(encoding="utf-8"))


def _observed(result: InputResult) -> dict[str, Any]:
    """What a support engineer compares with the post: verdict, causes, codes, events, alerts."""
    events = list(result.events)
    event_ids = {e.get("event_id") for e in events} | {f.event_id for f in result.findings}
    alerts = {e.get("alert_code") for e in events} | {f.alert_code for f in result.findings}
    return {"verdict": result.verdict, "root_causes": set(result.root_causes),
            "hresults": {h.lower() for h in result.hresults}, "event_ids": event_ids - {None},
            "alert_codes": alerts - {None}}


def _wanted(expect: dict[str, Any]) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    if "verdict" in expect:
        wanted["verdict"] = expect["verdict"]
    for key in ("root_causes", "event_ids", "alert_codes"):
        if key in expect:
            wanted[key] = set(expect[key])
    if "hresults" in expect:
        wanted["hresults"] = {h.lower() for h in expect["hresults"]}
    return wanted


def _param(entry: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=entry["class"])] if entry.get("gap") else []
    return pytest.param(entry, id=entry["file"].removesuffix(".txt"), marks=marks)


def test_every_wild_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in WILD.iterdir() if p.suffix == ".txt"}
    assert on_disk == {e["file"] for e in ENTRIES}


def test_every_entry_names_its_class_shape_and_source_kind() -> None:
    for entry in ENTRIES:
        assert entry["class"] and entry["shape"] and entry["seen_in"], entry["file"]
        assert _wanted(entry["expect"]), f"{entry['file']} expects nothing"


def test_the_readme_describes_every_class() -> None:
    readme = (WILD / "README.md").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert entry["class"] in readme, entry["class"]
        assert entry["file"] in readme, entry["file"]


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES])
def test_wild_shape_is_read_like_the_post_says(entry: dict[str, Any]) -> None:
    wanted = _wanted(entry["expect"])
    observed = _observed(analyze_path(WILD / entry["file"]))
    assert {key: observed[key] for key in wanted} == wanted
