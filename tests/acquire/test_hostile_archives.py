"""Hostile archives: bombs of every compressed kind, zips that lie, members hidden by their mode,
and budgets that one file must not be able to use up. Each is built here, small and fast
(`hostile.py`), and each test names the limit that has to stop it."""

from __future__ import annotations

import gzip
import io
import shutil
import stat
import struct
import tarfile
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from certtriage.acquire import AcquireError, Limits, Source, iter_sources

from ..conftest import FIXTURES
from . import hostile
from .hostile import MIB

EVIDENCE = FIXTURES / "certutil" / "revoked"


DEFAULT = Limits()


def run(*paths: Path, limits: Limits = DEFAULT) -> list[Source]:
    return list(iter_sources(list(paths), limits))


def by_name(sources: list[Source]) -> dict[str, Source]:
    return {s.origin.rsplit("!", 1)[-1].rsplit("/", 1)[-1]: s for s in sources}


def evidence_file(folder: Path) -> Path:
    """A real certutil output next to the hostile files (what must not be starved)."""
    source = next(EVIDENCE.glob("*.txt"))
    return Path(shutil.copy(source, folder / "zz-verify.txt"))


@pytest.fixture(scope="module")
def overlap_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 140 KB zip of 1,300 overlapping members that inflate to 1.4 GB (built once)."""
    return hostile.overlapping_zip(tmp_path_factory.mktemp("bomb") / "bundle.zip", 1300)


class _Counting:
    """A zlib inflater that adds what it gives out to `_Counting.total`."""

    total = 0

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self._inner.decompress(data, max_length)
        _Counting.total += len(out)
        return out

    def flush(self, *args: int) -> bytes:
        out: bytes = self._inner.flush(*args)
        _Counting.total += len(out)
        return out

    def copy(self) -> _Counting:
        return _Counting(self._inner.copy())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture(autouse=True)
def count_inflation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every zlib inflater counts its output, so a test can say how much a bomb made certtriage
    inflate before a limit stopped it: the work done, in bytes (no clock in a test)."""
    real = zlib.decompressobj
    monkeypatch.setattr(zlib, "decompressobj", lambda *a, **k: _Counting(real(*a, **k)))


def measured(paths: list[Path], limits: Limits = DEFAULT) -> tuple[list[Source], int, int]:
    """The sources of `paths`, the bytes inflated to list them, and the peak of memory."""
    _Counting.total = 0
    tracemalloc.start()
    try:
        sources = list(iter_sources(paths, limits))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return sources, _Counting.total, peak


# --- ratio limits for every compressed kind ----------------------------------------------------


def test_a_tar_gz_of_zeros_is_stopped_by_the_ratio_limit_within_a_few_mib(tmp_path: Path) -> None:
    bomb = hostile.zeros_tar_gz(tmp_path / "logs.tar.gz", {f"{c}.bin": 500 for c in "abcd"})
    assert bomb.stat().st_size < 2.5 * MIB  # 2 GB of zeros inside

    sources, inflated, peak = measured([bomb])

    first, problem = sources
    assert first.origin == f"{bomb}!a.bin" and first.size == 500 * MIB
    assert first.skipped is not None and "(ratio limit" in first.skipped
    assert problem.origin == str(bomb)
    assert problem.skipped is not None and problem.skipped.startswith("tar archive stopped at")
    assert "(ratio limit" in problem.skipped and "the rest is not listed" in problem.skipped
    assert inflated <= 4 * MIB and peak < 40 * MIB, (inflated, peak)  # of 2 GB


def test_a_bomb_behind_well_behaved_data_in_a_tar_gz_is_stopped_too(tmp_path: Path) -> None:
    # 20 MB of text compressing about 8:1 first, so the ratio over the whole stream stays under
    # the limit to the end; the ratio over each stretch of output catches the zeros after it
    text = b"".join(b"%08d Schannel 36887 fatal alert 46 from 10.0.%d.%d\n" % (i, i % 250, i % 7)
                    for i in range(400_000))
    info = tarfile.TarInfo("events.txt")
    info.size = len(text)
    padded = text + bytes(-len(text) % tarfile.BLOCKSIZE)
    bomb = tmp_path / "bomb.tgz"
    hostile.zeros_tar_gz(tmp_path / "zeros.tgz", {"zeros.bin": 400})
    bomb.write_bytes(gzip.compress(info.tobuf(tarfile.GNU_FORMAT) + padded, 1)
                     + (tmp_path / "zeros.tgz").read_bytes())
    assert (len(text) + 400 * MIB) / bomb.stat().st_size < 200  # over the whole: no bomb

    sources = by_name(run(bomb))

    assert sources["events.txt"].skipped is None
    assert sources["events.txt"].load() == text
    assert "(ratio limit" in (sources["zeros.bin"].skipped or "")


