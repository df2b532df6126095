"""The source tree the benchmarks measure: this checkout's, or the one `run.py --src` names,
which it hands to every script it imports and every command it runs through
`CERTTRIAGE_BENCH_SRC`; and the time of analysis every figure is taken at."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(os.environ.get("CERTTRIAGE_BENCH_SRC") or ROOT / "src")

#: The time of analysis (`certtriage.clock`) of every benchmark and every command it runs: the
#: test suite's. The dumps' certificates expire as the calendar moves on, and each one expired
#: since its run adds a finding (at the end of 2026, 28 of the 107 findings of the 37 typical
#: dumps; with the clock at mid-2025 the pipeline measured about 5 % faster): the same inputs
#: must be the same work on whatever day they are measured.
NOW = "2026-12-01T00:00:00Z"
os.environ.setdefault("CERTTRIAGE_NOW", NOW)


def environment() -> dict[str, str]:
    """The environment of a command timed: it runs the source measured."""
    return dict(os.environ, PYTHONPATH=str(SRC))
