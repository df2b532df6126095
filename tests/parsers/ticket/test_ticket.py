"""Tickets: evidence wherever an e-mail, a post or notes put it.

Two classes are generated rather than picked: every certutil and event fixture wrapped in the
prose of an e-mail must read as the fixture itself (the prose counted, not reported line by
line); and e-mails assembled from pieces of evidence (a certutil tail, a quoted Schannel
message, a code or a sub-status named in a sentence) in every order must name every piece.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.knowledge.codes import code_tables
from certtriage.knowledge.codes.tables import ErrorCode, IisSubstatus, TrustFlag
from certtriage.render.view import input_view

from ...conftest import FIXTURES
from ...helpers.alerts import CLIENT_PRINTS, NAMED_ALERTS, printed

GREETING = "Hi team,\n\nplease find below what we collected on the server this morning.\n\n"
SIGNATURE = "\n\nAny idea what is going on? It worked last week.\n\nRegards,\nMorgan\n"

_WRAPPED = sorted(
    [p for p in (FIXTURES / "certutil").rglob("*.txt") if p.parent.name not in ("damaged",)]
    + [p for p in (FIXTURES / "events").rglob("*.txt")
       if p.parent.name in ("copy-details", "message-only", "wevtutil-text", "legacy-text")]
)


def _facts(result: object) -> tuple[object, ...]:
    r = result
    return (r.kind, r.verdict, set(r.root_causes), r.failing_element,  # type: ignore[attr-defined]
            sorted(r.hresults), [e["event_id"] for e in r.events])  # type: ignore[attr-defined]


@pytest.mark.parametrize("source", _WRAPPED, ids=[str(p.relative_to(FIXTURES)) for p in _WRAPPED])
def test_evidence_wrapped_in_an_email_reads_as_the_evidence(source: Path) -> None:
    original = source.read_text(encoding="utf-8")
    wrapped = analyze_text(GREETING + original + SIGNATURE, "<mail>")
    assert _facts(wrapped) == _facts(analyze_text(original, "<original>"))
    assert any("prose" in w for w in wrapped.warnings)
    assert not any("Regards" in w or "Morgan" in w for w in wrapped.warnings)


CERTUTIL_TAIL = (
    "------------------------------------\n"
    "ERROR: Verifying leaf certificate revocation status returned The revocation function was "
    "unable to check revocation because the revocation server was offline. 0x80092013 "
    "(-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
    "CertUtil: The revocation function was unable to check revocation because the revocation "
    "server was offline."
)
SCHANNEL_36888 = (
    "> A fatal alert was generated and sent to the remote endpoint. This may result in "
    "termination of the connection. The TLS protocol defined fatal alert code is 48."
)
CODE_SENTENCE = "The application log of the portal also shows CERT_E_UNTRUSTEDROOT for some users."
SUBSTATUS_SENTENCE = "The browser then shows HTTP Error 403.16 - Forbidden."

#: Each piece: its text, the kind it is read as, and the causes it adds to the diagnosis.
PIECES = {
    "certutil": (CERTUTIL_TAIL, "certutil-verify", {"revocation-offline"}),
    "schannel": (SCHANNEL_36888, "event-log", {"untrusted-root"}),
    "code": (CODE_SENTENCE, "mentions", set()),
    "substatus": (SUBSTATUS_SENTENCE, "mentions", set()),
}


@pytest.mark.parametrize("order", list(itertools.permutations(PIECES, 3)),
                         ids=lambda order: "+".join(order))
def test_every_piece_of_an_email_is_named(order: tuple[str, ...]) -> None:
    body = "\n\nAlso, from another server:\n\n".join(PIECES[name][0] for name in order)
    result = analyze_text(GREETING + body + SIGNATURE, "<mail>")
    kinds = {result.kind, *(p.kind for p in result.pieces)}
    assert kinds >= {PIECES[name][1] for name in order}
    causes = set().union(*(PIECES[name][2] for name in order))
    if causes:
        assert set(result.root_causes) >= causes and result.verdict == "fail"
    if "schannel" in order:
        assert 36888 in [e["event_id"] for e in result.events]
    if "code" in order:
        assert "0x800b0109" in result.hresults


def test_a_code_named_alone_decides_and_says_what_is_missing() -> None:
    result = analyze_path(FIXTURES / "tickets" / "code-only-revocation-offline.txt")
    assert result.kind == "ticket" and result.verdict == "fail"
    assert result.root_causes == ("revocation-offline",) and result.iis_substatus == ("403.13",)
    assert [(p.kind, p.first_line, p.last_line) for p in result.pieces] == [("mentions", 3, 5)]
    root = next(f for f in result.findings if f.root_cause)
    assert "not known" in root.message and root.hresult == "0x80092013"


def test_a_sub_status_alone_decides_nothing_and_says_what_to_collect() -> None:
    result = analyze_path(FIXTURES / "tickets" / "substatus-only.txt")
    assert result.kind == "ticket" and result.verdict == "inconclusive"
    assert result.root_causes == () and result.next_steps
    assert "certutil -verify -urlfetch" in result.next_steps[0]


def test_a_code_named_beside_evidence_does_not_decide() -> None:
    result = analyze_path(FIXTURES / "tickets" / "email-schannel-and-certutil-tail.txt")
    assert result.kind == "certutil-verify"
    assert [p.kind for p in result.pieces] == ["event-log", "mentions"]
    assert [e["event_id"] for e in result.events] == [36877]
    named = next(f for f in result.findings if f.rule == "TKT002")
    assert named.severity == "info" and not named.root_cause


#: Fragments of certutil output that show no outcome: retrieval sections that worked.
_NO_OUTCOME = {
    "cdp-verified": ('  ----------------  Certificate CDP  ----------------\n'
                     '  Verified "Base CRL (01)" Time: 0\n    http://pki.contoso.com/root.crl\n'),
    "aia-verified": ('  ----------------  Certificate AIA  ----------------\n'
                     '  Verified "Certificate (0)" Time: 0\n    http://pki.contoso.com/ca.crt\n'),
}


@pytest.mark.parametrize("fragment", list(_NO_OUTCOME))
@pytest.mark.parametrize("code", [c for c in code_tables().codes if c.hex in (
    "0x80092012", "0x80092013", "0x800b0109", "0x800b010a")], ids=lambda c: c.hex)
def test_a_code_named_beside_a_fragment_without_its_outcome_decides(code: ErrorCode,
                                                                    fragment: str) -> None:
    """A fragment of retrievals that worked says nothing of what failed: the code named in the
    ticket's sentence is what the input says of the failure."""
    text = (f"NPS error: {code.message}\n\nHi,\nthe CRL is published and reachable:\n\n"
            f"{_NO_OUTCOME[fragment]}\nbut NPS still says the same. Thanks, Morgan\n")
    result = analyze_text(text)
    assert result.kind == "certutil-verify"
    assert result.verdict == "fail" and result.root_causes == (code.cause,)
    view = input_view(result)  # the fragment's element is not what the code is about
    assert not any(e.failing for chain in view.chains for e in chain.elements)


