"""Schannel registry exports (reg query text and .reg files): sniffer, parser, predicates and
the diagnosis end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from certtriage import analyze_bytes, analyze_path, analyze_text
from certtriage.knowledge.predicates import Binding, check_args
from certtriage.parsers import FormatId
from certtriage.parsers.schannel_registry import sniff
from certtriage.parsers.schannel_registry.model import RegistryExport, canonical_path
from certtriage.parsers.schannel_registry.parser import parse
from certtriage.parsers.schannel_registry.predicates import (
    meaning,
    registry_protocol_enabled,
    registry_schannel_dword,
    registry_schannel_unset,
)
from certtriage.pipeline import detect as detect_text
from certtriage.text.decode import decode

from ...conftest import FIXTURES

REGISTRY = FIXTURES / "registry"
KEY = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"


def _text(path: Path) -> str:
    return decode(path.read_bytes(), str(path)).text


def _query(*values: str, key: str = KEY) -> RegistryExport:
    """reg query text of one key with `Name    REG_DWORD    0x1` values."""
    return parse("\n" + key + "\n" + "".join(f"    {v}\n" for v in values))


def _reg(body: str, header: str = "Windows Registry Editor Version 5.00") -> RegistryExport:
    return parse(f"{header}\n\n{body}")


# ---- sniffing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in REGISTRY.iterdir() if p.suffix != ".md"))
def test_sniff_accepts_every_fixture(name: str) -> None:
    assert sniff(_text(REGISTRY / name))


@pytest.mark.parametrize("text", [
    "HKLM\\SYSTEM\\ControlSet001\\Control\\SecurityProviders\\SCHANNEL\n    X    REG_DWORD    0x1\n",
    f"REGEDIT4\n\n[{KEY}\\Protocols\\TLS 1.2\\Server]\n\"Enabled\"=dword:00000000\n",
])
def test_sniff_accepts_other_spellings(text: str) -> None:
    assert sniff(text)


@pytest.mark.parametrize("text", [
    # a .reg file about another key
    ("Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet"
     "\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:443]\n\"SslCertHash\"=hex:01\n"),
    # a [SCHANNEL] key without the .reg header
    f"[{KEY}]\n\"SendTrustedIssuerList\"=dword:00000000\n",
    # the key path quoted in a sentence
    f"Set SendTrustedIssuerList under {KEY} to 0.\n",
    # the key path on a line of its own in an article, prose around it
    (f"This is controlled by the SendTrustedIssuerList value below the following key:\n{KEY}\n"
     "By default, the value is not set.\n"),
    f"Registry key:\n\n{KEY}\n\nValue: ClientAuthTrustMode (DWORD)\n",
    "",
])
def test_sniff_rejects_lookalikes(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize("after", [
    "    SendTrustedIssuerList    REG_DWORD    0x0",
    f"{KEY}\\Protocols",
    "ERROR: The system was unable to find the specified registry key or value.",
    "End of search: 3 match(es) found.",
    "",
])
def test_a_key_line_is_an_export_by_what_reg_query_prints_after_it(after: str) -> None:
    assert sniff(f"C:\\>reg query {KEY} /v SendTrustedIssuerList\n\n{KEY}\n{after}\n")


@pytest.mark.parametrize("key", [KEY, KEY + "\\", KEY.replace("HKEY_LOCAL_MACHINE", "HKLM")])
@pytest.mark.parametrize("around", ["{key}\n", "\n{key}\n\n", "\n    {key}\n\n"],
                         ids=["in-the-paragraph", "its-own-paragraph", "indented"])
def test_a_key_quoted_in_an_article_leaves_the_ticket_reader_to_it(key: str,
                                                                    around: str) -> None:
    """An article naming the key and a 403.7: no claim about the key's values is made, whether
    the key stands in the sentence's paragraph or in one of its own."""
    text = ("IIS logs 403 7 5. The behaviour is set by SendTrustedIssuerList below the key\n"
            + around.format(key=key) + "By default the value is not set.\n")
    result = analyze_text(text)
    assert result.kind == "ticket"
    assert not [f for f in result.findings if f.rule.startswith("REG")], result.findings


