"""Paste damage applied to the real corpus: the diagnosis must not change.

The damage functions are the ones that make fixtures/certutil/damaged; here they run over the
real public pastes at test time (which stay in ../shared), through the generator's
`--apply` mode: scripts/make_damaged_fixtures.py runs as a program, once for the module, and
writes the damaged copies to a temporary folder. The kinds of damage checked are the lossless
ones the committed damaged fixtures use (their MANIFEST.json); a test below fails when the
script knows a lossless kind that those fixtures do not show.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_bytes

from ..conftest import FIXTURES, REAL
from ..helpers.scripts import run_script

pytestmark = pytest.mark.real_corpus

MANIFEST: list[dict[str, Any]] = json.loads(
    (FIXTURES / "certutil" / "damaged" / "MANIFEST.json").read_text(encoding="utf-8"))
KINDS = sorted({e["damage"] for e in MANIFEST if not e["lossy"]})
FILES = sorted([*(REAL / "certutil").glob("*.txt"), *(REAL / "events").glob("*.txt")]
               ) if REAL.is_dir() else []


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The index `make_damaged_fixtures.py --apply` writes, with each output's bytes read back
    into it (`data`, None when the damage cannot encode the text)."""
    out = tmp_path_factory.mktemp("damaged-real")
    done = run_script("make_damaged_fixtures", "--apply", str(out), *(str(p) for p in FILES))
    assert done.returncode == 0, done.stderr
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    index["by_source"] = {
        (e["source"], e["damage"]): (out / e["file"]).read_bytes() if e["file"] else None
        for e in index["outputs"]}
    return index


def _key(data: bytes, name: str) -> tuple[Any, ...]:
    r = analyze_bytes(data, name)
    events = tuple((e["provider"], e["event_id"], e.get("alert_code")) for e in r.events)
    return r.verdict, r.root_causes, r.failing_element, r.hresults, events


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", FILES, ids=[p.name[:24] for p in FILES])
def test_damage_leaves_the_real_diagnosis_unchanged(path: Path, kind: str,
                                                    damaged: dict[str, Any]) -> None:
    data = damaged["by_source"][(str(path), kind)]
    if data is None:
        pytest.skip(f"{kind} cannot encode this text")
    assert _key(data, path.name) == _key(path.read_bytes(), path.name)


def test_every_lossless_damage_is_checked_here(damaged: dict[str, Any]) -> None:
    lossless = {kind for kind, lossy in damaged["kinds"].items() if not lossy}
    assert lossless == set(KINDS), (
        "add the new kind of damage to a fixture in PLAN (scripts/make_damaged_fixtures.py)")