def test_a_code_named_beside_verdict_lines_does_not_decide() -> None:
    """Beside certutil's own verdict lines, the code in a sentence is only named."""
    text = ("NPS error: The revocation function was unable to check revocation because the "
            "revocation server was offline.\n\n"
            "ERROR: Verifying leaf certificate revocation status returned The revocation "
            "function was unable to check revocation because the revocation server was offline. "
            "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
            "CertUtil: -verify command completed successfully.\n")
    result = analyze_text(text)
    assert result.root_causes == ("revocation-offline",)
    assert {f.rule for f in result.findings if f.root_cause} == {"REV010"}


def test_prose_alone_is_not_a_ticket() -> None:
    result = analyze_text("Hi, the login to the portal fails since Monday. Any idea?\nThanks\n")
    assert result.status == "unrecognized" and result.verdict is None


_NAMING = [c for c in code_tables().codes if c.cause is not None]
#: How a sentence names a code: as an unsigned decimal (an IIS log's sc-win32-status, a trace),
#: or only by Windows' message, on one line or wrapped.
_SPELLINGS = {
    "unsigned-decimal": lambda c: f"Every request logs sc-win32-status {c.value} since Monday.",
    "sentence-end": lambda c: f"The IIS log shows sc-win32-status {c.value}.",
    "trace-decimal": lambda c: f"[gw][tls][0x21A4] ERROR, {c.value}, AcceptSecurityContext.",
    "message": lambda c: f"The server says: {c.message} Nothing else.",
    "message-wrapped": lambda c: "The server says:\n" + "\n".join(c.message.split(" ", 3)),
}


@pytest.mark.parametrize("spelling", list(_SPELLINGS))
@pytest.mark.parametrize("code", _NAMING, ids=[c.hex for c in _NAMING])
def test_a_code_named_in_any_spelling_is_read(code: ErrorCode, spelling: str) -> None:
    if spelling.startswith("message") and len(" ".join(code.message.split())) < 25:
        pytest.skip("a message this short is not read alone (too easily said in prose)")
    result = analyze_text("Hello team,\n\n" + _SPELLINGS[spelling](code) + "\n\nThanks\n")
    assert result.kind == "ticket"
    assert code.cause in result.root_causes


#: How TLS clients print a failed handshake, with `{hex}` the code, `{symbol}` its name.
_CLIENT_SIDE = {
    "curl": "* schannel: next InitializeSecurityContext failed: {symbol} ({hex}) - {message}",
    "curl-unknown": "curl: (35) schannel: next InitializeSecurityContext failed: Unknown error "
                    "({hex})",
    "git": "fatal: unable to access 'https://git.contoso.com/app.git/': schannel: next "
           "InitializeSecurityContext failed: {symbol} ({hex})",
    "prose": "Our monitoring agent fails with InitializeSecurityContext returned {hex} when it "
             "calls the portal.",
    "title-then-git": "git fails against git.contoso.com with {symbol} ({hex})\n\nfatal: unable "
                      "to access 'https://git.contoso.com/': schannel: next "
                      "InitializeSecurityContext failed: {symbol} ({hex})",
    "dotnet": "System.Security.Authentication.AuthenticationException: The remote certificate "
              "is invalid according to the validation procedure: {symbol} ({hex})",
    # curl's own lines without the call's name: its back end's prefix says it is the client's
    "curl-trust-error": "* schannel: CertGetCertificateChain trust error {flag}\ncurl: (60) "
                        "schannel: CertGetCertificateChain trust error {flag}",
    "curl-code-then-flag": "* schannel: next InitializeSecurityContext failed: Unknown error "
                           "({hex})\n\nWith --cacert it says:\n* schannel: "
                           "CertGetCertificateChain trust error {flag}",
}
#: The CERT_TRUST error flag curl names for each cause (`{flag}`).
_FLAG_OF = {"revocation-offline": "CERT_TRUST_IS_OFFLINE_REVOCATION",
            "untrusted-root": "CERT_TRUST_IS_UNTRUSTED_ROOT", "revoked": "CERT_TRUST_IS_REVOKED",
            "not-time-valid": "CERT_TRUST_IS_NOT_TIME_VALID",
            "partial-chain": "CERT_TRUST_IS_PARTIAL_CHAIN"}
_CHAIN_CODES = [c for c in _NAMING if c.cause in (
    "revocation-offline", "untrusted-root", "revoked", "not-time-valid", "partial-chain")]


