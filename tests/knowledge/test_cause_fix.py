"""A finding whose error code names its cause gives that cause's own steps first.

A rule that reads a code saying what failed (Schannel event 36877, CAPI2 event 30 of a client's
certificate, a code a ticket names) opts in with `cause_fix`. Over every code each such rule
maps to a cause (every code of the code tables, for a rule that takes its cause from them), in
the shape that rule reads, the finding's steps are those of the rule that reports the cause from
a failed chain, then the rule's own; a code that names no cause with steps of its own gives the
rule's `fix_otherwise` first. `certtriage explain` of a code gives the same steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_bytes
from certtriage.engine import rulebook, vocabulary
from certtriage.errors import RulebookError
from certtriage.knowledge.codes import code_tables
from certtriage.knowledge.explain import explain
from certtriage.knowledge.openssl_errors import X509_V_ERRORS
from certtriage.knowledge.rulebook import load_rulebook_from
from certtriage.knowledge.schema import Rule
from certtriage.models.findings import Finding

from ..conftest import FIXTURES
from .test_rulebook import _break, rules_copy  # noqa: F401 - the fixture

BOOK = rulebook()
OPTED = [r for r in BOOK.rules if r.cause_fix]

#: A code each rule maps to no cause (its finding keeps the rule's own).
UNMAPPED = "0x80090326"  # SEC_E_ILLEGAL_MESSAGE


def _schannel(code: str) -> bytes:
    return (f"The certificate received from the remote client application has not validated "
            f"correctly. The error code is {code}. The attached data contains the client "
            f"certificate.\n").encode()


def _capi2(code: str) -> bytes:
    xml = (FIXTURES / "events/xml/capi2-30-client-untrusted-root.xml").read_text()
    return xml.replace('value="800B0109"', f'value="{code[2:].upper()}"').encode()


def _ticket(code: str) -> bytes:
    return (f"Hi team,\n\nsince this morning every sign-in to https://portal.contoso.com with a "
            f"client certificate fails; the server's log shows {code}.\n\nThanks,\nKim\n"
            ).encode()


def _freb(name: str, logged: str) -> Callable[[str], bytes]:
    """A failed request trace (fixture `name`, whose error code is `logged`, an unsigned
    decimal) with another code, as IIS writes it: in decimal, and rendered with its message."""
    def render(code: str) -> bytes:
        xml = (FIXTURES / "iis-freb" / name).read_text()
        xml = xml.replace(f'<Data Name="ErrorCode">{logged}</Data>',
                          f'<Data Name="ErrorCode">{int(code, 16)}</Data>')
        return re.sub(r'(Data="ErrorCode">)[^<]*', rf"\g<1>Failed. ({code})", xml).encode()
    return render


def _openssl_verify(code: str) -> bytes:
    """`openssl verify -purpose sslclient` stopping at the first error whose check is `code`."""
    number = next(n for n, (_, c) in sorted(X509_V_ERRORS.items()) if c == code)
    return (f"$ openssl verify -CAfile root.pem -purpose sslclient client.pem\n"
            f"C = US, O = Contoso Ltd, CN = Megan Bowen\n"
            f"error {number} at 0 depth lookup: words\n"
            f"error client.pem: verification failed\n").encode()


#: Each opted-in rule: its input in the shape it reads, for a code.
SHAPES = {"SCH006": (_schannel, "36877.txt"), "CAP001": (_capi2, "capi2.xml"),
          "TKT001": (_ticket, "ticket.txt"),
          "FRB001": (_freb("fr000021-revocation-offline.xml", "2148081683"), "fr000021.xml"),
          "FRB002": (_freb("fr000017-untrusted-root.xml", "2148204809"), "fr000017.xml"),
          "OSV001": (_openssl_verify, "verify.txt")}


def _codes(rule: Rule) -> list[str]:
    if rule.code == "OSV001":  # the codes OpenSSL's errors stand for
        return sorted({c for _, c in X509_V_ERRORS.values() if c})
    if rule.cause_from_code:  # it reads only codes that name a cause
        return sorted({c.hex for c in code_tables().codes if c.cause})
    return [*rule.cause_by_code, UNMAPPED]


CASES = [(r, c) for r in OPTED for c in _codes(r)]


def test_every_rule_that_opts_in_is_tested() -> None:
    assert {r.code for r in OPTED} == set(SHAPES)


def _finding(rule: Rule, code: str) -> Finding:
    render, name = SHAPES[rule.code]
    result = analyze_bytes(render(code), name)
    found = [f for f in result.findings if f.rule == rule.code]
    assert len(found) == 1, (code, [f.rule for f in result.findings])
    return found[0]


@pytest.mark.parametrize(("rule", "code"), CASES, ids=[f"{r.code}:{c}" for r, c in CASES])
def test_the_cause_a_code_names_brings_its_own_steps(rule: Rule, code: str) -> None:
    finding = _finding(rule, code)
    remedy = BOOK.remedy_of.get(finding.cause) if finding.cause != rule.cause else None
    if remedy is None:
        assert finding.remediation == (*rule.fix_otherwise, *rule.fix)
        return
    assert remedy is not rule and not remedy.cause_fix
    assert finding.remediation == (*remedy.fix, *rule.fix)
    assert set(remedy.references) <= set(finding.references)
    assert set(rule.references) <= set(finding.references)
    assert not any("certtriage explain" in s.text for s in finding.remediation)


@pytest.mark.parametrize("rule", OPTED, ids=[r.code for r in OPTED])
def test_what_each_code_brings(rule: Rule) -> None:
    """Anchors, by hand: a revocation server offline brings the chain dump's steps for it, an
    untrusted root the check for the root (and its import), and a name mismatch (a cause no failed chain
    reports) the lookup."""
    offline = _finding(rule, "0x80092013")
    assert offline.cause == "revocation-offline"
    assert offline.remediation[0] == BOOK.get("REV010").fix[0]  # type: ignore[union-attr]
    assert "cannot be retrieved" in " ".join(r.title for r in offline.references)
    root = _finding(rule, "0x800b0109")
    assert root.remediation[0].text.startswith("Look for the client's root in the server's")
    assert "certutil -addstore Root" in root.remediation[0].text
    other = _finding(rule, "0x800b010f")
    assert other.cause == "name-mismatch"
    assert other.remediation[0] == rule.fix_otherwise[0]
    assert "`certtriage explain <code>`" in other.remediation[0].text


def test_the_steps_come_from_the_chain_dump_rule() -> None:
    remedy = BOOK.remedy_of
    assert (remedy["revocation-offline"].code, remedy["untrusted-root"].code,
            remedy["partial-chain"].code, remedy["revoked"].code) == (
        "REV010", "CHN001", "CHN002", "REV020")
    assert "no-client-certificate" not in remedy  # a failed handshake, not a failed chain
    for cause, rule in remedy.items():
        assert rule.cause == cause and rule.severity == "error" and not rule.cause_fix


def test_explain_gives_the_steps_of_the_cause_a_code_names() -> None:
    found = explain("0x80092013", BOOK)
    facts = dict(found.facts)
    assert facts["Cause"] == "revocation-offline (its steps: rule REV010)"
    steps = [value for label, value in found.facts if label.startswith("Fix ")]
    assert len(steps) == len(BOOK.get("REV010").fix)  # type: ignore[union-attr]
    assert steps[0].startswith("Run `certutil -verify -urlfetch")
    assert "Fix 1" not in dict(explain("0x80090326", BOOK).facts)


SCH006 = Path("events", "schannel", "SCH006-client-certificate-rejected.toml")
REV020 = Path("certutil_verify", "revocation", "REV020-revoked.toml")


@pytest.mark.parametrize(("path", "old", "new", "expected"), [
    (SCH006, "cause_fix = true", "cause_fix = false", "fix_otherwise is given only with"),
    (SCH006, "cause_fix = true", 'cause_fix = true\ncause_by_alert = { "42" = "revoked" }',
     "not an alert"),
    (REV020, 'category = "chain"', 'category = "chain"\ncause_fix = true',
     "cause_fix needs a code"),
])
def test_a_rule_that_cannot_give_its_steps_is_refused(
        rules_copy: Path, path: Path, old: str, new: str, expected: str) -> None:  # noqa: F811
    _break(rules_copy / path, old, new)
    with pytest.raises(RulebookError, match=expected):
        load_rulebook_from(rules_copy, vocabulary())


def test_a_rule_gives_at_least_one_step(rules_copy: Path) -> None:  # noqa: F811
    path = rules_copy / SCH006
    text = path.read_text()
    start, end = text.index("[[fix]]"), text.index("[[references]]")
    path.write_text(text[:start] + text[end:])
    load_rulebook_from(rules_copy, vocabulary())  # the steps otherwise are left
    text = path.read_text()
    start, end = text.index("[[fix_otherwise]]"), text.index("[[references]]")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(RulebookError, match="fix: at least one step"):
        load_rulebook_from(rules_copy, vocabulary())
