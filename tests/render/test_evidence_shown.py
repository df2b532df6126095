"""A batch report that shows no evidence is the same from results kept without it: what lets a
batch for batch text (without details) hold and send its results at a fraction of their size."""

from __future__ import annotations

import pytest

from certtriage.batch import batch
from certtriage.models.findings import Report
from certtriage.render import OutputFormat, render, shows_evidence

from ..conftest import FIXTURES


@pytest.fixture(scope="module")
def report() -> Report:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")
        return batch([FIXTURES / "certutil", FIXTURES / "events", FIXTURES / "cases",
                       FIXTURES / "tickets"])


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("details", [False, True])
@pytest.mark.parametrize("brief", [False, True])
def test_a_report_that_shows_no_evidence_reads_none(report: Report, fmt: OutputFormat,
                                                    details: bool, brief: bool) -> None:
    trimmed = report.model_copy(update={
        "inputs": tuple(r.without_evidence() for r in report.inputs)})
    whole = render(report, fmt, details=details, brief=brief)
    if shows_evidence(fmt, details=details, brief=brief):
        assert render(trimmed, fmt, details=details, brief=brief) != whole
    else:
        assert render(trimmed, fmt, details=details, brief=brief) == whole


def test_the_batch_command_keeps_no_evidence_for_text(tmp_path: object) -> None:
    """The trimmed run gives the report of the whole results (the command's own choice)."""
    from certtriage.batch import BatchRun

    paths = [FIXTURES / "certutil" / "revoked", FIXTURES / "events"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CERTTRIAGE_NOW", "2026-12-01T00:00:00Z")
        whole = batch(paths)
        kept = BatchRun(paths, trim=True).report()
    assert all(r.model is None and not r.events for r in kept.inputs)
    assert any(r.model is not None for r in whole.inputs)
    assert render(kept, OutputFormat.TEXT) == render(whole, OutputFormat.TEXT)
