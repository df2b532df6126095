"""Compile-once factory for the Lark parsers.

Grammars are compiled on first use and kept for the life of the process. The compiled tables
are also cached on disk (a user cache folder, never the package folder), so a fresh process
loads them instead of compiling. If the cache folder cannot be written, parsing still works.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .._cache import cache_dir, prune

if TYPE_CHECKING:
    from lark import Lark

#: Options used in production; grammar tests compile with the same options plus strict=True.
LARK_OPTIONS: dict[str, object] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": False,
    "maybe_placeholders": False,
}


def grammar_text(name: str) -> str:
    """The text of a grammar shipped in `certtriage.grammars`."""
    return (resources.files("certtriage.grammars") / name).read_text(encoding="utf-8")


@functools.cache
def get_parser(name: str) -> Lark:
    """The compiled LALR parser for grammar `name`, built once per process."""
    from lark import Lark
    from lark import __version__ as lark_version

    text = grammar_text(name)
    cache: str | bool = False
    folder = cache_dir()
    if folder is not None:
        digest = hashlib.sha256(f"{lark_version}\n{text}".encode()).hexdigest()[:16]
        cache = str(folder / f"{Path(name).stem}-{digest}.lark-cache")
    try:
        parser = Lark(text, cache=cache, **LARK_OPTIONS)
    except OSError:
        return Lark(text, **LARK_OPTIONS)
    if isinstance(cache, str):
        prune(Path(cache))
    return parser
