"""Executors: the same output from every place the per-input function can run (this process,
worker processes under each start method, a Dask cluster), a time budget per input, and a
batch that holds only a window of inputs at a time."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import pickle
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from certtriage import pipeline
from certtriage.batch import BatchRun, batch
from certtriage.case.reading import Reading, read
from certtriage.executors import DEFAULT_TIMEOUT, Task, run_task
from certtriage.executors._pool import START_METHOD, WINDOW_PER_WORKER, context, stop_all
from certtriage.executors._serial import GROUP_BYTES, GROUP_INPUTS, _groups
from certtriage.models.findings import InputResult
from certtriage.render import OutputFormat, encoded_input, render

from ..conftest import FIXTURES
from ..helpers.cli import certtriage

CERTUTIL = FIXTURES / "certutil"
batch_module = sys.modules[BatchRun.__module__]  # the package exports a function of that name


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs compared byte for byte judge validity at one moment, not at each run's minute
    (the variable reaches worker processes and Dask workers through the environment)."""
    monkeypatch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")


@pytest.fixture
def cases(tmp_path: Path) -> list[Path]:
    """Three cases: a folder of mixed evidence (text, EVTX, junk, empty), a zip of some of it,
    and an empty folder."""
    folder = tmp_path / "ticket"
    folder.mkdir()
    dumps = [p for d in ("revoked", "revocation-offline", "untrusted-root")
             for p in sorted((CERTUTIL / d).glob("*.txt"))[:2]]
    for i, name in enumerate(dumps):
        shutil.copy(name, folder / f"dump-{i}.txt")
    shutil.copy(CERTUTIL / "pass/three-element-client-auth-urlfetch.txt", folder / "ok.txt")
    shutil.copy(FIXTURES / "evtx/system-schannel-truncated.evtx", folder / "System.evtx")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.txt").write_bytes(b"")
    archive = shutil.make_archive(str(tmp_path / "bundle"), "zip", folder)
    empty = tmp_path / "nothing"
    empty.mkdir()
    return [folder, Path(archive), empty]


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    ran = certtriage("batch", "-q", *args, env=env)
    assert ran.code in (0, 1, 4), ran.err
    assert ran.err == ""
    return ran.out


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "text"])
def test_spawn_workers_give_the_output_of_one_process(cases: list[Path], fmt: str) -> None:
    paths = [str(p) for p in cases]
    alone = _run("-f", fmt, "--jobs", "1", *paths)
    spawned = _run("-f", fmt, "--jobs", "2", *paths, env={START_METHOD: "spawn"})
    assert spawned == alone
    assert "System.evtx" in alone and "dump-5.txt" in alone


def test_the_start_method_is_the_one_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    for method in multiprocessing.get_all_start_methods():
        monkeypatch.setenv(START_METHOD, method)
        assert context().get_start_method() == method


