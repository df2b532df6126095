"""Peak memory of one input of every text kind at the size limit (run by hand; never part of
the test suite).

    python benchmarks/bench_memory.py [--mib 30] [kind ...]

Each kind (tests/helpers/shapes.py: a unit repeated until the text is about `--mib` MiB) is
analysed in a fresh process; the line prints the peak resident size of that process before
and after the analysis and what the limits left out. The README states the ceiling these
numbers must stay under.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import resource, sys, time
sys.path[:0] = [sys.argv[1] + "/src", sys.argv[1]]
from certtriage import analyze_text
from tests.helpers import shapes
shape, mib = getattr(shapes, sys.argv[2]), float(sys.argv[3])
unit = len(shape(20)) - len(shape(10))
text = shape(int(mib * 2**20 * 10 / unit))
analyze_text(shape(2))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
result = analyze_text(text)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
limits = [w[:70] for w in result.warnings if "limit" in w]
print(f"{sys.argv[2]:20} {len(text) / 2**20:5.1f} MiB  peak {peak:5.0f} MB (text built: "
      f"{before:4.0f} MB)  {time.perf_counter() - start:6.1f} s  {limits}")
"""


def main() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.helpers.shapes import TEXT_SHAPES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=30.0)
    parser.add_argument("kinds", nargs="*", default=sorted(TEXT_SHAPES))
    args = parser.parse_args()
    for kind in args.kinds:
        name = TEXT_SHAPES[kind].__name__
        done = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), name, str(args.mib)],
                              capture_output=True, text=True, check=False)
        print(done.stdout.strip() or f"{kind}: {done.stderr.strip().splitlines()[-1]}",
              flush=True)


if __name__ == "__main__":
    main()