@pytest.mark.parametrize("shape", list(_CLIENT_SIDE))
@pytest.mark.parametrize("code", _CHAIN_CODES, ids=[c.hex for c in _CHAIN_CODES])
def test_a_tls_clients_failure_is_about_the_servers_certificate(code: ErrorCode,
                                                                 shape: str) -> None:
    """A code a TLS client reports (InitializeSecurityContext) keeps its cause, but is about
    the certificate the server sent: no IIS sub-status follows; the server's call
    (AcceptSecurityContext) or no call at all keeps it."""
    flag = _FLAG_OF[code.cause]
    if shape == "curl-code-then-flag" and code.hex == "0x80092013":
        flag = "CERT_TRUST_REVOCATION_STATUS_UNKNOWN"  # as curl prints it beside the code
    line = _CLIENT_SIDE[shape].format(hex=code.hex, symbol=code.symbol or "",
                                      message=code.message, flag=flag)

    client = analyze_text(line + "\n")
    # the server's call, out of a client's line (curl's and git's prefixes are a client's)
    server = analyze_text(line.replace("InitializeSecurityContext", "AcceptSecurityContext")
                          .replace("The remote certificate is invalid", "The certificate is "
                                   "invalid").replace("schannel: ", "").replace("curl: (35) ", "")
                          + "\n")

    assert (client.root_causes, client.iis_substatus) == ((code.cause,), ())
    assert {f.rule for f in client.findings if f.root_cause} == {"TKT010"}
    if "SecurityContext" in line or "remote certificate" in line:
        assert code.cause in server.root_causes and server.iis_substatus


#: How a ticket names the sub-status its users get: IIS's error page title, a sentence, an
#: error page line with IIS 7's wording, a German sentence.
_SUBSTATUS_SHAPES = {
    "page": 'Users get "HTTP Error {s} - Forbidden" on https://portal.contoso.com since Monday.',
    "sentence": "Since the patching the portal answers {s} to every smart card user.",
    "iis7-page": "Error Code 0x80070005\nHTTP Error {s} - Forbidden",
    "german": "Seit Montag bekommen alle Benutzer auf dem Portal den Fehler {s}.",
    "log-spaced": "In the IIS log on web01 I see {spaced} for every request.",
    "log-spaced-end": "Every request to the portal ends in {spaced}.",
}


@pytest.mark.parametrize("shape", list(_SUBSTATUS_SHAPES))
@pytest.mark.parametrize("substatus", ["403.7", "403.12", "403.13", "403.16", "403.17"])
def test_a_sub_status_named_alone_asks_for_what_tells_its_causes_apart(substatus: str,
                                                                       shape: str) -> None:
    """403.7 means no certificate arrived: what decides is what the server asked for and what
    the client had (36885, the binding, the client's store), not a chain check of a
    certificate the server never saw; 403.17 and 403.12 have one cause each, which they decide;
    the others ask for that chain check first."""
    text = _SUBSTATUS_SHAPES[shape].format(s=substatus, spaced=substatus.replace(".", " "))
    result = analyze_text(text + "\n")
    rules = {f.rule for f in result.findings}
    decided = {"403.17": "not-time-valid", "403.12": "certificate-mapping-denied"}
    if substatus in decided:  # one cause only: the sub-status decides it
        assert (result.verdict, result.root_causes) == ("fail", (decided[substatus],))
        assert result.iis_substatus == (substatus,) and "TKT004" not in rules
        return
    assert result.verdict == "inconclusive" and result.root_causes == ()
    if substatus == "403.7":
        assert "TKT011" in rules and "TKT004" not in rules
        assert "36885" in result.next_steps[0]
        assert any("netsh http show sslcert" in step for step in result.next_steps)
        assert not any("certutil -verify" in step for step in result.next_steps)
    else:
        assert "TKT004" in rules and "TKT011" not in rules
        assert "certutil -verify -urlfetch" in result.next_steps[0]


@pytest.mark.parametrize("text", ["Build 2.403.16 of the agent is installed.",
                                  "The appliance runs firmware 403.16.2 since May.",
                                  "Ticket 4403.16 was closed."])
def test_a_dotted_number_is_no_sub_status(text: str) -> None:
    assert analyze_text(text + "\n").status == "unrecognized"


#: How a post names a sub-status by the status and IIS's title of it, without the number after
#: the dot: an error page's heading, a retelling in a sentence, a status line, a quotation.
_TITLED_SHAPES = {
    "page": "Users get: Error {status} - Forbidden: {title}.",
    "parenthesis": "Every request ends in HTTP {status} Forbidden ({lower}) since Monday.",
    "sentence": "we get a {status} forbidden, {lower}, on the portal",
    "status-line": "HTTP/1.1 {status} {upper}",
    "quoted": '> "{status} - {title}"',
}


@pytest.mark.parametrize("shape", list(_TITLED_SHAPES))
@pytest.mark.parametrize("substatus", ["403.7", "403.12", "403.13", "403.16", "403.17"])
def test_a_sub_status_named_by_its_title_reads_as_its_number(substatus: str, shape: str) -> None:
    """`Error 403 - Forbidden: Client Certificate Required.` is 403.7: the status and the
    sub-status's title from the code tables say as much as the number would."""
    known = code_tables().substatus(substatus)
    assert known is not None
    title = known.title.rstrip(".")
    text = _TITLED_SHAPES[shape].format(status=substatus.split(".")[0], title=title,
                                        lower=title.lower(), upper=title.upper())
    titled = analyze_text(f"Hi,\n{text}\nThanks\n")
    numbered = analyze_text(f"Hi,\nUsers get: HTTP Error {substatus} - Forbidden.\nThanks\n")
    assert _facts(titled) == _facts(numbered)
    assert (titled.iis_substatus, titled.next_steps) == (numbered.iis_substatus,
                                                         numbered.next_steps)
    assert {f.rule for f in titled.findings} == {f.rule for f in numbered.findings}


@pytest.mark.parametrize("text", [
    "Users get 403 Forbidden on the portal.",  # the status alone
    "Error 404 - Not Found: client certificate required by the next hop",  # another status
    "It returned 403 after 2 tries; client certificate revoked, they say.",  # a number between
    "A 403 was logged for the portal at nine in the morning by the monitoring job, and its "
    "client certificate expired",  # too far apart
])
def test_a_status_without_a_title_beside_it_names_no_sub_status(text: str) -> None:
    result = analyze_text(f"{text}\n")
    assert result.iis_substatus == () and not any(
        f.rule in ("TKT003", "TKT011", "TKT012", "TKT013") for f in result.findings)


