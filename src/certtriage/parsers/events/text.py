"""Event exports as text -> :class:`EventLog`: every text shape, XML, CSV and tab-separated.

* label/value shapes (Event Viewer copy, Windows 2003 text, wevtutil, Format-List): the Lark
  grammar `grammars/events.lark`, records collected by `labels`;
* Event Viewer's friendly view (the XML flattened to values on lines): `friendly`;
* PowerShell's event table (Get-WinEvent, Format-Table): `table`;
* messages and event mentions anywhere else (prose, quotes, Markdown, HTML leftovers): the
  catalog's matcher (`knowledge.catalog.find_messages`);
* XML (`<Event>`, `<Events>`, the friendly XML view with `- ` markers): defusedxml, so hostile
  XML cannot expand entities or reach out;
* CSV / tab-separated "Save as" exports: the csv module.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from typing import Any

from lark import Tree, UnexpectedInput

from ...errors import RefusedInput
from ...grammars import EVENTS
from ...knowledge.catalog import UNFILLED, FoundMessage, event_knowledge
from ...knowledge.catalog._clean import clean_text
from ...models.common import Repair, Span, UnparsedLine
from ...text.normalize import normalize
from ...text.xml import Node, is_elision, read_xml
from .._lark import get_parser
from . import capi_list, fragment, json_export
from .capi2 import group_runs
from .event import Event, EventShape
from .evtx import MAX_EVENTS
from .friendly import blocks
from .friendly import tree as friendly_tree
from .labels import (
    ALIASES,
    RecordBuilder,
    names_xml,
    paired,
    translate,
    translate_lines,
    undress,
    unpiped,
)
from .model import EventLog
from .records import build_event, completed, event_from_node
from .table import Row, tables
from .tally import Tally

_LEVEL_WORDS = {"error": "error", "warning": "warning", "information": "information",
                "informational": "information", "critical": "critical", "verbose": "verbose",
                "audit success": "information", "audit failure": "error"}


def _level_of(word: str | None) -> str | None:
    """The level a printed level word names, in English or another display language."""
    key = " ".join((word or "").split()).casefold()
    if not key:
        return None
    from ...knowledge.l10n import event_levels

    return _LEVEL_WORDS.get(key) or event_levels().get(key)


_CSV_HEADER = re.compile(r"^\ufeff?\"?Level\"?[,\t]\"?Date and Time\"?[,\t]\"?Source\"?[,\t]"
                         r"\"?Event ID\"?", re.IGNORECASE)
_XML_START = re.compile(r"^\s*(?:-\s*)?<(?:\?xml|Events?\b)", re.IGNORECASE)
_FRIENDLY = re.compile(r"^(\s*)-\s(?=<)", re.MULTILINE)


def parse(text: str) -> EventLog:
    """Read events from a text export of any shape."""
    if _XML_START.match(text):
        return _from_xml(text)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if _CSV_HEADER.match(first):
        return _from_csv(text, "tsv" if "\t" in first else "csv")
    if json_export.holds_records(text):
        read = _beside(text, *json_export.events_in(text), shape="json")
        if read is not None:
            return read
    if capi_list.START.search(text):  # CAPI2 events listed with their XML
        read = _beside(text, *capi_list.events_in(text), shape="format-list")
        if read is not None:
            return read
    block = _embedded_xml(text)
    if block is None and _XML_LINE_START.search(text) is None and fragment.START.search(text):
        block = fragment.lines_of(text.split("\n"))  # part of an event's XML, no <Event>
    if block is not None:
        return _around_xml(text, *block)
    return _from_lines(text)


_XML_LINE_START = re.compile(r"^[ \t]*(?:-[ \t]*)?<(?:\?xml|Events?\b)",
                             re.IGNORECASE | re.MULTILINE)
_XML_END = re.compile(r"</Events?>", re.IGNORECASE)
_RECORD_LABEL = re.compile(r"^\s*(?:Log Name|Source|Event ID)\s*:", re.IGNORECASE)


def _embedded_xml(text: str) -> tuple[int, int] | None:
    """The lines (0-based, inclusive) of an XML export that follows other text (a sentence, a
    heading) in a paste, or None when there is none."""
    start = _XML_LINE_START.search(text)
    if start is None:
        return None
    lines = text.split("\n")
    first = text.count("\n", 0, start.start())
    before = next((line.strip() for line in reversed(lines[:first]) if line.strip()), "")
    if names_xml(before) and any(
            _RECORD_LABEL.match(translate(undress(line))) for line in lines[:first]):
        return None  # the XML part of an Event Viewer copy (in any language): its record reads it
    last = max((i for i in range(first, len(lines)) if _XML_END.search(lines[i])), default=None)
    return (first, last) if last is not None else None


def _around_xml(text: str, first: int, last: int) -> EventLog:
    """The events of an XML export inside a paste, and those of the text around it."""
    lines = text.split("\n")
    xml = "\n".join(lines[first:last + 1])
    around = _from_lines("\n".join("" if first <= i <= last else line
                                    for i, line in enumerate(lines)))
    above = _record_above(list(around.events), lines, first)
    found, problems = _xml_events(xml, "xml", Span(start=first + 1, end=last + 1),
                                  event_id=above.event_id if above is not None else None)
    events = _joined(list(around.events), found, above, first)
    shape = found[0].shape if found else around.shape
    return _log(shape, events, problems=[*around.problems, *problems],
                unparsed=list(around.unparsed), repairs=around.repairs)


def _beside(text: str, found: list[Event], taken: list[tuple[int, int]], problems: list[str],
            *, shape: EventShape) -> EventLog | None:
    """The events a reader found in a paste (JSON records, CAPI2 events listed with their
    XML) on the lines `taken`, and those of the text around them; None when it took none."""
    if not taken:
        return None
    lines = text.split("\n")
    for first, last in taken:
        lines[first:last + 1] = [""] * (last + 1 - first)
    around = _from_lines("\n".join(lines))
    events = sorted(_without_echoes([*around.events, *found]),
                    key=lambda e: e.span.start if e.span else 0)
    return _log(shape, events, problems=[*around.problems, *problems],
                unparsed=list(around.unparsed), repairs=around.repairs)


def _record_above(around: list[Event], lines: list[str], first: int) -> Event | None:
    """The event of a record whose labels stand right above the XML part at line `first`
    (blank, `[...]` and `Event Xml:` lines between them): a CAPI2 chain element pasted below
    the record's labels is part of that event."""
    above = max((e for e in around if e.span is not None and e.span.end <= first),
                key=lambda e: e.span.end if e.span else 0, default=None)
    if above is None or above.span is None or not all(
            not line.strip() or is_elision(line) or names_xml(line)
            for line in lines[above.span.end:first]):
        return None
    return above


