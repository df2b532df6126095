"""`certtriage explain` reads every spelling certtriage itself reads or prints, generated for
every code, flag, sub-status, alert and event of the tables."""

from __future__ import annotations

import pytest

from certtriage.cli import Exit
from certtriage.engine import rulebook
from certtriage.knowledge.catalog import event_knowledge
from certtriage.knowledge.codes import ErrorCode, code_tables, to_signed
from certtriage.knowledge.explain import explain
from certtriage.knowledge.schema import Rule

from ..helpers.alerts import CLIENT_PRINTS, NAMED_ALERTS, printed
from ..helpers.cli import certtriage

CODES = code_tables().codes
HRESULTS = [c for c in CODES if c.value >= 0x80000000]
WIN32 = [c for c in CODES if c.win32 is not None]
ALERTS = event_knowledge().alerts
#: The events certtriage reads that explain must know (from the event catalog).
EVENTS = [("Schannel", n) for n in (36869, 36870, 36871, 36874, 36875, 36876, 36877, 36882,
                                     36884, 36885, 36886, 36887, 36888)]
EVENTS += [("Microsoft-Windows-HttpEvent", 15021)]


def _spellings(code: ErrorCode) -> list[str]:
    """Every way an HRESULT is written: by certutil, CAPI2 XML, IIS logs, tickets."""
    hexa = f"{code.value:08x}"
    signed = to_signed(code.value)
    return [f"0x{hexa}", f"0X{hexa.upper()}", hexa, hexa.upper(), str(signed), str(code.value),
            code.symbol, code.symbol.lower(), f"0x{hexa} ({signed} {code.symbol})",
            f"0x{hexa} ({signed})", f"{code.symbol} (0x{hexa})", f"'0x{hexa}'",
            f"Error: 0x{hexa} ({signed} {code.symbol}) -- {code.message}".strip()]


@pytest.mark.parametrize("code", HRESULTS, ids=lambda c: c.symbol)
def test_every_spelling_of_an_hresult(code: ErrorCode) -> None:
    book = rulebook()
    for text in _spellings(code):
        found = explain(text, book)
        assert found.title == code.symbol, text
        if not text.lstrip("'").lower().startswith(code.symbol.lower()):
            assert found.kind in ("hresult", "win32", "winhttp", "ldap"), text


@pytest.mark.parametrize("code", WIN32, ids=lambda c: c.symbol)
def test_win32_and_winhttp_codes_are_labelled_as_such(code: ErrorCode) -> None:
    assert code.win32 is not None
    found = explain(str(code.win32), rulebook())
    readings = [found.title, *found.also]
    if found.title != code.symbol:  # a number that is a TLS alert too: the alert comes first
        assert found.kind == "tls-alert" and any(code.symbol in a for a in found.also)
        return
    assert found.kind != "hresult" and found.kind in ("win32", "winhttp", "ldap"), readings
    assert ("Code", found.facts[0][1]) == found.facts[0] and str(code.win32) in found.facts[0][1]
    assert explain(f"0x{code.win32:x}", rulebook()).kind == found.kind
    assert explain(f"WIN32: {code.win32}", rulebook()).kind == found.kind
    assert explain(code.hex, rulebook()).kind == "hresult"


def test_12007_is_a_winhttp_code() -> None:
    found = explain("12007", rulebook())
    assert found.kind == "winhttp" and found.title == "ERROR_INTERNET_NAME_NOT_RESOLVED"
    assert dict(found.facts)["Code"] == "12007 (WinHTTP / WinINet error)"
    assert dict(found.facts)["Hex"] == "0x80072ee7"


@pytest.mark.parametrize("flag", code_tables().error_flags + code_tables().info_flags,
                         ids=lambda f: f.name)
def test_every_trust_flag_with_and_without_its_prefix(flag) -> None:  # type: ignore[no-untyped-def]
    bare = flag.name.removeprefix("CERT_TRUST_")
    for text in (flag.name, flag.name.lower(), bare, bare.lower()):
        found = explain(text, rulebook())
        assert (found.kind, found.title) == ("trust-flag", flag.name), text