def test_a_plain_gz_of_zeros_is_refused_after_a_few_mib(tmp_path: Path) -> None:
    bomb = hostile.zeros_gz(tmp_path / "System.evtx.gz", 2000)

    [src], inflated, peak = measured([bomb])

    assert src.origin == f"{bomb}!System.evtx"
    assert src.skipped is not None and "(ratio limit" in src.skipped
    assert src.skipped.endswith("not read")
    assert inflated <= 4 * MIB and peak < 40 * MIB, (inflated, peak)  # of 2 GB
    with pytest.raises(AcquireError, match="ratio limit"):
        src.load()


@pytest.mark.parametrize("case", ["over the member limit", "over the ratio limit"])
def test_a_gzip_whose_trailer_declares_too_much_is_refused_without_inflating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    from certtriage.acquire import _gzip

    def never(self: object) -> int:
        raise AssertionError("inflated to find out")

    monkeypatch.setattr(_gzip._GzipStream, "measure", never)
    if case == "over the member limit":
        text = b"".join(b"%d CAPI2 11 chain building failed\n" % i for i in range(80_000))
        archive, limits = tmp_path / "capi2.txt.gz", Limits(max_member_bytes=MIB)
        archive.write_bytes(gzip.compress(text))
        expected = (f"{len(text):,} bytes uncompressed (its gzip trailer says) is more than the "
                    f"{MIB:,} read per member (member limit)")
    else:
        archive, limits = tmp_path / "zeros.gz", DEFAULT
        archive.write_bytes(gzip.compress(bytes(64 * MIB)))
        expected = "(ratio limit; a compression bomb?); not read"

    [src] = run(archive, limits=limits)

    assert src.skipped is not None and expected in src.skipped


def test_a_gzip_that_compresses_like_text_is_read(tmp_path: Path) -> None:
    text = b"".join(b"line %d of a W3C log 403 13 2148081683\n" % i for i in range(60_000))
    archive = tmp_path / "u_ex.log.gz"
    archive.write_bytes(gzip.compress(text))

    [src] = run(archive)

    assert (src.skipped, src.size, src.load()) == (None, len(text), text)


def test_a_sparse_tar_member_is_checked_for_its_ratio(tmp_path: Path) -> None:
    # an old GNU sparse member: 512 bytes stored, 400 MiB when expanded (holes read as zeros)
    info = tarfile.TarInfo("capi2.evtx")
    info.type = tarfile.GNUTYPE_SPARSE
    info.size = 512
    block = bytearray(info.tobuf(tarfile.GNU_FORMAT))
    block[386:386 + 24] = b"%011o\0%011o\0" % (0, 512)  # one region: offset 0, 512 bytes
    block[483:483 + 12] = b"%011o\0" % (400 * MIB)  # the real size
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    archive = tmp_path / "sparse.tar"
    archive.write_bytes(bytes(block) + b"x" * 512 + bytes(2 * tarfile.BLOCKSIZE))
    with tarfile.open(archive) as tf:  # the standard library expands it to 400 MiB
        assert tf.getmembers()[0].size == 400 * MIB

    [src] = run(archive)

    assert src.size == 400 * MIB
    assert src.skipped is not None and "(ratio limit" in src.skipped


def test_a_zip_member_with_a_data_descriptor_bomb_stops_the_local_listing(tmp_path: Path) -> None:
    class Unseekable(io.BytesIO):
        def seek(self, *args: object) -> int:
            raise OSError("not seekable")

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"before")
        with zf.open("zeros.bin", "w") as member:
            for _ in range(64):
                member.write(bytes(MIB))
    data = out.getvalue()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[:data.index(b"PK\x01\x02")])  # the central directory is gone

    sources, inflated, _ = measured([cut])

    assert [s.origin for s in sources] == [f"{cut}!a.txt", str(cut)]
    assert sources[0].load() == b"before"
    assert "zeros.bin" in (sources[1].skipped or "") and "(ratio limit" in (sources[1].skipped or "")
    assert inflated <= 16 * MIB, inflated  # of the member's 64 MiB


# --- zips that lie ---------------------------------------------------------------------------


def _zip_with_count(tmp_path: Path, members: int, claimed: int) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i in range(members):
            zf.writestr(f"{i:03d}.txt", f"member {i}")
    data = bytearray(buffer.getvalue())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, claimed, claimed)
    path = tmp_path / f"claims-{claimed}.zip"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("claimed", [0, 1, 65535])
