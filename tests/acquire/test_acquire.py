"""The acquire stage: paths, folders and archives become an ordered stream of `Source` inputs.

Every archive is built here, in `tmp_path`, with zipfile, tarfile and gzip.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import stat
import sys
import tarfile
import tracemalloc
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.acquire import AcquireError, Limits, Source, iter_sources
from certtriage.acquire._detect import _is_tar_header

# --- helpers ---------------------------------------------------------------------------------


DEFAULT = Limits()


def run(*paths: str | Path, limits: Limits = DEFAULT) -> list[Source]:
    return list(iter_sources(list(paths), limits))


def origins(sources: Iterable[Source]) -> list[str]:
    return [s.origin for s in sources]


def by_origin(sources: Iterable[Source]) -> dict[str, Source]:
    return {s.origin: s for s in sources}


def make_zip(path: Path, members: Iterable[tuple[str, bytes]],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return path


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def add_tar_file(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def add_tar_entry(tf: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tf.addfile(info)


def noise(size: int, seed: int = 0) -> bytes:
    """Bytes that do not compress (so an archive cut in half really loses members)."""
    return random.Random(seed).randbytes(size)


# --- plain files and folders -----------------------------------------------------------------


def test_folder_is_walked_sorted_depth_first(tmp_path: Path) -> None:
    root = tmp_path / "ticket"
    for rel in ["b.txt", "A.txt", "a-c.txt", "a/z.txt", "a/b/c.txt", "a b/x.log"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "empty-dir").mkdir()

    sources = run(root)

    case = str(root)
    assert origins(sources) == [f"{case}/{rel}" for rel in
                                ["A.txt", "a/b/c.txt", "a/z.txt", "a b/x.log", "a-c.txt", "b.txt"]]
    for src in sources:
        assert src.case == case
        assert src.skipped is None and src.warning is None
        assert src.path is not None and src.path.is_file()
        assert src.load() == src.origin.removeprefix(case + "/").encode()
        assert src.size == len(src.load())


def test_a_large_folder_is_walked_holding_little_more_than_its_names(tmp_path: Path) -> None:
    """A folder's listing is held while it is walked: as names in one string, not as
    directory entries (20,000 of those took about 5 MiB, the names take under 1)."""
    root = tmp_path / "many"
    root.mkdir()
    names = [f"dump-{i:06d}.txt" for i in range(20_000)]
    for name in random.Random(1).sample(names, len(names)):
        (root / name).write_bytes(b"x")

    tracemalloc.start()
    try:
        walked = [s.origin.rsplit("/", 1)[1] for s in iter_sources([root])]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert walked == names
    assert peak < 4 * _MIB, peak  # of which the list the test keeps is about 1.4 MiB


def test_a_walk_leaves_the_names_of_its_files_uninterned(tmp_path: Path) -> None:
    """`pathlib` interns each part of a path it parses: a walk that made a `Path` per file
    filled the interpreter's table of interned strings with file names, and rebuilding that
    table (over a megabyte) raised a long batch's peak memory. The sources hold their paths as
    strings; `Source.path` still gives a `Path` when asked."""
    root = os.path.join(tmp_path, "case")
    os.makedirs(os.path.join(root, "sub"))
    names = [f"uninterned-{i:03d}-{os.getpid()}.txt" for i in range(20)]
    for i, name in enumerate(names):  # written without a Path, which would intern the name
        with open(os.path.join(root, "sub" if i % 2 else "", name), "wb") as handle:
            handle.write(b"x")

    sources = list(iter_sources([root]))

    assert len(sources) == len(names)
    for name in names:
        fresh = "".join(list(name))  # a new string object equal to the name
        assert sys.intern(fresh) is fresh, name
    found = sorted(sources, key=lambda s: s.origin)[0]
    assert found.fspath is not None and os.path.isfile(found.fspath)
    assert found.path == Path(found.fspath)


def test_arguments_keep_their_order_and_a_plain_file_has_its_path(tmp_path: Path) -> None:
    first, second = tmp_path / "z.txt", tmp_path / "a.txt"
    first.write_text("zed")
    second.write_text("ay")

    sources = run(first, str(second))

    assert [(s.case, s.origin, s.path, s.size) for s in sources] == [
        (str(first), str(first), first, 3), (str(second), str(second), second, 2)]
    assert sources[0].load() == b"zed"


def test_an_empty_file_is_a_normal_source(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").touch()

    [src] = run(tmp_path / "empty.txt")

    assert (src.size, src.skipped, src.load()) == (0, None, b"")


def test_a_path_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    [src] = run(tmp_path / "missing.zip")

    assert (src.case, src.origin, src.skipped) == (
        str(tmp_path / "missing.zip"), str(tmp_path / "missing.zip"), "no such file or folder")
    with pytest.raises(AcquireError, match="no such file or folder"):
        src.load()


def test_symbolic_links_inside_a_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.txt").write_text("secret")
    (outside / "deep" / "x.txt").write_text("x")
    root = tmp_path / "ticket"
    root.mkdir()
    (root / "real.txt").write_text("real")
    try:
        (root / "link.txt").symlink_to(outside / "secret.txt")
        (root / "linked-dir").symlink_to(outside / "deep", target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links cannot be made here")

    sources = by_origin(run(root))

    assert list(sources) == [f"{root}/link.txt", f"{root}/linked-dir", f"{root}/real.txt"]
    assert sources[f"{root}/link.txt"].skipped == "symbolic link"
    assert sources[f"{root}/linked-dir"].skipped == "symbolic link"
    assert sources[f"{root}/real.txt"].load() == b"real"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos here")
def test_a_fifo_is_reported_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "ticket"
    root.mkdir()
    os.mkfifo(root / "pipe")  # opening it for reading would block the batch forever
    (root / "real.txt").write_text("real")

    sources = run(root, root / "pipe")

    assert [(s.origin, s.skipped) for s in sources] == [
        (f"{root}/pipe", "not a regular file (fifo)"), (f"{root}/real.txt", None),
        (f"{root}/pipe", "not a regular file or folder (fifo)")]


@pytest.mark.parametrize("size", [0, 1, 511, 512, 513, 70_000])
def test_the_head_of_a_file_is_its_first_bytes_or_all_of_a_short_one(
        tmp_path: Path, size: int) -> None:
    from certtriage.acquire._folder import read_start

    def read_head(path: Path, size: int, follow: bool = True) -> bytes:
        return read_start(path, size, -1, follow)[0]

    data = random.Random(size).randbytes(size)
    (tmp_path / "f").write_bytes(data)
    assert read_head(tmp_path / "f", 512) == data[:512]
    assert read_head(tmp_path / "f", 100_000) == data
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(AcquireError, match="not a regular file"):
        read_head(tmp_path / "pipe", 512)
    (tmp_path / "link").symlink_to(tmp_path / "f")
    with pytest.raises(OSError):
        read_head(tmp_path / "link", 512, follow=False)


# --- archives --------------------------------------------------------------------------------


def test_zip_members_come_sorted_and_load_from_memory(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "logs.zip", [
        ("z.txt", b"last"), ("dir/", b""), ("dir/b.txt", b"bee"), ("A.txt", b"first"),
        ("dir-x.txt", b"after dir/"),
    ])

    sources = run(archive)

    case = str(archive)
    assert origins(sources) == [f"{case}!A.txt", f"{case}!dir/b.txt", f"{case}!dir-x.txt",
                                f"{case}!z.txt"]
    assert [s.load() for s in sources] == [b"first", b"bee", b"after dir/", b"last"]
    assert all(s.path is None and s.skipped is None and s.case == case for s in sources)
    assert [s.size for s in sources] == [5, 3, 10, 4]


def test_nested_zip_is_opened_from_memory(tmp_path: Path) -> None:
    inner = zip_bytes([("b.txt", b"inside"), ("a.txt", b"also inside")])
    archive = make_zip(tmp_path / "outer.zip", [("a/inner.zip", inner), ("top.txt", b"top")])

    sources = run(archive)

    case = str(archive)
    assert origins(sources) == [f"{case}!a/inner.zip!a.txt", f"{case}!a/inner.zip!b.txt",
                                f"{case}!top.txt"]
    assert sources[1].load() == b"inside"


def test_archives_nested_past_the_depth_limit_are_not_opened(tmp_path: Path) -> None:
    data = zip_bytes([("deep.txt", b"level 5")])
    for level in (4, 3, 2):
        data = zip_bytes([(f"l{level + 1}.zip", data), (f"note{level}.txt", b"n")])
    archive = tmp_path / "l1.zip"
    archive.write_bytes(zip_bytes([("l2.zip", data)]))

    sources = run(archive)

    case = str(archive)
    assert [(s.origin, s.skipped) for s in sources] == [
        (f"{case}!l2.zip!l3.zip!l4.zip", "archive nested deeper than 3 levels (depth limit); not opened"),
        (f"{case}!l2.zip!l3.zip!note3.txt", None),
        (f"{case}!l2.zip!note2.txt", None),
    ]
    deeper = run(archive, limits=Limits(max_depth=5))
    assert origins(deeper)[0] == f"{case}!l2.zip!l3.zip!l4.zip!l5.zip!deep.txt"
    assert deeper[0].load() == b"level 5"


@pytest.mark.parametrize("suffix", [".tar.gz", ".tgz", ".tar", ".bin"])
def test_tar_and_gzipped_tar_members_come_sorted(tmp_path: Path, suffix: str) -> None:
    archive = tmp_path / f"bundle{suffix}"
    with tarfile.open(archive, "w") if suffix == ".tar" else tarfile.open(archive, "w:gz") as tf:
        add_tar_file(tf, "z.log", b"zed")
        add_tar_entry(tf, "sub", tarfile.DIRTYPE)
        add_tar_file(tf, "sub/b.txt", b"bee" * 100)
        add_tar_file(tf, "a.txt", b"")

    sources = run(archive)

    case = str(archive)
    assert [(s.origin, s.size) for s in sources] == [
        (f"{case}!a.txt", 0), (f"{case}!sub/b.txt", 300), (f"{case}!z.log", 3)]
    assert [s.load() for s in sources] == [b"", b"bee" * 100, b"zed"]


def test_tar_gz_members_can_be_read_in_any_order(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # small chunks and restart points, so backward seeks go through them (and their thinning)
    from certtriage.acquire import _gzip, _zip_local

    for module in (_gzip, _zip_local):  # the modules that read the chunk sizes
        monkeypatch.setattr(module, "_OUT_CHUNK", 1024)
        monkeypatch.setattr(module, "_IN_CHUNK", 512)
    monkeypatch.setattr(_gzip._GzipIndex, "SPACING", 4096)
    monkeypatch.setattr(_gzip._GzipIndex, "MAX_POINTS", 8)
    contents = {f"m{i:03d}.bin": noise(3000 + i * 37, seed=i) for i in range(60)}
    archive = tmp_path / "random.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        for name in reversed(list(contents)):  # stored backwards, listed forwards
            add_tar_file(tf, name, contents[name])

    sources = run(archive)

    assert [s.origin.rsplit("!", 1)[1] for s in sources] == sorted(contents)
    for src in [*sources, *reversed(sources), *random.Random(1).sample(sources, 30)]:
        assert src.load() == contents[src.origin.rsplit("!", 1)[1]]


def test_a_gzip_file_that_is_not_a_tar_is_one_member(tmp_path: Path) -> None:
    text = b"Schannel 36887\r\n" * 1000
    plain = tmp_path / "system-events.txt.gz"
    plain.write_bytes(gzip.compress(text))
    multi = tmp_path / "joined.gz"  # two gzip members back to back, as `cat a.gz b.gz` makes
    multi.write_bytes(gzip.compress(b"one ") + gzip.compress(b"two"))

    [src] = run(plain)
    [joined] = run(multi)

    assert (src.origin, src.size, src.load()) == (f"{plain}!system-events.txt", len(text), text)
    assert (joined.origin, joined.load()) == (f"{multi}!joined", b"one two")


def test_a_gzipped_zip_inside_a_zip_is_followed(tmp_path: Path) -> None:
    gz = gzip.compress(zip_bytes([("in.txt", b"deep")]))
    archive = make_zip(tmp_path / "t.zip", [("x.zip.gz", gz)])

    [src] = run(archive)

    assert (src.origin, src.load()) == (f"{archive}!x.zip.gz!x.zip!in.txt", b"deep")


# --- limits ----------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_without_reading_it(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("readme.txt", b"hello")
        with zf.open("zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(_MIB)
            for _ in range(200):
                member.write(chunk)
    assert archive.stat().st_size < 2 * _MIB

    from certtriage.acquire import _zip, _zip_central

    opened: list[str] = []
    real_chunks = _zip.member_chunks

    def spy(stream: object, entry: _zip_central.ZipEntry, step: int) -> object:
        opened.append(entry.name)
        return real_chunks(stream, entry, step)  # type: ignore[arg-type]

    monkeypatch.setattr(_zip, "member_chunks", spy)
    sources = by_origin(run(archive))
    bomb = sources[f"{archive}!zeros.bin"]

    assert bomb.size == 200 * _MIB
    assert bomb.skipped is not None and "ratio limit" in bomb.skipped and "bomb" in bomb.skipped
    with pytest.raises(AcquireError, match="ratio"):
        bomb.load()
    assert sources[f"{archive}!readme.txt"].load() == b"hello"
    assert opened == ["readme.txt"]


def test_a_member_larger_than_the_member_limit_is_skipped(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", [("big.bin", noise(3000)), ("small.txt", b"ok")])
    with tarfile.open(tmp_path / "big.tar", "w") as tf:
        add_tar_file(tf, "big.bin", noise(3000))

    limits = Limits(max_member_bytes=2000)
    zipped = by_origin(run(archive, limits=limits))
    [tarred] = run(tmp_path / "big.tar", limits=limits)

    assert "more than the 2,000 read per member" in (zipped[f"{archive}!big.bin"].skipped or "")
    assert zipped[f"{archive}!small.txt"].load() == b"ok"
    assert "more than the 2,000 read per member" in (tarred.skipped or "")


def test_an_entry_over_the_case_budget_is_skipped_and_later_ones_that_fit_are_read(
        tmp_path: Path) -> None:
    root = tmp_path / "case"
    root.mkdir()
    for name, size in [("a", 40), ("b", 40), ("c", 40), ("d", 15), ("e", 40)]:
        (root / f"{name}.txt").write_bytes(b"x" * size)
    make_zip(root / "f.zip", [("1.txt", b"y" * 3), ("2.txt", b"y" * 10)])
    other = tmp_path / "other.txt"
    other.write_bytes(b"z" * 90)

    sources = run(root, other, limits=Limits(max_total_bytes=100))

    over = "case limit: at most 100 bytes are read per case, {} already are; not read"
    assert [(s.origin.removeprefix(f"{root}/"), s.skipped) for s in sources] == [
        ("a.txt", None), ("b.txt", None), ("c.txt", over.format(80)), ("d.txt", None),
        ("e.txt", over.format(95)), ("f.zip!1.txt", None), ("f.zip!2.txt", over.format(98)),
        (str(other), None),  # a new case, a new budget
    ]


def test_past_a_thousand_refused_entries_the_rest_are_counted(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "many.zip", [(f"{i:04d}.txt", b"12345") for i in range(1100)])

    sources = run(archive, limits=Limits(max_total_bytes=50))

    assert [s.skipped for s in sources[:10]] == [None] * 10
    assert all((s.skipped or "").startswith("case limit") for s in sources[10:1010])
    assert len(sources) == 1011
    assert sources[-1].origin == str(archive)
    assert sources[-1].skipped == ("90 more entries not read: over the case limit (50 bytes "
                                   "per case) or an archive's limit")


def test_members_past_the_member_limit_are_counted(tmp_path: Path) -> None:
    names = [f"{i:02d}.txt" for i in range(20)]
    archive = make_zip(tmp_path / "wide.zip", [(n, n.encode()) for n in reversed(names)])

    sources = run(archive, limits=Limits(max_members=5))

    # the first five in stored order are kept, then sorted
    assert origins(sources[:5]) == [f"{archive}!{n}" for n in sorted(names[-5:])]
    assert (sources[5].origin, sources[5].skipped) == (
        str(archive), "15 more members left out (limit of 5 members per archive)")
    assert len(sources) == 6


def test_ten_thousand_tiny_members_are_listed_lazily(tmp_path: Path) -> None:
    names = [f"logs/{i:05d}.txt" for i in range(10_000)]
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for name in random.Random(0).sample(names, len(names)):
            zf.writestr(name, name[5:10])

    tracemalloc.start()
    try:
        sources = run(archive)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert origins(sources) == [f"{archive}!{n}" for n in names]
    assert all(s.skipped is None and s.size == 5 for s in sources)
    assert peak < 40 * _MIB, peak
    assert sources[1234].load() == b"01234"
    assert sources[-1].load() == b"09999"


# --- hostile and damaged input ---------------------------------------------------------------


def test_names_that_climb_out_are_shown_and_read_in_memory_only(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "evil.zip", [("../../x.txt", b"up"), ("/etc/x.txt", b"abs")])
    tarred = tmp_path / "evil.tgz"
    with tarfile.open(tarred, "w:gz") as tf:
        add_tar_file(tf, "../../x.txt", b"tar up")
        add_tar_file(tf, "/etc/x.txt", b"tar abs")
    etc_existed = Path("/etc/x.txt").exists()
    before = sorted(os.listdir(tmp_path.parent)), sorted(p.name for p in tmp_path.rglob("*"))

    sources = run(zipped, tarred)
    loaded = [s.load() for s in sources]

    climbs = "member name climbs out of the archive (../); read in memory only"
    absolute = "member name is absolute (/etc/x.txt); read in memory only"
    # "/etc/x.txt" splits into ("", "etc", "x.txt"), so it sorts first
    assert [(s.origin, s.warning) for s in sources] == [
        (f"{zipped}!/etc/x.txt", absolute), (f"{zipped}!../../x.txt", climbs),
        (f"{tarred}!/etc/x.txt", absolute), (f"{tarred}!../../x.txt", climbs),
    ]
    assert loaded == [b"abs", b"up", b"tar abs", b"tar up"]
    assert (sorted(os.listdir(tmp_path.parent)),
            sorted(p.name for p in tmp_path.rglob("*"))) == before
    assert Path("/etc/x.txt").exists() == etc_existed


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_control_characters_and_duplicate_names_are_flagged(tmp_path: Path) -> None:
    archive = tmp_path / "odd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("bell\x07\u202etxt.exe", b"1")
        zf.writestr("same.txt", b"first")
        zf.writestr("same.txt", b"second")

    sources = run(archive)

    assert [(s.origin, s.warning) for s in sources] == [
        (f"{archive}!bell??txt.exe", "member name has control characters (shown as ?)"),
        (f"{archive}!same.txt", "another member has the same name"),
        (f"{archive}!same.txt", "another member has the same name"),
    ]
    assert [s.load() for s in sources] == [b"1", b"first", b"second"]


def test_links_and_special_members_are_skipped(tmp_path: Path) -> None:
    zipped = tmp_path / "links.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        link = zipfile.ZipInfo("passwd-link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("real.txt", b"real")
    tarred = tmp_path / "links.tar"
    with tarfile.open(tarred, "w") as tf:
        add_tar_file(tf, "real.txt", b"real")
        add_tar_entry(tf, "sym", tarfile.SYMTYPE, "/etc/passwd")
        add_tar_entry(tf, "hard", tarfile.LNKTYPE, "real.txt")
        add_tar_entry(tf, "dev", tarfile.CHRTYPE)
        add_tar_entry(tf, "pipe", tarfile.FIFOTYPE)

    sources = run(zipped, tarred)

    assert [(s.origin, s.skipped) for s in sources] == [
        (f"{zipped}!passwd-link", "symbolic link"),
        (f"{zipped}!real.txt", None),
        (f"{tarred}!dev", "device file"),
        (f"{tarred}!hard", "hard link (to real.txt)"),
        (f"{tarred}!pipe", "fifo"),
        (f"{tarred}!real.txt", None),
        (f"{tarred}!sym", "symbolic link (to /etc/passwd)"),
    ]
    with pytest.raises(AcquireError, match="symbolic link"):
        sources[0].load()


def test_an_encrypted_member_is_skipped(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("secret.txt", b"s"), ("open.txt", b"o")]))
    central = data.index(b"PK\x01\x02")  # mark the first member encrypted in the directory
    data[central + 8] |= 0x1
    archive = tmp_path / "enc.zip"
    archive.write_bytes(bytes(data))

    sources = run(archive)

    assert [(s.origin, s.skipped) for s in sources] == [
        (f"{archive}!open.txt", None), (f"{archive}!secret.txt", "encrypted")]


def test_a_truncated_zip_keeps_the_members_before_the_cut(tmp_path: Path) -> None:
    contents = [(f"{i}.bin", noise(4000, seed=i)) for i in range(6)]
    whole = make_zip(tmp_path / "whole.zip", contents)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:whole.stat().st_size // 2])

    sources = run(cut)

    *members, problem = sources
    assert origins(members) == [f"{cut}!0.bin", f"{cut}!1.bin", f"{cut}!2.bin"]
    assert [m.load() for m in members] == [data for _, data in contents[:3]]
    assert problem.origin == str(cut)
    assert problem.skipped == ("damaged zip (File is not a zip file): 3 members recovered from "
                               "their local headers; cut off in member 3.bin")


def test_a_truncated_streamed_zip_is_read_through_its_data_descriptors(tmp_path: Path) -> None:
    class Unseekable(io.BytesIO):
        def seek(self, *args: object) -> int:
            raise OSError("not seekable")

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(4):
            zf.writestr(f"{i}.txt", f"member {i} ".encode() * 500)
    data = out.getvalue()
    cut = tmp_path / "streamed.zip"
    name_at = data.rindex(b"3.txt", 0, data.index(b"PK\x01\x02"))  # in the last local header
    cut.write_bytes(data[:name_at + len("3.txt") + 8])  # inside its compressed data

    sources = run(cut)

    assert [(s.origin, s.skipped is None) for s in sources] == [
        (f"{cut}!0.txt", True), (f"{cut}!1.txt", True), (f"{cut}!2.txt", True), (str(cut), False)]
    assert sources[1].load() == b"member 1 " * 500
    assert "cut off in member 3.txt" in (sources[-1].skipped or "")


def test_a_truncated_tar_gz_keeps_the_members_before_the_cut(tmp_path: Path) -> None:
    contents = {f"{i}.bin": noise(6000, seed=i) for i in range(6)}
    whole = tmp_path / "whole.tar.gz"
    with tarfile.open(whole, "w:gz") as tf:
        for name, data in contents.items():
            add_tar_file(tf, name, data)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(whole.read_bytes()[:whole.stat().st_size // 2])

    sources = run(cut)

    *members, problem = sources
    assert problem.origin == str(cut)
    assert problem.skipped is not None and "truncated" in problem.skipped
    readable = [m for m in members if m.skipped is None]
    assert origins(readable) == [f"{cut}!{i}.bin" for i in range(len(readable))]
    assert len(readable) >= 2
    assert all(m.load() == contents[m.origin.rsplit("!", 1)[1]] for m in readable)
    assert [m.skipped for m in members[len(readable):]] in (
        [], ["cut off: the archive ends inside this member"])


def test_a_truncated_plain_tar_reports_the_cut(tmp_path: Path) -> None:
    whole = tmp_path / "whole.tar"
    with tarfile.open(whole, "w") as tf:
        for i in range(3):
            add_tar_file(tf, f"{i}.txt", b"t" * 2000)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole.read_bytes()[:2 * 512 + 2000 + 100])  # inside the second member

    sources = run(cut)

    assert [(s.origin, s.skipped) for s in sources] == [
        (f"{cut}!0.txt", None),
        (f"{cut}!1.txt", "cut off: the archive ends inside this member"),
        (str(cut), "tar archive is damaged: unexpected end of data"),
    ]


def test_a_damaged_member_fails_alone_when_loaded(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("a.txt", noise(5000)), ("b.txt", b"B" * 5000)]))
    data[30 + len("a.txt") + 2000] ^= 0xFF  # inside a.txt's compressed data
    archive = tmp_path / "crc.zip"
    archive.write_bytes(bytes(data))

    first, second = run(archive)

    assert second.load() == b"B" * 5000
    if first.skipped is None:  # the damage may already show when it is recognised
        with pytest.raises(AcquireError):
            first.load()


@pytest.mark.parametrize(("name", "head", "word"), [
    ("evidence.7z", b"7z\xbc\xaf\x27\x1c\x00\x04", "7z archives are not read"),
    ("renamed.bin", b"7z\xbc\xaf\x27\x1c\x00\x04", "7z archives are not read"),
    ("bundle.cab", b"not really a cab", "cab archives are not read"),
    ("logs.rar", b"Rar!\x1a\x07\x01\x00", "rar archives are not read"),
    ("logs.tar.xz", b"\xfd7zXZ\x00\x00", "xz-compressed files are not read"),
])
def test_archives_that_are_not_read_say_so(tmp_path: Path, name: str, head: bytes,
                                           word: str) -> None:
    (tmp_path / name).write_bytes(head + bytes(40))

    [src] = run(tmp_path / name)

    assert src.skipped is not None and src.skipped.startswith(word)
    assert "extract it" in src.skipped or "decompress it" in src.skipped


def test_an_office_document_is_a_plain_file_not_an_archive(tmp_path: Path) -> None:
    """A workbook or a presentation is passed on whole (a Word document's text is read:
    tests/acquire/test_docx.py)."""
    doc = make_zip(tmp_path / "screenshots.xlsx", [("xl/workbook.xml", b"<w/>")])

    [src] = run(doc)

    assert (src.origin, src.path, src.skipped) == (str(doc), doc, None)


def test_a_word_document_gives_its_text_as_one_member(tmp_path: Path) -> None:
    doc = make_zip(tmp_path / "notes.docx", [("word/document.xml", (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>first</w:t></w:r></w:p><w:p><w:r><w:t>second</w:t></w:r>"
        b"</w:p></w:body></w:document>")), ("word/media/a.png", b"\x89PNG")])

    [src] = run(doc)

    assert (src.origin, src.skipped, src.load()) == (f"{doc}!document.txt", None,
                                                     b"first\nsecond\n")


def test_an_empty_archive_and_an_empty_folder_are_reported(tmp_path: Path) -> None:
    empty_zip = make_zip(tmp_path / "empty.zip", [])
    (tmp_path / "empty").mkdir()

    sources = run(empty_zip, tmp_path / "empty")

    assert [s.skipped for s in sources] == ["archive holds no files", "folder holds no files"]


# --- loading later ----------------------------------------------------------------------------


def test_sources_load_after_the_walk_even_from_many_archives(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(12):  # more archives than are kept open at once
        inner = zip_bytes([("in.txt", f"inner {i}".encode())])
        make_zip(root / f"{i:02d}.zip", [("nested.zip", inner), ("top.txt", f"top {i}".encode())])

    sources = run(root)

    assert len(sources) == 24
    expected = [f"{kind} {i}".encode() for i in range(12) for kind in ("inner", "top")]
    assert [s.load() for s in sources] == expected
    assert [s.load() for s in reversed(sources)] == expected[::-1]


def test_a_single_path_string_is_one_path(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("1")

    assert origins(iter_sources(str(tmp_path / "one.txt"))) == [str(tmp_path / "one.txt")]


_MIB = 2**20


# -- archive detection ---------------------------------------------------------------------


def _tarfile_reads(head: bytes) -> bool:
    try:
        tarfile.TarInfo.frombuf(head[:tarfile.BLOCKSIZE], "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=512, max_size=512), st.sampled_from([
    b"", b"0001234\x00", b" 12345 ", b"\x80\x00\x00\x00\x00\x00\x01\x02", b"\xff" * 8,
    b"12\x00garbage", b"+17_1\x00\x00\x00", b"Subject:", b"\t\n\r 7\x00\x00\x00",
]))
def test_a_head_is_a_tar_header_exactly_when_tarfile_reads_one(head: bytes,
                                                               checksum: bytes) -> None:
    """The detector's quick refusal of a checksum that is no number never changes the answer."""
    for candidate in (head, head[:148] + checksum + head[148 + len(checksum):]):
        candidate = candidate[:512]
        assert _is_tar_header(candidate) == _tarfile_reads(candidate)