@pytest.mark.parametrize("path", [
    "certutil/pass/three-element-client-auth-urlfetch.txt",
    "events/copy-details/schannel-36885.txt",
    "netsh/default-iis-binding.txt",
])
def test_sniff_leaves_other_formats_alone(path: str) -> None:
    assert not sniff(_text(FIXTURES / path))


def test_the_format_registry_routes_exports_here() -> None:
    found = detect_text(_text(REGISTRY / "send-issuer-list-off.reg"))
    assert found is not None and found.id == FormatId.SCHANNEL_REGISTRY == "schannel-registry"


# ---- parsing: reg query -----------------------------------------------------------------------
def test_reg_query_dump() -> None:
    doc = parse(_text(REGISTRY / "reg-query-2012r2-send-issuer-list.txt"))
    assert doc.shape == "reg-query" and doc.header is None and doc.unparsed == ()
    assert len(doc.keys) == 11
    first = doc.keys[0]
    assert (first.path, first.line) == (KEY, 2)
    assert [(v.name, v.type, v.value, v.line) for v in first.values] == [
        ("EventLogging", "REG_DWORD", 3, 3), ("SendTrustedIssuerList", "REG_DWORD", 1, 4)]
    assert doc.keys[1].path == KEY + "\\Ciphers" and doc.keys[1].values == ()
    assert (doc.send_trusted_issuer_list, doc.event_logging) == (1, 3)
    assert doc.client_auth_trust_mode is None and doc.message_limit_server_client_auth is None
    assert [(p.protocol, p.side, p.enabled, p.disabled_by_default) for p in doc.protocols] == [
        ("SSL 2.0", "Client", None, 1), ("TLS 1.2", "Client", 1, 0), ("TLS 1.2", "Server", 1, 0)]
    server = doc.protocol("tls 1.2", "server")
    assert server is not None and server.enabled_line == 28


def test_reg_query_value_types() -> None:
    doc = _query(
        "CertificateMappingMethods    REG_DWORD    0x18",
        "MessageLimitServerClientAuth    REG_DWORD    0x8000",
        "Big    REG_QWORD    0x100000000",
        "Text    REG_SZ    hello world",
        "Empty    REG_SZ",
        "List    REG_MULTI_SZ    a\\0b",
        "Blob    REG_BINARY    01FF",
        "(Default)    REG_SZ    (value not set)",
    )
    values = {v.name: (v.type, v.value) for v in doc.keys[0].values}
    assert values == {
        "CertificateMappingMethods": ("REG_DWORD", 0x18),
        "MessageLimitServerClientAuth": ("REG_DWORD", 0x8000),
        "Big": ("REG_QWORD", 2**32), "Text": ("REG_SZ", "hello world"), "Empty": ("REG_SZ", ""),
        "List": ("REG_MULTI_SZ", "a\nb"), "Blob": ("REG_BINARY", "01FF"),
        "(Default)": ("REG_SZ", "(value not set)"),
    }
    assert doc.certificate_mapping_methods == 0x18
    assert doc.message_limit_server_client_auth == 0x8000


def test_reg_query_noise_is_skipped_and_junk_is_kept() -> None:
    text = (f'C:\\>reg query "{KEY}" /s\n\n{KEY}\n    EventLogging    REG_DWORD    0x1\n'
            "    Broken    REG_DWORD    0xZZ\n"
            "ERROR: The system was unable to find the specified registry key or value.\n"
            "End of search: 1 match(es) found.\n")
    doc = parse(text)
    assert doc.event_logging == 1
    assert [(u.line, u.reason) for u in doc.unparsed] == [
        (5, "REG_DWORD data not understood"),
        (6, "not a registry key or value line of reg query"),
    ]


def test_controlset001_and_hklm_spellings_find_the_schannel_key() -> None:
    doc = _query("SendTrustedIssuerList    REG_DWORD    0x0",
                 key=r"HKLM\SYSTEM\ControlSet001\Control\SecurityProviders\SCHANNEL")
    assert doc.send_trusted_issuer_list == 0
    assert canonical_path(r"hklm\System\ControlSet002\Control\SecurityProviders\Schannel\\") == (
        canonical_path(KEY))


def test_value_before_any_key() -> None:
    doc = parse(f"    X    REG_DWORD    0x1\n{KEY}\n")
    assert [u.reason for u in doc.unparsed] == ["value before the first key line"]


