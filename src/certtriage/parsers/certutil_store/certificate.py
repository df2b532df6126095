"""A certificate block, once read -> :class:`StoreCertificate`: its names joined into one line,
its dates read, the state of its private key, and the size of its subject name.
"""

from __future__ import annotations

import re
from datetime import datetime

from .._values import parse_date
from .block import Block
from .issuer_list import name_der_length
from .model import StoreCertificate

_ISO_12H = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])$"
)


def store_date(text: str | None) -> datetime | None:
    """A NotBefore / NotAfter value: the shared locale-aware reader, plus ISO dates with AM/PM
    (`2024-02-26 5:24 PM`, printed by English certutil on a machine with ISO short dates)."""
    parsed = parse_date(text)
    if parsed is not None or not text:
        return parsed
    match = _ISO_12H.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
    if not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if match[7].lower() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, int(match[6] or 0))
    except ValueError:
        return None


def _one_line(rdns: list[str]) -> str:
    return ", ".join(r.strip() for r in rdns)


def certificate(block: Block) -> StoreCertificate:
    """The model of a block that has been read to its end."""
    f = dict(block.fields)
    for part, rdns in (("issuer", block.issuer_rdns), ("subject", block.subject_rdns)):
        if rdns:
            f[part] = _one_line(rdns)
        elif (f.get(part) or "").upper().startswith("EMPTY"):
            f[part] = ""
    if "self_signed" not in f and f.get("issuer") is not None and f.get("subject"):
        f["self_signed"] = _same_name(f["issuer"], f["subject"])
    size: int | None = None
    unknown: tuple[str, ...] = ()
    if f.get("subject") is not None:
        size, unknown = name_der_length(f["subject"])
    has_key: bool | None = None
    state = block.key_absent or block.key_positive
    if block.key_absent is not None:
        has_key = False
    elif block.key_present:
        has_key = True
    return StoreCertificate(
        index=block.index, line=block.line, end_line=block.end_line,
        serial=f.get("serial"), issuer=f.get("issuer"), subject=f.get("subject"),
        not_before=f.get("not_before"), not_after=f.get("not_after"),
        not_before_at=store_date(f.get("not_before")), not_after_at=store_date(f.get("not_after")),
        thumbprint=f.get("thumbprint"), template=f.get("template"),
        self_signed=f.get("self_signed"), has_private_key=has_key,
        key_container=f.get("key_container"), key_provider=f.get("key_provider"),
        key_state=state, ekus=tuple(block.ekus) if block.ekus is not None else None,
        cdp_urls=tuple(_clean_url(u) for u in block.cdp),
        aia_urls=tuple(_clean_url(u) for u in block.aia),
        ocsp_urls=tuple(_clean_url(u) for u in block.ocsp),
        is_ca=f.get("is_ca"), subject_name_bytes=size, unknown_name_attributes=unknown,
    )


def _clean_url(url: str) -> str:
    return url.strip().rstrip(",")


def _same_name(a: str, b: str) -> bool:
    """Issuer and subject name the same entity (case and spacing ignored)."""
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
