"""certtriage's own reports are no evidence: a report saved beside the files it was made from,
then read again (a folder analysed twice, a report attached to a ticket), is recognised in every
output format and encoding and set aside, so its messages about events and codes never become
findings of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_bytes, analyze_text
from certtriage.batch import batch
from certtriage.pipeline import report
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES

#: Evidence whose reports mention events, alerts and codes (what a report read as text shows).
_SOURCES = ("certutil/revoked/leaf-revoked-key-compromise.txt",
            "events/copy-details/schannel-36887-alert-46.txt",
            "events/copy-details/schannel-36885.txt")


def _report(fmt: OutputFormat) -> str:
    results = [analyze_bytes((FIXTURES / s).read_bytes(), s) for s in _SOURCES]
    return render(report(results), fmt)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_a_report_read_back_is_set_aside(fmt: OutputFormat, encoding: str) -> None:
    data = _report(fmt).encode(encoding)

    result = analyze_bytes(data, f"report.{fmt.value}")

    assert (result.status, result.verdict, result.findings) == ("unrecognized", None, ())
    assert (result.error or "").startswith("a certtriage report")


def test_a_batch_over_a_folder_holding_its_own_report_answers_as_without_it(
        tmp_path: Path) -> None:
    for source in _SOURCES:
        (tmp_path / Path(source).name).write_bytes((FIXTURES / source).read_bytes())
    before = batch([tmp_path])
    (tmp_path / "report.json").write_text(_report(OutputFormat.JSON), encoding="utf-8")

    after = batch([tmp_path])

    assert (after.verdict, after.cases[0].root_causes) == (before.verdict,
                                                            before.cases[0].root_causes)
    (kept,) = [r for r in after.inputs if r.source.endswith("report.json")]
    assert kept.status == "unrecognized" and not kept.findings


def test_a_ticket_that_names_certtriage_is_still_read() -> None:
    text = ("certtriage says: FAIL revoked. certutil shows 0x80092010 (CRYPT_E_REVOKED) for the "
            "user's certificate.\n")
    assert analyze_text(text).root_causes == ("revoked",)


def test_a_fixture_folder_answers_as_its_dumps_do_beside_their_goldens(tmp_path: Path) -> None:
    """The goldens beside the certutil fixtures (`scripts/regen_goldens.py`) are certtriage's
    own output: a batch over a fixture folder reads the dumps, not the findings the goldens
    hold (a folder of passing dumps passes)."""
    folder = FIXTURES / "certutil" / "pass"
    goldens = sorted(folder.glob("*.golden.json"))
    assert goldens
    for dump in folder.glob("*.txt"):
        (tmp_path / dump.name).write_bytes(dump.read_bytes())

    alone, beside = batch([tmp_path]), batch([folder])

    assert (beside.verdict, beside.cases[0].root_causes) == (alone.verdict,
                                                              alone.cases[0].root_causes)
    assert beside.verdict == "pass"
    for golden in goldens:
        result = analyze_bytes(golden.read_bytes(), golden.name)
        assert (result.status, result.findings) == ("unrecognized", ()), golden.name
