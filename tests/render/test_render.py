"""Every output format renders every kind of result."""

from __future__ import annotations

import json

import pytest

from certtriage import analyze_path, report
from certtriage.models.findings import InputResult
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES

CASES = [
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "certutil/pass/three-element-client-auth-urlfetch.txt",
    "certutil/fragments/cdp-section-only.txt",
]


def _report():  # type: ignore[no-untyped-def]
    results = [analyze_path(FIXTURES / c) for c in CASES]
    results.append(InputResult(source="junk.bin", kind="unknown", status="unrecognized",
                               error="not certutil output"))
    return report(results)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders(fmt: OutputFormat) -> None:
    text = render(_report(), fmt)
    assert "junk.bin" in text
    assert "subordinate" in text.lower() or fmt is OutputFormat.JSON
    if fmt is OutputFormat.JSON:
        assert json.loads(text)["verdict"] == "fail"


def test_text_highlights_the_failing_element_and_groups_symptoms() -> None:
    text = render(_report(), OutputFormat.TEXT)
    assert "[0][1] CN=Litware Subordinate CA 3" in text
    assert "<- root cause" in text
    assert "symptom: revocation-offline" in text
    assert "\x1b[" not in text  # no colour codes unless asked for


def test_text_colour_only_on_request() -> None:
    assert "\x1b[" in render(_report(), OutputFormat.TEXT, color=True)


def test_json_lines_hold_each_result_as_its_model_gives_it() -> None:
    """Every fixture's line is the result's own JSON data, typed; a name with a byte that is
    not UTF-8 (a lone surrogate, which pydantic's encoder refuses) is written all the same."""
    from certtriage.batch import batch
    from certtriage.render.json import SCHEMA_VERSION

    full = batch([FIXTURES / "certutil", FIXTURES / "events"])
    odd = InputResult(source="ticket/caf\udce9.txt", kind="unknown", status="error",
                      error="no such format")
    full = full.model_copy(update={"inputs": (*full.inputs, odd)})
    lines = render(full, OutputFormat.JSONL, include_model=True).splitlines()
    assert len(lines) == len(full.inputs) + len(full.cases)
    for line, item in zip(lines, full.inputs, strict=False):
        assert json.loads(line) == {"type": "input", "schema_version": SCHEMA_VERSION,
                                    **item.model_dump(mode="json")}
        assert line.isascii() or "\udce9" not in line  # escaped, never written raw
    assert json.loads(lines[len(full.inputs) - 1])["source"] == "ticket/caf\udce9.txt"
    for line, case in zip(lines[len(full.inputs):], full.cases, strict=True):
        assert json.loads(line) == {"type": "case", "schema_version": SCHEMA_VERSION,
                                    **case.model_dump(mode="json")}


@pytest.mark.parametrize("include_model", [False, True])
def test_json_is_laid_out_as_the_standard_library_lays_it_out(include_model: bool) -> None:
    """`render_json` writes with pydantic's encoder the bytes `json.dumps(indent=2,
    ensure_ascii=False)` writes, over every fixture's result and cases; a name with a byte
    that is not UTF-8 (which that encoder refuses) is written all the same, escaped."""
    from certtriage.batch import batch
    from certtriage.render.escape import json_safe
    from certtriage.render.json import render_json, report_dict

    full = batch([FIXTURES / "certutil", FIXTURES / "events", FIXTURES / "netsh"])
    expected = json.dumps(report_dict(full, include_model=include_model), indent=2,
                          ensure_ascii=False)
    assert render_json(full, include_model=include_model) == json_safe(expected) + "\n"
    odd = InputResult(source="ticket/caf\udce9.txt", kind="unknown", status="error",
                      error="no such format")
    text = render_json(full.model_copy(update={"inputs": (*full.inputs, odd)}))
    assert "\udce9" not in text
    assert json.loads(text)["inputs"][-1]["source"] == "ticket/caf\udce9.txt"


@pytest.mark.parametrize("fmt", [OutputFormat.JSONL, OutputFormat.CSV])
@pytest.mark.parametrize("include_model", [False, True])
def test_one_input_renders_as_in_a_report_of_it_alone(fmt: OutputFormat,
                                                      include_model: bool) -> None:
    """What a streamed batch writes for an input (`encoded_input`, which may take a format's
    shortcut past the report and the text) is byte for byte that input's part of a report of
    it alone as a report file holds it, for every fixture and a name that is not UTF-8."""
    from certtriage.batch import batch
    from certtriage.models.findings import Report
    from certtriage.render import encoded_input, render_input

    full = batch([FIXTURES / "certutil", FIXTURES / "events"])
    odd = InputResult(source="ticket/caf\udce9.txt", kind="unknown", status="error",
                      error="no such format")
    for item in (*full.inputs, odd):
        alone = Report(version=full.version, verdict=item.verdict or "inconclusive",
                       inputs=(item,))
        whole = render(alone, fmt, include_model=include_model)
        assert render_input(fmt, include_model, item) == whole
        assert encoded_input(fmt, include_model, item) == whole.encode("utf-8",
                                                                        "backslashreplace")
