"""Every format fills the identities a case links by, from what it parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage.case import about
from certtriage.pipeline import analyze_path

from ..conftest import FIXTURES


def _files(folder: str, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in (FIXTURES / folder).rglob("*") if p.suffix in suffixes)


@pytest.mark.parametrize("path", _files("certs", (".cer", ".crt", ".p7b", ".pem")),
                         ids=lambda p: p.name)
def test_a_certificate_file_names_each_certificate_by_hash_serial_and_issuer(path: Path) -> None:
    result = analyze_path(str(path))
    if result.verdict is None or result.model is None:
        pytest.skip("not read as a certificate file")
    certificates = result.model.certificates  # type: ignore[attr-defined]
    assert len(result.identities) == len(certificates)
    for identity, cert in zip(result.identities, certificates, strict=True):
        assert identity.thumbprint == cert.thumbprint.lower()
        assert identity.serial and identity.issuer == cert.issuer
        assert identity.not_after is not None and identity.not_after.tzinfo is None


@pytest.mark.parametrize("path", _files("stores", (".txt",)), ids=lambda p: p.name)
def test_a_store_names_each_entry(path: Path) -> None:
    result = analyze_path(str(path))
    entries = result.model.certificates  # type: ignore[union-attr, attr-defined]
    assert len(result.identities) == len(entries)
    for finding in result.findings:
        if finding.context and "certificate" in finding.context:
            assert len(about(result, finding)) == 1, finding.context


@pytest.mark.parametrize("path", [p for p in _files("certutil", (".txt",))
                                  if "damaged" not in p.parts], ids=lambda p: p.name)
def test_every_certutil_finding_about_an_element_is_about_that_element(path: Path) -> None:
    result = analyze_path(str(path))
    elements = [i for i in result.identities if i.element is not None]
    for finding in result.findings:
        if finding.element is None or not elements:
            continue
        ids = about(result, finding)
        assert ids and ids[0].element == finding.element, (finding.rule, finding.context)


@pytest.mark.parametrize("path", _files("iis-logs", (".log",)), ids=lambda p: p.name)
def test_an_iis_log_shows_each_failure_window_with_its_clients(path: Path) -> None:
    result = analyze_path(str(path))
    groups = result.model.failures  # type: ignore[union-attr, attr-defined]
    assert [i.status for i in result.identities] == [g.code for g in groups]
    for identity, group in zip(result.identities, groups, strict=True):
        assert identity.kind == "server"
        assert identity.clients == tuple(t.value for t in group.clients)
        if group.first_time and len(group.first_time) > 8:
            assert identity.time is not None and identity.until is not None
            assert identity.time <= identity.until


@pytest.mark.parametrize("path", _files("evtx", (".evtx",)), ids=lambda p: p.name)
def test_an_event_log_shows_its_capi2_certificates_and_the_server_windows(path: Path) -> None:
    result = analyze_path(str(path))
    model = result.model
    runs = model.runs  # type: ignore[union-attr, attr-defined]
    certs = [i for i in result.identities if i.kind == "certificate"]
    assert len(certs) == sum(len(r.chain.elements) for r in runs)
    assert all(i.thumbprint and i.time and i.server for i in certs)
    servers = [i for i in result.identities if i.kind == "server"]
    events = [e for e in model.events  # type: ignore[union-attr, attr-defined]
              if e.provider != "Microsoft-Windows-CAPI2"]
    assert {i.event_id for i in servers} == {e.event_id for e in events}
    for finding in result.findings:
        if finding.event_id is not None and finding.cause != "capi2-detail":
            assert any(i.event_id == finding.event_id for i in about(result, finding))
