"""The verdict lines of certutil -verify output, and its error lines.

After the 36-dash rule certutil says what it concluded: missing issuers, an untrusted root,
revocation results, the verified policies, and its final `CertUtil:` line. `-scinfo` prints
its own verdicts and chain status. Lines with an HRESULT anywhere in the output are errors.

Verdict lines are translated; where their structure says what they are, that decides: the
final line is `CertUtil: -<verb> ...` and failed when it carries an error code; in the verdict
section, a `<label>: <message> <code>` line is the leaf certificate's revocation check.
"""

from __future__ import annotations

import re
from typing import Any

from ...models.common import HResult, Policy
from .._values import parse_flag_line
from .model import Trailer
from .state import OID, U32, Reading

#: certutil prints the CRL reason code in hex (`Reason=%x`).
_REASON = re.compile(r"Reason\s*=\s*(?:0x)?([0-9a-fA-F]+)", re.IGNORECASE)
_FINAL = re.compile(r"^CertUtil ?:\s*-(?P<verb>[A-Za-z]+)\b\s*:?\s*(?P<rest>.*)$")
#: A code alone in parentheses (`SEC_E_NO_CREDENTIALS (0x8009030e)`, `(Exception from HRESULT:
#: 0x80092013)`): curl, PowerShell and others write codes so; certutil writes the code first
#: and its decimal and name in the parentheses after it.
_FOREIGN_CODE = re.compile(r"\((?:[^()\n]{0,40}:\s*)?0x[0-9a-fA-F]{8}\s*\)")
#: Why a line with a code below certutil's final line is left (a foreign line: prose).
AFTER_FINAL_LINE = "not part of certutil's output: a code after its final line"
#: Verbs whose final line ends the output of several verified certificates, not one chain.
_COMMAND_VERBS = {"scinfo": "scinfo", "dcinfo": "dcinfo", "urlcache": "urlcache"}


class TrailerLines:
    """Reads verdict and error lines; owns the trailer, the errors and the elided lines."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.fields: dict[str, Any] = {"messages": [], "missing_issuer": [], "cannot_find": []}
        self.errors: list[HResult] = []
        self.elided: list[int] = []

    def model(self, command: dict[str, Any] | None = None) -> Trailer:
        """The trailer as read, with the command's own final lines when given."""
        fields = {**self.fields, "notes": self.reading.notes,
                  **{k: v for k, v in (command or {}).items() if k != "_last"}}
        if command and command.get("messages"):
            fields["messages"] = [*self.fields["messages"], *command["messages"]]
        return Trailer.trusted(**{k: tuple(v) if isinstance(v, list) else v
                                  for k, v in fields.items()})

    # ---- for the other units ----------------------------------------------------------------
    def note(self, text: str) -> None:
        """Keep a context line (a card's ATR, a -scinfo detail) as a note."""
        self.reading.notes.append(text)

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
        if verdict in ("leaf_revocation_passed", "skipped_offline"):
            self.fields[verdict] = True
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
            Policy.trusted(kind=kind, oid=m["oid"] if m else text,
                           name=m["name"].strip() if m else "", line=line)
        )

    # ---- line kinds ---------------------------------------------------------------------------
    def on_trailer_rule(self, text: str, line: int) -> None:
        self.reading.phase = "trailer"
        self.reading.current = None

    def on_hresult_line(self, text: str, line: int) -> None:
        if _FOREIGN_CODE.search(text):
            self.reading.unplaced(text, line, "a code in parentheses alone: another tool's line")
            return
        if self.fields.get("completed") is not None:
            # certutil's output ends with its `CertUtil: -verify ...` line (any message after it
            # is a `CertUtil:` line too): a code below it is the ticket's prose or another
            # tool's, not an error of this chain.
            self.reading.unplaced(text, line, AFTER_FINAL_LINE)
            return
        if self._leaf_check_result(text):
            self.on_leaf_revocation_error(text, line)
            return
        parsed = self.reading.code(text, line)
        if parsed is None:
            self.reading.unplaced(text, line, "error line without a code")
        else:
            self.errors.append(parsed[0])

    def _leaf_check_result(self, text: str) -> bool:
        """A `<label>: <message> <code>` line in the verdict section is the result of the leaf
        certificate's revocation check, whatever the label's language."""
        return (self.reading.mode == "trailer" and "leaf_revocation_error" not in self.fields
                and ":" in text.split("0x", 1)[0])

    def on_leaf_revocation_error(self, text: str, line: int) -> None:
        parsed = self.reading.code(self._leaf_detail(text), line)
        if parsed is None:
            self.reading.unplaced(text, line, "leaf revocation error without a code")
        else:
            self.fields["leaf_revocation_error"] = parsed[0]

    def _leaf_detail(self, text: str) -> str:
        """The message and code after the label (`ERROR: Verifying ... returned`)."""
        folded = text.casefold()
        for prefix in self.reading.l10n.leaf_revocation_prefixes:
            if folded.startswith(prefix.casefold()):
                return text[len(prefix):]
        return text.split(":", 1)[1]

    def on_certutil_line(self, text: str, line: int) -> None:
        final = _FINAL.match(text)
        command = self.reading.command
        if final is None:
            target = command.trailer if command.trailer.get("_last") else self.fields
            message = text.split(":", 1)[1].strip()
            target.setdefault("messages", []).append(message)
            self._code_of_message(message, line)
            return
        verb, rest = final["verb"], final["rest"]
        level = _COMMAND_VERBS.get(verb.casefold())
        if level is not None and self.reading.variant in ("verify", level):
            self.reading.variant = level
        target = command.trailer if level is not None else self.fields
        command.trailer["_last"] = level is not None
        target["verb"] = verb
        parsed = self.reading.code(text.split(":", 1)[1].strip(), line)
        folded = rest.casefold()
        failed = parsed is not None or any(w in folded for w in self.reading.l10n.failure_words)
        target["completed"] = "failed" if failed else "success"
        if parsed is not None:
            target["failed_hresult"] = parsed[0]

    def _code_of_message(self, message: str, line: int) -> None:
        """certutil prints the error of the leaf's check as `CertUtil: <message>`, its code
        only on another line: a message of a known code, with no code of its own on the line,
        is that error (a tail pasted without the lines above it still names it)."""
        if self.reading.code(message, line) is not None:
            return
        from ...knowledge.codes import code_tables
        from ...knowledge.codes.messages import code_by_message

        named = code_by_message(message)
        shown = [*self.errors, *(self.fields.get(f) for f in ("leaf_revocation_error",
                                                              "failed_hresult"))]
        if named is not None and all(e is None or e.value != named.value for e in shown):
            self.errors.append(code_tables().hresult(named.value, line))

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
        reason = text.split("--", 1)[-1].strip(" -")
        self.fields["revocation_skipped"] = reason
        kind = self.reading.l10n.skipped_reason(reason)
        if kind is not None:
            self.fields[f"skipped_{kind}"] = True

    def on_expired_cert(self, text: str, line: int) -> None:
        self.fields["expired_certificate"] = True

    def on_leaf_revocation_unchecked(self, text: str, line: int) -> None:
        self.fields["leaf_revocation_unchecked"] = True

    def on_cert_revoked(self, text: str, line: int) -> None:
        self.fields["certificate_revoked"] = True

    def on_leaf_revoked(self, text: str, line: int) -> None:
        self.fields["leaf_revoked"] = True
        reason = _REASON.search(text)
        if reason:
            self.fields["leaf_revoked_reason"] = int(reason[1], 16)

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
