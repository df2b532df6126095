"""Memory ceilings of a batch run over hostile archives, measured in a fresh process with
`resource` (the peak resident size of the process and of its workers).

The inputs are those of the report that found the problems, rebuilt small on disk: two 2 MB
tar.gz of zeros (2 GB inside; 2.1 GB resident before, 2.6 to 3.6 GB with workers) and an EVTX
log inside a zip (held in memory before: 400 MiB took 893 MB; here 128 MiB, which streams
from a temporary copy in the memory a file on disk streams in)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import FIXTURES
from . import hostile
from .hostile import MIB

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")

_WORK = """
import json, sys
from certtriage.batch import batch
report = batch(sys.argv[2:], jobs=int(sys.argv[1]))
print(json.dumps([[r.source, r.status, r.verdict, r.error] for r in report.inputs]))
"""

# ru_maxrss survives exec: a process started from the test runner starts from the runner's
# size. So a small launcher starts the batch and reads the peak of its children (the batch
# process and its workers, each measured from the launcher's small start).
_LAUNCH = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], check=True,
                      capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
mib = peak // (2**20 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB elsewhere
print(json.dumps({"mib": mib, "inputs": json.loads(done.stdout)}))
"""


def measured(jobs: int, *paths: Path) -> tuple[int, list[list[str | None]]]:
    """The peak resident MiB of a batch over `paths` (workers included), and its inputs."""
    done = subprocess.run([sys.executable, "-c", _LAUNCH, _WORK, str(jobs), *map(str, paths)],
                          capture_output=True, text=True, check=True, timeout=300)
    out = json.loads(done.stdout)
    return out["mib"], out["inputs"]


def test_the_baseline_is_what_the_ceilings_are_set_against(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing")

    mib, _ = measured(1, tmp_path / "a.txt")

    assert mib < 80, mib  # the imports; the ceilings below leave room above this


@pytest.mark.parametrize("jobs", [1, 2])
def test_tar_gz_bombs_next_to_the_evidence_stay_far_below_their_size(tmp_path: Path,
                                                                      jobs: int) -> None:
    case = tmp_path / "ticket"
    case.mkdir()
    for name in ("a", "b"):
        hostile.zeros_tar_gz(case / f"{name}-logs.tar.gz",
                             {f"{name}{i}.bin": 500 for i in range(4)})
    shutil.copy(next((FIXTURES / "certutil" / "revoked").glob("*.txt")), case / "verify.txt")

    mib, inputs = measured(jobs, case)

    assert mib < 150, mib  # 2,000 to 2,500 before
    verdicts = {source.rsplit("/", 1)[-1]: (status, verdict) for source, status, verdict, _ in
                inputs}
    assert verdicts["verify.txt"] == ("parsed", "fail")
    assert all("ratio limit" in (error or "") for source, _, _, error in inputs
               if "logs.tar.gz" in source)


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_evtx_member_streams_instead_of_being_held_in_memory(tmp_path: Path,
                                                                 jobs: int) -> None:
    fixture = (FIXTURES / "evtx" / "system-schannel.evtx").read_bytes()
    archive = tmp_path / "eventlogs.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        with zf.open("System.evtx", "w", force_zip64=True) as member:
            member.write(fixture[:4096 + 65536])  # the header and one chunk of real records
            for _ in range(128 * MIB // 65536 - 1):
                member.write(bytes(65536))  # then unused (zeroed) chunks

    mib, inputs = measured(jobs, archive)

    [[source, status, _, error]] = inputs
    assert source == f"{archive}!System.evtx" and status != "error", error
    assert mib < 100, mib  # 170 to 400 before
