"""Batch runs over folders and archives built from our fixtures."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certtriage.batch import batch
from certtriage.cli import Exit, app
from certtriage.render import OutputFormat, render
from certtriage.render.csv import CSV_COLUMNS

from ..conftest import FIXTURES, REAL, SHARED

CERTUTIL = FIXTURES / "certutil"
EVENTS = FIXTURES / "events"


@pytest.fixture
def tss(tmp_path: Path) -> Path:
    """A TSS-like folder: certutil outputs, event texts, junk, an empty file, UTF-16 text."""
    root = tmp_path / "TSS_IIS01"
    (root / "certs").mkdir(parents=True)
    (root / "logs").mkdir()
    shutil.copy(CERTUTIL / "pass/three-element-client-auth-urlfetch.txt",
                root / "certs" / "verify-user.txt")
    shutil.copy(EVENTS / "copy-details/schannel-36885.txt", root / "logs" / "System-36885.txt")
    shutil.copy(CERTUTIL / "damaged/leaf-cdp-name-not-resolved-utf16le-bom.txt",
                root / "certs" / "verify-utf16.txt")
    (root / "logs" / "junk.bin").write_bytes(bytes(range(256)) * 8)
    shutil.copy(FIXTURES / "evtx" / "system-schannel-truncated.evtx", root / "logs" / "System.evtx")
    (root / "empty.txt").write_bytes(b"")
    (root / "notes.txt").write_text("Customer says it worked last week.\n")
    return root


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return target


def test_every_file_is_accounted_for(tss: Path) -> None:
    report = batch([tss])
    files = sorted(p for p in tss.rglob("*") if p.is_file())
    assert len(report.inputs) == len(files)
    status = {Path(r.source).name: r.status for r in report.inputs}
    assert status["verify-user.txt"] == "parsed"
    assert status["System-36885.txt"] == "parsed"
    assert status["verify-utf16.txt"] == "parsed"
    assert status["junk.bin"] == "unrecognized"
    assert status["System.evtx"] == "partial"  # truncated: read up to the cut, and said so
    assert status["empty.txt"] == "unrecognized"
    assert all(r.case == str(tss) for r in report.inputs)


def test_case_combines_a_36885_with_a_passing_certutil(tss: Path) -> None:
    (tss / "certs" / "verify-utf16.txt").unlink()
    (tss / "logs" / "System.evtx").unlink()
    case = batch([tss]).cases[0]
    assert case.verdict == "fail"
    assert case.root_causes == ("issuer-list-truncated",)
    assert "403.7" in case.iis_substatus
    assert (case.files, case.parsed, case.skipped, case.failed) == (5, 2, 3, 0)


def test_certutil_pass_against_server_rejections_is_pointed_out(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "pass/three-element-client-auth-urlfetch.txt", root / "verify.txt")
    shutil.copy(EVENTS / "message-only/schannel-36877-offline.txt", root / "event.txt")
    case = batch([root]).cases[0]
    assert case.root_causes == ("revocation-offline",)
    assert any("HTTP.sys validates as SYSTEM" in note for note in case.notes)


def test_a_cause_seen_in_two_files_about_one_certificate_is_confirmed(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt", root / "a.txt")
    shutil.copy(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt", root / "b.txt")
    case = batch([root]).cases[0]
    assert case.root_causes[0] == "revoked"
    assert any(note.startswith("revoked is confirmed by 2 files about Ivy Nakamura")
               for note in case.notes)


def test_cross_file_symptoms(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "fragments/cdp-section-only.txt", root / "cdp.txt")
    shutil.copy(CERTUTIL / "fragments/trailer-only-offline.txt", root / "tail.txt")
    case = batch([root]).cases[0]
    assert case.root_causes == ("cdp-unreachable",)
    assert case.symptoms == ("revocation-offline",)


def test_zip_nested_zip_and_tar_gz_give_the_same_verdicts(tss: Path, tmp_path: Path) -> None:
    folder = batch([tss])
    archive = _zip(tss, tmp_path / "tss.zip")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as wrapper:
        wrapper.write(archive, "attachments/tss.zip")
    tgz = tmp_path / "tss.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(tss, arcname=tss.name)
    expected = sorted((Path(r.source).name, r.status, r.verdict) for r in folder.inputs)
    for path in (archive, outer, tgz):
        report = batch([path])
        got = sorted((r.source.rsplit("/", 1)[-1].rsplit("!", 1)[-1], r.status, r.verdict)
                     for r in report.inputs)
        assert got == expected, path.name
        assert report.cases[0].verdict == folder.cases[0].verdict
    assert any("!attachments/tss.zip!" in r.source for r in batch([outer]).inputs)


def test_bad_members_do_not_stop_the_run(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    shutil.copy(CERTUTIL / "revoked/leaf-revoked-key-compromise.txt", good)
    truncated = tmp_path / "broken.zip"
    _zip_bytes = io.BytesIO()
    with zipfile.ZipFile(_zip_bytes, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", (CERTUTIL / "pass/ocsp-verified.txt").read_text() * 20)
    truncated.write_bytes(_zip_bytes.getvalue()[: len(_zip_bytes.getvalue()) // 2])
    report = batch([truncated, good])
    assert [c.case for c in report.cases] == [str(truncated), str(good)]
    assert report.cases[1].verdict == "fail"
    assert any(r.status in ("skipped", "error") for r in report.inputs if r.case == str(truncated))


def test_jobs_do_not_change_the_output(tss: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    archive = _zip(tss, tmp_path / "tss.zip")
    outputs = []
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["batch", "-q", "-f", "json", "--jobs", jobs, str(tss),
                                     str(archive)])
        assert result.exit_code == Exit.FINDINGS, result.stdout
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])["cases"]) == 2


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders_a_batch(tss: Path, fmt: OutputFormat) -> None:
    text = render(batch([tss]), fmt)
    assert "System-36885.txt" in text or fmt is OutputFormat.TEXT
    if fmt is OutputFormat.JSON:
        assert json.loads(text)["cases"][0]["root_causes"]
    if fmt is OutputFormat.JSONL:
        lines = [json.loads(line) for line in text.splitlines()]
        assert [x["type"] for x in lines][-1] == "case"
    if fmt is OutputFormat.HTML:
        assert text.startswith("<!DOCTYPE html>") and "<script" not in text
        assert "src=" not in text and "<link" not in text


def test_csv_header_is_pinned(tss: Path) -> None:
    assert CSV_COLUMNS == (
        "case", "source", "kind", "status", "verdict", "root_causes", "failing_element",
        "iis_substatus", "hresults", "errors", "warnings", "events", "message")
    rows = list(csv.reader(io.StringIO(render(batch([tss]), OutputFormat.CSV))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 7


def test_html_escapes_what_comes_from_the_input(tmp_path: Path) -> None:
    evil = tmp_path / "case"
    evil.mkdir()
    text = (CERTUTIL / "pass/three-element-client-auth-urlfetch.txt").read_text()
    (evil / "x.txt").write_text(text.replace("CN=Dana Whitfield", "CN=<script>alert(1)</script>"))
    html = render(batch([evil]), OutputFormat.HTML)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_nothing_recognised_is_said_explicitly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    runner = CliRunner()
    result = runner.invoke(app, ["batch", "-q", str(tmp_path)])
    assert result.exit_code == Exit.UNRECOGNIZED
    assert "nothing at all was recognised" in result.stdout


@pytest.mark.real_corpus
def test_batch_over_the_shared_corpus(tmp_path: Path) -> None:
    corpus = SHARED / "corpus"
    report = batch([corpus / "real", corpus / "evtx"], jobs=2)
    on_disk = [p for c in ("real", "evtx") for p in (corpus / c).rglob("*") if p.is_file()]
    assert len(report.inputs) == len(on_disk)
    assert all(r.status for r in report.inputs)
    by_name = {r.source: r for r in report.inputs}
    expected = json.loads((REAL / "expected.json").read_text())
    for entry in expected:
        result = by_name[str(REAL / entry["file"])]
        if "verdict" in entry["expect"]:
            assert result.verdict == entry["expect"]["verdict"], entry["file"]
    assert {c.case for c in report.cases} == {str(corpus / "real"), str(corpus / "evtx")}


def test_a_failed_cdp_and_403_13_in_the_iis_log_confirm_each_other(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "revocation-offline/leaf-cdp-name-not-resolved.txt", root / "v.txt")
    shutil.copy(FIXTURES / "iis-logs/iis10-revocation-offline-burst.log", root / "u_ex.log")
    case = batch([root]).cases[0]
    assert case.root_causes == ("cdp-unreachable",)
    assert case.symptoms == ("revocation-offline",)
    assert any("confirmed from the other side: revocation-offline" in n for n in case.notes)


def test_certutil_pass_against_403_13_in_the_iis_log(tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    shutil.copy(CERTUTIL / "pass/three-element-client-auth-urlfetch.txt", root / "v.txt")
    shutil.copy(FIXTURES / "iis-logs/iis10-revocation-offline-burst.log", root / "u_ex.log")
    case = batch([root]).cases[0]
    assert any("certutil passes" in n and "u_ex.log" in n for n in case.notes)


@pytest.mark.real_corpus
def test_records_progress_for_big_evtx_files() -> None:
    seen: list[tuple[str, int]] = []
    batch([SHARED / "corpus" / "evtx" / "security"], records=lambda o, n: seen.append((o, n)))
    assert seen and all(n % 1000 == 0 for _, n in seen)
    assert any(o.endswith("security-evtxrs.evtx") for o, _ in seen)
