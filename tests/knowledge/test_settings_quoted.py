"""Every finding about a server setting quotes the setting as the input has it, with its line,
so the reader can find and change the exact line that applies to the binding or path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from certtriage import analyze_path

from ..conftest import FIXTURES

#: `Label : value` as netsh prints it, name="value" as XML / metabase attributes, Name=value.
SETTING = re.compile(r"`[^`]+ : [^`]+`|\w+=\"[^\"]*\"|\b[A-Za-z]+=\d")
LINE = re.compile(r"\bline \d+")
INPUTS = sorted(p for folder in ("netsh", "iis-config") for p in (FIXTURES / folder).iterdir()
                if p.name != "README.md")


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_setting_findings_quote_the_setting_and_its_line(path: Path) -> None:
    result = analyze_path(path)
    settings = [f for f in result.findings if f.rule[:3] in ("HTP", "IIS")]
    for finding in settings:
        assert LINE.search(finding.message), finding.message
        assert SETTING.search(finding.message), finding.message


def test_the_setting_inputs_do_hold_findings() -> None:
    # The test above says something only when the inputs give findings to check.
    assert sum(len(analyze_path(p).findings) for p in INPUTS) >= 15
