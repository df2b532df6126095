"""Batch benchmarks: memory against the number of files, throughput by executor (run by hand;
never part of the test suite).

    python benchmarks/bench_batch.py [--small 100] [--large 10000] [--files 2000]

Prints:
* peak resident memory of `certtriage batch -j 1 -f jsonl` (streamed) over `--small` and
  `--large` small files (copies of the clean certutil fixtures), once as one case (one folder)
  and once as cases of 100 files (a folder per 100): the target is the same figure for both
  sizes (results are streamed, not held);
* dumps per second of `--files` certutil dumps through `batch` with one process, two worker
  processes, and a Dask LocalCluster of two single-thread worker processes (started before
  the clock runs; skipped without the `dask` extra); the target is 1.8x on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from certtriage.batch import BatchRun  # noqa: E402

#: A child process that runs the command given and prints its peak RSS in KiB (Linux units).
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, "
         "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
         ".ru_maxrss)")


def _dumps() -> list[bytes]:
    files = sorted(p for p in (ROOT / "fixtures" / "certutil").rglob("*.txt")
                   if p.parent.name != "damaged")
    return [p.read_bytes() for p in files]


def _fill(root: Path, count: int, per_case: int | None) -> list[Path]:
    """`count` dumps under `root`: one folder, or folders of `per_case`; the case paths."""
    dumps = _dumps()
    cases: list[Path] = []
    for i in range(count):
        folder = root if per_case is None else root / f"case-{i // per_case:05}"
        if not cases or cases[-1] != folder:
            folder.mkdir(parents=True, exist_ok=True)
            cases.append(folder)
        (folder / f"dump-{i:06}.txt").write_bytes(dumps[i % len(dumps)])
    return cases


def peak_rss(count: int, per_case: int | None) -> float:
    """Peak RSS (MiB) of a streamed jsonl batch over `count` files."""
    with tempfile.TemporaryDirectory() as tmp:
        cases = _fill(Path(tmp) / "in", count, per_case)
        command = [sys.executable, "-m", "certtriage", "batch", "-q", "-j", "1", "-f", "jsonl",
                   *map(str, cases)]
        out = subprocess.run([sys.executable, "-c", _PEAK, *command], check=True,
                             capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024


def rate(cases: list[Path], count: int, **options: object) -> float:
    """Dumps per second of one batch run over `cases` (results consumed, not kept)."""
    start = time.perf_counter()
    done = sum(1 for _ in BatchRun(cases, **options).inputs())  # type: ignore[arg-type]
    assert done == count, done
    return count / (time.perf_counter() - start)


def _dask_rate(cases: list[Path], count: int) -> float | None:
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                      silence_logs=50) as cluster:
        first = cases[:1]  # warms the workers up (imports, rules, grammar) before the clock
        rate(first, len(list(first[0].iterdir())), scheduler=cluster.scheduler_address)
        return rate(cases, count, scheduler=cluster.scheduler_address)


def main() -> None:
    """Run and print the benchmarks."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    figures: dict[str, float | None] = {}
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for layout, per_case in (("one case", None), ("cases of 100", 100)):
        small, large = peak_rss(args.small, per_case), peak_rss(args.large, per_case)
        figures[f"rss {layout} small"], figures[f"rss {layout} large"] = small, large
        print(f"peak RSS, {layout:12}: {args.small:>7} files {small:6.0f} MiB, "
              f"{args.large:>7} files {large:6.0f} MiB ({large / small:.2f}x, target 1.00x)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = _fill(Path(tmp), args.files, 100)
        one = rate(cases, args.files, jobs=1)
        two = rate(cases, args.files, jobs=2)
        dask = _dask_rate(cases, args.files)
    figures.update({"jobs 1": one, "jobs 2": two, "dask 2 workers": dask})
    print(f"batch -j 1       : {one:7.0f} dumps/s")
    print(f"batch -j 2       : {two:7.0f} dumps/s ({two / one:.2f}x, target 1.80x)")
    if dask is None:
        print("dask LocalCluster: skipped (pip install 'certtriage[dask]')")
    else:
        print(f"dask, 2 workers  : {dask:7.0f} dumps/s ({dask / one:.2f}x)")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
