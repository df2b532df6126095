"""The certificates a CAPI2 Operational event shows, with what it shows of each.

Most CAPI2 events name their certificate by its `fileRef` (the SHA-1 thumbprint and `.cer`)
and `subjectName` (a common name): `Certificate` in events 30 (policy), 41 (revocation check)
and 70 (private key), `SubjectCertificate` in 42 (revocation information rejected), and the
`IssuerCertificate` beside them. Event 90 (`X509Objects`) prints every certificate of the
operation in full: subject and issuer by their RDNs, serial number, NotBefore and NotAfter.
"""

from __future__ import annotations

import re
from datetime import datetime

from ...text.xml import Node
from .event import Capi2Certificate

#: Elements under an event's root that name a certificate, and the role they give it.
_ROLES = {"Certificate": "subject", "SubjectCertificate": "subject",
          "IssuerCertificate": "issuer"}
_FILE_REF = re.compile(r"^([0-9A-Fa-f]{40})\.")
_ISO = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)")


def certificates(root: Node) -> tuple[Capi2Certificate, ...]:
    """Each certificate named under `root` (a CAPI2 event's UserData element), in order."""
    found = []
    for child in root.children:
        role = _ROLES.get(child.name)
        if role is None:
            continue
        shown = _certificate(child, "object" if root.name == "X509Objects" else role)
        if shown is not None:
            found.append(shown)
    return tuple(found)


def thumbprint(ref: str | None) -> str | None:
    """The SHA-1 of a `fileRef` (`7D2C...94A.cer`), lower case."""
    match = _FILE_REF.match(ref or "")
    return match[1].lower() if match else None


def _certificate(node: Node, role: str) -> Capi2Certificate | None:
    hash_ = thumbprint(node.attr("fileRef"))
    name = node.attr("subjectName")
    if hash_ is None and not name:
        return None
    serial = node.find("SerialNumber")
    extensions = node.find("Extensions")
    constraints = extensions.find("BasicConstraints") if extensions is not None else None
    return Capi2Certificate(
        role=role, name=name, thumbprint=hash_,
        subject=_dn(node.find("Subject")), issuer=_dn(node.find("Issuer")),
        serial=(serial.text or "").strip() or None if serial is not None else None,
        not_before=_time(node.find("NotBefore")), not_after=_time(node.find("NotAfter")),
        ca=(constraints.attr("cA") or "").lower() == "true" if constraints is not None
        else None)


def _dn(node: Node | None) -> str | None:
    """`CN=Ana Torres, O=Fabrikam, C=US` from `<Subject><CN>Ana Torres</CN>...`."""
    if node is None:
        return None
    parts = [f"{c.name}={(c.text or '').strip()}" for c in node.children
             if (c.text or "").strip()]
    return ", ".join(parts) or (node.text or "").strip() or None


def _time(node: Node | None) -> datetime | None:
    """An X509Objects time (`2025-06-01T08:00:00Z`, UTC) without its zone."""
    match = _ISO.match((node.text or "").strip()) if node is not None else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2025-02-30: not a time
        return None