def test_every_tar_header_tarfile_writes_is_recognised() -> None:
    for fmt in (tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
            info = tarfile.TarInfo("notes/dump.txt")
            info.size = 3
            tar.addfile(info, io.BytesIO(b"abc"))
        assert _is_tar_header(buffer.getvalue()[:512]), fmt


@pytest.mark.parametrize("written", ["{:06o}\0 ", "{:07o}\0", " {:o}  ", "+{:o}\0\0", "\t{:o}\n",
                                     "0_{:o}\0"])
def test_a_tar_header_is_recognised_however_its_checksum_is_written(written: str) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("dump.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    head = bytearray(buffer.getvalue()[:512])
    field = written.format(256 + sum(head[:148]) + sum(head[156:])).encode()
    assert len(field) <= 8
    head[148:156] = field.ljust(8, b"\0")
    assert _tarfile_reads(bytes(head)), written
    assert _is_tar_header(bytes(head)), written


# --- small files read with their head ----------------------------------------------------------


def test_a_small_file_comes_read_when_asked_and_is_let_go_on_release(tmp_path: Path) -> None:
    from certtriage.acquire._case import SMALL_FILE

    sizes = {"empty.txt": 0, "tiny.txt": 10, "head.txt": 512, "small.txt": SMALL_FILE,
             "large.txt": SMALL_FILE + 1}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    read = by_origin(iter_sources([tmp_path], read_small=True))
    plain = by_origin(iter_sources([tmp_path]))
    for name, size in sizes.items():
        source, origin = read[f"{tmp_path}/{name}"], f"{tmp_path}/{name}"
        whole = (tmp_path / name).read_bytes()
        assert source.held == (whole if size <= SMALL_FILE else None), name
        assert source.load() == whole and source.fspath == str(tmp_path / name)
        assert plain[origin].held is None and plain[origin].load() == whole
        source.release()
        assert source.held is None and source.load() == whole, "read again once let go"
    bounded = by_origin(iter_sources([tmp_path], Limits(max_memory_bytes=100), read_small=True))
    assert bounded[f"{tmp_path}/tiny.txt"].held is not None
    assert bounded[f"{tmp_path}/head.txt"].held is None, "never more than memory allows"


@pytest.mark.parametrize(("opened", "actual"), [(10, 600), (100, 70_000), (60_000, 70_000)])
def test_a_file_that_grows_as_it_is_read_is_not_taken_as_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: int, actual: int) -> None:
    from certtriage.acquire import _folder
    from certtriage.acquire._case import SMALL_FILE

    path = tmp_path / "grew.txt"
    path.write_bytes(b"a" * actual)
    real = _folder._open_regular_fd
    monkeypatch.setattr(_folder, "_open_regular_fd",
                        lambda p, follow: (real(p, follow)[0], opened))  # the size when opened
    data, size, whole = _folder.read_start(path, 512, SMALL_FILE)
    assert (size, whole) == (opened, False)
    assert data == path.read_bytes()[:len(data)] and len(data) == max(512, opened + 1)


@pytest.mark.parametrize(("opened", "actual"), [(0, 0), (10, 10), (5_000, 5_000), (700, 600),
                                                (600, 600), (60_000, 60_000)])
def test_a_small_file_is_read_whole_in_one_read_when_it_holds_what_it_did_when_opened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: int, actual: int) -> None:
    """A file that holds the bytes its size said is read in one system call; one that shrank
    after it was opened is read to its end all the same."""
    from certtriage.acquire import _folder
    from certtriage.acquire._case import SMALL_FILE

    path = tmp_path / "dump.txt"
    path.write_bytes(random.Random(actual).randbytes(actual))
    real_open, real_read = _folder._open_regular_fd, os.read
    reads: list[int] = []
    monkeypatch.setattr(_folder, "_open_regular_fd",
                        lambda p, follow: (real_open(p, follow)[0], opened))
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    data, size, whole = _folder.read_start(path, 512, SMALL_FILE)
    assert (data, size, whole) == (path.read_bytes(), opened, True)
    assert len(reads) == (1 if opened == actual else 2)


def test_the_walk_looks_again_only_at_what_the_listing_says_is_no_regular_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        (tmp_path / f"{n}.txt").write_bytes(b"data")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_bytes(b"inner")
    (tmp_path / "link.txt").symlink_to(tmp_path / "0.txt")
    looked: list[str] = []
    real = os.lstat

    def lstat(path: str, *args: object, **kw: object) -> os.stat_result:
        looked.append(os.path.basename(path))
        return real(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "lstat", lstat)
    sources = run(tmp_path)
    assert sorted(looked) == ["link.txt", "sub"]
    assert [(os.path.basename(s.origin), s.size, s.skipped) for s in sources] == [
        *((f"{n}.txt", 4, None) for n in range(5)), ("link.txt", 0, "symbolic link"),
        ("inner.txt", 5, None)]
