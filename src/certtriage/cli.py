"""The command line: analyze, batch, rules, explain. It holds no logic; it calls the library."""

from __future__ import annotations

import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from . import __version__
from .errors import CerttriageError
from .render import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Callable

    from .models.findings import Report

app = typer.Typer(
    name="certtriage",
    help="Reads the evidence of a failed client-certificate login (certutil output, Schannel "
    "and CAPI2 events, IIS configuration and logs) and names the root cause, the IIS 403.x it "
    "produces and the fix.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


class Exit(int, Enum):
    """Exit codes (documented in the README)."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNRECOGNIZED = 3
    INCONCLUSIVE = 4


class InfoFormat(str, Enum):
    """--format of rules / explain."""

    text = "text"
    json = "json"


class FailOn(str, Enum):
    """--fail-on."""

    error = "error"
    warning = "warning"


# Options that analyze and batch share, spelt once.
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]
FailOnOption = Annotated[
    FailOn, typer.Option(help="Lowest finding severity that makes the exit code 1.")]
NoModelOption = Annotated[
    bool, typer.Option("--no-model", help="JSON: leave out the parsed model of each input.")]
RedactOption = Annotated[
    bool, typer.Option("--redact", help="Replace names, hosts and mail addresses from the "
                       "input with pseudonyms (name-1, host-2 ...).")]


def _err(message: str) -> None:
    print(f"certtriage: {message}", file=sys.stderr)


def _fail(message: str, code: Exit = Exit.USAGE) -> NoReturn:
    _err(message)
    raise typer.Exit(int(code))


def _read_stdin() -> bytes:
    if sys.stdin is None:
        return b""
    if sys.stdin.isatty():
        eof = "Ctrl-Z then Enter" if os.name == "nt" else "Ctrl-D"
        print(f"Paste the certutil output, then press {eof} on an empty line.", file=sys.stderr)
    return sys.stdin.buffer.read()


def _exit_code(report: Report, fail_on: FailOn) -> Exit:
    recognised = [r for r in report.inputs if r.verdict is not None]
    threshold = {"error"} if fail_on is FailOn.error else {"error", "warning"}
    if any(f.severity in threshold for r in recognised for f in r.findings):
        return Exit.FINDINGS
    if not recognised:
        return Exit.UNRECOGNIZED
    if any(r.verdict == "inconclusive" for r in recognised):
        return Exit.INCONCLUSIVE
    return Exit.OK


@app.command()
def analyze(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to read; none or '-' reads standard input.",
                       show_default=False),
    ] = None,
    *,
    fmt: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
    fail_on: FailOnOption = FailOn.error,
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Diagnose pasted or saved evidence: certutil -verify [-urlfetch] output, event logs
    (EVTX or text), IIS configuration and logs, certificate files and store listings."""
    from .pipeline import analyze_bytes, analyze_path, report

    results = []
    for path in paths or [Path("-")]:
        if str(path) == "-":
            results.append(analyze_bytes(_read_stdin(), "<stdin>"))
        else:
            results.append(analyze_path(path))
    for result in results:
        if result.status in ("error", "unrecognized"):
            _err(f"{result.source}: {result.error}")
    full = report(results)
    _emit(full, fmt, output, no_model=no_model, fail_on=fail_on, redacted=redacted)


def _emit(full: Report, fmt: OutputFormat, output: Path | None, *, no_model: bool,
          fail_on: FailOn, details: bool = False, redacted: bool = False) -> NoReturn:
    """Render the report to the chosen output and exit with the documented code."""
    from .render import render

    to_terminal = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if to_terminal else None
    text = render(full, fmt, include_model=not no_model, width=width,
                  details=details, color=to_terminal and "NO_COLOR" not in os.environ)
    if redacted:
        from .redact import redact

        text = redact(text, full)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write: {exc.strerror}")
    else:
        sys.stdout.write(text)
    raise typer.Exit(int(_exit_code(full, fail_on)))


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Folders and archives (.zip, .tar, "
                                                ".tar.gz, .tgz); each one is a case.")],
    *,
    fmt: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1,
                                    help="Worker processes (default: the number of cores).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="Text: print every input's full diagnosis.")
    ] = False,
    fail_on: FailOnOption = FailOn.error,
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Sweep support attachments: every file of every folder or archive, one verdict per case."""
    from .batch import batch as run
    from .batch import default_jobs

    show = not quiet and sys.stderr.isatty()
    if show:
        full = _with_progress(run, paths, jobs or default_jobs())
    else:
        full = run(paths, jobs=jobs or default_jobs())
    _emit(full, fmt, output, no_model=no_model, fail_on=fail_on, details=details,
          redacted=redacted)


def _with_progress(run: Callable[..., Report], paths: list[Path], jobs: int) -> Report:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}", style="dim"), console=console,
                  transient=True) as bar:
        task = bar.add_task("files", total=None, current="listing inputs ...")

        def update(done: int, total: int, origin: str) -> None:
            bar.update(task, completed=done, total=total, current=origin[-60:])

        def records(origin: str, count: int) -> None:
            bar.update(task, current=f"{origin[-48:]}: {count} records")

        return run(paths, jobs=jobs, progress=update, records=records)


@app.command()
def rules(
    code: Annotated[str | None, typer.Argument(help="A rule code or name to show.")] = None,
    *,
    fmt: Annotated[InfoFormat, typer.Option("--format", "-f", help="Output format.")] = (
        InfoFormat.text),
) -> None:
    """List the knowledge-base rules, or show one."""
    import json

    from .engine import rulebook

    book = rulebook()
    chosen = list(book.rules)
    if code is not None:
        rule = book.get(code)
        if rule is None:
            _fail(f"no rule {code!r}; `certtriage rules` lists them")
        chosen = [rule]
    if fmt is InfoFormat.json:
        data = [r.model_dump(mode="json") for r in chosen]
        sys.stdout.write(json.dumps(data if code is None else data[0], indent=2) + "\n")
        return
    from .render.info import print_rule, print_rule_table

    if code is None:
        print_rule_table(chosen)
    else:
        print_rule(chosen[0], book.sources[chosen[0].code])


# Unknown options are taken as the argument, so `explain -2146885613` works without `--`.
@app.command(context_settings={"ignore_unknown_options": True})
def explain(
    code: Annotated[str, typer.Argument(help="0x80092013, -2146885613, 2148081683, "
                                        "CRYPT_E_REVOCATION_OFFLINE, 12007, a CERT_TRUST_* "
                                        "flag, 403.13, a setting such as CertCheckMode or "
                                        "SendTrustedIssuerList, a rule code or a cause id.")],
    *,
    fmt: Annotated[InfoFormat, typer.Option("--format", "-f", help="Output format.")] = (
        InfoFormat.text),
) -> None:
    """Explain an error code, trust flag, IIS sub-status, setting, rule or cause."""
    from .engine import rulebook
    from .knowledge.explain import explain as run

    found = run(code, rulebook())
    if found.kind == "unknown":
        _fail(f"{code!r} is not a code, flag, sub-status, setting, rule or cause certtriage knows",
              Exit.UNRECOGNIZED)
    if fmt is InfoFormat.json:
        sys.stdout.write(found.model_dump_json(indent=2) + "\n")
        return
    from .render.info import print_explanation

    print_explanation(found)


def _version(value: bool) -> None:
    if value:
        print(f"certtriage {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
) -> None:
    """certtriage."""


def _click_exceptions() -> tuple[type[Exception], ...]:
    """Usage-error types: typer ships its own copy of click in newer releases."""
    import importlib

    found = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(name).ClickException)
        except ImportError:
            continue
    return tuple(found)


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err("aborted")
        sys.exit(int(Exit.USAGE))
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except CerttriageError as exc:  # the one hierarchy: a located one-line message
        _err(exc.one_line())
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        if isinstance(exc, _click_exceptions()):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(int(Exit.USAGE))
        _err(f"internal error: {type(exc).__name__}: {exc}")
        sys.exit(int(Exit.USAGE))
    sys.exit(code if isinstance(code, int) else 0)
