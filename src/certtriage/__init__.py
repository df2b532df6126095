"""certtriage: reads the evidence of a client-certificate failure and names the root cause.

The library path (this package minus `cli` and `render.text`) imports neither rich nor typer.
Public API: :func:`analyze_bytes`, :func:`analyze_path` and :func:`analyze_text` (pure: input in,
result out), :func:`batch` (folders and archives, one verdict per case), :func:`report`, and
:data:`__version__`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .models.findings import InputResult, Report

__all__ = ["__version__", "analyze_bytes", "analyze_path", "analyze_text", "batch", "report"]


def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
    """Decode, detect, parse and diagnose one input given as bytes."""
    from .pipeline import analyze_bytes as run

    return run(data, source)


def analyze_text(text: str, source: str = "<text>") -> InputResult:
    """Detect, parse and diagnose one input that is already text."""
    from .pipeline import analyze_text as run

    return run(text, source)


def analyze_path(path: Any) -> InputResult:
    """Read one file and diagnose it; a file that cannot be read gives an `error` result."""
    from .pipeline import analyze_path as run

    return run(path)


def report(results: list[InputResult]) -> Report:
    """Combine per-input results into one report with an overall verdict."""
    from .pipeline import report as run

    return run(results)


def batch(paths: Any, *, jobs: int = 1, **options: Any) -> Report:
    """Analyse every file of every folder or archive in `paths`; one case per path."""
    from .batch import batch as run

    return run(paths, jobs=jobs, **options)
