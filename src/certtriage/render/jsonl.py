"""JSON Lines: one line per input, in order, then one line per case (for streaming).

Strings are escaped as in `render/json.py`."""

from __future__ import annotations

import json

from ..models.findings import Report
from .escape import json_safe
from .json import SCHEMA_VERSION


def render_jsonl(report: Report, *, include_model: bool = False, **_: object) -> str:
    """`{"type": "input", ...}` lines, then `{"type": "case", ...}` lines."""
    lines = []
    for item in report.inputs:
        data = item.model_dump(mode="json", exclude=None if include_model else {"model"})
        lines.append(json.dumps({"type": "input", "schema_version": SCHEMA_VERSION, **data},
                                ensure_ascii=False))
    for case in report.cases:
        lines.append(json.dumps({"type": "case", "schema_version": SCHEMA_VERSION,
                                 **case.model_dump(mode="json")}, ensure_ascii=False))
    return json_safe("\n".join(lines)) + "\n"
