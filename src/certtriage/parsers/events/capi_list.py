"""CAPI2 events listed by PowerShell with their XML -> :class:`Event`.

Microsoft's `Get-CapiTaskIDEvents` script, and lists like it, print each CAPI2 Operational
event of one chain validation as a Format-List record: `TimeCreated`, `ID`, `RecordType` and
`DetailedMessage`, whose value is the event's UserData XML (`<CertGetCertificateChain ...>`)
wrapped at the console's width under its label. The XML is put back together and read as the
event's; the labels are read by their shape (a label, a colon, a value), as PowerShell prints
them in every display language.
"""

from __future__ import annotations

import re

from ...errors import RefusedInput
from ...models.common import Span
from . import CAPI2_ELEMENTS
from .event import Event
from .fragment import read_fragment
from .records import completed, event_from_node

#: The label whose value is a CAPI2 event's XML.
START = re.compile(r"^[ \t]*DetailedMessage[ \t]*:[ \t]*<(?:" + "|".join(CAPI2_ELEMENTS) + r")\b",
                   re.MULTILINE)
_LABEL = re.compile(r"^[ \t]*(?P<label>[A-Za-z]{2,20})[ \t]*:[ \t]?(?P<value>.*)$")
#: The command of Microsoft's script that lists a chain validation's events this way.
_COMMAND = re.compile(r"\bGet-CapiTaskIDEvents\b", re.IGNORECASE)


def events_in(text: str) -> tuple[list[Event], list[tuple[int, int]], list[str]]:
    """The events of the records with a `DetailedMessage` XML, the lines (0-based, inclusive)
    each record takes, and what could not be read."""
    lines = text.split("\n")
    events: list[Event] = []
    taken: list[tuple[int, int]] = []
    problems: list[str] = []
    for first, last, fields, xml in _records(lines):
        event = _event(fields, xml, Span(start=first + 1, end=last + 1))
        if event is None:
            problems.append(f"line {first + 1}: the event's XML could not be read")
            continue
        events.append(event)
        taken.append((first, last))
    if events:  # the command that listed them is part of the listing
        taken.extend((i, i) for i, line in enumerate(lines) if _COMMAND.search(line))
    return events, taken, problems


def _records(lines: list[str]) -> list[tuple[int, int, dict[str, str], str]]:
    """(first line, last line, the labels' values, the XML) of each record with one."""
    found = []
    index = 0
    while index < len(lines):
        if not START.match(lines[index]):
            index += 1
            continue
        first = index
        while first > 0 and _LABEL.match(lines[first - 1]) and lines[first - 1].strip():
            first -= 1  # the labels above it: TimeCreated, ID, RecordType
        fields = {}
        for line in lines[first:index]:
            m = _LABEL.match(line)
            if m:
                fields[m["label"].casefold()] = m["value"].strip()
        parts = [lines[index].split(":", 1)[1].strip()]
        last = index
        while last + 1 < len(lines) and lines[last + 1].strip() and not _LABEL.match(
                lines[last + 1]) and lines[last + 1][:1] in (" ", "\t"):
            last += 1
            parts.append(lines[last].strip())
        found.append((first, last, fields, " ".join(parts)))
        index = last + 1
    return found


def _event(fields: dict[str, str], xml: str, span: Span) -> Event | None:
    """The record's event: its XML put back in an `<Event>` as any part of an event's XML is
    (`fragment`), with the record's id and time."""
    event_id = fields.get("id", "")
    try:
        whole, built = read_fragment(xml, int(event_id) if event_id.isdigit() else None)
    except RefusedInput:
        return None
    node = whole[0] if whole else built
    event = event_from_node(node, "format-list", span) if node is not None else None
    if event is None:
        return None
    return completed(event, time=fields.get("timecreated") or None, computer=None)
