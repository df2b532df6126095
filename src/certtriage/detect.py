"""Decoded text -> the format it is in, by cheap signatures.

Detection only decides which parser to try; an input nobody recognises is skipped with a
reason, which is not an error.
"""

from __future__ import annotations

import re
from enum import Enum


class FormatId(str, Enum):
    """Input formats certtriage can read."""

    CERTUTIL_VERIFY = "certutil-verify"
    """certutil -verify [-urlfetch] output, and the chain part of -scinfo / -dcinfo."""
    EVENT_TEXT = "event-log"
    """Windows events as text: Event Viewer copies, wevtutil, Format-List, CSV, XML, messages."""
    EVTX = "evtx"
    """A binary .evtx event log file."""
    UNKNOWN = "unknown"
    """Nothing certtriage recognises."""


# Tokens certutil prints in English whatever the display language, at the start of a line
# (after indentation, quote / prompt prefixes or a backtick), so documents that merely quote
# them mid-line (a README, a JSON report) are not taken for certutil output.
_CERTUTIL = re.compile(
    r"^[ \t]*(?:[>%][ \t]*)*`?(?:"
    r"CertContext\[\d+\]\[\d+\]"
    r"|(?:ChainContext|SimpleChain|Element)\.dw(?:Info|Error)Status"
    r"|-+ ?CERT_CHAIN_CONTEXT|dwFlags = CA_VERIFY_FLAGS_|CertGetCertificateChain\(dw"
    r"|ERROR: Verifying leaf certificate revocation status"
    r"|Leaf certificate (?:is REVOKED|revocation check passed)"
    r"|[-\u2014]{8,}\s*(?:Certificate|Base CRL)\s+(?:AIA|CDP|OCSP)\s*[-\u2014]{8,}"
    r"|Error retrieving URL:"
    r"|CertUtil: -verify"
    r")",
    re.MULTILINE,
)

_EVENTS = re.compile(
    r"^\s*(?:Event ID|Event\[\d+\]|ProviderName|Event Source)\s*:"
    r"|<Event\s+xmlns=|^\s*-?\s*<Events?>"
    r"|^\ufeff?\"?Level\"?[,\t]\"?Date and Time",
    re.MULTILINE,
)
#: Message-only pastes: how many lines are tried against the event templates.
MESSAGE_LINES = 50

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 256 * 1024


def detect(text: str) -> FormatId:
    """The format of `text`, or FormatId.UNKNOWN.

    Markdown escapes and em-dash banners are undone on a copy first, so a pasted fragment
    that only has its section banners left is still recognised.
    """
    sample = text[:SNIFF_CHARS]
    if "\\" in sample or "\u2014" in sample:
        sample = sample.replace("\\_", "_").replace("\u2014", "--")
    if _CERTUTIL.search(sample):
        return FormatId.CERTUTIL_VERIFY
    if _EVENTS.search(sample):
        return FormatId.EVENT_TEXT
    from .knowledge.catalog import event_knowledge

    knowledge = event_knowledge()
    for line in sample.splitlines()[:MESSAGE_LINES]:
        if len(line) > 20 and knowledge.recognize(line.strip("> %`")) is not None:
            return FormatId.EVENT_TEXT
    return FormatId.UNKNOWN
