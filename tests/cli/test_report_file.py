"""`-o FILE` replaces a report in one step and never loses the previous one; any path can be
named; names with control characters never reach the terminal raw."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
from pathlib import Path

import pytest

from certtriage.cli import Exit
from certtriage.render import OutputFormat

from ..conftest import FIXTURES
from ..helpers.cli import certtriage

FAIL = FIXTURES / "certutil/revocation-offline/leaf-cdp-ldap-and-http-failed-older-format.txt"
PREVIOUS = "the previous report, which must survive\n"
FORMATS = [f.value for f in OutputFormat]


def _one_process(command: str) -> tuple[str, ...]:
    """The command, run in this process (worker pipes would meet the patched `os.write`)."""
    return (command, "-j", "1") if command == "batch" else (command,)


def _full_disk(after: int):  # type: ignore[no-untyped-def]
    """An `os.write` that writes `after` bytes to a report file, then finds the disk full."""
    real = os.write
    written = {"bytes": 0}

    def write(fd: int, data: bytes) -> int:
        if fd <= 2:
            return real(fd, data)
        if written["bytes"] >= after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        count = real(fd, bytes(data)[:max(after - written["bytes"], 1)])
        written["bytes"] += count
        return count

    return write


@pytest.mark.parametrize("command", ["analyze", "batch"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("after", [0, 100])
def test_a_full_disk_leaves_the_previous_report_untouched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, after: int,
        command: str) -> None:
    target = tmp_path / f"report.{fmt}"
    target.write_text(PREVIOUS)
    monkeypatch.setattr(os, "write", _full_disk(after))
    ran = certtriage(*_one_process(command), "-f", fmt, "-o", str(target), str(FAIL))
    monkeypatch.undo()
    assert ran.code == Exit.USAGE, ran.err
    assert ran.err.count("\n") == 1 and "Traceback" not in ran.err
    assert f"{target}: cannot write the report: No space left on device" in ran.err
    assert target.read_text() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left


@pytest.mark.parametrize("command", ["analyze", "batch"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_replaces_the_previous_one_whole_and_keeps_its_permissions(
        tmp_path: Path, fmt: str, command: str) -> None:
    target = tmp_path / "report.out"
    target.write_text(PREVIOUS)
    target.chmod(0o640)
    ran = certtriage(*_one_process(command), "-f", fmt, "-o", str(target), str(FAIL))
    assert ran.code == Exit.FINDINGS, ran.err
    assert ran.out == "" and PREVIOUS not in target.read_text()
    assert "fail" in target.read_text().lower()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_link_to_a_report_is_followed_and_a_device_written_in_place(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text(PREVIOUS)
    (tmp_path / "link.json").symlink_to(real)
    assert certtriage("analyze", "-f", "json", "-o", str(tmp_path / "link.json"),
                      str(FAIL)).code == Exit.FINDINGS
    assert (tmp_path / "link.json").is_symlink()
    assert json.loads(real.read_text())["verdict"] == "fail"
    for command in ("analyze", "batch"):
        assert certtriage(*_one_process(command), "-o", os.devnull, str(FAIL)).code == Exit.FINDINGS
        assert Path(os.devnull).is_char_device()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_can_be_reported_in_every_format(
        tmp_path: Path, fmt: str) -> None:
    name = os.fsdecode(b"ticket-\xff\xfe-\x1b[2J.txt")  # Python keeps the bytes as surrogates
    source = tmp_path / name
    source.write_bytes(FAIL.read_bytes())
    target = tmp_path / os.fsdecode(b"report-\xe9." + fmt.encode())
    ran = certtriage("analyze", "-f", fmt, "-o", str(target), str(source))
    assert ran.code == Exit.FINDINGS, ran.err
    text = target.read_bytes().decode("utf-8")  # a valid UTF-8 report
    assert "\x1b" not in text
    if fmt in ("json", "jsonl"):
        first = json.loads(text.splitlines()[0] if fmt == "jsonl" else text)
        found = first["source"] if fmt == "jsonl" else first["inputs"][0]["source"]
        assert found == str(source)  # JSON keeps the name exactly (as \udcff escapes)
    else:
        assert "ticket-\\xff\\xfe-\\x1b[2J.txt" in text.replace("\\\\", "\\")


def test_names_on_standard_error_show_their_control_characters(tmp_path: Path) -> None:
    ran = certtriage("analyze", str(tmp_path / "no\x1b]0;title\x07such\x9b2J"))
    assert ran.code == Exit.UNRECOGNIZED
    assert "\x1b" not in ran.err and "\x07" not in ran.err and "\x9b" not in ran.err
    assert "no\\x1b]0;title\\x07such\\x9b2J: No such file or directory" in ran.err


def test_an_interrupt_while_the_report_is_written_leaves_the_previous_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage._signals import Interrupted

    target = tmp_path / "report.json"
    target.write_text(PREVIOUS)
    real = os.write

    def interrupted(fd: int, data: bytes) -> int:
        if fd <= 2:
            return real(fd, data)
        raise Interrupted(signal.SIGINT)  # what Ctrl-C raises in the middle of the write

    monkeypatch.setattr(os, "write", interrupted)
    ran = certtriage("analyze", "-f", "json", "-o", str(target), str(FAIL))
    monkeypatch.undo()
    assert ran.code == 130 and ran.err == "certtriage: interrupted by Ctrl-C (SIGINT)\n"
    assert target.read_text() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_report_file_is_written_in_large_pieces_and_a_fifo_as_it_comes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.cli._output import SINK_BUFFER, replacing

    writes: list[int] = []
    real = os.write

    def counted(fd: int, data: bytes) -> int:
        writes.append(len(data))
        return real(fd, data)

    monkeypatch.setattr(os, "write", counted)
    line = "x" * 99 + "\n"
    count = 3 * SINK_BUFFER // len(line)
    with replacing(str(tmp_path / "report.jsonl")) as sink:
        for _ in range(count):
            sink.write(line)
    assert (tmp_path / "report.jsonl").read_text() == line * count
    assert len(writes) <= 4, "a report file is written a buffer at a time"

    fifo = tmp_path / "lines"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with replacing(str(fifo)) as sink:
            for n in range(3):
                sink.write(f"line {n}\n")
                assert os.read(reader, 100) == f"line {n}\n".encode(), \
                    "a reader of a FIFO sees each line as it is written"
    finally:
        os.close(reader)


@pytest.mark.parametrize("refused", [None, errno.EINVAL])
def test_a_spooled_piece_is_copied_whole_by_the_system_or_read_and_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: int | None) -> None:
    """A case's output in its spool goes into the report as it lies (bytes `start` to `end`),
    by `os.sendfile` or, where the system refuses it, read and written."""
    from certtriage.cli._output import Sink
    from certtriage.executors._cases import BLOCK, Spooled

    data = bytes(range(256)) * (BLOCK // 128)  # two blocks
    spool = tmp_path / "spool"
    spool.write_bytes(b"head\n" + data + b"tail")
    if refused is not None:
        def refuse(*_: object) -> int:
            raise OSError(refused, os.strerror(refused))
        monkeypatch.setattr(os, "sendfile", refuse)
    report = tmp_path / "report"
    with spool.open("rb") as source, report.open("wb") as out:
        sink = Sink(out.fileno(), buffer=1 << 16)
        sink.put(b"first\n")
        sink.copy(Spooled(source, 5, 5 + len(data)))
        sink.put(b"last\n")
        sink.flush()
    assert report.read_bytes() == b"first\n" + data + b"last\n"
