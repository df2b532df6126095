"""Build the event-log summary fixtures under ``fixtures/events/logs/`` (XML exports).

* ``capi2-validations-mixed.xml``: a CAPI2 Operational log of a server checking client
  certificates: validations its SSL policy accepted (one logged twice), rejected ones (an
  untrusted root, a revoked leaf), and a chain built without a policy check.
* ``system-repeats-and-unrelated.xml``: an IIS server's System log: Schannel alerts repeated
  over the morning, a URL reservation added (HTTP.sys, not about certificates) and service
  start/stop events of other providers.

Names are made up (Contoso, Fabrikam, Kim Akers ...). Stdlib only and deterministic; a file is
rewritten only when its text changes. Usage: ``python scripts/make_event_log_fixtures.py
[--check]``; ``--check`` writes nothing, prints ``stale: <path>`` for each file it would
rewrite and exits 1 if there is any. See ``fixtures/events/README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "events" / "logs"
NS = "http://schemas.microsoft.com/win/2004/08/events/event"
HOST = "IIS01.contoso.com"
CAPI2 = ("Microsoft-Windows-CAPI2", "{5bbca4a8-b209-48dc-a8c7-b23d3e5216fb}")
SCHANNEL = ("Schannel", "{1F678132-5938-4686-9FDC-C8FF68F15C85}")
HTTP = ("Microsoft-Windows-HttpEvent", "{7B6BC78C-898B-4170-BBF8-1A469EA43FC5}")
SCM = ("Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}")
ISSUING, ROOT_CA = "Fabrikam Issuing CA 01", "Fabrikam Root CA"

#: Trust error bits (CERT_TRUST_*) used below.
REVOKED, UNTRUSTED_ROOT = 0x4, 0x20


def _system(provider: tuple[str, str], event_id: int, level: int, time: str, record: int,
            channel: str) -> str:
    name, guid = provider
    return (f"  <System>\n    <Provider Name={quoteattr(name)} Guid=\"{guid}\" />\n"
            f"    <EventID>{event_id}</EventID>\n    <Level>{level}</Level>\n"
            f"    <TimeCreated SystemTime=\"{time}\" />\n"
            f"    <EventRecordID>{record}</EventRecordID>\n"
            f"    <Channel>{channel}</Channel>\n    <Computer>{HOST}</Computer>\n  </System>\n")


def _event(system: str, body: str) -> str:
    return f"<Event xmlns=\"{NS}\">\n{system}{body}</Event>\n"


def _status(error: int, flags: dict[int, str]) -> str:
    names = " ".join(f'{name}="true"' for bit, name in flags.items() if error & bit)
    return f'<ErrorStatus value="{error:X}"{" " + names if names else ""} />'


_FLAGS = {REVOKED: "CERT_TRUST_IS_REVOKED", UNTRUSTED_ROOT: "CERT_TRUST_IS_UNTRUSTED_ROOT"}


def _info(index: int) -> str:
    """The root (third element) is self-signed; the others match their issuer by key."""
    if index == 2:
        return ('<InfoStatus value="C" CERT_TRUST_HAS_NAME_MATCH_ISSUER="true" '
                'CERT_TRUST_IS_SELF_SIGNED="true" />')
    return '<InfoStatus value="2" CERT_TRUST_HAS_KEY_MATCH_ISSUER="true" />'


def _chain(task: str, subject: str, errors: tuple[int, int, int]) -> str:
    """Event 11's body: the chain leaf, issuing CA, root with their error bits."""
    elements = "".join(
        f"        <ChainElement>\n          <Certificate subjectName={quoteattr(name)} />\n"
        f"          <TrustStatus>{_status(error, _FLAGS)}{_info(index)}</TrustStatus>\n"
        + ('          <ApplicationUsage><Usage oid="1.3.6.1.5.5.7.3.2" name="Client '
           'Authentication" /></ApplicationUsage>\n' if index == 0 else "")
        + "        </ChainElement>\n"
        for index, (name, error) in enumerate(zip((subject, ISSUING, ROOT_CA), errors)))
    overall = errors[0] | errors[1] | errors[2]
    return ("  <UserData>\n    <CertGetCertificateChain>\n"
            f"      <Certificate subjectName={quoteattr(subject)} />\n"
            "      <CertificateChain>\n"
            f"        <TrustStatus>{_status(overall, _FLAGS)}<InfoStatus value=\"0\" />"
            "</TrustStatus>\n"
            f"{elements}      </CertificateChain>\n"
            '      <EventAuxInfo ProcessName="lsass.exe" />\n'
            f'      <CorrelationAuxInfo TaskId="{task}" SeqNumber="1" />\n'
            '      <Result value="0" />\n    </CertGetCertificateChain>\n  </UserData>\n')


