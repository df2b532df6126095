"""Generated goldens: each clean fixture's model and diagnosis, reviewed when regenerated.

Regenerate with `python scripts/regen_goldens.py` and read the diff before committing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ..conftest import ROOT, load_script

REGEN = load_script("regen_goldens")
FIXTURES: list[Path] = REGEN.fixture_paths()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures"))
                                                   for p in FIXTURES])
def test_golden_is_current_and_untouched(fixture: Path) -> None:
    golden = REGEN.golden_path(fixture)
    assert golden.exists(), f"run scripts/regen_goldens.py to create {golden.name}"
    stored = json.loads(golden.read_text(encoding="utf-8"))
    body = json.dumps(stored["golden"], indent=1, sort_keys=True, ensure_ascii=False)
    assert hashlib.sha256(body.encode()).hexdigest() == stored["sha256"], (
        "golden edited by hand: change the code or fixture and regenerate instead")
    assert stored["golden"] == REGEN.build(fixture), (
        "output changed: run scripts/regen_goldens.py and review the diff")
