"""The zip reader: every method the standard library writes, Zip64, data in front of the zip,
name encodings, and what it refuses, checked against zipfile as the writer."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest

from certtriage.acquire import AcquireError, Limits, iter_sources

TEXT = b"".join(b"[%d] CERT_TRUST_IS_REVOKED 0x80092010 CN=Contoso\r\n" % i for i in range(3000))


def read_all(path: Path, limits: Limits | None = None) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for src in iter_sources([path], limits or Limits()):
        name = src.origin.rsplit("!", 1)[-1]
        out[name] = src.skipped if src.skipped is not None else src.load()
    return out


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED,
                                    zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_every_method_the_standard_library_writes_is_read(tmp_path: Path, method: int) -> None:
    archive = tmp_path / "m.zip"
    noise = random.Random(method).randbytes(70_000)
    with zipfile.ZipFile(archive, "w", method) as zf:
        zf.writestr("verify.txt", TEXT)
        zf.writestr("noise.bin", noise)
        zf.writestr("empty.txt", b"")

    assert read_all(archive) == {"empty.txt": b"", "noise.bin": noise, "verify.txt": TEXT}


def test_zip64_members_and_data_in_front_of_the_zip_are_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("big.txt", "w", force_zip64=True) as member:
            member.write(TEXT)
        zf.writestr("small.txt", b"small")
    archive = tmp_path / "setup.exe.zip"  # a self-extracting stub in front
    archive.write_bytes(b"MZ" + bytes(4094) + buffer.getvalue())

    assert read_all(archive) == {"big.txt": TEXT, "small.txt": b"small"}


def test_a_zip64_end_record_is_followed(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", allowZip64=True) as zf:
        zf.writestr("a.txt", b"a")
    data = buffer.getvalue()
    # rebuild the tail as a Zip64 end record + locator + an end record of 0xFFFFs
    end = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<LL", data, end + 12)
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1, cd_size, cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                       0xFFFFFFFF, 0)
    archive = tmp_path / "z64.zip"
    archive.write_bytes(data[:end] + zip64 + locator + tail)
    with zipfile.ZipFile(archive) as zf:
        assert zf.read("a.txt") == b"a"

    assert read_all(archive) == {"a.txt": b"a"}


def test_names_are_decoded_as_the_flag_says(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Zertifikatsprüfung.txt", b"utf-8 flag set")
        zf.writestr("cafX.txt", b"cp437: no flag")
    archive = tmp_path / "names.zip"
    archive.write_bytes(buffer.getvalue().replace(b"cafX", b"caf\x82"))  # 0x82 is é in cp437

    assert set(read_all(archive)) == {"Zertifikatsprüfung.txt", "caf\xe9.txt"}


def test_an_unsupported_method_is_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("d64.txt", TEXT)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 10, 9)
    archive = tmp_path / "d64.zip"
    archive.write_bytes(bytes(data))

    assert read_all(archive) == {"d64.txt": "compressed with Deflate64 (method 9), which is not "
                                            "supported; re-zip it with Deflate"}


def test_a_member_past_its_local_header_signature_is_reported_when_loaded(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.txt", b"aaaa")
        zf.writestr("b.txt", b"bbbb")
    data = bytearray(buffer.getvalue())
    data[0:4] = b"XXXX"  # a.txt's local header
    archive = tmp_path / "lh.zip"
    archive.write_bytes(bytes(data))

    first, second = iter_sources([archive])

    assert second.load() == b"bbbb"
    with pytest.raises(AcquireError, match="no local header for a.txt"):
        first.load()


def test_a_central_directory_cut_in_the_middle_keeps_what_was_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i in range(4):
            zf.writestr(f"{i}.txt", str(i))
    data = bytearray(buffer.getvalue())
    second_entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[second_entry:second_entry + 4] = b"JUNK"
    archive = tmp_path / "cd.zip"
    archive.write_bytes(bytes(data))

    sources = list(iter_sources([archive]))

    assert [(s.origin.rsplit("!", 1)[-1], s.skipped) for s in sources] == [
        ("0.txt", None), (str(archive), "central directory is damaged after 1 entries")]