def _joined(around: list[Event], found: list[Event], above: Event | None,
            first: int) -> list[Event]:
    """The events read around an XML part and in it, in order; the record right above a part
    of its own event's XML (a part without the event's `<System>`) and that part are one
    event: the XML's, with the record's time, level, computer and lines."""
    part = next((e for e in found if e.span is not None and e.span.start == first + 1), None)
    if (above is not None and above.span is not None and part is not None
            and part.time is None and part.event_id == above.event_id
            and part.provider == above.provider):
        merged = part.model_copy(update={
            "time": above.time, "time_at": above.time_at, "level": above.level or part.level,
            "computer": above.computer, "channel": above.channel, "shape": above.shape,
            "record_id": above.record_id,
            "span": Span(start=above.span.start, end=part.span.end if part.span else first)})
        around = [e for e in around if e is not above]
        found = [merged if e is part else e for e in found]
    return sorted(_without_echoes([*around, *found]),
                  key=lambda e: e.span.start if e.span else 0)


# ---- XML ------------------------------------------------------------------------------------
def _xml_events(xml: str, shape: EventShape, span: Span | None = None,
                message: str = "", event_id: int | None = None) -> tuple[list[Event], list[str]]:
    """The events of an XML export, read one `<Event>` at a time: at most `MAX_EVENTS` are
    kept, the rest counted. XML that is not well-formed, or holds no `<Event>`, is read as a
    fragment (`fragment`): part of an event's XML, put back in an `<Event>` (`event_id`: that
    of the record it came with)."""
    friendly = bool(_FRIENDLY.search(xml))
    if friendly:
        xml = _FRIENDLY.sub(r"\1", xml)
    if "<Events" not in xml and xml.count("<Event ") + xml.count("<Event>") > 1:
        xml = f"<Events>{xml}</Events>"
    shape = "friendly-xml" if friendly and shape == "xml" else shape
    events: list[Event] = []
    dropped = [0]

    def record(node: Node) -> bool:
        if node.name != "Event":  # a child of a lone <Event> stays in its tree
            return False
        event = event_from_node(node, shape, span, message)
        if event is not None and len(events) < MAX_EVENTS:
            events.append(event)
        elif event is not None:
            dropped[0] += 1
        return True

    try:
        reading = read_xml(xml, records=record)
        if reading.error_line is not None or not (events or dropped[0]
                                                  or reading.root.name == "Event"):
            events.clear()
            dropped[0] = 0
            whole, built = fragment.read_fragment(xml, event_id)
            for node in whole:
                record(node)
            if built is not None:
                record(built)
    except RefusedInput as exc:
        return [], [f"XML could not be read: {exc.problem[:120]}"]
    if reading.error_line is not None and not events:
        where = f"line {reading.error_line}, column {reading.error_column}"
        return [], [f"XML could not be read: ParseError: {reading.error}: {where}"[:160]]
    if reading.root.name == "Event" and reading.error_line is None:
        record(reading.root)
    problems = [f"line {line}: {limit}" for line, limit in reading.limits()]
    if reading.error_line is not None:
        problems.append(f"line {reading.error_line}: the XML is cut or has parts left out; "
                        "read as far as it goes")
    if dropped[0]:
        problems.append(_past_limit(dropped[0]))
    return events, problems


