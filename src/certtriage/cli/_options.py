"""The options several commands share, spelt once: values checked with the framework's
wording, completed on Tab, with their defaults said in the help text."""

from __future__ import annotations

from typing import Annotated

import typer

from . import _help
from ._output import Color

FORMATS = ("text", "json", "jsonl", "csv", "markdown", "html")
_INFO_FORMATS = ("text", "json")
_COLORS = tuple(c.value for c in Color)

FormatOption = Annotated[str, typer.Option(
    "--format", "-f", metavar="FORMAT", callback=_help.choice(FORMATS),
    autocompletion=_help.completer(FORMATS), show_default=False,
    help="text (the default), json, jsonl, csv, markdown or html.")]
InfoFormatOption = Annotated[str, typer.Option(
    "--format", "-f", metavar="FORMAT", callback=_help.choice(_INFO_FORMATS),
    autocompletion=_help.completer(_INFO_FORMATS), show_default=False,
    help="text (the default) or json.")]
OutputOption = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE", show_default=False,
    help="Write the report to FILE instead of standard output.")]
FailOnOption = Annotated[str, typer.Option(
    metavar="LEVEL", callback=_help.choice(("error", "warning")),
    autocompletion=_help.completer(("error", "warning")), show_default=False,
    help="error (the default) or warning: the lowest finding severity that makes the exit "
    "code 1.")]
ColorOption = Annotated[str, typer.Option(
    "--color", "--colour", metavar="WHEN", callback=_help.choice(_COLORS),
    autocompletion=_help.completer(_COLORS), show_default=False,
    help="auto (the default), always or never. auto: on a terminal, unless NO_COLOR is set; "
    "FORCE_COLOR turns it on into a pipe (less -R).")]
BriefOption = Annotated[bool, typer.Option(
    "--brief", "-b", help="Text: only the first fix and the summary line.")]
NoModelOption = Annotated[bool, typer.Option(
    "--no-model", help="JSON: leave out the parsed model of each input.")]
RedactOption = Annotated[bool, typer.Option(
    "--redact", help="Replace names, hosts and mail addresses from the input with pseudonyms "
    "(name-1, host-2 ...).")]
