"""Event exports as text -> :class:`EventLog`: every text shape, XML, CSV and tab-separated.

* label/value shapes and message-only pastes: the Lark grammar `grammars/events.lark`;
* XML (`<Event>`, `<Events>`, the friendly view with `- ` markers): defusedxml, so hostile
  XML cannot expand entities or reach out;
* CSV / tab-separated "Save as" exports: the csv module.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from lark import Token, Tree

from ...errors import RefusedInput
from ...grammars import EVENTS
from ...knowledge.catalog import event_knowledge
from ...models.common import Span, UnparsedLine
from ...text.normalize import normalize
from ...text.xml import read_xml
from .._lark import get_parser
from .capi2 import group_runs
from .model import Event, EventLog, EventShape
from .records import build_event, event_from_node

#: Labels that open a record in each label/value shape.
_RECORD_START = {"Log Name", "Event Type", "TimeCreated", "Event Source"}
_ALIASES = {
    "Source": "provider", "Event Source": "provider", "ProviderName": "provider",
    "Event ID": "event_id", "Id": "event_id",
    "Level": "level", "Event Type": "level", "LevelDisplayName": "level",
    "Date": "date", "Time": "time_of_day", "TimeCreated": "date",
    "Computer": "computer", "MachineName": "computer",
    "Log Name": "channel", "LogName": "channel",
    "RecordId": "record_id", "Message": "message", "Description": "message",
}
_LEVEL_WORDS = {"error": "error", "warning": "warning", "information": "information",
                "informational": "information", "critical": "critical", "verbose": "verbose",
                "audit success": "information", "audit failure": "error"}
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
    return _from_lines(text)


# ---- XML ------------------------------------------------------------------------------------
def _xml_events(xml: str, shape: EventShape, span: Span | None = None,
                message: str = "") -> tuple[list[Event], list[str]]:
    friendly = bool(_FRIENDLY.search(xml))
    if friendly:
        xml = _FRIENDLY.sub(r"\1", xml)
    if "<Events" not in xml and xml.count("<Event ") + xml.count("<Event>") > 1:
        xml = f"<Events>{xml}</Events>"
    try:
        reading = read_xml(xml)
    except RefusedInput as exc:
        return [], [f"XML could not be read: {exc.problem[:120]}"]
    if reading.error_line is not None:
        where = f"line {reading.error_line}, column {reading.error_column}"
        return [], [f"XML could not be read: ParseError: {reading.error}: {where}"[:160]]
    node = reading.root
    nodes = [node] if node.name == "Event" else node.findall("Event")
    shape = "friendly-xml" if friendly and shape == "xml" else shape
    events = [e for n in nodes if (e := event_from_node(n, shape, span, message)) is not None]
    return events, []


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
        events.append(build_event(
            provider=source, event_id=int(event_id), message=message.strip(), data={},
            shape=shape, level=_LEVEL_WORDS.get(level.lower()), time=when,
            span=Span(start=row_number, end=row_number)))
    return _log(shape, events, problems=problems)


# ---- label/value shapes and message-only text --------------------------------------------------
def _from_lines(text: str) -> EventLog:
    norm = normalize(text)
    tree = get_parser(EVENTS).parse(norm.text)
    builder = _RecordBuilder(norm.origin)
    for item in tree.children:
        assert isinstance(item, Tree)
        builder.item(item)
    events = builder.finish()
    shape = events[0].shape if events else "message-only"
    return _log(shape, events, unparsed=builder.unparsed, repairs=tuple(norm.repairs))


class _RecordBuilder:
    def __init__(self, origin: list[int]) -> None:
        self.origin = origin
        self.records: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.unparsed: list[UnparsedLine] = []
        self.shape: EventShape = "copy-details"
        self.loose: list[tuple[int, str]] = []

    def line(self, token: Token) -> int:
        return self.origin[(token.line or 1) - 1]

    def item(self, tree: Tree[Token]) -> None:
        tokens = [t for t in tree.children if isinstance(t, Token)]
        kind = str(tree.data)
        if kind == "lead":
            self.loose.extend((self.line(t), t.rstrip("\n")) for t in tokens)
        elif kind == "record_index":
            self.shape = "wevtutil-text"
            self._new(self.line(tokens[0]))
        elif kind == "field":
            self._field(tokens)
        elif kind == "description":
            record = self._record(self.line(tokens[0]))
            record["message"] = "\n".join(t.rstrip("\n") for t in tokens[1:])
            record["end"] = self.line(tokens[-1])
        elif kind == "xml_block":
            record = self._record(self.line(tokens[0]))
            record["xml"] = "\n".join(t.rstrip("\n") for t in tokens[1:])
            record["end"] = self.line(tokens[-1])

    def _new(self, line: int) -> dict[str, Any]:
        self.current = {"fields": {}, "start": line, "end": line, "shape": self.shape}
        self.records.append(self.current)
        return self.current

    def _record(self, line: int) -> dict[str, Any]:
        return self.current if self.current is not None else self._new(line)

    def _field(self, tokens: list[Token]) -> None:
        label, _, value = tokens[0].rstrip("\n").partition(":")
        label, value = label.strip(), value.strip()
        padded = tokens[0].split(":", 1)[0] != label and " :" in tokens[0]
        if label in ("TimeCreated", "ProviderName") or (padded and label == "Id"):
            self.shape = "format-list"
        elif label in ("Event Type", "Event Source", "Event Category"):
            self.shape = "legacy-text"
        line = self.line(tokens[0])
        record = self.current
        if (record is None or label in record["fields"]
                or (label in _RECORD_START and record["fields"]
                    and not (label == "Event Source" and "Event Type" in record["fields"]))):
            record = self._new(line)
        continuation = [t.strip() for t in tokens[1:]]
        record["fields"][label] = " ".join([value, *continuation]).strip() if label not in (
            "Message", "Description") else "\n".join([value, *continuation]).strip()
        record["end"] = self.line(tokens[-1])
        record["shape"] = self.shape

    def finish(self) -> list[Event]:
        events: list[Event] = []
        events.extend(_loose_messages(self.loose, self.unparsed))
        for record in self.records:
            event = self._event(record)
            if event is not None:
                events.append(event)
        return events

    def _event(self, record: dict[str, Any]) -> Event | None:
        fields = {(_ALIASES.get(k) or k): v for k, v in record["fields"].items()}
        message = record.get("message") or fields.get("message") or ""
        span = Span(start=record["start"], end=record["end"])
        if record.get("xml"):
            found, problems = _xml_events(record["xml"], record["shape"], span, message)
            if found:
                return found[0]
        event_id = fields.get("event_id", "")
        provider = fields.get("provider")
        if not provider or not event_id.strip().isdigit():
            self.unparsed.append(UnparsedLine(line=record["start"], text=str(fields)[:300],
                                              reason="event record without source and id"))
            return None
        when = " ".join(x for x in (fields.get("date"), fields.get("time_of_day")) if x)
        level = (fields.get("level") or "").strip().lower()
        return build_event(
            provider=provider, event_id=int(event_id), message=message.strip(), data={},
            shape=record["shape"], level=_LEVEL_WORDS.get(level, level or None),
            time=when or None, computer=fields.get("computer") or None,
            channel=fields.get("channel"), span=span,
            record_id=int(fields["record_id"]) if fields.get("record_id", "").isdigit()
            else None,
        )


def _loose_messages(lines: list[tuple[int, str]], unparsed: list[UnparsedLine]) -> list[Event]:
    """Messages pasted alone: each line that starts a known template starts an event."""
    knowledge = event_knowledge()
    events: list[Event] = []
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        if not pending:
            return
        text = " ".join(t for _, t in pending)
        found = knowledge.recognize(text)
        if found is None:
            unparsed.extend(UnparsedLine(line=n, text=t[:300], reason="not an event message")
                            for n, t in pending)
        else:
            definition, values = found
            events.append(build_event(
                provider=definition.provider, event_id=definition.id, message=text,
                data=dict(values), shape="message-only",
                span=Span(start=pending[0][0], end=pending[-1][0])))
        pending.clear()

    for number, text in lines:
        if knowledge.recognize(text) is not None:
            flush()
        pending.append((number, text))
    flush()
    return events


def _log(shape: EventShape, events: list[Event], *, problems: list[str] | None = None,
         unparsed: list[UnparsedLine] | None = None, repairs: tuple[Any, ...] = ()) -> EventLog:
    knowledge = event_knowledge()
    kept = [e for e in events if knowledge.relevant(e.provider) or e.codes]
    return EventLog(
        shape=shape, events=tuple(events), runs=tuple(group_runs(kept)),
        records_read=len(events), records_skipped=0, problems=tuple(problems or ()),
        unparsed=tuple(unparsed or ()), repairs=repairs,
    )
