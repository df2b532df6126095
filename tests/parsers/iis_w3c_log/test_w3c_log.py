"""IIS W3C logs: the sniffer, the bounded summary, the predicates and the diagnosis."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_path
from certtriage.knowledge.predicates import PREDICATES, Binding, check_args
from certtriage.parsers.iis_w3c_log import parser as w3c_log
from certtriage.parsers.iis_w3c_log import sniff
from certtriage.parsers.iis_w3c_log.model import W3cLog
from certtriage.parsers.iis_w3c_log.parser import DEFAULT_FIELDS, decode_win32, parse
from certtriage.pipeline import analyze_text

from ...conftest import FIXTURES

LOGS = FIXTURES / "iis-logs"
HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
    "#Date: 2024-03-11 08:00:00\n#Fields: " + " ".join(DEFAULT_FIELDS) + "\n"
)


def row(time: str = "08:00:00", client: str = "198.51.100.7", status: int | str = 200,
        sub: int | str = 0, win32: int | str = 0, taken: int | str = 15,
        uri: str = "/app/", date: str = "2024-03-11") -> str:
    """One request in the default field layout."""
    return (f"{date} {time} 192.0.2.1 GET {uri} - 443 - {client} Mozilla/5.0+(X) - "
            f"{status} {sub} {win32} {taken}\n")


def bindings(name: str, doc: W3cLog, **args: object) -> list[Binding]:
    return list(PREDICATES[name](doc, Binding(), **args))


# ---- sniffing -------------------------------------------------------------------------------
@pytest.mark.parametrize("head", [
    HEADER,
    "#Fields: date time s-ip cs-method cs-uri-stem sc-status\n",
    "#Fields: time c-ip cs-method cs-uri-stem sc-status\n",
    "#Software: Microsoft Internet Information Services 6.0\n",
])
def test_sniff_accepts_w3c_directives(head: str) -> None:
    assert sniff(head + row())


@pytest.mark.parametrize("text", [
    "See the #Fields: date time line of the log.\n",
    "#Fields: a b c\n1 2 3\n",
    "#Software: Contoso Web Server 1.0\n",
    "x" * 5000 + "\n" + HEADER,
    # a date and time opening a line of another log, or of prose
    "2024-03-11 08:00:00 INFO web01 GET /portal 443 - 10.0.0.5 ok - 403 seven 5 120\n",
    "2024-03-11 08:00:00 the portal answered 403 7 5 to every user\n",
])
def test_sniff_rejects_other_text(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize("shape", ["alone", "three", "in-a-sentence", "quoted", "fenced",
                                   "spaced", "iis7"])
def test_request_lines_without_a_header_are_a_log(shape: str) -> None:
    """Lines pasted from a log without its directives (a forum post, a ticket): read in IIS's
    default layout (15 values, or IIS 7's 14), wherever in a line the date starts."""
    line = row(status=403, sub=16, win32=2148204809).rstrip("\n")
    iis7 = " ".join(v for n, v in enumerate(line.split()) if n != 10)  # without cs(Referer)
    text = {"alone": line, "three": "\n".join([line] * 3),
            "in-a-sentence": f"Here is the line IIS logs: {line}.",
            "quoted": f"> {line}", "fenced": f"```\n{line}\n```",
            "spaced": line.replace(" ", "   "), "iis7": iis7}[shape] + "\n"

    assert sniff(text)
    result = analyze_text(text, "<test>")
    assert (result.kind, result.iis_substatus, result.verdict) == ("iis-w3c-log", ("403.16",), "fail")


def test_sniff_claims_no_fixture_of_another_format() -> None:
    cases = FIXTURES / "cases"  # case folders hold IIS logs too, named as IIS names them
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and LOGS not in p.parents
              and not (cases in p.parents and p.name.startswith("u_ex") and p.suffix == ".log")
              and not (p.parent.name == "wild" and p.name.startswith("iis-log-"))]
    assert any("certutil" in p.parts for p in others) and any("events" in p.parts for p in others)
    claimed = [p for p in others if sniff(p.read_bytes().decode("utf-8", "replace"))]
    assert claimed == []


