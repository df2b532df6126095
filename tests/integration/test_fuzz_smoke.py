"""The fuzz targets (fuzz/) run for a few seconds each, as CI runs them: with atheris when it is
installed (the `fuzz` extra), else with the harness's own mutator. A crash that no strict-xfail
regression test tracks (fuzz/known_crashes.toml) fails the run; the input is kept in the
target's work folder and printed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

FUZZ = ROOT / "fuzz"
ATHERIS = importlib.util.find_spec("atheris") is not None


@pytest.mark.parametrize(("target", "seconds"), [("fuzz_pipeline.py", 6),
                                                 ("fuzz_archives.py", 4)])
def test_fuzz_smoke(tmp_path: Path, target: str, seconds: int) -> None:
    engine = ([f"-max_total_time={seconds}", "-seed=1", "-max_len=20000"] if ATHERIS
              else ["--fallback", f"--seconds={seconds}", "--seed=1"])

    done = subprocess.run(
        [sys.executable, str(FUZZ / target), f"--work={tmp_path}", "--few-seeds", *engine],
        capture_output=True, text=True, timeout=300)

    # libFuzzer also keeps inputs that merely ran slowly (`slow-unit-*`, over 10 s on a loaded
    # machine): speed is the benchmarks' business, so only crashes and timeouts count here.
    crashes = sorted(p for p in (tmp_path / "crashes").iterdir()
                     if not p.name.startswith("slow-unit-"))
    kept = "\n".join(f"{p}: {p.read_bytes()[:300]!r}" for p in crashes)
    assert done.returncode == 0 and not crashes, f"{done.stderr[-3000:]}\n{kept}"
    assert "Done" in done.stderr if ATHERIS else "no new crash" in done.stdout
