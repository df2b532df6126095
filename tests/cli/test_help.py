"""Help without type labels, with examples and the exit codes; the version; shell completion
for bash, zsh, fish and PowerShell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from certtriage import __version__
from certtriage.cli import Exit

from ..helpers.cli import certtriage

COMMANDS = ["analyze", "batch", "rules", "explain", "completion"]
#: What a type label looks like in help (`<bool>`, `<list[Path]>`, `<int range> [x>=1]`).
TYPE_LABEL = re.compile(r"<[a-z][\w\[\] |]*>|\[x[<>]=|\{[A-Z]+\}")


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
@pytest.mark.parametrize("columns", ["80", "200"])
def test_help_has_no_type_labels_and_no_trailing_spaces(command: list[str], columns: str) -> None:
    ran = certtriage(*command, "--help", env={"COLUMNS": columns})
    assert ran.code == 0 and ran.err == ""
    assert TYPE_LABEL.search(ran.out) is None, TYPE_LABEL.search(ran.out)
    assert [line for line in ran.lines if line != line.rstrip()] == []
    assert all(len(line) <= 100 for line in ran.lines)


@pytest.mark.parametrize("command", [[], ["analyze"], ["batch"]])
def test_help_shows_examples_and_every_exit_code(command: list[str]) -> None:
    out = certtriage(*command, "--help").out
    assert "Examples:" in out and "Exit codes:" in out
    table = out[out.index("Exit codes:"):]
    for code in Exit:
        assert re.search(rf"^\s+{int(code)}  \S", table, re.MULTILINE), code


def test_the_format_list_is_whole_in_help() -> None:
    out = certtriage("analyze", "--help", env={"COLUMNS": "80"}).out
    assert "text (the default), json, jsonl, csv, markdown or" in out
    assert "-f, --format FORMAT" in out and "--color, --colour WHEN" in out


def test_no_arguments_prints_the_help() -> None:
    ran = certtriage()
    assert ran.code == 0 and ran.out.startswith("Usage: certtriage [OPTIONS] COMMAND")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    ran = certtriage(flag)
    assert ran.code == 0 and ran.out == f"certtriage {__version__}\n"


#: What each shell's script must hold to call certtriage back for completions.
SHELL_MARKS = {"bash": "complete -o default -F _certtriage_completion certtriage",
               "zsh": "compdef _certtriage_completion certtriage",
               "fish": "complete --command certtriage",
               "powershell": "Register-ArgumentCompleter -Native -CommandName certtriage",
               "pwsh": "Register-ArgumentCompleter -Native -CommandName certtriage"}


@pytest.mark.parametrize("shell", sorted(SHELL_MARKS))
def test_completion_script_for_each_shell(shell: str) -> None:
    ran = certtriage("completion", shell)
    assert ran.code == 0
    assert SHELL_MARKS[shell] in ran.out and "_CERTTRIAGE_COMPLETE" in ran.out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_show_completion_uses_the_current_shell(shell: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.cli import _completion

    monkeypatch.setattr(_completion, "detect_shell", lambda: shell)
    ran = certtriage("--show-completion")
    assert ran.code == 0 and SHELL_MARKS[shell] in ran.out


def test_shell_guessed_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import shellingham

    from certtriage.cli._completion import detect_shell

    def fail() -> None:
        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr(shellingham, "detect_shell", fail)
    monkeypatch.setenv("SHELL", "/usr/bin/fish")
    assert detect_shell() == "fish"
    monkeypatch.setenv("SHELL", "")
    monkeypatch.setenv("PSModulePath", r"C:\Program Files\PowerShell\Modules")
    assert detect_shell() in ("pwsh", "powershell")
    monkeypatch.delenv("PSModulePath")
    assert detect_shell() is None
    from certtriage.cli import _completion

    monkeypatch.setattr(_completion, "detect_shell", lambda: None)
    ran = certtriage("--show-completion")
    assert ran.code == Exit.USAGE and "certtriage completion SHELL" in ran.err


def test_install_completion_for_bash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.cli import _completion

    monkeypatch.setattr(_completion, "detect_shell", lambda: "bash")
    monkeypatch.setenv("HOME", str(tmp_path))
    ran = certtriage("--install-completion", env={"HOME": str(tmp_path)})
    assert ran.code == 0 and "bash completion installed" in ran.err
    script = tmp_path / ".bash_completions" / "certtriage.sh"
    assert SHELL_MARKS["bash"] in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def _complete(env: dict[str, str]) -> str:
    full = {**os.environ, **env, "_CERTTRIAGE_COMPLETE": env["_CERTTRIAGE_COMPLETE"]}
    proc = subprocess.run([sys.executable, "-c", "from certtriage.cli import main; main()"],
                          env=full, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_scripts_get_answers() -> None:
    bash = _complete({"_CERTTRIAGE_COMPLETE": "complete_bash", "COMP_WORDS": "certtriage ana",
                      "COMP_CWORD": "1"})
    assert bash.split() == ["analyze"]
    formats = _complete({"_CERTTRIAGE_COMPLETE": "complete_bash",
                         "COMP_WORDS": "certtriage analyze --format j", "COMP_CWORD": "3"})
    assert formats.split() == ["json", "jsonl"]
    pwsh = _complete({"_CERTTRIAGE_COMPLETE": "complete_powershell",
                      "_TYPER_COMPLETE_ARGS": "certtriage ex",
                      "_TYPER_COMPLETE_WORD_TO_COMPLETE": "ex"})
    assert pwsh.startswith("explain:::")