def test_a_w3c_log_is_detected_as_one() -> None:
    result = analyze_text(HEADER + row(), "<test>")
    assert result.kind == "iis-w3c-log"
    assert result.status == "parsed"


# ---- parsing --------------------------------------------------------------------------------
def test_default_fields_log_is_counted_and_grouped() -> None:
    log = parse((LOGS / "iis10-revocation-offline-burst.log").read_text())
    assert log.software == "Microsoft Internet Information Services 10.0"
    assert log.version == "1.0" and log.date == "2024-03-11 07:58:12"
    assert log.lines_read == 24 and log.requests == 20
    assert log.first_time == "2024-03-11 07:58:12" and log.last_time == "2024-03-11 09:02:19"
    assert {t.value: t.count for t in log.statuses} == {"200.0": 7, "304.0": 1, "403.13": 12}
    assert log.missing_fields == () and log.unparsed == ()
    (group,) = log.failures
    assert (group.code, group.win32_status, group.count) == ("403.13", 2148081683, 12)
    assert group.win32 is not None
    assert (group.win32.kind, group.win32.hex, group.win32.symbol) == (
        "hresult", "0x80092013", "CRYPT_E_REVOCATION_OFFLINE")
    assert (group.first_time, group.last_time) == ("2024-03-11 08:41:07", "2024-03-11 09:02:19")
    assert (group.first_line, group.last_line) == (13, 24)
    assert [(t.value, t.count) for t in group.clients] == [
        ("198.51.100.14", 6), ("198.51.100.27", 3), ("203.0.113.9", 3)]
    assert group.distinct_clients == 3 and not group.clients_capped
    assert group.uris[0].value == "/portal/" and group.uris[0].count == 8
    assert (group.slow, group.max_time_taken) == (5, 15018)
    assert [s.line for s in group.samples] == list(range(13, 25))
    assert group.samples[0].client == "198.51.100.14" and group.samples[0].time_taken == 15018


def test_fields_that_change_mid_file_are_followed() -> None:
    log = parse((LOGS / "fields-change-midfile.log").read_text())
    assert [h.line for h in log.fields_seen] == [4, 12]
    assert "cs-host" in log.fields_seen[1].fields and "cs-host" not in log.fields_seen[0].fields
    assert log.unparsed == () and log.requests == 8
    by_code = {g.code: g for g in log.failures}
    assert by_code["500.19"].win32_status == 33 and by_code["500.19"].samples[0].line == 6
    partial = by_code["403.16"]
    assert partial.win32_status == 2148204810 and partial.count == 3
    assert partial.samples[0].client == "198.51.100.82" and partial.max_time_taken == 5021


def test_a_repeated_fields_list_is_kept_once() -> None:
    log = parse(HEADER + row() + HEADER + row(status=403, sub=7, win32=5))
    assert len(log.fields_seen) == 1 and log.fields_seen[0].directives == 2
    assert log.requests == 2 and log.software is not None


def test_log_without_win32_status_still_counts() -> None:
    log = parse((LOGS / "iis6-no-win32-status.log").read_text())
    assert log.missing_fields == ("sc-win32-status", "time-taken")
    (group,) = log.failures
    assert (group.code, group.win32_status, group.win32, group.count) == ("403.13", None, None, 3)
    assert group.max_time_taken is None and group.slow == 0


def test_time_only_log_takes_the_day_from_the_date_directive() -> None:
    text = ("#Software: Microsoft Internet Information Services 5.0\n#Date: 2003-05-01 10:00:00\n"
            "#Fields: time c-ip cs-method cs-uri-stem sc-status\n"
            "10:00:01 203.0.113.4 GET /a.htm 403\n10:02:00 203.0.113.4 GET /a.htm 200\n")
    log = parse(text)
    (group,) = log.failures
    assert group.code == "403" and group.first_time == "2003-05-01 10:00:01"
    assert "date" not in log.missing_fields
    assert set(log.missing_fields) == {"sc-substatus", "sc-win32-status", "time-taken"}


