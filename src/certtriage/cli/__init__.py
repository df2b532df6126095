"""The command line: analyze, batch, rules, explain, completion. It holds no diagnosis; it
reads inputs, calls the library, and writes what it returns.

Every problem is one line on standard error (`certtriage: <what>: <problem>`), never a
traceback and never repeated on standard output; option errors use the framework's wording;
a reader that closes the pipe early (`| head`) ends the run quietly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .._version import __version__
from . import _help
from ._options import (
    BriefOption,
    ColorOption,
    FailOnOption,
    FormatOption,
    InfoFormatOption,
    NoModelOption,
    OutputOption,
    RedactOption,
)
from ._output import Color

if TYPE_CHECKING:
    from ..models.findings import InputResult, Report

app = typer.Typer(
    name="certtriage", help=_help.APP, epilog=_help.APP_EPILOG, no_args_is_help=True,
    add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class Exit(int, Enum):
    """Exit codes (the table in `--help` and the README)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNRECOGNIZED = 3
    INCONCLUSIVE = 4


def _command(short_help: str, **settings: Any) -> Callable[[Callable[..., None]],
                                                             Callable[..., None]]:
    """A command of the app, with the help layout of `_help.Command`."""
    return app.command(cls=_help.Command, short_help=short_help, **settings)


def _err(message: str) -> None:
    """One line on standard error (see `_output.error_line`)."""
    from ._output import error_line

    error_line(message)


def _fail(message: str, code: Exit = Exit.USAGE) -> NoReturn:
    _err(message)
    raise typer.Exit(int(code))


def _exit_code(report: Report, fail_on: str) -> Exit:
    """The exit code is the report's verdict (never a count of findings): fail 1, inconclusive
    4, pass 0; 3 when nothing was recognised. `--fail-on warning` makes a warning a failure."""
    recognised = [r for r in report.inputs if r.verdict is not None]
    if not recognised:
        return Exit.UNRECOGNIZED
    warned = fail_on == "warning" and any(
        f.severity == "warning" for r in recognised for f in r.findings)
    if report.verdict == "fail" or warned:
        return Exit.FINDINGS
    return Exit.INCONCLUSIVE if report.verdict == "inconclusive" else Exit.OK


@_command("Diagnose pasted or saved evidence (certutil, events, IIS).",
          epilog=_help.ANALYZE_EPILOG)
def analyze(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="FILE", show_default=False,
        help="Files to read; none, or -, reads standard input.")] = None,
    *,
    fmt: FormatOption = "text",
    output: OutputOption = None,
    brief: BriefOption = False,
    details: Annotated[bool, typer.Option(
        "--details", help="Text: the full report (the default).")] = False,
    fail_on: FailOnOption = "error",
    color: ColorOption = "auto",
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Diagnose pasted or saved evidence: certutil -verify [-urlfetch] output, event logs
    (EVTX or text), IIS configuration and logs, certificate files and store listings."""
    from ..errors import InputTooLarge
    from ..pipeline import report
    from ._inputs import STDIN, read_stdin

    results: list[InputResult] = []
    for path in paths or ["-"]:
        if path != "-":
            results.append(_analyze_path(path))
            continue
        try:
            results.append(_analyze_bytes(read_stdin(), STDIN))
        except InputTooLarge as exc:
            results.append(InputResult(source=STDIN, kind="unknown", status="error",
                                       error=exc.problem))
    for result in results:
        if result.verdict is None:
            _err(f"{result.source}: {result.error or result.status}")
    _emit(report(results), fmt, output, no_model=no_model, fail_on=fail_on, brief=brief,
          color=color, redacted=redacted)


def _analyze_bytes(data: bytes, source: str) -> InputResult:
    from ..pipeline import analyze_bytes

    return analyze_bytes(data, source)


def _analyze_path(path: str) -> InputResult:
    from ..pipeline import analyze_path

    return analyze_path(path)


def _emit(full: Report, fmt: str, output: str | None, *, no_model: bool, fail_on: str,
          color: str, details: bool = False, brief: bool = False,
          redacted: bool = False) -> NoReturn:
    """Render the report to the chosen output and exit with the documented code."""
    from ..render import OutputFormat, render
    from ._output import look, write, write_file

    shown = look(Color(color), to_file=output is not None)
    text = render(full, OutputFormat(fmt), include_model=not no_model, width=shown.width,
                  details=details, brief=brief, color=shown.color, links=shown.links,
                  unicode=shown.unicode, show_unread=bool(full.cases))
    if redacted:
        from ..redact import redact

        text = redact(text, full)
    code = _exit_code(full, fail_on)
    if output is not None:
        try:
            write_file(output, text)
        except OSError as exc:
            _fail(f"{output}: cannot write the report: {exc.strerror or exc}")
    else:
        write(text)
    raise typer.Exit(int(code))


@_command("Every file of folders and archives, one verdict per case.",
          epilog=_help.BATCH_EPILOG)
def batch(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Folders and archives (.zip, .tar, .tar.gz, .tgz); each one is a case.")],
    *,
    fmt: FormatOption = "text",
    output: OutputOption = None,
    jobs: Annotated[str | None, typer.Option(
        "--jobs", "-j", metavar="N", callback=_help.positive, show_default=False,
        help="Worker processes (default: the number of cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    brief: Annotated[bool, typer.Option(
        "--brief", "-b", help="Text: only the summary line of each case.")] = False,
    details: Annotated[bool, typer.Option(
        "--details", help="Text: every input's full diagnosis too.")] = False,
    fail_on: FailOnOption = "error",
    color: ColorOption = "auto",
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Sweep support attachments: every file of every folder or archive, one verdict per
    case."""
    missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
    for path in missing:
        _err(f"{path}: no such file or folder")
    if missing:
        raise typer.Exit(int(Exit.USAGE))
    from ..batch import batch as run
    from ..batch import default_jobs

    workers = int(jobs) if jobs else default_jobs()
    if not quiet and sys.stderr.isatty():
        from ._progress import with_progress

        full = with_progress(run, paths, workers)
    else:
        full = run(paths, jobs=workers)
    _emit(full, fmt, output, no_model=no_model, fail_on=fail_on, details=details,
          brief=brief, color=color, redacted=redacted)


