"""The start-up and throughput figures counted in instructions executed (valgrind's callgrind
tool), which do not wander with the machine as times do: run by hand, or by `run.py --only
instructions`; never part of the test suite.

    python benchmarks/bench_instructions.py [--files 6000] [--direct] [--src OTHER/src]

Prints, as references beside the targets (which are read on time, `run.py`), each ratio:
* start-up: one `certtriage analyze` of the typical paste (text and json) against the import
  floor (`python -c "import lark, pydantic, typer, rich"`), and the floor with one pydantic
  model defined and validated; the target on time is at most 1.3x the floor;
* throughput: instructions per input of `certtriage batch -j 1 -f jsonl -o FILE` (the
  difference between 1,200 and 600 files in folders of 100) with its fixed cost (start-up,
  and first use), and the same of the in-process pipeline in a process of its own set up as
  the command line's (`bench_batch._PIPELINE`, over 600 and 1,200 dumps); from these, what
  `-j 1` over `--files` dumps gives of in-process throughput at equal speed of execution
  (the target on time is 80 %). Beside them, the in-process pipeline per dump once every
  cache is warm (the difference between a run of four more rounds over the fixtures and one
  of none, after ten rounds), and the share `-j 1` gives of that.

Both keep getting cheaper for a while after their first few hundred inputs (first-character
combinations of the line classifier, built once a character has started a few hundred lines,
bounded caches filling, the collector's thresholds settling), so each is counted after as
many inputs as the other has seen: the in-process loop per dump read 6.70 M instructions
between rounds 6 and 8, 6.56 M between rounds 8 and 16; a batch per input 8.19 M between
300 and 600 files, 7.94 M between 600 and 1,200. Counted directly, `batch -j 1` over 6,000
files executed 49.11 G instructions, where 600 and 1,200 files predict 49.59 G (300 and 600
predicted 50.99 G). `--direct` counts the batch over `--files` files as well (at 6,000,
about twenty minutes).

A time is instructions over the speed the machine runs them at; a ratio of two counts is the
ratio of two times only when both run at the same speed, which on a quiet machine they do
within a few per cent (a batch touches more memory than a loop over the same few dumps, so it
runs slightly slower). Every run is made once to warm the cache folder, then counted, with
`PYTHONHASHSEED=0`. Needs valgrind; without it, says so and prints nothing else.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The typical paste, and the import floor it is compared with (run.py's too).
PASTE = ROOT / "fixtures/certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
FLOOR = "import lark, pydantic, typer, rich"
#: The floor with pydantic's model machinery in use: `import pydantic` alone is lazy, and the
#: first model class imports the schema builder and pydantic-core's validators. Printed beside
#: the floor as a reference: it is the part of any pydantic program's start-up the floor leaves
#: out.
MODELS = FLOOR + "\nclass M(pydantic.BaseModel):\n    x: int\nM(x=1)"
#: What any answer given through a pydantic model pays at least: pydantic with one model
#: defined and validated, none of the floor's other imports (a paste imports none of typer,
#: rich or lark), leaving its heap to the exit as the command line does. A paste's start-up
#: beyond this is certtriage's own.
PYDANTIC_ONLY = ("import gc\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int\n"
                 "M(x=1)\ngc.freeze()")
_COLLECTED = re.compile(rb"Collected\s*:\s*(\d+)")

#: Rounds over the fixtures before counting (660 dumps: about as many inputs as the batch
#: has read when it is counted); every first-character combination of the line classifier
#: is built by then (a character's own after a few hundred lines).
WARM_ROUNDS = 10
#: Rounds counted in-process, and the batch sizes counted (files in folders of 100).
ROUNDS = 4
SIZES = (600, 1200)
#: The in-process loop: warm, then `argv[1]` more rounds over the typical dumps.
_LOOP = f"""
import sys
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
from bench_batch import _dumps
from certtriage import analyze_bytes
dumps = _dumps()
for _ in range({WARM_ROUNDS} + int(sys.argv[1])):
    for dump in dumps:
        analyze_bytes(dump, "dump.txt")
"""


def count(argv: list[str], src: Path, stdin: bytes | None = None) -> int:
    """Instructions executed by `argv` (run once before, to warm the cache folder)."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    subprocess.run(argv, input=stdin, capture_output=True, check=False, env=env)
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv], input=stdin, capture_output=True, check=False, env=env)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        sys.exit(f"valgrind gave no count for {argv[2:]}: {done.stderr.decode()[-300:]}")
    return int(found.group(1))


def line(name: str, value: str, target: str, ratio: str) -> None:
    """One figure: what, how much, the target, the ratio to the target."""
    print(f"  {name:44s} {value:>16s}   target {target:>16s}   {ratio}")


