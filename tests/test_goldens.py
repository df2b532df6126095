"""Generated goldens: each clean fixture's model and diagnosis, reviewed when regenerated.

Regenerate with `python scripts/regen_goldens.py` and read the diff before committing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT


def _regen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regen_goldens",
                                                  ROOT / "scripts" / "regen_goldens.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["regen_goldens"] = module
    spec.loader.exec_module(module)
    return module


REGEN = _regen()
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