@pytest.mark.parametrize("line", [
    "Forbidden    - results in a 403 Forbidden    - IIS-Logs:  403.503",
    "The log shows 403.502 (403 Forbidden) for the crawler's requests.",
    "HTTP/1.1 403 Forbidden, logged as 403.501 by the dynamic IP restrictions",
])
def test_a_403_logged_with_a_module_s_sub_status_is_not_a_bare_403(line: str) -> None:
    result = analyze_text(f"Hi,\n{line}\nThanks\n")
    assert "TKT027" not in {f.rule for f in result.findings}
    bare = analyze_text(f"Hi,\n{line.replace('.50', ' ')}\nThanks\n")
    assert "TKT027" in {f.rule for f in bare.findings}


def test_403_7_named_beside_another_sub_status_asks_for_both() -> None:
    result = analyze_text("Some users get 403.7, others 403.16, since the new CA went live.\n")
    assert {"TKT004", "TKT011"} <= {f.rule for f in result.findings}
    assert any("36885" in step for step in result.next_steps)
    assert any("certutil -verify -urlfetch" in step for step in result.next_steps)


def _gives(code: ErrorCode) -> tuple[str, ...]:
    return analyze_text(f"The check failed with {code.hex}.\n").iis_substatus


_BY_SUBSTATUS = {c.hex: _gives(c) for c in _NAMING}
#: Pairs of codes that give different sub-statuses (each gives exactly one).
_APART = [(a, b) for a in _NAMING for b in _NAMING
          if len(_BY_SUBSTATUS[a.hex]) == 1 and len(_BY_SUBSTATUS[b.hex]) == 1
          and _BY_SUBSTATUS[a.hex] != _BY_SUBSTATUS[b.hex] and a.cause != b.cause]


@pytest.mark.parametrize(("first", "second"), _APART,
                         ids=[f"{a.hex}-{b.hex}" for a, b in _APART])
def test_the_sub_status_clients_got_ranks_the_causes_it_names(first: ErrorCode,
                                                              second: ErrorCode) -> None:
    """Two codes named, in either order, and the sub-status the users get: the cause that
    gives it is the first root cause, and the other says that it gives another."""
    (seen,) = _BY_SUBSTATUS[second.hex]
    text = (f"Users get HTTP Error {seen} - Forbidden since Monday.\n"
            f"The server logged {first.hex} and also {second.hex}.\n")
    result = analyze_text(text)
    assert result.root_causes[0] == second.cause
    assert first.cause in result.root_causes
    other = next(f for f in result.findings if f.root_cause and f.cause == first.cause)
    assert other.message.endswith(f"clients got {seen}; this cause gives "
                                  f"{_BY_SUBSTATUS[first.hex][0]}.")


def test_without_a_sub_status_named_the_causes_keep_their_order() -> None:
    result = analyze_text("The server logged 0x80092013 and also 0x800b0109.\n")
    assert result.root_causes == ("revocation-offline", "untrusted-root")
    assert not any("clients got" in f.message for f in result.findings)


_TRUST_SHAPES = {
    "sentence": "The chain of the Fabrikam issuing CA ended at {name} this morning.",
    "status-line": "  dwErrorStatus: {name} (0x{value:x})",
    "quoted": "> Error status of the leaf: {name}",
    "log": "2025-02-11 08:14:11 WARN chain check for user1: {name}",
}
_POLICY_FLAGS = [f for f in code_tables().decode_status("error", 0xFFFFFFFF)
                 if f.policy_hresult and (c := code_tables().lookup(f.policy_hresult))
                 and c.cause]


@pytest.mark.parametrize("shape", list(_TRUST_SHAPES))
@pytest.mark.parametrize("flag", _POLICY_FLAGS, ids=lambda f: f.name)
def test_a_cert_trust_flag_named_in_prose_is_its_policy_code(flag: TrustFlag,
                                                             shape: str) -> None:
    code = code_tables().lookup(flag.policy_hresult or "")
    assert code is not None
    result = analyze_text(_TRUST_SHAPES[shape].format(name=flag.name, value=flag.value) + "\n")
    assert result.root_causes == (code.cause,)
    assert code.hex in result.hresults


def test_revocation_unknown_beside_the_offline_flag_is_offline() -> None:
    result = analyze_text("dwErrorStatus: CERT_TRUST_REVOCATION_STATUS_UNKNOWN, "
                          "CERT_TRUST_IS_OFFLINE_REVOCATION\n")
    assert result.root_causes == ("revocation-offline",)


def test_an_info_flag_named_in_prose_is_no_failure() -> None:
    result = analyze_text("The root has CERT_TRUST_HAS_PREFERRED_ISSUER and "
                          "CERT_TRUST_IS_SELF_SIGNED.\n")
    assert result.verdict is None and result.root_causes == ()


def test_what_to_collect_is_asked_once_when_several_sub_statuses_are_named() -> None:
    result = analyze_text("Some users get 403.13, others 403.16, since the CA was renewed.\n")
    assert result.verdict == "inconclusive" and result.next_steps
    assert len(result.next_steps) == len(set(result.next_steps))


#: .NET chain status name -> the cause its flag's policy code names.
_DOTNET = {"PartialChain": "partial-chain", "UntrustedRoot": "untrusted-root",
           "NotTimeValid": "not-time-valid", "Revoked": "revoked",
           "OfflineRevocation": "revocation-offline", "NotValidForUsage": "missing-client-auth-eku"}
_DOTNET_SHAPES = {
    "exception": ("System.Security.Authentication.AuthenticationException: The remote certificate "
                  "is invalid because of errors in the certificate chain: {names}"),
    "array": "X509ChainStatus: [NoError, {names}]",
    "powershell": "ChainStatus    : {{{names}}}",
    "log": "2025-02-11 08:14:11 ERROR client certificate rejected, ChainStatus={names} (0F1E)",
}


