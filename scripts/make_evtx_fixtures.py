"""Build the synthetic EVTX fixtures under ``fixtures/evtx/`` with our own writer.

No public EVTX file holds a Schannel event, so these files are built here with
``scripts/evtx_writer.py`` and proven by ``tests/parsers/events/test_evtx_fixtures.py``, which
reads them back with the ``evtx`` package (with checksum validation on) and compares them with
its own table of the records. Every name, host, thumbprint and GUID is made
up (Contoso, Fabrikam, Kim Akers); field values follow ``../shared/reference/schannel-events.md``
and the real CAPI2 logs in ``../shared/corpus/evtx/capi2/``. See ``fixtures/evtx/README.md``.

Stdlib only, deterministic and idempotent (a file is rewritten only when its bytes change).
Usage: ``python scripts/make_evtx_fixtures.py [--check | --print-table]``; ``--check`` writes
nothing, prints ``stale: <path>`` for every file that differs from what it would write and exits
1 if there is any. The writer is imported as a sibling module (``scripts/`` is on ``sys.path``
when a script runs); nothing here imports the tests, and the tests never import this.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evtx_writer import (
    HEX32,
    Element,
    EventRecord,
    Typed,
    build_evtx,
    hex32,
    u32,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "evtx"
HOST = "IIS01.contoso.com"
SCHANNEL_GUID = "{1F678132-5938-4686-9FDC-C8FF68F15C85}"
SCM_GUID = "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
CAPI2_GUID = "{5bbca4a8-b209-48dc-a8c7-b23d3e5216fb}"
CAPI2_CHANNEL = "Microsoft-Windows-CAPI2/Operational"
LSASS_PID, SERVICES_PID = 712, 704
MAIN_CHUNK_RECORDS = 16  # the main log is split 16 + 10 so that it spans two chunks
DAY = datetime(2024, 3, 11, tzinfo=UTC)

#: Internal "error state" numbers for 36888. Microsoft does not document them; these are
#: arbitrary and deliberately not values seen in public reports (1205, 1203, 10001, ...).
ERROR_STATE = {42: 600, 44: 601, 45: 602, 48: 603}

#: Stands in for the DER client certificate that 36877 attaches; not a parseable certificate.
FAKE_CERT = b"certtriage test blob standing in for the client certificate of CN=Kim Akers"


def _at(hms: str, ms: int = 0) -> datetime:
    h, m, s = (int(x) for x in hms.split(":"))
    return DAY + timedelta(hours=h, minutes=m, seconds=s, milliseconds=ms)


def _thumb(label: str) -> str:
    return hashlib.sha1(f"certtriage fixture {label}".encode()).hexdigest().upper()


def schannel(rid: int, t: datetime, event_id: int, level: int, thread: int,
             data: list[tuple[str | None, object]] | None = None) -> EventRecord:
    """A Schannel System event as section 5.4 of the reference shows it."""
    return EventRecord(rid, t, "Schannel", event_id, level, 0x8000000000000000, "System", HOST,
                       provider_guid=SCHANNEL_GUID, process_id=LSASS_PID, thread_id=thread,
                       user_sid="S-1-5-18", event_data=data)


def scm_7036(rid: int, t: datetime, display: str, key: str, state: str, code: int,
             thread: int) -> EventRecord:
    """Service Control Manager 7036, shaped like the real ones in the corpus System logs."""
    return EventRecord(rid, t, "Service Control Manager", 7036, 4, 0x8080000000000000, "System",
                       HOST, provider_guid=SCM_GUID, event_source_name="Service Control Manager",
                       qualifiers=16384, process_id=SERVICES_PID, thread_id=thread,
                       event_data=[("param1", display), ("param2", state)],
                       binary=f"{key}/{code}\0".encode("utf-16-le"))


def eventlog_6013(rid: int, t: datetime, uptime: int) -> EventRecord:
    """EventLog 6013 (system uptime): a classic event with seven unnamed Data values."""
    data: list[tuple[str | None, object]] = [(None, "")] * 4 + [
        (None, str(uptime)), (None, "60"), (None, "0 Coordinated Universal Time")]
    return EventRecord(rid, t, "EventLog", 6013, 4, 0x80000000000000, "System", HOST,
                       qualifiers=32768, version=None, opcode=None, correlation=False,
                       event_data=data)


def alert_sent(rid: int, t: datetime, alert: int, thread: int) -> EventRecord:
    return schannel(rid, t, 36888, 2, thread, [("AlertDesc", u32(alert)),
                                               ("ErrorState", u32(ERROR_STATE[alert])),
                                               ("TargetName", "portal.contoso.com")])


def client_cert_invalid(rid: int, t: datetime, thread: int) -> EventRecord:
    """36877; its field names and types are our modelling assumption (see the README)."""
    return schannel(rid, t, 36877, 3, thread, [("ErrorCode", hex32(0x80092013)),
                                               ("__binLength", u32(len(FAKE_CERT))),
                                               ("binaryData", FAKE_CERT)])


def system_schannel() -> list[EventRecord]:
    """IIS01's System log: a restart of W3SVC, then a morning of client-certificate failures."""
    r: list[EventRecord] = []
    add = r.append
    n = iter(range(4101, 5000))
    add(eventlog_6013(next(n), _at("08:00:00"), 1_209_600))
    add(scm_7036(next(n), _at("08:12:30", 118), "World Wide Web Publishing Service", "W3SVC",
                 "stopped", 1, 3920))
    add(scm_7036(next(n), _at("08:12:31", 402), "World Wide Web Publishing Service", "W3SVC",
                 "running", 4, 3920))
    add(schannel(next(n), _at("08:12:31", 977), 36871, 2, 2212,
                 [("Type", "server"), ("ErrorState", u32(10013))]))
    add(schannel(next(n), _at("08:15:02", 310), 36885, 3, 5144))
    add(alert_sent(next(n), _at("08:15:03", 5), 48, 5144))
    add(schannel(next(n), _at("08:21:44", 871), 36885, 3, 5144))
    add(client_cert_invalid(next(n), _at("08:21:45", 52), 6008))
    add(schannel(next(n), _at("08:30:10", 250), 36887, 2, 6008, [("AlertDesc", u32(46))]))
    add(schannel(next(n), _at("08:30:12", 733), 36887, 2, 6008, [("AlertDesc", u32(48))]))
    add(schannel(next(n), _at("08:41:05", 90), 36874, 2, 2212, [("Protocol", "TLS 1.2")]))
    add(schannel(next(n), _at("08:44:20", 640), 36885, 3, 5144))
    add(alert_sent(next(n), _at("08:44:21", 14), 44, 5144))
    add(alert_sent(next(n), _at("08:52:37", 508), 45, 6008))
    add(alert_sent(next(n), _at("09:03:11", 199), 42, 6008))
    add(schannel(next(n), _at("09:03:58", 421), 36885, 3, 5144))
    add(scm_7036(next(n), _at("09:10:00", 3), "Windows Modules Installer", "TrustedInstaller",
                 "running", 4, 3920))
    add(client_cert_invalid(next(n), _at("09:17:45", 660), 6008))
    add(alert_sent(next(n), _at("09:17:45", 671), 48, 6008))
    add(schannel(next(n), _at("09:25:30", 12), 36885, 3, 5144))
    add(schannel(next(n), _at("09:25:31", 380), 36887, 2, 2212, [("AlertDesc", u32(46))]))
    add(schannel(next(n), _at("09:40:00", 545), 36874, 2, 2212, [("Protocol", "TLS 1.2")]))
    add(scm_7036(next(n), _at("10:00:00", 17), "Windows Modules Installer", "TrustedInstaller",
                 "stopped", 1, 3920))
    add(alert_sent(next(n), _at("10:05:12", 903), 45, 6008))
    add(schannel(next(n), _at("10:05:40", 66), 36885, 3, 5144))
    add(alert_sent(next(n), _at("10:06:02", 287), 48, 5144))
    return r


