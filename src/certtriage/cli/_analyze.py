"""What `analyze` does once its arguments are read, shared by the full command line and the
lean entry (`_lean`): read each input, say on standard error which were not read, render the
report and give the exit code. Neither typer nor rich is imported here."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models.findings import InputResult, Report


class Exit(int, Enum):
    """Exit codes (the table in `--help` and the README)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNRECOGNIZED = 3
    INCONCLUSIVE = 4


def err(message: str) -> None:
    """One line on standard error (see `_output.error_line`)."""
    from ._output import error_line

    error_line(message)


def exit_code(report: Report, fail_on: str) -> Exit:
    """The exit code is the report's verdict (never a count of findings): fail 1, inconclusive
    4, pass 0; 3 when nothing was recognised. `--fail-on warning` makes a warning a failure."""
    recognised = [r for r in report.inputs if r.verdict is not None]
    warned = any(f.severity == "warning" for r in recognised for f in r.findings)
    return exit_for(report.verdict, recognised=bool(recognised), warned=warned,
                    fail_on=fail_on)


def exit_for(verdict: str, *, recognised: bool, warned: bool, fail_on: str) -> Exit:
    """`exit_code` from a tally: the verdict, whether any input was recognised, whether a
    recognised input had a warning."""
    if not recognised:
        return Exit.UNRECOGNIZED
    if verdict == "fail" or (fail_on == "warning" and warned):
        return Exit.FINDINGS
    return Exit.INCONCLUSIVE if verdict == "inconclusive" else Exit.OK


def read_inputs(paths: list[str] | None) -> list[InputResult]:
    """The result of each path (standard input for none or `-`); the inputs that were not
    read are named on standard error."""
    from ..errors import InputTooLarge
    from ..models.findings import InputResult
    from ..pipeline import analyze_bytes, analyze_path
    from ._inputs import STDIN, read_stdin

    results: list[InputResult] = []
    for path in paths or ["-"]:
        if path != "-":
            results.append(analyze_path(path))
            continue
        try:
            results.append(analyze_bytes(read_stdin(), STDIN))
        except InputTooLarge as exc:
            results.append(InputResult(source=STDIN, kind="unknown", status="error",
                                       error=exc.problem))
    for result in results:
        if result.verdict is None:
            err(f"{result.source}: {result.error or result.status}")
    return results


def combined(results: list[InputResult]) -> Report:
    """The report of `analyze`: with several inputs read, they are one case (diagnosed as a
    batch case is: linked by certificate, with a timeline and validity at the time of the
    evidence), named after the folder they share (else `the inputs given`)."""
    import os

    from ..pipeline import report

    full = report(results)
    if sum(r.status in ("parsed", "partial") for r in results) < 2:
        return full
    from ..case import diagnose_case

    sources = [r.source for r in results]
    try:
        shared = os.path.commonpath([os.path.dirname(s) or "." for s in sources])
    except ValueError:  # absolute and relative paths mixed
        shared = ""
    named = shared not in ("", ".", os.sep) and "<" not in "".join(sources)
    name = shared if named else "the inputs given"
    inputs = [r.model_copy(update={"case": name}) for r in results]
    return full.model_copy(update={"inputs": tuple(inputs),
                                   "cases": (diagnose_case(name, inputs),)})


def emit(full: Report, fmt: str, output: str | None, *, no_model: bool, fail_on: str,
         color: str, details: bool = False, brief: bool = False, redacted: bool = False,
         show_unread: bool | None = None) -> int:
    """Render the report to the chosen output; the documented exit code. Inputs that were not
    read are listed in the report when `show_unread` (by default: when it has cases)."""
    from ..render import OutputFormat, render
    from ._output import Color, look, write, write_file

    shown = look(Color(color), to_file=output is not None)
    text = render(full, OutputFormat(fmt), include_model=not no_model, width=shown.width,
                  details=details, brief=brief, color=shown.color, links=shown.links,
                  unicode=shown.unicode,
                  show_unread=bool(full.cases) if show_unread is None else show_unread)
    if redacted:
        from ..redact import redact

        text = redact(text, full)
    code = exit_code(full, fail_on)
    if output is not None:
        try:
            write_file(output, text)
        except OSError as exc:
            err(f"{output}: cannot write the report: {exc.strerror or exc}")
            return int(Exit.USAGE)
    else:
        write(text)
    return int(code)