def test_member_counts_come_from_the_entries_read_not_the_end_record(tmp_path: Path,
                                                                     claimed: int) -> None:
    archive = _zip_with_count(tmp_path, 30, claimed)

    sources = run(archive, limits=Limits(max_members=5))

    assert [s.origin for s in sources] == [f"{archive}!{i:03d}.txt" for i in range(5)] + [
        str(archive)]
    assert sources[-1].skipped == "25 more members left out (limit of 5 members per archive)"
    assert [s.load() for s in sources[:5]] == [f"member {i}".encode() for i in range(5)]


def test_a_zip_whose_end_record_claims_few_members_lists_them_all(tmp_path: Path) -> None:
    archive = _zip_with_count(tmp_path, 12, 1)

    sources = run(archive)

    assert len(sources) == 12 and all(s.skipped is None for s in sources)


@pytest.mark.parametrize("claim", ["smaller", "larger"])
def test_a_member_whose_data_differs_from_its_declared_size_fails_alone(tmp_path: Path,
                                                                        claim: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("liar.txt", b"L" * 5000)
        zf.writestr("honest.txt", b"H" * 100)
    data = bytearray(buffer.getvalue())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, 50 if claim == "smaller" else 6000)
    archive = tmp_path / "liar.zip"
    archive.write_bytes(bytes(data))

    sources = by_name(run(archive))

    assert sources["honest.txt"].load() == b"H" * 100
    with pytest.raises(AcquireError, match="liar.txt holds"):
        sources["liar.txt"].load()


def test_overlapping_members_are_refused_without_being_inflated(overlap_bomb: Path) -> None:
    bomb = overlap_bomb
    assert bomb.stat().st_size < 160 * 1024
    with zipfile.ZipFile(bomb) as zf:  # a real bomb: the standard library inflates it all
        infos = zf.infolist()
        assert sum(i.file_size for i in infos) > 1.3 * 2**30
        assert len(zf.read(infos[0])) == infos[0].file_size

    sources, inflated, peak = measured([bomb])

    assert len(sources) == 1300
    assert all("overlaps another member" in (s.skipped or "") for s in sources)
    assert inflated == 0 and peak < 40 * MIB, (inflated, peak)