@pytest.mark.parametrize("shape", list(_DOTNET_SHAPES))
@pytest.mark.parametrize("name", list(_DOTNET))
def test_a_dotnet_chain_status_names_its_cause(name: str, shape: str) -> None:
    """.NET reports the chain's CERT_TRUST flags by its own names (X509ChainStatusFlags): each
    is read as the code the chain policy returns for the flag, alone or beside another."""
    names = f"RevocationStatusUnknown, {name}" if name == "OfflineRevocation" else name
    result = analyze_text(_DOTNET_SHAPES[shape].format(names=names) + "\n")
    assert result.root_causes == (_DOTNET[name],), result.findings


@pytest.mark.parametrize("layout", ["one-line", "lines"])
def test_each_dotnet_status_with_its_own_message_is_one_code(layout: str) -> None:
    """.NET lists each status with its message: RevocationStatusUnknown's message beside the
    offline pair is that status again, not no-revocation-info."""
    unknown = ("RevocationStatusUnknown The revocation function was unable to check revocation "
               "for the certificate.")
    offline = ("OfflineRevocation The revocation function was unable to check revocation "
               "because the revocation server was offline.")
    text = (f'["{unknown}", "{offline}"]' if layout == "one-line" else f"{unknown}\n{offline}")
    result = analyze_text("Kestrel rejects the client certificate:\n" + text + "\n")
    assert result.root_causes == ("revocation-offline",)


def test_revocation_unknown_alone_is_no_revocation_check_and_beside_offline_is_offline() -> None:
    alone = analyze_text("Chain status: RevocationStatusUnknown\n")
    paired = analyze_text("Chain status:\n  RevocationStatusUnknown\n  OfflineRevocation\n")
    assert (alone.root_causes, paired.root_causes) == (("no-revocation-info",),
                                                       ("revocation-offline",))


#: Each way a text names the unknown revocation status, and the offline one.
_UNKNOWN_SPELLINGS = ["0x80092012", "CRYPT_E_NO_REVOCATION_CHECK", "-2146885614", "2148081682",
                      "The revocation function was unable to check revocation for the "
                      "certificate.", "RevocationStatusUnknown"]
_OFFLINE_SPELLINGS = ["0x80092013", "CRYPT_E_REVOCATION_OFFLINE", "2148081683",
                      "The revocation function was unable to check revocation because the "
                      "revocation server was offline.", "OfflineRevocation"]
_APART = {"one line": "{a} {b}", "next line": "{a}\n{b}", "a paragraph apart": "{a}\n\nWe "
          "checked the proxy, nothing changed. The log also says:\n\n{b}",
          "reason first": "{b}\n{a}"}


@pytest.mark.parametrize("apart", list(_APART))
@pytest.mark.parametrize("offline", _OFFLINE_SPELLINGS)
@pytest.mark.parametrize("unknown", _UNKNOWN_SPELLINGS)
def test_the_unknown_status_beside_the_offline_one_is_one_failure(unknown: str, offline: str,
                                                                  apart: str) -> None:
    """An exception's summary (no revocation check) and its reason (the server offline), or a
    chain's two statuses, in any spelling, are one failure: revocation offline."""
    text = ("Users get 403.13 on the portal since 08:00. The server's log says:\n"
            + _APART[apart].format(a=unknown, b=offline) + "\n")
    result = analyze_text(text)
    assert result.root_causes == ("revocation-offline",), result.findings


@pytest.mark.parametrize("text", [
    "Revoked certificates are listed on the CRL page of the portal.\n",
    "The user's certificate was revoked last week, please advise.\n",
])
def test_a_one_word_status_in_a_sentence_is_english(text: str) -> None:
    assert analyze_text(text).status == "unrecognized"


def test_a_one_word_status_said_twice_is_still_english() -> None:
    """A sub-status's title said twice on one line is no list of chain statuses."""
    text = ("You may get 403.13 Client Certificate Revoked even if the certificate is not "
            "revoked: IIS shows 403.13 Client Certificate Revoked when it cannot download a "
            "CRL of the chain.\n")
    result = analyze_text(text)
    assert result.root_causes == () and result.verdict == "inconclusive"


@pytest.mark.parametrize("shape", list(CLIENT_PRINTS))
@pytest.mark.parametrize("alert", list(NAMED_ALERTS))
def test_an_alert_a_client_received_is_read_by_its_name(alert: int, shape: str) -> None:
    """OpenSSL, NSS, Java, Bouncy Castle and Go print the alert a server sent by name, each in
    its own spelling and under each protocol version's prefix (TLS 1.3's `tlsv13`, NSS's `RX_`
    of the alerts TLS 1.3 added): it is that alert, and its cause."""
    result = analyze_text(printed(alert, shape) + "\n")
    # 42 from the server: it refused the client's certificate, or to go on without one (Java
    # and Bouncy Castle print it alike on either side: the alert's own cause then)
    either = shape in ("java", "bouncy-castle")
    cause = ("client-certificate-rejected" if alert == 42 and not either
             else NAMED_ALERTS[alert][3])
    assert result.root_causes == (cause,), result.findings
    received = {f.rule for f in result.findings} & {"TKT031", "TKT032"}
    assert bool(received) == (alert in (42, 44, 45, 46, 48) and not either), result.findings


@pytest.mark.parametrize("line", [
    "2025/05/13 09:41:07 [info] 812#812: *1401 SSL_do_handshake() failed (SSL: "
    "error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:SSL alert "
    "number 42) while SSL handshaking, client: 203.0.113.9, server: 0.0.0.0:443",
    "2025/05/13 09:41:07 http: TLS handshake error from 203.0.113.9:51522: remote error: tls: "
    "unknown certificate authority",
    "javax.net.ssl.SSLHandshakeException: Received fatal alert: certificate_unknown",
])
def test_an_alert_a_server_may_have_logged_as_received_is_no_clients(line: str) -> None:
    """nginx and Go servers log the alert their client sent them in the words a client uses,
    and Java prints it alike on either side: the client may have refused the server's
    certificate, which is no refusal of a client certificate."""
    result = analyze_text(line + "\n")
    assert not {"TKT031", "TKT032"} & {f.rule for f in result.findings}, result.findings
    assert "TKT008" in {f.rule for f in result.findings}, result.findings


