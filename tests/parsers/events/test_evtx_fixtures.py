"""Prove the synthetic EVTX fixtures by reading them back with the ``evtx`` package.

The fixtures under ``fixtures/evtx/`` are written by our own ``scripts/evtx_writer.py`` (through
``scripts/make_evtx_fixtures.py``). These tests check that the Rust-backed parser, with checksum
validation on, returns exactly the records we meant to write, in the JSON shapes the production
reader will consume. What we meant to write is spelled out here (the table of
``fixtures/evtx/README.md``), not imported from the script; the script runs with ``--check`` to
show that the committed files are what it builds.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from ...conftest import FIXTURES, ROOT
from ...helpers.evtx import name_hash, to_filetime
from ...helpers.scripts import stale_outputs

evtx = pytest.importorskip("evtx", reason="needs the evtx package (pip install 'evtx==0.14.*')")

EVTX_DIR = FIXTURES / "evtx"
MAIN = EVTX_DIR / "system-schannel.evtx"
TRUNCATED = EVTX_DIR / "system-schannel-truncated.evtx"
MULTI = EVTX_DIR / "system-schannel-multichunk.evtx"
CAPI2 = EVTX_DIR / "capi2-synthetic-run.evtx"
SCHANNEL_GUID = "{1F678132-5938-4686-9FDC-C8FF68F15C85}"

#: The blob that stands in for the client certificate attached to 36877 (not a certificate).
FAKE_CERT = b"certtriage test blob standing in for the client certificate of CN=Kim Akers"
#: The CAPI2 run: its correlation task id and the CRL URL whose download fails.
TASK_ID = "{3F2B9C4E-7A1D-4E8B-9C55-0D6E2A7B1F34}"
CDP = "http://pki.fabrikam.com/crl/Fabrikam%20Issuing%20CA%2001.crl"


class Want(NamedTuple):
    """One record of the main System log as the generator is meant to write it."""

    record_id: int
    time: datetime
    provider_name: str
    event_id: int
    level: int


def _at(hms: str) -> datetime:
    """A time of 2024-03-11 UTC, the day of every main-log record."""
    h, m, s, ms = (int(x) for x in hms.replace(".", ":").split(":"))
    return datetime(2024, 3, 11, tzinfo=UTC) + timedelta(hours=h, minutes=m, seconds=s,
                                                         milliseconds=ms)


#: system-schannel.evtx record by record: the table in fixtures/evtx/README.md.
MAIN_RECORDS = [Want(rid, _at(hms), provider, eid, level) for rid, hms, provider, eid, level in [
    (4101, "08:00:00.000", "EventLog", 6013, 4),
    (4102, "08:12:30.118", "Service Control Manager", 7036, 4),
    (4103, "08:12:31.402", "Service Control Manager", 7036, 4),
    (4104, "08:12:31.977", "Schannel", 36871, 2),
    (4105, "08:15:02.310", "Schannel", 36885, 3),
    (4106, "08:15:03.005", "Schannel", 36888, 2),
    (4107, "08:21:44.871", "Schannel", 36885, 3),
    (4108, "08:21:45.052", "Schannel", 36877, 3),
    (4109, "08:30:10.250", "Schannel", 36887, 2),
    (4110, "08:30:12.733", "Schannel", 36887, 2),
    (4111, "08:41:05.090", "Schannel", 36874, 2),
    (4112, "08:44:20.640", "Schannel", 36885, 3),
    (4113, "08:44:21.014", "Schannel", 36888, 2),
    (4114, "08:52:37.508", "Schannel", 36888, 2),
    (4115, "09:03:11.199", "Schannel", 36888, 2),
    (4116, "09:03:58.421", "Schannel", 36885, 3),
    (4117, "09:10:00.003", "Service Control Manager", 7036, 4),
    (4118, "09:17:45.660", "Schannel", 36877, 3),
    (4119, "09:17:45.671", "Schannel", 36888, 2),
    (4120, "09:25:30.012", "Schannel", 36885, 3),
    (4121, "09:25:31.380", "Schannel", 36887, 2),
    (4122, "09:40:00.545", "Schannel", 36874, 2),
    (4123, "10:00:00.017", "Service Control Manager", 7036, 4),
    (4124, "10:05:12.903", "Schannel", 36888, 2),
    (4125, "10:05:40.066", "Schannel", 36885, 3),
    (4126, "10:06:02.287", "Schannel", 36888, 2),
]]


def _records(path: Path, **kwargs: Any) -> list[dict[str, Any]]:
    """``records_json()`` output with ``data`` decoded; checksums are validated."""
    parser = evtx.PyEvtxParser(str(path), validate_checksums=True, **kwargs)
    return [{**r, "data": json.loads(r["data"])} for r in parser.records_json()]


def _iso(t: datetime) -> str:
    """How evtx renders a FILETIME in JSON: microseconds and a Z."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chunks(data: bytes) -> list[bytes]:
    return [data[o:o + 65536] for o in range(4096, len(data) - 65535, 65536)]


