"""Run the generators in scripts/ as programs: the tests never import them.

A test that checks a committed fixture or golden against its generator runs the generator
with ``--check``: it rebuilds everything in memory, prints ``stale: <path>`` for every file
that differs from what it would write, and exits 1 when any does (0 when none does).
"""

from __future__ import annotations

import subprocess
import sys

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
