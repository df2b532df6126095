"""certutil's final `completed successfully` after a failure is named where the input has it,
and only there: a CAPI2 run and a paste cut before that line say nothing of it."""

from __future__ import annotations

from certtriage import analyze_path, analyze_text

from ...conftest import FIXTURES

_NOTE = '"completed successfully"'


def _revoked_message(result) -> str:  # type: ignore[no-untyped-def]
    (finding,) = [f for f in result.findings if f.rule == "REV020"]
    return finding.message


def test_the_final_line_is_named_where_certutil_printed_it() -> None:
    path = FIXTURES / "certutil" / "revoked" / "leaf-revoked-key-compromise.txt"
    assert "completed successfully" in path.read_text(encoding="utf-8")
    assert _NOTE in _revoked_message(analyze_path(path))


def test_a_paste_cut_before_the_final_line_does_not_name_it() -> None:
    path = FIXTURES / "certutil" / "revoked" / "leaf-revoked-key-compromise.txt"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    cut = "\n".join(line for line in lines if "completed successfully" not in line) + "\n"
    assert _NOTE not in _revoked_message(analyze_text(cut))


def test_a_capi2_run_does_not_name_it() -> None:
    result = analyze_path(FIXTURES / "events" / "logs" / "capi2-validations-mixed.xml")
    message = _revoked_message(result)
    assert "revocation reason" in message and _NOTE not in message
