"""The console script leaves what its run made to the end of the process.

Once a command's output is written, everything alive is set apart from the collector, so the
interpreter's last collection does not walk it; exit handlers, report files and the standard
streams still close as usual. Run in a process of its own, as a user's shell runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import FIXTURES

PASTE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"

#: The console script's entry, with an exit handler that reports what the collector holds
#: apart when the run is over (exit handlers run before the interpreter's last collection).
_RUN = """
import atexit, gc, sys
atexit.register(lambda: print("set apart:", gc.get_freeze_count(), file=sys.stderr))
from certtriage.cli import main
sys.argv = ["certtriage", *sys.argv[1:]]
main()
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True,
                          text=True, check=False, timeout=120)


def _held_apart(stderr: str) -> int:
    return int(stderr.rsplit("set apart:", 1)[1].split()[0])


@pytest.mark.parametrize("args", [
    ["analyze", str(PASTE)],            # the lean entry
    ["analyze", "--no-model", "--", str(PASTE)],  # the full command line
])
def test_a_paste_is_answered_whole_and_its_heap_left_to_the_exit(args: list[str]) -> None:
    ran = _run(*args)
    assert ran.returncode == 1, ran.stderr
    assert "revocation" in ran.stdout.lower()
    assert _held_apart(ran.stderr) > 10_000


def test_a_report_file_is_complete_after_the_exit(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    ran = _run("analyze", "-f", "json", "-o", str(report), str(PASTE))
    assert ran.returncode == 1, ran.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "fail"
    assert not list(tmp_path.glob(".*.part"))  # the temporary file was renamed, not left


def test_a_run_that_ends_in_an_error_leaves_it_too(tmp_path: Path) -> None:
    ran = _run("analyze", str(tmp_path / "missing.txt"))
    assert ran.returncode != 0
    assert "missing.txt" in ran.stderr
    assert _held_apart(ran.stderr) > 0


#: The console script, telling whether the batch it runs has the process to itself.
_OWN = """
import atexit, sys
atexit.register(lambda: print("typer:", "typer" in sys.modules, file=sys.stderr))
from certtriage.cli import _batch
real = _batch.run_batch
def told(*args, **options):
    print("own:", options["own"], file=sys.stderr)
    return real(*args, **options)
_batch.run_batch = told
from certtriage.cli import main
sys.argv = ["certtriage", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(("args", "typer"), [
    (["batch", "-q", str(PASTE.parent)], False),        # the lean entry
    (["batch", "-q", "--", str(PASTE.parent)], True),   # the full command line
])
def test_a_batch_of_the_console_script_has_its_process_to_itself(args: list[str],
                                                                 typer: bool) -> None:
    """Either way in, the console script's batch keeps its memory flat and is one of the
    `--jobs` processes (`executors`), which a library caller's batch is not; with plain
    arguments it runs without the typer app."""
    ran = subprocess.run([sys.executable, "-c", _OWN, *args], capture_output=True, text=True,
                         check=False, timeout=120)
    assert "own: True" in ran.stderr, ran.stderr
    assert f"typer: {typer}" in ran.stderr
    assert "revocation" in ran.stdout.lower()
