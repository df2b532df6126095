"""Shell completion for bash, zsh, fish and PowerShell.

The scripts call certtriage back with `_CERTTRIAGE_COMPLETE` set, and the command-line
framework answers with the commands, options and values that fit. `--show-completion` prints
the script for the current shell, `--install-completion` adds it to the shell's start-up
files, and `certtriage completion SHELL` prints it for a shell named explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

PROG = "certtriage"
COMPLETE_VAR = "_CERTTRIAGE_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def detect_shell() -> str | None:
    """The shell certtriage runs under: asked of the process tree, else guessed from the
    environment (`SHELL`; PowerShell sets `PSModulePath`)."""
    try:
        import shellingham  # type: ignore[import-untyped]

        name, _ = shellingham.detect_shell()
        if name in SHELLS:
            return str(name)
    except Exception:  # noqa: BLE001 - detection is a convenience; fall back below
        pass
    shell = Path(os.environ.get("SHELL", "")).name
    if shell in SHELLS:
        return shell
    if os.environ.get("PSModulePath"):
        return "pwsh" if os.name != "nt" else "powershell"
    return None


def script(shell: str) -> str:
    """The completion script for `shell`."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell)


def install(shell: str) -> Path:
    """Install the script where `shell` loads it at start-up; the file written."""
    from typer._completion_shared import install as typer_install

    _, path = typer_install(shell=shell, prog_name=PROG, complete_var=COMPLETE_VAR)
    return path
