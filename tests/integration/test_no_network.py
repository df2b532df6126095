"""Analysis never touches the network: every socket use fails the test."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from certtriage import analyze_path
from certtriage.batch import batch

from ..conftest import FIXTURES

ONE_OF_EACH = [
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "events/xml/events-export.xml",
    "evtx/capi2-synthetic-run.evtx",
    "netsh",
    "registry",
    "iis-config",
    "iis-logs",
    "iis-freb",
    "stores",
    "openssl",
    "openssl-x509",
    "openssl-verify",
    "certs",
    "tickets",
    "wild",
    "cases",
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("name", ONE_OF_EACH)
def test_analysis_makes_no_network_access(name: str) -> None:
    path = FIXTURES / name
    if path.is_dir():
        report = batch([path])
        assert report.inputs and all(r.status != "error" or r.error for r in report.inputs)
    else:
        assert analyze_path(path).verdict is not None


def test_the_fixture_list_covers_every_folder() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    named = {Path(n).parts[0] for n in ONE_OF_EACH}
    assert folders == named
