"""Large and streamed members go through a private temporary copy (`Source.path`), never held
whole in memory, and the copy is removed after use."""

from __future__ import annotations

import gc
import io
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from certtriage.acquire import AcquireError, Limits, Source, _spill, iter_sources
from certtriage.batch import batch

from ..conftest import FIXTURES

EVTX = FIXTURES / "evtx" / "system-schannel.evtx"
SMALL_MEMORY = Limits(max_memory_bytes=4096)


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def by_name(sources: list[Source]) -> dict[str, Source]:
    return {s.origin.rsplit("!", 1)[-1]: s for s in sources}


def test_an_evtx_member_is_handed_on_as_a_private_temporary_copy(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "logs.zip", {"System.evtx": EVTX.read_bytes(), "a.txt": b"a"})

    sources = by_name(list(iter_sources([archive])))
    evtx, text = sources["System.evtx"], sources["a.txt"]
    copy = evtx.path

    assert copy is not None and copy.read_bytes() == EVTX.read_bytes()
    assert evtx.path == copy  # made once
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert text.path is None and text.load() == b"a"
    assert evtx.load() == EVTX.read_bytes()  # small enough to load as well
    evtx.release()
    assert not copy.exists()
    evtx.release()  # twice is harmless


def test_a_member_larger_than_the_memory_limit_is_only_copied(tmp_path: Path) -> None:
    big = b"x" * 10_000
    archive = make_zip(tmp_path / "big.zip", {"big.log": big, "small.log": b"s" * 100})

    sources = by_name(list(iter_sources([archive], SMALL_MEMORY)))

    assert sources["small.log"].path is None
    assert sources["small.log"].load() == b"s" * 100
    copy = sources["big.log"].path
    assert copy is not None and copy.read_bytes() == big
    with pytest.raises(AcquireError, match="held in memory"):
        sources["big.log"].load()


def test_copies_go_when_their_sources_are_collected(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "logs.zip", {f"{i}.evtx": EVTX.read_bytes() for i in range(3)})

    sources = list(iter_sources([archive]))
    copies = [s.path for s in sources]
    assert all(c is not None and c.exists() for c in copies)
    del sources
    gc.collect()

    assert not any(c is not None and c.exists() for c in copies)


def test_the_private_folder_is_removed_at_exit(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "logs.zip", {"System.evtx": EVTX.read_bytes()})
    script = ("import sys\nfrom certtriage.acquire import iter_sources\n"
              "keep = list(iter_sources([sys.argv[1]]))\n"
              "print(keep[0].path.parent)\n")

    done = subprocess.run([sys.executable, "-c", script, str(archive)], capture_output=True,
                          text=True, check=True)

    folder = Path(done.stdout.strip())
    assert folder.name.startswith("certtriage-") and not folder.exists()


def test_a_large_nested_archive_is_read_from_a_temporary_copy(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("deep.txt", b"d" * 3000)
        zf.writestr("noise.bin", os.urandom(5000))
    archive = make_zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    made: list[Path] = []
    real = _spill.Spill.__init__

    def spy(self: _spill.Spill, write: object) -> None:
        real(self, write)  # type: ignore[arg-type]
        made.append(self.path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_spill.Spill, "__init__", spy)
        sources = by_name(list(iter_sources([archive], Limits(max_memory_bytes=6000))))

    assert len(made) == 1 and made[0].exists()  # the nested zip, not its members
    assert sources["deep.txt"].load() == b"d" * 3000
    del sources
    gc.collect()
    assert not made[0].exists()


def test_when_no_copy_can_be_written_the_reason_is_given_by_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_zip(tmp_path / "logs.zip", {"System.evtx": EVTX.read_bytes(),
                                               "big.log": b"x" * 300_000})

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_spill.tempfile, "mkstemp", full)
    sources = by_name(list(iter_sources([archive], Limits(max_memory_bytes=200_000))))

    assert sources["big.log"].path is None
    with pytest.raises(AcquireError, match="No space left on device"):
        sources["big.log"].load()
    assert sources["System.evtx"].path is None  # small enough: it is loaded instead
    assert sources["System.evtx"].load() == EVTX.read_bytes()


def test_a_damaged_member_gives_no_copy_and_fails_on_load(tmp_path: Path) -> None:
    whole = make_zip(tmp_path / "ok.zip", {"System.evtx": EVTX.read_bytes()})
    with zipfile.ZipFile(whole) as zf:
        middle = 30 + len("System.evtx") + zf.infolist()[0].compress_size // 2
    data = bytearray(whole.read_bytes())
    data[middle] ^= 0xFF
    archive = tmp_path / "crc.zip"
    archive.write_bytes(bytes(data))

    [src] = iter_sources([archive])

    assert src.skipped is None  # the damage is past the first bytes read to recognise it
    assert src.path is None
    with pytest.raises(AcquireError):
        src.load()


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_reads_an_evtx_member_like_the_file_and_leaves_no_copy(tmp_path: Path,
                                                                      jobs: int) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "System.evtx").write_bytes(EVTX.read_bytes())
    archive = make_zip(tmp_path / "zipped.zip", {"System.evtx": EVTX.read_bytes()})
    copies: list[Path] = []
    real = _spill.Spill.__init__

    def spy(self: _spill.Spill, write: object) -> None:
        real(self, write)  # type: ignore[arg-type]
        copies.append(self.path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_spill.Spill, "__init__", spy)
        report = batch([folder, archive], jobs=jobs)

    plain, zipped = report.inputs
    assert zipped.source == f"{archive}!System.evtx"
    assert zipped.status == plain.status and zipped.events == plain.events
    assert [f.rule for f in zipped.findings] == [f.rule for f in plain.findings]
    assert len(copies) == 1 and not copies[0].exists()
