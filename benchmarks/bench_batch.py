"""Batch measurements that `run.py --only batch,batch-memory` prints (never part of the test
suite).

* peak resident memory of `certtriage batch -j 1 -f jsonl` (streamed) over a few and over
  many small files (copies of the clean certutil fixtures), once as one case (one folder) and
  once as cases of 100 files (a folder per 100): the target is the same figure for both
  sizes (results are streamed, not held);
* dumps per second of `certtriage batch -f jsonl -o FILE` over certutil dumps in folders of
  100 with one process, two worker processes (each taking whole cases: sixty cases of like
  size, `executors._cases`), and a Dask LocalCluster of two single-thread
  worker processes (started and warmed by a first run in each round before the clock runs,
  and stopped after it; skipped without the `dask` extra), wall time of the whole command,
  start-up included, next to the in-process pipeline over the same dumps, timed the same way:
  a process of its own set up as the command line's, from its start to its end
  (`_PIPELINE`): the targets are `-j 1` at 80 % of in-process and `-j 2` at 1.8x of `-j 1`.
  Beside them, the in-process pipeline once it is warm (start-up and first use left out); two
  in-process pipelines at once in two processes: the most two workers can give on the
  machine measured; and two `batch -j 1` at once, each over half of the cases, their reports
  joined: what two processes give when no input's task, output or reading crosses between
  them; and `-j 2` over the same dumps in one folder (one case: the per-input pool, each
  input's task, output and reading crossing between the processes).
  The commands run in turn, a number of rounds; medians.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _source import ROOT, SRC, environment

sys.path.insert(0, str(SRC))

from certtriage import analyze_bytes  # noqa: E402

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
                             capture_output=True, text=True, env=environment()).stdout
    return int(out.split()[-1]) / 1024


def rate(cases: list[Path], count: int, *options: str) -> float:
    """Dumps per second of one `certtriage batch -f jsonl` over `cases`, the report written to
    a file (wall time of the whole command)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.jsonl"
        command = [sys.executable, "-m", "certtriage", "batch", "-q", "-f", "jsonl", "-o",
                   str(report), *options, *map(str, cases)]
        start = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, env=environment())
        elapsed = time.perf_counter() - start
        with report.open("rb") as lines:
            written = sum(1 for line in lines if line.startswith(b'{"type":"input"'))
    assert written == count, written
    return count / elapsed


def in_process(seconds: float = 3.0) -> float:
    """Dumps per second of the per-input pipeline in this process, over the same dumps, once
    every dump has been analysed once (start-up and first use left out)."""
    dumps = _dumps()
    for dump in dumps:  # rules and grammar loaded before the clock runs
        analyze_bytes(dump, "dump.txt")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for dump in dumps:
            analyze_bytes(dump, "dump.txt")
        count += len(dumps)
    return count / (time.perf_counter() - start)


def warm_alone(seconds: float = 3.0) -> float:
    """:func:`in_process` in a process of its own, as each batch command runs in one (measured
    in the long-lived process that had run the other benchmarks first, the same loop made
    1,328 dumps/s where runs of the batch figures alone made 1,393-1,401 in the hour around
    it). A reference beside :func:`in_process_alone`: the rate once everything is loaded."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import bench_batch; print(bench_batch.in_process({seconds}))")
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True, env=environment()).stdout)


#: The per-input pipeline over `argv[1]` of the typical dumps in turn, in a process set up as
#: the command line sets up its own (`cli.own_process`: the kept code and patterns, pydantic
#: plugins off) and whose memory is kept as a run's own process keeps it (`executors._settle`,
#: after each input, as a worker does). Timed whole, as a batch command is, it pays what a
#: command pays before and after its inputs (the interpreter, imports, first use), so that the
#: two differ by what the batch does beyond the analysis alone. Each dump is handed over as
#: bytes of its own, as each file a batch reads is: the same 69 objects again and again made
#: the loop about 1 % faster (the decoded text of each, and its hash, are fresh memory too).
_PIPELINE = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from certtriage.cli import own_process
with own_process():
    from bench_batch import _dumps
    from certtriage.executors._settle import Settle
    from certtriage.pipeline import analyze_bytes
    dumps, settle = _dumps(), Settle()
    for at in range(int(sys.argv[1])):
        analyze_bytes(bytes(memoryview(dumps[at % len(dumps)])), "dump.txt")
        settle()
"""


