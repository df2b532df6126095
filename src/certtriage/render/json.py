"""JSON output: the documented contract, plus the parsed model of each input."""

from __future__ import annotations

import json
from typing import Any

from ..models.findings import Report
from .story import story

#: Bumped when a field of the contract changes meaning or disappears.
SCHEMA_VERSION = 1


def report_dict(report: Report, *, include_model: bool = True) -> dict[str, Any]:
    """The report as plain data in the documented shape."""
    data = report.model_dump(mode="json")
    data["schema_version"] = SCHEMA_VERSION
    for case, shown in zip(report.cases, data["cases"], strict=True):
        shown["timeline_summary"] = story(case.timeline)
    if not include_model:
        for item in data["inputs"]:
            item.pop("model", None)
    return data


def render_json(report: Report, *, include_model: bool = True, **_: object) -> str:
    """`{"verdict": ..., "inputs": [{"source", "kind", "status", ..., "findings": [...]}]}`."""
    return json.dumps(report_dict(report, include_model=include_model), indent=2,
                      ensure_ascii=False) + "\n"