def test_malformed_line_is_kept_as_unparsed() -> None:
    log = parse((LOGS / "malformed-line.log").read_text())
    (bad,) = log.unparsed
    assert bad.line == 7 and "10 values" in bad.reason and "15" in bad.reason
    assert bad.text.startswith("2024-02-27 16:05:40")
    assert log.requests == 4 and log.unparsed_total == 1


def test_unreadable_numbers_are_unparsed() -> None:
    log = parse(HEADER + row(status="OK") + row(win32="0x5") + row(win32=2**33) + row())
    assert [u.reason for u in log.unparsed] == [
        "sc-status 'OK' is not a number", "sc-win32-status '0x5' is not a number",
        "sc-win32-status 8589934592 is not a 32-bit value"]
    assert log.requests == 1


def test_unparsed_lines_are_bounded() -> None:
    log = parse(HEADER + "only three values\n" * 200)
    assert len(log.unparsed) == w3c_log.MAX_UNPARSED and log.unparsed_total == 200
    assert log.unparsed[-1].line == 4 + w3c_log.MAX_UNPARSED


def test_summary_stays_bounded_on_a_large_log() -> None:
    lines = [HEADER]
    for n in range(5000):
        client = f"2001:db8::{n:x}"  # documentation prefix
        lines.append(row(time=f"09:{n // 600 % 60:02d}:{n // 10 % 60:02d}", client=client,
                         status=403, sub=13, win32=2148081683, uri=f"/p{n % 1500}"))
    log = parse("".join(lines))
    (group,) = log.failures
    assert group.count == 5000
    assert len(group.samples) == w3c_log.MAX_SAMPLES
    assert len(group.clients) == w3c_log.MAX_TOP and len(group.uris) == w3c_log.MAX_TOP
    assert group.distinct_clients == w3c_log.MAX_TRACKED and group.clients_capped
    assert group.last_line == 5004


def test_number_of_groups_is_bounded() -> None:
    text = HEADER + "".join(row(status=403, sub=13, win32=n) for n in range(1, 131))
    log = parse(text)
    assert len(log.failures) == w3c_log.MAX_GROUPS and log.failures_dropped == 30


def test_only_certificate_relevant_statuses_are_grouped() -> None:
    log = parse(HEADER + row(status=404, sub=0, win32=2) + row(status=500, sub=0, win32=0)
                + row(status=500, sub=0, win32=50) + row(status=401, sub=2, win32=5))
    assert [g.code for g in log.failures] == ["500.0", "401.2"]
    assert log.requests == 4 and {t.value for t in log.statuses} == {"404.0", "500.0", "401.2"}


def test_lines_before_any_fields_directive() -> None:
    short = row(status=403, sub=16, win32=5).split(" 443 ")[0]  # a request cut short
    log = parse("#Software: Microsoft Internet Information Services 10.0\n1 2 3\n"
                + row(status=403, sub=16, win32=2148204809) + "1 2 3\n" + short + "\n")
    assert log.assumed_default_fields and log.failures[0].code == "403.16"
    assert [u.reason for u in log.unparsed] == [
        "no #Fields directive before this line",
        "not a request line (no date and time)",
        "6 values where the default field list (no #Fields directive) names 15"]


