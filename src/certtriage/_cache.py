"""The user-writable cache folder shared by the compiled grammars and the validated rulebook.

Nothing is ever written into the package folder. When no cache folder can be written, every
caller works without one (caching is an optimisation only).
"""

from __future__ import annotations

import os
from pathlib import Path


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
