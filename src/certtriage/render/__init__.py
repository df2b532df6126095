"""Output formats: a closed set, each mapped to one renderer.

Renderers take the finished :class:`Report` and return text; the CLI writes it. The text
renderer is the only one that imports rich, and it is imported only when chosen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models.findings import InputResult, Report


class OutputFormat(str, Enum):
    """`--format` values."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"

    @property
    def for_humans(self) -> bool:
        """Whether the format is meant to be read rather than parsed."""
        return self in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML)


def renderer(fmt: OutputFormat) -> Callable[..., str]:
    """The render function for `fmt`: `render_<fmt>` of the module `render/<fmt>.py`,
    imported on first use so that only the chosen format's dependencies load."""
    function: Callable[..., str] = getattr(_module(fmt), f"render_{fmt.value}")
    return function


@functools.cache
def _module(fmt: OutputFormat) -> ModuleType:
    return import_module(f"{__name__}.{fmt.value}")


def shows_evidence(fmt: OutputFormat, *, details: bool, brief: bool) -> bool:
    """Whether a batch report in `fmt` shows its inputs' evidence (parsed models, evidence
    pieces, events, next steps). Batch text without details (or brief) lists each input by
    its verdict and causes only, so a batch for it keeps its results without their evidence
    (a test holds every format and option to this)."""
    return fmt is not OutputFormat.TEXT or details and not brief


def render(report: Report, fmt: OutputFormat, **options: object) -> str:
    """Render `report` as `fmt`."""
    return renderer(fmt)(report, **options)


def encoded_input(fmt: OutputFormat, include_model: bool, result: InputResult) -> bytes:
    """:func:`render_input` in UTF-8: what a streamed batch writes for each input (a top-level
    function, so that a partial of it pickles and a worker process can render the input it
    analysed). A format whose module has `encoded_<fmt>_input` writes the bytes by it."""
    encoded = getattr(_module(fmt), f"encoded_{fmt.value}_input", None)
    if encoded is not None:
        data: bytes = encoded(result, include_model=include_model)
        return data
    return render_input(fmt, include_model, result).encode("utf-8", "backslashreplace")


def render_input(fmt: OutputFormat, include_model: bool, result: InputResult) -> str:
    """One input's output as `fmt` gives it in a report of that input alone. A format whose
    module has `render_<fmt>_input` renders the input by it, without building the report."""
    one = getattr(_module(fmt), f"render_{fmt.value}_input", None)
    if one is not None:
        text: str = one(result, include_model=include_model)
        return text
    from .._version import __version__
    from ..models.findings import Report

    report = Report.trusted(version=__version__, verdict=result.verdict or "unrecognized",
                            inputs=(result,))
    return renderer(fmt)(report, include_model=include_model)
