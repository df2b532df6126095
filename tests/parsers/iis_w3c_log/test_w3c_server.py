"""An IIS log names the server that answered (s-computername, s-ip, s-port, cs-host), and a case
links a server's log only to evidence from the same server in the same window."""

from __future__ import annotations

import shutil
from pathlib import Path

from certtriage.batch import batch
from certtriage.parsers.iis_w3c_log.parser import parse

from ...conftest import FIXTURES

EXPIRED = FIXTURES / "cases" / "expired-before-403-17"
LOGGED = FIXTURES / "cases" / "valid-when-logged"
REVOKED = FIXTURES / "certutil" / "revoked" / "leaf-revoked-key-compromise.txt"


def test_the_failure_windows_name_the_server_its_address_port_and_host() -> None:
    log = parse((EXPIRED / "u_ex210304.log").read_text())
    (group,) = log.failures
    assert group.server == "CONTOSO-WEB01"
    assert [(t.value, t.count) for t in group.server_ips] == [("192.0.2.21", 4)]
    assert [t.value for t in group.ports] == ["443"]
    assert [t.value for t in group.hosts] == ["sales.contoso.com"]
    assert group.samples[0].server == "CONTOSO-WEB01"
    (identity,) = log.identities()
    assert (identity.server, identity.target, identity.utc) == (
        "CONTOSO-WEB01", "sales.contoso.com", True)


def test_a_log_of_two_servers_has_a_window_per_server() -> None:
    text = (EXPIRED / "u_ex210304.log").read_text()
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    log = parse(text + last.replace("CONTOSO-WEB01", "CONTOSO-WEB02") + "\n")
    assert [(g.server, g.count) for g in log.failures] == [("CONTOSO-WEB01", 4),
                                                           ("CONTOSO-WEB02", 1)]
    assert [i.server for i in log.identities()] == ["CONTOSO-WEB01", "CONTOSO-WEB02"]


def test_a_log_without_server_fields_names_no_server() -> None:
    log = parse((FIXTURES / "iis-logs" / "iis10-revoked.log").read_text())
    assert log.failures and all(g.server is None and not g.hosts for g in log.failures)


def _case(tmp_path: Path, server: str) -> Path:
    root = tmp_path / f"case-{server}"
    shutil.copytree(LOGGED, root)
    log = root / "u_ex251103.log"
    log.write_text(log.read_text().replace(" WEB02 ", f" {server} "))
    shutil.copy(REVOKED, root / "other-verify.txt")
    return root


def test_a_server_log_joins_the_certificate_seen_on_the_same_server(tmp_path: Path) -> None:
    """Two certificates in the case: the log of WEB02 joins the CAPI2 events of WEB02."""
    case = batch([_case(tmp_path, "WEB02")]).cases[0]
    assert len(case.certificates) == 2
    ana = next(c for c in case.certificates if c.label.startswith("Ana Torres"))
    assert {Path(s).name for s in ana.sources} == {"capi2-operational.xml", "u_ex251103.log"}
    assert any(n.startswith("revocation-offline is confirmed by 2 files about Ana Torres")
               for n in case.notes)


def test_a_server_log_of_another_server_stays_on_its_own(tmp_path: Path) -> None:
    case = batch([_case(tmp_path, "WEB07")]).cases[0]
    assert len(case.certificates) == 3
    log = next(c for c in case.certificates if c.sources[0].endswith("u_ex251103.log"))
    assert log.label.startswith("403.13 on WEB07")
    assert not any("confirmed" in n for n in case.notes)
