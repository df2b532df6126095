"""Every parser, fed arbitrary or half-right input, returns a model or a one-line ValueError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certtriage import analyze_bytes, analyze_text
from certtriage.parsers import FORMATS
from certtriage.parsers.events.text import parse as parse_event_text

#: Lines in the shape of each format, shuffled and cut by hypothesis into near-misses.
SHAPES = [
    "SSL Certificate bindings:", "    IP:port                      : 0.0.0.0:443",
    "    Certificate Hash             : 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
    "    Verify Client Certificate Revocation : Disabled",
    r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL",
    "    SendTrustedIssuerList    REG_DWORD    0x1", "Windows Registry Editor Version 5.00",
    '"ClientAuthTrustMode"=dword:00000002',
    '<IIsWebServer Location="/LM/W3SVC/1" CertCheckMode="1" ServerComment="A">',
    "<configuration><system.webServer><security><access sslFlags=\"SslRequireCert\" />",
    "#Software: Microsoft Internet Information Services 10.0",
    "#Fields: date time s-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status",
    "2024-03-11 08:00:00 192.0.2.1 GET / 403 13 2148081683",
    'Root "Trusted Root Certification Authorities"',
    "================ Certificate 0 ================", "Issuer: CN=Contoso Root, O=Contoso",
    " NotAfter: 1/1/2030 12:00 AM", "Cert Hash(sha1): 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
    "Log Name:      System", "Source:        Schannel", "Event ID:      36887",
    "Description:", "A fatal alert was received from the remote endpoint. The TLS protocol "
    "defined fatal alert code is 46.", "Event Xml:", "<Event xmlns=\"x\"><System>",
    "-----BEGIN CERTIFICATE-----", "MIIB", "-----END CERTIFICATE-----",
]

lines = st.one_of(st.sampled_from(SHAPES), st.text(max_size=80))
documents = st.lists(lines, max_size=40).map("\n".join)
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _parsers() -> list[object]:
    found = []
    for fmt in FORMATS:
        if fmt.reads == "text" and fmt.evidence != "chain" and fmt.parser != "text":
            found.append(fmt.module(fmt.parser).parse)
    return found


@SETTINGS
@given(documents)
def test_text_parsers_return_a_model_or_a_value_error(text: str) -> None:
    for parse in _parsers():
        try:
            model = parse(text)  # type: ignore[operator]
        except ValueError as exc:
            assert str(exc).strip() and "\n" not in str(exc).strip()
        else:
            assert hasattr(model, "unparsed")


@SETTINGS
@given(documents)
def test_event_text_parser_never_raises(text: str) -> None:
    log = parse_event_text(text)
    assert log.records_read == len(log.events)


@SETTINGS
@given(documents)
def test_analyze_text_never_raises(text: str) -> None:
    result = analyze_text(text)
    assert result.status in ("parsed", "partial", "unrecognized", "skipped", "error")
    if result.status == "error":
        assert result.error


@SETTINGS
@given(st.binary(max_size=2048))
def test_analyze_bytes_never_raises(data: bytes) -> None:
    assert analyze_bytes(data, "x").status


@SETTINGS
@given(st.binary(max_size=512))
def test_der_looking_bytes(tail: bytes) -> None:
    result = analyze_bytes(b"\x30\x82\x01\x0a\x30\x82" + tail, "x.cer")
    assert result.status in ("parsed", "partial", "unrecognized", "error")