def test_a_go_error_that_is_no_alert_names_none() -> None:
    assert analyze_text("The remote error log shows nothing for the portal.\n").status == (
        "unrecognized")


@pytest.mark.parametrize(("error", "cause"), [
    ("x509: certificate signed by unknown authority", "untrusted-root"),
    ("x509: certificate has expired or is not yet valid: current time 2026-11-30T08:00:00Z "
     "is after 2026-06-30T08:00:00Z", "not-time-valid"),
    ("x509: certificate specifies an incompatible key usage", "missing-client-auth-eku"),
])
def test_go_x509_errors_are_their_checks_on_the_side_that_logs_them(error: str,
                                                                    cause: str) -> None:
    """Go's crypto/x509 errors are the checks CryptoAPI codes name: a Go client's about the
    server's certificate (its machine decides, no 403), a Go server's about the client's (the
    alert its client got is what follows from it)."""
    client = analyze_text(f"Get \"https://portal.contoso.com/\": tls: failed to verify "
                          f"certificate: {error}\n")
    assert client.root_causes == (cause,) and client.iis_substatus == ()
    server = analyze_text(
        "server: 2026/11/30 08:00:01 http: TLS handshake error from 203.0.113.7:51522: tls: "
        f"failed to verify client's certificate: {error}\n"
        "client: remote error: tls: bad certificate\n")
    assert server.root_causes == (cause,)
    alert = next(f for f in server.findings if f.rule == "TKT031")
    assert alert.explained_by == ("TKT001",) and not alert.root_cause


@pytest.mark.parametrize("text", [
    "We set an alert for bad certificate requests.\n",
    "A peer review of the certificate template found nothing.\n",
    "The peer could not verify the certificate, says the vendor.\n",
])
def test_a_word_alert_or_peer_in_prose_is_no_named_alert(text: str) -> None:
    assert analyze_text(text).status == "unrecognized"


#: Each error a Chromium browser shows about the client certificate -> the cause it names.
_BROWSER_ERRORS = {
    "ERR_BAD_SSL_CLIENT_AUTH_CERT": "client-auth-handshake-failed",
    "ERR_SSL_CLIENT_AUTH_CERT_NEEDED": "no-client-certificate",
    "ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED": "client-key-unusable",
    "ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY": "client-key-unusable",
    "ERR_SSL_CLIENT_AUTH_PRIVATE_KEY_ACCESS_DENIED": "client-key-unusable",
    "ERR_SSL_CLIENT_AUTH_CERT_BAD_FORMAT": "client-key-unusable",
    "ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS": "client-key-unusable",
    "SSL_ERROR_SIGN_HASHES_FAILURE": "client-key-unusable",  # Firefox's
}
#: How tickets bring the error: told in a sentence, the developer tools' line, quoted in a
#: reply, as HTML, in another language (the error page prints the name in every language),
#: and as the last lines of a longer paste.
_BROWSER_SHAPES = {
    "sentence": "Since Monday Edge shows {name} when the users open the portal.",
    "devtools": "GET https://portal.contoso.com/ net::{name}",
    "quoted": "> Chrome says:\n> {name}\n\nCan you check?",
    "html": "<p>The page fails with <b>{name}</b> for every user.</p>",
    "german": "Seit gestern zeigt Chrome beim Portal den Fehler {name} an.",
    "tail": "...\nDie Webseite ist nicht erreichbar\n{name}",
}


@pytest.mark.parametrize("shape", list(_BROWSER_SHAPES))
@pytest.mark.parametrize("name", list(_BROWSER_ERRORS))
def test_a_browser_error_about_the_client_certificate_names_its_cause(name: str,
                                                                      shape: str) -> None:
    result = analyze_text(_BROWSER_SHAPES[shape].format(name=name) + "\n")
    assert result.root_causes == (_BROWSER_ERRORS[name],), result.findings
    assert result.verdict == "fail"


@pytest.mark.parametrize("shape", list(_BROWSER_SHAPES))
def test_no_common_signature_algorithm_puts_tls13_and_the_key_provider_first(shape: str) -> None:
    """A key that can sign with none of the server's algorithms is, as a rule, a legacy
    provider's key meeting TLS 1.3: the fixes start there, not with a missing key."""
    text = _BROWSER_SHAPES[shape].format(name="ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS")
    finding = next(f for f in analyze_text(text + "\n").findings if f.root_cause)
    assert finding.rule == "TKT037"
    assert "TLS 1.3" in finding.remediation[0].text
    assert "Provider" in finding.remediation[1].text
    other = analyze_text(_BROWSER_SHAPES[shape].format(
        name="ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY") + "\n")
    assert [f.rule for f in other.findings if f.root_cause] == ["TKT015"]


@pytest.mark.parametrize("text", [
    "The build flag XERR_BAD_SSL_CLIENT_AUTH_CERT is set.\n",        # inside a longer name
    "ERR_BAD_SSL_CLIENT_AUTH_CERTIFICATE was renamed.\n",            # a longer name
    "Chrome shows ERR_CONNECTION_RESET for the portal.\n",            # not the certificate's
])
def test_other_names_are_no_browser_error_about_the_certificate(text: str) -> None:
    assert analyze_text(text).root_causes == ()


def test_a_browser_error_beside_the_servers_evidence_decides_nothing_itself() -> None:
    """With the server's Schannel message in the same text, the message says what failed."""
    text = ("Chrome shows ERR_BAD_SSL_CLIENT_AUTH_CERT. The server logged:\n\n"
            "The certificate received from the remote client application has not validated "
            "correctly. The error code is 0x800b0109. The attached data contains the client "
            "certificate.\n")
    result = analyze_text(text)
    assert result.root_causes == ("untrusted-root",)
    assert not [f for f in result.findings if f.rule == "TKT014"]


