"""IIS configuration files (format `iis-config`): the IIS 6 metabase and IIS 7+
applicationHost.config / web.config: parser, predicates, rules end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from certtriage import analyze_path
from certtriage.knowledge.predicates import PREDICATES, Binding, check_args
from certtriage.parsers.iis_config import sniff
from certtriage.parsers.iis_config.model import (
    IisConfig,
    cert_check_mode_text,
    describe_cert_check_mode,
    revocation_of,
)
from certtriage.parsers.iis_config.parser import parse
from certtriage.pipeline import analyze_bytes, analyze_text

from ...conftest import FIXTURES, MISSION

HERE = FIXTURES / "iis-config"
MISSION_FRAGMENT = HERE / "metabase-fragment-cdb-wcdb.xml"
CONTOSO_MB = HERE / "metabase-contoso-inherited.xml"
FABRIKAM_MB = HERE / "metabase-fabrikam-consistent.xml"
CONTOSO_AH = HERE / "applicationhost-contoso.config"
FABRIKAM_AH = HERE / "applicationhost-fabrikam-no-mappings.config"
WOODGROVE_WEB = HERE / "web-woodgrove-sslflags.config"
CONTOSO_WEB = HERE / "web-contoso-no-security.config"


def _read(path: Path) -> IisConfig:
    return parse(path.read_text(encoding="utf-8"))


def _run(name: str, doc: IisConfig, **args: Any) -> list[Binding]:
    return list(PREDICATES[name](doc, Binding(), **args))


def _one(name: str, doc: IisConfig, **args: Any) -> dict[str, str]:
    found = _run(name, doc, **args)
    assert len(found) == 1, found
    return found[0].values


def _metabase(body: str) -> IisConfig:
    return parse('<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\n'
                 f"<MBProperty>\n{body}\n</MBProperty>\n</configuration>\n")


def _apphost(body: str, sites: str = "") -> IisConfig:
    return parse("<configuration>\n<configSections>\n"
                 '<sectionGroup name="system.applicationHost">'
                 '<section name="sites" overrideModeDefault="Deny" /></sectionGroup>\n'
                 f"</configSections>\n<system.applicationHost><sites>{sites}</sites>"
                 f"</system.applicationHost>\n{body}\n</configuration>\n")


# ---- sniffing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(p for p in HERE.iterdir() if p.suffix != ".md"),
                         ids=lambda p: p.name)
def test_sniff_claims_every_fixture(path: Path) -> None:
    assert sniff(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("folder", ["certutil", "events"])
def test_sniff_leaves_certutil_output_and_event_logs_alone(folder: str) -> None:
    files = [p for p in (FIXTURES / folder).rglob("*")
             if p.is_file() and p.suffix in (".txt", ".xml", ".csv", ".tsv")]
    assert files
    claimed = [p for p in files if sniff(p.read_text(encoding="utf-8", errors="replace"))]
    assert claimed == []


@pytest.mark.parametrize("text", [
    '<?xml version="1.0"?>\n<root><item name="a" /></root>\n',
    ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
    '<Provider Name="Schannel" /><EventID>36887</EventID></System></Event>'),
    ("<Events>\n<Event><System><EventID>36885</EventID></System>"
    "<EventData><Data>system.webServer</Data><Data><system.webServer></Data></EventData>"
    "</Event></Events>"),
    "IP:port                      : 0.0.0.0:443\nCertificate Hash             : ab12\n",
    "#Fields: date time s-ip cs-method cs-uri-stem sc-status sc-substatus\n",
    "configuration system.webServer IIsWebServer (words, no tags)",
    "",
])
def test_sniff_rejects_other_inputs(text: str) -> None:
    assert not sniff(text)


#: The access section pasted alone, as tickets bring it: the element, inside its <security>,
#: behind mail quotes, between sentences, in a Markdown fence.
_LONE_ACCESS = {
    "element": "{e}\n",
    "in-security": "<security>\n  {e}\n</security>\n",
    "quoted": "> <security>\n>   {e}\n> </security>\n",
    "between-sentences": "We set this on the site:\n\n{e}\n\nand restarted IIS. Still 403.16.\n",
    "fenced": "The site has:\n```xml\n{e}\n```\n",
}
_FLAGS = {"Ssl, SslNegotiateCert, SslRequireCert": "IIS008",
          "Ssl,SslNegotiateCert,SslRequireCert,Ssl128": "IIS008",
          "Ssl, SslNegotiateCert": "IIS009"}


@pytest.mark.parametrize("flags", list(_FLAGS))
@pytest.mark.parametrize("shape", list(_LONE_ACCESS))
def test_the_access_section_pasted_alone_is_read(shape: str, flags: str) -> None:
    element = f'<access sslFlags="{flags}" />'
    text = _LONE_ACCESS[shape].format(e=element)
    result = analyze_text(text, "<test>")
    assert result.kind == "iis-config"
    assert _FLAGS[flags] in {f.rule for f in result.findings}, result.findings


@pytest.mark.parametrize("text", [
    '<access sslFlags="Ssl" />\n',  # no client certificate setting: nothing to say
    '<access policy="Read, Script" />\n',  # another product's access element
    '<security><access mode="allow" /></security>\n',
])
def test_an_access_element_without_client_certificate_flags_says_nothing_of_them(
        text: str) -> None:
    result = analyze_text(text, "<test>")
    assert not {"IIS008", "IIS009"} & {f.rule for f in result.findings}


def test_a_sub_status_beside_settings_alone_still_asks_what_to_collect() -> None:
    """Settings say nothing about what failed: a sub-status named beside them is still all
    the input says of the failure, so it is answered with what to collect."""
    text = ('Our web.config:\n\n<access sslFlags="Ssl, SslNegotiateCert, SslRequireCert" />\n\n'
            "Users still get 403.16 on the portal.\n")
    result = analyze_text(text, "<test>")
    assert result.kind == "iis-config" and result.verdict == "inconclusive"
    assert "TKT004" in {f.rule for f in result.findings}
    assert "certutil -verify -urlfetch" in result.next_steps[0]


def test_sniff_looks_only_at_the_start() -> None:
    late = "<configuration>\n" + "<!-- padding -->\n" * 10000 + "<system.webServer/>\n"
    assert not sniff(late)
    assert sniff("<configuration>\n<system.webServer/>\n" + "<!-- x -->\n" * 10000)


# ---- parsing the metabase -----------------------------------------------------------------------
def test_mission_fragment_without_root_is_read() -> None:
    doc = _read(MISSION_FRAGMENT)
    assert doc.kind == "metabase" and doc.fragment and doc.unparsed == ()
    assert doc.metabase is not None and doc.metabase.service is None
    cdb, wcdb = doc.metabase.sites
    assert (cdb.server_comment, cdb.location, cdb.site_id, cdb.line) == (
        "CDB", "/LM/W3SVC/690402", "690402", 1)
    assert (wcdb.server_comment, wcdb.location, wcdb.line) == ("WCDB", "/LM/W3SVC/90326589", 23)
    assert cdb.cert_check_mode is None and cdb.effective_cert_check_mode == 0
    assert cdb.cert_check_mode_source == "default" and cdb.revocation == "online"
    assert wcdb.cert_check_mode == 1 and wcdb.cert_check_mode_source == "site"
    assert wcdb.revocation == "off"
    assert cdb.secure_bindings == ("XX.XX.XX.X:443:",)
    assert wcdb.server_bindings == ("XX.XX.XX.Y:80:wcdb",)
    assert cdb.ssl_cert_hash == "3e9d0b7a51c4f28e6a0d93b1c75f42e80a6db319"
    assert cdb.ssl_store_name == "MY"
    # a fragment does not show AccessSSLFlags: unknown, not "ignore"
    assert cdb.client_certificates is None and wcdb.client_certificates is None
    assert cdb.requires_client_cert is None


def test_labels_around_the_pasted_xml_are_kept_as_unparsed_lines() -> None:
    body = MISSION_FRAGMENT.read_text()
    second = '<IIsWebServer Location ="/LM/W3SVC/90326589"'
    pasted = ("Non-Working site:\n\n=================\n\n"
              + body.replace(second, "Working Site:\n\n=============\n\n" + second))
    doc = parse(pasted)
    assert [s.name for s in doc.metabase.sites] == ["CDB", "WCDB"]  # type: ignore[union-attr]
    assert [(u.line, u.text) for u in doc.unparsed] == [
        (1, "Non-Working site:"), (3, "================="),
        (27, "Working Site:"), (29, "=============")]
    assert {u.reason for u in doc.unparsed} == {"text outside the XML elements"}


def test_mission_article_excerpt_is_read_from_the_article() -> None:
    if not MISSION.is_file():
        pytest.skip("mission article not present")
    text = MISSION.read_text(encoding="utf-8")
    start = text.index("Non-Working site:")
    end = text.index("</IIsWebServer>", text.index("Working Site:")) + len("</IIsWebServer>")
    result = analyze_text(text[start:end])
    assert result.kind == "iis-config"
    differs = next(f for f in result.findings if f.rule == "IIS001")
    assert "site WCDB (/LM/W3SVC/90326589" in differs.message
    assert "has CertCheckMode=1 (revocation checking off)" in differs.message
    assert "site CDB (/LM/W3SVC/690402" in differs.message
    assert "Only CDB downloads CRLs" in differs.message


def test_site_inherits_cert_check_mode_from_the_web_service() -> None:
    doc = _read(CONTOSO_MB)
    assert doc.kind == "metabase" and not doc.fragment and doc.unparsed == ()
    mb = doc.metabase
    assert mb is not None and mb.service is not None
    assert (mb.service.cert_check_mode, mb.service.line) == (2, 17)
    assert mb.service.revocation_url_retrieval_timeout == 15000
    portal, partners, intranet = mb.sites
    assert (portal.name, portal.cert_check_mode, portal.effective_cert_check_mode,
            portal.cert_check_mode_source) == ("Contoso Portal", None, 2, "/LM/W3SVC")
    assert portal.revocation == "cache-only"
    assert portal.revocation_url_retrieval_timeout == 15000
    assert (partners.cert_check_mode, partners.effective_cert_check_mode,
            partners.cert_check_mode_source) == (65536, 65536, "site")
    assert partners.revocation == "online" and not partners.usage_check
    assert intranet.effective_cert_check_mode == 2 and not intranet.has_ssl


def test_client_certificate_mode_is_the_strongest_flag_in_the_site() -> None:
    mb = _read(CONTOSO_MB).metabase
    assert mb is not None
    portal, partners, intranet = mb.sites
    assert portal.client_certificates == "require"
    assert portal.client_certificates_at == "/LM/W3SVC/1/ROOT"
    flags = portal.client_certificates_flags
    assert flags is not None and flags.line == 41 and flags.value == 0x8 | 0x20 | 0x40 | 0x100
    assert flags.names == ("AccessSSL", "AccessSSLNegotiateCert", "AccessSSLRequireCert",
                           "AccessSSL128")
    assert partners.client_certificates == "accept"
    assert [k.location for k in partners.keys] == ["/LM/W3SVC/1783425612/root",
                                                   "/LM/W3SVC/1783425612/root/upload"]
    assert partners.keys[1].access_ssl_flags.map_cert
    assert partners.keys[1].key_type == "IIsWebDirectory"
    # a whole metabase without AccessSSLFlags means 0: ignore
    assert intranet.client_certificates == "ignore" and intranet.client_certificates_flags is None
    assert (portal.requires_client_cert, partners.requires_client_cert) == (True, False)


def test_access_ssl_flags_inherited_from_the_web_service() -> None:
    doc = _metabase('<IIsWebService Location ="/LM/W3SVC" AccessSSLFlags="AccessSSL | '
                    'AccessSSLNegotiateCert" />\n'
                    '<IIsWebServer Location ="/LM/W3SVC/7" SecureBindings=":443:" '
                    'ServerComment="Tailspin" />')
    site = doc.metabase.sites[0]  # type: ignore[union-attr]
    assert site.client_certificates == "accept" and site.client_certificates_at == "/LM/W3SVC"


@pytest.mark.parametrize(("value", "expected"), [
    ("104", 0x68), ("0x68", 0x68), ("AccessSSL|AccessSSLRequireCert", 0x48),
    ("accessssl | ACCESSSSLNEGOTIATECERT", 0x28), ("0", 0),
])
def test_access_ssl_flags_numbers_and_names(value: str, expected: int) -> None:
    doc = _metabase(f'<IIsWebServer Location="/LM/W3SVC/3" SecureBindings=":443:" />\n'
                    f'<IIsWebVirtualDir Location="/LM/W3SVC/3/ROOT" AccessSSLFlags="{value}" />')
    site = doc.metabase.sites[0]  # type: ignore[union-attr]
    assert site.keys[0].access_ssl_flags.value == expected
    assert doc.unparsed == ()


def test_unknown_values_are_reported_not_guessed() -> None:
    doc = _metabase('<IIsWebServer Location="/LM/W3SVC/3" CertCheckMode="on" />\n'
                    '<IIsWebVirtualDir Location="/LM/W3SVC/3/ROOT" '
                    'AccessSSLFlags="AccessSSL | AccessSSLSometimes" />')
    site = doc.metabase.sites[0]  # type: ignore[union-attr]
    assert site.cert_check_mode is None and site.effective_cert_check_mode == 0
    assert site.keys[0].access_ssl_flags.value == 0x8
    reasons = {(u.line, u.reason) for u in doc.unparsed}
    assert (3, "CertCheckMode value 'on' is not a number") in reasons
    assert (4, "AccessSSLFlags: unknown flag 'AccessSSLSometimes'") in reasons


def test_hex_cert_check_mode_and_custom_property_by_id() -> None:
    doc = _metabase('<IIsWebServer Location="/LM/W3SVC/4" CertCheckMode="0x10001" />\n'
                    '<IIsWebServer Location="/LM/W3SVC/5">\n'
                    '  <Custom Name="" ID="2160" Value="2" Type="DWORD" />\n'
                    "</IIsWebServer>")
    four, five = doc.metabase.sites  # type: ignore[union-attr]
    assert four.cert_check_mode == 0x10001 and four.revocation == "off" and not four.usage_check
    assert five.cert_check_mode == 2 and five.revocation == "cache-only"


def test_virtual_directory_only_fragment_makes_a_site_without_its_server_key() -> None:
    doc = parse('<IIsWebVirtualDir Location="/LM/W3SVC/9/ROOT" '
                'AccessSSLFlags="AccessSSL | AccessSSLNegotiateCert | AccessSSLRequireCert" />')
    site = doc.metabase.sites[0]  # type: ignore[union-attr]
    assert (site.location, site.has_server_key, site.client_certificates) == (
        "/LM/W3SVC/9", False, "require")


def test_truncated_paste_keeps_what_came_before() -> None:
    text = MISSION_FRAGMENT.read_text()
    cut = text[:text.index('SecureBindings="XX.XX.XX.Y')]
    doc = parse(cut)
    assert [s.name for s in doc.metabase.sites] == ["CDB"]  # type: ignore[union-attr]
    assert len(doc.unparsed) == 1
    assert doc.unparsed[0].reason.startswith("the XML ends inside an element")


def test_malformed_xml_in_the_middle_is_reported_at_its_line() -> None:
    text = MISSION_FRAGMENT.read_text().replace('ServerComment="WCDB"', 'ServerComment="W<CDB"')
    doc = parse(text)
    assert [s.name for s in doc.metabase.sites] == ["CDB"]  # type: ignore[union-attr]
    (problem,) = doc.unparsed
    assert problem.line == 41 and problem.text == 'ServerComment="W<CDB"'
    assert problem.reason.startswith("not well-formed XML")


def test_typographic_quotes_and_mail_quoting_are_repaired() -> None:
    text = MISSION_FRAGMENT.read_text()
    curly = text.replace('CertCheckMode="1"', "CertCheckMode=\u201c1\u201d")
    assert parse(curly).metabase.sites[1].cert_check_mode == 1  # type: ignore[union-attr]
    quoted = "\n".join("> " + line if line.strip() else line for line in text.split("\n"))
    doc = parse(quoted)
    assert [s.cert_check_mode for s in doc.metabase.sites] == [None, 1]  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "reason"), [
    ("", "the input is empty"),
    (("<!DOCTYPE c [<!ENTITY big \"xxxxxxxx\">]>\n<configuration><system.webServer>&big;"
     "</system.webServer></configuration>"), "refused: the XML declares entities"),
    ("<configuration><appSettings /></configuration>", "no IIS metabase key or IIS configuration"),
    ('<IIsWebServer Location="/LM/W3SVC/1" <<<', "not well-formed XML at line 1"),
    ('<IIS_Global Location="." />', "metabase XML without any /LM/W3SVC key"),
])
def test_unreadable_input_raises_a_one_line_value_error(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse(text)
    assert str(info.value).startswith(reason)
    assert "\n" not in str(info.value)


def test_unreadable_input_is_an_error_result_through_the_pipeline() -> None:
    result = analyze_text('<IIsWebServer Location="/LM/W3SVC/1" <<<')
    assert result.kind == "iis-config" and result.status == "error"
    assert result.error is not None and result.error.startswith("not well-formed XML")


def test_declared_utf16_encoding_does_not_mislead_the_reader() -> None:
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<configuration>\n<system.webServer>'
            '<security><access sslFlags="Ssl, SslNegotiateCert" /></security>'
            "</system.webServer>\n</configuration>\n")
    result = analyze_bytes(text.encode("utf-16"), "web.config")
    assert result.kind == "iis-config" and result.encoding == "utf-16-le"
    assert {f.rule for f in result.findings} == {"IIS009", "IIS010"}


def test_cert_check_mode_is_decoded_bit_by_bit() -> None:
    assert revocation_of(0) == "online" and revocation_of(0x4) == "online"
    assert revocation_of(0x1) == "off" and revocation_of(0x2) == "cache-only"
    assert revocation_of(0x10000) == "online"  # not "any value > 0 disables"
    assert describe_cert_check_mode(0x4) == (
        "revocation checked online, CRLs re-fetched after RevocationFreshnessTime")
    assert describe_cert_check_mode(0x10002) == (
        "revocation checked against locally cached CRLs only, usage (EKU) check off")
    assert describe_cert_check_mode(0x100) == "revocation checked online, unknown bits 0x100"
    assert cert_check_mode_text(1) == "CertCheckMode=1"
    assert cert_check_mode_text(65537) == "CertCheckMode=65537 (0x10001)"


# ---- parsing IIS 7+ configuration ----------------------------------------------------------------
def test_application_host_sites_paths_and_locks() -> None:
    doc = _read(CONTOSO_AH)
    assert doc.kind == "applicationHost.config" and not doc.fragment and doc.unparsed == ()
    server = doc.server
    assert server is not None
    default, api = server.sites
    assert (default.name, default.id, default.has_https) == ("Default Web Site", "1", True)
    assert [(b.protocol, b.binding_information, b.ssl_flags) for b in default.bindings] == [
        ("http", "*:80:", None), ("https", "*:443:", "0")]
    assert (api.name, api.has_https) == ("Contoso Api", False)
    assert [(p.path, p.in_location) for p in server.paths] == [
        ("", False), ("Default Web Site/secure", True), ("Default Web Site/optional", True),
        ("Default Web Site/directory", True), ("Contoso Api", True)]
    root, secure, optional, directory, _ = server.paths
    assert root.access is not None and root.access.ssl_flags == ()
    assert root.access.client_cert_mode == "ignore"
    assert secure.access is not None and secure.access.client_cert_mode == "require"
    assert secure.access.ssl_flags == ("Ssl", "SslNegotiateCert", "SslRequireCert")
    assert secure.override_mode == "Allow" and secure.line == 67
    assert optional.access is not None and optional.access.client_cert_mode == "accept"
    assert directory.ds_mapping is not None and directory.ds_mapping.enabled is True
    lock = server.locked("system.webServer/security/access")
    assert lock is not None and lock.line == 17
    assert server.locked("system.webServer/defaultDocument") is None
    assert server.locked(
        "system.webServer/security/authentication/iisClientCertificateMappingAuthentication")


def test_mapping_sections_are_counted_without_keeping_secrets() -> None:
    doc = _read(CONTOSO_AH)
    secure = doc.server.paths[1]  # type: ignore[union-attr]
    mapping = secure.iis_mapping
    assert mapping is not None and mapping.enabled is True and mapping.usable_mappings == 3
    assert [m.user_name for m in mapping.one_to_one] == ["CONTOSO\\svc-portal"]
    staff, blocked = mapping.many_to_one
    assert (staff.name, staff.permission_mode, staff.rules) == ("Contoso staff", "Allow", 1)
    assert (blocked.name, blocked.permission_mode, blocked.rules, blocked.line) == (
        "Blocked contractors", "Deny", 2, 83)
    dumped = doc.model_dump_json()
    assert "enc:AesProvider" not in dumped and "U3ludGhldGlj" not in dumped


def test_web_config_and_fragments_are_told_apart() -> None:
    assert _read(WOODGROVE_WEB).kind == "web.config"
    empty = _read(CONTOSO_WEB)
    assert empty.kind == "web.config" and empty.server is not None and empty.server.paths == ()
    fragment = parse('<location path="Default Web Site/app">\n <system.webServer>\n'
                     '  <security><access sslFlags="Ssl, SslRequireCert" /></security>\n'
                     " </system.webServer>\n</location>\n")
    assert fragment.kind == "iis7-fragment" and fragment.fragment
    (path,) = fragment.server.paths  # type: ignore[union-attr]
    assert (path.path, path.line, path.access.line) == (  # type: ignore[union-attr]
        "Default Web Site/app", 1, 3)


@pytest.mark.parametrize(("value", "flags"), [
    ("Ssl,SslNegotiateCert", ("Ssl", "SslNegotiateCert")),
    ("ssl, sslrequirecert", ("Ssl", "SslRequireCert")),
    ("None", ()),
    ("104", ("Ssl", "SslNegotiateCert", "SslRequireCert")),
])
def test_ssl_flags_values(value: str, flags: tuple[str, ...]) -> None:
    doc = parse(f'<system.webServer><security><access sslFlags="{value}" /></security>'
                "</system.webServer>")
    assert doc.server.paths[0].access.ssl_flags == flags  # type: ignore[union-attr]
    assert doc.unparsed == ()


def test_unknown_ssl_flag_is_reported() -> None:
    doc = parse('<system.webServer><security><access sslFlags="Ssl, SslMaybeCert" />'
                "</security></system.webServer>")
    assert [u.reason for u in doc.unparsed] == ["sslFlags: unknown flag 'SslMaybeCert'"]


# ---- predicates: IIS 6 ----------------------------------------------------------------------------
def test_predicate_revocation_differs_names_each_site_with_its_setting() -> None:
    values = _one("iis_metabase_revocation_differs", _read(MISSION_FRAGMENT))
    assert values["sites"].startswith(
        "site WCDB (/LM/W3SVC/90326589, line 23) has CertCheckMode=1 (revocation checking off); "
        "site CDB (/LM/W3SVC/690402, line 1) has no CertCheckMode (revocation checked online, "
        "the default;")
    assert values["consequence"].startswith("Only CDB downloads CRLs")
    assert "WCDB never checks revocation" in values["consequence"]
    assert values["context"] == "sites WCDB (/LM/W3SVC/90326589), CDB (/LM/W3SVC/690402)"
    assert values["count"] == "2"


def test_predicate_revocation_differs_stays_quiet_when_sites_agree() -> None:
    assert _run("iis_metabase_revocation_differs", _read(FABRIKAM_MB)) == []
    # an HTTP-only site that ignores certificates does not count, whatever its setting
    doc = _metabase('<IIsWebServer Location="/LM/W3SVC/1" SecureBindings=":443:" />\n'
                    '<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT" AccessSSLFlags="104" />\n'
                    '<IIsWebServer Location="/LM/W3SVC/2" CertCheckMode="1" '
                    'ServerBindings=":80:" />')
    assert _run("iis_metabase_revocation_differs", doc) == []
    assert _run("iis_metabase_revocation_differs", _read(CONTOSO_AH)) == []


def test_predicate_revocation_differs_between_cache_only_and_online() -> None:
    values = _one("iis_metabase_revocation_differs", _read(CONTOSO_MB))
    assert "inherited from /LM/W3SVC" in values["sites"]
    assert "Contoso Portal uses only CRLs already cached" in values["consequence"]


@pytest.mark.parametrize(("setting", "path", "context"), [
    ("revocation-off", MISSION_FRAGMENT, "site WCDB (/LM/W3SVC/90326589)"),
    ("cache-only", CONTOSO_MB, "site Contoso Portal (/LM/W3SVC/1)"),
    ("no-usage-check", CONTOSO_MB, "site Contoso Partners (/LM/W3SVC/1783425612)"),
])
def test_predicate_cert_check_finds_the_site(setting: str, path: Path, context: str) -> None:
    values = _one("iis_metabase_cert_check", _read(path), setting=setting)
    assert values["context"] == context


@pytest.mark.parametrize("setting", ["revocation-off", "cache-only", "no-usage-check"])
def test_predicate_cert_check_quiet_on_default_settings(setting: str) -> None:
    assert _run("iis_metabase_cert_check", _read(FABRIKAM_MB), setting=setting) == []


def test_predicate_cert_check_reports_a_bare_web_service_key() -> None:
    doc = parse('<IIsWebService Location ="/LM/W3SVC" CertCheckMode="1" />')
    values = _one("iis_metabase_cert_check", doc, setting="revocation-off")
    assert values["context"] == "web service /LM/W3SVC"
    assert "inherited by every site" in values["sites"]
    assert _run("iis_metabase_cert_check", doc, setting="cache-only") == []


def test_predicate_cert_check_names_every_site_that_inherits_it() -> None:
    doc = _metabase('<IIsWebService Location="/LM/W3SVC" CertCheckMode="1" '
                    'AccessSSLFlags="AccessSSL | AccessSSLNegotiateCert" />\n'
                    '<IIsWebServer Location="/LM/W3SVC/1" ServerComment="A" SecureBindings=":443:" />\n'
                    '<IIsWebServer Location="/LM/W3SVC/2" ServerComment="B" SecureBindings=":443:" />')
    values = _one("iis_metabase_cert_check", doc, setting="revocation-off")
    assert values["context"] == "sites A (/LM/W3SVC/1), B (/LM/W3SVC/2)"
    assert values["sites"].count("CertCheckMode=1 inherited from /LM/W3SVC") == 2
    assert _run("iis_metabase_revocation_differs", doc) == []


def test_predicate_cert_check_setting_is_validated() -> None:
    check_args("iis_metabase_cert_check", {"setting": "cache-only"})
    with pytest.raises(ValueError):
        check_args("iis_metabase_cert_check", {"setting": "crl-off"})


def test_predicate_client_certs_by_mode() -> None:
    doc = _read(CONTOSO_MB)
    required = _one("iis_metabase_client_certs", doc, mode="require")
    assert required["context"] == "site Contoso Portal (/LM/W3SVC/1)"
    assert 'on /LM/W3SVC/1/ROOT (line 41)' in required["sites"]
    accepted = _one("iis_metabase_client_certs", doc, mode="accept")
    assert accepted["context"] == "site Contoso Partners (/LM/W3SVC/1783425612)"
    assert _run("iis_metabase_client_certs", _read(MISSION_FRAGMENT), mode="require") == []


def test_predicate_ssl_without_secure_binding() -> None:
    values = _one("iis_metabase_ssl_without_secure_binding", _read(FABRIKAM_MB))
    assert values["context"] == "site Fabrikam Legacy (/LM/W3SVC/3)"
    assert "ServerBindings :80:legacy.fabrikam.com" in values["sites"]
    assert _run("iis_metabase_ssl_without_secure_binding", _read(CONTOSO_MB)) == []
    # without its IIsWebServer key the site's bindings are unknown: no claim
    vdir_only = parse('<IIsWebVirtualDir Location="/LM/W3SVC/9/ROOT" AccessSSLFlags="104" />')
    assert _run("iis_metabase_ssl_without_secure_binding", vdir_only) == []


# ---- predicates: IIS 7+ ------------------------------------------------------------------------
def test_predicate_ssl_flags_by_mode() -> None:
    doc = _read(CONTOSO_AH)
    required = _one("iis_ssl_flags", doc, mode="require")
    assert required["context"] == 'location "Default Web Site/secure"; location "Contoso Api"'
    assert '(line 70)' in required["paths"] and '(line 119)' in required["paths"]
    accepted = _one("iis_ssl_flags", doc, mode="accept")
    assert accepted["count"] == "2"
    assert _run("iis_ssl_flags", _read(CONTOSO_WEB), mode="require") == []
    web = _one("iis_ssl_flags", _read(WOODGROVE_WEB), mode="require")
    assert web["context"] == "this web.config's folder"


def test_predicate_web_config_sets_locked_section() -> None:
    values = _one("iis_web_config_sets_locked_section", _read(WOODGROVE_WEB))
    assert values["sections"] == "system.webServer/security/access (sslFlags, line 13)"
    assert _run("iis_web_config_sets_locked_section", _read(CONTOSO_WEB)) == []
    # applicationHost.config is where the sections may be set
    assert _run("iis_web_config_sets_locked_section", _read(CONTOSO_AH)) == []
    mapping = parse("<configuration>\n<system.webServer><security><authentication>\n"
                    '<clientCertificateMappingAuthentication enabled="true" />\n'
                    "</authentication></security></system.webServer>\n</configuration>")
    values = _one("iis_web_config_sets_locked_section", mapping)
    assert values["sections"].endswith("clientCertificateMappingAuthentication (line 3)")


def test_predicate_mapping_without_mappings() -> None:
    values = _one("iis_cert_mapping_without_mappings", _read(FABRIKAM_AH))
    assert values["context"] == 'location "Fabrikam Web/api"'
    assert "0 one-to-one; 1 many-to-one, 0 enabled" in values["paths"]
    assert values["note"] == ""
    assert _run("iis_cert_mapping_without_mappings", _read(CONTOSO_AH)) == []


_ROOT_MAPPINGS = (
    "<system.webServer><security><authentication>"
    '<iisClientCertificateMappingAuthentication enabled="false"><oneToOneMappings>'
    '<add userName="CONTOSO\\svc-a" password="x" certificate="y" />'
    "</oneToOneMappings></iisClientCertificateMappingAuthentication>"
    "</authentication></security></system.webServer>")


@pytest.mark.parametrize(("location_section", "fires"), [
    ('<iisClientCertificateMappingAuthentication enabled="true" />', False),
    (('<iisClientCertificateMappingAuthentication enabled="true">'
     "<oneToOneMappings><clear /></oneToOneMappings>"
     "</iisClientCertificateMappingAuthentication>"), True),
    (('<iisClientCertificateMappingAuthentication enabled="true" '
     'oneToOneCertificateMappingsEnabled="false" />'), True),
    ('<iisClientCertificateMappingAuthentication enabled="false" />', False),
])
def test_predicate_mapping_without_mappings_follows_inheritance(
        location_section: str, fires: bool) -> None:
    doc = _apphost(_ROOT_MAPPINGS + '\n<location path="Contoso/app"><system.webServer>'
                   f"<security><authentication>{location_section}</authentication></security>"
                   "</system.webServer></location>")
    assert bool(_run("iis_cert_mapping_without_mappings", doc)) is fires


def test_predicate_mapping_without_mappings_in_a_web_config_says_what_it_cannot_see() -> None:
    doc = parse("<configuration><system.webServer><security><authentication>"
                '<iisClientCertificateMappingAuthentication enabled="true" />'
                "</authentication></security></system.webServer></configuration>")
    values = _one("iis_cert_mapping_without_mappings", doc)
    assert "applicationHost.config" in values["note"]


def test_predicate_many_to_one_deny() -> None:
    values = _one("iis_many_to_one_deny", _read(CONTOSO_AH))
    assert values["mappings"] == ('"Blocked contractors" at location "Default Web Site/secure" '
                                  "(line 83, 2 rules)")
    assert values["context"] == 'location "Default Web Site/secure"'
    disabled = (_read(CONTOSO_AH).model_dump_json()
                .replace('"permission_mode":"Deny"', '"permission_mode":"Allow"'))
    assert _run("iis_many_to_one_deny", IisConfig.model_validate_json(disabled)) == []
    off = parse("<system.webServer><security><authentication>"
                '<iisClientCertificateMappingAuthentication enabled="false"><manyToOneMappings>'
                '<add name="x" permissionMode="Deny" /></manyToOneMappings>'
                "</iisClientCertificateMappingAuthentication>"
                "</authentication></security></system.webServer>")
    assert _run("iis_many_to_one_deny", off) == []


def test_predicate_ds_mapping_enabled() -> None:
    values = _one("iis_ds_mapping_enabled", _read(CONTOSO_AH))
    # the server level sets enabled="false": only the location that turns it on
    assert values["context"] == 'location "Default Web Site/directory"'
    assert values["paths"] == ('location "Default Web Site/directory": '
                               '<clientCertificateMappingAuthentication enabled="true" /> '
                               "(line 110)")
    assert _run("iis_ds_mapping_enabled", _read(FABRIKAM_AH)) == []


def test_predicate_ssl_without_https_binding() -> None:
    values = _one("iis_ssl_without_https_binding", _read(CONTOSO_AH))
    assert values["context"] == 'site "Contoso Api"'
    assert "bindings: http *:8080:api.contoso.com" in values["sites"]
    assert _run("iis_ssl_without_https_binding", _read(FABRIKAM_AH)) == []
    assert _run("iis_ssl_without_https_binding", _read(WOODGROVE_WEB)) == []  # no sites shown


def test_predicate_ssl_without_https_binding_at_server_level() -> None:
    sites = ('<site name="A" id="1"><bindings><binding protocol="https" '
             'bindingInformation="*:443:" /></bindings></site>'
             '<site name="B" id="2"><bindings><binding protocol="http" '
             'bindingInformation="*:80:" /></bindings></site>')
    doc = _apphost('<system.webServer><security><access sslFlags="Ssl" /></security>'
                   "</system.webServer>", sites)
    values = _one("iis_ssl_without_https_binding", doc)
    assert values["context"] == 'site "B"' and "every site (server level)" in values["sites"]


def test_every_iis_predicate_is_tested_here() -> None:
    ours = {n for n, fn in PREDICATES.items()
            if fn.__module__ == "certtriage.parsers.iis_config.predicates"}
    source = Path(__file__).read_text()
    assert ours and all(f'"{name}"' in source for name in ours)


def test_predicates_ignore_other_documents() -> None:
    for name, fn in PREDICATES.items():
        if fn.__module__ != "certtriage.parsers.iis_config.predicates":
            continue
        args: dict[str, Any] = {}
        if name == "iis_metabase_cert_check":
            args = {"setting": "revocation-off"}
        elif name in ("iis_metabase_client_certs", "iis_ssl_flags"):
            args = {"mode": "require"}
        assert list(fn(object(), Binding(), **args)) == []


# ---- end to end -----------------------------------------------------------------------------------
EXPECTED = {
    MISSION_FRAGMENT: {"IIS001", "IIS002"},
    CONTOSO_MB: {"IIS001", "IIS003", "IIS004", "IIS005", "IIS006"},
    FABRIKAM_MB: {"IIS005", "IIS007"},
    CONTOSO_AH: {"IIS008", "IIS009", "IIS012", "IIS013", "IIS014"},
    FABRIKAM_AH: {"IIS008", "IIS011"},
    WOODGROVE_WEB: {"IIS008", "IIS010"},
    CONTOSO_WEB: set(),
}


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_fixture_diagnosis(path: Path) -> None:
    result = analyze_path(path)
    assert (result.kind, result.status, result.verdict) == ("iis-config", "parsed", "inconclusive")
    assert {f.rule for f in result.findings} == EXPECTED[path]
    assert result.root_causes == () and result.iis_substatus == ()
    assert isinstance(result.model, IisConfig)
    assert all(f.context for f in result.findings)
    json.loads(result.model_dump_json())  # the whole result serialises


def test_mission_case_reads_as_the_article_explains_it() -> None:
    result = analyze_path(MISSION_FRAGMENT)
    differs = next(f for f in result.findings if f.rule == "IIS001")
    assert (differs.cause, differs.severity) == ("revocation-check-inconsistent", "warning")
    assert differs.context == "sites WCDB (/LM/W3SVC/90326589), CDB (/LM/W3SVC/690402)"
    message = differs.message
    assert message.index("site WCDB") < message.index("CertCheckMode=1 (revocation checking off)")
    assert message.index("CertCheckMode=1") < message.index("site CDB")
    assert "site CDB (/LM/W3SVC/690402, line 1) has no CertCheckMode (revocation checked online" \
        in message
    assert "Only CDB downloads CRLs" in message and "it answers 403.13" in message
    assert "?" not in message
    disabled = next(f for f in result.findings if f.rule == "IIS002")
    assert (disabled.cause, disabled.context) == (
        "revocation-check-disabled", "site WCDB (/LM/W3SVC/90326589)")


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_messages_have_every_placeholder_filled(path: Path) -> None:
    for finding in analyze_path(path).findings:
        assert " ? " not in f" {finding.message} " and "{" not in finding.message, finding.rule


def test_web_config_risk_finding() -> None:
    result = analyze_path(WOODGROVE_WEB)
    risk = next(f for f in result.findings if f.rule == "IIS010")
    assert (risk.cause, risk.severity, risk.context) == (
        "locked-section-override", "warning", "this web.config's folder")
    assert "500.19" in risk.message and "0x80070021" in risk.message


def test_partial_status_when_lines_are_left_over() -> None:
    text = "Working Site:\n" + MISSION_FRAGMENT.read_text()
    result = analyze_text(text, "paste.txt")
    assert result.kind == "iis-config" and result.status == "partial"
    assert result.warnings == ("line 1: text outside the XML elements: Working Site:",)
