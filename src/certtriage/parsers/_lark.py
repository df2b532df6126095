"""Compile-once factory for the Lark parsers.

Grammars are compiled on first use and kept for the life of the process. The compiled tables
are also cached on disk (a user cache folder, never the package folder), so a fresh process
loads them instead of compiling. If the cache folder cannot be written, parsing still works.
"""

from __future__ import annotations

import functools
import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lark import Lark

#: Options used in production; grammar tests compile with the same options plus strict=True.
LARK_OPTIONS: dict[str, object] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": False,
    "maybe_placeholders": False,
}


def cache_dir() -> Path | None:
    """The user-writable cache folder (CERTTRIAGE_CACHE_DIR, else XDG / ~/.cache), or None."""
    base = os.environ.get("CERTTRIAGE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    folder = root / "certtriage" if not os.environ.get("CERTTRIAGE_CACHE_DIR") else root
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


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


def prune(keep: Path) -> None:
    """Remove cache files of earlier versions of the same artefact (same stem before the
    digest); a failure to remove one is not an error."""
    stem = keep.name[: -len(keep.suffix)].rsplit("-", 1)[0]
    for old in keep.parent.glob(f"{stem}-*{keep.suffix}"):
        if old != keep:
            try:
                old.unlink()
            except OSError:
                pass
