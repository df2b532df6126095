"""The chain elements of certutil -verify output: `CertContext[i][j]` blocks and their lines.

An element block starts with its header (`CertContext[0][0]: dwInfoStatus=102
dwErrorStatus=0`) and holds the certificate's fields (`Issuer:`, `NotAfter:`, `Cert:` ...),
`Element.dw*Status` lines, policy lines, the thumbprint and the CRL blocks (`CRL 0a:` with its
own `Issuer:`, `ThisUpdate:`, `NextUpdate:`). Element field lines in the lead (a paste that
starts mid-element), the identity block or the chain summary belong to the open element too.
"""

from __future__ import annotations

import re

from ...models.common import Policy
from .hashes import HashLines
from .identity import IdentityLines
from .listing import LISTING_MODES
from .other import OtherLines
from .services import Services
from .state import OID, U32, ElementDraft, Reading

_ELEMENT_HEADER = re.compile(
    r"CertContext\[(\d+)\]\[(\d+)\]:\s*dwInfoStatus=([0-9a-fA-F]+)\s+dwErrorStatus=([0-9a-fA-F]+)"
)
_POLICY = re.compile(r"^(?P<kind>Application|Issuance|EV)\[(?P<index>\d+)\]\s*=\s*(?P<rest>.*)$")
_CRL_HEADER = re.compile(r"^(?P<delta>Delta )?CRL\s+(?P<number>\(null\)|[0-9a-fA-F]+):$")

#: Field labels of an element, and the ChainElement field each fills.
ELEMENT_LABELS = {
    "Issuer": "issuer",
    "Subject": "subject",
    "NotBefore": "not_before",
    "NotAfter": "not_after",
    "Serial": "serial",
    "SubjectAltName": "subject_alt_name",
    "Template": "template",
    "Cert": "thumbprint",
}
_CRL_LABELS = {"Issuer": "issuer", "ThisUpdate": "this_update", "NextUpdate": "next_update",
               "CRL": "hash"}
#: The fields that hold a certificate's name.
_NAME_KEYS = frozenset({"issuer", "subject"})
#: Blocks whose field lines are an element's.
_ELEMENT_MODES = ("lead", "element", "chain_context", "identity")


class ElementLines:
    """Reads element headers, element lines and CRL blocks into the elements of the reading,
    and routes field lines to the block kind they belong to."""

    def __init__(self, reading: Reading, identity: IdentityLines, hashes: HashLines,
                 other: OtherLines, services: Services) -> None:
        self.reading = reading
        self.identity = identity
        self.hashes = hashes
        self.other = other
        self.listing = services.listing

    def on_element_header(self, text: str, line: int) -> None:
        self.reading.phase = "chain"
        m = _ELEMENT_HEADER.match(text)
        elem = ElementDraft(start=line, end=line)
        if m and max(int(m[3], 16), int(m[4], 16)) <= U32:
            elem.chain_index, elem.index = int(m[1]), int(m[2])
            elem.header_info, elem.header_error = int(m[3], 16), int(m[4], 16)
        else:
            self.reading.unplaced(text, line, "element header without status values")
        self.reading.elements.append(elem)
        self.reading.current = elem

    def on_element_status(self, text: str, line: int) -> None:
        elem = self.reading.element()
        found = self.reading.status_bit(text, line)
        if found:
            attribute = f"listed_{found[0]}"
            setattr(elem, attribute, (getattr(elem, attribute) or 0) | found[1])

    def on_policy_entry(self, text: str, line: int) -> None:
        reading = self.reading
        m = _POLICY.match(text)
        if not m:
            reading.unplaced(text, line, "policy line without an OID")
            return
        oid = OID.match(m["rest"])
        policy = Policy.trusted(
            kind=m["kind"].lower(),
            index=int(m["index"]),
            oid=oid["oid"] if oid else m["rest"],
            name=oid["name"].strip() if oid else "",
            line=line,
        )
        if reading.current is None and reading.phase == "start" and not reading.elements:
            self.identity.request_policy(policy)
        else:
            reading.element().policies.append(policy)

    def on_hash_spaced(self, text: str, line: int) -> None:
        thumbprint = text.replace(" ", "").lower()
        mode = self.reading.mode
        if self.listing.thumbprint(thumbprint):
            return
        if mode == "chain_hashes":
            self.hashes.thumbprint(thumbprint, line)
        elif mode in ("element", "lead"):
            self.reading.element().fields.setdefault("thumbprint", thumbprint)
        else:
            self.reading.unplaced(text, line, "thumbprint outside an element")

    # ---- CRL blocks ---------------------------------------------------------------------------
    def on_crl_header(self, text: str, line: int) -> None:
        m = _CRL_HEADER.match(text)
        assert m is not None
        number = None if m["number"] == "(null)" else m["number"]
        self.reading.crl = {"kind": "delta" if m["delta"] else "base", "number": number,
                            "line": line}
        self.reading.element().crls.append(self.reading.crl)

    def in_crl(self, kind: str, text: str, line: int) -> bool:
        """Whether a line is a field of the open CRL block (and placed there); any other line
        but a CRL header closes the block."""
        if self.reading.crl is None or kind == "CRL_HEADER":
            return False
        if kind == "FIELD" and self._crl_field(text):
            return True
        self.reading.crl = None
        return False

    def _crl_field(self, text: str) -> bool:
        label, sep, value = text.partition(": ")
        key = _CRL_LABELS.get(label.strip()) if sep else None
        crl = self.reading.crl
        if key is None or crl is None or key in crl:
            return False
        crl[key] = value.strip()
        return True

    def on_section_end(self, text: str, line: int) -> None:
        self.reading.crl = None

    # ---- fields -------------------------------------------------------------------------------
    def on_field(self, text: str, line: int) -> None:
        """A `Label: value` line: a hash or echo field after the chain, an element's field, the
        serial of the identity; any other is left to `other`."""
        label, _, value = text.partition(":")
        label, value = label.strip(), value.strip()
        key = ELEMENT_LABELS.get(label)
        mode = self.reading.mode
        if mode in LISTING_MODES and self.listing.field(label, value, line):
            return
        if mode == "chain_hashes":
            placed = self.hashes.field(label, key, value, line)
        elif key is not None and mode in _ELEMENT_MODES:
            self._element_field(key, label, value, text, line)
            placed = True
        else:
            placed = mode == "identity" and self.identity.serial(label, value)
        if not placed:
            self.other.field(text, label, line)

    def _element_field(self, key: str, label: str, value: str, text: str, line: int) -> None:
        if key in _NAME_KEYS and value and "=" not in value and not value.startswith("EMPTY"):
            # a certificate's name is attribute=value pairs in every language; a mail header
            # (`Subject: RE: login broken`) above a paste is none
            self.reading.unplaced(text, line, "not a certificate name (no attribute=value)")
            return
        elem = self.reading.element()
        if key in elem.fields and self.reading.mode == "lead" and elem.has_status():
            self.reading.unplaced(text, line, f"second {label} for one element")
        else:
            elem.fields.setdefault(key, value)
