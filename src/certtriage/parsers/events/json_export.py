"""Events exported as JSON -> :class:`Event`, whatever tool wrote them.

Tickets bring events as JSON from many tools, each with its own names for the same fields:
PowerShell's `ConvertTo-Json` of `Get-WinEvent` (`ProviderName`, `Id`, `Properties`) or of
`Get-EventLog` (`Source`, `EventID`, `ReplacementStrings`), the Rust `evtx` tools' dump
(`Event.System.Provider.#attributes.Name`), Winlogbeat and Elastic (`winlog.provider_name`,
`winlog.event_data`, `event.code`), Log Analytics / Sentinel rows (`Source`, `EventID`,
`RenderedDescription`, `EventData` as XML), Splunk (`SourceName`, `EventCode`), Velociraptor
(`System.EventID.Value`) and snake-case conversions (`system.provider`, `user_data`).

So a record is read by what its keys mean, not by which tool wrote it: keys are compared
without case, `_`, `-`, `@` or `#`, and a nested key is also known by its parent's name
(`host.name` -> `hostname`, `event.code` -> `eventcode`). A record is any object with a provider
and an event id. JSON values are found anywhere in a text (after a sentence, several in a row,
one per line), and a value cut short is read up to its last whole member.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ...errors import RefusedInput
from ...knowledge.catalog import canonical_provider, event_knowledge
from ...models.common import Span
from ...text.xml import Node, read_xml
from . import JSON_ID_KEY
from .event import Event
from .records import MAX_VALUE, build_event, capi2_by_content, capi2_detail, data_of

_OPENING = re.compile(r"^[ \t]*([\[{])", re.MULTILINE)
#: The line the Rust `evtx` tools print over each record of a dump.
_DUMP_HEADER = re.compile(r"[ \t]*Record \d+[ \t]*\r?\n[ \t]*$")
_SEPARATORS = re.compile(r"[^0-9a-z]")
#: Records read from one text, and how deep a record or its System part may lie in a value.
MAX_RECORDS = 20000
MAX_DEPTH = 8
#: Brackets a value cut short may leave open: no event export nests deeper.
MAX_NESTING = 64
#: Keys holding an event's own values, not its System part.
_DATA_KEYS = {"eventdata", "userdata", "properties", "replacementstrings", "insertionstrings"}
#: Where each field is looked for, in order (keys as `_key` leaves them).
_PROVIDER = ("providername", "provider", "eventsourcename", "sourcename", "source")
_EVENT_ID = ("eventid", "eventcode", "eventidentifier")
_TIME = ("systemtime", "timecreated", "timegenerated", "timestamp", "eventtime", "timewritten",
         "time")
_COMPUTER = ("computer", "computername", "machinename", "hostname", "host")
_CHANNEL = ("channel", "logname", "eventlog")
_RECORD_ID = ("eventrecordid", "recordid", "recordnumber")
_MESSAGE = ("message", "rendereddescription", "renderedmessage", "formattedmessage")
_LEVELS = {1: "critical", 2: "error", 3: "warning", 4: "information", 5: "verbose",
           0: "information"}
#: `Get-EventLog`'s EntryType as `ConvertTo-Json` writes the enum.
_ENTRY_TYPES = {1: "error", 2: "warning", 4: "information", 8: "information", 16: "error"}
_LEVEL_WORDS = {"critical": "critical", "error": "error", "err": "error", "warning": "warning",
                "warn": "warning", "information": "information", "info": "information",
                "informational": "information", "verbose": "verbose",
                "failureaudit": "error", "successaudit": "information"}
#: Keys beside which a bare `Id` is an event id: those of PowerShell's event records.
_POWERSHELL = frozenset(("providername", "logname", "machinename", "timecreated",
                         "leveldisplayname"))
_DOTNET_DATE = re.compile(r"^/?Date\((-?\d+)([+-]\d{4})?\)/?$")


def holds_records(text: str) -> bool:
    """Whether `text` may hold JSON event records (cheap: a key naming an event id)."""
    return JSON_ID_KEY.search(text) is not None


def has_records(text: str) -> bool:
    """Whether a JSON value in `text` holds an event record."""
    return any(next(_records(value), None) is not None for _, _, value, _ in _values(text))


def events_in(text: str) -> tuple[list[Event], list[tuple[int, int]], list[str]]:
    """The events of the JSON values in `text`, the lines (0-based, inclusive) each value that
    held records takes, and what could not be read."""
    events: list[Event] = []
    taken: list[tuple[int, int]] = []
    problems: list[str] = []
    dropped = 0
    for start, end, value, cut in _values(text):
        first, last = text.count("\n", 0, start), text.count("\n", 0, max(start, end - 1))
        span = Span(start=first + 1, end=last + 1)
        found = 0
        for fields in _records(value):
            found += 1
            if len(events) >= MAX_RECORDS:
                dropped += 1
                continue
            event = _event(fields, span)
            if event is not None:
                events.append(event)
        if found:
            above = text.rfind("\n", 0, max(start - 1, 0)) + 1
            if first and _DUMP_HEADER.match(text, above, start):
                first -= 1  # the evtx tools' line over each record: part of the dump
            taken.append((first, last))
            if cut:
                problems.append(f"line {last + 1}: the JSON is cut short; read as far as it goes")
    if dropped:
        problems.append(f"{dropped} more JSON records past the limit of {MAX_RECORDS:,} were "
                        "not read")
    return events, taken, problems


# ---- JSON values in a text -------------------------------------------------------------------
def _values(text: str) -> Iterator[tuple[int, int, Any, bool]]:
    """Each JSON object or array that starts a line: (start, end, value, whether it was cut
    short and closed here)."""
    decoder = json.JSONDecoder()
    at = 0
    while (found := _OPENING.search(text, at)) is not None:
        start = found.start(1)
        try:
            value, end = decoder.raw_decode(text, start)
            cut = False
        except (ValueError, RecursionError):
            value, end = _closed(text, start)
            cut = True
        if value is None or not isinstance(value, dict | list):
            # past what was read, so a long run of JSON-like text is read once, not per line
            at = max(_line_end(text, start), end)
            continue
        yield start, end, value, cut
        at = end


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end + 1


_CLOSER = {"{": "}", "[": "]"}
#: What may stand outside a string in JSON (beside the brackets, commas and colons).
_SCALAR = frozenset("0123456789-+.eEtruefalsn \t\r\n")


def _closed(text: str, start: int) -> tuple[Any, int]:
    """A value cut short (a paste that ends, or prose after it), read up to its last whole
    member and closed: (value, where the text read ends), or (None, where the reading stopped)
    when there is nothing whole in it. A character no JSON holds outside a string ends it, and
    so does nesting deeper than any export's (`MAX_NESTING`)."""
    # the open brackets as a chain of (bracket, the ones below it): a whole member's point
    # keeps the chain as it was then, whatever is opened and closed after it, at no cost
    opened: tuple[str, Any] | None = None
    depth = 0
    safe: tuple[int, tuple[str, Any] | None] | None = None  # after the last whole member
    in_string = escaped = False
    index = start
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            elif char == "\n":  # a string never spans lines: the value was broken here
                break
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            if depth >= MAX_NESTING:
                break
            opened, depth = (char, opened), depth + 1
            safe = (index + 1, opened)
        elif char in "}]":
            if opened is None or _CLOSER[opened[0]] != char:
                break
            opened, depth = opened[1], depth - 1
            if opened is None:
                break  # whole: raw_decode refused it for another reason
            safe = (index + 1, opened)
        elif char == ",":
            safe = (index, opened)
        elif char not in _SCALAR and char != ":":
            break
    if safe is None:
        return None, index
    end, chain = safe[0], safe[1]
    closers = ""
    while chain is not None:
        closers += _CLOSER[chain[0]]
        chain = chain[1]
    body = text[start:end].rstrip().rstrip(",")
    try:
        return json.loads(body + closers), max(end, index)
    except (ValueError, RecursionError):
        return None, index


