"""Crashes the fuzz targets (fuzz/) found, each rebuilt as the class of input it belongs to.

A crash in code that waits for a fix at its root is a strict xfail: the test fails today, and
once the fix lands pytest reports it (strict), so the mark and its entry in
fuzz/known_crashes.toml go together.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import certtriage
from certtriage.batch import diagnose_case
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES, ROOT


def _crashes(cases: Iterator[tuple[str, bytes]]) -> list[str]:
    """The cases whose analysis or rendering (every format, and the text of `batch --details`)
    raises, named with the exception."""
    failed = []
    for name, data in cases:
        try:
            result = certtriage.analyze_bytes(data, "input.txt")
            report = certtriage.report([result])
            for fmt in OutputFormat:
                render(report, fmt)
            batch = report.model_copy(update={"cases": (diagnose_case("case", [result]),)})
            render(batch, OutputFormat.TEXT, details=True)
        except Exception as exc:  # noqa: BLE001 - what the test reports
            failed.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}")
    return failed


# --- wevtutil text: a line inside a record that is not `Label: value` ----------------------------

_NOT_LABELS = ["X", "Log Name System", "Lo\x1bg Name: System", "Log Na\x07me: System",
               "Log Na]me: System", "\x1b]8;;http://x\x1b\\: link", ": no label"]


def _wevtutil_cases() -> Iterator[tuple[str, bytes]]:
    fixture = (FIXTURES / "events" / "wevtutil-text" / "schannel-36885.txt").read_text(
        encoding="utf-8-sig")
    lines = fixture.splitlines()
    for line in _NOT_LABELS:
        for where in (1, len(lines) - 1):  # first line of the first record, near the end
            for newline in ("\n", "\r\n"):
                text = newline.join([*lines[:where], "  " + line, *lines[where:]]) + newline
                yield f"{line!r} at line {where + 1} ({newline!r})", text.encode()
        yield f"{line!r} alone", f"Event[0]:\n  {line}\n".encode()


def test_a_wevtutil_record_line_that_is_not_a_label() -> None:
    assert _crashes(_wevtutil_cases()) == []


# --- rich markup from the input, in any event field, in every export shape -----------------------

_MARKUP = ["[/bold]", "[bold]x", "[link=http://x]y[/link]"]
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ][\d:.]+Z?|\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d(:\d\d)?"
                   r"( [AP]M)?")
_COMPUTER = re.compile(r"(Computer\s*[:>=]\s*\"?)([\w.-]+)")


def _event_fixtures() -> list[Path]:
    return sorted(p for p in (FIXTURES / "events").rglob("*")
                  if p.suffix in (".txt", ".xml", ".csv") and p.parent.name != "damaged")


def _markup_cases() -> Iterator[tuple[str, bytes]]:
    for path in _event_fixtures():
        text = path.read_bytes().decode("utf-8-sig", "replace")
        for token in _MARKUP:
            if (time := _TIME.search(text)) is not None:
                yield (f"{path.name} time+{token}",
                       (text[:time.end()] + token + text[time.end():]).encode())
            if (computer := _COMPUTER.search(text)) is not None:
                yield (f"{path.name} computer+{token}",
                       (text[:computer.end()] + token + text[computer.end():]).encode())


def test_rich_markup_in_an_event_field() -> None:
    assert _crashes(_markup_cases()) == []


# --- the list of known crashes stays in step with these tests ------------------------------------


def test_every_known_crash_names_a_regression_test_that_is_still_an_xfail() -> None:
    with (ROOT / "fuzz" / "known_crashes.toml").open("rb") as handle:
        known = tomllib.load(handle).get("crash", [])
    here = Path(__file__).read_text(encoding="utf-8")
    for entry in known:
        path, _, name = entry["test"].partition("::")
        assert (ROOT / path).resolve() == Path(__file__).resolve(), entry
        at = here.index(f"def {name}(")
        assert "@pytest.mark.xfail(strict=True" in here[here.rindex("\n\n\n", 0, at):at], entry