def test_an_overlapping_zip_that_slips_past_the_overlap_check_meets_its_own_limit(
        overlap_bomb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from certtriage.acquire import _zip

    monkeypatch.setattr(_zip, "mark_overlaps", lambda entries, limit: set())
    bomb = overlap_bomb
    size = bomb.stat().st_size

    sources, inflated, peak = measured([bomb])

    # each member's data starts with the next local header, so it is opened as a nested zip
    # (and charged to the outer zip's limit) until that limit refuses the rest unread
    refused = [s for s in sources if (s.skipped or "").startswith("archive limit")]
    assert len(refused) == 1000
    assert all(s.skipped is not None and s.skipped.startswith(
        f"archive limit: at most {200 * size:,} bytes (200 times its {size:,}) are read from "
        f"{bomb}, ") for s in refused)
    assert sources[-1].skipped is not None and sources[-1].skipped.endswith(
        "more entries not read: over the case limit (2,147,483,648 bytes per case) or an "
        "archive's limit")
    assert inflated <= 200 * size and peak < 60 * MIB, (inflated, peak)  # the archive limit


# --- members that carry data whatever their mode or name -----------------------------------------


def test_zip_members_with_data_are_listed_whatever_their_mode_or_name(tmp_path: Path) -> None:
    archive = tmp_path / "hidden.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        slash = zipfile.ZipInfo("looks-like-a-folder/")
        zf.writestr(slash, b"certutil output hidden in a folder entry")
        dir_mode = zipfile.ZipInfo("dir-mode.txt")
        dir_mode.external_attr = (stat.S_IFDIR | 0o755) << 16
        zf.writestr(dir_mode, b"data with a folder's mode")
        dos_dir = zipfile.ZipInfo("dos-folder.txt")
        dos_dir.external_attr = 0x10
        zf.writestr(dos_dir, b"data with the DOS folder attribute")
        zf.writestr(zipfile.ZipInfo("real-folder/"), b"")
        zf.writestr("plain.txt", b"plain")

    sources = run(archive)

    assert [s.origin.rsplit("!", 1)[1] for s in sources] == [
        "dir-mode.txt", "dos-folder.txt", "looks-like-a-folder/", "plain.txt"]
    assert [s.load() for s in sources] == [
        b"data with a folder's mode", b"data with the DOS folder attribute",
        b"certutil output hidden in a folder entry", b"plain"]
    assert all("a folder entry that carries" in (s.warning or "") for s in sources[:3])
    assert sources[3].warning is None


def test_a_tar_folder_entry_that_declares_data_is_listed(tmp_path: Path) -> None:
    folder = tarfile.TarInfo("folder/")
    folder.type = tarfile.DIRTYPE
    block = bytearray(folder.tobuf(tarfile.GNU_FORMAT))
    block[124:136] = b"%011o\0" % 1024  # the size field: 1 KiB of data
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    member = tarfile.TarInfo("after.txt")
    member.size = 5
    archive = tmp_path / "dir-data.tar"
    archive.write_bytes(bytes(block) + member.tobuf(tarfile.GNU_FORMAT)
                        + b"after".ljust(512, b"\0") + bytes(1024))

    sources = run(archive)

    assert [(s.origin.rsplit("!", 1)[1], s.skipped) for s in sources] == [
        ("after.txt", None),
        ("folder", "folder entry that declares 1,024 bytes of data; not read")]


# --- fair budgets ----------------------------------------------------------------------------


def test_bombs_next_to_the_evidence_do_not_starve_it(tmp_path: Path, overlap_bomb: Path) -> None:
    case = tmp_path / "ticket"
    case.mkdir()
    hostile.zeros_tar_gz(case / "a-logs.tar.gz", {"a.bin": 500, "b.bin": 500})
    hostile.zeros_tar_gz(case / "b-logs.tar.gz", {"c.bin": 500, "d.bin": 500})
    shutil.copy(overlap_bomb, case / "c-bundle.zip")
    evidence = evidence_file(case)

    sources, inflated, peak = measured([case])

    by_origin = {s.origin: s for s in sources}
    assert by_origin[f"{case}/zz-verify.txt"].skipped is None
    assert by_origin[f"{case}/zz-verify.txt"].load() == evidence.read_bytes()
    assert not any((s.skipped or "").startswith("case limit") for s in sources)
    assert inflated <= 8 * MIB and peak < 60 * MIB, (inflated, peak)  # of 3.4 GB


def test_many_small_members_each_under_the_ratio_check_meet_the_archive_limit(
        tmp_path: Path) -> None:
    case = tmp_path / "ticket"
    case.mkdir()
    bomb = hostile.shared_kernel_zip(case / "a-many.zip", 2100)  # 2.1 GiB from 2.3 MB
    evidence = evidence_file(case)

    sources, inflated, peak = measured([case])

    read = [s for s in sources if s.skipped is None and s.origin.startswith(f"{bomb}!")]
    refused = [s for s in sources if (s.skipped or "").startswith("archive limit")]
    assert 0 < len(read) * MIB <= 200 * bomb.stat().st_size < len(read) * MIB + MIB
    assert len(refused) == 1000  # then counted
    *_, last_file, counted = sources
    assert (last_file.origin, last_file.skipped) == (f"{case}/{evidence.name}", None)
    assert counted.skipped == (f"{2100 - len(read) - 1000:,} more entries not read: over the "
                               "case limit (2,147,483,648 bytes per case) or an archive's limit")
    assert inflated <= MIB and peak < 60 * MIB, (inflated, peak)  # of 2.1 GiB


def test_one_member_that_does_not_fit_the_case_does_not_stop_the_rest(tmp_path: Path) -> None:
    case = tmp_path / "ticket"
    case.mkdir()
    with zipfile.ZipFile(case / "a.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.log", b"x" * 900)
        zf.writestr("huge.log", b"y" * 50_000)
    evidence = evidence_file(case)
    limits = Limits(max_total_bytes=900 + evidence.stat().st_size)

    sources = by_name(run(case, limits=limits))

    assert sources["big.log"].skipped is None
    assert (sources["huge.log"].skipped or "").startswith(
        f"case limit: at most {limits.max_total_bytes:,} bytes are read per case, 900 already")
    assert sources["zz-verify.txt"].skipped is None  # it fits, so it is read


def test_nested_archives_count_against_the_outer_archives_limit(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(6):
            zf.writestr(f"{i}.log", bytes(MIB))  # each under the size a ratio is checked at
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_STORED) as zf:
        for i in range(3):
            zf.writestr(f"inner{i}.zip", inner.getvalue())

    sources = run(outer, limits=Limits(max_ratio=100))

    read = sum(s.size for s in sources if s.skipped is None)
    assert read <= 100 * outer.stat().st_size
    assert any((s.skipped or "").startswith("archive limit") and f"from {outer}" in s.skipped
               for s in sources)