def _policy(task: str, subject: str, result: int, text: str) -> str:
    """Event 30's body: the SSL policy checking a client's certificate."""
    return ("  <UserData>\n    <CertVerifyCertificateChainPolicy>\n"
            '      <Policy type="CERT_CHAIN_POLICY_SSL" constant="4" />\n'
            f"      <Certificate subjectName={quoteattr(subject)} />\n"
            '      <SSLAdditionalPolicyInfo authType="client" />\n'
            '      <EventAuxInfo ProcessName="lsass.exe" />\n'
            f'      <CorrelationAuxInfo TaskId="{task}" SeqNumber="2" />\n'
            f'      <Result value="{result:X}">{text}</Result>\n'
            "    </CertVerifyCertificateChainPolicy>\n  </UserData>\n")


#: (time, subject, error bits of leaf/CA/root, policy result or None, result text)
VALIDATIONS = (
    ("08:02:11", "Kim Akers", (0, 0, 0), 0, ""),
    ("08:05:40", "Pat Coleman", (0, 0, UNTRUSTED_ROOT), 0x800B0109,
     "A certificate chain processed, but terminated in a root certificate which is not "
     "trusted by the trust provider."),
    ("08:09:03", "Kim Akers", (0, 0, 0), 0, ""),
    ("08:12:57", "Dana Birkby", (REVOKED, 0, 0), 0x80092010,
     "The certificate is revoked."),
    ("08:20:30", "Ana Torres", (0, 0, 0), None, ""),
)


def capi2_log() -> str:
    """The CAPI2 log: one chain build (and policy check) per validation."""
    events, record = [], 7001
    channel = "Microsoft-Windows-CAPI2/Operational"
    for number, (hms, subject, errors, result, text) in enumerate(VALIDATIONS, start=1):
        task = f"{{0C0FFEE{number}-1A2B-4C3D-8E9F-00000000000{number}}}"
        at = f"2025-06-02T{hms}.100000Z"
        events.append(_event(_system(CAPI2, 11, 4, at, record, channel),
                             _chain(task, subject, errors)))
        record += 1
        if result is not None:
            level = 2 if result else 4
            events.append(_event(_system(CAPI2, 30, level, at.replace(".1", ".2"), record,
                                         channel), _policy(task, subject, result, text)))
            record += 1
    return "<Events>\n" + "".join(events) + "</Events>\n"


def _data(**values: str) -> str:
    items = "".join(f"    <Data Name=\"{k}\">{v}</Data>\n" for k, v in values.items())
    return f"  <EventData>\n{items}  </EventData>\n"


#: (time, provider, id, level, data) of the System log, in time order.
SYSTEM = (
    ("07:58:02", SCM, 7036, 4, {"param1": "Windows Update", "param2": "running"}),
    ("08:00:15", HTTP, 15007, 4, {"DeviceObject": r"\Device\Http\ReqQueue",
                                  "UrlPrefix": "https://+:443/Reports/"}),
    ("08:03:40", SCHANNEL, 36887, 2, {"AlertDesc": "48"}),
    ("08:11:09", SCHANNEL, 36887, 2, {"AlertDesc": "48"}),
    ("08:14:51", SCM, 7036, 4, {"param1": "Windows Update", "param2": "stopped"}),
    ("08:22:33", SCHANNEL, 36888, 2, {"AlertDesc": "42", "ErrorState": "1203"}),
    ("08:37:02", SCHANNEL, 36887, 2, {"AlertDesc": "48"}),
    ("08:45:00", SCM, 7040, 4, {"param1": "Background Intelligent Transfer Service",
                                "param2": "auto start", "param3": "demand start"}),
    ("09:01:27", SCHANNEL, 36887, 2, {"AlertDesc": "48"}),
)


def system_log() -> str:
    """The System log: Schannel alerts repeated among other providers' events."""
    events = [_event(_system(provider, event_id, level, f"2025-06-02T{hms}.500000Z", 9000 + n,
                             "System"), _data(**data))
              for n, (hms, provider, event_id, level, data) in enumerate(SYSTEM)]
    return "<Events>\n" + "".join(events) + "</Events>\n"


def outputs() -> dict[Path, str]:
    """Every fixture this script writes, by path."""
    return {OUT / "capi2-validations-mixed.xml": capi2_log(),
            OUT / "system-repeats-and-unrelated.xml": system_log()}


def main(argv: list[str]) -> int:
    """Write (or with --check, compare) the fixtures; 1 when --check finds a stale one."""
    stale = 0
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale += 1
        if "--check" in argv:
            print(f"stale: {path.relative_to(ROOT)}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote: {path.relative_to(ROOT)}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
