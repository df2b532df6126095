"""A CAPI2 chain validation is IIS's only when a process IIS checks certificates in asked for
it: Schannel in lsass.exe for HTTP.sys, or the worker process (w3wp.exe). The same events asked
for by an application (a browser, Teams, git, AD FS) are that application's check, and give no
403 sub-status; the cause stays. Every CAPI2 fixture that gives a sub-status, each process."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

_SERVER = 'ProcessName="lsass.exe"'
_WITH_403 = sorted(p for p in (FIXTURES / "events").rglob("capi2-*")
                   if _SERVER in p.read_text(encoding="utf-8")
                   and analyze_text(p.read_text(encoding="utf-8")).iis_substatus)
_APPS = ["Teams.exe", "msedge.exe", "git-remote-https.exe",
         "Microsoft.IdentityServer.ServiceHost.exe", r"C:\Program Files\Vendor\agent.exe"]


def test_the_fixtures_are_there() -> None:
    assert len(_WITH_403) >= 5


@pytest.mark.parametrize("process", _APPS)
@pytest.mark.parametrize("path", _WITH_403, ids=lambda p: p.name)
def test_an_applications_chain_validation_gives_no_sub_status(path: Path, process: str) -> None:
    text = path.read_text(encoding="utf-8")
    plain = analyze_text(text)
    other = analyze_text(text.replace(_SERVER, f'ProcessName="{process}"'))
    assert other.root_causes == plain.root_causes
    assert other.iis_substatus == () and not any(f.iis_substatus for f in other.findings)
    assert any(process in f.message and "not by IIS" in f.message for f in other.findings)


@pytest.mark.parametrize("path", _WITH_403, ids=lambda p: p.name)
def test_the_worker_process_is_iis(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    worker = analyze_text(text.replace(_SERVER, 'ProcessName="w3wp.exe"'))
    assert worker.iis_substatus == analyze_text(text).iis_substatus


def test_a_log_of_client_checks_of_servers_gives_no_sub_status() -> None:
    path = FIXTURES / "events" / "logs" / "capi2-validations-mixed.xml"
    text = path.read_text(encoding="utf-8").replace('authType="client"', 'authType="server"')
    result = analyze_text(text.replace(_SERVER, 'ProcessName="chrome.exe"'))
    assert result.iis_substatus == ()
