"""Inputs that must not hurt a run: what is not a regular file, what never ends, what crashes a
reader, what buries its evidence, and what makes the diagnosis work grow faster than the input.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text, engine, pipeline
from certtriage.models.findings import Finding

from ..conftest import FIXTURES

CLEAN_CHAIN = FIXTURES / "certutil" / "pass" / "three-element-client-auth-urlfetch.txt"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = analyze_path(fifo)
    assert result.status == "error" and "FIFO" in (result.error or "")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_that_never_ends_is_refused() -> None:
    assert stat.S_ISCHR(os.stat("/dev/zero").st_mode)
    result = analyze_path("/dev/zero")
    assert result.status == "error" and "device" in (result.error or "")


def test_reading_stops_at_the_limit_whatever_the_size_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"A" * 5000)
    monkeypatch.setattr(pipeline, "MAX_TEXT_BYTES", 4096)
    result = analyze_path(big)
    assert result.status == "error"
    assert result.error == "4.9 KiB is more than the 4 KiB certtriage reads"
    # A file that says it is empty but never ends (a /proc file) is cut at the limit.
    monkeypatch.setattr(pipeline.os, "stat", lambda *_a, **_k: os.stat_result(
        (stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 0, 0, 0, 0)))
    result = analyze_path(big)
    assert result.error == "it is more than the 4 KiB certtriage reads"


def test_a_reader_that_crashes_ends_only_its_own_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.parsers.certutil_verify import parser

    def explode(text: str) -> None:
        raise RuntimeError("something deep went wrong\nsecond line")

    monkeypatch.setattr(parser, "parse", explode)
    result = analyze_path(CLEAN_CHAIN)
    assert result.status == "error" and result.kind == "unknown"
    assert result.error is not None
    assert result.error.startswith("internal error RuntimeError: something deep went wrong;")
    assert "report it" in result.error and "second line" not in result.error


def test_recursion_is_an_error_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.parsers.certutil_verify import parser

    def recurse(text: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parser, "parse", recurse)
    result = analyze_path(CLEAN_CHAIN)
    assert result.status == "error" and "nested too deeply" in (result.error or "")


def test_a_clean_chain_buried_in_unreadable_text_decides_nothing() -> None:
    chain = CLEAN_CHAIN.read_text(encoding="utf-8")
    assert analyze_text(chain).verdict == "pass"
    junk = "\n".join(f"%%{i:06x}%%" for i in range(3000))
    buried = analyze_text(chain + "\n" + junk)
    assert buried.verdict == "inconclusive"
    assert any("could not be read" in w for w in buried.warnings)
    assert len(buried.warnings) < 60  # the unreadable lines are counted, not all listed


def _chain_with(elements: int) -> str:
    """A certutil chain of `elements` elements, each with a failed CDP retrieval."""
    blocks = []
    for i in range(elements):
        blocks.append(
            f"CertContext[0][{i}]: dwInfoStatus=102 dwErrorStatus=1000040\n"
            f"  Issuer: CN=Contoso CA {i + 1}\n  Subject: CN=Contoso CA {i}\n"
            "  ----------------  Certificate CDP  ----------------\n"
            '  Failed "CDP" Time: 0\n'
            "    Error retrieving URL: The server name or address could not be resolved "
            "0x80072ee7 (WIN32: 12007 ERROR_WINHTTP_NAME_NOT_RESOLVED)\n"
            f"    http://crl{i}.contoso.com/ca{i}.crl\n")
    return "ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)\n" + \
        "".join(blocks)


def test_linking_findings_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    examined = [0]
    original = engine._explains

    def counting(by_element: dict[int | None, list[Finding]], symptom: Finding) -> bool:
        looked_at = (by_element.values() if symptom.element is None else
                     [by_element.get(symptom.element, []), by_element.get(None, [])])
        examined[0] += sum(len(group) for group in looked_at)
        return original(by_element, symptom)

    monkeypatch.setattr(engine, "_explains", counting)
    work = []
    for elements in (20, 200):
        examined[0] = 0
        result = analyze_text(_chain_with(elements))
        assert result.verdict == "fail"
        work.append(examined[0] / len(result.findings))
    assert work[1] <= 2 * work[0] + 2, work  # per finding, the work does not grow with the input
