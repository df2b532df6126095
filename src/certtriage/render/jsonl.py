"""JSON Lines: one line per input, in order, then one line per case (for streaming).

Each line is compact JSON (no blanks between tokens), written by pydantic's own serialiser:
an input's record is most of a streamed batch's output, and encoding it this way takes about
a third of the time of building the dictionary and encoding that. A value the serialiser
cannot encode (a lone surrogate: a byte of a file name that is not UTF-8) sends that line
through the standard library's encoder, with the same separators. Strings are escaped as in
`render/json.py`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ..models.findings import InputResult, Report
from .escape import json_safe
from .json import SCHEMA_VERSION


def render_jsonl(report: Report, *, include_model: bool = False, **_: object) -> str:
    """`{"type":"input",...}` lines, then `{"type":"case",...}` lines."""
    lines = [_line("input", item, None if include_model else {"model"})
             for item in report.inputs]
    lines.extend(_line("case", case, None) for case in report.cases)
    return json_safe("\n".join(lines)) + "\n"


def render_jsonl_input(result: InputResult, *, include_model: bool = False) -> str:
    """The line of one input, as :func:`render_jsonl` writes it in a report of that input
    alone (no case lines): what a streamed batch writes for each input, without building
    that report."""
    return json_safe(_line("input", result, None if include_model else {"model"})) + "\n"


def _line(kind: str, item: BaseModel, exclude: set[str] | None) -> str:
    head = f'{{"type":"{kind}","schema_version":{SCHEMA_VERSION},'
    try:
        return head + item.model_dump_json(exclude=exclude)[1:]
    except ValueError:  # pydantic's serialiser refuses lone surrogates
        data: dict[str, Any] = item.model_dump(mode="json", exclude=exclude)
        return head + json.dumps(data, ensure_ascii=False, separators=(",", ":"))[1:]