# ---- parsing: .reg files ----------------------------------------------------------------------
def test_utf16_reg_file() -> None:
    data = (REGISTRY / "client-auth-trust-mode-2.reg").read_bytes()
    assert data[:2] == b"\xff\xfe"
    doc = parse(_text(REGISTRY / "client-auth-trust-mode-2.reg"))
    assert doc.shape == "reg-file" and doc.header == "Windows Registry Editor Version 5.00"
    assert (doc.client_auth_trust_mode, doc.send_trusted_issuer_list, doc.event_logging) == (
        2, 0, 7)
    assert doc.schannel_key is not None and doc.schannel_key.line == 3
    assert doc.unparsed == ()


def test_regedit4_file() -> None:
    doc = parse(_text(REGISTRY / "tls12-server-disabled.reg"))
    assert doc.header == "REGEDIT4" and doc.schannel_key is None
    assert doc.send_trusted_issuer_list is None
    tls12 = doc.protocol("TLS 1.2", "Server")
    assert tls12 is not None and (tls12.enabled, tls12.disabled_by_default) == (0, 1)


def test_reg_file_value_types_comments_and_continuations() -> None:
    doc = _reg(
        f"; a comment\n[{KEY}]\n"
        '@="default"\n'
        '"Quoted \\"name\\""="C:\\\\path"\n'
        '"Q"=hex(b):00,00,00,00,01,00,00,00\n'
        '"Multi"=hex(7):61,00,00,00,62,00,\\\n  00,00,00,00\n'
        '"Expand"=hex(2):25,00,78,00,25,00,00,00\n'
        '"Bin"=hex:de,ad,\\\n  be,ef\n'
        '"D4"=hex(4):01,00,00,00\n'
        '"Gone"=-\n'
    )
    values = {v.name: (v.type, v.value, v.line) for v in doc.keys[0].values}
    assert values == {
        "@": ("REG_SZ", "default", 5),
        'Quoted "name"': ("REG_SZ", "C:\\path", 6),
        "Q": ("REG_QWORD", 2**32, 7),
        "Multi": ("REG_MULTI_SZ", "a\nb", 8),
        "Expand": ("REG_EXPAND_SZ", "%x%", 10),
        "Bin": ("REG_BINARY", "deadbeef", 11),
        "D4": ("REG_DWORD", 1, 13),
        "Gone": ("delete", None, 14),
    }
    assert doc.unparsed == ()


def test_deleted_values_and_keys_and_the_last_value_win() -> None:
    doc = _reg(f'[{KEY}]\n"SendTrustedIssuerList"=dword:00000001\n"EventLogging"=dword:1\n\n'
               f'[{KEY}]\n"SendTrustedIssuerList"=-\n"EventLogging"=dword:00000003\n')
    assert doc.send_trusted_issuer_list is None and doc.event_logging == 3
    doc = _reg(f'[{KEY}]\n"ClientAuthTrustMode"=dword:00000001\n\n[-{KEY}]\n')
    assert doc.client_auth_trust_mode is None and doc.schannel_key is not None
    assert doc.keys[-1].deleted


def test_reg_file_lines_that_do_not_fit() -> None:
    doc = _reg(f'"Early"=dword:00000001\n[{KEY}]\n"A"=dword:xyz\n"B"="open\nnonsense\n')
    assert [(u.line, u.reason) for u in doc.unparsed] == [
        (3, "value before the first [key] line"),
        (5, "value data not understood (invalid literal for int() with base 16: 'xyz')"),
        (6, "value data not understood (unterminated string)"),
        (7, "not a key or value line of a .reg file"),
    ]


def test_text_without_registry_content_is_refused() -> None:
    with pytest.raises(ValueError, match="no registry key line"):
        parse("SendTrustedIssuerList = 1\n")


def test_model_is_strict() -> None:
    with pytest.raises(ValidationError):
        RegistryExport(shape="regedit")  # type: ignore[arg-type]


