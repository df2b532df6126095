"""Only regular files are read, and every read is bounded while reading: links, devices, fifos
and sockets are reported, also when they appear in a file's place after the folder was walked."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from certtriage.acquire import AcquireError, Limits, Source, _folder, iter_sources

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="fifos and sockets: POSIX")


@pytest.fixture(autouse=True)
def never_block() -> Iterator[None]:
    """Opening a fifo for reading blocks until a writer comes: fail instead of hanging."""
    def expired(*_: object) -> None:
        raise TimeoutError("blocked on a read")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


DEFAULT = Limits()


def run(*paths: Path | str, limits: Limits = DEFAULT) -> list[Source]:
    return list(iter_sources([str(p) for p in paths], limits))


def test_every_kind_of_special_entry_in_a_folder_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "ticket"
    root.mkdir()
    (root / "real.txt").write_text("real")
    os.mkfifo(root / "pipe")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(root / "sock"))
    except OSError:
        pytest.skip("no unix sockets here")
    (root / "to-zero").symlink_to("/dev/zero")
    (root / "to-pipe").symlink_to(root / "pipe")

    try:
        sources = run(root)
    finally:
        server.close()

    assert [(s.origin.removeprefix(f"{root}/"), s.skipped) for s in sources] == [
        ("pipe", "not a regular file (fifo)"), ("real.txt", None),
        ("sock", "not a regular file (socket)"), ("to-pipe", "symbolic link"),
        ("to-zero", "symbolic link")]


@pytest.mark.parametrize("path", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_a_device_given_as_an_argument_is_refused(path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"no {path}")

    [src] = run(path)

    assert src.skipped == "not a regular file or folder (device)"


def test_a_link_to_a_fifo_given_as_an_argument_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(tmp_path / "pipe")

    [src] = run(tmp_path / "link")

    assert src.skipped == "not a regular file or folder (fifo)"


def test_a_fifo_that_takes_a_files_place_after_the_walk_does_not_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ticket"
    root.mkdir()
    os.mkfifo(root / "was-a-file.txt")
    real_inspect = _folder._inspect
    monkeypatch.setattr(_folder, "_inspect", lambda path: ("file", 10) if os.path.basename(
        path).startswith("was-") else real_inspect(path))  # the walk saw a regular file there

    [src] = run(root)

    assert src.skipped == "not a regular file (fifo)"


@pytest.mark.parametrize("replacement", ["fifo", "link"])
def test_a_file_replaced_before_it_is_loaded_is_refused(tmp_path: Path, replacement: str) -> None:
    root = tmp_path / "ticket"
    root.mkdir()
    target = root / "verify.txt"
    target.write_text("certutil output")
    [src] = run(root)
    target.unlink()
    if replacement == "fifo":
        os.mkfifo(target)
    else:
        (tmp_path / "elsewhere.txt").write_text("outside the folder")
        target.symlink_to(tmp_path / "elsewhere.txt")

    with pytest.raises(AcquireError) as caught:
        src.load()

    assert "fifo" in str(caught.value) if replacement == "fifo" else "symbolic" in str(
        caught.value).lower()


def test_a_read_is_bounded_while_reading_not_only_by_the_size_on_disk() -> None:
    status = Path("/proc/self/status")  # a regular file whose size on disk says 0
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("no /proc here")

    [src] = run(status, limits=Limits(max_memory_bytes=64))

    assert src.skipped is None and src.size == 0
    with pytest.raises(AcquireError, match="more than the 64 bytes held in memory"):
        src.load()
