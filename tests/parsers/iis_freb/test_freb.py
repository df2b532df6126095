"""IIS Failed Request Tracing logs: each status a client certificate can get, with each code,
in each shape a trace reaches a ticket (the file as saved, pasted in a post, several files
one after another, cut short, the code written in hex or signed), read and diagnosed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from certtriage import analyze_text
from certtriage.errors import ParseError
from certtriage.parsers import FormatId
from certtriage.parsers.events import sniff_text as events_sniff
from certtriage.parsers.iis_freb import sniff
from certtriage.parsers.iis_freb.parser import parse
from certtriage.pipeline import detect

from ...conftest import FIXTURES

TRACE = (FIXTURES / "iis-freb" / "fr000017-untrusted-root.xml").read_text()
LOGGED = "2148204809"  # the fixture's ErrorCode, as IIS writes it: unsigned decimal

#: status.substatus, error code -> the root cause and 403 the diagnosis gives.
CASES = {
    ("403.16", "0x800b0109"): ("untrusted-root", "403.16"),
    ("403.16", "0x800b010a"): ("partial-chain", "403.16"),
    ("403.16", "0x800b0110"): ("missing-client-auth-eku", "403.16"),
    ("403.16", None): ("client-certificate-untrusted", "403.16"),
    ("403.13", "0x80092013"): ("revocation-offline", "403.13"),
    ("403.13", "0x80092010"): ("revoked", "403.13"),
    ("403.13", "0x80092012"): ("no-revocation-info", "403.13"),
    ("403.13", None): ("revoked-or-revocation-offline", "403.13"),
    ("403.17", "0x800b0101"): ("not-time-valid", "403.17"),
    ("403.7", "0x80070005"): ("no-client-certificate", "403.7"),
    ("403.12", "0x80070005"): ("certificate-mapping-denied", "403.12"),
}


def trace(status: str, code: str | None, *, written: Callable[[int], str] = str,
          url: str = "https://portal.contoso.com:443/orders/") -> str:
    """The fixture's trace answering `status` with `code` (None: ErrorCode 0), the code in
    ErrorCode as `written` writes its number."""
    main, _, sub = status.partition(".")
    xml = TRACE.replace('statusCode="403.16"', f'statusCode="{status}"')
    xml = xml.replace('triggerStatusCode="403.16"', f'triggerStatusCode="{status}"')
    xml = xml.replace('<Data Name="HttpStatus">403</Data>', f'<Data Name="HttpStatus">{main}</Data>')
    xml = xml.replace('<Data Name="HttpSubStatus">16</Data>',
                      f'<Data Name="HttpSubStatus">{sub}</Data>')
    value = int(code, 16) if code else 0
    xml = xml.replace(f'<Data Name="ErrorCode">{LOGGED}</Data>',
                      f'<Data Name="ErrorCode">{written(value)}</Data>')
    rendered = f"Failed. (0x{value:x})" if code else "The operation completed successfully. (0x0)"
    xml = re.sub(r'(Data="ErrorCode">)[^<]*', rf"\g<1>{rendered}", xml)
    return xml.replace("https://portal.contoso.com:443/orders/", url)


def _saved(status: str, code: str | None) -> str:
    return trace(status, code)


def _pasted_in_post(status: str, code: str | None) -> str:
    body = trace(status, code).split("\n", 3)[3]  # from <failedRequest>, as copied
    return ("Hi team,\n\nusers get an error on the portal since this morning. I turned on "
            "failed request tracing and this is the trace:\n\n" + body
            + "\nAny idea what is wrong?\nThanks, Kim\n")


def _after_another(status: str, code: str | None) -> str:
    other = trace("200", None, url="https://portal.contoso.com:443/health")
    return other + "\n" + trace(status, code)


def _cut_short(status: str, code: str | None) -> str:
    text = trace(status, code)
    return text[:text.index("GENERAL_REQUEST_END")]  # cut in the last event


def _hex(status: str, code: str | None) -> str:
    return trace(status, code, written=lambda n: f"0x{n:08X}")


def _signed(status: str, code: str | None) -> str:
    return trace(status, code, written=lambda n: str(n - (1 << 32) if n >= 1 << 31 else n))


def _quoted_in_mail(status: str, code: str | None) -> str:
    body = trace(status, code).split("\n", 3)[3]
    return ("Hi,\n\nhere is the trace from WEB01:\n\n"
            + "".join(f"> {line}\n" for line in body.splitlines()) + "\nThanks\n")


SHAPES = {"saved": _saved, "pasted-in-post": _pasted_in_post, "after-another": _after_another,
          "cut-short": _cut_short, "hex": _hex, "signed": _signed,
          "quoted-in-mail": _quoted_in_mail}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize(("status", "code"), list(CASES))
def test_each_traced_status_and_code_in_each_shape(status: str, code: str | None,
                                                   shape: str) -> None:
    result = analyze_text(SHAPES[shape](status, code))
    cause, substatus = CASES[(status, code)]
    assert result.root_causes == (cause,), result.findings
    assert result.iis_substatus == (substatus,)
    assert result.verdict == "fail"
    rule = next(f for f in result.findings if f.root_cause)
    assert rule.rule.startswith("FRB")
    assert "https://portal.contoso.com:443/orders/" in rule.message


@pytest.mark.parametrize("status", ["401.2", "500.19", "404.0", "200"])
def test_a_trace_of_another_status_is_no_certificate_failure(status: str) -> None:
    result = analyze_text(trace(status, "0x80070005"))
    assert result.kind == FormatId.IIS_FREB.value
    assert result.root_causes == () and result.iis_substatus == ()
    assert [f.rule for f in result.findings] == ["FRB005"]
    assert status in result.findings[0].message


def test_the_model_of_a_saved_trace() -> None:
    trace_model = parse(TRACE)
    (request,) = trace_model.requests
    assert (request.url, request.verb, request.status_code, request.status, request.substatus,
            request.site_id, request.app_pool, request.failure_reason, request.time_taken) == (
        "https://portal.contoso.com:443/orders/", "GET", "403.16", 403, 16, "2", "ContosoPortal",
        "STATUS_CODE", 16)
    assert (request.computer, request.client, request.time, request.events) == (
        "WEB01", "192.0.2.41", "2026-11-30T08:14:22.323Z", 4)
    assert (request.first_line, request.last_line) == (4, TRACE.count("\n"))
    (error,) = request.errors
    assert (error.module, error.notification, error.status, error.substatus) == (
        "IIS Web Core", "AUTHENTICATE_REQUEST", 403, 16)
    assert error.code is not None
    assert (error.code.hex, error.code.symbol) == ("0x800b0109", "CERT_E_UNTRUSTEDROOT")
    assert error.code.message.startswith("A certificate chain processed")
    assert not error.code.message.endswith(")")  # the rendered `(0x800b0109)` is not text
    assert trace_model.unparsed == () and trace_model.problems == ()


def test_lines_of_a_trace_in_a_post_are_the_posts() -> None:
    text = _pasted_in_post("403.16", "0x800b0109")
    result = analyze_text(text)
    assert result.kind == FormatId.TICKET.value
    (piece,) = result.pieces
    lines = text.split("\n")
    assert lines[piece.first_line - 1].startswith("<failedRequest")
    assert lines[piece.last_line - 1].startswith("</failedRequest>")
    (span,) = result.findings[0].evidence
    assert "<Event" in lines[span.start - 1]  # the event that set the status


def test_a_trace_cut_short_says_so() -> None:
    model = parse(_cut_short("403.13", "0x80092013"))
    assert len(model.problems) == 1 and "cut" in model.problems[0]
    assert not model.read_whole()
    assert model.requests[0].errors[0].code is not None


def test_prose_around_a_saved_trace_is_counted_not_read() -> None:
    model = parse("Trace from WEB01:\n" + TRACE + "That is all.\n")
    assert [(u.line, u.text) for u in model.unparsed] == [
        (1, "Trace from WEB01:"), (TRACE.count("\n") + 2, "That is all.")]


@pytest.mark.parametrize("text", [
    TRACE,
    "\ufeff" + TRACE,
    TRACE.split("\n", 3)[3],  # without the declaration, the stylesheet and the comment
    "\n\n" + TRACE,
])
def test_a_trace_file_is_sniffed_and_no_event_log(text: str) -> None:
    assert sniff(text)
    assert not events_sniff(text)
    assert detect(text) is not None and detect(text).id is FormatId.IIS_FREB  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [
    "The failedRequest element names the URL.\n",
    "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"></Event>\n",
    _pasted_in_post("403.16", None),  # a post: the ticket reader finds the trace in it
])
def test_what_is_no_trace_file_is_not_sniffed(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize(("text", "problem"), [
    ("<failedRequest url=\"https://a/\"", "could not be read"),
    ("just prose", "no <failedRequest>"),
])
def test_what_cannot_be_read_says_why(text: str, problem: str) -> None:
    with pytest.raises(ParseError, match=problem):
        parse(text)


def test_a_declared_entity_is_never_expanded() -> None:
    """A trace is read from its `<failedRequest>` on: a declaration above it is never read, so
    its entity is undefined there, and the element cannot be read."""
    hostile = ('<!DOCTYPE failedRequest [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               '<failedRequest url="&x;" statusCode="403.16"></failedRequest>\n')
    with pytest.raises(ParseError, match="could not be read"):
        parse(hostile)
    result = analyze_text(hostile)
    assert "passwd" not in str(result.model) and result.verdict != "fail"


def test_a_broken_trace_is_one_line_of_error() -> None:
    result = analyze_text("<failedRequest url=\"https://portal.contoso.com/\"\n")
    assert result.status == "error"
    assert result.error is not None and "\n" not in result.error
