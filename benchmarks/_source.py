"""The source tree the benchmarks measure: this checkout's, or the one `run.py --src` names,
which it hands to every script it imports and every command it runs through
`CERTTRIAGE_BENCH_SRC`."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(os.environ.get("CERTTRIAGE_BENCH_SRC") or ROOT / "src")


def environment() -> dict[str, str]:
    """The environment of a command timed: it runs the source measured."""
    return dict(os.environ, PYTHONPATH=str(SRC))
