"""Generated goldens: each clean fixture's model and diagnosis, reviewed when regenerated.

Regenerate with `python scripts/regen_goldens.py` and read the diff before committing. The
golden builder lives only in that script: this module reads the committed goldens and runs the
script with `--check` (as a program, never imported) to learn which are out of date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ..conftest import FIXTURES as FIXTURE_ROOT
from ..conftest import ROOT
from ..helpers.scripts import stale_outputs

#: The clean certutil fixtures (damaged variants are checked against their sources instead),
#: the same selection as `fixture_paths()` in scripts/regen_goldens.py.
FIXTURES: list[Path] = sorted(p for p in (FIXTURE_ROOT / "certutil").rglob("*.txt")
                              if p.parent.name != "damaged")


def golden_path(fixture: Path) -> Path:
    """Where the golden of `fixture` lives (beside it)."""
    return fixture.with_suffix(".golden.json")


@pytest.fixture(scope="module")
def stale() -> set[str]:
    """Goldens that `scripts/regen_goldens.py --check` would rewrite."""
    return stale_outputs("regen_goldens")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures"))
                                                   for p in FIXTURES])
def test_golden_is_current_and_untouched(fixture: Path, stale: set[str]) -> None:
    golden = golden_path(fixture)
    assert golden.exists(), f"run scripts/regen_goldens.py to create {golden.name}"
    stored = json.loads(golden.read_text(encoding="utf-8"))
    body = json.dumps(stored["golden"], indent=1, sort_keys=True, ensure_ascii=False)
    assert hashlib.sha256(body.encode()).hexdigest() == stored["sha256"], (
        "golden edited by hand: change the code or fixture and regenerate instead")
    assert str(golden.relative_to(ROOT)) not in stale, (
        "output changed: run scripts/regen_goldens.py and review the diff")


def test_every_golden_the_script_writes_is_current(stale: set[str]) -> None:
    # Also covers a fixture the selection above would miss.
    assert not stale, "run scripts/regen_goldens.py and review the diff: " + ", ".join(
        sorted(stale))
