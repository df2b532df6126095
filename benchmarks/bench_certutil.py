"""Benchmarks for the certutil path (run by hand; never part of the test suite).

    python benchmarks/bench_certutil.py [--seconds 3]

Prints:
* dumps per second on one core for the parse stage and for the whole per-input pipeline
  (decode, detect, parse, rules), over every clean certutil fixture (target: 1,000 /s);
* the wall time of one `certtriage analyze` of a paste, next to the time Python takes to
  import lark, pydantic, typer and rich (target: at most 1.3 times that).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import _source  # noqa: E402, F401 - the time of analysis, pinned

from certtriage import analyze_bytes  # noqa: E402
from certtriage.parsers.certutil_verify.parser import parse as parse_certutil_verify  # noqa: E402


def _inputs() -> list[bytes]:
    files = sorted(p for p in (ROOT / "fixtures" / "certutil").rglob("*.txt")
                   if p.parent.name != "damaged")
    return [p.read_bytes() for p in files]


def throughput(fn, items, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Calls per second of `fn` over `items`, cycling for about `seconds`."""
    for item in items:
        fn(item)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        count += len(items)
    return count / (time.perf_counter() - start)


def wall(cmd: list[str], stdin: bytes | None, runs: int) -> float:
    """Median wall time of `cmd` in seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Run and print the benchmarks."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    inputs = _inputs()
    texts = [b.decode("utf-8", "replace") for b in inputs]
    lines = sum(t.count("\n") for t in texts) / len(texts)
    print(f"{len(inputs)} fixtures, {lines:.0f} lines on average")
    parse_rate = throughput(parse_certutil_verify, texts, args.seconds)
    print(f"parse only      : {parse_rate:8.0f} dumps/s (target 1000)")
    full_rate = throughput(analyze_bytes, inputs, args.seconds)
    print(f"whole pipeline  : {full_rate:8.0f} dumps/s")
    paste = (ROOT / "fixtures/certutil/revocation-offline/leaf-cdp-name-not-resolved.txt")
    imports = wall([sys.executable, "-c", "import lark, pydantic, typer, rich"], None, args.runs)
    one = wall([sys.executable, "-m", "certtriage", "analyze"], paste.read_bytes(), args.runs)
    print(f"import baseline : {imports * 1000:8.0f} ms")
    print(f"one paste       : {one * 1000:8.0f} ms  ({one / imports:.2f}x the baseline, "
          f"target 1.30x)")


if __name__ == "__main__":
    main()
