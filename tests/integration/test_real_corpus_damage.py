"""Paste damage applied to the real corpus: the diagnosis must not change.

The damage functions are the ones that make fixtures/certutil/damaged; here they run over the
real public pastes at test time (which stay in ../shared).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_bytes

from ..conftest import REAL, load_script

pytestmark = pytest.mark.real_corpus



DAMAGE = load_script("make_damaged_fixtures")
KINDS = sorted(k for k in (*DAMAGE.BYTE_DAMAGE, *DAMAGE.TEXT_DAMAGE) if k not in DAMAGE.LOSSY)
FILES = sorted([*(REAL / "certutil").glob("*.txt"), *(REAL / "events").glob("*.txt")]
               ) if REAL.is_dir() else []


def _key(data: bytes, name: str) -> tuple[Any, ...]:
    r = analyze_bytes(data, name)
    events = tuple((e["provider"], e["event_id"], e.get("alert_code")) for e in r.events)
    return r.verdict, r.root_causes, r.failing_element, r.hresults, events


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", FILES, ids=[p.name[:24] for p in FILES])
def test_damage_leaves_the_real_diagnosis_unchanged(path: Path, kind: str) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        damaged = DAMAGE.damage(text, kind)
    except UnicodeEncodeError:
        pytest.skip(f"{kind} cannot encode this text")
    assert _key(damaged, path.name) == _key(path.read_bytes(), path.name)
