"""CSV output: one row per input, stable documented columns (see CSV_COLUMNS).

Cells are safe to open in a spreadsheet: a text cell that would start a formula (`=`, `+`,
`-`, `@`, a tab or a carriage return) gets a leading apostrophe, as OWASP recommends, and
control characters are shown as escapes (`render/escape.py`). Number cells are left as numbers.
"""

from __future__ import annotations

import csv
import io

from ..models.findings import Report
from .escape import spreadsheet_cell
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
        writer.writerow([spreadsheet_cell(v) if isinstance(v, str) else v for v in (
            r.case or "", r.source, r.kind, r.status, r.verdict or "",
            ";".join(r.root_causes),
            "" if r.failing_element is None else r.failing_element,
            ";".join(r.iis_substatus), ";".join(r.hresults),
            sum(f.severity == "error" for f in r.findings),
            sum(f.severity == "warning" for f in r.findings),
            sum(1 for e in r.events if e.get("certificate", True)), first,
        )])
    return out.getvalue()