# ---- predicates -------------------------------------------------------------------------------
def test_registry_schannel_dword_equals() -> None:
    doc = _query("ClientAuthTrustMode    REG_DWORD    0x2")
    (hit,) = registry_schannel_dword(doc, Binding(), name="ClientAuthTrustMode", equals=[1, 2])
    assert hit.values == {"context": KEY, "name": "ClientAuthTrustMode", "value": "2",
                          "hex": "0x2", "meaning": "Exclusive CA Trust", "line": "3"}
    assert not list(registry_schannel_dword(doc, Binding(), name="ClientAuthTrustMode",
                                            equals=[0]))
    assert not list(registry_schannel_dword(doc, Binding(), name="EventLogging"))


@pytest.mark.parametrize(("value", "fires"), [(0, True), (1, True), (2, False), (3, False),
                                              (4, True), (7, False)])
def test_registry_schannel_dword_lacks_bits(value: int, fires: bool) -> None:
    doc = _query(f"EventLogging    REG_DWORD    {value:#x}")
    found = list(registry_schannel_dword(doc, Binding(), name="EventLogging", lacks_bits=2))
    assert bool(found) is fires


def test_a_string_value_is_not_a_dword() -> None:
    doc = _query("SendTrustedIssuerList    REG_SZ    1")
    assert doc.send_trusted_issuer_list is None
    assert not list(registry_schannel_dword(doc, Binding(), name="SendTrustedIssuerList"))
    assert not list(registry_schannel_unset(doc, Binding(), name="SendTrustedIssuerList"))


def test_registry_schannel_unset_needs_the_schannel_key_itself() -> None:
    (hit,) = registry_schannel_unset(_query("EventLogging    REG_DWORD    0x1"), Binding(),
                                     name="SendTrustedIssuerList")
    assert hit.values["name"] == "SendTrustedIssuerList" and hit.values["line"] == "2"
    only_protocols = _query("Enabled    REG_DWORD    0x0", key=KEY + r"\Protocols\TLS 1.2\Server")
    assert not list(registry_schannel_unset(only_protocols, Binding(),
                                            name="SendTrustedIssuerList"))


def test_registry_protocol_enabled() -> None:
    doc = parse(_text(REGISTRY / "tls12-server-disabled.reg"))
    (hit,) = registry_protocol_enabled(doc, Binding(), protocol="TLS 1.2", side="Server",
                                       enabled=False)
    assert hit.values["enabled_others"] == "TLS 1.0" and hit.values["line"] == "8"
    assert hit.values["protocol"] == "TLS 1.2" and hit.values["side"] == "Server"
    assert not list(registry_protocol_enabled(doc, Binding(), protocol="TLS 1.2", side="Server",
                                              enabled=True))
    assert not list(registry_protocol_enabled(doc, Binding(), protocol="TLS 1.3", side="Server",
                                              enabled=False))


def test_meaning() -> None:
    assert meaning("ClientAuthTrustMode", 1) == "Exclusive Root Trust"
    assert meaning("ClientAuthTrustMode", 9) == "an undocumented mode"
    assert meaning("EventLogging", 0) == "logs nothing"
    assert meaning("EventLogging", 5) == "logs errors and informational and success events"


def test_rule_arguments_are_checked() -> None:
    with pytest.raises(ValidationError):
        check_args("registry_schannel_dword", {"name": "SendTrustedIssuerLst"})
    with pytest.raises(ValidationError):
        check_args("registry_protocol_enabled",
                   {"protocol": "TLS1.2", "side": "Server", "enabled": False})


# ---- end to end -------------------------------------------------------------------------------
def _rules(name: str) -> dict[str, str]:
    result = analyze_path(REGISTRY / name)
    assert result.kind == "schannel-registry" and result.status == "parsed"
    assert result.verdict == "inconclusive" and result.root_causes == ()
    return {f.rule: f.cause for f in result.findings}


@pytest.mark.parametrize(("name", "expected"), [
    ("reg-query-2012r2-send-issuer-list.txt", {"REG001": "issuer-list-sent"}),
    ("send-issuer-list-off.reg", {"REG003": "issuer-list-not-sent"}),
    ("client-auth-trust-mode-2.reg", {"REG003": "issuer-list-not-sent",
                                      "REG004": "exclusive-client-auth-trust"}),
    ("event-logging-1.txt", {"REG002": "issuer-list-default",
                             "REG005": "schannel-warnings-not-logged"}),
    ("tls12-server-disabled.reg", {"REG006": "tls12-server-disabled"}),
    ("tls13-server-only.reg", {}),
])
def test_fixture_findings(name: str, expected: dict[str, str]) -> None:
    assert _rules(name) == expected


