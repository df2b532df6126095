"""Pasting as users do: from Windows Terminal and the classic console (CRLF, Ctrl-Z Enter),
files saved by `>` redirection in Windows PowerShell (UTF-16), and a real terminal where the
summary must be on the last screen after a paste."""

from __future__ import annotations

import json
import math
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from certtriage import analyze_path, report
from certtriage.render.term import cells
from certtriage.render.view import build

from ..conftest import FIXTURES
from ..helpers.cli import ANSI, certtriage

VERIFY = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
EVENT = FIXTURES / "events/copy-details/schannel-36885.txt"


def _windows_shapes(text: str) -> dict[str, bytes]:
    """The bytes a Windows user's paste or saved file arrives as."""
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return {
        "Windows Terminal (CRLF)": crlf.encode(),
        "classic console, Ctrl-Z Enter": crlf.encode() + b"\x1a\r\n",
        "Ctrl-Z at the end of the last line": crlf.rstrip("\r\n").encode() + b"\x1a\r\n",
        "PowerShell 5.1 > file (UTF-16 LE, BOM)": b"\xff\xfe" + crlf.encode("utf-16-le"),
        "UTF-16 without BOM, Ctrl-Z": (crlf + "\x1a\r\n").encode("utf-16-le"),
        "cmd > file, code page 1252": crlf.encode("cp1252", "replace"),
    }


@pytest.mark.parametrize("fixture", [VERIFY, EVENT], ids=lambda p: p.name)
@pytest.mark.parametrize("shape", sorted(_windows_shapes("x")))
@pytest.mark.parametrize("via", ["stdin", "file"])
def test_windows_pastes_read_like_the_original(fixture: Path, shape: str, via: str,
                                               tmp_path: Path) -> None:
    if via == "file" and "Ctrl-Z" in shape:
        pytest.skip("Ctrl-Z ends a console paste, not a file")
    data = _windows_shapes(fixture.read_text(encoding="utf-8"))[shape]
    expected = json.loads(certtriage("analyze", "-f", "json", "--no-model", str(fixture)).out)
    if via == "stdin":
        ran = certtriage("analyze", "-f", "json", "--no-model", stdin=data)
    else:
        saved = tmp_path / "saved.txt"
        saved.write_bytes(data)
        ran = certtriage("analyze", "-f", "json", "--no-model", str(saved))
    got = json.loads(ran.out)["inputs"][0]
    want = expected["inputs"][0]
    for key in ("kind", "status", "verdict", "root_causes", "iis_substatus", "hresults"):
        assert got[key] == want[key], key
    assert got["warnings"] == [], got["warnings"]


def _screen_rows(output: str, columns: int) -> list[str]:
    """The rows a terminal of `columns` shows for `output` (ANSI removed, long lines wrapped)."""
    rows = []
    for line in ANSI.sub("", output).replace("\r", "").split("\n"):
        width = cells(line)
        count = max(1, math.ceil(width / columns))
        rows.extend(line[i * columns:(i + 1) * columns] for i in range(count))
    return rows


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed: the program ended
            break
        if not chunk:
            break
        out += chunk
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_after_a_paste_the_summary_is_on_the_last_screen() -> None:
    import fcntl
    import pty
    import struct
    import termios

    rows, columns = 24, 80
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([sys.executable, "-m", "certtriage", "analyze"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        output = b""
        while b"Paste the certutil output or the event text" not in output:
            more = _drain(master, 0.5)
            assert more or proc.poll() is None, output
            output += more
        paste = VERIFY.read_bytes().replace(b"\n", b"\r")
        for start in range(0, len(paste), 256):  # as a terminal sends a paste: in bursts
            os.write(master, paste[start:start + 256])
            output += _drain(master, 0.02)
        os.write(master, b"\x04")  # Ctrl-D on the empty line after the last one
        output += _drain(master, 60)
        assert proc.wait(timeout=60) == 1
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    text = output.decode("utf-8", "replace")
    summary = build(report([analyze_path(VERIFY)])).inputs[0].summary
    screen = _screen_rows(text, columns)
    while screen and not screen[-1].strip():
        screen.pop()
    last = screen[-(rows - 1):]  # the cursor waits on the row below
    assert "".join(last).endswith(summary.rstrip())
    assert summary.replace(" ", "") in "".join(last).replace(" ", "")
    lines = ANSI.sub("", text).replace("\r", "").split("\n")
    pasted_end = max(n for n, line in enumerate(lines) if "CertUtil: -verify command" in line)
    report_start = next(n for n, line in enumerate(lines) if line.startswith("─── certtriage"))
    assert report_start == pasted_end + 1  # the rule separates the paste from the report
    assert "\x1b[" in text  # a terminal gets colour


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_paste_shows_the_summary_above_the_prompt(tmp_path: Path) -> None:
    session = f"certtriage-{os.getpid()}"
    tmux = ["tmux", "-L", session, "-f", os.devnull]
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "80", "-y", "40",
                    "bash --norc --noprofile"], env=env, check=True, timeout=30)
    try:
        def screen(joined: bool = False) -> str:
            flags = ["-p", "-J"] if joined else ["-p"]
            return subprocess.run([*tmux, "capture-pane", *flags, "-t", session],
                                  capture_output=True, text=True, timeout=30).stdout

        def wait_for(pattern: str) -> None:
            end = time.monotonic() + 60
            while not re.search(pattern, screen(), re.MULTILINE):
                assert time.monotonic() < end, screen()
                time.sleep(0.2)

        subprocess.run([*tmux, "send-keys", "-t", session,
                        f"{sys.executable} -m certtriage analyze", "Enter"], check=True)
        wait_for("Paste the certutil output")
        subprocess.run([*tmux, "load-buffer", str(VERIFY)], check=True)
        subprocess.run([*tmux, "paste-buffer", "-t", session], check=True)
        subprocess.run([*tmux, "send-keys", "-t", session, "C-d"], check=True)
        prompt = r"^(?:\$|bash-[\d.]+[#$]) ?$"
        wait_for(prompt)
        visible = [line.rstrip() for line in screen(joined=True).splitlines()]
        while visible and not visible[-1]:
            visible.pop()
        summary = build(report([analyze_path(VERIFY)])).inputs[0].summary
        assert re.match(prompt, visible[-1]) and visible[-2] == summary
    finally:
        subprocess.run([*tmux, "kill-server"], timeout=30)