# ---- records ---------------------------------------------------------------------------------
def _records(value: Any) -> Iterator[_Fields]:
    """The fields of the objects in `value` with a provider and an event id (in a list, under
    `hits`, `result`, `_source`, any key), breadth first."""
    pending: deque[tuple[Any, int]] = deque([(value, 0)])
    while pending:
        item, depth = pending.popleft()
        if isinstance(item, dict):
            fields = _fields(item)
            if fields is not None:
                yield fields
                continue
            children = item.values()
        elif isinstance(item, list):
            children = item  # type: ignore[assignment]
        else:
            continue
        if depth < MAX_DEPTH:
            pending.extend((child, depth + 1) for child in children
                           if isinstance(child, dict | list))


def _key(name: str) -> str:
    return _SEPARATORS.sub("", name.casefold())


class _Fields:
    """A record's scalar values by key (and by parent and key), its data containers, and its
    top-level keys."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.top: dict[str, Any] = {}
        self.data: dict[str, Any] = {}
        self.provider: str | None = None
        self.event_id: int | None = None

    def first(self, names: tuple[str, ...]) -> Any:
        for name in names:
            value = self.values.get(name)
            if value not in (None, ""):
                return value
        return None


def _fields(record: dict[str, Any]) -> _Fields | None:
    """The fields of a record, or None when it names no provider or no event id (and holds
    no CAPI2 element)."""
    fields = _Fields()
    pending: deque[tuple[dict[str, Any], str, int]] = deque([(record, "", 0)])
    while pending:
        node, parent, depth = pending.popleft()
        for name, value in node.items():
            key = _key(name)
            if key in _DATA_KEYS:
                fields.data.setdefault(key, value)
                continue
            if isinstance(value, dict):
                if depth >= 3:
                    continue
                element = key.removesuffix("attributes") or parent
                scalar = _text_of(value)
                if scalar is not None:
                    fields.values.setdefault(element, scalar)
                pending.append((value, element, depth + 1))
                continue
            if isinstance(value, list) or value is None:
                continue
            if depth == 0:
                fields.top.setdefault(key, value)
            fields.values.setdefault(key, value)
            if parent:
                fields.values.setdefault(parent + key, value)
    provider = fields.first(_PROVIDER)
    event_id = _number(fields.first(_EVENT_ID))
    if event_id is None and _POWERSHELL.intersection(fields.top):
        event_id = _number(fields.top.get("id"))  # `Id` alone is too common a key
    if event_id is None and (instance := _number(fields.top.get("instanceid"))) is not None:
        event_id = instance & 0xFFFF
    if isinstance(provider, str) and event_id is not None:
        fields.provider, fields.event_id = provider, event_id
        return fields
    if isinstance(fields.data.get("userdata"), dict):
        return fields  # perhaps a CAPI2 event known by its element
    return None


def _text_of(value: dict[str, Any]) -> Any:
    """The value of an element written as an object (`{"#text": 36887, "#attributes": ...}`,
    `{"Value": 36887}`)."""
    for name, item in value.items():
        if _key(name) in ("text", "value") and not isinstance(item, dict | list):
            return item
    return None


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _event(fields: _Fields, span: Span) -> Event | None:
    node = Node("Event", children=_data_nodes(fields))
    provider, event_id = fields.provider, fields.event_id
    if provider is None or event_id is None:
        provider, event_id = capi2_by_content(node)
        if provider is None or event_id is None:
            return None
    data = data_of(node)
    data.update(_positional(fields, provider, event_id, data))
    message = fields.first(_MESSAGE)
    return build_event(
        provider=provider, event_id=event_id & 0xFFFF, message=str(message or "").strip(),
        data=data, shape="json", span=span, level=_level(fields), time=_time(fields),
        computer=_text(fields.first(_COMPUTER)), channel=_text(fields.first(_CHANNEL)),
        record_id=_number(fields.first(_RECORD_ID) or fields.top.get("index")),
        capi2=capi2_detail(node)
        if canonical_provider(provider) == "Microsoft-Windows-CAPI2" else None,
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _data_nodes(fields: _Fields) -> list[Node]:
    """EventData and UserData as the XML reader's tree (`records.data_of` and the CAPI2
    reader take it from there)."""
    nodes = []
    event_data = fields.data.get("eventdata")
    if isinstance(event_data, str):
        nodes.extend(_xml_data(event_data))
    elif event_data is not None:
        nodes.append(_node("EventData", event_data))
    user_data = fields.data.get("userdata")
    if isinstance(user_data, dict):
        nodes.append(_node("UserData", user_data))
    return nodes


def _node(name: str, value: Any, depth: int = 0) -> Node:
    """A JSON value as an element: an object's scalar members are both its attributes and
    leaf children (a tool writes an XML attribute as either), `#attributes` / `@name` /
    `name_attributes` members are attributes, `#text` its text, a list repeats the element."""
    node = Node(name)
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            node.text = " ".join(str(v) for v in value if v not in ("", None)) or None
        return node
    if not isinstance(value, dict):
        node.text = None if value is None else str(value)[:MAX_VALUE]
        return node
    for key, item in value.items():
        bare = key.lstrip("@#")
        if key == "#text" and not isinstance(item, dict | list):
            node.text = None if item is None else str(item)[:MAX_VALUE]
        elif key in ("Value", "value") and not isinstance(item, dict | list):
            # an element's value (`{"Value": 36887}`) or an attribute (`Result value=...`)
            node.attrs["value"] = str(item)[:MAX_VALUE]
            if node.text is None and item is not None:
                node.text = str(item)[:MAX_VALUE]
        elif key == "#attributes" or key.endswith("_attributes"):
            if isinstance(item, dict):
                node.attrs.update({k: str(v) for k, v in item.items()})
        elif key.startswith("@"):
            node.attrs[bare] = str(item)
        elif depth >= MAX_DEPTH * 4:
            continue
        elif isinstance(item, list) and any(isinstance(v, dict) for v in item):
            node.children.extend(_node(_element(bare), v, depth + 1) for v in item)
        else:
            if not isinstance(item, dict | list) and item is not None:
                node.attrs.setdefault(bare, str(item)[:MAX_VALUE])
            node.children.append(_node(_element(bare), item, depth + 1))
    return node


_REPEAT = re.compile(r"(.+?)_\d+")


def _element(key: str) -> str:
    """A repeated element's name without its count (`Certificate_1`)."""
    found = _REPEAT.fullmatch(key)
    return found[1] if found else key


