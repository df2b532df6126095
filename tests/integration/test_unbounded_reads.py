"""Reads without end, found while hardening the acquire stage: `analyze_path` (what `analyze`
and a batch worker call with a file's path) opens whatever the path names. The acquire stage
only hands on regular files, but a path can be a fifo or a device by the time it is read.

Each case runs in a fresh process with a time limit and an address-space limit, so a read that
never ends fails the test instead of hanging or exhausting the machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="fifos and devices: POSIX")

_SCRIPT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from certtriage.pipeline import analyze_path
result = analyze_path(sys.argv[1])
print(result.status, result.error)
"""


def _analyze_in_a_box(path: Path | str, seconds: int = 8) -> str:
    try:
        done = subprocess.run([sys.executable, "-c", _SCRIPT, str(path)], capture_output=True,
                              text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return f"no answer within {seconds} s"
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def test_analyze_path_on_a_fifo_answers_with_an_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    assert _analyze_in_a_box(tmp_path / "pipe").startswith("error")


def test_analyze_path_on_an_endless_device_answers_with_an_error() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")

    assert _analyze_in_a_box("/dev/zero").startswith("error")
