"""A generated System log of any size, and the peak memory of `certtriage analyze` on one:
what `run.py --only large [--mib 1024]` measures (scan speed against raw `evtx` iteration, and
memory on a small and a large log).

The log is what a busy server's System log looks like when a client-certificate problem is
buried in it: service and event-log records by the million, and a few Schannel alerts (`FEW`,
whatever the size) in the last block. One block of such records is written with the fixtures'
EVTX writer and its chunks repeated to the size asked for (a chunk holds its own records, so
copies read as more of the same log). Targets: the scan at least 80 % of raw iteration
(CPU time); peak resident memory the same for both sizes (records stream, relevant events
are capped).
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _source import SRC, environment  # noqa: E402

sys.path.insert(0, str(SRC))

from evtx_writer import CHUNK_SIZE, FILE_HEADER_SIZE, build_evtx  # noqa: E402
from make_evtx_fixtures import DAY, alert_sent, eventlog_6013, scm_7036  # noqa: E402

#: Records in the repeated block.
BLOCK = 3000
#: Schannel alerts in the log, all in its last block.
FEW = 12
#: Peak resident memory of a child process (KiB on Linux) running the command given.
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, "
         "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
         ".ru_maxrss)")


def _block(alerts: int = 0) -> bytes:
    """The chunks of one block of records (the file header left off), `alerts` of them
    Schannel alerts."""
    records = []
    t = DAY
    every = BLOCK // alerts if alerts else BLOCK + 1
    for i in range(BLOCK):
        t += timedelta(seconds=7)
        if alerts and i % every == every // 2:
            records.append(alert_sent(i + 1, t, 48, 6008))
        elif i % 50 == 0:
            records.append(eventlog_6013(i + 1, t, 3600 + i))
        else:
            state = "running" if i % 2 else "stopped"
            records.append(scm_7036(i + 1, t, "Windows Modules Installer", "TrustedInstaller",
                                    state, 4 if i % 2 else 1, 3920))
    return build_evtx(records)[FILE_HEADER_SIZE:]


def write_log(path: Path, mib: int) -> int:
    """A System log of about `mib` MiB at `path`; its number of chunks."""
    block, last = _block(), _block(FEW)
    copies = max(1, mib * 2**20 // len(block))
    chunks = ((copies - 1) * len(block) + len(last)) // CHUNK_SIZE
    if chunks > 0xFFFF:
        sys.exit(f"{mib} MiB is past the 65,535 chunks an EVTX header can count")
    head = struct.pack("<8sQQQIHHHH", b"ElfFile\0", 0, chunks - 1, BLOCK * copies + 1, 128, 1,
                       3, FILE_HEADER_SIZE, chunks)
    head += bytes(120 - len(head)) + struct.pack("<I", 0)
    head += struct.pack("<I", zlib.crc32(head[:120]))
    with path.open("wb") as out:
        out.write(head + bytes(FILE_HEADER_SIZE - len(head)))
        for _ in range(copies - 1):
            out.write(block)
        out.write(last)
    return chunks


def peak_mib(path: Path) -> float:
    """Peak resident memory (MiB) of `certtriage analyze --format json` on `path`."""
    env = environment()
    command = [sys.executable, "-m", "certtriage", "analyze", "--format", "json", str(path)]
    out = subprocess.run([sys.executable, "-c", _PEAK, *command], check=True, env=env,
                         capture_output=True, text=True).stdout
    return int(out.split()[-1]) / 1024
