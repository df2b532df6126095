"""A decisive line decides, in every shape a ticket brings it.

Each case is a certutil verdict or final line that settles the outcome on its own: a revoked
leaf, a failed leaf revocation check, `-verify command FAILED: <code>`, an incomplete chain,
an untrusted root, an expired certificate, a leaf revocation check that passed ... Each is
rendered alone, as the tail of a dump (from that line to the end, and a few lines more), and as
part of the whole dump (`synthetic.dump`, consistent with it); every rendering is then damaged
the way pastes are (every lossless kind of `scripts/make_damaged_fixtures.py`, run as a program
with `--apply`: quote and percent prefixes, lost indentation, doubled blank lines, Markdown
escapes and dashes, wrapped codes, CRLF, CR, UTF-16, cp1252). Every rendering must give the
case's verdict and root causes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from certtriage import analyze_bytes
from certtriage.engine import rulebook

from ...helpers.scripts import damaged_texts
from .synthetic import (
    ISSUING_DN,
    OFFLINE_TEXT,
    SUCCESS,
    Outcome,
    dump,
    failed_lines,
    leaf_error_line,
)

UNKNOWN = "CERT_TRUST_REVOCATION_STATUS_UNKNOWN"
OFFLINE = "CERT_TRUST_IS_OFFLINE_REVOCATION"
_ANY = -1


@dataclass(frozen=True)
class Case:
    """A decisive line (or two), the dump it ends, and what it decides."""

    name: str
    decisive: tuple[str, ...]
    verdict: str
    causes: frozenset[str]
    outcome: Outcome | None = None
    """The dump the lines belong to; None for lines that stand alone (nothing was verified)."""
    element: int | None = _ANY
    """The failing element the lines alone name (not checked when _ANY)."""


REVOKED = Outcome(leaf_errors=("CERT_TRUST_IS_REVOKED",), error="0x80092010",
                  verdicts=("Certificate is REVOKED", "Cert is an End Entity certificate",
                            "Leaf certificate is REVOKED (Reason=1)"))
LEAF_OFFLINE = Outcome(leaf_errors=(UNKNOWN, OFFLINE), error="0x80092013",
                       verdicts=("Revocation check skipped -- server offline",
                                 "Cert is an End Entity certificate", "",
                                 leaf_error_line("0x80092013"), f"CertUtil: {OFFLINE_TEXT}", ""))
UNTRUSTED = Outcome(root_errors=("CERT_TRUST_IS_UNTRUSTED_ROOT",), error="0x800b0109",
                    verdicts=("Verifies against UNTRUSTED root", "Cert is an End Entity certificate",
                              "Leaf certificate revocation check passed"))
PARTIAL = Outcome(partial=True, missing_issuer=True, error="0x800b010a",
                  verdicts=("Incomplete certificate chain", "Cannot find certificate:",
                            f"    {ISSUING_DN}", "Cert is an End Entity certificate"))
EXPIRED = Outcome(leaf_errors=("CERT_TRUST_IS_NOT_TIME_VALID",), error="0x800b0101",
                  verdicts=("Expired certificate", "Cert is an End Entity certificate"))
NO_INFO = Outcome(leaf_errors=(UNKNOWN,), error="0x80092012",
                  verdicts=("Revocation check skipped -- no revocation information available",
                            "Cert is an End Entity certificate",
                            "Cannot check leaf certificate revocation status"))
PASSES = Outcome(verdicts=("Verified Issuance Policies: None", "Verified Application Policies: All",
                           "Cert is an End Entity certificate",
                           "Leaf certificate revocation check passed"))


def _failing(code: str, **bits: Any) -> Outcome:
    return Outcome(error=code, finals=tuple(failed_lines(code)), **bits)


CASES = [
    Case("leaf-revoked", ("Leaf certificate is REVOKED (Reason=1)",), "fail",
         frozenset({"revoked"}), REVOKED, element=0),
    Case("certificate-revoked", ("Certificate is REVOKED",), "fail", frozenset({"revoked"}),
         REVOKED),
    Case("leaf-revocation-error", (leaf_error_line("0x80092013"),), "fail",
         frozenset({"revocation-offline"}), LEAF_OFFLINE, element=0),
    Case("revocation-skipped-offline", ("Revocation check skipped -- server offline",), "fail",
         frozenset({"revocation-offline"}), LEAF_OFFLINE),
    Case("failed-revocation-offline", tuple(failed_lines("0x80092013")), "fail",
         frozenset({"revocation-offline"}), _failing("0x80092013", leaf_errors=(UNKNOWN, OFFLINE))),
    Case("untrusted-root", ("Verifies against UNTRUSTED root",), "fail",
         frozenset({"untrusted-root"}), UNTRUSTED),
    Case("failed-untrusted-root", tuple(failed_lines("0x800b0109")), "fail",
         frozenset({"untrusted-root"}),
         _failing("0x800b0109", root_errors=("CERT_TRUST_IS_UNTRUSTED_ROOT",))),
    Case("incomplete-chain", ("Incomplete certificate chain",), "fail",
         frozenset({"partial-chain"}), PARTIAL),
    Case("missing-issuer", (f"Missing Issuer: {ISSUING_DN}",), "fail",
         frozenset({"partial-chain"}), PARTIAL),
    Case("expired-certificate", ("Expired certificate",), "fail",
         frozenset({"not-time-valid"}), EXPIRED),
    Case("leaf-revocation-unchecked", ("Cannot check leaf certificate revocation status",),
         "fail", frozenset({"no-revocation-info"}), NO_INFO, element=0),
    Case("failed-wrong-usage", tuple(failed_lines("0x800b0110")), "fail",
         frozenset({"missing-client-auth-eku"}),
         _failing("0x800b0110", leaf_errors=("CERT_TRUST_IS_NOT_VALID_FOR_USAGE",))),
    Case("failed-signature", tuple(failed_lines("0x80096004")), "fail",
         frozenset({"signature-invalid"}),
         _failing("0x80096004", leaf_errors=("CERT_TRUST_IS_NOT_SIGNATURE_VALID",))),
    Case("failed-explicit-distrust", tuple(failed_lines("0x800b0111")), "fail",
         frozenset({"explicit-distrust"}),
         _failing("0x800b0111", root_errors=("CERT_TRUST_IS_EXPLICIT_DISTRUST",))),
    Case("failed-other-chain-code", tuple(failed_lines("0x800b0107")), "fail",
         frozenset({"chain-error"}), _failing("0x800b0107")),
    Case("leaf-revocation-passed", ("Leaf certificate revocation check passed",), "pass",
         frozenset({"ok"}), PASSES),
    Case("smart-card-removed", tuple(failed_lines("0x80100069", "SCInfo")), "fail",
         frozenset({"smart-card-error"})),
    Case("file-not-found", tuple(failed_lines("0x80070002")), "fail",
         frozenset({"certutil-command-failed"})),
    Case("success-line-only", (SUCCESS,), "inconclusive", frozenset()),
]


def _renderings(case: Case) -> dict[str, str]:
    """The case's lines alone, as tails of its dump, and the whole dump."""
    texts = {"alone": "\n".join(case.decisive) + "\n"}
    if case.outcome is not None:
        lines = dump(case.outcome)
        start = lines.index(case.decisive[0])
        texts["tail"] = "\n".join(lines[start:]) + "\n"
        texts["long-tail"] = "\n".join(lines[max(0, start - 8):]) + "\n"
        texts["full"] = "\n".join(lines) + "\n"
    return texts


