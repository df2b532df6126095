"""What the fuzz targets share: seeds, known crashes, and the two engines that drive a target
(atheris, the coverage-guided libFuzzer for Python, when it is installed; otherwise a plain
mutator with a fixed seed, so the smoke run works everywhere).

A crash is any exception that escapes a target: the library promises a result for every input
and text for every report. Crashes already tracked by a strict-xfail regression test are listed
in `known_crashes.toml` and do not stop a run (pass `--all` to stop on them too); everything else
is written to `fuzz/crashes/` and ends the run with exit 1.
"""

from __future__ import annotations

import functools
import hashlib
import os
import random
import shutil
import signal
import sys
import tempfile
import time
import tomllib
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "fixtures"
MAX_SEED_BYTES = 256 * 1024

Target = Callable[[bytes], None]


@dataclass(frozen=True)
class Known:
    """A crash already reported: the exception type and where it is raised."""

    type: str
    where: str
    test: str

    def matches(self, exc: BaseException) -> bool:
        if type(exc).__name__ != self.type and type(exc).__qualname__ != self.type:
            return False
        frames = traceback.extract_tb(exc.__traceback__)
        return any(self.where in frame.filename.replace(os.sep, "/") for frame in frames)


def known_crashes() -> list[Known]:
    with (HERE / "known_crashes.toml").open("rb") as handle:
        return [Known(**entry) for entry in tomllib.load(handle).get("crash", [])]


_KNOWN_HITS: Counter[str] = Counter()
"""How often each known crash came up in this run (told at the end of a fallback run)."""


def tolerant(target: Target, known: list[Known]) -> Target:
    """`target`, with the known crashes swallowed (they have their regression tests)."""
    def run(data: bytes) -> None:
        try:
            target(data)
        except Exception as exc:  # noqa: BLE001 - a known crash is not news; others go on up
            hit = next((k for k in known if k.matches(exc)), None)
            if hit is None:
                raise
            _KNOWN_HITS[hit.type] += 1

    return run


def fixture_seeds() -> Iterator[Path]:
    """Every committed fixture small enough to mutate quickly: each input kind is there."""
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.stat().st_size <= MAX_SEED_BYTES:
            yield path


# --- the engines -------------------------------------------------------------------------------


def main(name: str, make_target: Callable[[], Target],
         seeds: Callable[[Path], list[Path]]) -> None:
    """Run target `name` with atheris (libFuzzer's `-flags` pass through) or, with `--fallback`
    or without atheris, with the plain mutator (`--seconds=N`, `--seed=N`, `--timeout=N`,
    `--rss-mb=N`). `--work=DIR` puts the corpus and the crashes under DIR instead of fuzz/;
    `--all` stops on known crashes too; `--few-seeds` starts from one seed per folder (a short
    smoke run). Files given as arguments are run once each (replay).
    `make_target` imports what the target needs; under atheris certtriage is instrumented."""
    ours = [a for a in sys.argv[1:] if a.startswith("--")]
    theirs = [a for a in sys.argv[1:] if not a.startswith("--")]
    work = Path(_text_option(ours, "--work", str(HERE)))
    known = [] if "--all" in ours else known_crashes()
    corpus, crashes = work / "corpus" / name, work / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    # libFuzzer ends the process without Python's exit handlers, which would leave the private
    # folder of temporary copies (an archive's large members) in the system's temporary folder
    # after every run: it is made in the work folder instead, emptied at each start.
    scratch = work / "tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    tempfile.tempdir = str(scratch)
    seed_files = seeds(corpus)
    if "--few-seeds" in ours:  # one per folder, each kind once: a short run starts sooner
        seed_files = _few(seed_files, work / "seeds" / name)
    try:
        if "--fallback" in ours:
            raise ImportError("asked for the fallback")
        import atheris
    except ImportError:
        replay = [Path(a) for a in theirs if not a.startswith("-")]
        sys.exit(_mutate(name, tolerant(make_target(), known), seed_files, replay, ours,
                         crashes))
    with atheris.instrument_imports(include=["certtriage"]):
        _import_everything()
        target = make_target()
    flags = [a for a in theirs if a.startswith("-")]
    given = [a for a in theirs if not a.startswith("-")]
    defaults = {"-artifact_prefix": f"{crashes}/{name}-", "-dict": str(HERE / "certtriage.dict"),
                "-timeout": "20", "-rss_limit_mb": "3072"}
    for flag, value in defaults.items():
        if not any(f.startswith(flag + "=") for f in flags):
            flags.append(f"{flag}={value}")
    dirs = given or [str(corpus), *sorted({str(p.parent) for p in seed_files})]
    atheris.Setup([sys.argv[0], *flags, *dirs], tolerant(target, known))
    atheris.Fuzz()