def _xml_data(text: str) -> list[Node]:
    """An `EventData` column that holds the XML (Log Analytics writes it as a `DataItem`)."""
    try:
        reading = read_xml(text)
    except RefusedInput:
        return []
    root = reading.root
    found = root if root.name == "EventData" else root.find("EventData")
    return [found] if found is not None else []


def _positional(fields: _Fields, provider: str, event_id: int,
                data: dict[str, str]) -> dict[str, str]:
    """`Properties` ([{"Value": ...}]) and `ReplacementStrings` (a list) hold the event's values
    in the order of its template: named by the catalog's fields where it knows the event."""
    values = fields.data.get("properties") or fields.data.get("replacementstrings") or \
        fields.data.get("insertionstrings")
    if not isinstance(values, list) or data:
        return {}
    definition = event_knowledge().get(provider, event_id & 0xFFFF)
    names = definition.fields if definition is not None else ()
    out: dict[str, str] = {}
    for index, item in enumerate(values):
        if isinstance(item, dict):
            item = _text_of(item)
        if item is None or isinstance(item, dict | list):
            continue
        name = names[index] if index < len(names) else f"param{index + 1}"
        out[name] = str(item)[:MAX_VALUE]
    return out


def _level(fields: _Fields) -> str | None:
    level = fields.values.get("level")
    if isinstance(level, str) and not level.strip().isdigit():
        return _LEVEL_WORDS.get(_key(level))
    number = _number(level)
    if number is not None:
        return _LEVELS.get(number)
    for key in ("leveldisplayname", "eventlevelname", "loglevel", "entrytype", "type"):
        word = fields.values.get(key) if key != "type" else fields.top.get(key)
        if isinstance(word, str):
            found = _LEVEL_WORDS.get(_key(word))
            if found:
                return found
        elif key == "entrytype" and (number := _number(word)) is not None:
            return _ENTRY_TYPES.get(number)
    return None


def _time(fields: _Fields) -> str | None:
    """The record's time as ISO text: PowerShell 5's `/Date(ms)/`, seconds since 1970 (a
    float), or text as written."""
    value = fields.first(_TIME)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value if value < 1e11 else value / 1000)
    if not isinstance(value, str):
        return None
    found = _DOTNET_DATE.match(value.strip())
    if found:
        return _from_epoch(int(found[1]) / 1000)
    return value.strip() or None


def _from_epoch(seconds: float) -> str | None:
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (OverflowError, OSError, ValueError):
        return None
