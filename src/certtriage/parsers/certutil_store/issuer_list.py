"""The trusted issuer list a store would make: Schannel's 16 KB estimate (KB 2801679).

A store dump prints each certificate's subject as a one-line DN. :func:`split_dn` takes it
apart, :func:`name_der_length` rebuilds the DER-encoded Name from it to size it, and
:func:`issuer_list_estimate` adds the sizes up against the limit (see `IssuerListEstimate`).
"""

from __future__ import annotations

import re
from typing import Any

from .model import ISSUER_LIST_LIMIT, IssuerListEstimate, StoreCertificate

_OIDS: dict[str, str] = {
    "CN": "2.5.4.3", "SN": "2.5.4.4", "SURNAME": "2.5.4.4", "SERIALNUMBER": "2.5.4.5",
    "C": "2.5.4.6", "L": "2.5.4.7", "S": "2.5.4.8", "ST": "2.5.4.8", "STREET": "2.5.4.9",
    "O": "2.5.4.10", "OU": "2.5.4.11", "T": "2.5.4.12", "TITLE": "2.5.4.12",
    "DESCRIPTION": "2.5.4.13", "POSTALCODE": "2.5.4.17", "POBOX": "2.5.4.18",
    "PHONE": "2.5.4.20", "X21ADDRESS": "2.5.4.24", "NAME": "2.5.4.41", "G": "2.5.4.42",
    "GIVENNAME": "2.5.4.42", "I": "2.5.4.43", "INITIALS": "2.5.4.43",
    "GENERATIONQUALIFIER": "2.5.4.44", "DNQUALIFIER": "2.5.4.46", "PSEUDONYM": "2.5.4.65",
    "ORGANIZATIONIDENTIFIER": "2.5.4.97", "DC": "0.9.2342.19200300.100.1.25",
    "UID": "0.9.2342.19200300.100.1.1", "E": "1.2.840.113549.1.9.1",
    "EMAIL": "1.2.840.113549.1.9.1", "EMAILADDRESS": "1.2.840.113549.1.9.1",
    "UNSTRUCTUREDNAME": "1.2.840.113549.1.9.2", "UNSTRUCTUREDADDRESS": "1.2.840.113549.1.9.8",
}
#: Stand-in for attribute types without a known OID: 2.5.4.x-sized (3 content bytes).
_PLACEHOLDER_OID = "2.5.4.0"
_SPLIT_AHEAD = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9-]*|OID\.\d+(?:\.\d+)+|\d+(?:\.\d+)+)=")


def split_dn(dn: str) -> list[list[tuple[str, str]]]:
    """`CN=a, OU=b + O=c` -> [[("CN", "a")], [("OU", "b"), ("O", "c")]].

    Splits at commas (RDNs) and pluses (attributes of one RDN) that are outside double quotes
    and followed by `TYPE=`, so an unquoted `O=Contoso, Ltd` stays one value. Quoted values are
    unquoted (`""` is a quote).
    """
    pieces: list[tuple[str, str]] = []  # (separator before, text)
    start, quoted, sep = 0, False, ","
    for i, char in enumerate(dn):
        if char == '"':
            quoted = not quoted
        elif char in ",+" and not quoted and _SPLIT_AHEAD.match(dn, i + 1):
            pieces.append((sep, dn[start:i]))
            start, sep = i + 1, char
    pieces.append((sep, dn[start:]))
    rdns: list[list[tuple[str, str]]] = []
    for separator, piece in pieces:
        name, _, value = piece.strip().partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('""', '"')
        if not name:
            continue
        if separator == "+" and rdns:
            rdns[-1].append((name.strip(), value))
        else:
            rdns.append([(name.strip(), value)])
    return rdns


def name_der_length(dn: str) -> tuple[int, tuple[str, ...]]:
    """The DER length of the Name that `dn` prints, and the attribute types of unknown OID.

    Built with `cryptography.x509.Name` from the parsed RDNs; an empty DN is an empty SEQUENCE
    (2 bytes). An attribute cryptography refuses (a CN over 64 characters, a country code that
    is not two letters) is sized with a same-length placeholder OID and a UTF8String.
    """
    from cryptography import x509
    from cryptography.x509.oid import ObjectIdentifier

    unknown: list[str] = []
    rdns = []
    for rdn in split_dn(dn):
        attributes = []
        for kind, value in rdn:
            oid = _attribute_oid(kind)
            if oid is None:
                unknown.append(kind)
                oid = _PLACEHOLDER_OID
            attributes.append(_attribute(x509, ObjectIdentifier, oid, value))
        rdns.append(x509.RelativeDistinguishedName(attributes))
    return len(x509.Name(rdns).public_bytes()), tuple(unknown)


def _attribute_oid(kind: str) -> str | None:
    upper = kind.upper()
    if upper.startswith("OID."):
        return kind[4:]
    if re.fullmatch(r"\d+(?:\.\d+)+", kind):
        return kind
    return _OIDS.get(upper)


def _attribute(x509: Any, object_identifier: Any, oid: str, value: str) -> Any:
    from cryptography.x509.name import _ASN1Type

    try:
        attribute = x509.NameAttribute(object_identifier(oid), value)
        x509.Name([attribute]).public_bytes()
        return attribute
    except ValueError:
        # Same-size stand-in: keeps the OID length when the real one is 2.5.4.x.
        stand_in = _PLACEHOLDER_OID if oid.startswith("2.5.4.") else oid
        return x509.NameAttribute(object_identifier(stand_in), value or " ",
                                  _type=_ASN1Type.UTF8String)


def removals_needed(sizes: list[int], limit: int) -> int:
    """The fewest entries of `sizes` to drop so the rest sum to at most `limit` (largest first)."""
    total = sum(sizes)
    count = 0
    for size in sorted(sizes, reverse=True):
        if total <= limit:
            break
        total -= size
        count += 1
    return count


def issuer_list_estimate(certificates: tuple[StoreCertificate, ...]) -> IssuerListEstimate:
    """The trusted issuer list that these certificates' subject names would make."""
    sizes = [c.subject_name_bytes + 2 for c in certificates if c.subject_name_bytes is not None]
    return IssuerListEstimate(
        names=len(sizes), total_bytes=sum(sizes),
        remove_at_least=removals_needed(sizes, ISSUER_LIST_LIMIT),
        unsized=sum(1 for c in certificates if c.subject_name_bytes is None),
        approximate_names=sum(1 for c in certificates if c.unknown_name_attributes),
    )
