"""The compiled code of generated methods and annotations, kept from one run of the command
line to the next.

Python keeps the bytecode of every module in `__pycache__`, but not the code it compiles from
strings as a program runs: the methods a `dataclass` decorator writes (`__init__`, `__repr__`,
`__eq__` ...), the `__new__` of every named tuple, and each string annotation a class gives
`typing` (a `ForwardRef`). Defining the classes of a paste's answer, certtriage's and its
libraries' (pydantic and its helpers define some fifty dataclasses and hundreds of typed-dict
fields), compiles about 1,200 such strings (650 distinct) in every process: roughly a seventh
of a paste's wall time, the same strings every run.

In the command line's own process (:func:`install`, called by the console script only, never
on import), the compile step of those three places (`dataclasses`, `collections.namedtuple`,
`typing.ForwardRef`) is wrapped: the code compiled from a string is kept in the cache folder
under the exact string, and the next process takes it from there instead of compiling it
again. The code is the code `compile` makes of the string (the same flags: none of the three
modules has future imports; a call with flags of its own or another file name is compiled as
usual), so the classes are the same classes.

Safety: the file holds compiled code that the process runs, as Python's own `__pycache__`
files and the pickled caches beside it do, so it is trusted as those are: the user's own cache
folder (`_cache.cache_dir`), written only by the user's runs, read only when the interpreter
version written in it is this one; an entry is used only for the very string it was compiled
from. A damaged or foreign file, or a missing cache folder, means compiling as usual. Entries
are kept up to :data:`LIMIT`. A library caller's process is left alone.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from pathlib import Path
from typing import Any

from ._cache import KeptTable, table_file

#: The most entries kept in the file (a paste keeps about 650 distinct strings; every command
#: and input format together about 800).
LIMIT = 4000

#: The interpreter whose code the file holds, its optimisation level (`-O` compiles without
#: asserts), and the file's layout (checked on read).
STAMP = f"1|{sys.version}|{sys.implementation.cache_tag}|{sys.flags.optimize}"

#: What `compile` is given by the wrapped modules: a source string compiled as a string.
_FILE = "<string>"


_kept: KeptTable | None = None


def cache_file() -> Path | None:
    """The file of kept code in the cache folder, or None without one."""
    return table_file(f"code-{sys.implementation.cache_tag or 'python'}.marshal")


def code_of(source: str, mode: str) -> Any:
    """The code `compile(source, "<string>", mode)` makes, taken from the kept entries when
    there (and kept when new, while the file has room)."""
    kept = _kept
    if kept is None:
        return compile(source, _FILE, mode, dont_inherit=True)
    key = (mode, source)
    found = kept.table.get(key)
    if found is not None:
        try:
            code = marshal.loads(found)
        except (EOFError, ValueError, TypeError):  # a damaged entry: compile it anew
            kept.table.pop(key, None)
        else:
            kept.used += 1
            return code
    code = compile(source, _FILE, mode, dont_inherit=True)
    kept.keep(key, marshal.dumps(code))
    return code


def _exec(source: Any, names: Any = None, local: Any = None, /, **options: Any) -> Any:
    """`exec(source, globals, locals)`, with a source string's code from :func:`code_of`."""
    if names is None:  # what exec would use: the caller's namespaces
        caller = sys._getframe(1)
        names, local = caller.f_globals, caller.f_locals if local is None else local
    if isinstance(source, str):
        source = code_of(source, "exec")
    return builtins.exec(source, names, local, **options)


def _eval(source: Any, names: Any = None, local: Any = None, /) -> Any:
    """`eval(source, globals, locals)`, with a source string's code from :func:`code_of`."""
    if names is None:
        caller = sys._getframe(1)
        names, local = caller.f_globals, caller.f_locals if local is None else local
    if isinstance(source, str):
        source = code_of(source, "eval")
    return builtins.eval(source, names, local)


def _compile(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
             optimize: int = -1, **options: Any) -> Any:
    """`compile` as `typing` calls it (its own module has no future imports, so nothing is
    inherited), with a source string's code from :func:`code_of`."""
    if isinstance(source, str) and filename == _FILE and not flags and optimize == -1 \
            and not options:
        return code_of(source, mode)
    return builtins.compile(source, filename, mode, flags, dont_inherit, optimize, **options)


def install() -> None:
    """Wrap the compile step of dataclasses, named tuples and string annotations in this
    process so that it uses and keeps the compiled code (once per process; the console
    script's processes only)."""
    global _kept
    if _kept is not None:
        return
    import collections
    import dataclasses
    import typing

    _kept = KeptTable(cache_file(), STAMP, LIMIT)
    # Each module finds these names in its own namespace before the built-ins.
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    collections.eval = _eval  # type: ignore[attr-defined]
    typing.compile = _compile  # type: ignore[attr-defined]


def save() -> None:
    """Write the kept code when this process added any (merged with what another process
    wrote meanwhile, in one step). A cache that cannot be written is skipped."""
    if _kept is not None:
        _kept.save()
