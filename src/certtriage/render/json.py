"""JSON output: the documented contract, plus the parsed model of each input.

Values are kept as they were read; besides JSON's own escapes, DEL, C1 and Unicode controls and
lone surrogates (a file name that is not UTF-8) are written as `\\uNNNN` escapes, so the file
holds none of them raw and can always be encoded.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_json

from ..models._base import json_data
from ..models.findings import Report
from .escape import json_safe
from .story import story

#: Bumped when a field of the contract changes meaning or disappears.
#: 2: a case certificate's `sources` names the first ten of its `files` (before: every one).
#: 3: the report's and a case's `verdict` is `unrecognized` when none of its inputs was read
#: (before: `inconclusive`, while the exit code was 3).
SCHEMA_VERSION = 3


def report_dict(report: Report, *, include_model: bool = True) -> dict[str, Any]:
    """The report as plain data in the documented shape (what `model_dump(mode="json")`
    gives, walked without building the models' serializers: `models._base.json_data`)."""
    data: dict[str, Any] = json_data(report)
    data["schema_version"] = SCHEMA_VERSION
    for case, shown in zip(report.cases, data["cases"], strict=True):
        shown["timeline_summary"] = story(case.timeline)
    if not include_model:
        for item in data["inputs"]:
            item.pop("model", None)
    return data


def render_json(report: Report, *, include_model: bool = True, **_: object) -> str:
    """`{"verdict": ..., "inputs": [{"source", "kind", "status", ..., "findings": [...]}]}`.

    The data is written by pydantic's own encoder, which lays it out as the standard
    library's `json.dumps(..., indent=2, ensure_ascii=False)` does (the same bytes for every
    fixture, with and without the models): a paste's answer so neither imports the standard
    library's encoder nor runs it (about 1 ms of `analyze --format json`, 1 % of its time). A
    value pydantic's encoder refuses (a lone surrogate: a byte of a file name that is not
    UTF-8) sends the report through the standard library's."""
    data = report_dict(report, include_model=include_model)
    try:
        text = to_json(data, indent=2).decode()
    except ValueError:
        import json

        text = json.dumps(data, indent=2, ensure_ascii=False)
    return json_safe(text) + "\n"
