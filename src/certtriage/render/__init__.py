"""Output formats: a closed set, each mapped to one renderer.

Renderers take the finished :class:`Report` and return text; the CLI writes it. The text
renderer is the only one that imports rich, and it is imported only when chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from ..models.findings import Report


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
    """The render function for `fmt`."""
    if fmt is OutputFormat.TEXT:
        from .text import render_text

        return render_text
    if fmt is OutputFormat.JSON:
        from .json import render_json

        return render_json
    if fmt is OutputFormat.MARKDOWN:
        from .markdown import render_markdown

        return render_markdown
    if fmt is OutputFormat.JSONL:
        from .jsonl import render_jsonl

        return render_jsonl
    if fmt is OutputFormat.CSV:
        from .csv import render_csv

        return render_csv
    if fmt is OutputFormat.HTML:
        from .html import render_html

        return render_html
    raise AssertionError(fmt)


def render(report: Report, fmt: OutputFormat, **options: object) -> str:
    """Render `report` as `fmt`."""
    return renderer(fmt)(report, **options)