def _past_limit(dropped: int) -> str:
    return (f"{dropped} more events past the limit of {MAX_EVENTS:,} events were counted but "
            "not kept")


def _from_xml(text: str) -> EventLog:
    events, problems = _xml_events(text, "xml")
    return _log(events[0].shape if events else "xml", events, problems=problems)


# ---- CSV / TSV --------------------------------------------------------------------------------
def _from_csv(text: str, shape: EventShape) -> EventLog:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")),
                        delimiter="\t" if shape == "tsv" else ",")
    header = next(reader, [])
    events: list[Event] = []
    problems: list[str] = []
    dropped = 0
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 4:
            problems.append(f"row {row_number}: {len(row)} columns, expected at least 4")
            continue
        level, when, source, event_id = (c.strip() for c in row[:4])
        message = row[5] if len(row) > 5 else (row[4] if len(row) > 4 and len(header) <= 5
                                               else "")
        if not event_id.isdigit():
            problems.append(f"row {row_number}: event id {event_id[:20]!r} is not a number")
            continue
        if len(events) >= MAX_EVENTS:
            dropped += 1
            continue
        events.append(build_event(
            provider=source, event_id=int(event_id), message=message.strip(), data={},
            shape=shape, level=_level_of(level), time=when,
            span=Span(start=row_number, end=row_number)))
    if dropped:
        problems.append(_past_limit(dropped))
    return _log(shape, events, problems=problems)


# ---- label/value shapes, tables, friendly views and messages in any text --------------------
def _from_lines(text: str) -> EventLog:
    lines = paired([unpiped(line) for line in text.split("\n")])
    text = "\n".join(lines)
    found = event_knowledge().find_messages(text)
    rows, taken = tables(lines)
    friendly = [(first, last) for first, last in blocks(lines) if first not in taken]
    taken |= {i for first, last in friendly for i in range(first, last + 1)}
    records, repairs = _records(lines, taken, friendly, found)
    unparsed: list[UnparsedLine] = []
    events = [e for row in rows if (e := _row_event(row)) is not None]
    by_text = {(f.event_id, f.text): f for f in found if f.match == "template"}
    problems: list[str] = []
    events += [e for r in records for one in _each_id(r)
               if (e := _record_event(one, lines, by_text, unparsed, problems))]
    events += [e for first, last in friendly
               if not any(r.get("friendly") == (first, last) for r in records)
               and (e := _friendly_event(lines, first, last, "friendly-view")) is not None]
    events += _outside(found, _lines_of(events))
    kept = _without_echoes(events)
    ids = {id(e) for e in kept}
    retold = _lines_of([e for e in events if id(e) not in ids])  # read as part of another
    events = kept
    if events and _documents_events(lines):
        # a table documenting the events (some of its messages with unfilled insertion
        # strings): its rows are no events logged; a record that shows when it was is kept
        events = [e for e in events if e.time]
    events.sort(key=lambda e: e.span.start if e.span else 0)
    covered = _lines_of(events) | retold
    unparsed = [u for u in unparsed if u.line not in covered]
    unparsed += _around(lines, covered, unparsed, taken)
    unparsed.sort(key=lambda u: u.line)
    return _log(events[0].shape if events else "message-only", events, unparsed=unparsed,
                repairs=repairs, problems=problems)