# --- the files match their generator ------------------------------------------------------------

@pytest.fixture(scope="module")
def stale() -> set[str]:
    """Files that ``scripts/make_evtx_fixtures.py --check`` would rewrite."""
    return stale_outputs("make_evtx_fixtures")


@pytest.mark.parametrize("name", sorted(p.name for p in EVTX_DIR.glob("*.evtx")))
def test_fixture_is_what_the_script_builds(name: str, stale: set[str]) -> None:
    assert str((EVTX_DIR / name).relative_to(ROOT)) not in stale, (
        "run: python scripts/make_evtx_fixtures.py")


def test_every_file_the_script_builds_is_committed(stale: set[str]) -> None:
    assert not stale, "run: python scripts/make_evtx_fixtures.py"


@pytest.mark.parametrize("path", [MAIN, MULTI, CAPI2], ids=lambda p: p.name)
def test_headers_and_checksums(path: Path) -> None:
    data = path.read_bytes()
    chunks = _chunks(data)
    assert len(data) == 4096 + 65536 * len(chunks)
    magic, first, last, next_id, hsize, minor, major, block, count = struct.unpack_from(
        "<8sQQQIHHHH", data)
    assert (magic, first, last, hsize, minor, major, block, count) == (
        b"ElfFile\0", 0, len(chunks) - 1, 128, 1, 3, 4096, len(chunks))
    assert struct.unpack_from("<II", data, 120) == (0, zlib.crc32(data[:120]))
    previous_last = None
    for chunk in chunks:
        first_id, last_id = struct.unpack_from("<QQ", chunk, 24)
        free, data_crc = struct.unpack_from("<II", chunk, 48)
        flags, header_crc = struct.unpack_from("<II", chunk, 120)
        assert chunk[:8] == b"ElfChnk\0" and flags == 1
        assert data_crc == zlib.crc32(chunk[512:free])
        assert header_crc == zlib.crc32(chunk[:120] + chunk[128:512])
        assert chunk[free:] == bytes(65536 - free)
        assert previous_last is None or first_id == previous_last + 1
        previous_last = last_id
    assert next_id == previous_last + 1


@pytest.mark.parametrize("path", [MAIN, MULTI, CAPI2], ids=lambda p: p.name)
def test_common_string_table_chains_hold_names_of_their_bucket(path: Path) -> None:
    for chunk in _chunks(path.read_bytes()):
        for bucket, offset in enumerate(struct.unpack_from("<64I", chunk, 128)):
            while offset:
                nxt, h, n = struct.unpack_from("<IHH", chunk, offset)
                name = chunk[offset + 8:offset + 8 + 2 * n].decode("utf-16-le")
                assert h == name_hash(name) and h % 64 == bucket
                offset = nxt


def test_corrupted_copy_fails_checksum_validation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.evtx"
    shutil.copy(MAIN, bad)
    data = bytearray(bad.read_bytes())
    data[4096 + 1000] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="CRC32"):
        _records(bad)


# --- the main System log ------------------------------------------------------------------------

def test_main_log_records_round_trip() -> None:
    expected = MAIN_RECORDS
    got = _records(MAIN, separate_json_attributes=True)
    assert len(got) == len(expected) == 26
    assert len(_chunks(MAIN.read_bytes())) == 2
    for want, rec in zip(expected, got):
        system = rec["data"]["Event"]["System"]
        assert rec["event_record_id"] == system["EventRecordID"] == want.record_id
        # The record-header time comes as e.g. "2024-03-11T08:00:00Z UTC" (fraction trimmed).
        assert rec["timestamp"].endswith("Z UTC")
        assert datetime.fromisoformat(rec["timestamp"].removesuffix(" UTC")) == want.time
        assert system["TimeCreated_attributes"]["SystemTime"] == _iso(want.time)
        assert system["Provider_attributes"]["Name"] == want.provider_name
        assert system["EventID"] == want.event_id and system["Level"] == want.level
        assert system["Channel"] == "System" and system["Computer"] == "IIS01.contoso.com"