@pytest.mark.parametrize("sub", code_tables().substatuses, ids=lambda s: s.code)
def test_every_sub_status_with_or_without_the_status(sub) -> None:  # type: ignore[no-untyped-def]
    status, number = sub.code.split(".")
    spellings = [sub.code, f"{status} {number}", f"HTTP {sub.code}", f"http {status}.{number}"]
    if status == "403":
        spellings.append(f".{number}")
    for text in spellings:
        found = explain(text, rulebook())
        assert (found.kind, found.title) == ("iis-substatus", f"HTTP {sub.code}"), text


def test_a_status_alone_lists_its_sub_statuses() -> None:
    found = explain("403", rulebook())
    assert found.kind == "iis-status" and ("403.16", dict(found.facts)["403.16"]) in found.facts


@pytest.mark.parametrize("number", sorted(ALERTS))
def test_every_tls_alert_by_number_and_name(number: int) -> None:
    name = ALERTS[number]
    title = f"TLS alert {number} ({name})"
    spellings = [name, name.upper(), name.replace("_", " "), f"TLS alert {number}",
                 f"alert {number}", f"fatal alert {number}"]
    for text in spellings:
        assert explain(text, rulebook()).title == title, text
    found = explain(str(number), rulebook())
    assert found.title == title or title in " ".join(found.also)


def test_alerts_name_the_rules_and_causes_they_lead_to() -> None:
    found = explain("48", rulebook())
    assert dict(found.facts)["Cause id"] == "untrusted-root"
    assert "SCH002" in found.rules and "SCH003" in found.rules
    assert "SCH005" in explain("handshake_failure", rulebook()).rules


@pytest.mark.parametrize(("provider", "number"), EVENTS)
def test_every_event_by_its_id(provider: str, number: int) -> None:
    event = event_knowledge().get(provider, number)
    assert event is not None
    title = f"{event.provider} event {number}"
    for text in (str(number), f"event {number}", f"Event ID {number}",
                 f"{provider} {number}", f"event id: {number}"):
        found = explain(text, rulebook())
        assert (found.kind, found.title) == ("event", title), text
        assert dict(found.facts)["Summary"] == event.summary


def test_events_name_their_rules() -> None:
    assert "SCH001" in explain("36885", rulebook()).rules
    assert "HTP001" in explain("15021", rulebook()).rules


def test_a_number_with_several_meanings_lists_the_others() -> None:
    found = explain("5", rulebook())
    assert found.title == "ERROR_ACCESS_DENIED"
    assert any("crypt32 event 5" in other for other in found.also)


@pytest.mark.parametrize("args", [
    ["80092013"], ["0x80092013", "(-2146885613", "CRYPT_E_REVOCATION_OFFLINE)"],
    ["-2146885613"], ["36887"], ["40"], ["handshake_failure"], ["403", "13"]])
def test_explain_on_the_command_line(args: list[str]) -> None:
    ran = certtriage("explain", *args, "-f", "json")
    assert ran.code == 0, ran.err
    ran = certtriage("explain", *args)
    assert ran.code == 0 and ran.lines[0] and "Traceback" not in ran.err


def test_unknown_is_said_once() -> None:
    ran = certtriage("explain", "0x12345678")
    assert ran.code == Exit.UNRECOGNIZED and ran.err.count("\n") == 1


BROWSER_RULES = [r for r in rulebook().rules for c in r.when
                 if c.predicate == "mentioned_browser_error"]


@pytest.mark.parametrize("rule", BROWSER_RULES, ids=[r.code for r in BROWSER_RULES])
def test_a_browser_error_is_explained_by_the_rule_that_reads_it(rule: Rule) -> None:
    names = next(c.args["names"] for c in rule.when if c.predicate == "mentioned_browser_error")
    for name in names:
        for spelling in (name, f"net::{name}", name.lower(), f"Edge shows {name} now"):
            found = explain(spelling, rulebook())
            assert (found.kind, found.title, found.rules) == (
                "browser-error", name, (rule.code,)), spelling
            assert dict(found.facts)["Cause"] == rule.cause
    assert explain("ERR_CONNECTION_RESET", rulebook()).kind == "unknown"


@pytest.mark.parametrize("shape", list(CLIENT_PRINTS))
@pytest.mark.parametrize("alert", list(NAMED_ALERTS))
def test_an_alert_is_explained_as_a_client_prints_it(alert: int, shape: str) -> None:
    """What a ticket's reader reads as an alert, `explain` explains as that alert."""
    found = explain(printed(alert, shape), rulebook())
    assert (found.kind, found.title) == ("tls-alert", f"TLS alert {alert} ({ALERTS[alert]})")