RENDERINGS = [(case, shape, text) for case in CASES for shape, text in _renderings(case).items()]


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes | None]:
    """(rendering file name, damage kind) -> the damaged bytes (None when the kind cannot
    encode the text), from `make_damaged_fixtures.py --apply`, run once as a program."""
    return damaged_texts(tmp_path_factory.mktemp("decisive"),
                         {f"{case.name}-{shape}.txt": text for case, shape, text in RENDERINGS})


KINDS = ["clean", "crlf", "cr-only", "utf16le-bom", "utf16le-nobom", "utf16be-bom", "cp1252",
         "quoted", "percent-prefixed", "lost-indentation", "doubled-blank-lines", "markdown",
         "wrapped-hresult"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "shape", "text"), RENDERINGS,
                         ids=[f"{c.name}-{s}" for c, s, _ in RENDERINGS])
def test_a_decisive_line_decides_in_every_shape(case: Case, shape: str, text: str, kind: str,
                                                damaged: dict[tuple[str, str], bytes | None],
                                                ) -> None:
    data = damaged[(f"{case.name}-{shape}.txt", kind)]
    if data is None:
        pytest.skip(f"{kind} cannot encode this text")
    result = analyze_bytes(data, f"{case.name}-{shape}-{kind}")
    assert result.kind == "certutil-verify"
    assert result.verdict == case.verdict, [(f.rule, f.cause, f.message) for f in result.findings]
    assert set(result.root_causes) == case.causes
    if shape == "alone" and case.element != _ANY:
        assert result.failing_element == case.element
    if case.verdict == "inconclusive":
        assert result.next_steps, "an input that decides nothing says what to collect next"


def test_the_damage_kinds_are_the_scripts_lossless_kinds(
        damaged: dict[tuple[str, str], bytes | None]) -> None:
    applied = {kind for _, kind in damaged}
    assert applied == set(KINDS)


def test_every_code_a_certutil_rule_names_is_left_out_of_the_catch_all() -> None:
    """RES007 reports the codes no other rule names: its exception list must hold every code
    the other certutil rules' conditions name, or a code would be reported twice."""
    book = rulebook()
    catch_all = book.get("RES007")
    assert catch_all is not None
    excepted = {c.lower() for c in catch_all.when[0].args["except_codes"]}
    named = {code.lower() for rule in book.for_kind("certutil-verify") if rule.code != "RES007"
             for condition in (*rule.when, *rule.unless)
             if condition.predicate in ("trust_error", "code")
             for code in condition.args.get("codes", ())}
    command_failed = book.get("RES006")
    assert command_failed is not None
    named |= {c.lower() for c in command_failed.when[0].args["codes"]}
    assert named <= excepted, sorted(named - excepted)