@pytest.mark.parametrize("after", [
    "Could it be the root CA or the intermediate? Thanks, Anna",
    "Any idea why only some users get this?",
    "Regards,\nAnna",
])
def test_prose_after_lines_pasted_from_a_log_is_prose(after: str) -> None:
    """A ticket quoting request lines without their header: the sentences after them are
    prose around the evidence, not requests of the wrong width."""
    text = ("Since Monday users get 403.16. The IIS log shows:\n\n"
            + row(status=403, sub=16, win32=2148204809) + "\n" + after + "\n")
    result = analyze_text(text, "<test>")
    assert (result.kind, result.iis_substatus) == ("iis-w3c-log", ("403.16",))
    assert not [w for w in result.warnings if "values where" in w], result.warnings
    assert any("prose around the evidence" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize("after", [
    "You can see that the status and substatus are both logged for the second request.",
    "In the log above, the second line is the one that failed with a revoked certificate",
])
def test_prose_after_a_log_with_its_header_is_prose(after: str) -> None:
    """A post quoting a log with its #Fields line, then sentences about it: each sentence is
    prose around the evidence, not a request of the wrong width."""
    text = HEADER + row(status=403, sub=16, win32=2148204809) + after + "\n"
    result = analyze_text(text, "<test>")
    assert (result.kind, result.iis_substatus) == ("iis-w3c-log", ("403.16",))
    assert not [w for w in result.warnings if "values where" in w], result.warnings
    assert any("prose around the evidence" in w for w in result.warnings), result.warnings
    cut = analyze_text(text + row(status=403, sub=16, win32=5).rsplit(" ", 3)[0] + "\n", "<t>")
    assert [w for w in cut.warnings if "values where" in w], cut.warnings


def test_plus_in_uri_stem_is_a_space_and_unknown_directives_are_reported() -> None:
    log = parse(HEADER + "#Remark: rotated\n#Colour: red\n"
                + row(status=403, sub=7, win32=5, uri="/my+files/"))
    assert log.failures[0].samples[0].uri == "/my files/"
    assert [u.reason for u in log.unparsed] == ["unknown directive #Colour"]


@pytest.mark.parametrize("text", ["", "\n\n", "hello world\nthis is not a log\n"])
def test_input_that_is_no_log_at_all_raises(text: str) -> None:
    with pytest.raises(ValueError, match="no #Fields directive"):
        parse(text)


def test_a_log_with_headers_and_no_requests_is_empty_not_an_error() -> None:
    log = parse(HEADER)
    assert log.requests == 0 and log.failures == () and len(log.fields_seen) == 1


@pytest.mark.parametrize(("value", "kind", "hex_", "symbol"), [
    (2148081683, "hresult", "0x80092013", "CRYPT_E_REVOCATION_OFFLINE"),
    (2148204809, "hresult", "0x800b0109", "CERT_E_UNTRUSTEDROOT"),
    (5, "win32", "0x80070005", "ERROR_ACCESS_DENIED"),
    (50, "win32", "0x80070032", "ERROR_NOT_SUPPORTED"),
    (4711, "win32", "0x80071267", None),
])
def test_win32_status_decoding(value: int, kind: str, hex_: str, symbol: str | None) -> None:
    decoded = decode_win32(value)
    assert decoded is not None
    assert (decoded.kind, decoded.hex, decoded.symbol) == (kind, hex_, symbol)


def test_win32_status_zero_is_no_error() -> None:
    assert decode_win32(0) is None


# ---- predicates -----------------------------------------------------------------------------
def test_w3c_requests_filters_by_status_substatus_and_code() -> None:
    log = parse((LOGS / "iis10-revocation-offline-burst.log").read_text())
    (hit,) = bindings("w3c_requests", log, status=403, substatus=[13], win32=[2148081683])
    assert hit.hresult is not None and hit.hresult.hex == "0x80092013"
    assert hit.hresult.line == 13
    assert hit.values["count"] == "12" and hit.values["code"] == "403.13"
    assert hit.values["lines"] == "13, 14, 15, 16, 17 and 7 more"
    assert hit.values["context"] == ("2024-03-11 08:41:07-09:02:19, 3 clients "
                                     "(198.51.100.14, 198.51.100.27, 203.0.113.9)")
    assert "198.51.100.14: 6" in hit.values["summary"]
    assert bindings("w3c_requests", log, status=403, substatus=[13], not_win32=[2148081683]) == []
    assert bindings("w3c_requests", log, status=403, substatus=[16]) == []
    assert len(bindings("w3c_requests", log, status=403)) == 1


def test_w3c_requests_merges_groups_with_one_code_and_splits_codes() -> None:
    log = parse(HEADER + row(status=401, sub=2, win32=5) + row(status=401, sub=3, win32=5)
                + row(status=401, sub=1, win32=1326, client="203.0.113.8"))
    found = {b.hresult.hex if b.hresult else None: b
             for b in bindings("w3c_requests", log, status=401)}
    assert set(found) == {"0x80070005", "0x8007052e"}
    assert found["0x80070005"].values["code"] == "401.2, 401.3"
    assert found["0x80070005"].values["count"] == "2"
    assert found["0x8007052e"].values["win32"] == "1326 (ERROR_LOGON_FAILURE, 0x8007052e)"


def test_w3c_requests_without_a_logged_code() -> None:
    log = parse((LOGS / "iis6-no-win32-status.log").read_text())
    (hit,) = bindings("w3c_requests", log, status=403, substatus=[13], not_win32=[2148081683])
    assert hit.hresult is None and hit.values["win32"] == "not logged"
    assert bindings("w3c_requests", log, status=403, substatus=[13], win32=[2148081683]) == []


def test_w3c_requests_slow_only_cites_slow_lines() -> None:
    slow_log = parse((LOGS / "iis10-revocation-offline-burst.log").read_text())
    (hit,) = bindings("w3c_requests", slow_log, status=403, substatus=[13], slow=True)
    assert hit.values["slow"] == "5" and hit.values["max_ms"] == "15018"
    assert hit.values["lines"] == "13, 14, 15, 16, 21"
    fast_log = parse((LOGS / "iis10-revoked.log").read_text())
    assert bindings("w3c_requests", fast_log, status=403, substatus=[13], slow=True) == []


def test_w3c_requests_says_when_the_client_count_is_a_lower_bound() -> None:
    text = HEADER + "".join(row(client=f"2001:db8::{n:x}", status=403, sub=7, win32=5)
                            for n in range(1100))
    (hit,) = bindings("w3c_requests", parse(text), status=403)
    assert "at least 1000 clients" in hit.values["context"]


def test_w3c_fields_missing() -> None:
    old = parse((LOGS / "iis6-no-win32-status.log").read_text())
    (hit,) = bindings("w3c_fields_missing", old)
    assert hit.values["missing"] == "sc-win32-status and time-taken"
    assert hit.values["fields_line"] == "4"
    assert hit.values["affected"].startswith("3 failed requests")
    assert bindings("w3c_fields_missing", old, fields=["sc-substatus"]) == []
    full = parse((LOGS / "iis10-revocation-offline-burst.log").read_text())
    assert bindings("w3c_fields_missing", full) == []
    with pytest.raises(ValueError, match="sc-win32status"):
        bindings("w3c_fields_missing", old, fields=["sc-win32status"])


def test_w3c_log_read() -> None:
    log = parse((LOGS / "iis10-all-ok.log").read_text())
    (hit,) = bindings("w3c_log_read", log)
    assert hit.values["requests"] == "4"
    assert hit.values["span"] == "2024-06-18 00:00:04-00:07:41"
    assert hit.values["top_statuses"].startswith("200.0 (2)")
    assert bindings("w3c_log_read", log, min_requests=5) == []
    assert bindings("w3c_log_read", parse(HEADER)) == []


def test_predicate_arguments_are_type_checked() -> None:
    check_args("w3c_requests", {"status": 403, "substatus": [13], "win32": [2148081683]})
    with pytest.raises(ValueError):
        check_args("w3c_requests", {"status": "403"})
    with pytest.raises(ValueError, match="takes no argument"):
        check_args("w3c_requests", {"status": 403, "statuses": ["failed"]})


# ---- end to end -----------------------------------------------------------------------------
EXPECTED = {
    "iis10-revocation-offline-burst.log": (
        "fail", ("revocation-offline",), ("403.13",), {("LOG001", "revocation-offline", "error"),
                                                      ("LOG009", "crl-retrieval-slow", "info")}),
    "iis10-revoked.log": ("fail", ("revoked",), ("403.13",), {("LOG002", "revoked", "error")}),
    "iis10-untrusted-root.log": (
        "fail", ("untrusted-root",), ("403.16",), {("LOG003", "untrusted-root", "error")}),
    "iis10-no-certificate-and-expired.log": (
        "fail", ("not-time-valid", "no-client-certificate"), ("403.17", "403.7"),
        {("LOG004", "not-time-valid", "error"), ("LOG005", "no-client-certificate", "error")}),
    "iis6-no-win32-status.log": (
        "fail", ("revoked-or-revocation-offline",), ("403.13",),
        {("LOG002", "revoked-or-revocation-offline", "error"),
         ("LOG011", "log-fields-missing", "info")}),
    "fields-change-midfile.log": (
        "fail", ("partial-chain", "config-section-locked"), ("403.16", "500.19"),
        {("LOG003", "partial-chain", "error"), ("LOG007", "config-section-locked", "error")}),
    "malformed-line.log": (
        "fail", ("certificate-mapping-denied",), ("403.12",),
        {("LOG006", "certificate-mapping-denied", "error"),
         ("LOG010", "mapped-logon-failed", "warning")}),
    "iis10-tls13-renegotiation.log": (
        "fail", ("tls13-renegotiation",), ("500.0",), {("LOG008", "tls13-renegotiation", "error")}),
    "iis10-all-ok.log": (
        "inconclusive", (), (), {("LOG012", "no-certificate-failure-logged", "info")}),
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in LOGS.glob("*.log")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_diagnosis(name: str) -> None:
    verdict, causes, substatus, findings = EXPECTED[name]
    result = analyze_path(LOGS / name)
    assert result.kind == "iis-w3c-log"
    assert result.verdict == verdict
    assert set(result.root_causes) == set(causes)
    assert set(result.iis_substatus) == set(substatus)
    assert {(f.rule, f.cause, f.severity) for f in result.findings} == findings
    assert all(f.context for f in result.findings)
    assert isinstance(result.model, W3cLog)


def test_revocation_offline_finding_cites_counts_span_clients_and_lines() -> None:
    result = analyze_path(LOGS / "iis10-revocation-offline-burst.log")
    assert result.status == "parsed" and result.hresults == ("0x80092013",)
    main = next(f for f in result.findings if f.rule == "LOG001")
    assert main.root_cause and main.hresult == "0x80092013"
    assert main.message.startswith("12 requests ended in 403.13 with sc-win32-status "
                                   "2148081683 (0x80092013 CRYPT_E_REVOCATION_OFFLINE)")
    assert "2024-03-11 08:41:07-09:02:19" in main.message
    assert "from 3 clients" in main.message and "First lines: 13, 14" in main.message
    assert main.context is not None and main.context.startswith("2024-03-11 08:41:07")
    assert main.evidence[0].start == 13
    slow = next(f for f in result.findings if f.rule == "LOG009")
    assert slow.explained_by == ("LOG001",) and not slow.root_cause


def test_error_codes_are_reported_for_win32_statuses() -> None:
    result = analyze_path(LOGS / "iis10-no-certificate-and-expired.log")
    assert set(result.hresults) == {"0x800b0101", "0x80070005"}
    tls = analyze_path(LOGS / "iis10-tls13-renegotiation.log")
    assert tls.hresults == ("0x80070032",)
    assert "50 (ERROR_NOT_SUPPORTED, 0x80070032)" in tls.findings[0].message


def test_malformed_line_makes_the_result_partial() -> None:
    result = analyze_path(LOGS / "malformed-line.log")
    assert result.status == "partial"
    expected = ("line 7: 10 values where the #Fields list names 15: "
                "2024-02-27 16:05:40 192.0.2.20 GET /partners/orders - 443 - 203.0.113.91 Mozilla")
    assert result.warnings == (expected,)


def test_missing_fields_finding_names_them() -> None:
    result = analyze_path(LOGS / "iis6-no-win32-status.log")
    note = next(f for f in result.findings if f.rule == "LOG011")
    assert "lacks sc-win32-status and time-taken" in note.message
    ambiguous = next(f for f in result.findings if f.rule == "LOG002")
    assert ambiguous.hresult is None and "not logged" in ambiguous.message
    assert "both remain possible" in ambiguous.message


def test_a_log_with_headers_only_gives_no_finding(tmp_path: Path) -> None:
    path = tmp_path / "empty.log"
    path.write_text("#Software: Microsoft Internet Information Services 10.0\n")
    result = analyze_path(path)
    assert result.kind == "iis-w3c-log" and result.status == "parsed"
    assert result.verdict == "inconclusive" and result.findings == ()
