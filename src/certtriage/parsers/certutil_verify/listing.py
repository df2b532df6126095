"""certutil -scinfo around its chains: the reader report, and each card certificate's lines.

-scinfo first reports each reader (`--- Reader:`, `--- Status: SCARD_STATE_...`, `---   Card:`,
`---    ATR:` with a hex dump), then analyses each certificate on the card: a banner
(`==== Certificate 0 ====`), the reader and card again, the key (`Provider =`, `Key Container
=`), the certificate (`Serial Number:`, `Issuer:`, ` NotBefore:` ... `Cert Hash(sha1):`), the
key tests and the chain verification, whose chain dump the chain units read. -dcinfo lists
certificates the same way (`Certificate 0:`, `Serial Number:` ...). Labels and phrases are
translated; the line shapes (`--- <label>: <value>`, `<label> = <value>`) are not.
"""

from __future__ import annotations

import re
from typing import Any

from .commands import CardReader, ListedCertificate
from .state import Command

_STATE = re.compile(r"\bSCARD_STATE_[A-Z_]+\b")
_KEY_SPEC = re.compile(r"\bAT_(?:SIGNATURE|KEYEXCHANGE)\b")
#: Certificate field labels of a listing (English; translated ones come from the l10n table).
_FIELDS = {"Issuer": "issuer", "Subject": "subject", "NotBefore": "not_before",
           "NotAfter": "not_after", "Serial Number": "serial", "Template": "template"}
#: Blocks whose field lines describe the run's certificate, not a chain element.
LISTING_MODES = ("card_certificate", "listed_certificate")


class ListingLines:
    """Reads the reader report and the lines that describe a listed certificate."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.readers: list[dict[str, Any]] = []
        self.atr: dict[str, Any] | None = None
        """The reader whose ATR hex lines are being read."""

    # ---- models -------------------------------------------------------------------------------
    def reader_models(self) -> tuple[CardReader, ...]:
        """The readers reported."""
        return tuple(CardReader(**{k: tuple(v) if isinstance(v, list) else v
                                   for k, v in r.items()}) for r in self.readers)

    @staticmethod
    def certificate_model(fields: dict[str, Any], line: int) -> ListedCertificate | None:
        """The listed certificate of a run, if the output described one."""
        return ListedCertificate.trusted(line=line, **fields) if fields else None

    # ---- line kinds ---------------------------------------------------------------------------
    def on_reader_field(self, text: str, line: int) -> None:
        label, _, value = text.lstrip("-").partition(":")
        meaning = self.command.l10n.reader_label.get(label.strip().casefold())
        value = value.strip()
        self._scinfo()
        run = self.command.run
        self.atr = None
        if run.kind == "card" and meaning in ("reader", "card"):
            run.certificate[meaning] = value
        elif meaning == "reader":
            self.readers.append({"name": value, "line": line})
        elif meaning is not None and self.readers and run.kind == "lead":
            self._reader_detail(self.readers[-1], meaning, value)
        else:
            self.command.note(text)

    def _reader_detail(self, reader: dict[str, Any], meaning: str, value: str) -> None:
        if meaning == "status":
            states = _STATE.findall(value)
            if states:
                reader["states"] = states
            else:
                reader["status_text"] = value
        elif meaning == "card":
            reader["card"] = value or None
        elif meaning == "atr":
            reader["atr"] = value.replace(" ", "") or None
            self.atr = reader

    def hex_line(self, text: str) -> bool:
        """An ATR hex line under `---    ATR:`; False when no ATR is being read."""
        if self.atr is None:
            return False
        data = re.split(r"\s{3,}", text)[0]
        self.atr["atr"] = (self.atr.get("atr") or "") + data.replace(" ", "").lower()
        return True

    def on_assignment(self, text: str, line: int) -> None:
        label, _, value = text.partition("=")
        meaning = self.command.l10n.key_label.get(label.strip().casefold())
        run = self.command.run
        if run.kind == "card" and meaning in ("provider", "key_container", "key_spec"):
            value = value.strip()
            if meaning == "key_spec":
                found = _KEY_SPEC.search(value)
                value = found.group(0) if found else value
            run.certificate.setdefault(meaning, value)
        else:
            self.command.note(text)

    def on_eq_rule(self, text: str, line: int) -> None:
        self.atr = None

    def on_card_banner(self, text: str, line: int) -> None:
        """The banner of a card certificate (the run was started for it)."""
        self._scinfo()

    def on_cert_index(self, text: str, line: int) -> None:
        """`Certificate 0:` of a -dcinfo store listing (the run was started for it)."""

    # ---- for the other units ----------------------------------------------------------------
    def field(self, label: str, value: str, line: int) -> bool:
        """A `Label: value` line describing the run's certificate; False when it is none."""
        run = self.command.run
        if run.mode not in LISTING_MODES:
            return False
        key = _FIELDS.get(label) or self.command.l10n.label.get(label.casefold())
        if key not in ("issuer", "subject", "not_before", "not_after", "serial", "template"):
            return False
        run.certificate.setdefault(key, value)
        return True

    def thumbprint(self, value: str) -> bool:
        """A certificate hash line of the run's certificate; False outside a listing."""
        run = self.command.run
        if run.mode not in LISTING_MODES:
            return False
        run.certificate.setdefault("thumbprint", value.replace(" ", "").lower())
        return True

    def phrase(self, text: str) -> bool:
        """A -scinfo line in words; False when `text` is none."""
        meaning = self.command.l10n.scinfo_line(text)
        if meaning is None:
            return False
        if meaning not in ("root", "non_root"):
            self._scinfo()
        cert = self.command.run.certificate
        if meaning in ("root", "non_root"):
            cert["root"] = meaning == "root"
        elif meaning == "key_test":
            found = _KEY_SPEC.search(text)
            if found:
                cert.setdefault("key_spec", found.group(0))
        elif meaning in ("key_match_ok", "private_key_ok"):
            cert["public_key_match" if meaning == "key_match_ok" else "private_key_verifies"] = True
        elif meaning == "no_key":
            cert["key_missing"] = True
        elif meaning == "no_card" and self.readers:
            self.readers[-1]["status_text"] = text
        self.command.note(text)
        return True

    def _scinfo(self) -> None:
        if self.command.variant == "verify":
            self.command.variant = "scinfo"
