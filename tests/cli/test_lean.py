"""The lean entry of `analyze` and `batch` answers exactly as the full command line does.

`certtriage analyze` and `certtriage batch` with plain arguments run without the typer app.
Over generated argument lists (every option of the command in each of its spellings and any
case, in any order, among paths, and standard input for `analyze`) the lean entry takes the
arguments and its exit code, standard output, standard error and report file are the full
command line's; over argument lists with one thing the lean entry does not read, it declines
and the full command line answers.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certtriage.cli._lean import read_args

from ..conftest import FIXTURES
from ..helpers.cli import certtriage

PASTE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
PATHS = [str(PASTE), str(FIXTURES / "certutil/pass/delta-crl-ok.txt"), "-",
         str(FIXTURES / "certutil/expected.json"), "no-such-file.txt"]

#: (spellings, values; None for a flag)
OPTIONS: list[tuple[list[str], list[str] | None]] = [
    (["--format", "-f"], ["text", "json", "JSON", "jsonl", "csv", "markdown", "Html"]),
    (["--brief", "-b"], None),
    (["--details"], None),
    (["--fail-on"], ["error", "warning", "WARNING"]),
    (["--color", "--colour"], ["auto", "always", "never", "Never"]),
    (["--no-model"], None),
    (["--redact"], None),
]


@st.composite
def _option(draw: st.DrawFn, options: list[tuple[list[str], list[str] | None]] = OPTIONS
            ) -> list[str]:
    """One option of `options` in one of its spellings, with one of its values."""
    spellings, values = draw(st.sampled_from(options))
    name = draw(st.sampled_from(spellings))
    if values is None:
        return [name]
    value = draw(st.sampled_from(values))
    if name.startswith("--") and draw(st.booleans()):
        return [f"{name}={value}"]
    return [name, value]


ARGS = st.lists(st.one_of(_option(), st.sampled_from(PATHS).map(lambda p: [p])), max_size=5)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ARGS)
def test_lean_entry_answers_as_the_full_command_line(parts: list[list[str]]) -> None:
    args = ["analyze", *(a for part in parts for a in part)]
    assert read_args(args) is not None
    stdin = PASTE.read_bytes()
    assert certtriage(*args, stdin=stdin, lean=True) == certtriage(*args, stdin=stdin)


def test_report_file_is_the_same(tmp_path: Path) -> None:
    lean, full = tmp_path / "lean.json", tmp_path / "full.json"
    a = certtriage("analyze", "-f", "json", "-o", str(lean), str(PASTE), lean=True)
    b = certtriage("analyze", "-f", "json", "--output", str(full), str(PASTE))
    assert (a.code, a.out, a.err) == (b.code, b.out, b.err)
    assert lean.read_text() == full.read_text()
    unwritable = str(tmp_path / "missing" / "r.json")
    assert certtriage("analyze", "-o", unwritable, str(PASTE), lean=True) == certtriage(
        "analyze", "-o", unwritable, str(PASTE))


#: One thing the lean entry does not read, put anywhere among good arguments.
DECLINED = ["--help", "-h", "--bogus", "-x", "--", "--format=xml", "-f", "--brief=yes",
            "--fail-on", "--color=sometimes", "--version", "-bf", "--format=", "-fjson"]


@SETTINGS
@given(ARGS, st.sampled_from(DECLINED), st.integers(min_value=0, max_value=10))
def test_anything_else_goes_to_the_full_command_line(parts: list[list[str]], odd: str,
                                                     where: int) -> None:
    args = [a for part in parts for a in part]
    args.insert(min(where, len(args)), odd)
    assert read_args(["analyze", *args]) is None


def test_other_commands_go_to_the_full_command_line() -> None:
    for args in (["rules"], ["explain", "0x80092013"], [], ["--version"], ["Analyze"],
                 ["Batch", "."], ["batch"], ["batch", "-q"]):
        assert read_args(args) is None


# ---- batch ---------------------------------------------------------------------------------
CASES = [str(FIXTURES / "cases/expired-before-403-17"), str(FIXTURES / "certutil/crl-warning"),
         str(FIXTURES / "events/csv"), "no-such-folder"]

BATCH_OPTIONS: list[tuple[list[str], list[str] | None]] = [
    *OPTIONS,
    (["--jobs", "-j"], ["1", "01", "2"]),
    (["--quiet", "-q"], None),
    (["--timeout"], ["0", "30", "2.5", "060"]),
]


BATCH_ARGS = st.tuples(st.sampled_from(CASES), st.lists(
    st.one_of(_option(BATCH_OPTIONS), st.sampled_from(CASES).map(lambda p: [p])), max_size=4))


@SETTINGS
@given(BATCH_ARGS)
def test_lean_batch_answers_as_the_full_command_line(drawn: tuple[str, list[list[str]]]
                                                     ) -> None:
    first, parts = drawn
    args = ["batch", *(a for part in parts for a in part), first]
    assert read_args(args) is not None
    assert certtriage(*args, lean=True) == certtriage(*args)


def test_batch_report_file_is_the_same(tmp_path: Path) -> None:
    for fmt in ("jsonl", "html"):
        lean, full = tmp_path / f"lean.{fmt}", tmp_path / f"full.{fmt}"
        a = certtriage("batch", "-f", fmt, "-o", str(lean), CASES[0], CASES[1], lean=True)
        b = certtriage("batch", "-f", fmt, "--output", str(full), CASES[0], CASES[1])
        assert (a.code, a.out, a.err) == (b.code, b.out, b.err)
        assert lean.read_bytes() == full.read_bytes()
    unwritable = str(tmp_path / "missing" / "r.jsonl")
    assert certtriage("batch", "-f", "jsonl", "-o", unwritable, CASES[0], lean=True) == (
        certtriage("batch", "-f", "jsonl", "-o", unwritable, CASES[0]))


def test_lean_batch_reads_each_option_of_its_kind() -> None:
    read = read_args(["batch", "-j", "3", "--timeout=1.5", "--scheduler", "tcp://h:8786",
                      "-q", "x"])
    assert read is not None
    command, paths, options = read
    assert (command, paths) == ("batch", ["x"])
    assert (options["jobs"], options["timeout"], options["scheduler"], options["quiet"]) == (
        "3", "1.5", "tcp://h:8786", True)


#: One thing the lean entry does not read in a batch's arguments, put anywhere among good ones.
BATCH_DECLINED = ["-", "--jobs=0", "-j", "--jobs=x", "--jobs=\u0663", "--jobs=+2", "--jobs=2.0",
                  "--timeout=-1", "--timeout=1e3", "--timeout=.5", "--timeout=inf",
                  "--timeout=", "--quiet=yes", "-qj", "--help", "--", "--bogus"]


@SETTINGS
@given(BATCH_ARGS, st.sampled_from(BATCH_DECLINED), st.integers(min_value=0, max_value=10))
def test_anything_else_in_a_batch_goes_to_the_full_command_line(
        drawn: tuple[str, list[list[str]]], odd: str, where: int) -> None:
    first, parts = drawn
    args = [*(a for part in parts for a in part), first]
    args.insert(min(where, len(args)), odd)
    assert read_args(["batch", *args]) is None


def test_a_batch_declined_is_left_to_the_full_command_line() -> None:
    """The lean entry runs nothing it declines (so the console script builds the app, which
    answers in its own wording)."""
    from certtriage.cli._lean import run

    assert run(["batch", "--jobs=0", CASES[0]]) is None
    ran = certtriage("batch", "--jobs=0", CASES[0])
    assert ran.code == 2 and "--jobs" in ran.err and ran.out == ""


def test_a_paste_read_whole_loads_none_of_the_heavy_modules(tmp_path: Path) -> None:
    """What keeps a paste's start-up short, held as the modules it loads (not as a time): no
    typer, rich or lark, no ticket reader when the paste is read whole, no event-log view
    and no HTML entity table for a certutil paste in plain text, no expression of the event
    mention reader compiled, no package metadata reader (pydantic's plugin loader, with
    plugins off), and no TOML parser once the rulebook is in the cache (the second run)."""
    import os
    import subprocess
    import sys

    probe = ("import runpy, sys\nsys.argv = ['certtriage', 'analyze']\n"
             "try:\n    runpy.run_module('certtriage', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "from certtriage.knowledge.catalog import _mentions\n"
             "print(_mentions._patterns.cache_info().currsize, file=sys.stderr)\n"
             "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    env = {**os.environ, "CERTTRIAGE_CACHE_DIR": str(tmp_path)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    heavy = {"typer", "rich", "lark", "certtriage.parsers.ticket.mentions", "click",
             "certtriage.render.logview", "html", "importlib.metadata"}
    for cached in (False, True):
        ran = subprocess.run([sys.executable, "-c", probe], input=PASTE.read_bytes(),
                             capture_output=True, check=False, env=env)
        compiled, modules = ran.stderr.decode().splitlines()[-2:]
        loaded = set(modules.split())
        assert b"ROOT CAUSE cdp-unreachable" in ran.stdout
        assert compiled == "0"
        assert not heavy & loaded, sorted(heavy & loaded)
        assert cached is ("tomllib" not in loaded)