_NUMBER = re.compile(r"(?<![\w.])\d{2,5}(?![\w.])")


def _documents_events(lines: list[str]) -> bool:
    """Whether a line pairs a catalogued event's id with a message whose insertion strings
    are unfilled (a row of a table documenting the events: `| 36877 | ... is %1. |`)."""
    rows = [line for line in lines if ("%" in line or "{" in line) and UNFILLED.search(line)]
    if not rows:
        return False
    ids = {d.id for d in event_knowledge().definitions()}
    return any(int(n) in ids for line in rows for n in _NUMBER.findall(line))


def _records(lines: list[str], taken: set[int], friendly: list[tuple[int, int]],
             found: list[FoundMessage]) -> tuple[list[dict[str, Any]], tuple[Repair, ...]]:
    """The label/value records of the lines no table or friendly view took, with the
    friendly view or the message that follows a record attached to it."""
    rest = "\n".join(translate_lines(lines, taken))
    if _HTML.search(rest) and "<Event" not in rest:
        rest = clean_text(rest)
    norm = normalize(rest)
    builder = RecordBuilder(norm.origin)
    for item in _parse_records(norm.text):
        builder.item(item)
    records = _attach(builder.records, friendly, lines)
    starting = {f.start: f for f in reversed(found) if f.match != "mention"}
    for record in records:
        if not (record.get("message") or record["fields"].get("Description")
                or record["fields"].get("Message") or record.get("xml")):
            _attach_message(record, starting)
        if not record.get("message") and record.get("after") and record.get("xml") is None:
            _unlabelled_message(record)
    return records, tuple(norm.repairs)


def _parse_records(text: str) -> list[Tree[Any]]:
    """The grammar's records; a line it does not expect where it stands (an export cut inside
    a label) is passed over, and stays among the lines no event covers."""
    try:
        tree = get_parser(EVENTS).parse(text, on_error=lambda _error: True)
    except UnexpectedInput:  # at the very end, where nothing is left to pass over
        return []
    return [item for item in tree.children if isinstance(item, Tree)]


def _attach_message(record: dict[str, Any], found: dict[int, FoundMessage]) -> None:
    """A message on the lines right after a record without one (labels, then the text)."""
    after = found.get(record["end"] + 1) or found.get(record["end"] + 2)
    if after is not None:
        record["message"], record["end"] = after.text, after.end


def _unlabelled_message(record: dict[str, Any]) -> None:
    """The lines right after a record's last label, up to a gap, as its message when it has
    none (a message that no catalog wording matched: translated, older or retold)."""
    after: list[str] = []
    for line, text in record["after"]:
        if line != record["end"] + 1:
            break
        after.append(text)
        record["end"] = line
    if after and not record["fields"].get("Message") and not record["fields"].get("Description"):
        record["message"] = " ".join(after)


_HTML = re.compile(r"<(?:br|p|b|blockquote|div)\b[^<>\n]*>|</(?:p|b|blockquote|div)>|&(?:quot|lt|gt"
                   r"|amp|nbsp|#39);", re.IGNORECASE)


def _attach(records: list[dict[str, Any]], friendly: list[tuple[int, int]],
            lines: list[str]) -> list[dict[str, Any]]:
    """A friendly view right after a record (Event Viewer's copy with the XML flattened)
    belongs to it."""
    for first, last in friendly:
        before = [r for r in records if r["end"] <= first]
        if not before:
            continue
        record = max(before, key=lambda r: r["end"])
        between = lines[record["end"]:first]
        if all(not ln.strip() or ln.strip().rstrip(":") == "Event Xml" for ln in between):
            record["friendly"] = (first, last)
            record["end"] = last + 1
    return records


def _friendly_event(lines: list[str], first: int, last: int, shape: EventShape,
                    message: str = "", span: Span | None = None) -> Event | None:
    node = friendly_tree(lines[first:last + 1])
    return event_from_node(node, shape, span or Span(start=first + 1, end=last + 1), message)


