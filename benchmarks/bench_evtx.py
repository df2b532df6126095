"""EVTX scan throughput against raw `evtx` iteration of the same file, in the same run.

    python benchmarks/bench_evtx.py [FILE] [--repeat 3]

Default FILE: ../shared/corpus/evtx/large/system-security-mix-32mib.evtx. Target: certtriage's
scan at no less than 80 % of the raw parser's records per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _source import ROOT, SRC

sys.path.insert(0, str(SRC))

from certtriage.parsers.events.evtx import parse as read_evtx  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "evtx" / "large" / "system-security-mix-32mib.evtx"


def raw(path: Path, **rendering: bool) -> int:
    """Iterate the file with the evtx package alone, in the JSON rendering certtriage reads (the
    package's default) unless `rendering` names another (`separate_json_attributes=True`, which
    takes the package about 1.8 times as long)."""
    from evtx import PyEvtxParser

    count = 0
    iterator = PyEvtxParser(str(path), **rendering).records_json()
    while True:
        try:
            next(iterator)
        except StopIteration:
            return count
        except RuntimeError:
            continue
        count += 1


def best(fn, path: Path, repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Fastest of `repeat` runs: (seconds, records)."""
    times, records = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        records = fn(path)
        times.append(time.perf_counter() - start)
    return min(times), records


def main() -> None:
    """Run both scans and print the comparison."""
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = os.path.getsize(args.file) / 2**20
    raw_s, raw_n = best(raw, args.file, args.repeat)
    ours_s, ours_n = best(lambda p: read_evtx(p).records_read, args.file, args.repeat)
    print(f"{args.file.name}: {size:.1f} MiB, {raw_n} records")
    print(f"raw evtx iteration : {raw_n / raw_s:10.0f} records/s  {size / raw_s:6.1f} MiB/s")
    print(f"certtriage scan    : {ours_n / ours_s:10.0f} records/s  {size / ours_s:6.1f} MiB/s")
    print(f"ratio              : {raw_s / ours_s:10.0%}  (target at least 80 %)")


if __name__ == "__main__":
    main()
