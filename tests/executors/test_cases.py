"""Whole cases to each process (`executors._cases`): when a run goes that way, the report is
byte for byte the one `-j 1` writes, under every start method; an input that hangs or a worker
that dies costs its case nothing but that input."""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO

import pytest

from certtriage import pipeline
from certtriage.batch import BatchRun
from certtriage.executors import _cases
from certtriage.executors._pool import START_METHOD
from certtriage.models.findings import InputResult
from certtriage.render import OutputFormat, encoded_input

from ..conftest import FIXTURES, ROOT

CERTUTIL = FIXTURES / "certutil"
DUMPS = [p for d in ("revoked", "revocation-offline", "untrusted-root", "pass")
         for p in sorted((CERTUTIL / d).glob("*.txt"))[:2]]
#: As `test_executors`: far above a loaded pipeline's time for one dump on a busy machine.
BUDGET = 1.5


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")


def _folder(root: Path, name: str, files: list[Path], first: int = 0) -> Path:
    folder = root / name
    folder.mkdir()
    for i, path in enumerate(files, first):
        shutil.copy(path, folder / f"{i:02}-{path.name}")
    return folder


@pytest.fixture
def even(tmp_path: Path) -> list[Path]:
    """Nine cases of like size, the first an empty folder, one a zip, one with an EVTX log,
    junk and an empty file: many cases for two or three processes."""
    cases = [tmp_path / "empty"]
    cases[0].mkdir()
    for n in range(6):
        cases.append(_folder(tmp_path, f"ticket-{n}", DUMPS[n:] + DUMPS[:n]))
    mixed = _folder(tmp_path, "mixed", DUMPS[:2])
    shutil.copy(FIXTURES / "evtx/system-schannel-truncated.evtx", mixed / "System.evtx")
    (mixed / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (mixed / "blank.txt").write_bytes(b"")
    cases.append(mixed)
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in DUMPS:
            zf.write(path, path.name)
    cases.append(archive)
    return cases


def _run(run: BatchRun, fmt: OutputFormat = OutputFormat.JSONL) -> bytes:
    run.render = functools.partial(encoded_input, fmt, True)
    out = bytearray()
    for piece in run.written(header=fmt is OutputFormat.CSV):
        out += piece.output
        if piece.spooled is not None:
            out += b"".join(piece.spooled.blocks())
    return bytes(out)


def _command(fmt: str, jobs: int, paths: list[Path], env: dict[str, str]) -> bytes:
    ran = subprocess.run([sys.executable, "-m", "certtriage", "batch", "-q", "-f", fmt, "-j",
                          str(jobs), *map(str, paths)], capture_output=True, env=env,
                         cwd=ROOT, check=False)
    assert ran.returncode in (0, 1, 4) and ran.stderr == b"", ran.stderr
    return ran.stdout


@pytest.mark.parametrize("method", sorted(set(multiprocessing.get_all_start_methods())
                                          & {"fork", "spawn"}))
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_command_line_by_whole_cases_writes_what_one_process_writes(
        even: list[Path], fmt: str, method: str) -> None:
    assert _by_case(even, 2)
    env = {**os.environ, START_METHOD: method}
    alone = _command(fmt, 1, even, env)
    assert _command(fmt, 2, even, env) == alone
    assert _command(fmt, 3, even, env) == alone
    lines = alone.splitlines()
    inputs = 6 * len(DUMPS) + 5 + len(DUMPS) + 1  # tickets, mixed, the zip, the empty folder
    assert len(lines) == inputs + (1 if fmt == "csv" else len(even))
    assert b"System.evtx" in alone and b"bundle.zip!" in alone


def _by_case(paths: list[Path], jobs: int, own: bool = True, render: bool = True) -> bool:
    run = BatchRun(paths, jobs=jobs, own=own)
    if render:
        run.render = functools.partial(encoded_input, OutputFormat.JSONL, True)
    return run.by_case()


def test_only_many_cases_of_like_size_in_a_run_of_its_own_go_whole(
        even: list[Path], tmp_path: Path) -> None:
    assert _by_case(even, 2) and _by_case(even, 3)
    assert not _by_case(even, 4)  # a case would be more than half of a process's share
    assert not _by_case(even, 5)  # fewer than two cases a process
    assert not _by_case(even, 1)
    assert not _by_case(even, 2, own=False)  # a library caller's process is left as it is
    assert not _by_case(even, 2, render=False)  # a report rendered whole (text, json, ...)
    assert not _by_case([*even, even[1]], 2)  # a case given twice is folded from both
    large = _folder(tmp_path, "large", DUMPS * 4)
    assert not _by_case([*even, large], 2)  # one case would hold a core for half the run
    assert not _by_case([even[1]], 2)


@pytest.mark.parametrize("fmt", [OutputFormat.JSONL, OutputFormat.CSV])
def test_whole_cases_give_the_bytes_and_cases_of_one_process(even: list[Path],
                                                             fmt: OutputFormat) -> None:
    alone = BatchRun(even, jobs=1)
    alone_cases: list[object] = []
    alone.on_case = alone_cases.append
    expected = _run(alone, fmt)
    whole = BatchRun(even, jobs=2, own=True)
    whole_cases: list[object] = []
    whole.on_case = whole_cases.append
    assert _run(whole, fmt) == expected
    assert whole_cases == alone_cases and len(whole_cases) == len(even)
    if fmt is OutputFormat.CSV:
        assert expected.count(expected.split(b"\n", 1)[0]) == 1


def test_progress_counts_the_inputs_of_every_process(even: list[Path]) -> None:
    seen: list[tuple[int, int, str]] = []
    run = BatchRun(even, jobs=2, own=True, progress=lambda *a: seen.append(a))
    _run(run)
    total = len(list(BatchRun(even, jobs=1).inputs()))
    assert seen and all(t == total and 0 <= n <= total for n, t, _ in seen)
    assert [n for n, _, _ in seen] == sorted(n for n, _, _ in seen)
    assert all(name in map(str, even) for _, _, name in seen)


def test_spools_wait_for_a_few_cases_and_none_is_left(even: list[Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    spools = tmp_path / "spools"
    spools.mkdir()
    monkeypatch.setattr(_cases.tempfile, "tempdir", str(spools))
    run = BatchRun(even, jobs=2, own=True)
    run.render = functools.partial(encoded_input, OutputFormat.JSONL, True)
    monkeypatch.setattr(_cases, "AHEAD_PER_WORKER", 1)
    for piece in run.written():
        time.sleep(0.05)  # a slow reader: the workers would run on ahead
        if piece.spooled is not None:
            held = [p.name for d in spools.iterdir() for p in d.iterdir()]
            assert len(held) <= 2 * _cases.AHEAD_PER_WORKER + 1, held  # and the one read
    assert list(spools.iterdir()) == []


def _shorter_each_case(index: int, spool: IO[bytes], begun: object) -> int:
    """A case job whose output is shorter with each case: a spool written over holds the
    longer output of the case before past the new one's end."""
    spool.write(bytes([65 + index % 26]) * (2000 - 40 * index))
    return index


def test_a_spool_written_over_gives_only_its_last_case(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cases.tempfile, "tempdir", str(tmp_path))
    spools = set()
    for ran in _cases.run_cases(40, _shorter_each_case, 2, None):
        with ran.opened() as spooled:
            output = b"".join(spooled.blocks())
        assert ran.summary == ran.index
        assert output == bytes([65 + ran.index % 26]) * (2000 - 40 * ran.index)
        assert ran.spool is not None
        spools.add(ran.spool)
    assert len(spools) <= 2 * _cases.AHEAD_PER_WORKER + 1  # a few, written over again and again
    assert list(tmp_path.iterdir()) == []


def _hangs_holding_a_temporary_file(index: int, spool: IO[bytes], begun: object) -> int:
    """A case job that holds a temporary file (made where temporary files go) while it runs,
    and removes it as it ends; case 1 hangs."""
    fd, name = tempfile.mkstemp(suffix=f"-case-{index}")
    os.close(fd)
    begun()  # type: ignore[operator]
    spool.write(b"case %d\n" % index)
    while index == 1:
        time.sleep(0.05)
    os.unlink(name)
    return index


def test_what_a_killed_worker_left_is_removed_with_the_run(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed on a case that hangs never removes its temporary files itself (an
    archive member's copy): they are made in the run's folder, removed as the run ends."""
    monkeypatch.setattr(_cases.tempfile, "tempdir", str(tmp_path))
    outcomes = {ran.index: ran.summary for ran in _cases.run_cases(
        4, _hangs_holding_a_temporary_file, 2, 0.2)}
    assert outcomes == {0: 0, 1: None, 2: 2, 3: 3}  # the hanging case given back as lost
    assert list(tmp_path.iterdir()) == []


# -- inputs that hang, workers that die -------------------------------------------------------

def _patched(monkeypatch: pytest.MonkeyPatch, misbehave: object) -> None:
    real_bytes, real_path = pipeline.analyze_bytes, pipeline.analyze_path

    def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
        misbehave(source)  # type: ignore[operator]
        return real_bytes(data, source)

    def analyze_path(path: str, records: object = None) -> InputResult:
        misbehave(str(path))  # type: ignore[operator]
        return real_path(path, records)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyze_bytes", analyze_bytes)
    monkeypatch.setattr(pipeline, "analyze_path", analyze_path)


def _named(even: list[Path], word: str) -> list[Path]:
    """`even`, a file of two of its cases renamed to hold `word`."""
    for case in (even[2], even[7]):
        first = sorted(case.iterdir())[1]
        first.rename(first.with_name(f"{word}-{first.name}"))
    return even


def _marked(name: str, word: str) -> bool:
    """Whether the file `name` (a path, an archive member) was renamed by `_named`."""
    return Path(name.rpartition("!")[2]).name.startswith(f"{word}-")


def _results(output: bytes) -> dict[str, dict[str, object]]:
    import json

    lines = [json.loads(line) for line in output.splitlines()]
    return {Path(str(line["source"])).name: line for line in lines}


forked = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                            reason="the patched analysis reaches workers only when forked")


@forked
@pytest.mark.parametrize("where", ["python", "native"])
def test_an_input_that_hangs_is_timed_out_and_its_case_goes_on(
        even: list[Path], monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """In Python code the worker's own timer stops it (as `-j 1` does); stuck where no signal
    reaches it, the worker is killed and the case run again input by input, where the pool
    stops the input alone."""
    monkeypatch.setenv(START_METHOD, "fork")

    def hang(name: str) -> None:
        if _marked(name, "stuck"):
            if where == "native":  # the timer's signal never reaches it
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)

    named = _named(even, "stuck")
    expected = {Path(r.source).name for r in BatchRun(named, jobs=1).inputs()}
    _patched(monkeypatch, hang)
    started = time.monotonic()
    results = _results(_run(BatchRun(named, jobs=2, own=True, timeout=BUDGET)))
    assert time.monotonic() - started < 30
    assert set(results) == expected
    for name, line in results.items():
        if _marked(name, "stuck"):
            assert line["error"] == (f"timed out: not finished within {BUDGET:g} s "
                                     "(--timeout); the run went on without it")
        else:
            assert line["status"] != "error", name


@forked
def test_a_worker_that_dies_loses_only_the_input_it_died_on(
        even: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD, "fork")

    def die(name: str) -> None:
        if _marked(name, "dead"):
            os._exit(9)

    _patched(monkeypatch, die)
    run = BatchRun(_named(even, "dead"), jobs=2, own=True)
    cases: list[object] = []
    run.on_case = cases.append
    results = _results(_run(run))
    assert len(cases) == len(even)
    dead = {name: line for name, line in results.items() if _marked(name, "dead")}
    assert len(dead) == 2 and all(
        line["error"] == "the worker process analysing it ended unexpectedly (exit code 9)"
        for line in dead.values())
    assert all(line["status"] != "error" for name, line in results.items()
               if name not in dead and "junk" not in name and "blank" not in name)


def test_a_case_that_fails_in_its_worker_fails_where_the_report_is_written(
        even: list[Path], capfd: pytest.CaptureFixture[str]) -> None:
    """A renderer that raises (or a spool that cannot be written) loses the worker nothing:
    the case is run again in the run's process, where the error reaches the caller as with
    `jobs=1`, not as a worker's traceback."""
    def broken(result: InputResult) -> bytes:
        raise ValueError("cannot render")

    run = BatchRun(even, jobs=2, own=True)
    run.render = broken
    assert run.by_case()
    with pytest.raises(ValueError, match="cannot render"):
        list(run.written())
    assert "Traceback" not in capfd.readouterr().err


def test_a_spool_is_copied_without_its_first_line_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "spool"
    path.write_bytes(b"head\nrow 1\nrow 2\n")
    with _cases.Ran(0, None, path, path.stat().st_size).opened() as whole:
        assert b"".join(whole.blocks()) == b"head\nrow 1\nrow 2\n"
        assert b"".join(whole.without_first_line().blocks()) == b"row 1\nrow 2\n"
    with _cases.Ran(0, None).opened() as nothing:
        assert b"".join(nothing.blocks()) == b""
        assert b"".join(nothing.without_first_line().blocks()) == b""