def test_main_log_event_mix() -> None:
    got = _records(MAIN, separate_json_attributes=True)
    ids = [(r["data"]["Event"]["System"]["Provider_attributes"]["Name"],
            r["data"]["Event"]["System"]["EventID"]) for r in got]
    counts = {key: ids.count(key) for key in set(ids)}
    assert counts == {("EventLog", 6013): 1, ("Service Control Manager", 7036): 4,
                      ("Schannel", 36871): 1, ("Schannel", 36874): 2, ("Schannel", 36877): 2,
                      ("Schannel", 36885): 6, ("Schannel", 36887): 3, ("Schannel", 36888): 7}


def _schannel(path: Path, event_id: int, **kwargs: Any) -> list[dict[str, Any]]:
    events = [r["data"]["Event"] for r in _records(path, **kwargs)]
    return [e for e in events if e["System"]["EventID"] == event_id
            and "Schannel" in json.dumps(e["System"].get("Provider_attributes")
                                         or e["System"].get("Provider"))]


def test_schannel_system_fields() -> None:
    events = [r["data"]["Event"] for r in _records(MAIN, separate_json_attributes=True)]
    schannel = [e["System"] for e in events if e["System"]["Provider_attributes"]["Name"] ==
                "Schannel"]
    assert len(schannel) == 21
    for s in schannel:
        assert s["Provider_attributes"] == {"Name": "Schannel", "Guid": SCHANNEL_GUID}
        assert (s["Version"], s["Task"], s["Opcode"]) == (0, 0, 0)
        assert s["Keywords"] == "0x8000000000000000"
        assert s["Correlation"] is None
        assert s["Execution_attributes"]["ProcessID"] == 712
        assert s["Security_attributes"] == {"UserID": "S-1-5-18"}
        assert s["Level"] == {36885: 3, 36877: 3}.get(s["EventID"], 2)


def test_schannel_event_data_values() -> None:
    def data(event_id: int) -> list[Any]:
        return [e["EventData"] for e in _schannel(MAIN, event_id, separate_json_attributes=True)]

    assert data(36885) == [None] * 6  # no EventData values at all
    assert data(36887) == [{"AlertDesc": 46}, {"AlertDesc": 48}, {"AlertDesc": 46}]
    assert [(d["AlertDesc"], d["ErrorState"], d["TargetName"]) for d in data(36888)] == [
        (48, 603, "portal.contoso.com"), (44, 601, "portal.contoso.com"),
        (45, 602, "portal.contoso.com"), (42, 600, "portal.contoso.com"),
        (48, 603, "portal.contoso.com"), (45, 602, "portal.contoso.com"),
        (48, 603, "portal.contoso.com")]
    assert data(36874) == [{"Protocol": "TLS 1.2"}] * 2
    assert data(36871) == [{"Type": "server", "ErrorState": 10013}]
    blob = FAKE_CERT.hex().upper()
    assert data(36877) == [{"ErrorCode": "0x80092013", "__binLength": len(FAKE_CERT),
                            "binaryData": blob}] * 2


def test_default_json_shape_nests_attributes() -> None:
    first = _schannel(MAIN, 36887)[0]
    assert first["System"]["Provider"] == {"#attributes": {"Name": "Schannel",
                                                           "Guid": SCHANNEL_GUID}}
    assert first["EventData"] == {"AlertDesc": 46}
    scm = [r["data"]["Event"] for r in _records(MAIN)
           if r["data"]["Event"]["System"]["EventID"] == {"#attributes": {"Qualifiers": 16384},
                                                          "#text": 7036}]
    assert scm[0]["EventData"] == {"param1": "World Wide Web Publishing Service",
                                   "param2": "stopped",
                                   "Binary": "W3SVC/1\0".encode("utf-16-le").hex().upper()}
    uptime = _records(MAIN)[0]["data"]["Event"]
    assert uptime["EventData"]["Data"]["#text"][4:] == [
        "1209600", "60", "0 Coordinated Universal Time"]


