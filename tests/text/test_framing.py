"""Evidence that an export or a log wrapped: a ticket exported as JSON (the dump one string
value, its line breaks written `\\r\\n`), a log collector's time stamps or an editor's line
numbers in front of every line. Each case is rendered in every shape and must be diagnosed as
the bare text is; a text no format needs unwrapping is never touched."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_bytes
from certtriage.models.findings import InputResult
from certtriage.text.framing import ESCAPED_BREAKS, undo_escapes, undo_gutter

from ..conftest import FIXTURES

#: One input of each text format that reads lines, and several certutil causes.
CASES = (
    "certutil/revoked/leaf-revoked-key-compromise.txt",
    "certutil/partial-chain/renewed-root-self-issued.txt",
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "certutil/pass/" + sorted(p.name for p in (FIXTURES / "certutil" / "pass").glob("*.txt"))[0],
    "certutil/fragments/trailer-only-failed-untrusted.txt",  # two lines: a paste's tail
    "certutil/fragments/trailer-only-offline.txt",
    "events/format-list/schannel-36885.txt",
    "netsh/revocation-disabled.txt",
    "registry/reg-query-2012r2-send-issuer-list.txt",
)


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _gutter(mark: Callable[[int], str]) -> Callable[[str], str]:
    return lambda text: "".join(f"{mark(n)}{line}\n" for n, line in enumerate(_lines(text), 1))


SHAPES: dict[str, Callable[[str], str]] = {
    "json object": lambda t: json.dumps({"id": 4711, "body": t.replace("\n", "\r\n")}),
    "json indented": lambda t: json.dumps({"ticket": {"id": 4711, "comments": [
        {"author": "pat@contoso.com", "text": t}]}}, indent=2),
    "json unicode escapes": lambda t: json.dumps({"body": "R\u00e9sultat :\n" + t},
                                                 ensure_ascii=True),
    "escaped, unquoted": lambda t: "output:\n" + t.replace("\n", "\\r\\n") + "\n",
    "stamp": _gutter(lambda n: f"2025-06-01 10:{n // 60 % 60:02d}:{n % 60:02d} "),
    "stamp iso zulu": _gutter(lambda n: f"2025-06-01T10:00:{n % 60:02d}.{n:03d}Z "),
    "stamp bracketed level": _gutter(lambda n: f"[2025-06-01 10:00:{n % 60:02d}] INFO  "),
    "stamp comma dash": _gutter(lambda n: f"2025-06-01 10:00:{n % 60:02d},{n:03d} - "),
    "line numbers colon": _gutter(lambda n: f"{n}: "),
    "line numbers bar": _gutter(lambda n: f"{n:>4} | "),
    "line numbers tab": _gutter(lambda n: f"{n}\t"),
}


def _answer(result: InputResult) -> tuple[object, ...]:
    return (result.kind, result.verdict, result.root_causes, result.failing_element,
            result.iis_substatus, result.hresults)


@pytest.fixture(scope="module")
def bare() -> dict[str, InputResult]:
    return {case: analyze_bytes((FIXTURES / case).read_bytes(), "bare.txt") for case in CASES}


@pytest.mark.parametrize(("case", "shape"), list(itertools.product(CASES, SHAPES)))
def test_wrapped_evidence_is_read_as_the_bare_text(bare: dict[str, InputResult], case: str,
                                                   shape: str) -> None:
    text = (FIXTURES / case).read_text(encoding="utf-8")
    if shape == "escaped, unquoted" and text.count("\n") < ESCAPED_BREAKS:
        pytest.skip("escapes outside a string literal need three line breaks: fewer are as "
                    "likely a Windows path's `\\n`")
    wrapped = analyze_bytes(SHAPES[shape](text).encode(), "wrapped.txt")

    assert bare[case].kind != "ticket"  # a case a format reads as it stands
    assert _answer(wrapped) == _answer(bare[case]), wrapped.warnings
    # An event export behind time stamps is read by the event reader as it stands: a date
    # and time opening every line may be a table's first column, never taken off then.
    kept = shape.startswith("stamp") and case.startswith("events/")
    assert kept != any(w.startswith(("read as a string value", "read without the"))
                       for w in wrapped.warnings), wrapped.warnings


@pytest.mark.parametrize("path", sorted((FIXTURES / "iis-logs").glob("*.log"))
                         + sorted((FIXTURES / "tickets").glob("*.txt")),
                         ids=lambda p: p.name)
def test_text_read_as_it_stands_is_not_unwrapped(path: Path) -> None:
    """IIS logs start every line with a date and time: that is their own first field."""
    result = analyze_bytes(path.read_bytes(), path.name)
    assert not any(w.startswith(("read as a string value", "read without the"))
                   for w in result.warnings), result.warnings


def test_a_few_escaped_breaks_are_a_path_not_a_value() -> None:
    text = 'copied to C:\\new\\reports and C:\\new\\logs "C:\\Temp\\x.txt"\nnext line\n'
    assert undo_escapes(text) == (text, 0)


@pytest.mark.parametrize("line", [
    'certutil -verify -urlfetch "C:\\temp\\new.cer"',
    'saved to "D:\\tickets\\new\\notes.txt" and "C:\\nested\\out.txt"',
])
def test_a_quoted_windows_path_is_no_value(line: str) -> None:
    """`\\t` and `\\n` in a path are valid JSON escapes: the path is still no text of its own."""
    text = f"{line}\nIssuer:\n    CN=Contoso\n"
    assert undo_escapes(text) == (text, 0)


def test_a_value_that_is_no_valid_json_string_is_unescaped_by_hand() -> None:
    value = '"Issuer:\\r\\n    CN=Contoso\\r\\n  Path C:\\Windows\\r\\nend\\r\\n"'
    text, undone = undo_escapes(f"body: {value}\n")
    assert undone == 1
    assert "\nIssuer:\n    CN=Contoso\n  Path C:\\Windows\nend\n" in text


def test_a_table_that_opens_its_rows_with_a_time_keeps_it(tmp_path: Path) -> None:
    """An event export whose every line opens with an ISO date and time (as an event table's
    rows do in a culture that writes such dates): the event reader reads it as it stands, and
    the time is not taken off as a log's stamp would be."""
    text = (FIXTURES / "events/format-list/schannel-36885.txt").read_text(encoding="utf-8")
    stamped = SHAPES["stamp"](text)
    assert undo_gutter(stamped, stamps=False) == (stamped, 0, "")
    result = analyze_bytes(stamped.encode(), "table.txt")
    assert result.kind == "event-log"
    assert not any(w.startswith("read without the") for w in result.warnings)


def test_numbers_that_do_not_count_up_are_no_gutter() -> None:
    """A hex dump's offsets stand in front of every line but go up by 16."""
    text = "".join(f"{n * 16:04x}  30 82 01 0a 02 82\n" for n in range(1, 40))
    assert undo_gutter(text) == (text, 0, "")


def test_a_gutter_needs_nearly_every_line() -> None:
    """Nine lines in ten: the prose line is kept whole (not cut by the stamped lines'
    indentation)."""
    lines = [f"2025-06-01 10:00:{n:02d}   line {n}" for n in range(10)] + [
        f"prose line {n}" for n in range(2)]
    text = "\n".join(lines)
    assert undo_gutter(text) == (text, 0, "")
    stamped, count, what = undo_gutter("\n".join(lines[:11]))
    assert (count, what) == (10, "time stamps")
    assert stamped.split("\n")[:2] == ["line 0", "line 1"]
    assert stamped.split("\n")[-1] == "prose line 0"
