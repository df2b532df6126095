"""Run the generators in scripts/ as programs: the tests never import them.

A test that checks a committed fixture or golden against its generator runs the generator
with ``--check``: it rebuilds everything in memory, prints ``stale: <path>`` for every file
that differs from what it would write, and exits 1 when any does (0 when none does).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT


def run_script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python scripts/<name>.py *args`` from the repository root, output captured."""
    return subprocess.run([sys.executable, str(ROOT / "scripts" / f"{name}.py"), *args],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          timeout=600, check=False)


def stale_outputs(name: str) -> set[str]:
    """The files (relative to the repository root) that ``scripts/<name>.py --check`` reports
    out of date; fails the calling test when the script itself fails."""
    done = run_script(name, "--check")
    assert done.returncode in (0, 1), f"scripts/{name}.py --check failed:\n{done.stderr}"
    stale = {line.removeprefix("stale: ").strip() for line in done.stdout.splitlines()
             if line.startswith("stale: ")}
    assert (done.returncode == 1) == bool(stale), (
        f"scripts/{name}.py --check: exit code {done.returncode} but output\n{done.stdout}")
    return stale


def damaged_texts(folder: Path, texts: dict[str, str]) -> dict[tuple[str, str], bytes | None]:
    """`texts` (file name -> text) written to `folder` and damaged as pastes are, by
    ``scripts/make_damaged_fixtures.py --apply`` run once as a program: (file name, damage kind)
    -> the damaged bytes (None when the kind cannot encode the text), and (file name,
    ``"clean"``) -> the text as written."""
    sources = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        sources.append(path)
    out = folder / "damaged"
    done = run_script("make_damaged_fixtures", "--apply", str(out), *map(str, sources))
    assert done.returncode == 0, done.stderr
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    found: dict[tuple[str, str], bytes | None] = {
        (Path(e["source"]).name, e["damage"]): (out / e["file"]).read_bytes() if e["file"]
        else None for e in index["outputs"]}
    found.update({(path.name, "clean"): path.read_bytes() for path in sources})
    return found
