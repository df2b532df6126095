"""A reader that goes away before certtriage writes (`| head -0`, `| true`) ends it quietly:
no traceback and no "Exception ignored"; `analyze` and `batch` keep the exit code of their
verdict (the analysis was done; only its display was not wanted), every other command exits 0.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from certtriage.render import OutputFormat

from ..conftest import FIXTURES

FAIL = FIXTURES / "certutil/revocation-offline/leaf-cdp-ldap-and-http-failed-older-format.txt"


def _into_a_closed_pipe(args: list[str]) -> tuple[int, str]:
    reader, writer = os.pipe()
    os.close(reader)  # nobody will ever read: every write fails with EPIPE
    try:
        ran = subprocess.run([sys.executable, "-m", "certtriage", *args], stdout=writer,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=300)
    finally:
        os.close(writer)
    return ran.returncode, ran.stderr.decode()


@pytest.mark.parametrize(("args", "code"), [
    *((["analyze", "-f", f.value, str(FAIL)], 1) for f in OutputFormat),
    (["batch", "-q", "--details", "-j", "2", str(FAIL.parent)], 1),
    (["rules"], 0), (["explain", "0x80092013"], 0), (["--help"], 0), (["analyze", "--help"], 0),
    (["-V"], 0), ([], 0), (["completion", "bash"], 0),
], ids=lambda v: " ".join(a.rsplit("/", 1)[-1] for a in v) if isinstance(v, list) else str(v))
def test_a_closed_pipe_ends_quietly_with_the_documented_code(args: list[str], code: int) -> None:
    returncode, err = _into_a_closed_pipe(args)
    assert err == "" and returncode == code, err