def _pipelines(*counts: int) -> float:
    """Dumps per second of in-process pipelines over `counts` dumps, each in a process of its
    own (`_PIPELINE`), all started at once: wall time until the last has ended."""
    start = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-c", _PIPELINE, str(count)],
                                 env=environment()) for count in counts]
    for child in children:
        if child.wait():
            raise subprocess.CalledProcessError(child.returncode, child.args)
    return sum(counts) / (time.perf_counter() - start)


def in_process_alone(count: int) -> float:
    """Dumps per second of the in-process pipeline over `count` dumps in a process of its own,
    wall time from its start to its end, as :func:`rate` times a batch."""
    return _pipelines(count)


def in_process_pair(count: int) -> float:
    """Dumps per second of two in-process pipelines at once, each over half of `count` dumps
    in a process of its own: what two worker processes could give on this machine at most
    (two cores of a virtual machine, or cores sharing caches, do not make 2x)."""
    return _pipelines(count // 2, count - count // 2)


def halves(cases: list[Path], count: int) -> float:
    """Dumps per second of two `certtriage batch -j 1` at once, each over half of the cases
    (each case whole) and writing its own report, the two reports then joined into one (wall
    time of the whole, start-up and join included): what two processes give when nothing of
    an input crosses from one to the other, each walking, analysing, rendering and folding
    its own cases. The ceiling of `-j 2` here, whose two workers take whole cases too (the
    run's own process then copies their output together in argument order)."""
    half = len(cases) // 2
    with tempfile.TemporaryDirectory() as tmp:
        reports = [Path(tmp) / f"half-{i}.jsonl" for i in range(2)]
        joined = Path(tmp) / "report.jsonl"
        start = time.perf_counter()
        children = [subprocess.Popen(
            [sys.executable, "-m", "certtriage", "batch", "-q", "-f", "jsonl", "-o",
             str(report), "-j", "1", *map(str, part)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment())
            for report, part in zip(reports, (cases[:half], cases[half:]))]
        for child in children:
            child.wait()
        with joined.open("wb") as out:
            for report in reports:
                with report.open("rb") as part:
                    shutil.copyfileobj(part, out)
        elapsed = time.perf_counter() - start
        with joined.open("rb") as lines:
            written = sum(1 for line in lines if line.startswith(b'{"type":"input"'))
    assert written == count, written
    return count / elapsed


def rates(cases: list[Path], count: int, rounds: int,
          folder: Path | None = None) -> dict[str, list[float]]:
    """Each way of running the batch, in turn, `rounds` times; with `folder` (the same dumps
    in one folder: one case, which `-j 2` takes input by input), `-j 2` over it as well. The
    Dask cluster runs only while it is measured (started and warmed in each round): idle, its
    scheduler and workers still take a share of two cores, which slowed `-j 2` by about 6 %
    when it ran throughout."""
    ways: dict[str, tuple[str, ...]] = {"jobs 1": ("-j", "1"), "jobs 2": ("-j", "2")}
    try:
        from distributed import LocalCluster
    except ImportError:
        LocalCluster = None  # noqa: N806
    seen: dict[str, list[float]] = {"in-process": [], "in-process, warm": [],
                                    "two in-process at once": []}
    # the cache folder holds what each command keeps (code, patterns) before one is timed
    in_process_alone(len(_dumps()))
    rate(cases[:1], len(list(cases[0].iterdir())), "-j", "1")
    for _ in range(rounds):
        seen["in-process"].append(in_process_alone(count))
        seen["in-process, warm"].append(warm_alone())
        seen["two in-process at once"].append(in_process_pair(count))
        for way, options in ways.items():
            seen.setdefault(way, []).append(rate(cases, count, *options))
        seen.setdefault("halves at once", []).append(halves(cases, count))
        if folder is not None:
            seen.setdefault("jobs 2, one folder", []).append(rate([folder], count, "-j", "2"))
        if LocalCluster is None:
            continue
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                          silence_logs=50) as cluster:
            dask = ("--scheduler", cluster.scheduler_address)
            rate(cases[:1], len(list(cases[0].iterdir())), *dask)  # warm up
            seen.setdefault("dask 2 workers", []).append(rate(cases, count, *dask))
    return seen
