"""The two-argument form `certutil -verify cert.cer issuer.cer`.

certutil prints the names of both certificates (`CertIssuer:`, `CertSubject:`, `Issuing CA
CertIssuer:`, `Issuing CA CertSubject:`), one line per check (signature, validity, names and
key identifiers; a failed check starts `ERROR: `), the leaf revocation check when the
certificate names a CDP, and a verdict: `<cert> verifies as issued by <ca> -- Revocation check
skipped.` or `<cert> does NOT verify as issued by <ca> -- ...`.
"""

from __future__ import annotations

from typing import Any

from .commands import PairCheck, PairVerification
from .state import Command

#: How the verdict joins its two files (read with string operations: linear on any line).
_JOINS = ((" does NOT verify as issued by ", False), (" verifies as issued by ", True))
_REVOCATION = (("REVOKED", "revoked"), ("FAILED", "failed"), ("passed", "passed"),
               ("skipped", "skipped"))


class PairLines:
    """Reads the check and verdict lines of the two-argument -verify."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.checks: list[PairCheck] = []
        self.verdict: dict[str, Any] = {}

    def model(self, issuer_names: tuple[str, ...]) -> PairVerification | None:
        """The pair verification, if the output is one."""
        if not self.checks and not self.verdict:
            return None
        return PairVerification(checks=tuple(self.checks), issuer_names=issuer_names,
                                **self.verdict)

    def check(self, text: str, line: int) -> bool:
        """A check line; False when `text` is none."""
        found = self.command.l10n.pair_check(text)
        if found is None:
            return False
        check, ok = found
        self.checks.append(PairCheck(check=check, ok=ok, text=text, line=line))
        self.command.variant = "pair"
        return True

    def on_pair_verdict(self, text: str, line: int) -> None:
        found = _split(text)
        if found is None:
            self.command.unplaced(text, line, "verdict line not understood")
            return
        self.command.variant = "pair"
        certificate, verifies, rest = found
        # ` -- Revocation check ...` (a single `-` once a paste turned `--` into a dash)
        cut = rest.rfind(" -")
        issuer_file, rev = (rest[:cut], rest[cut:]) if cut >= 0 else (rest, "")
        revocation = next((kind for word, kind in _REVOCATION if word in rev), None)
        self.verdict = {"verifies": verifies, "certificate": certificate.strip(),
                        "issuer_file": issuer_file.strip(), "revocation": revocation,
                        "line": line}


def _split(text: str) -> tuple[str, bool, str] | None:
    """(certificate file, whether it verifies, the rest) of a verdict line."""
    for join, verifies in _JOINS:
        certificate, found, rest = text.partition(join)
        if found:
            return certificate, verifies, rest
    return None
