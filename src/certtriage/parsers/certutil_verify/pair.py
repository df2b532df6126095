"""The two-argument form `certutil -verify cert.cer issuer.cer`.

certutil prints the names of both certificates (`CertIssuer:`, `CertSubject:`, `Issuing CA
CertIssuer:`, `Issuing CA CertSubject:`), one line per check (signature, validity, names and
key identifiers; a failed check starts `ERROR: `), the leaf revocation check when the
certificate names a CDP, and a verdict: `<cert> verifies as issued by <ca> -- Revocation check
skipped.` or `<cert> does NOT verify as issued by <ca> -- ...`.
"""

from __future__ import annotations

import re
from typing import Any

from .commands import PairCheck, PairVerification
from .state import Command

_VERDICT = re.compile(
    r"^(?P<cert>.+?)\s+(?P<verb>does NOT verify|verifies) as issued by\s+(?P<ca>.+?)"
    r"(?:\s+--\s+(?P<rev>.*?))?\s*$")
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
        found = _VERDICT.match(text)
        if found is None:
            self.command.unplaced(text, line, "verdict line not understood")
            return
        self.command.variant = "pair"
        rev = found["rev"] or ""
        revocation = next((kind for word, kind in _REVOCATION if word in rev), None)
        self.verdict = {"verifies": found["verb"] == "verifies", "certificate": found["cert"],
                        "issuer_file": found["ca"], "revocation": revocation, "line": line}