def _row_event(row: Row) -> Event | None:
    values = row.values
    provider = values.get("ProviderName") or values.get("Source") or row.provider
    event_id = int(values["Id"]) if "Id" in values else int(values["InstanceID"]) & 0xFFFF
    message = values.get("Message", "")
    if provider is None:
        provider = _provider_of(event_id, message)
        if provider is None:
            return None
    return build_event(
        provider=provider, event_id=event_id, message=message, data={}, shape="winevent-table",
        level=_level_of(values.get("LevelDisplayName") or values.get("EntryType")),
        time=values.get("TimeCreated") or values.get("Time"), computer=values.get("MachineName"),
        span=Span(start=row.first + 1, end=row.last + 1))


def _provider_of(event_id: int, message: str) -> str | None:
    """The provider of an event known only by its id and (perhaps cut) message."""
    knowledge = event_knowledge()
    for found in knowledge.find_messages(message):
        keys = {(found.provider, found.event_id), *found.candidates}
        provider = next((p for p, i in keys if i == event_id), None)
        if provider:
            return provider
    owners = [d.provider for d in knowledge.definitions() if d.id == event_id]
    return owners[0] if len(owners) == 1 else None


#: An event id with the event's message after it on the same line.
_ID_AND_MESSAGE = re.compile(r"\s*(?P<id>\d{1,5})\s*[-:\u2013]?\s+(?P<message>[^\W\d_].*)",
                             re.DOTALL)


def _record_event(record: dict[str, Any], lines: list[str],
                  found: dict[tuple[int, str], FoundMessage],
                  unparsed: list[UnparsedLine], problems: list[str]) -> Event | None:
    fields = {(ALIASES.get(k) or k): v for k, v in record["fields"].items()}
    message = record.get("message") or fields.get("message") or ""
    span = Span(start=record["start"], end=record["end"])
    if record.get("friendly"):
        first, last = record["friendly"]
        flattened = _friendly_event(lines, first, last, record["shape"], message, span)
        if flattened is not None:
            return flattened
    if record.get("xml"):
        named = _event_id(fields)
        events, _ = _xml_events(record["xml"], record["shape"], span, message,
                                int(named) if named.isdigit() else None)
        if events:
            return completed(events[0], time=_when(fields) or None,
                             computer=fields.get("computer") or None)
    event_id = _event_id(fields)
    told = _ID_AND_MESSAGE.fullmatch(event_id)
    if told is not None:  # `Event ID: 7023 The ... service terminated ...` on one line
        event_id, message = told["id"], message or told["message"]
    provider = fields.get("provider") or (
        _provider_of(int(event_id), message) if event_id.isdigit() else None)
    if not provider or not event_id.isdigit():
        shown = lines[record["start"] - 1].strip() if record["start"] <= len(lines) else ""
        unparsed.append(UnparsedLine(
            line=record["start"], text=shown[:300],
            reason="event record without its source" if event_id.isdigit()
            else "event record without source and id"))
        return None
    when = _when(fields)
    level = (fields.get("level") or "").strip().lower()
    known = _known_by_message(provider, int(event_id), message)
    if known != int(event_id):
        problems.append(f"line {record['start']}: no {provider} event has id {event_id}; read "
                        f"as {known}, whose message the record shows")
        event_id = str(known)
    return build_event(
        provider=provider, event_id=int(event_id), message=message.strip(),
        data=_slots_within(found, message, int(event_id)),
        shape=record["shape"], level=_level_of(level) or level or None,
        time=when or None, computer=fields.get("computer") or None,
        channel=fields.get("channel"), span=span,
        record_id=int(fields["record_id"]) if fields.get("record_id", "").isdigit()
        else None,
    )


def _when(fields: dict[str, str]) -> str:
    """The time a record's labels show (its date and time of day), or "" for none."""
    when = " ".join(x for x in (fields.get("date"), fields.get("time_of_day")) if x)
    if not any(c.isdigit() for c in when):
        return ""  # a placeholder (`YYYY/MM/DD HH:MM:SS`, `<date>`) of a page explaining the event
    return when


#: Several ids under one label (`Event ID : 36888/36874`, a post summing up what it saw).
_SEVERAL_IDS = re.compile(r"\d{1,5}(?:\s*(?:/|,|&|\band\b)\s*\d{1,5})+")


