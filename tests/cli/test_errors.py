"""Every problem is one line on stderr with a reason a user can act on, and the documented
exit code; nothing about it is repeated on stdout; no traceback, no pydantic wording."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certtriage.cli import Exit

from ..conftest import FIXTURES
from ..helpers.cli import certtriage

PASS = FIXTURES / "certutil/pass/three-element-client-auth-urlfetch.txt"
SCREENSHOT = "a screenshot ({}): certtriage reads text; ask for the output saved to a file"
#: The first bytes of each kind of picture a ticket carries instead of text.
PICTURES = {
    "PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\x00",
    "JPEG image": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00",
    "GIF image": b"GIF89a\x80\x02\xe0\x01\xf7\x00\x00",
    "BMP image": b"BM6\x10\x0e\x00\x00\x00\x00\x006\x00\x00\x00(\x00\x00\x00" + b"\x00" * 16,
    "WebP image": b"RIFF\x24\x10\x00\x00WEBPVP8 \x18\x10\x00\x00",
    "TIFF image": b"II*\x00\x08\x00\x00\x00\x0e\x00",
}


def _one_line(err: str, *needles: str) -> None:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("certtriage: ") and "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize("kind", sorted(PICTURES))
@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_screenshot_is_named_as_one(tmp_path: Path, kind: str, where: str) -> None:
    data = PICTURES[kind] + os.urandom(2000)
    if where == "file":
        shot = tmp_path / "screenshot.img"
        shot.write_bytes(data)
        ran = certtriage("analyze", str(shot))
    else:
        ran = certtriage("analyze", stdin=data)
    assert ran.code == Exit.UNRECOGNIZED and ran.out == ""
    _one_line(ran.err, SCREENSHOT.format(kind))


def test_a_pdf_is_named_as_one(tmp_path: Path) -> None:
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + os.urandom(500))
    ran = certtriage("analyze", str(pdf))
    _one_line(ran.err, "ticket.pdf: a PDF document: certtriage reads text")


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file (0 bytes)"),
    (b"\r\n  \r\n\t\r\n", "only blank lines, nothing to read"),
    (b"\xff\xfe\r\x00\n\x00", "only blank lines, nothing to read"),
    (bytes(range(256)) * 20, "binary data, not text"),
])
def test_empty_blank_and_binary_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "attachment.txt"
    path.write_bytes(content)
    ran = certtriage("analyze", str(path))
    assert ran.code == Exit.UNRECOGNIZED and ran.out == ""
    _one_line(ran.err, f"{path}: {reason}")


@pytest.mark.parametrize(("stdin", "reason"), [
    (b"", "<stdin>: nothing was pasted (standard input is empty)"),
    (b"\r\n\r\n", "<stdin>: only blank lines, nothing to read"),
    (b"\x1a\r\n", "<stdin>: nothing was pasted (standard input is empty)"),
])
def test_empty_standard_input(stdin: bytes, reason: str) -> None:
    ran = certtriage("analyze", stdin=stdin)
    assert ran.code == Exit.UNRECOGNIZED and ran.out == ""
    _one_line(ran.err, reason)


def test_text_of_another_kind_is_unrecognised(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Meeting notes: nothing to see here.\n")
    ran = certtriage("analyze", str(notes))
    _one_line(ran.err, "notes.txt: not certutil output")


def test_a_file_over_the_limit_is_said_in_human_sizes(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage import pipeline

    monkeypatch.setattr(pipeline, "MAX_TEXT_BYTES", 3 * 1024 * 1024)
    big = tmp_path / "big.txt"
    big.write_bytes(PASS.read_bytes() * (3 * 1024 * 1024 // len(PASS.read_bytes()) + 20))
    ran = certtriage("analyze", str(big))
    assert ran.code == Exit.UNRECOGNIZED
    size = big.stat().st_size / 1024 / 1024
    _one_line(ran.err, f"big.txt: {size:.1f} MiB is more than the 3 MiB certtriage reads")


@pytest.mark.parametrize(("size", "said"), [(0, "0 bytes"), (1023, "1023 bytes"),
                                            (1024, "1 KiB"), (1536, "1.5 KiB"),
                                            (32 * 1024**2, "32 MiB"), (4 * 1024**3, "4 GiB")])
def test_human_sizes(size: int, said: str) -> None:
    from certtriage.text.decode import human_size as human

    assert human(size) == said


def test_missing_and_unreadable_files_are_reported_once_and_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import io
    import os

    locked = tmp_path / "noperm.txt"
    locked.write_bytes(PASS.read_bytes())
    real_open = io.open

    def deny(file: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if isinstance(file, str | os.PathLike) and os.fspath(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    # as root no file is unreadable: every way of opening it is refused instead
    monkeypatch.setattr(builtins, "open", deny)
    monkeypatch.setattr(io, "open", deny)
    missing = tmp_path / "missing.txt"
    ran = certtriage("analyze", str(missing), str(locked), str(PASS))
    assert ran.code == Exit.OK  # the readable input passed; the others are reported
    lines = ran.err.splitlines()
    assert lines == [f"certtriage: {missing}: No such file or directory",
                     f"certtriage: {locked}: Permission denied"]
    assert "missing.txt" not in ran.out and "noperm.txt" not in ran.out
    assert ran.lines[-1].startswith("PASS") or ran.lines[-1].endswith("The chain validates")


def test_a_folder_given_to_analyze(tmp_path: Path) -> None:
    ran = certtriage("analyze", str(tmp_path))
    assert ran.code == Exit.UNRECOGNIZED and ran.out == ""
    _one_line(ran.err, "is a folder (batch reads folders; analyze reads files)")


def test_json_keeps_the_unread_inputs_with_the_clear_reason(tmp_path: Path) -> None:
    shot = tmp_path / "s.png"
    shot.write_bytes(PICTURES["PNG image"])
    ran = certtriage("analyze", "-f", "json", str(shot), str(PASS))
    import json

    first = json.loads(ran.out)["inputs"][0]
    assert first["status"] == "unrecognized" and first["error"].startswith("a screenshot")


def test_a_missing_path_in_batch_is_a_usage_error(tmp_path: Path) -> None:
    ran = certtriage("batch", "-q", str(tmp_path / "nosuchdir"), str(tmp_path / "other"))
    assert ran.code == Exit.USAGE and ran.out == ""
    assert ran.err.splitlines() == [f"certtriage: {tmp_path / 'nosuchdir'}: no such file or folder",
                                    f"certtriage: {tmp_path / 'other'}: no such file or folder"]


@pytest.mark.parametrize("args", [["rules", "XYZ999"], ["explain", "banana"],
                                  ["rules", "no-such-cause"], ["explain", "0xdeadbeef"]])
def test_unknown_names_share_one_exit_code(args: list[str]) -> None:
    ran = certtriage(*args)
    assert ran.code == Exit.UNRECOGNIZED and ran.out == ""
    _one_line(ran.err, repr(args[1]))


@pytest.mark.parametrize(("args", "message"), [
    (["analyze", "--format", "nonsense", "x"],
     "Invalid value for '--format' / '-f': 'nonsense' is not one of 'text', 'json', 'jsonl', "
     "'csv', 'markdown', 'html'."),
    (["batch", "-j", "0", "x"], "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1."),
    (["batch", "-j", "many", "x"], "Invalid value for '--jobs' / '-j': 'many' is not a valid "
     "integer."),
    (["analyze", "--color", "sometimes"], "Invalid value for '--color' / '--colour': "
     "'sometimes' is not one of 'auto', 'always', 'never'."),
    (["analyze", "--fail-on", "info"], "'info' is not one of 'error', 'warning'."),
    (["rules", "-f", "yaml"], "'yaml' is not one of 'text', 'json'."),
    (["analyze", "--bogus"], "No such option: --bogus"),
    (["explain"], "Missing argument"),
    (["batch"], "Missing argument"),
])
def test_option_errors_in_the_frameworks_words(args: list[str], message: str) -> None:
    ran = certtriage(*args)
    assert ran.code == Exit.USAGE and ran.out == ""
    _one_line(ran.err, message)
    assert "Value error" not in ran.err and "Input should be" not in ran.err


def test_a_file_name_given_as_a_command_is_pointed_to_analyze() -> None:
    ran = certtriage(str(PASS))
    assert ran.code == Exit.USAGE
    _one_line(ran.err, f"No such command '{PASS}'.", f"certtriage analyze {PASS}")


def test_an_unwritable_report_destination(tmp_path: Path) -> None:
    ran = certtriage("analyze", "-o", str(tmp_path / "no" / "such" / "r.txt"), str(PASS))
    assert ran.code == Exit.USAGE
    _one_line(ran.err, "cannot write the report")


def _piped(args: list[str], lines: int) -> tuple[int, str]:
    """Run certtriage into a reader that stops after `lines` lines (`| head -n`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    proc = subprocess.Popen([sys.executable, "-m", "certtriage", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    for _ in range(lines):
        proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), err


@pytest.mark.parametrize(("args", "code"), [
    (["rules"], 0), (["explain", "36885"], 0),
    (["analyze", str(FIXTURES / "evtx/system-schannel.evtx")], 1),
])
def test_a_closed_pipe_ends_quietly(args: list[str], code: int) -> None:
    returncode, err = _piped(args, 1)
    assert err == "" and returncode == code  # rules/explain: 0; analyze keeps its verdict
