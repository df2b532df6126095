"""The user-writable cache folder shared by the compiled grammars and the validated rulebook,
and the one-entry cache of a value computed from the document being evaluated (:func:`last`).

Nothing is ever written into the package folder. When no cache folder can be written, every
caller works without one (caching is an optimisation only).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A")


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


def keyed_file(stem: str, parts: Iterable[bytes]) -> Path | None:
    """The cache file of an artefact made from `parts` (`<stem>-<digest>.pickle`, the digest
    over every part in order), or None without a cache folder."""
    import hashlib

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return folder / f"{stem}-{digest.hexdigest()[:16]}.pickle"


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


def load_toml(data: bytes, name: str) -> dict[str, Any]:
    """The parsed TOML document `data` (`name` says which, for the cache file's name).

    Parsing the shipped data tables costs more than reading a paste, so each parsed table is
    kept in the cache folder under a hash of its bytes: an edited table misses the cache. A
    cache file that cannot be read or written is ignored. Errors are tomllib's (and
    UnicodeDecodeError), as if the text were parsed directly.
    """
    def parse() -> dict[str, Any]:
        import tomllib

        return tomllib.loads(data.decode("utf-8"))

    return kept(f"toml-{name}", [data], dict, parse)


def model_versions() -> bytes:
    """The package and pydantic versions: part of the key of every value kept with pydantic
    models in it (a model pickled by one version may not load in another)."""
    import pydantic

    from ._version import __version__

    return f"{__version__}\n{pydantic.VERSION}".encode()


def last(fn: Callable[[A], T]) -> Callable[[A], T]:
    """`fn`, keeping its answer for the argument it was last called with (the same object):
    several rules ask the same of the document being evaluated. The entry is read once, so a
    thread evaluating another document meanwhile cannot swap it in between."""
    kept_one: list[tuple[A, T]] = []

    @functools.wraps(fn)
    def cached(arg: A) -> T:
        entry = kept_one[0] if kept_one else None
        if entry is not None and entry[0] is arg:
            return entry[1]
        value = fn(arg)
        kept_one[:] = [(arg, value)]
        return value

    return cached


def kept(stem: str, parts: Iterable[bytes], kind: type[T], build: Callable[[], T]) -> T:
    """The value `build` makes, kept in the cache folder under the digest of `parts` (what it
    is made from): read back when the file is there and a `kind`, else built and stored.
    Without a cache folder it is built every time."""
    cached = keyed_file(stem, parts)
    value = fetch(cached, kind) if cached is not None else None
    if value is None:
        value = build()
        if cached is not None:
            store(cached, value)
    return value


def fetch(cached: Path, kind: type[T]) -> T | None:
    """The value pickled in `cached` when it is there and a `kind`; None for a missing,
    damaged or foreign cache file (the caller builds the value again)."""
    import pickle

    if not cached.exists():
        return None
    try:
        with cached.open("rb") as handle:
            loaded = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a damaged cache file: build the value again
        return None
    return loaded if isinstance(loaded, kind) else None


def store(cached: Path, value: Any) -> None:
    """Pickle `value` to `cached` in one step, then prune the older files beside it; a cache
    that cannot be written is skipped."""
    import pickle

    if replace_file(cached, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)):
        prune(cached)


def replace_file(cached: Path, data: bytes) -> bool:
    """Write `data` to `cached` in one step (a temporary file renamed over it, so a reader
    never sees half a file); False, the temporary file removed, when it cannot be written
    (caching is an optimisation only)."""
    temporary = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, cached)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        return False
    return True


class KeptTable:
    """A table the command line's process keeps in the cache folder from one run to the next
    (`marshal` data under `stamp`, the interpreter and layout it was made for): read when
    made, added to as the process goes, up to `limit` entries, and written back by `save`
    only when something was added. Without a cache folder (`path` None) it starts empty and
    is never written."""

    def __init__(self, path: Path | None, stamp: str, limit: int) -> None:
        self.path, self.stamp, self.limit = path, stamp, limit
        self.table: dict[Any, Any] = read_table(path, stamp)
        self.added = 0
        self.used = 0

    def keep(self, key: Any, value: Any) -> None:
        """Add an entry while the table has room."""
        if len(self.table) < self.limit:
            self.table[key] = value
            self.added += 1

    def save(self) -> None:
        """Write the table when entries were added (`write_table`); a cache that cannot be
        written is skipped."""
        if self.added and self.path is not None and write_table(self.path, self.stamp,
                                                                self.table, self.limit):
            self.added = 0


def table_file(name: str) -> Path | None:
    """`name` in the cache folder, or None without one."""
    folder = cache_dir()
    return folder / name if folder is not None else None


def read_table(path: Path | None, stamp: str) -> dict[Any, Any]:
    """The table a process kept in `path` (`write_table`), when written under `stamp` (the
    interpreter and the layout it was made for): empty for a missing, damaged or foreign
    file. The file is `marshal` data."""
    import marshal

    if path is None:
        return {}
    try:
        found, table = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return table if found == stamp and isinstance(table, dict) else {}


def write_table(path: Path, stamp: str, table: dict[Any, Any], limit: int) -> bool:
    """Write `table` to `path` under `stamp`, merged with what another process wrote there
    meanwhile, at most `limit` entries, in one step (`replace_file`); False when it was not
    written."""
    import marshal

    merged = read_table(path, stamp)
    for key, value in table.items():
        if len(merged) >= limit:
            break
        merged.setdefault(key, value)
    try:
        data = marshal.dumps((stamp, merged))
    except ValueError:  # a value marshal cannot write: keep nothing this time
        return False
    return replace_file(path, data)