def test_xml_rendering() -> None:
    xml = [r["data"] for r in evtx.PyEvtxParser(str(MAIN), validate_checksums=True).records()]
    assert '<Data Name="AlertDesc">46</Data>' in xml[8]
    assert "<EventID>36885</EventID>" in xml[4] and "<Data" not in xml[4]


# --- truncation and multi-chunk logs ------------------------------------------------------------

def test_truncated_file_yields_fewer_records_without_error() -> None:
    size = TRUNCATED.stat().st_size
    assert (size - 4096) % 65536 != 0
    assert struct.unpack_from("<H", TRUNCATED.read_bytes(), 42)[0] == 2  # header still says 2
    got = _records(TRUNCATED)
    full = _records(MAIN)
    assert 0 < len(got) < len(full)
    assert [r["event_record_id"] for r in got] == [r["event_record_id"] for r in full][:len(got)]


def test_multichunk_log_fills_several_chunks() -> None:
    got = _records(MULTI, separate_json_attributes=True)
    assert len(got) == 900
    assert len(_chunks(MULTI.read_bytes())) == 3
    assert [r["event_record_id"] for r in got] == list(range(20001, 20901))
    events = [r["data"]["Event"] for r in got]
    counts = {i: sum(e["System"]["EventID"] == i for e in events)
              for i in (36874, 36877, 36885, 36887, 36888)}
    assert counts == {36874: 150, 36877: 150, 36885: 300, 36887: 150, 36888: 150}
    alerts = {(e["System"]["EventID"], e["EventData"]["AlertDesc"]) for e in events
              if e["System"]["EventID"] in (36887, 36888)}
    assert alerts == {(36887, 46), (36887, 48), (36888, 42), (36888, 44), (36888, 45),
                      (36888, 48)}


# --- CAPI2 --------------------------------------------------------------------------------------

def test_capi2_run() -> None:
    got = _records(CAPI2, separate_json_attributes=True)
    events = [r["data"]["Event"] for r in got]
    assert [e["System"]["EventID"] for e in events] == [53, 41, 11, 30]
    assert [e["System"]["Level"] for e in events] == [2, 2, 4, 2]
    assert {e["System"]["Channel"] for e in events} == {"Microsoft-Windows-CAPI2/Operational"}
    bodies = [next(iter(e["UserData"].values())) for e in events]
    assert [next(iter(e["UserData"])) for e in events] == [
        "CryptRetrieveObjectByUrlWire", "CertVerifyRevocation", "CertGetCertificateChain",
        "CertVerifyCertificateChainPolicy"]
    assert {b["CorrelationAuxInfo_attributes"]["TaskId"] for b in bodies} == {TASK_ID}
    wire, revocation, chain, policy = bodies
    assert wire["URL"] == CDP and wire["Result_attributes"] == {"value": "80072EE7"}
    assert revocation["Result_attributes"] == {"value": "80092013"}
    assert chain["CertificateChain"]["TrustStatus"]["ErrorStatus_attributes"]["value"] == "1000040"
    assert policy["Result_attributes"] == {"value": "80092013"}
    assert policy["SSLAdditionalPolicyInfo_attributes"] == {"authType": "client"}


# --- the EVTX facts the checks above rely on ------------------------------------------------------

def test_name_hash_matches_real_chunks() -> None:
    # Hashes stored next to these names in the real System log's first chunk.
    assert [name_hash(n) for n in ("Event", "System", "Provider", "Name")] == [
        0x0CBA, 0x546F, 0x7BF1, 0x954B]


def test_filetime() -> None:
    assert to_filetime(datetime(1970, 1, 1)) == 116_444_736_000_000_000


def test_record_headers_hold_the_filetime_of_each_record() -> None:
    # Each record starts ``2a 2a 00 00``, size, record id, FILETIME (libyal's layout).
    headers = []
    for chunk in _chunks(MAIN.read_bytes()):
        offset, free = 512, struct.unpack_from("<I", chunk, 48)[0]
        while offset < free:
            magic, size, record_id, filetime = struct.unpack_from("<4sIQQ", chunk, offset)
            assert magic == b"**\0\0"
            headers.append((record_id, filetime))
            offset += size
    assert headers == [(w.record_id, to_filetime(w.time)) for w in MAIN_RECORDS]
