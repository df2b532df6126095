"""The command line keeps its compiled regular expressions between runs (`_patterns`).

What is kept must make the very pattern `re` makes (equal text, flags and engine code, and the
same matches), for every kind of pattern and for every pattern a run compiles; a run reading
the file answers exactly as a run compiling afresh; a damaged file or a refused entry is
compiled as usual; a library caller's process is never touched.
"""

from __future__ import annotations

import itertools
import marshal
import os
import re
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from certtriage import _patterns

from ..conftest import FIXTURES

#: One input of each kind the paste path reads, answered together.
INPUTS = [FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt",
          *sorted((FIXTURES / "events").rglob("*.xml"))[:1],
          *sorted((FIXTURES / "tickets").glob("*.txt"))[:1]]

#: Pattern parts and flags; the generator below joins them into every pairing.
_PARTS = [r"(?P<code>0x[0-9A-Fa-f]{8})", r"\b(?:revoked|offline)\b", r"^\s*Cert\S*:\s+(.*)$",
          r"(?<=CN=)[^,]+", r"[^\x00-\x1f]+?", r"(a|b)\1", r"\d{1,3}(?:\.\d{1,3}){3}",
          r"(?x) x  [ ] y  # spaced", r"ä|ß|\u00e9", r"(?=url)\w+(?!\.crl)", r""]
_FLAGS = [0, re.I, re.M, re.S, re.I | re.M, re.A, re.X | re.I]


def _patterns_to_check() -> list[tuple[str | bytes, int]]:
    pairs = [(a + b, flags) for a, b in itertools.product(_PARTS, repeat=2)
             for flags in _FLAGS[:3]]
    pairs += [(part, flags) for part in _PARTS for flags in _FLAGS]
    pairs += [(part.encode("ascii"), flags) for part in _PARTS if part.isascii()
              for flags in (0, re.I, re.M)]
    return [(pattern, flags) for pattern, flags in pairs if _compiles(pattern, flags)]


def _compiles(pattern: str | bytes, flags: int) -> bool:
    try:
        re.compile(pattern, flags)
    except re.error:
        return False
    return True


@pytest.mark.parametrize(("pattern", "flags"), _patterns_to_check())
def test_a_kept_entry_makes_the_pattern_re_makes(pattern: str | bytes, flags: int) -> None:
    kept = _patterns.entry(pattern, flags)
    marshal.loads(marshal.dumps(kept))  # plain data, as the file holds it
    made = _patterns.made(pattern, kept)
    fresh = re.compile(pattern, flags)
    assert made == fresh
    assert (made.groups, made.groupindex, made.flags) == (fresh.groups, fresh.groupindex,
                                                          fresh.flags)
    sample = "CN=Contoso 0x80092013 revoked aa 10.0.0.1 url.crl xy ä\nCert: x"
    text = sample.encode("utf-8") if isinstance(pattern, bytes) else sample
    assert [m.span() for m in made.finditer(text)] == [m.span() for m in fresh.finditer(text)]


def _spoilt(code: bytes) -> bytes:
    """The code with its last three words zeroed."""
    words = array(_patterns._WORD, code)
    words[-3:] = array(_patterns._WORD, [0, 0, 0])
    return words.tobytes()


def test_the_engine_refuses_a_malformed_code() -> None:
    flags, code, groups, index, names = _patterns.entry(r"(?P<x>a+)b", 0)
    with pytest.raises(RuntimeError):
        _patterns.made(r"(?P<x>a+)b", (flags, _spoilt(code), groups, index, names))
    with pytest.raises(ValueError):  # not a whole number of code words
        _patterns.made(r"(?P<x>a+)b", (flags, code[:-1], groups, index, names))


def _cli(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CERTTRIAGE_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "certtriage", *args], capture_output=True,
                          text=True, check=False, timeout=120, env=env)


def _kept_file(cache: Path) -> Path:
    (found,) = cache.glob("patterns-*.marshal")
    return found


