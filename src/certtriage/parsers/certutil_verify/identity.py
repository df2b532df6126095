"""The start of certutil -verify output: the name it was asked about, and the preamble.

The identity block is an `Issuer:` / `Subject:` label (or a translation) followed by the
name's RDN lines and name hashes; `-v` adds verbose name detail and hex dumps, read and
dropped. The preamble lines (`dwFlags = ...`, `ChainFlags = ...`, the chain engine and policy,
requested policies) stand before the chain.
"""

from __future__ import annotations

from typing import Any

from ...models.common import Policy
from .._values import parse_flag_line
from .hashes import HashLines
from .model import Identity, Preamble
from .services import Services
from .state import Reading
from .trailer import TrailerLines

#: Labels of the two-argument -verify's name blocks other than the certificate's own.
_PAIR_NAMES = ("ca_issuer", "ca_subject", "crossed_issuer", "crossed_subject")
_NAMES = ("issuer", "subject", *_PAIR_NAMES)


class IdentityLines:
    """Reads the identity block and the preamble lines; owns what they say."""

    def __init__(self, reading: Reading, trailer: TrailerLines, hashes: HashLines,
                 services: Services) -> None:
        self.reading = reading
        self.trailer = trailer
        self.hashes = hashes
        self.services = services
        self.identity: dict[str, Any] | None = None
        self.name_target: str | None = None
        """The name (issuer, subject) that RDN lines extend."""
        self.preamble: dict[str, list[Any]] = {
            "verify_flags": [], "chain_flags": [], "requested_policies": []}
        self.engine: str | None = None
        self.policy: str | None = None

    # ---- models -------------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        """Whether the start of the output is in the input (the identity or the dwFlags)."""
        return self.identity is not None or bool(self.preamble["verify_flags"])

    def model(self) -> Identity | None:
        """The identity, if its block was in the input."""
        if self.identity is None or not (self.identity["issuer"] or self.identity["subject"]
                                         or self.identity.get("serial")):
            return None
        return Identity.trusted(
            issuer=tuple(self.identity["issuer"]),
            subject=tuple(self.identity["subject"]),
            serial=self.identity.get("serial"),
            name_hashes=tuple(self.identity["name_hashes"]),
            line=self.identity["line"],
        )

    def preamble_model(self) -> Preamble:
        """The preamble as read."""
        return Preamble.trusted(
            verify_flags=tuple(self.preamble["verify_flags"]),
            chain_flags=tuple(self.preamble["chain_flags"]),
            chain_engine=self.engine,
            chain_policy=self.policy,
            requested_policies=tuple(self.preamble["requested_policies"]),
        )

    # ---- for the other units ----------------------------------------------------------------
    def request_policy(self, policy: Policy) -> None:
        """A policy line before any element: a policy the verification asked for."""
        self.preamble["requested_policies"].append(policy)

    def names(self, which: str) -> tuple[str, ...]:
        """The RDNs read under a name label (`ca_subject` for the two-argument form's CA)."""
        return tuple(self.identity.get(which, ())) if self.identity else ()

    def serial(self, label: str, value: str) -> bool:
        """Place the serial-number field of the identity block; False for any other field."""
        if self.identity is None or self.reading.l10n.label.get(label.casefold()) != "serial":
            return False
        self.identity["serial"] = value
        return True

    # ---- line kinds ---------------------------------------------------------------------------
    def on_label(self, text: str, line: int) -> None:
        reading = self.reading
        label = text.rstrip(":").strip()
        meaning = reading.l10n.label.get(label.casefold())
        if meaning in ("verified_issuance", "verified_application"):
            self.trailer.start_policy_list(meaning, "", line)
            return
        if meaning is None and self.services.listing.phrase(text):
            return
        if reading.phase == "trailer" and meaning is None:
            self.trailer.on_cannot_find(text, line)  # `Cannot find certificate:` in words
            return
        if reading.phase == "start" and (meaning in _NAMES or meaning is None):
            reading.current = None
            if self.identity is None:
                self.identity = {**{n: [] for n in _NAMES}, "name_hashes": [], "line": line}
            if meaning is None:
                meaning = "issuer" if not self.identity["issuer"] else "subject"
            if meaning in _PAIR_NAMES:
                reading.variant = "pair"
            self.name_target = meaning
            return
        reading.unplaced(text, line, "label in an unexpected place")

    def on_rdn(self, text: str, line: int) -> None:
        reading = self.reading
        if reading.list_target == "cannot_find":
            self.trailer.add_cannot_find(text)
        elif reading.mode == "identity" and self.identity is not None and self.name_target:
            self.identity[self.name_target].append(text)
        else:
            reading.unplaced(text, line, "name line outside a name")

    def on_name_hash(self, text: str, line: int) -> None:
        label, _, value = text.partition(":")
        if self.services.listing.thumbprint(value.strip()):
            return
        if label.strip().lower().startswith("cert hash"):
            echo = self.hashes.echo
            target = echo if self.reading.mode == "lead" and echo else self.reading.element()
            target.fields.setdefault("thumbprint", value.strip())
        elif self.identity is not None:
            self.identity["name_hashes"].append(value.strip())
        else:
            self.reading.unplaced(text, line, "name hash outside the header")

    def on_rdn_verbose(self, text: str, line: int) -> None:
        """Verbose (-v) name detail: read, nothing to keep."""

    on_rdn_oid_detail = on_rdn_verbose

    def on_hex_dump(self, text: str, line: int) -> None:
        """A hex dump: verbose detail in the header; elsewhere (a card's ATR) kept as a note."""
        if not self.services.listing.hex_line(text) and self.reading.mode != "identity":
            self.trailer.note(text)

    def on_verify_flag(self, text: str, line: int) -> None:
        name, _ = parse_flag_line(text)
        self.preamble["verify_flags"].append(name or text)

    def on_chain_flag(self, text: str, line: int) -> None:
        name, _ = parse_flag_line(text)
        self.preamble["chain_flags"].append(name or text)

    def on_chain_engine(self, text: str, line: int) -> None:
        self.engine = text

    def on_chain_policy(self, text: str, line: int) -> None:
        self.policy = text
        if text.endswith("NT_AUTH"):
            self.reading.variant = "dcinfo"