def multichunk(count: int = 900) -> list[EventRecord]:
    """A busier day on IIS01: the same Schannel shapes repeated until several chunks fill up."""
    out: list[EventRecord] = []
    t = DAY + timedelta(days=1)
    for i in range(count):
        rid, t = 20001 + i, t + timedelta(seconds=37, milliseconds=i % 1000)
        kind = i % 6
        if kind in (0, 3):
            out.append(schannel(rid, t, 36885, 3, 5144))
        elif kind == 1:
            out.append(alert_sent(rid, t, (42, 44, 45, 48)[(i // 6) % 4], 6008))
        elif kind == 2:
            out.append(schannel(rid, t, 36887, 2, 6008, [("AlertDesc", u32((46, 48)[(i // 6) % 2]))]))
        elif kind == 4:
            out.append(schannel(rid, t, 36874, 2, 2212, [("Protocol", "TLS 1.2")]))
        else:
            out.append(client_cert_invalid(rid, t, 6008))
    return out


# --- CAPI2 -------------------------------------------------------------------------------------

TASK_ID = "{3F2B9C4E-7A1D-4E8B-9C55-0D6E2A7B1F34}"
CHAIN_REF = "{8D0C6B1A-2E4F-4B7C-A1D3-5F6E7A8B9C0D}"
LEAF, ISSUING, ROOT_CA = "Kim Akers", "Fabrikam Issuing CA 01", "Fabrikam Root CA"
CDP = "http://pki.fabrikam.com/crl/Fabrikam%20Issuing%20CA%2001.crl"
OFFLINE_TEXT = ("The revocation function was unable to check revocation because the revocation "
                "server was offline.")
E = Element


def _cert(tag: str, subject: str) -> Element:
    return E(tag, [("fileRef", f"{_thumb(subject)}.cer"), ("subjectName", subject)])


NETWORK_ALIVE = E("NetworkConnectivityStatus", [("value", "1"),
                                                 ("_SENSAPI_NETWORK_ALIVE_LAN", "true")])


def _aux(seq: int) -> list[object]:
    return [E("EventAuxInfo", [("ProcessName", "lsass.exe")]),
            E("CorrelationAuxInfo", [("TaskId", TASK_ID), ("SeqNumber", str(seq))])]


def _trust(error: str, error_flags: list[str], info: str, info_flags: list[str]) -> Element:
    return E("TrustStatus", [], [
        E("ErrorStatus", [("value", error)] + [(f, "true") for f in error_flags]),
        E("InfoStatus", [("value", info)] + [(f, "true") for f in info_flags])])


def _chain_element(subject: str, error: str, info: str, info_flags: list[str],
                   usage: list[object], revocation: list[object] | None) -> Element:
    offline = ["CERT_TRUST_REVOCATION_STATUS_UNKNOWN", "CERT_TRUST_IS_OFFLINE_REVOCATION"]
    children: list[object] = [
        _cert("Certificate", subject),
        E("SignatureAlgorithm", [("oid", "1.2.840.113549.1.1.11"), ("hashName", "SHA256"),
                                 ("publicKeyName", "RSA")]),
        E("PublicKeyAlgorithm", [("oid", "1.2.840.113549.1.1.1"), ("publicKeyName", "RSA"),
                                 ("publicKeyLength", "2048" if subject == LEAF else "4096")]),
        _trust(error, offline if error != "0" else [], info, info_flags),
        E("ApplicationUsage", [] if usage else [("any", "true")], usage),
        E("IssuanceUsage", [("any", "true")] if subject != LEAF else []),
    ]
    if revocation is not None:
        children.append(E("RevocationInfo", [], revocation))
    return E("ChainElement", [], children)


def capi2_run() -> list[EventRecord]:
    """One chain validation by lsass (IIS client-cert auth) whose CRL download fails."""
    client_auth = E("Usage", [("oid", "1.3.6.1.5.5.7.3.2"), ("name", "Client Authentication")])
    pref = "CERT_TRUST_HAS_PREFERRED_ISSUER"
    wire = E("CryptRetrieveObjectByUrlWire", [], [
        E("URL", [("scheme", "http")], [CDP]),
        E("Object", [("type", "CONTEXT_OID_CRL"), ("constant", "2")]),
        E("Timeout", [], ["PT15S"]),
        E("Flags", [("value", "202005"), ("CRYPT_RETRIEVE_MULTIPLE_OBJECTS", "true"),
                    ("CRYPT_WIRE_ONLY_RETRIEVAL", "true"),
                    ("CRYPT_LDAP_SCOPE_BASE_ONLY_RETRIEVAL", "true"),
                    ("CRYPT_PROXY_CACHE_RETRIEVAL", "true")]),
        E("AuxInfo", [("maxUrlRetrievalByteCount", "104857600"),
                      ("fProxyCacheRetrieval", "true")]),
        E("AdditionalInfo", [], [NETWORK_ALIVE, E("Action", [("name", "NoProxy")])]),
        *_aux(1),
        E("Result", [("value", "80072EE7")], ["The server name or address could not be resolved"]),
    ])
    revocation = E("CertVerifyRevocation", [], [
        _cert("Certificate", LEAF), _cert("IssuerCertificate", ISSUING),
        E("Flags", [("value", "4"), ("CERT_VERIFY_REV_ACCUMULATIVE_TIMEOUT_FLAG", "true")]),
        E("AdditionalParameters", [("timeToUse", "2024-03-11T08:21:45.009Z"),
                                   ("currentTime", "2024-03-11T08:21:45.009Z"),
                                   ("urlRetrievalTimeout", "PT15S")]),
        E("RevocationStatus", [("index", "0"), ("error", "80092013"), ("reason", "0")]),
        *_aux(2),
        E("Result", [("value", "80092013")], [OFFLINE_TEXT]),
    ])
    chain = E("CertGetCertificateChain", [], [
        _cert("Certificate", LEAF),
        E("ValidationTime", [], ["2024-03-11T08:21:45Z"]),
        E("AdditionalStore", [], [_cert("Certificate", LEAF), _cert("Certificate", ISSUING)]),
        E("ExtendedKeyUsage", [], [client_auth]),
        E("Flags", [("value", "40000000"),
                    ("CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT", "true")]),
        E("ChainEngineInfo", [("context", "machine")]),
        E("AdditionalInfo", [], [NETWORK_ALIVE]),
        E("CertificateChain", [("chainRef", CHAIN_REF)], [
            _trust("1000040", ["CERT_TRUST_REVOCATION_STATUS_UNKNOWN",
                               "CERT_TRUST_IS_OFFLINE_REVOCATION"], "100", [pref]),
            _chain_element(LEAF, "1000040", "102", ["CERT_TRUST_HAS_KEY_MATCH_ISSUER", pref],
                           [client_auth],
                           [E("RevocationResult", [("value", "80092013")], [OFFLINE_TEXT])]),
            _chain_element(ISSUING, "0", "102", ["CERT_TRUST_HAS_KEY_MATCH_ISSUER", pref], [],
                           [E("RevocationResult", [("value", "0")])]),
            _chain_element(ROOT_CA, "0", "10C", ["CERT_TRUST_HAS_NAME_MATCH_ISSUER",
                                                 "CERT_TRUST_IS_SELF_SIGNED", pref], [], None),
        ]),
        *_aux(3),
        E("Result", [("value", "0")]),
    ])
    policy = E("CertVerifyCertificateChainPolicy", [], [
        E("Policy", [("type", "CERT_CHAIN_POLICY_SSL"), ("constant", "4")]),
        _cert("Certificate", LEAF),
        E("CertificateChain", [("chainRef", CHAIN_REF)]),
        E("Flags", [("value", "0")]),
        E("SSLAdditionalPolicyInfo", [("authType", "client")]),
        E("Status", [("chainIndex", "0"), ("elementIndex", "0")]),
        *_aux(4),
        E("Result", [("value", "80092013")], [OFFLINE_TEXT]),
    ])

    def rec(rid: int, ms: int, eid: int, level: int, opcode: int, kw: int,
            body: Element) -> EventRecord:
        return EventRecord(rid, _at("08:21:45", ms), "Microsoft-Windows-CAPI2", eid, level,
                           kw, CAPI2_CHANNEL, HOST, provider_guid=CAPI2_GUID, task=eid,
                           opcode=opcode, process_id=LSASS_PID, thread_id=6008,
                           user_sid="S-1-5-18", user_data=body)

    return [rec(1, 9, 53, 2, 2, 0x4000000000000036, wire),
            rec(2, 20, 41, 2, 2, 0x4000000000000005, revocation),
            rec(3, 31, 11, 4, 2, 0x4000000000000003, chain),
            rec(4, 40, 30, 2, 0, 0x4000000000000001, policy)]


# --- output ------------------------------------------------------------------------------------

def truncate_mid_last_chunk(data: bytes) -> bytes:
    """Cut ``data`` halfway through the records of its last chunk."""
    last = len(data) - 65536
    free = struct.unpack_from("<I", data, last + 48)[0]
    return data[:last + 512 + (free - 512) // 2]


def outputs() -> dict[str, bytes]:
    main = build_evtx(system_schannel(), MAIN_CHUNK_RECORDS)
    return {
        "system-schannel.evtx": main,
        "system-schannel-truncated.evtx": truncate_mid_last_chunk(main),
        "system-schannel-multichunk.evtx": build_evtx(multichunk()),
        "capi2-synthetic-run.evtx": build_evtx(capi2_run()),
    }


def _show(v: object) -> str:
    if isinstance(v, Typed):
        return f"{v.value:#x}" if v.type == HEX32 else str(v.value)
    if isinstance(v, bytes):
        return f"({len(v)} bytes)"
    return repr(v)


def _fields(r: EventRecord) -> str:
    if r.user_data is not None:
        return f"UserData/{r.user_data.name}"
    parts = [f"{n}={_show(v)}" if n else _show(v) for n, v in (r.event_data or [])]
    if r.binary is not None:
        parts.append(f"Binary ({len(r.binary)} bytes)")
    return ", ".join(parts) or "(none)"


def print_table(records: list[EventRecord]) -> None:
    print("| record id | time (UTC) | provider | event id | level | EventData / payload |")
    print("|---|---|---|---|---|---|")
    for r in records:
        print(f"| {r.record_id} | {r.time:%H:%M:%S}.{r.time.microsecond // 1000:03d} | "
              f"{r.provider_name} | {r.event_id} | {r.level} | {_fields(r)} |")


def main(argv: list[str]) -> int:
    """Write the fixtures (or with --check, report those that differ); return 1 if stale."""
    if "--print-table" in argv:
        print_table(system_schannel())
        print()
        print_table(capi2_run())
        return 0
    check = "--check" in argv
    stale = 0
    for name, data in outputs().items():
        path = OUT / name
        if path.exists() and path.read_bytes() == data:
            print(f"unchanged {path.relative_to(ROOT)}")
            continue
        stale += 1
        if check:
            print(f"stale: {path.relative_to(ROOT)}")
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote     {path.relative_to(ROOT)} ({len(data):,} bytes)")
    return 1 if stale and check else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