def test_issuer_list_sent_message_and_substatus() -> None:
    result = analyze_path(REGISTRY / "reg-query-2012r2-send-issuer-list.txt")
    (finding,) = result.findings
    assert finding.severity == "warning" and finding.iis_substatus == ("403.7",)
    assert finding.message.startswith("SendTrustedIssuerList = 1 (line 4)")
    assert "36885" in finding.message and "16 KB" in finding.message
    assert finding.context == KEY
    why = " ".join(finding.why.split())
    assert "Windows Server 2012 / Windows 8" in why and "Windows Server 2008 R2" in why


def test_absent_value_says_the_export_does_not_decide() -> None:
    result = analyze_path(REGISTRY / "event-logging-1.txt")
    finding = next(f for f in result.findings if f.rule == "REG002")
    assert finding.severity == "info"
    assert "does not show which Windows version" in finding.message
    assert "third-party" in finding.why


def test_trust_mode_message() -> None:
    result = analyze_path(REGISTRY / "client-auth-trust-mode-2.reg")
    finding = next(f for f in result.findings if f.rule == "REG004")
    assert "ClientAuthTrustMode = 2, Exclusive CA Trust (line 5)" in finding.message
    assert finding.iis_substatus == ("403.16",) and finding.severity == "warning"


def test_tls12_message_names_the_other_protocols() -> None:
    result = analyze_path(REGISTRY / "tls12-server-disabled.reg")
    (finding,) = result.findings
    assert finding.message.startswith("`Protocols\\TLS 1.2\\Server`: Enabled = 0 (line 8)")
    assert "(server protocols it does enable: TLS 1.0)" in finding.message
    assert finding.context == KEY + "\\Protocols\\TLS 1.2\\Server"


def test_utf16_without_bom_and_a_bad_line_is_partial() -> None:
    text = f"\r\n{KEY}\r\n    SendTrustedIssuerList    REG_DWORD    0x1\r\nstray text\r\n"
    result = analyze_bytes(text.encode("utf-16-le"), "reg_Schannel.txt")
    assert result.kind == "schannel-registry" and result.status == "partial"
    assert result.encoding == "utf-16-le"
    assert [f.rule for f in result.findings] == ["REG001"]
    assert result.warnings == ("line 4: not a registry key or value line of reg query: stray text",)


def test_the_model_is_reported_and_serialisable() -> None:
    result = analyze_path(REGISTRY / "client-auth-trust-mode-2.reg")
    assert isinstance(result.model, RegistryExport)
    dumped = result.model_dump(mode="json")
    assert dumped["model"]["keys"][0]["values"][1] == {
        "name": "ClientAuthTrustMode", "type": "REG_DWORD", "value": 2, "line": 5}


# ---- robustness -------------------------------------------------------------------------------
_PIECES = [KEY, KEY + r"\Protocols\TLS 1.2\Server", "    Enabled    REG_DWORD    0x0",
           "    X    REG_SZ", f"[{KEY}]", f"[-{KEY}]", '"A"=dword:00000001', '"B"=hex:01,\\',
           "  02", '"C"=hex(7):61,00,00,00', '"D"=-', "@=\"x\"", "", "; note"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["", "Windows Registry Editor Version 5.00\n", "REGEDIT4\n"]),
       st.lists(st.one_of(st.sampled_from(_PIECES),
                          st.text(alphabet=st.sampled_from('[]"=\\:,-@ abcHKEY_0x1f()'),
                                  max_size=40)), max_size=30))
def test_parse_never_fails_unexpectedly(header: str, lines: list[str]) -> None:
    text = header + KEY + "\n" + "\n".join(lines)
    doc = parse(text)  # a key line or a header is enough: never refused
    for key in doc.keys:
        assert key.line >= 1 and all(v.line > key.line for v in key.values)
    # the convenience views never raise
    assert all(p.side for p in doc.protocols)
    assert doc.send_trusted_issuer_list in (None, 0, 1)
