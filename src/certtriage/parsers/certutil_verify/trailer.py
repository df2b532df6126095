"""The verdict lines of certutil -verify output, and its error lines.

After the 36-dash rule certutil says what it concluded: missing issuers, an untrusted root,
revocation results, the verified policies, and its final `CertUtil:` line. `-scinfo` prints
its own verdicts and chain status. Lines with an HRESULT anywhere in the output are errors.
"""

from __future__ import annotations

import re
from typing import Any

from ...models.common import HResult, Policy
from .._values import parse_flag_line, parse_hresult
from .model import Trailer
from .state import OID, U32, Reading

_REASON = re.compile(r"Reason\s*=\s*(0x[0-9a-fA-F]+|\d+)", re.IGNORECASE)


class TrailerLines:
    """Reads verdict and error lines; owns the trailer, the errors and the elided lines."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.fields: dict[str, Any] = {"messages": [], "notes": [], "missing_issuer": [],
                                       "cannot_find": []}
        self.errors: list[HResult] = []
        self.elided: list[int] = []

    def model(self) -> Trailer:
        """The trailer as read."""
        return Trailer(**{k: tuple(v) if isinstance(v, list) else v
                          for k, v in self.fields.items()})

    # ---- for the other units ----------------------------------------------------------------
    def note(self, text: str) -> None:
        """Keep a context line (a card's ATR, a -scinfo detail) as a note."""
        self.fields["notes"].append(text)

    def add_cannot_find(self, text: str) -> None:
        """A name line of the certificate that `Cannot find certificate:` names."""
        self.fields["cannot_find"].append(text)

    def scinfo_verdict(self, text: str) -> bool:
        """Place a -scinfo chain verdict (`Smart Card Logon: ...` or a bare one); False when
        `text` is none."""
        label, sep, rest = text.partition(": ")
        logon = bool(sep) and label == "Smart Card Logon"
        verdict = self.reading.l10n.scinfo_verdict.get((rest if logon else text).casefold())
        if verdict is None:
            return False
        self.reading.variant = "scinfo"
        self.fields["scinfo_logon_chain" if logon else "scinfo_chain"] = verdict
        return True

    def verdict(self, text: str) -> bool:
        """Place a verdict printed in words (translated or -scinfo); False when it is none."""
        if self.scinfo_verdict(text):
            return True
        verdict = self.reading.l10n.verdict.get(text.casefold())
        if verdict == "leaf_revocation_passed":
            self.fields["leaf_revocation_passed"] = True
        elif verdict in ("end_entity", "ca"):
            self.fields["cert_kind"] = verdict
        else:
            return False
        return True

    def start_policy_list(self, kind: str, value: str, line: int) -> None:
        """`Verified Issuance Policies:` (or Application): `All`, `None`, or the first OID on
        the line; OID lines after it extend the list."""
        self.reading.phase = "trailer"
        self.fields[kind] = []
        self.reading.list_target = kind
        if value.casefold() == "all":
            self.fields[f"{kind}_all"] = True
        elif value and value.casefold() != "none":
            self._add_policy(value, line)

    def _add_policy(self, text: str, line: int) -> None:
        target = self.reading.list_target
        assert target is not None
        m = OID.match(text)
        kind = "issuance" if target == "verified_issuance" else "application"
        self.fields[target].append(
            Policy(kind=kind, oid=m["oid"] if m else text,
                   name=m["name"].strip() if m else "", line=line)
        )

    # ---- line kinds ---------------------------------------------------------------------------
    def on_trailer_rule(self, text: str, line: int) -> None:
        self.reading.phase = "trailer"
        self.reading.current = None

    def on_hresult_line(self, text: str, line: int) -> None:
        parsed = parse_hresult(text, line)
        if parsed is None:
            self.reading.unplaced(text, line, "error line without a code")
        else:
            self.errors.append(parsed[0])

    def on_leaf_revocation_error(self, text: str, line: int) -> None:
        detail = text.split("returned", 1)[-1]
        parsed = parse_hresult(detail, line)
        if parsed is None:
            self.reading.unplaced(text, line, "leaf revocation error without a code")
        else:
            self.fields["leaf_revocation_error"] = parsed[0]

    def on_certutil_line(self, text: str, line: int) -> None:
        body = text.split(":", 1)[1].strip()
        folded = body.casefold()
        if "failed" in folded and "0x" in folded:
            self.fields["completed"] = "failed"
            parsed = parse_hresult(body, line)
            if parsed:
                self.fields["failed_hresult"] = parsed[0]
        elif any(phrase in folded for phrase in self.reading.l10n.success_phrases):
            self.fields["completed"] = "success"
        else:
            self.fields["messages"].append(body)

    def on_missing_issuer(self, text: str, line: int) -> None:
        self.fields["missing_issuer"].append(text.split(":", 1)[1].strip())

    def on_incomplete_chain(self, text: str, line: int) -> None:
        self.fields["incomplete_chain"] = True

    def on_cannot_find(self, text: str, line: int) -> None:
        value = text.split(":", 1)[1].strip()
        if value:
            self.fields["cannot_find"].append(value)
        self.reading.list_target = "cannot_find"

    def on_untrusted_root(self, text: str, line: int) -> None:
        self.fields["untrusted_root"] = True

    def on_revocation_skipped(self, text: str, line: int) -> None:
        self.fields["revocation_skipped"] = text.split("--", 1)[-1].strip(" -")

    def on_cert_revoked(self, text: str, line: int) -> None:
        self.fields["certificate_revoked"] = True

    def on_leaf_revoked(self, text: str, line: int) -> None:
        self.fields["leaf_revoked"] = True
        reason = _REASON.search(text)
        if reason:
            raw = reason[1]
            self.fields["leaf_revoked_reason"] = int(raw, 16 if raw.lower().startswith("0x")
                                                     else 10)

    def on_leaf_revocation_passed(self, text: str, line: int) -> None:
        self.fields["leaf_revocation_passed"] = True

    def on_cert_kind(self, text: str, line: int) -> None:
        self.fields["cert_kind"] = "ca" if " CA " in text else "end_entity"

    def on_verified_policies(self, text: str, line: int) -> None:
        label, _, value = text.partition(":")
        kind = "verified_issuance" if "Issuance" in label else "verified_application"
        self.start_policy_list(kind, value.strip(), line)

    def on_oid_line(self, text: str, line: int) -> None:
        if self.reading.list_target in ("verified_issuance", "verified_application"):
            self._add_policy(text, line)
        else:
            self.reading.unplaced(text, line, "OID outside a policy list")

    def on_scinfo_chain_status(self, text: str, line: int) -> None:
        self.reading.variant = "scinfo"
        _, value = parse_flag_line(text)
        if value is None or value > U32:
            self.reading.unplaced(text, line, "chain status without a 32-bit value")
        else:
            self.fields["scinfo_chain_status"] = value

    def on_elision(self, text: str, line: int) -> None:
        self.elided.append(line)
