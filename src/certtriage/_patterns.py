"""Compiled regular expressions kept from one run of the command line to the next.

Python compiles each regular expression anew in every process, and a paste's answer compiles
about a hundred (the line classifier, the value readers, the ticket scan, the catalog): about
a tenth of the answer's wall time, spent on the same patterns every run. In the command
line's own process (:func:`install`, called by the console script only, never on import), the
regular-expression compiler is wrapped: what it makes of a pattern (the code for the `_sre`
engine, the group count and names) is kept in the cache folder, and the next process hands
the kept code to the engine instead of parsing and compiling the pattern again. The pattern
object made is the one `re.compile` makes (they compare equal: same text, flags and code).

Safety: the file is `marshal` data (strings, bytes, numbers, tuples, dicts; nothing in it is
run), named after the interpreter's cache tag and the engine's version and opened only when
the interpreter version written in it is this one. The engine checks every code it is handed
and refuses a malformed one; a refused entry, a damaged file or a missing cache folder means
the pattern is compiled as usual. Patterns are kept up to :data:`LIMIT`, so patterns made from
input (none are on the paste path) cannot grow the file without bound. A library caller's
process is left alone: `re` is wrapped only where the console script asks for it.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine behind `re`, no stubs
import sys
from array import array
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

from ._cache import KeptTable, table_file

#: The most patterns kept in the file.
LIMIT = 1000

#: What an entry holds: (flags as compiled, engine code, groups - 1, group index, index group).
#: The code is kept as the bytes of an array of the engine's code words: read back in one copy,
#: and made a list only for the patterns a run compiles (a file a batch filled holds hundreds).
Entry = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]

#: Code words as the engine sizes them (`_sre.CODESIZE` bytes).
_WORD = "I" if array("I").itemsize == _sre.CODESIZE else "L"

#: The interpreter whose engine code the file holds, and the file's layout (written at its
#: head, checked on read).
STAMP = f"2|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"


_kept: KeptTable | None = None


def cache_file() -> Path | None:
    """The file of kept patterns in the cache folder, or None without one."""
    tag = sys.implementation.cache_tag or "python"
    return table_file(f"patterns-{tag}-{_sre.MAGIC}.marshal")


def entry(pattern: str | bytes, flags: int) -> Entry:
    """What the compiler makes of `pattern` (as `re._compiler.compile` does, step by step)."""
    parsed = _parser.parse(pattern, flags)
    code = array(_WORD, _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex,
            tuple(indexgroup))


def made(pattern: str | bytes, kept: Entry) -> Any:
    """The pattern object of a kept entry (the engine raises on code it refuses)."""
    flags, code, groups, groupindex, indexgroup = kept
    return _sre.compile(pattern, flags, array(_WORD, code).tolist(), groups, groupindex,
                        indexgroup)


def install() -> None:
    """Wrap the regular-expression compiler of this process so that it uses and keeps the
    compiled code (once per process; the console script's processes only)."""
    global _kept
    if _kept is not None:
        return
    kept = _kept = KeptTable(cache_file(), STAMP, LIMIT)
    original = _compiler.compile

    def compile_kept(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
            return original(p, flags)
        key = (p, flags)
        found = kept.table.get(key)
        if found is not None:
            try:
                return made(p, found)
            except Exception:  # noqa: BLE001 - an entry the engine refuses: compile it anew
                kept.table.pop(key, None)
        new = entry(p, flags)
        kept.keep(key, new)
        return made(p, new)

    _compiler.compile = compile_kept


def save() -> None:
    """Write the kept patterns when this process added any (merged with what another process
    wrote meanwhile, in one step: `_cache.write_table`)."""
    if _kept is not None:
        _kept.save()
