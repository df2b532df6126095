"""`netsh http show sslcert`: sniffer, parser, predicates and the diagnosis end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from certtriage import analyze_bytes, analyze_path
from certtriage.knowledge.predicates import Binding, check_args
from certtriage.parsers import FormatId
from certtriage.parsers.netsh_sslcert import sniff
from certtriage.parsers.netsh_sslcert.model import SslBinding, SslCertBindings
from certtriage.parsers.netsh_sslcert.parser import parse
from certtriage.parsers.netsh_sslcert.predicates import (
    SslBindingMatch,
    sslcert_ctl,
    sslcert_labels_set,
    sslcert_setting,
    sslcert_url_timeout_below,
)
from certtriage.pipeline import detect as detect_text

from ...conftest import FIXTURES

NETSH = FIXTURES / "netsh"

BINDING = """\
    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : My
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
"""
HEADER = "\nSSL Certificate bindings:\n-------------------------\n\n"


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def _doc(*blocks: str) -> SslCertBindings:
    return parse(HEADER + "\n".join(blocks))


def _with(**changes: str) -> str:
    """BINDING with some `label : value` lines replaced (keys are the labels)."""
    lines = []
    for line in BINDING.splitlines():
        label = line.split(" : ")[0].strip() if " : " in line else line.strip()
        lines.append(f"    {label} : {changes[label]}" if label in changes else line)
    return "\n".join(lines) + "\n"


# ---- sniffing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in NETSH.glob("*.txt")))
def test_sniff_accepts_every_fixture(name: str) -> None:
    assert sniff(_text(NETSH / name))


def test_sniff_accepts_a_paste_without_the_header() -> None:
    assert sniff(BINDING)


@pytest.mark.parametrize("text", [
    "Certificate Hash : 0a1b2c3d\nsomething else\n",  # a hash line alone
    "IP:port is what netsh prints first\n",
    "The binding of IP:port 0.0.0.0:443 has Certificate Hash 0a1b in our notes.\n",
])
def test_sniff_rejects_text_that_only_mentions_the_labels(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize("path", [
    "certutil/pass/three-element-client-auth-urlfetch.txt",
    "events/copy-details/schannel-36885.txt",
    "registry/reg-query-2012r2-send-issuer-list.txt",
])
def test_sniff_leaves_other_formats_alone(path: str) -> None:
    assert not sniff(_text(FIXTURES / path))


def test_sniff_looks_only_at_the_start() -> None:
    assert not sniff("x\n" * 10000 + HEADER + BINDING)


def test_the_format_registry_routes_netsh_output_here() -> None:
    found = detect_text(HEADER + BINDING)
    assert found is not None and found.id == FormatId.NETSH_SSLCERT == "netsh-sslcert"


# ---- parsing ----------------------------------------------------------------------------------
def test_default_binding_fields() -> None:
    doc = parse(_text(NETSH / "default-iis-binding.txt"))
    assert doc.header_line == 2
    (b,) = doc.bindings
    assert (b.kind, b.endpoint, b.line) == ("ip_port", "0.0.0.0:443", 5)
    assert b.certificate_hash == "b79040927a96e8958f6e9de698e0f4461b7caf83"
    assert b.application_id == "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
    assert b.store_name == "My"
    assert (b.verify_revocation, b.cached_only, b.usage_check) == (True, False, True)
    assert (b.revocation_freshness_time, b.url_retrieval_timeout) == (0, 0)
    assert (b.ctl_identifier, b.ctl_store_name) == (None, None)
    assert (b.ds_mapper, b.negotiate_client_certificate) == (False, False)
    assert b.other == {} and b.extended_properties == ()
    assert b.field_lines["negotiate_client_certificate"] == 17
    assert b.description == "binding 0.0.0.0:443"
    assert doc.unparsed == ()


def test_2008r2_padding_reads_like_the_newer_layout() -> None:
    old = parse(_text(NETSH / "windows-2008r2-padded.txt"))
    assert [b.endpoint for b in old.bindings] == ["0.0.0.0:443", "192.168.10.20:8443"]
    first, second = old.bindings
    assert first.store_name == "MY" and first.usage_check is True
    assert first.ds_mapper is False and first.negotiate_client_certificate is False
    assert second.verify_revocation is False and second.negotiate_client_certificate is True
    assert old.unparsed == ()  # the command line and the trailing prompt are not evidence


def test_multi_binding_kinds_newer_labels_and_extended_properties() -> None:
    doc = parse(_text(NETSH / "multi-binding-sni-newer.txt"))
    assert [(b.kind, b.endpoint) for b in doc.bindings] == [
        ("ip_port", "0.0.0.0:443"),
        ("hostname_port", "portal.contoso.com:443"),
        ("hostname_port", "legacy.fabrikam.com:443"),
        ("ccs", "8443"),
    ]
    portal, legacy, ccs = doc.bindings[1:]
    assert portal.description == "binding portal.contoso.com:443 (SNI)"
    assert ccs.description == "Central Certificate Store binding on port 8443"
    assert ccs.certificate_hash is None and ccs.store_name is None
    assert portal.store_name == "WebHosting" and portal.url_retrieval_timeout == 2000
    assert portal.other["Disable TLS1.3"] == "Not Set" and not portal.is_set("Disable TLS1.3")
    assert legacy.is_set("disable  tls1.3") and legacy.is_set("Disable HTTP2")
    assert not legacy.is_set("Disable QUIC")
    assert len(legacy.other) == 10
    assert legacy.extended_properties == (
        {"PropertyId": "0", "Receive Window": "1048576"},
        {"PropertyId": "1", "Max Settings Per Frame": "2796202",
         "Max Settings Per Minute": "4294967295"},
    )
    assert doc.unparsed == ()


def test_ctl_and_cached_only_values() -> None:
    (b,) = parse(_text(NETSH / "cached-only-with-ctl.txt")).bindings
    assert b.cached_only is True and b.url_retrieval_timeout == 1000
    assert (b.ctl_identifier, b.ctl_store_name) == ("WoodgrovePartnerCAs", "CA")


def test_header_only_output_has_no_bindings() -> None:
    doc = parse(_text(NETSH / "no-bindings.txt"))
    assert doc.bindings == () and doc.unparsed == () and doc.header_line == 2


def test_ipv6_endpoint_and_tight_spacing() -> None:
    doc = parse("IP:port: [::]:443\nCertificate Hash: abcd\nUsage Check:Disabled\n")
    (b,) = doc.bindings
    assert b.endpoint == "[::]:443" and b.certificate_hash == "abcd"
    # `Usage Check:Disabled` has no space after the colon: kept, not guessed
    assert b.usage_check is None
    assert [u.line for u in doc.unparsed] == [3]


def test_lines_that_do_not_fit_are_kept_with_a_reason() -> None:
    text = (HEADER + "    Usage Check : Enabled\n" + _with(**{"Usage Check": "Sometimes"})
            + "    Usage Check : Disabled\n" + "The system cannot find the file specified.\n")
    doc = parse(text)
    reasons = [u.reason for u in doc.unparsed]
    assert reasons[0] == "setting before the first IP:port / Hostname:port line"
    assert "value of Usage Check not understood" in reasons
    assert "Usage Check repeated in one binding" not in reasons  # the first was unreadable
    assert reasons[-1] == "not a `label : value` line of netsh http show sslcert"
    # the unreadable value stays unknown, the later readable one is taken
    assert doc.bindings[0].usage_check is False


def test_a_repeated_setting_keeps_the_first_value() -> None:
    doc = parse(HEADER + BINDING + "    Usage Check : Disabled\n")
    assert doc.bindings[0].usage_check is True
    assert [u.reason for u in doc.unparsed] == ["Usage Check repeated in one binding"]


def test_unknown_labels_are_kept_in_other() -> None:
    doc = parse(HEADER + BINDING + "    Use Revocation Freshness Time : Enabled\n")
    b = doc.bindings[0]
    assert b.other == {"Use Revocation Freshness Time": "Enabled"}
    assert b.line_of("Use Revocation Freshness Time") == 18


def test_text_without_netsh_output_is_refused() -> None:
    with pytest.raises(ValueError, match="no `SSL Certificate bindings:` header"):
        parse("Certificate Hash : 1234\n")


def test_model_is_frozen_and_strict() -> None:
    doc = parse(HEADER + BINDING)
    with pytest.raises(ValidationError):
        SslBinding(kind="ip_port", endpoint="0.0.0.0:443", line=1, colour="red")
    with pytest.raises(ValidationError):
        SslBinding(kind="ipport", endpoint="0.0.0.0:443", line=1)
    with pytest.raises(ValidationError):
        doc.bindings[0].endpoint = "1.2.3.4:443"  # type: ignore[misc]


# ---- predicates -------------------------------------------------------------------------------
def test_sslcert_setting_yields_each_matching_binding_with_its_context() -> None:
    doc = _doc(BINDING, _with(**{"IP:port": "10.0.0.5:443", "Usage Check": "Disabled"}),
               _with(**{"IP:port": "10.0.0.6:443", "Usage Check": "Disabled"}))
    found = list(sslcert_setting(doc, Binding(), setting="usage_check", value=False))
    assert [b.values["context"] for b in found] == ["binding 10.0.0.5:443", "binding 10.0.0.6:443"]
    assert [b.values["setting_text"] for b in found] == ["Disabled", "Disabled"]
    assert found[0].values["line"] == str(doc.bindings[1].field_lines["usage_check"])
    assert found[0].values["hash"] == "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
    assert len({b.key() for b in found}) == 2  # two findings, not one


def test_sslcert_setting_respects_an_earlier_match_and_unknown_values() -> None:
    doc = _doc(BINDING, _with(**{"IP:port": "10.0.0.5:443", "Negotiate Client Certificate": "?"}))
    first = next(iter(sslcert_setting(doc, Binding(), setting="usage_check", value=True)))
    assert isinstance(first, SslBindingMatch) and first.item == 0
    assert list(sslcert_setting(doc, first, setting="negotiate_client_certificate",
                                value=False))
    second = SslBindingMatch(item=1)
    assert not list(sslcert_setting(doc, second, setting="negotiate_client_certificate",
                                    value=False))
    assert not list(sslcert_setting(doc, second, setting="negotiate_client_certificate",
                                    value=True))


@pytest.mark.parametrize(("timeout", "fires"), [("0", False), ("1", True), ("4999", True),
                                                ("5000", False), ("15000", False)])
def test_sslcert_url_timeout_below(timeout: str, fires: bool) -> None:
    doc = _doc(_with(**{"URL Retrieval Timeout": timeout}))
    found = list(sslcert_url_timeout_below(doc, Binding(), below_ms=5000))
    assert bool(found) is fires
    if fires:
        assert found[0].values["timeout"] == timeout
        assert found[0].values["threshold"] == "5000"


@pytest.mark.parametrize(("ident", "store", "phrase"), [
    ("(null)", "(null)", None),
    ("ContosoCTL", "CA",
     "the certificate trust list `Ctl Identifier : ContosoCTL` in `Ctl Store Name : CA`"),
    ("ContosoCTL", "(null)",
     "the certificate trust list `Ctl Identifier : ContosoCTL` (no Ctl Store Name)"),
    ("(null)", "ClientAuthIssuer",
     "the issuer store `Ctl Store Name : ClientAuthIssuer` (no Ctl Identifier)"),
])
def test_sslcert_ctl(ident: str, store: str, phrase: str | None) -> None:
    doc = _doc(_with(**{"Ctl Identifier": ident, "Ctl Store Name": store}))
    found = list(sslcert_ctl(doc, Binding()))
    assert [b.values["ctl"] for b in found] == ([phrase] if phrase else [])


def test_sslcert_labels_set_needs_every_label() -> None:
    both = BINDING + "    Disable HTTP2 : Set\n    Disable TLS1.3 : Set\n"
    one = _with(**{"IP:port": "10.0.0.7:443"}) + "    Disable TLS1.3 : Set\n"
    doc = _doc(both, one)
    found = list(sslcert_labels_set(doc, Binding(), labels=["Disable TLS1.3", "Disable HTTP2"]))
    assert [b.values["endpoint"] for b in found] == ["0.0.0.0:443"]
    assert [b.values["endpoint"] for b in sslcert_labels_set(
        doc, Binding(), labels=["Disable TLS1.3"])] == ["0.0.0.0:443", "10.0.0.7:443"]


def test_rule_arguments_are_checked() -> None:
    with pytest.raises(ValidationError):
        check_args("sslcert_setting", {"setting": "verify_revocaton", "value": False})
    with pytest.raises(ValueError, match="needs argument 'below_ms'"):
        check_args("sslcert_url_timeout_below", {})


# ---- end to end -------------------------------------------------------------------------------
def _found(name: str) -> set[tuple[str, str | None]]:
    result = analyze_path(NETSH / name)
    assert result.kind == "netsh-sslcert" and result.status == "parsed"
    assert result.verdict == "inconclusive" and result.root_causes == ()
    return {(f.rule, f.context) for f in result.findings}


def test_default_binding_only_mentions_renegotiation() -> None:
    assert _found("default-iis-binding.txt") == {("HTP013", "binding 0.0.0.0:443")}


def test_revocation_disabled() -> None:
    result = analyze_path(NETSH / "revocation-disabled.txt")
    (finding,) = result.findings
    assert (finding.rule, finding.cause, finding.severity) == (
        "HTP010", "revocation-check-disabled", "warning")
    assert "(line 9)" in finding.message and "revoked certificate is still let in" in (
        finding.message)
    assert finding.remediation and finding.references


def test_cached_only_with_ctl_and_a_moot_timeout() -> None:
    result = analyze_path(NETSH / "cached-only-with-ctl.txt")
    by_rule = {f.rule: f for f in result.findings}
    assert set(by_rule) == {"HTP011", "HTP012"}  # the 1000 ms timeout is moot: no downloads
    assert by_rule["HTP011"].cause == "revocation-cache-only"
    assert by_rule["HTP011"].iis_substatus == ("403.13",)
    assert ("`Ctl Identifier : WoodgrovePartnerCAs` in `Ctl Store Name : CA`"
            in by_rule["HTP012"].message)
    assert by_rule["HTP012"].severity == "info"


def test_multi_binding_findings_name_their_binding() -> None:
    assert _found("multi-binding-sni-newer.txt") == {
        ("HTP013", "binding 0.0.0.0:443"),
        ("HTP013", "Central Certificate Store binding on port 8443"),
        ("HTP014", "binding portal.contoso.com:443 (SNI)"),
        ("HTP015", "binding portal.contoso.com:443 (SNI)"),
        ("HTP016", "binding portal.contoso.com:443 (SNI)"),
    }  # legacy.fabrikam.com disables TLS 1.3 and HTTP/2: no renegotiation note for it


def test_2008r2_crlf_output() -> None:
    result = analyze_path(NETSH / "windows-2008r2-padded.txt")
    assert result.status == "parsed"
    assert {(f.rule, f.context) for f in result.findings} == {
        ("HTP010", "binding 192.168.10.20:8443"), ("HTP013", "binding 0.0.0.0:443")}


def test_short_timeout_message_says_the_threshold_is_a_judgement() -> None:
    result = analyze_path(NETSH / "multi-binding-sni-newer.txt")
    (finding,) = [f for f in result.findings if f.rule == "HTP015"]
    assert "`URL Retrieval Timeout : 2000` ms (line 45)" in finding.message
    assert "judgement" in finding.message and finding.cause == "url-retrieval-timeout-short"


def test_renegotiation_message_names_the_tls13_symptoms() -> None:
    result = analyze_path(NETSH / "default-iis-binding.txt")
    message = result.findings[0].message
    assert "500.0" in message and "0x80070032" in message and "ERR_CONNECTION_RESET" in message


def test_utf16_output_with_an_unreadable_line_is_partial() -> None:
    text = HEADER + BINDING + "    Usage Check : Maybe\n"
    result = analyze_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"), "x.txt")
    assert result.kind == "netsh-sslcert" and result.status == "partial"
    assert result.encoding == "utf-16-le"
    assert result.warnings and "Usage Check" in result.warnings[0]


def test_the_model_is_reported_and_serialisable() -> None:
    result = analyze_path(NETSH / "multi-binding-sni-newer.txt")
    assert isinstance(result.model, SslCertBindings)
    dumped = result.model_dump(mode="json")
    assert dumped["model"]["bindings"][1]["endpoint"] == "portal.contoso.com:443"


# ---- robustness -------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.sampled_from(BINDING.splitlines() + ["    Extended Properties:", "        PropertyId : 1",
                                            "    Hostname:port : a:1", "", "-----"]),
    st.text(alphabet=st.sampled_from(" \t:()-abcIP0123456789"), max_size=40),
), max_size=30))
def test_parse_never_fails_and_accounts_for_every_line(lines: list[str]) -> None:
    text = HEADER + "\n".join(lines)
    doc = parse(text)
    placed = {b.line for b in doc.bindings} | {
        n for b in doc.bindings for n in b.field_lines.values()}
    # a note written after a value (`: 0 <- here`) is reported beside the value it follows
    kept = {u.line for u in doc.unparsed if not u.reason.startswith("a note after the value")}
    assert not placed & kept
    for b in doc.bindings:
        assert b.kind in ("ip_port", "hostname_port", "ccs") and b.endpoint


def test_ds_mapper_shares_its_cause_with_the_iis_configuration_rule() -> None:
    result = analyze_path(NETSH / "multi-binding-sni-newer.txt")
    (finding,) = [f for f in result.findings if f.rule == "HTP016"]
    assert (finding.cause, finding.severity) == ("ds-mapper-mapping", "info")
    assert "(line 48)" in finding.message
