"""Ctrl-C and SIGTERM stop a run cleanly: exit 130 / 143, one line on standard error, no
traceback, no worker left running, the previous report file untouched, and never a hang.

Each run is a real process in its own session, so a Ctrl-C can be sent as a terminal sends
it (to the whole process group) or a SIGTERM to the main process alone (as `kill PID` does).
Every wait has a timeout, and whatever is left is killed after the test."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import FIXTURES

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="process tables are read from /proc")

PREVIOUS = "the previous report\n"
#: Enough inputs that a parallel batch is still running when the signal arrives.
_COPIES = 20
_DEADLINE = 60.0


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry))
    return found


def _reading_a_pipe(pid: int) -> bool:
    """Whether `pid` waits in a read from a pipe (where the kernel does not say, after a few
    seconds)."""
    try:
        where = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        where = ""
    if where in ("", "0"):
        time.sleep(3.0)
        return True
    return "pipe" in where


def _running(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def many_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case folder of many certutil outputs."""
    folder = tmp_path_factory.mktemp("signals") / "case"
    folder.mkdir()
    sources = sorted((FIXTURES / "certutil").rglob("*.txt"))
    for copy in range(_COPIES):
        for n, source in enumerate(sources):
            shutil.copyfile(source, folder / f"{copy:02d}-{n:03d}.txt")
    return folder


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; their groups are killed afterwards, whatever happened."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
        process.wait(timeout=10)


def _start(args: list[str], tmp_path: Path, started: list[subprocess.Popen[bytes]],
           stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "certtriage", *args], stdin=stdin,
        stdout=(tmp_path / "out").open("wb"), stderr=(tmp_path / "err").open("wb"),
        env=env, start_new_session=True)
    started.append(process)
    return process


def _wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + _DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _ended_cleanly(process: subprocess.Popen[bytes], tmp_path: Path, code: int,
                   message: str) -> None:
    assert process.wait(timeout=_DEADLINE) == code, (tmp_path / "err").read_text()
    err = (tmp_path / "err").read_text()
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err == f"certtriage: {message}\n"
    assert (tmp_path / "out").read_text() == ""


@pytest.mark.parametrize(("signum", "to_group", "delay"), [
    (signal.SIGINT, True, 0.0), (signal.SIGINT, True, 0.5), (signal.SIGINT, True, 2.0),
    (signal.SIGINT, False, 1.0), (signal.SIGTERM, False, 0.0), (signal.SIGTERM, False, 1.5),
    (signal.SIGTERM, True, 1.0),
], ids=["int-group-at-start", "int-group", "int-group-later", "int-main", "term-at-start",
        "term-main", "term-group"])
def test_a_signal_stops_a_parallel_batch_and_all_its_workers(
        many_inputs: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]],
        signum: int, to_group: bool, delay: float) -> None:
    report = tmp_path / "report.json"
    report.write_text(PREVIOUS)
    process = _start(["batch", "-j", "8", "-q", "-f", "json", "-o", str(report),
                      str(many_inputs)], tmp_path, started)
    _wait_for(lambda: len(_children(process.pid)) >= 2, "the workers to start")
    time.sleep(delay)
    workers = _children(process.pid)
    assert process.poll() is None, "the batch ended before it could be interrupted"
    (os.killpg if to_group else os.kill)(process.pid, signum)
    message = ("interrupted by Ctrl-C (SIGINT)" if signum == signal.SIGINT
               else "stopped by SIGTERM")
    _ended_cleanly(process, tmp_path, 128 + signum, message)
    _wait_for(lambda: not any(_running(pid) for pid in workers), "the workers to end")
    assert report.read_text() == PREVIOUS


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_analyze_while_it_reads(
        tmp_path: Path, started: list[subprocess.Popen[bytes]], signum: int) -> None:
    report = tmp_path / "report.txt"
    report.write_text(PREVIOUS)
    reader, writer = os.pipe()
    process = _start(["analyze", "-o", str(report), "-"], tmp_path, started, stdin=reader)
    os.close(reader)
    try:
        os.write(writer, (FIXTURES / "certutil/pass/three-element-client-auth-urlfetch.txt")
                 .read_bytes())  # more is still to come: analyze waits for it
        _wait_for(lambda: _reading_a_pipe(process.pid), "analyze to wait for more input")
        os.killpg(process.pid, signum)
        message = ("interrupted by Ctrl-C (SIGINT)" if signum == signal.SIGINT
                   else "stopped by SIGTERM")
        _ended_cleanly(process, tmp_path, 128 + signum, message)
    finally:
        os.close(writer)
    assert report.read_text() == PREVIOUS