def shown(value: float, spec: str, target: float) -> str:
    """`value` in the format `spec` (`.2f`, `.0%`), with a digit more for each that rounding
    would need to tell it from `target`: 0.797 against 80 % reads 79.7 %, not 80 % beside
    "not met"."""
    kind = spec[-1]
    digits = int(spec[1:-1])
    while (format(value, f".{digits}{kind}") == format(target, f".{digits}{kind}")
           and value != target and digits < 6):
        digits += 1
    return format(value, f".{digits}{kind}")


def startup(src: Path) -> None:
    """A paste against the import floor."""
    python, paste = sys.executable, PASTE.read_bytes()
    floor = count([python, "-c", FLOOR], src)
    models = count([python, "-c", MODELS], src)
    print("start-up by instructions (one run each, the cache folder warm)")
    line("import floor", f"{floor / 1e9:.3f} G", "", "")
    line("floor + one pydantic model (reference)", f"{models / 1e9:.3f} G", "",
         f"{models / floor:.2f}x the floor")
    for name, args in (("analyze (text)", []), ("analyze --format json", ["-f", "json"])):
        used = count([python, "-m", "certtriage", "analyze", *args], src, paste)
        ratio = used / floor
        line(name, f"{used / 1e9:.3f} G", "", f"{ratio:.2f}x the floor (a reference: the "
             "target, 1.30x, is on time)")


def throughput(src: Path, files: int, direct: bool = False) -> None:
    """Instructions per dump in-process and per input of `batch -j 1`."""
    # imported here: it puts this checkout's src first
    from bench_batch import _PIPELINE, _dumps, _fill

    python, rounds, typical = sys.executable, ROUNDS, len(_dumps())
    loop = (count([python, "-c", _LOOP, str(rounds)], src)
            - count([python, "-c", _LOOP, "0"], src))
    per_dump = loop / (rounds * typical)

    def batch(size: int, tmp: str) -> int:
        cases = _fill(Path(tmp) / f"in-{size}", size, 100)
        return count([python, "-m", "certtriage", "batch", "-q", "-j", "1", "-f", "jsonl",
                      "-o", str(Path(tmp) / "report.jsonl"), *map(str, cases)], src)

    with tempfile.TemporaryDirectory() as tmp:
        counts = [batch(size, tmp) for size in SIZES]
        whole = batch(files, tmp) if direct else None
    alone = [count([python, "-c", _PIPELINE, str(size)], src) for size in SIZES]
    per_input, fixed = _split(counts)
    per_alone, fixed_alone = _split(alone)
    print(f"throughput by instructions ({typical} typical dumps)")
    line("in-process, per dump once warm (reference)", f"{per_dump / 1e6:.2f} M", "", "")
    line(f"in-process alone, per dump ({SIZES[0]:,} to {SIZES[1]:,})",
         f"{per_alone / 1e6:.2f} M", "", "")
    line("in-process alone, fixed (start-up, first use)", f"{fixed_alone / 1e9:.2f} G", "", "")
    line(f"batch -j 1, per input ({SIZES[0]:,} to {SIZES[1]:,} files)",
         f"{per_input / 1e6:.2f} M", "", "")
    line("batch -j 1, fixed (start-up, first use)", f"{fixed / 1e9:.2f} G", "", "")
    pipeline = fixed_alone + files * per_alone
    ran = estimated = fixed + files * per_input
    how = "estimated from the two sizes"
    if whole is not None:
        line(f"batch -j 1 over {files:,}, counted whole", f"{whole / 1e9:.2f} G", "", "")
        ran, how = whole, f"the two sizes estimated {pipeline / estimated:.1%}"
    share = pipeline / ran
    line(f"batch -j 1 over {files:,} vs in-process", f"{share:.1%}", "",
         f"a reference: the target, 80 %, is on time ({how}; {files * per_dump / ran:.1%} "
         "of it warm)")


def _split(counts: list[int]) -> tuple[float, float]:
    """(per input, fixed) of two counts at `SIZES`."""
    per_input = (counts[1] - counts[0]) / (SIZES[1] - SIZES[0])
    return per_input, counts[0] - SIZES[0] * per_input


def run(src: Path, files: int, direct: bool = False) -> None:
    """Print both figures for the source tree `src` (byte-compiled first, as an installed
    package is), or say why not."""
    if shutil.which("valgrind") is None:
        print("instructions: skipped (valgrind is not installed)")
        return
    compileall.compile_dir(str(src), quiet=1)
    startup(src.resolve())
    throughput(src.resolve(), files, direct)


def main() -> None:
    """Print both figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=6000)
    parser.add_argument("--direct", action="store_true",
                        help="also count the batch over --files files itself (slow)")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    run(args.src, args.files, args.direct)


if __name__ == "__main__":
    main()
