"""Windows events about client-certificate authentication, in every shape they are exported.

Two formats live here: event text (`text`: Event Viewer copies, the friendly view, wevtutil,
Format-List, PowerShell tables, CSV, XML, the JSON of any tool (`json_export`), and messages or
event mentions anywhere in a text, found by the catalog's matcher) and binary .evtx files
(`evtx`, streamed). Both give the same `model.EventLog`; `records` reads one event record from
XML or EVTX, `labels`, `friendly` and `table` read the text shapes, `capi2` groups CAPI2
Operational events into chain-validation runs, and `predicates` holds what the rules in
`knowledge/rules/events/` may ask of them. This module recognises both cheaply.
"""

from __future__ import annotations

import functools
import re

from ..iis_freb import START as _FREB  # a trace's root: the events inside are its own

#: The first bytes of an EVTX file.
EVTX_MAGIC = b"ElfFile\x00"
#: How much of a text input the sniffer looks at.
SNIFF_CHARS = 256 * 1024
#: The CAPI2 Operational events by the element their `<UserData>` holds (the events reader's
#: `fragment` puts a part of their XML back under it).
CAPI2_ELEMENTS = {"CertGetCertificateChainStart": 10, "CertGetCertificateChain": 11,
                  "CertVerifyCertificateChainPolicy": 30, "CertVerifyRevocation": 41,
                  "CertRejectedRevocationInfo": 42, "CryptRetrieveObjectByUrlWire": 53}
_EVENTS = re.compile(
    r"^\s*(?:Event ID|Event Code|Event\[\d+\]|ProviderName|Event Source)\s*:"
    # a row of a two-column table of an event: `| Event ID | 36887 |`, `Event ID: | 48 |`
    r"|^\s*\|?\s*Event ID\s*:?\s*\|\s*\d"
    # the label on a line of its own and the id on the next (a web page's table copied)
    r"|^[ \t]*Event ID[ \t]*\r?\n[ \t]*\d{1,5}[ \t]*$"
    r"|<Event\s+xmlns=|^\s*-?\s*<Events?>"
    # part of an event's XML: its UserData or EventData, or what a CAPI2 event's holds
    r"|^[ \t]*-?[ \t]*<(?:UserData|EventData|CertificateChain|ChainElement|"
    + "|".join(CAPI2_ELEMENTS) + r")\b"
    r"|^\ufeff?\"?Level\"?[,\t]\"?Date and Time"
    r"|^\s*TimeCreated\s+(?:\w+\s+)*Id\s+(?:\w+\s+)*Message\s*$"
    r"|^\s*(?:\d{1,4}\.\s+)?[+-]\s+System\s*$"
    # a CAPI2 event listed by PowerShell with its XML (`DetailedMessage : <CertGet...`)
    r"|^[ \t]*DetailedMessage[ \t]*:[ \t]*<",
    re.MULTILINE,
)


#: A JSON key that names an event id (`"Id":`, `"event_id":`, `"EventCode":`, `"code":`): what
#: makes a text worth looking at for JSON records (`json_export`).
JSON_ID_KEY = re.compile(r'"[@#]?(?:event_?id|eventcode|id|code)"\s*:\s*[\[{"]?\s*[\d"{]',
                         re.IGNORECASE)
#: A JSON key naming a provider, beside one naming an event id.
_PROVIDER_KEY = re.compile(r'"[@#]?(?:provider_?name|provider|source_?name|source|name)"\s*:\s*"',
                           re.IGNORECASE)


def json_records(text: str) -> bool:
    """Whether a text holds JSON event records (`json_export` reads them, and the escapes of
    their strings, itself): its keys looked for first, the JSON read only then."""
    return _json_records(text[:SNIFF_CHARS])


@functools.lru_cache(maxsize=2)  # asked by the sniffer and again by the pipeline's framing
def _json_records(sample: str) -> bool:
    if JSON_ID_KEY.search(sample) is None or _PROVIDER_KEY.search(sample) is None:
        return False
    from .json_export import has_records

    return has_records(sample)


def sniff_evtx(head: bytes) -> bool:
    """Whether a file's first bytes are those of an EVTX file."""
    return head.startswith(EVTX_MAGIC)


def sniff_text(text: str) -> bool:
    """Whether `text` is an event export (by its labels, XML, table header or friendly view),
    holds a message of the catalog anywhere, or names an event (provider and id)."""
    sample = text[:SNIFF_CHARS]
    if _FREB.search(sample):  # an IIS trace's events are its own (`parsers/iis_freb`)
        return False
    if _EVENTS.search(sample) or json_records(sample):
        return True
    from ...knowledge.catalog import find_messages
    from .labels import names_an_event_id

    if names_an_event_id(sample):
        return True

    return bool(find_messages(sample))
