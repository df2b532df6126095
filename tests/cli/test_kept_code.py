"""The command line keeps the code it compiles from strings between runs (`_kept_code`).

What is kept must be the code `compile` makes of the string, for every string a run compiles;
classes defined with kept code must be the classes defined without it; a run reading the file
answers exactly as a run compiling afresh or one without a cache folder; a damaged file or
entry is compiled as usual; a library caller's process is never touched.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certtriage import _kept_code
from certtriage._cache import KeptTable, read_table

from ..conftest import FIXTURES

PASTE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"

#: Strings as the three wrapped places compile them: a dataclass's generated methods, a named
#: tuple's `__new__`, string annotations; and what a caller could give them otherwise.
SOURCES = [
    ("exec", "def __create_fn__(_type_a, MISSING):\n def __init__(self, a: _type_a = 1):\n"
             "  self.a=a\n return __init__"),
    ("exec", "def __create_fn__():\n def __repr__(self):\n  return f'X(a={self.a!r})'\n"
             " return __repr__"),
    ("eval", "lambda _cls, kind, text, number: _tuple_new(_cls, (kind, text, number))"),
    ("eval", "dict[str, list[int]] | None"),
    ("eval", "'Forward'"),
    ("eval", "Literal['é', 'ü', '中']"),
    ("exec", "x = 1\nfrom __future__ import annotations"),  # not a valid place: SyntaxError
]

#: A script defining classes of every kind the wrapped places make, and printing what they do.
CLASSES = '''
import dataclasses, sys, typing
from typing import NamedTuple, get_type_hints
from certtriage import _kept_code
from certtriage._cache import KeptTable, read_table
if sys.argv[1] == "kept":
    _kept_code.install()

@dataclasses.dataclass(frozen=True)
class Frozen:
    name: str
    count: int = 3
    tags: tuple[str, ...] = ()

@dataclasses.dataclass(order=True)
class Draft:
    start: int = 0
    seen: list[int] = dataclasses.field(default_factory=list)

class Row(NamedTuple):
    kind: "str"
    number: "int" = 7

class Model(typing.TypedDict):
    title: "str | None"
    items: "list[Row]"

f = Frozen("a")
try:
    f.count = 4
except dataclasses.FrozenInstanceError as exc:
    print("frozen", type(exc).__name__)
print(repr(f), f == Frozen("a"), hash(f) == hash(Frozen("a")), f != Frozen("b"))
d = Draft()
d.seen.append(1)
print(repr(d), Draft(1) < Draft(2), Draft().seen is not d.seen)
print(repr(Row("x")), Row("x", 2)._asdict(), Row._field_defaults)
print(get_type_hints(Row), get_type_hints(Model))
if sys.argv[1] == "kept":
    kept = _kept_code._kept
    print(f"added={kept.added > 0} used={kept.used > 0}", file=sys.stderr)
    _kept_code.save()
'''


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "CERTTRIAGE_CACHE_DIR": str(cache)}


def _run(args: list[str], cache: Path,
         stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True,
                          env=_env(cache), check=False, timeout=120)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> KeptTable:
    """`code_of` with an empty table of its own (nothing installed in this process)."""
    kept = KeptTable(None, _kept_code.STAMP, _kept_code.LIMIT)
    monkeypatch.setattr(_kept_code, "_kept", kept)
    return kept


@pytest.mark.parametrize(("mode", "source"), SOURCES)
def test_kept_code_is_the_code_compile_makes(fresh: KeptTable, mode: str,
                                             source: str) -> None:
    try:
        expected = compile(source, "<string>", mode, dont_inherit=True)
    except SyntaxError:
        with pytest.raises(SyntaxError):
            _kept_code.code_of(source, mode)
        assert fresh.table == {}
        return
    assert _kept_code.code_of(source, mode) == expected  # compiled, and kept
    assert fresh.added == 1 and fresh.used == 0
    again = _kept_code.code_of(source, mode)  # read back from the kept bytes
    assert again == expected and fresh.used == 1
    assert marshal.loads(fresh.table[(mode, source)]) == expected


def test_the_wrappers_give_what_the_built_ins_give(fresh: KeptTable) -> None:
    a, b = 2, 5  # noqa: F841 - read by the evaluated strings
    assert _kept_code._eval("a * b") == eval("a * b")  # the caller's namespaces
    namespace: dict[str, object] = {}
    _kept_code._exec("def f(x):\n    return x + 1", namespace)
    assert namespace["f"](1) == 2  # type: ignore[operator]
    # as typing calls it: its module has no future imports, so nothing is inherited (this
    # module's `annotations` would be)
    assert _kept_code._compile("a + b", "<string>", "eval") == compile(
        "a + b", "<string>", "eval", dont_inherit=True)
    # another file name or flags: compiled as asked, not kept
    code = _kept_code._compile("x = 1", "elsewhere.py", "exec")
    assert code.co_filename == "elsewhere.py"
    assert fresh.added == 3  # the three strings above, not the other file


def test_a_damaged_entry_is_compiled_anew(fresh: KeptTable) -> None:
    fresh.table[("eval", "1 + 1")] = b"\x00broken"
    assert eval(_kept_code.code_of("1 + 1", "eval")) == 2
    assert marshal.loads(fresh.table[("eval", "1 + 1")]) == compile("1 + 1", "<string>",
                                                                     "eval", dont_inherit=True)


def test_the_file_is_bounded(fresh: KeptTable) -> None:
    fresh.limit = 5
    for n in range(20):
        assert eval(_kept_code.code_of(f"{n} + 1", "eval")) == n + 1
    assert len(fresh.table) == 5


def test_classes_made_with_kept_code_are_the_same_classes(tmp_path: Path) -> None:
    script = tmp_path / "classes.py"
    script.write_text(CLASSES)
    plain = _run([str(script), "plain"], tmp_path / "cache")
    first = _run([str(script), "kept"], tmp_path / "cache")
    second = _run([str(script), "kept"], tmp_path / "cache")
    assert plain.returncode == first.returncode == second.returncode == 0, first.stderr
    assert b"frozen FrozenInstanceError" in plain.stdout
    assert first.stdout == plain.stdout == second.stdout
    assert b"added=True" in first.stderr
    assert b"used=True" in second.stderr


def test_every_code_a_paste_keeps_is_the_code_compile_makes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _run(["-m", "certtriage", "analyze"], cache, PASTE.read_bytes())
    kept_file = cache / f"code-{sys.implementation.cache_tag}.marshal"
    entries = read_table(kept_file, _kept_code.STAMP)
    assert len(entries) > 500  # dataclasses, named tuples and annotations of a paste
    for (mode, source), code in entries.items():
        assert marshal.loads(code) == compile(source, "<string>", mode, dont_inherit=True)
    second = _run(["-m", "certtriage", "analyze"], cache, PASTE.read_bytes())
    nowhere = tmp_path / "file-not-folder"
    nowhere.write_text("")  # a cache folder that cannot be made: nothing kept
    third = _run(["-m", "certtriage", "analyze"], nowhere, PASTE.read_bytes())
    assert first.returncode == second.returncode == third.returncode
    assert first.stdout == second.stdout == third.stdout
    assert first.stdout and not second.stderr


def test_a_damaged_file_is_compiled_as_usual(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    kept_file = cache / f"code-{sys.implementation.cache_tag}.marshal"
    clean = _run(["-m", "certtriage", "analyze"], tmp_path / "clean", PASTE.read_bytes())
    for damage in (b"not marshal data", marshal.dumps(("0|another python", {})),
                   marshal.dumps((_kept_code.STAMP, {("eval", "1"): b"\x00"}))):
        kept_file.write_bytes(damage)
        done = _run(["-m", "certtriage", "analyze"], cache, PASTE.read_bytes())
        assert (done.returncode, done.stdout, done.stderr) == (clean.returncode, clean.stdout,
                                                               b"")


def test_a_library_process_is_left_alone(tmp_path: Path) -> None:
    code = ("import collections, dataclasses, typing, certtriage\n"
            f"certtriage.analyze_bytes(open({str(PASTE)!r}, 'rb').read())\n"
            "print('exec' in vars(dataclasses), 'eval' in vars(collections),"
            " 'compile' in vars(typing))")
    done = _run(["-c", code], tmp_path / "cache")
    assert done.stdout.split() == [b"False", b"False", b"False"], done.stderr


def test_code_kept_under_another_optimisation_level_is_not_used(tmp_path: Path) -> None:
    """`python -O` compiles without asserts: its code is kept apart from the usual run's."""
    script = tmp_path / "classes.py"
    script.write_text(CLASSES)
    cache = tmp_path / "cache"
    optimised = subprocess.run([sys.executable, "-O", str(script), "kept"], capture_output=True,
                               env=_env(cache), check=False, timeout=120)
    usual = _run([str(script), "kept"], cache)
    assert b"added=True" in optimised.stderr
    assert b"added=True" in usual.stderr and b"used=False" in usual.stderr