@_command("List the knowledge-base rules, or show one.",
          epilog=_help.RULES_EPILOG)
def rules(
    code: Annotated[str | None, typer.Argument(
        metavar="CODE", show_default=False, help="A rule code or name to show.")] = None,
    *,
    fmt: InfoFormatOption = "text",
    color: ColorOption = "auto",
) -> None:
    """List the knowledge-base rules (one line each), or show one."""
    import json

    from ..engine import rulebook

    book = rulebook()
    chosen = list(book.rules)
    if code is not None:
        rule = book.get(code)
        if rule is None:
            _fail(f"no rule {code!r}; `certtriage rules` lists them", Exit.UNRECOGNIZED)
        chosen = [rule]
    if fmt == "json":
        data = [r.model_dump(mode="json") for r in chosen]
        _write_info(json.dumps(data if code is None else data[0], indent=2) + "\n")
    from ..render.info import rule_page, rule_table
    from ._output import look

    shown = look(Color(color))
    if code is None:
        _write_info(rule_table(chosen, color=shown.color))
    _write_info(rule_page(chosen[0], book.sources[chosen[0].code], **vars(shown)))


# Unknown options are taken as the argument, so `explain -2146885613` works without `--`.
@_command("Explain a code, flag, 403.x, event, alert or setting.",
          epilog=_help.EXPLAIN_EPILOG, context_settings={"ignore_unknown_options": True})
def explain(
    query: Annotated[list[str], typer.Argument(
        metavar="CODE", show_default=False,
        help="An error code in any spelling (0x80092013, 80092013, -2146885613, 2148081683, "
        "certutil's '0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)', the symbol), a "
        "WinHTTP / Win32 code (12007), a CERT_TRUST flag, an IIS sub-status (403.13), an "
        "event id (36885), a TLS alert (40, handshake_failure), a setting, a rule or a "
        "cause.")],
    *,
    fmt: InfoFormatOption = "text",
    color: ColorOption = "auto",
) -> None:
    """Explain an error code, trust flag, IIS sub-status, event, TLS alert, setting, rule or
    cause."""
    from ..engine import rulebook
    from ..knowledge.explain import explain as run

    text = " ".join(query)
    found = run(text, rulebook())
    if found.kind == "unknown":
        _fail(f"{text!r} is not a code, flag, sub-status, event, alert, setting, rule or cause "
              "certtriage knows", Exit.UNRECOGNIZED)
    if fmt == "json":
        _write_info(found.model_dump_json(indent=2) + "\n")
    from ..render.info import explanation
    from ._output import look

    _write_info(explanation(found, **vars(look(Color(color)))))


def _write_info(text: str) -> NoReturn:
    """Write the output of rules / explain and end with 0 (also when the pipe was closed)."""
    from ._output import write

    write(text)
    raise typer.Exit(0)


@_command("Print or install the tab-completion script.",
          epilog="\b\nExamples:\n  certtriage completion bash >> ~/.bashrc\n"
             "  certtriage completion powershell >> $PROFILE")
def completion(
    shell: Annotated[str, typer.Argument(
        metavar="SHELL", callback=_help.choice(("bash", "zsh", "fish", "powershell", "pwsh")),
        autocompletion=_help.completer(("bash", "zsh", "fish", "powershell", "pwsh")),
        help="bash, zsh, fish, powershell or pwsh.")],
    install: Annotated[bool, typer.Option(
        "--install", help="Add it to the shell's start-up files instead of printing it.")
    ] = False,
) -> None:
    """Print the tab-completion script for a shell (or install it)."""
    _completion_script(shell, install)


def _completion_script(shell: str | None, install: bool) -> NoReturn:
    from . import _completion as comp
    from ._output import write

    if shell is None:
        _fail("cannot tell which shell this is; use `certtriage completion SHELL` with bash, "
              "zsh, fish or powershell")
    if install:
        path = comp.install(shell)
        print(f"{shell} completion installed in {path}; it takes effect in a new shell",
              file=sys.stderr)
    else:
        write(comp.script(shell) + "\n")
    raise typer.Exit(0)


def _version(value: bool) -> None:
    if value:
        from ._output import write

        write(f"certtriage {__version__}\n")
        raise typer.Exit(0)


def _show_completion(value: bool) -> None:
    if value:
        from ._completion import detect_shell

        _completion_script(detect_shell(), install=False)


def _install_completion(value: bool) -> None:
    if value:
        from ._completion import detect_shell

        _completion_script(detect_shell(), install=True)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version and exit.")] = False,
    install_completion: Annotated[bool, typer.Option(
        "--install-completion", callback=_install_completion, is_eager=True,
        help="Install tab completion for the current shell (bash, zsh, fish, PowerShell).")
    ] = False,
    show_completion: Annotated[bool, typer.Option(
        "--show-completion", callback=_show_completion, is_eager=True,
        help="Print the tab-completion script for the current shell.")] = False,
) -> None:
    """certtriage."""


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    from ._main import run

    sys.exit(run(app))