@pytest.mark.parametrize("held", [None, 1], ids=["in-memory", "case-lines-on-disk"])
@pytest.mark.parametrize("fmt", [OutputFormat.JSONL, OutputFormat.CSV])
def test_streamed_output_is_the_rendered_report(cases: list[Path], fmt: OutputFormat,
                                                held: int | None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte for byte the whole report, also when the case lines waiting for the inputs to be
    written go to a temporary file (closed, and so removed, once the run is)."""
    import tempfile

    from certtriage.cli import _stream

    made: list[object] = []
    real = tempfile.TemporaryFile

    def counted(*args: object, **kwargs: object) -> object:
        made.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return made[-1]

    if held is not None:
        monkeypatch.setattr(_stream, "HELD_IN_MEMORY", held)
    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    paths = [str(p) for p in (*cases, cases[0])]  # a case given twice is two cases of all
    whole = render(batch(paths), fmt, include_model=True)
    assert _run("-f", fmt.value, "--jobs", "1", *paths) == whole
    assert len(made) == (held is not None and fmt is OutputFormat.JSONL)
    assert all(f.closed for f in made)  # type: ignore[attr-defined]
    target = tmp_path / f"report.{fmt.value}"
    target.write_text("the previous report\n")
    assert certtriage("batch", "-q", "-f", fmt.value, "-o", str(target), *paths).code == 1
    assert target.read_text(encoding="utf-8") == whole
    assert not list(tmp_path.glob(".certtriage-*"))


def _sent(reading: Reading) -> Reading:
    """The reading as another process receives it."""
    received: Reading = pickle.loads(pickle.dumps(reading))
    return received


@pytest.mark.parametrize(("jobs", "own"), [(1, False), (2, False), (2, True)])
def test_a_streamed_batch_renders_each_input_where_it_is_analysed(cases: list[Path],
                                                                   jobs: int, own: bool) -> None:
    """What comes back is the input's text, what its case reads of it, and its result: from
    a worker process its summary (without its findings, identities and evidence, most of a
    result's bytes and models: the output shows them, the reading holds what the case needs);
    analysed in this process, as it is (nothing holds it once its case has read it): with
    `jobs` 1, and with `own` for the inputs the command line's process takes beside its
    worker. Inputs with nothing to analyse (junk, an empty file) are rendered here, the same
    way."""
    whole = {r.source: r for r in batch(cases).inputs}
    run = BatchRun(cases, jobs=jobs, own=own)
    run.render = functools.partial(encoded_input, OutputFormat.JSONL, True)
    outcomes = list(run.outcomes())
    assert [d.result.source for d in outcomes] == list(whole)
    here, there = jobs == 1 or own, jobs > 1
    for done in outcomes:
        full = whole[done.result.source]
        assert done.output == encoded_input(OutputFormat.JSONL, True, full)
        assert done.result in [full] * here + [full.summary()] * there
        if done.reading is not None:  # not for an input with nothing to analyse
            assert done.reading in [read(full)] * here + [_sent(read(full))] * there
    assert any(whole[d.result.source].model is not None for d in outcomes)
    assert any(d.reading is not None and d.reading.groups for d in outcomes)


def test_a_renderer_that_fails_in_the_worker_fails_where_the_output_is_written(
        cases: list[Path]) -> None:
    def broken(result: InputResult) -> bytes:
        raise ValueError("cannot render")

    done = run_task(Task("x.txt", path=str(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt"),
                         render=broken))
    assert done.output is None and done.result.model is not None
    run = BatchRun(cases[:1])
    run.render = broken
    with pytest.raises(ValueError, match="cannot render"):
        next(run.outcomes())


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch the acquire stream so the test sees how far the batch has read ahead."""
    pulled: list[str] = []
    real = batch_module.iter_sources

    def counting(*args: object, **kwargs: object) -> Iterator[object]:
        for source in real(*args, **kwargs):  # type: ignore[arg-type]
            pulled.append(source.origin)
            yield source

    monkeypatch.setattr(batch_module, "iter_sources", counting)
    return pulled


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_reads_only_a_window_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           jobs: int) -> None:
    count = 3 * WINDOW_PER_WORKER * jobs
    for i in range(count):
        (tmp_path / f"{i:03}.txt").write_text(f"note {i}\n")
    pulled = _counted(monkeypatch)
    results = BatchRun([tmp_path], jobs=jobs).inputs()
    ahead = []
    for result in results:
        ahead.append(len(pulled) - len(ahead) - 1)
        assert result.source == pulled[len(ahead) - 1]
    assert len(ahead) == count
    assert max(ahead) <= (GROUP_INPUTS - 1 if jobs == 1 else jobs * WINDOW_PER_WORKER)


def test_inputs_analysed_here_come_in_groups() -> None:
    """`-j 1` takes inputs in groups of up to GROUP_INPUTS inputs and GROUP_BYTES bytes, a
    larger input alone, results known already counted as nothing."""
    small = [Task(f"s{i}", size=1_000) for i in range(GROUP_INPUTS + 3)]
    assert [len(g) for g in _groups(small)] == [GROUP_INPUTS, 3]
    large = Task("large", size=GROUP_BYTES + 1)
    half = Task("half", size=GROUP_BYTES // 2)
    known = InputResult(source="known", kind="unknown", status="skipped")
    work = [small[0], large, half, known, half, small[1], half, small[2]]
    groups = list(_groups(work))
    assert [[item.source if isinstance(item, InputResult) else item.origin for item in g]
            for g in groups] == [["s0"], ["large"], ["half", "known", "half"],
                                 ["s1", "half", "s2"]]
    assert [item for g in groups for item in g] == work


def test_a_case_is_released_once_diagnosed(tmp_path: Path) -> None:
    folders = []
    for name in ("a", "b", "c"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(CERTUTIL / "pass/three-element-client-auth-urlfetch.txt", folder / "x.txt")
        folders.append(folder)
    run = BatchRun(folders)
    held = []
    for _ in run.inputs():
        held.append(sorted(run._open))
    assert held == [[str(folders[0])], [str(folders[1])], [str(folders[2])]]
    assert [c.case for c in run.cases()] == [str(f) for f in folders]


def test_a_case_is_diagnosed_as_from_whole_results(tmp_path: Path) -> None:
    """The results a case keeps leave out the parsed model; the diagnosis is the same."""
    from certtriage.batch import diagnose_case

    folder = tmp_path / "every-kind"
    folder.mkdir()
    kinds = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    for kind in kinds:
        for i, path in enumerate(sorted(p for p in kind.rglob("*") if p.is_file())[:3]):
            shutil.copy(path, folder / f"{kind.name}-{i}{path.suffix}")
    run = BatchRun([folder])
    results = list(run.inputs())
    assert len({r.kind for r in results}) >= 6 and any(r.model for r in results)
    assert run.cases() == [diagnose_case(str(folder), results)]


# -- the time budget ------------------------------------------------------------------------

_RELEASE = threading.Event()


def _slow_when_named_slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs whose name holds `slow` hang (until the test ends) instead of being analysed."""
    real_bytes, real_path = pipeline.analyze_bytes, pipeline.analyze_path
    _RELEASE.clear()

    def hang(name: str) -> None:
        if "slow" in name:
            _RELEASE.wait(120)

    def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
        hang(source)
        return real_bytes(data, source)

    def analyze_path(path: str, records: object = None) -> InputResult:
        hang(str(path))
        return real_path(path, records)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyze_bytes", analyze_bytes)
    monkeypatch.setattr(pipeline, "analyze_path", analyze_path)


@pytest.fixture
def slow_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "case"
    folder.mkdir()
    dump = CERTUTIL / "revoked/leaf-revoked-key-compromise.txt"
    for name in ("a.txt", "b-slow.txt", "c.txt", "d-slow.txt", "e-slow.txt", "f.txt"):
        shutil.copy(dump, folder / name)
    pipeline.analyze_bytes(dump.read_bytes())  # rules and grammar loaded before the clock runs
    _slow_when_named_slow(monkeypatch)
    yield folder
    _RELEASE.set()


#: A budget far above a loaded pipeline's time for one dump, even on a busy machine.
BUDGET = 1.5


def _check_timed_out(report_inputs: tuple[InputResult, ...], budget: float) -> None:
    by_name = {Path(r.source).name: r for r in report_inputs}
    assert sorted(by_name) == ["a.txt", "b-slow.txt", "c.txt", "d-slow.txt", "e-slow.txt",
                               "f.txt"]
    for name, result in by_name.items():
        if "slow" in name:
            assert result.status == "error", name
            assert result.error == (f"timed out: not finished within {budget:g} s (--timeout); "
                                    "the run went on without it")
        else:
            assert result.status == "parsed" and result.root_causes == ("revoked",), name


def test_an_input_over_budget_is_timed_out_in_process(slow_case: Path) -> None:
    report = batch([slow_case], jobs=1, timeout=BUDGET)
    _check_timed_out(report.inputs, BUDGET)
    assert report.cases[0].failed == 3


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the patched analysis reaches workers only when they are forked")
def test_a_worker_over_budget_is_replaced(slow_case: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD, "fork")
    report = batch([slow_case], jobs=2, timeout=BUDGET)  # three hang, more than the 2 workers
    _check_timed_out(report.inputs, BUDGET)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the patched analysis reaches workers only when they are forked")
def test_a_worker_that_dies_is_reported_and_replaced(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD, "fork")
    real = pipeline.analyze_bytes

    def dying(data: bytes, source: str = "<bytes>") -> InputResult:
        if "die" in source:
            os._exit(9)
        return real(data, source)

    monkeypatch.setattr(pipeline, "analyze_bytes", dying)
    archive = tmp_path / "a.zip"
    import zipfile

    dump = (CERTUTIL / "revoked/leaf-revoked-key-compromise.txt").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("1.txt", "2-die.txt", "3.txt", "4-die.txt", "5-die.txt", "6.txt"):
            zf.writestr(name, dump)
    report = batch([archive], jobs=2)
    for result in report.inputs:
        if "die" in result.source:
            assert result.status == "error"
            assert result.error == "the worker process analysing it ended unexpectedly (exit code 9)"
        else:
            assert result.root_causes == ("revoked",), result.source
    assert len(report.inputs) == 6


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the patched analysis reaches workers only when they are forked")
def test_large_inputs_and_large_results_cross_without_a_hang(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Archive members travel to workers as bytes and results come back whole: with both
    larger than a pipe holds, the parent must never wait to send while a worker waits to
    send it a result."""
    monkeypatch.setenv(START_METHOD, "fork")

    def echoing(data: bytes, source: str = "<bytes>") -> InputResult:
        return InputResult(source=source, kind="unknown", status="error", error="echo",
                           warnings=(data.decode(),))

    monkeypatch.setattr(pipeline, "analyze_bytes", echoing)
    archive = tmp_path / "large.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:  # stored: as compressible, it would be refused
        for i in range(8):
            zf.writestr(f"{i}.txt", f"{i}" * 2_000_000)
    run = BatchRun([archive], jobs=2)
    run.render = functools.partial(encoded_input, OutputFormat.JSONL, False)
    texts: list[bytes] = []
    finished = threading.Thread(target=lambda: texts.extend(d.output or b""
                                                            for d in run.outcomes()),
                                daemon=True)
    finished.start()
    finished.join(60)
    assert not finished.is_alive(), "the batch hung"
    assert [json.loads(text)["warnings"][0][:3] for text in texts] == [
        f"{i}" * 3 for i in range(8)]


def test_the_cli_default_budget_is_the_library_default() -> None:
    ran = certtriage("batch", "--help")
    assert f"(default: {DEFAULT_TIMEOUT:g}; 0: none)" in " ".join(ran.out.split())


def test_the_per_input_function_takes_and_gives_plain_data(tmp_path: Path) -> None:
    import pickle

    dump = CERTUTIL / "revoked/leaf-revoked-key-compromise.txt"
    task = pickle.loads(pickle.dumps(Task("x!dump.txt", data=dump.read_bytes())))
    result = pickle.loads(pickle.dumps(run_task(task))).result
    assert result == pipeline.analyze_bytes(dump.read_bytes(), "x!dump.txt")
    on_disk = run_task(Task("named.txt", path=str(dump))).result
    assert on_disk == result.model_copy(update={"source": "named.txt"})


# -- Dask ----------------------------------------------------------------------------------


def test_without_dask_the_scheduler_option_says_what_to_install(
        cases: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    ran = certtriage("batch", "-q", "--scheduler", "local", str(cases[0]))
    assert ran.code == 2
    assert ran.err == "certtriage: --scheduler needs Dask: pip install 'certtriage[dask]'\n"
    assert ran.out == ""


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker Dask cluster in this process, reached over TCP as a remote one would be."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", dashboard_address=":0",
                                  silence_logs=50) as local:
        yield local.scheduler_address


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_a_dask_cluster_gives_the_output_of_one_process(cases: list[Path], cluster: str,
                                                        fmt: str) -> None:
    paths = [str(p) for p in cases]
    alone = _run("-f", fmt, "--jobs", "1", *paths)
    assert _run("-f", fmt, "--scheduler", cluster, *paths) == alone


def test_a_local_cluster_of_its_own(cases: list[Path]) -> None:
    """`--scheduler local` starts (and stops) a cluster of `--jobs` worker processes."""
    pytest.importorskip("distributed")
    alone = _run("-f", "jsonl", "--jobs", "1", str(cases[1]))
    assert _run("-f", "jsonl", "--jobs", "2", "--scheduler", "local", str(cases[1])) == alone


def test_an_input_over_budget_on_dask_is_timed_out(slow_case: Path) -> None:
    """Dask cannot stop a running task: each hung input keeps its worker thread when it is
    retried alone, and the chunk it hung in keeps one more, so this cluster has two threads
    more than there are hung inputs."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=5, processes=False,
                                  protocol="tcp", dashboard_address=":0",
                                  silence_logs=50) as local:
        report = batch([slow_case], scheduler=local.scheduler_address, timeout=BUDGET)
        _check_timed_out(report.inputs, BUDGET)
        _RELEASE.set()


def test_an_unreachable_scheduler_is_one_line(cases: list[Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from certtriage.executors import _dask

    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 1)
    ran = certtriage("batch", "-q", "-f", "jsonl", "--scheduler", "tcp://127.0.0.1:9",
                     str(cases[0]))
    assert ran.code == 2
    assert ran.err.startswith("certtriage: cannot reach the Dask scheduler tcp://127.0.0.1:9: ")
    assert ran.err.count("\n") == 1 and ran.out == ""


def test_dask_results_are_ordered_whatever_finishes_first(tmp_path: Path, cluster: str,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    real = pipeline.analyze_bytes

    def early_ones_late(data: bytes, source: str = "<bytes>") -> InputResult:
        if source.endswith(("00.txt", "01.txt")):
            time.sleep(0.3)
        return real(data, source)

    monkeypatch.setattr(pipeline, "analyze_bytes", early_ones_late)
    for i in range(12):
        (tmp_path / f"{i:02}.txt").write_text(f"note {i}\n")
    report = batch([tmp_path], scheduler=cluster)
    assert [Path(r.source).name for r in report.inputs] == [f"{i:02}.txt" for i in range(12)]
    assert json.loads(render(report, OutputFormat.JSON))["cases"][0]["files"] == 12


def test_the_timer_is_set_once_for_a_run_not_for_each_input(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from certtriage.executors import _serial

    for n in range(8):
        shutil.copy(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt", tmp_path / f"{n}.txt")
    calls: list[tuple[float, float]] = []
    real = signal.setitimer

    def counted(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
        calls.append((seconds, interval))
        return real(which, seconds, interval)

    monkeypatch.setattr(signal, "setitimer", counted)
    report = batch([tmp_path], jobs=1, timeout=30)
    assert [r.root_causes for r in report.inputs] == [("revoked",)] * 8
    assert calls == [(_serial.tick(30), _serial.tick(30)), (0, 0.0)], "armed, then disarmed"
    assert _serial.tick(30) == 1.0 and _serial.tick(1.5) == pytest.approx(0.15)


def _waits_for_its_sibling(conn: object, sibling_told: str) -> None:
    """A worker that, told to end, ends only once its sibling has been told too."""
    conn.recv()  # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while not os.path.exists(sibling_told) and time.monotonic() < deadline:
        time.sleep(0.01)
    sys.exit(0 if os.path.exists(sibling_told) else 3)


def _marks_when_told(conn: object, told: str) -> None:
    conn.recv()  # type: ignore[attr-defined]
    Path(told).touch()


def _never_ends(conn: object) -> None:
    while True:
        time.sleep(1)


def test_workers_are_all_told_to_end_before_any_is_waited_for(tmp_path: Path) -> None:
    """`_pool.stop_all`: every worker is told (or killed) first, then each waited for: a
    worker still ending does not hold back telling the next. Stopped one after the other,
    the first here would wait for the second until killed."""
    ctx = context()
    told = str(tmp_path / "second-told")
    workers = []
    for target, args, kill in ((_waits_for_its_sibling, (told,), False),
                               (_marks_when_told, (told,), False), (_never_ends, (), True)):
        conn, child = ctx.Pipe()
        process = ctx.Process(target=target, args=(child, *args), daemon=True)
        process.start()
        child.close()
        workers.append((process, conn, kill))
    stop_all(workers)
    assert [p.exitcode for p, _, _ in workers] == [0, 0, -9]
    assert all(conn.closed for _, conn, _ in workers)