def _each_id(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record, or, when it names several event ids and shows no message or XML (which
    would be one event's), one record for each id."""
    fields = record["fields"]
    label = next((k for k in fields if ALIASES.get(k) == "event_id"), None)
    value = str(fields.get(label, "")).strip() if label else ""
    if (not label or not _SEVERAL_IDS.fullmatch(value) or record.get("message")
            or record.get("xml") or any(ALIASES.get(k) == "message" for k in fields)):
        return [record]
    return [{**record, "fields": {**fields, label: number}}
            for number in re.findall(r"\d{1,5}", value)]


#: An event id as records print it: the number, or with its hexadecimal form beside it in
#: parentheses (`48 (0x30)`, as reference pages and some tools show it).
_ID_VALUE = re.compile(r"(\d{1,5})\s*(?:\(\s*0x([0-9a-fA-F]{1,4})\s*\))?")


def _event_id(fields: dict[str, str]) -> str:
    """The record's event id as digits; its text as printed when it is no such id (two forms
    that disagree are no id of one event)."""
    value = fields.get("event_id", "").strip()
    m = _ID_VALUE.fullmatch(value)
    if m is None or m.group(2) is not None and int(m.group(2), 16) != int(m.group(1)):
        return value
    return m.group(1)


def _known_by_message(provider: str, event_id: int, message: str) -> int:
    """`event_id`, or when the catalog knows no such event of `provider` (a typo, a number
    from another product's documentation), the id of the one event of it whose message the
    record shows."""
    knowledge = event_knowledge()
    if not message.strip() or knowledge.get(provider, event_id) is not None:
        return event_id
    named = knowledge.canonical(provider)
    ids = {f.event_id for f in knowledge.find_messages(message)
           if f.match != "mention" and f.provider == named}
    return ids.pop() if len(ids) == 1 else event_id


def _slots_within(found: dict[tuple[int, str], FoundMessage], message: str,
                  event_id: int) -> dict[str, str]:
    """The slots the matcher already read from a record's whole message ({}: the message is
    read again on its own)."""
    whole = found.get((event_id, " ".join(message.split())))
    return dict(whole.slots) if whole is not None else {}


def _outside(messages: list[FoundMessage], covered: set[int]) -> list[Event]:
    """Messages and event mentions anywhere else in the text (prose, quotes, Markdown)."""
    out = []
    for found in messages:
        if any(line in covered for line in range(found.start, found.end + 1)):
            continue
        out.append(build_event(
            provider=found.provider, event_id=found.event_id, message=found.text,
            data=dict(found.slots), level=found.level or None,
            shape="mention" if found.match == "mention" else "message-only",
            span=Span(start=found.start, end=found.end)))
    return out


def _without_echoes(events: list[Event]) -> list[Event]:
    """The events without those that only retell one the input shows more of: a mention (a
    heading `Event ID 36871` over the record of it, a sentence naming it) or a record of
    labels without a message, beside the event's message or record; a message quoted without
    its time above the event's record or XML (of the event, or of another whose message is
    the same: crypt32 11 and CAPI2 4107); the same mention again, or with less than another
    mention of it shows. One event, not two occurrences; a retelling that tells more than the
    event (another alert) stays."""
    knowledge = event_knowledge()
    ranks = [_told(event) for event in events]
    shown = _Shown()
    for event, rank in zip(events, ranks):
        shown.add((event.provider, event.event_id), rank, event.data)
        definition = knowledge.get(event.provider, event.event_id)
        if rank == _WHOLE and definition is not None:
            shown.add(definition.cause, rank, event.data)
    named_seen: set[tuple[str, int, frozenset[tuple[str, str]]]] = set()
    messages = [e for e, rank in zip(events, ranks) if rank == _MESSAGE]  # without a time
    kept: list[Event] = []
    for event, rank in zip(events, ranks):
        if rank < _WHOLE:
            key = (event.provider, event.event_id)
            if shown.more(key, rank, event.data):
                continue
            if rank == _MESSAGE and _cut_retelling(event, messages):
                continue  # a title or a line that repeats the start of a message shown whole
            definition = knowledge.get(*key)
            if rank == _MESSAGE and definition is not None and shown.more(
                    definition.cause, rank, event.data):
                continue
            if rank == _NAMED:
                seen = (*key, frozenset(event.data.items()))
                if seen in named_seen or shown.more_at(key, rank, event.data):
                    continue  # named again, or with less than another mention of it shows
                named_seen.add(seen)
        kept.append(event)
    return kept


def _cut_retelling(event: Event, others: list[Event]) -> bool:
    """Whether `event`'s message, found alone in the text (no record of labels around it), is
    the start of another message shown without a time: a post's title repeating the message
    it quotes, cut short (its start may read as another event's message, whose wording begins
    alike). Of the same event it must show no value the other does not. The same message
    twice is two occurrences."""
    told = " ".join(event.message.split())
    if event.shape != "message-only" or len(told) < 20:
        return False  # a record of its own (labels, a header) is an occurrence of its own
    items = event.data.items()
    return any(other is not event and len(other.message) > len(event.message)
               and " ".join(other.message.split()).startswith(told)
               and ((other.provider, other.event_id) != (event.provider, event.event_id)
                    or items <= other.data.items())
               for other in others[:_Shown.LIMIT])


class _Shown:
    """The values shown of each event (by provider and id, or by cause), at each rank."""

    #: Distinct values compared one by one before giving up (the rest by equality only):
    #: linear work on a log of many distinct events.
    LIMIT = 64

    def __init__(self) -> None:
        self._values: dict[tuple[Any, int], dict[frozenset[tuple[str, str]], None]] = {}

    def add(self, key: Any, rank: int, data: dict[str, str]) -> None:
        self._values.setdefault((key, rank), {})[frozenset(data.items())] = None

    def more(self, key: Any, rank: int, data: dict[str, str]) -> bool:
        """Whether an event of `key` told more than `rank` shows every value of `data`."""
        items = frozenset(data.items())
        for higher in range(rank + 1, _WHOLE + 1):
            values = self._values.get((key, higher))
            if not values:
                continue
            if not items or items in values or any(
                    items <= other for other in itertools.islice(values, self.LIMIT)):
                return True
        return False

    def more_at(self, key: Any, rank: int, data: dict[str, str]) -> bool:
        """Whether another event of `key` told at `rank` shows every value of `data` and more
        (a title naming an event with its alert, a sentence naming it without)."""
        items = frozenset(data.items())
        values = self._values.get((key, rank), {})
        return any(items < other for other in itertools.islice(values, self.LIMIT))


#: How much of an event the input shows: only its provider and id, its message without a
#: time, or a record of it with its time (`_told`).
_NAMED, _MESSAGE, _WHOLE = 0, 1, 2


def _told(event: Event) -> int:
    """How much of an event the input shows: its time (a record, its XML), its message
    without a time (a quote, or a record cut before or without its date), or its name."""
    if event.time:
        return _WHOLE
    if event.shape == "mention" or not _message_shown(event):
        return _NAMED
    return _MESSAGE


def _message_shown(event: Event) -> bool:
    """Whether the input showed the event's message (a record without one holds what the
    event means, from the catalog: `records.build_event`)."""
    definition = event_knowledge().get(event.provider, event.event_id)
    return bool(event.message.strip()) and (
        definition is None or not event.message.startswith(definition.summary))


def _lines_of(events: list[Event]) -> set[int]:
    """The input lines the events were read from."""
    return {line for e in events if e.span is not None
            for line in range(e.span.start, e.span.end + 1)}


def _around(lines: list[str], covered: set[int], unparsed: list[UnparsedLine],
            taken: set[int]) -> list[UnparsedLine]:
    """Lines that are neither events nor unparsed already: the text around the events, kept as
    lines of no event (the pipeline looks in them for other evidence and counts the prose)."""
    listed = {u.line for u in unparsed}
    return [UnparsedLine(line=number, text=line.strip()[:300], reason="not an event message")
            for number, line in enumerate(lines, start=1)
            if line.strip() and number not in listed and number - 1 not in taken
            and number not in covered]


def _log(shape: EventShape, events: list[Event], *, problems: list[str] | None = None,
         unparsed: list[UnparsedLine] | None = None, repairs: tuple[Any, ...] = ()) -> EventLog:
    knowledge = event_knowledge()
    kept = [e for e in events if knowledge.relevant(e.provider) or e.codes]
    tally = Tally()
    for e in events:
        tally.add(e.provider, e.event_id, e.time, e.computer, e.level, e.time_at)
    return EventLog(
        shape=shape, events=tuple(events), runs=tuple(group_runs(kept)),
        records_read=len(events), records_skipped=0, problems=tuple(problems or ()),
        unparsed=tuple(unparsed or ()), repairs=repairs, **tally.fields(),
    )
