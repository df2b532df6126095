"""A Win32 success printed as a short code (`0x0 (WIN32: 0)`, the status of a request that
worked) is no error: a passing dump with such a line anywhere still passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

PASSING = sorted((FIXTURES / "certutil" / "pass").glob("*.txt"))
LINES = ["  Request Status Code: 0x0 (WIN32: 0) -- The operation completed successfully.",
         "Status: 0x0(WIN32:0)",
         "  Result: 0x0 ( WIN32 : 0 ) ERROR_SUCCESS"]


@pytest.mark.parametrize("where", ["first", "second", "before-last"])
@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("path", PASSING, ids=lambda p: p.name)
def test_a_success_code_leaves_a_passing_dump_passing(path: Path, line: str, where: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    at = {"first": 0, "second": 1, "before-last": len(lines) - 1}[where]
    result = analyze_text("\n".join([*lines[:at], line, *lines[at:]]) + "\n", path.name)
    assert result.verdict == "pass", [(f.rule, f.message) for f in result.findings]
    assert "0x80070000" not in result.hresults