def _few(seed_files: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    chosen: dict[Path, Path] = {}
    for path in seed_files:
        chosen.setdefault(path.parent, path)
    copies = []
    for i, path in enumerate(chosen.values()):
        copies.append(folder / f"{i:03d}-{path.name}")
        shutil.copyfile(path, copies[-1])
    return copies


def _import_everything() -> None:
    """Every certtriage module, now (many are imported on first use, too late to instrument)."""
    import importlib
    import pkgutil

    import certtriage

    for module in pkgutil.walk_packages(certtriage.__path__, "certtriage."):
        if not module.name.endswith(".__main__"):  # that one runs the command line
            importlib.import_module(module.name)


def _text_option(argv: list[str], flag: str, default: str) -> str:
    for arg in argv:
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return default


def _option(argv: list[str], flag: str, default: float) -> float:
    return float(_text_option(argv, flag, str(default)))


class _Slow(Exception):
    """An input took longer than the per-input time limit."""


def _mutate(name: str, target: Target, seed_files: list[Path], replay: list[Path],
            argv: list[str], crashes: Path) -> int:
    """The fallback: mutate the seeds at random (fixed seed) until the time is up (the seeds
    themselves are run by the test suite); an input
    that raises, runs longer than `--timeout` seconds or needs more than `--rss-mb` is a crash."""
    seconds = _option(argv, "--seconds", 10)
    _limit_memory(int(_option(argv, "--rss-mb", 3072)))
    timeout = int(_option(argv, "--timeout", 20))
    rng = random.Random(int(_option(argv, "--seed", 1)))
    seeds = [p.read_bytes() for p in seed_files]
    inputs: Iterable[bytes] = [p.read_bytes() for p in replay] if replay else _mutants(rng, seeds)
    runs, deadline = 0, time.monotonic() + seconds
    for data in inputs:
        if time.monotonic() > deadline and not replay:
            break
        runs += 1
        try:
            _timed(target, data, timeout)
        except (Exception, MemoryError) as exc:  # noqa: BLE001 - the finding itself
            kind = "timeout" if isinstance(exc, _Slow) else "crash"
            path = crashes / f"{name}-{kind}-{hashlib.sha1(data).hexdigest()}"
            path.write_bytes(data)
            traceback.print_exc()
            print(f"{kind} after {runs} runs; input written to {path}", file=sys.stderr)
            return 1
    known = ", ".join(f"{kind} x{n}" for kind, n in sorted(_KNOWN_HITS.items())) or "none"
    print(f"{name}: {runs} runs, no new crash (fallback mutator); known crashes met: {known}")
    return 0


def _timed(target: Target, data: bytes, timeout: int) -> None:
    if not hasattr(signal, "SIGALRM"):
        target(data)
        return

    def expired(*_: object) -> None:
        raise _Slow(f"more than {timeout} s on one input")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(timeout)
    try:
        target(data)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _limit_memory(mib: int) -> None:
    try:
        import resource
    except ImportError:
        return
    limit = mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@functools.cache
def _tokens() -> list[bytes]:
    """The tokens of `certtriage.dict` (libFuzzer's format: one quoted string a line)."""
    tokens = [b"\x00", b"\xff", b"\r\n", b"<", b"&#"]
    for line in (HERE / "certtriage.dict").read_text(encoding="utf-8").splitlines():
        if line.startswith('"') and line.endswith('"'):
            text = line[1:-1].encode("latin-1", "backslashreplace")
            tokens.append(text.decode("unicode_escape").encode("latin-1"))
    return tokens


def _mutants(rng: random.Random, seeds: list[bytes]) -> Iterator[bytes]:
    while True:
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            _mutate_once(rng, data, seeds)
        yield bytes(data)


def _mutate_once(rng: random.Random, data: bytearray, seeds: list[bytes]) -> None:
    at = rng.randrange(len(data) + 1)
    kind = rng.randrange(7)
    if kind == 0 and data:  # flip bits
        data[min(at, len(data) - 1)] ^= 1 << rng.randrange(8)
    elif kind == 1:  # insert a token of the dictionary
        data[at:at] = rng.choice(_tokens())
    elif kind == 2:  # delete a stretch
        del data[at:at + rng.randint(1, 64)]
    elif kind == 3:  # repeat a stretch (nesting, long lines, many records)
        piece = data[at:at + rng.randint(1, 256)]
        data[at:at] = piece * rng.choice((2, 10, 50, 600))
    elif kind == 4:  # cut the input
        del data[at:]
    elif kind == 5:  # splice in part of another seed
        other = rng.choice(seeds)
        start = rng.randrange(len(other) + 1)
        data[at:at] = other[start:start + rng.randint(1, 4096)]
    else:  # overwrite with a random byte
        if data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
