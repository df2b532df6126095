"""The command line: analyze, batch, rules, explain, completion. It holds no diagnosis; it
reads inputs, calls the library, and writes what it returns.

Every problem is one line on standard error (`certtriage: <what>: <problem>`), never a
traceback and never repeated on standard output; option errors use the framework's wording;
a reader that closes the pipe early (`| head`) ends the run quietly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .._version import __version__
from . import _help
from ._analyze import Exit, combined, emit, read_inputs
from ._analyze import err as _err
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
    from ..models.findings import Report

app = typer.Typer(
    name="certtriage", help=_help.APP, epilog=_help.APP_EPILOG, no_args_is_help=True,
    add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _command(short_help: str, **settings: Any) -> Callable[[Callable[..., None]],
                                                             Callable[..., None]]:
    """A command of the app, with the help layout of `_help.Command`."""
    return app.command(cls=_help.Command, short_help=short_help, **settings)


def _fail(message: str, code: Exit = Exit.USAGE) -> NoReturn:
    _err(message)
    raise typer.Exit(int(code))


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
        "--details", help="Text: the full report, with the events of a log that are not "
        "about certificates listed by provider and id.")] = False,
    fail_on: FailOnOption = "error",
    color: ColorOption = "auto",
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Diagnose pasted or saved evidence: certutil -verify [-urlfetch] output, event logs
    (EVTX or text), IIS configuration and logs, certificate files and store listings."""
    _emit(combined(read_inputs(paths)), fmt, output, no_model=no_model, fail_on=fail_on,
          brief=brief, details=details, color=color, redacted=redacted, show_unread=False)


def _emit(full: Report, fmt: str, output: str | None, *, no_model: bool, fail_on: str,
          color: str, details: bool = False, brief: bool = False,
          redacted: bool = False, show_unread: bool | None = None) -> NoReturn:
    """Render the report to the chosen output and exit with the documented code."""
    raise typer.Exit(emit(full, fmt, output, no_model=no_model, fail_on=fail_on, color=color,
                          details=details, brief=brief, redacted=redacted,
                          show_unread=show_unread))


@_command("Every file of folders and archives, one verdict per case.",
          epilog=_help.BATCH_EPILOG)
def batch(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Folders and archives (.zip, .tar, .tar.gz, .tgz, .eml, .msg, .docx); each one is "
             "a case.")],
    *,
    fmt: FormatOption = "text",
    output: OutputOption = None,
    jobs: Annotated[str | None, typer.Option(
        "--jobs", "-j", metavar="N", callback=_help.positive, show_default=False,
        help="Processes that analyse inputs, this one among them (default: the number of "
        "cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    brief: Annotated[bool, typer.Option(
        "--brief", "-b", help="Text: only the summary line of each case.")] = False,
    details: Annotated[bool, typer.Option(
        "--details", help="Text: every input's full diagnosis too.")] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", callback=_help.seconds, show_default=False,
        help="Time budget per input (default: 60; 0: none). An input that takes longer is "
        "reported as timed out and the run goes on.")] = 60.0,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS", show_default=False,
        help="Run on a Dask cluster: tcp://HOST:PORT, or local for one on this machine "
        "(needs certtriage[dask]).")] = None,
    fail_on: FailOnOption = "error",
    color: ColorOption = "auto",
    no_model: NoModelOption = False,
    redacted: RedactOption = False,
) -> None:
    """Sweep support attachments: every file of every folder or archive, one verdict per
    case."""
    from ._batch import run_batch
    from ._main import own_process

    raise typer.Exit(run_batch(
        paths, fmt=fmt, output=output, jobs=jobs, quiet=quiet, brief=brief, details=details,
        timeout=timeout, scheduler=scheduler, fail_on=fail_on, color=color,
        no_model=no_model, redacted=redacted, own=own_process(ctx)))


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
    _write_info(rule_page(chosen[0], book.sources[chosen[0].code], **shown._asdict()))


# Unknown options are taken as the argument, so `explain -2146885613` works without `--`.
@_command("Explain a code, flag, 403.x, event, alert or setting.",
          epilog=_help.EXPLAIN_EPILOG, context_settings={"ignore_unknown_options": True})
def explain(
    query: Annotated[list[str], typer.Argument(
        metavar="CODE", show_default=False,
        help="An error code in any spelling (0x80092013, 80092013, -2146885613, 2148081683, "
        "certutil's '0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)', the symbol), a "
        "WinHTTP / Win32 code (12007), a CERT_TRUST flag, an IIS sub-status (403.13), an "
        "event id (36885), a TLS alert (40, handshake_failure), a browser's client-certificate "
        "error (ERR_BAD_SSL_CLIENT_AUTH_CERT), a setting, a rule or a cause.")],
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

    _write_info(explanation(found, **look(Color(color))._asdict()))


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