def _capi2_cut(path: str, keep: str) -> str:
    """A CAPI2 event of the fixtures, cut (as a paste is) before the line that holds `keep`."""
    lines = (FIXTURES / "events" / "xml" / path).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[:next(i for i, line in enumerate(lines) if keep in line)]) + "\n"


#: CAPI2 events pasted without their outcome: cut before the result, the chain's status, or
#: anything of their UserData.
_EVENTS_WITHOUT_OUTCOME = {
    "policy-cut-before-result": ("capi2-30-client-untrusted-root.xml", "<Result"),
    "revocation-cut-before-status": ("capi2-41-revocation-offline.xml", "<RevocationStatus"),
    "cut-after-system": ("capi2-53-aia-unreachable.xml", "<UserData"),
}


@pytest.mark.parametrize("event", list(_EVENTS_WITHOUT_OUTCOME))
@pytest.mark.parametrize("code", [c for c in code_tables().codes if c.hex in (
    "0x80092013", "0x800b0109", "0x800b010a", "0x80092010")], ids=lambda c: c.hex)
@pytest.mark.parametrize("spelling", ["hex", "message"])
def test_a_code_named_beside_events_without_their_outcome_decides(code: ErrorCode, event: str,
                                                                  spelling: str) -> None:
    """CAPI2 events cut before they say how the check ended say nothing of what failed: the
    code the post names in a sentence is what the input says of it."""
    named = code.hex if spelling == "hex" else code.message
    text = (f"I think it is this one, in particular: - Result {named}\n\n"
            f"{_capi2_cut(*_EVENTS_WITHOUT_OUTCOME[event])}")
    result = analyze_text(text)
    assert result.kind == "event-log"
    assert result.verdict == "fail" and result.root_causes == (code.cause,)


def test_a_code_named_beside_an_event_with_its_outcome_does_not_decide() -> None:
    """Beside a CAPI2 event that shows its result, the code in a sentence is only named."""
    event = (FIXTURES / "events" / "xml" / "capi2-30-client-untrusted-root.xml").read_text(
        encoding="utf-8")
    result = analyze_text(f"We also saw 0x80092013 last week.\n\n{event}")
    assert result.root_causes == ("untrusted-root",)
    assert next(f for f in result.findings if f.rule == "TKT002").severity == "info"


_SENTENCE_SHAPES = {
    "page": "HTTP Error {code} - Forbidden",
    "table": "| Status | {code} |",
    "sentence": "Since Monday the portal answers {code} to everyone.",
    "quoted": "> The browser shows {code}.",
}
_SUBSTATUSES = [s for s in code_tables().substatuses if s.code.startswith("403.")]


@pytest.mark.parametrize("shape", list(_SENTENCE_SHAPES))
@pytest.mark.parametrize("known", _SUBSTATUSES, ids=lambda s: s.code)
def test_a_sub_status_not_about_certificates_asks_for_no_certificate_evidence(
        known: IisSubstatus, shape: str) -> None:
    """A 403 sub-status the code tables list without client-certificate causes (403.14, 403.6
    ...) is told as such (TKT021), and neither read as a certificate's symptom (TKT003) nor
    answered with certificate evidence to collect (TKT004); the client-certificate ones the
    other way round."""
    code = known.code
    text = _SENTENCE_SHAPES[shape].format(code=code)
    result = analyze_text(f"Hello,\n\n{text}\n\nThanks\n")
    rules = {f.rule for f in result.findings}
    if known.causes:
        assert "TKT021" not in rules
        assert rules & {"TKT003", "TKT011", "TKT012", "TKT013"}
    else:
        assert "TKT021" in rules and not rules & {"TKT003", "TKT004"}
        assert not result.next_steps and not result.root_causes
        told = next(f for f in result.findings if f.rule == "TKT021")
        assert code in told.message and known.title.rstrip(".") in told.message


_FAILED_COMMAND = ("Hi,\n\nC:\\Temp>certutil.exe -{verb} {arg}\n"
                   "CertUtil: -{verb} command FAILED: {hex} ({signed} {symbol})\n"
                   "CertUtil: {message}\n\nThanks\n")
_MAINTENANCE = ["generateSSTFromWU", "syncWithWU", "URLCache", "addstore", "importPFX",
                "repairstore"]


@pytest.mark.parametrize("verb", [*_MAINTENANCE, "verify"])
@pytest.mark.parametrize("code", _CHAIN_CODES, ids=[c.hex for c in _CHAIN_CODES])
def test_a_code_certutils_own_command_failed_with_is_that_commands(code: ErrorCode,
                                                                    verb: str) -> None:
    """A chain code in the `command FAILED` line of a verb that checks no client's chain is
    the command's own (its download, its store): TKT023, no cause of a rejected client
    certificate, no 403; the same line of -verify is the chain's verdict."""
    signed = code.value - (1 << 32)
    text = _FAILED_COMMAND.format(verb=verb, arg="roots.sst", hex=code.hex, signed=signed,
                                  symbol=code.symbol, message=code.message)
    result = analyze_text(text)
    rules = {f.rule for f in result.findings}
    if verb == "verify":
        assert "TKT023" not in rules and code.cause in result.root_causes
    elif result.kind == "certutil-verify":  # -urlcache's output, read as certutil's
        assert result.iis_substatus == ()
        assert any(f"-{verb} failed" in f.message for f in result.findings)
    else:
        assert "TKT023" in rules, result.findings
        assert result.iis_substatus == () and result.root_causes == ()


