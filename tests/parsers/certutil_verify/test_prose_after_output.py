"""A code in the ticket's prose below certutil's output is no error of the chain.

certutil's output ends with its `CertUtil: -verify ...` line. A sentence pasted under it that
names a code ("the event log shows 0x80092012 ...") was read as one of certutil's error lines
and bound to the leaf: a pass became "the certificate carries no revocation information".

Every certutil fixture that ends with its final line is given each tail below (a sentence with
a bare code, with its symbol, in certutil's own shape, in another language, quoted), right
under the output or after a blank line. What it must give: the chain's errors and verdict
findings exactly as without the tail; the tail's line kept as a line outside the output (read
by the ticket scan as a mention, not marked as where a paste was cut).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certtriage import analyze_bytes
from certtriage.parsers.certutil_verify.trailer import AFTER_FINAL_LINE

from ...conftest import FIXTURES

TAILS = (
    "We also saw 0x80092013 in the System log on the server.",
    "The event log shows error 0x80092012 (CRYPT_E_NO_REVOCATION_CHECK) for this user.",
    "Users still get 403.16 and Schannel logs 0x800B0109 every few minutes",
    "Yesterday it said: The revocation function was unable to check revocation because the "
    "revocation server was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
    "Im Ereignisprotokoll steht seit gestern 0x800B010A (CERT_E_CHAINING).",
    "> Kunde meldet 0x80092010 (-2146885616 CRYPT_E_REVOKED) auf dem Server",
)
SEPARATORS = ("\n", "\n\n")


def _completed() -> list[Path]:
    """The certutil fixtures whose output ends with its final line."""
    expected = json.loads((FIXTURES / "certutil" / "expected.json").read_text(encoding="utf-8"))
    paths = [FIXTURES / "certutil" / e["file"] for e in expected]
    return [p for p in paths
            if p.read_text(encoding="utf-8").rstrip().splitlines()[-1].lstrip()
            .startswith("CertUtil: -verify")]


def _own(result: object) -> tuple[object, ...]:
    """What the chain's output says: its errors, and the findings of certutil's rules."""
    model = result.model  # type: ignore[attr-defined]
    findings = sorted((f.rule, f.cause, f.severity) for f in result.findings  # type: ignore[attr-defined]
                      if not f.rule.startswith("TKT"))
    return tuple(e.hex for e in model.errors), model.trailer.completed, tuple(findings)


CASES = [(path, tail, sep) for path in _completed() for tail in TAILS for sep in SEPARATORS]


def test_the_class_is_there() -> None:
    assert len(_completed()) >= 20


@pytest.mark.parametrize(("path", "tail", "sep"), CASES,
                         ids=[f"{p.parent.name}/{p.stem}-{TAILS.index(t)}-{len(s)}"
                              for p, t, s in CASES])
def test_a_code_in_prose_below_the_output_is_no_error_of_the_chain(
        path: Path, tail: str, sep: str) -> None:
    data = path.read_bytes()
    alone = analyze_bytes(data, path.name)
    text = data.decode("utf-8").rstrip("\n") + sep + tail + "\n"
    given = analyze_bytes(text.encode("utf-8"), path.name)
    assert given.kind == alone.kind == "certutil-verify"
    assert _own(given) == _own(alone)
    tail_line = len(text.rstrip("\n").split("\n"))
    placed = [u for u in given.model.unparsed if u.line == tail_line]
    mentioned = [f for f in given.findings if f.rule.startswith("TKT")]
    assert [u.reason for u in placed] == [AFTER_FINAL_LINE]
    assert given.verdict == alone.verdict or mentioned


#: Another command's output pasted below: a -urlcache listing (its URLs on lines of their own),
#: with the prompt that ran it or without.
LISTINGS = (
    "C:\\>certutil -urlcache CRL\n\nhttp://crl.contoso.com/pki/Contoso%20Issuing%20CA.crl\n"
    "http://crl.contoso.com/pki/Contoso%20Root%20CA.crl\n\nWinHttp Cache entries: 2\n"
    "CertUtil: -URLCache command completed successfully.",
    "http://ocsp.contoso.com/ocsp\n\nWinHttp Cache entries: 1",
)


def _checks(result: object) -> list[tuple[object, ...]]:
    model = result.model  # type: ignore[attr-defined]
    return [(e.index, c.section, c.status, c.url) for e in model.elements for c in e.url_checks]


@pytest.mark.parametrize("listing", range(len(LISTINGS)))
@pytest.mark.parametrize("path", _completed(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_url_of_a_listing_below_the_output_is_no_url_of_the_chain(path: Path,
                                                                   listing: int) -> None:
    data = path.read_bytes()
    alone = analyze_bytes(data, path.name)
    text = data.decode("utf-8").rstrip("\n") + "\n\n" + LISTINGS[listing] + "\n"
    given = analyze_bytes(text.encode("utf-8"), path.name)
    assert given.kind == alone.kind == "certutil-verify"
    assert _checks(given) == _checks(alone)
    assert given.verdict == alone.verdict
    assert set(given.root_causes) == set(alone.root_causes)
