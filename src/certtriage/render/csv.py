"""CSV output: one row per input, stable documented columns (see CSV_COLUMNS)."""

from __future__ import annotations

import csv
import io

from ..models.findings import Report
from .view import input_view

#: The columns, in order. A test pins this header: change it only with a version note.
CSV_COLUMNS = (
    "case", "source", "kind", "status", "verdict", "root_causes", "failing_element",
    "iis_substatus", "hresults", "errors", "warnings", "events", "message",
)


def render_csv(report: Report, **_: object) -> str:
    """One row per input; lists are joined with `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in report.inputs:
        view = input_view(r)
        first = view.roots[0].messages[0] if view.roots else (
            view.passes[0] if view.passes else r.error or "")
        writer.writerow([
            r.case or "", r.source, r.kind, r.status, r.verdict or "",
            ";".join(r.root_causes),
            "" if r.failing_element is None else r.failing_element,
            ";".join(r.iis_substatus), ";".join(r.hresults),
            sum(f.severity == "error" for f in r.findings),
            sum(f.severity == "warning" for f in r.findings),
            sum(1 for e in r.events if e.get("certificate", True)), first,
        ])
    return out.getvalue()