def test_every_pattern_a_run_compiles_is_kept_and_read_back_the_same(tmp_path: Path) -> None:
    first = _cli(tmp_path, "analyze", "-f", "json", *map(str, INPUTS))
    kept = _kept_file(tmp_path)
    stamp, table = marshal.loads(kept.read_bytes())
    assert stamp == _patterns.STAMP
    assert len(table) > 50  # the paste path's own patterns, and its libraries'
    for (pattern, flags), entry in table.items():
        assert _patterns.made(pattern, entry) == re.compile(pattern, flags), pattern
    written = (kept.stat().st_mtime_ns, kept.read_bytes())
    second = _cli(tmp_path, "analyze", "-f", "json", *map(str, INPUTS))
    assert (second.returncode, second.stdout, second.stderr) == (
        first.returncode, first.stdout, first.stderr)
    assert (kept.stat().st_mtime_ns, kept.read_bytes()) == written  # nothing new to keep


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", marshal.dumps(("another", {})),
                                    marshal.dumps([1, 2, 3])])
def test_a_damaged_or_foreign_file_is_compiled_as_usual_and_replaced(
        tmp_path: Path, damage: bytes) -> None:
    fresh = _cli(tmp_path / "fresh", "analyze", str(INPUTS[0]))
    cache = tmp_path / "damaged"
    cache.mkdir()
    name = _kept_file(tmp_path / "fresh").name
    (cache / name).write_bytes(damage)
    ran = _cli(cache, "analyze", str(INPUTS[0]))
    assert (ran.returncode, ran.stdout, ran.stderr) == (fresh.returncode, fresh.stdout,
                                                        fresh.stderr)
    assert marshal.loads((cache / name).read_bytes())[0] == _patterns.STAMP


_REFUSED = """
import marshal, re, sys
from array import array
from certtriage import _patterns
pattern = r"(?P<serial>[0-9a-f]{2}(?: [0-9a-f]{2})+)"
flags, code, groups, index, names = _patterns.entry(pattern, re.I)
words = array(_patterns._WORD, code)
words[-3:] = array(_patterns._WORD, [0, 0, 0])
table = {(pattern, int(re.I)): (flags, words.tobytes(), groups, index, names)}
path = _patterns.cache_file()
path.write_bytes(marshal.dumps((_patterns.STAMP, table)))
fresh = re.compile(pattern, re.I)
re.purge()
_patterns.install()
made = re.compile(pattern, re.I)
print(made.fullmatch("0A 1b ff").group("serial"), made == fresh and made is not fresh)
"""


def test_an_entry_the_engine_refuses_is_compiled_as_usual(tmp_path: Path) -> None:
    env = dict(os.environ, CERTTRIAGE_CACHE_DIR=str(tmp_path))
    ran = subprocess.run([sys.executable, "-c", _REFUSED], capture_output=True, text=True,
                         check=False, timeout=60, env=env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["0A", "1b", "ff", "True"]


def test_a_library_caller_keeps_the_compiler_as_it_is() -> None:
    import certtriage.pipeline  # noqa: F401 - importing the library must not wrap `re`

    assert re._compiler.compile.__module__ == "re._compiler"  # type: ignore[attr-defined]
    assert _patterns._kept is None


_MANY = """
import marshal, re
from certtriage import _patterns
_patterns.install()
for n in range(_patterns.LIMIT + 50):
    assert re.compile(f"made-from-input-{n}").fullmatch(f"made-from-input-{n}")
_patterns.save()
print(len(marshal.loads(_patterns.cache_file().read_bytes())[1]), _patterns.LIMIT)
"""


def test_patterns_made_from_input_cannot_grow_the_file_without_bound(tmp_path: Path) -> None:
    env = dict(os.environ, CERTTRIAGE_CACHE_DIR=str(tmp_path))
    ran = subprocess.run([sys.executable, "-c", _MANY], capture_output=True, text=True,
                         check=False, timeout=60, env=env)
    assert ran.returncode == 0, ran.stderr
    kept, limit = map(int, ran.stdout.split())
    assert 0 < kept <= limit
