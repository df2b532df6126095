"""What `--help` says beyond the options: examples and the exit codes; and option values
checked with the command-line framework's own wording (`Invalid value for '--format' / '-f':
'yaml' is not one of 'text', 'json', ...`).

Help paragraphs that start with a `\\b` line keep their line breaks, so examples and the
exit-code table are never re-wrapped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand

EXIT_CODES = """\b
Exit codes:
  0  nothing wrong: every input read passed (warnings count only with
     --fail-on warning)
  1  fail: a failure is established (or a warning, with --fail-on warning)
  2  bad usage, a report that cannot be written, or an internal error
  3  nothing recognised: no input could be read or was in a format
     certtriage knows; for rules and explain: an unknown name or code
  4  inconclusive: the evidence decides nothing
  130  interrupted by Ctrl-C (SIGINT); 143 stopped by SIGTERM (a report
       named with -o is left as it was)"""

APP = """Reads the evidence of a failed client-certificate login on IIS / HTTP.sys (certutil
output, Schannel and CAPI2 events, IIS configuration and logs, certificate files) and names
the root cause, the IIS 403.x it produces, the chain element and URL at fault, and the fix."""

APP_EPILOG = f"""\b
Examples:
  certtriage analyze                      paste, then Ctrl-D (Windows: Ctrl-Z
                                          then Enter)
  certtriage analyze verify.txt           saved certutil -verify -urlfetch
  certtriage analyze System.evtx ev.txt   event logs, any export shape
  certtriage batch ticket-4711 case.zip   every file of folders and archives
  certtriage explain 0x80092013           a code, flag, 403.x, event or alert
  certtriage rules | findstr crl          the knowledge base (grep on Linux)
  certtriage --install-completion         tab completion for this shell

{EXIT_CODES}"""

ANALYZE_EPILOG = f"""\b
Examples:
  certtriage analyze                    paste, then Ctrl-D (Windows: Ctrl-Z
                                        then Enter)
  certtriage analyze verify.txt --brief the summary line and the first fix
  certtriage analyze -f markdown v.txt  for a ticket
  certtriage analyze -f json -o report.json a.txt b.txt
  Get-Clipboard | certtriage analyze    PowerShell: what was copied

{EXIT_CODES}"""

BATCH_EPILOG = f"""\b
Examples:
  certtriage batch ticket-4711 bundle.zip
  certtriage batch -f html -o report.html cases/*.zip
  certtriage batch --details ticket-4711   every file's full diagnosis

{EXIT_CODES}"""

RULES_EPILOG = """\b
Examples:
  certtriage rules              one line per rule: code, cause, severity,
                                403.x, title
  certtriage rules | grep crl   PowerShell: certtriage rules | sls crl
  certtriage rules REV001       why, fix, references, what it matches
  certtriage rules revoked -f json"""

EXPLAIN_EPILOG = """\b
Examples:
  certtriage explain 0x80092013      also 80092013, -2146885613, 2148081683
  certtriage explain 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)
  certtriage explain CRYPT_E_REVOCATION_OFFLINE
  certtriage explain 12007           a WinHTTP / Win32 code
  certtriage explain IS_OFFLINE_REVOCATION
  certtriage explain 403.13          also "403 13" as IIS logs write it
  certtriage explain 36885           a Schannel (or HTTP, crypt32) event id
  certtriage explain 40              a TLS alert; also handshake_failure
  certtriage explain SendTrustedIssuerList
  certtriage explain REV001"""


def choice(values: Sequence[str]) -> Callable[[str | None], str | None]:
    """An option callback that accepts one of `values` (any case)."""
    allowed = tuple(values)

    def check(value: str | None) -> str | None:
        if value is None:
            return None
        if value.lower() in allowed:
            return value.lower()
        listed = ", ".join(repr(v) for v in allowed)
        raise typer.BadParameter(f"{value!r} is not one of {listed}.")

    return check


def positive(value: str | None) -> str | None:
    """An option callback that accepts a whole number of at least 1."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a valid integer.") from None
    if number < 1:
        raise typer.BadParameter(f"{number} is not in the range x>=1.")
    return value


def seconds(value: float) -> float:
    """An option callback that accepts a number of seconds, 0 or more."""
    if value < 0:
        raise typer.BadParameter(f"{value:g} is not 0 or more seconds.")
    return value


def completer(values: Sequence[str]) -> Callable[[str], list[str]]:
    """Tab completion of an option's values."""
    return lambda incomplete: [v for v in values if v.startswith(incomplete.lower())]


class Command(TyperCommand):
    """A command whose help lists its arguments by name and purpose, without type labels."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The Arguments section (name, help) and the Options section (no types)."""
        args, opts = [], []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if param.param_type_name == "argument":
                args.append((_argument(param), getattr(param, "help", None) or ""))
            elif (record := param.get_help_record(ctx)) is not None:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] [FILE]...`: arguments by their names."""
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [_argument(p) for p in self.get_params(ctx)
                         if p.param_type_name == "argument"]


def _argument(param: Any) -> str:
    """`PATH...`, `[FILE]...` or `[CODE]`: an argument as usage lines name it."""
    name = param.metavar or (param.name or "").upper()
    if not param.required:
        name = f"[{name}]"
    return name + ("..." if param.nargs == -1 else "")
