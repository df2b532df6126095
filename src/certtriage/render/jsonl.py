"""JSON Lines: one line per input, in order, then one line per case (for streaming).

Each line is compact JSON (no blanks between tokens), written by pydantic's own serialiser:
an input's record is most of a streamed batch's output, and encoding it this way takes about
a third of the time of building the dictionary and encoding that. A streamed batch takes each
input's line as the UTF-8 bytes the serialiser writes (`encoded_jsonl_input`), not as text cut,
joined and encoded again: six copies of a 13 KB record on its way to the file. A value
the serialiser cannot encode (a lone surrogate: a byte of a file name that is not UTF-8) sends
that line through the standard library's encoder, with the same separators. Strings are
escaped as in `render/json.py`."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ..models.findings import CaseResult, InputResult, Report
from .escape import holds_json_raw, json_safe
from .json import SCHEMA_VERSION


def render_jsonl(report: Report, *, include_model: bool = False, **_: object) -> str:
    """`{"type":"input",...}` lines, then `{"type":"case",...}` lines."""
    lines = [_line("input", item, None if include_model else {"model"})
             for item in report.inputs]
    lines.extend(_line("case", case, None) for case in report.cases)
    return "\n".join(lines) + "\n"


def render_jsonl_input(result: InputResult, *, include_model: bool = False) -> str:
    """The line of one input, as :func:`render_jsonl` writes it in a report of that input
    alone (no case lines)."""
    return encoded_jsonl_input(result, include_model=include_model).decode()


def encoded_jsonl_input(result: InputResult, *, include_model: bool = False) -> bytes:
    """:func:`render_jsonl_input` in UTF-8: what a streamed batch writes for each input,
    without building a report or a text."""
    return _encoded("input", result, None if include_model else {"model"}, b"\n")


def encoded_jsonl_case(case: CaseResult) -> bytes:
    """The line of one case, in UTF-8, as :func:`render_jsonl` writes it: what a streamed
    batch keeps for each case until its inputs are written."""
    return _encoded("case", case, None, b"\n")


def _line(kind: str, item: BaseModel, exclude: set[str] | None) -> str:
    return _encoded(kind, item, exclude).decode()


def _encoded(kind: str, item: BaseModel, exclude: set[str] | None, end: bytes = b"") -> bytes:
    """The line of `item` (escaped as `json_safe` escapes), in UTF-8, `end` after it."""
    head = f'{{"type":"{kind}","schema_version":{SCHEMA_VERSION},'.encode()
    try:
        body = type(item).__pydantic_serializer__.to_json(item, exclude=exclude)
    except ValueError:  # pydantic's serialiser refuses lone surrogates
        data: dict[str, Any] = item.model_dump(mode="json", exclude=exclude)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return head + json_safe(text[1:]).encode() + end
    if holds_json_raw(body):
        return head + json_safe(body[1:].decode()).encode() + end
    return b"".join((head, memoryview(body)[1:], end))