_TLS13_SAID = {
    "plain": "TLS 1.3 is enabled on the new server.",
    "openssl": "The handshake is TLSv1.3 according to openssl.",
    "binding": 'It works once "Disable TLS 1.3 over TCP" is ticked on the binding.',
    "japanese": "新しいサーバーでは TLS1.3 が有効です。",
}
_TLS13_FAILURES = {
    "substatus": "Users get HTTP Error 403.7 - Forbidden since the move.",
    "browser": "Edge shows ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED since the move.",
    "code": "The client logs 0x80090326 (SEC_E_ILLEGAL_MESSAGE) since the move.",
}


@pytest.mark.parametrize("failure", list(_TLS13_FAILURES))
@pytest.mark.parametrize("said", list(_TLS13_SAID))
def test_tls13_named_beside_a_failure_is_told_with_the_bindings_steps(said: str,
                                                                      failure: str) -> None:
    text = f"Hi,\n\n{_TLS13_FAILURES[failure]}\n{_TLS13_SAID[said]}\n\nThanks\n"
    result = analyze_text(text)
    told = [f for f in result.findings if f.rule == "TKT024"]
    assert len(told) == 1 and told[0].severity == "warning"
    assert any("clientcertnegotiation=enable" in s.text for s in told[0].remediation)
    without = analyze_text(text.replace("1.3", "1.2"))
    assert "TKT024" not in {f.rule for f in without.findings}


def test_tls13_named_alone_is_no_failure() -> None:
    result = analyze_text("Hi,\n\nWe enabled TLS 1.3 on all web servers last week.\n")
    assert "TKT024" not in {f.rule for f in result.findings}


_PAGE_SHAPES = {
    "page": "The page you are attempting to access {text} that the Web server recognizes.",
    "html": "<h3>The page you are attempting to access {text} that the Web server will "
            "recognize.</h3>",
    "quoted": "> Server Error\n> {text}",
    "heading": "## 403.x? {text}",
}
_PAGES = [(s.code, t) for s in code_tables().substatuses for t in s.page_texts]


@pytest.mark.parametrize("shape", list(_PAGE_SHAPES))
@pytest.mark.parametrize(("substatus", "page"), _PAGES, ids=[f"{c}:{t[:20]}" for c, t in _PAGES])
def test_a_sentence_of_iis_error_page_names_its_sub_status(substatus: str, page: str,
                                                           shape: str) -> None:
    """IIS's error page copied without its heading still names the sub-status: the sentence
    reads as the number would."""
    text = _PAGE_SHAPES[shape].format(text=page).replace("403.x? ", "")
    paged = analyze_text(f"Hi,\n{text}\nThanks\n")
    numbered = analyze_text(f"Hi,\nUsers get: HTTP Error {substatus} - Forbidden.\nThanks\n")
    assert paged.iis_substatus == numbered.iis_substatus
    assert {f.rule for f in paged.findings} == {f.rule for f in numbered.findings}


#: IIS's 403 sub-statuses with their titles, as its documentation lists them.
_TITLES = {"403.1": "Execute access forbidden.", "403.6": "IP address rejected.",
           "403.7": "Client certificate required.", "403.12": "Mapper denied access.",
           "403.13": "Client certificate revoked.", "403.14": "Directory listing denied.",
           "403.16": "Client certificate is untrusted or invalid.",
           "403.17": "Client certificate has expired or is not yet valid.",
           "403.18": "Cannot execute requested URL in the current application pool."}
_TABLES = {
    "markdown": lambda rows: "| Code | Description |\n|---|---|\n" + "".join(
        f"| {c} | {t} |\n" for c, t in rows),
    "html": lambda rows: "<table>" + "".join(f"<tr><td>{c}</td><td>{t}</td></tr>\n"
                                             for c, t in rows) + "</table>\n",
    "bullets": lambda rows: "".join(f"- {c} - {t}\n" for c, t in rows),
    "one line": lambda rows: "IIS uses " + ", ".join(f"{c} ({t.rstrip('.')})" for c, t in rows)
                             + ".\n",
}


@pytest.mark.parametrize("count", [5, 6, 9])
@pytest.mark.parametrize("table", list(_TABLES))
def test_a_list_of_many_substatuses_is_a_table_not_a_failure(table: str, count: int) -> None:
    rows = list(_TITLES.items())[-count:]
    result = analyze_text("From the IIS documentation:\n\n" + _TABLES[table](rows))
    assert (result.verdict, result.root_causes, result.iis_substatus) == ("inconclusive", (), ())
    assert [f.rule for f in result.findings] == ["TKT026"]
    assert f"list {count} IIS sub-statuses" in result.findings[0].message


@pytest.mark.parametrize("count", [1, 2, 4])
def test_a_few_substatuses_are_what_clients_got(count: int) -> None:
    rows = [("403.17", ""), ("403.16", ""), ("403.13", ""), ("403.7", "")][:count]
    text = "The log shows " + " and ".join(c for c, _ in rows) + " since 08:00.\n"
    result = analyze_text(text)
    assert "TKT026" not in {f.rule for f in result.findings}
    named = " ".join(f.message for f in result.findings if f.rule == "TKT003")
    assert all(f"names {c}:" in named for c, _ in rows), named


_LOGON_SHAPES = {
    "number": "Partners get {s} since Monday when they sign in with their certificates.\n",
    "page": "HTTP Error {s} - Unauthorized: Access is denied.\n",
    "with a code without a cause": "The log shows {s} with a sc-win32-status of 2148086018.\n",
}


@pytest.mark.parametrize("shape", list(_LOGON_SHAPES))
@pytest.mark.parametrize("substatus", ["401.1", "401.2", "401.3"])
def test_a_401_named_points_at_the_mapped_account(substatus: str, shape: str) -> None:
    """A 401 comes after the chain was accepted: the steps are the mapping's and the mapped
    account's, not a chain check's."""
    result = analyze_text(_LOGON_SHAPES[shape].format(s=substatus))
    rules = [f.rule for f in result.findings]
    assert "TKT028" in rules and "TKT004" not in rules, rules
    assert (result.verdict, result.root_causes) == ("inconclusive", ())
    assert "4625" in result.next_steps[0]
