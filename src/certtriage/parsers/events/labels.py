"""Label/value records (`Log Name:`, `Source:`, `Event ID:` ... `Description:`) from the Lark
tree of `grammars/events.lark` -> one dict per record.

The four shapes (Event Viewer copy, Windows 2003 text, wevtutil text, Format-List) share the
grammar; a record boundary is a repeated label, decided here. Labels dressed by a ticket
(`**Event ID:** 36877`, `- Source: Schannel`, `Level: Warning\\`) are undressed first, by
:func:`undress`, so the grammar sees plain labels.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree

from .model import EventShape

#: Labels that open a record in each label/value shape.
_RECORD_START = {"Log Name", "Event Type", "TimeCreated", "Event Source"}
ALIASES = {
    "Source": "provider", "Event Source": "provider", "ProviderName": "provider",
    "Event ID": "event_id", "Id": "event_id", "EventID": "event_id",
    "Level": "level", "Event Type": "level", "LevelDisplayName": "level",
    "Date": "date", "Time": "time_of_day", "TimeCreated": "date",
    "Computer": "computer", "MachineName": "computer",
    "Log Name": "channel", "LogName": "channel",
    "RecordId": "record_id", "Message": "message", "Description": "message",
}
_LABELS = ("Log Name|Source|Date|Event ID|Task Category|Level|Keywords|User|Computer|"
           "Description|Event Type|Event Source|Event Category|Time|Task|Opcode|Keyword|"
           "User Name|TimeCreated|ProviderName|Id|Message|LevelDisplayName|MachineName|"
           "LogName|RecordId")
_DRESSED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>" + _LABELS + r")\s*(?:\*\*|__)?\s*:"
    r"\s*(?:\*\*|__)?\s*(?P<value>.*?)\s*(?:\\|\s{2,})?\s*$")
_MARKUP = re.compile(r"\*\*|__|\\\s*$|^\s*[-*+]\s")


def undress(line: str) -> str:
    """A label line without Markdown around it; other lines as they are, less a trailing
    backslash (a Markdown line break)."""
    if not _MARKUP.search(line):
        return line
    m = _DRESSED.match(line)
    if m:
        return f"{m['label']}: {m['value']}"
    stripped = line.rstrip()
    return stripped[:-1] if stripped.endswith("\\") else line


class RecordBuilder:
    """Walks the grammar's items and collects records: `fields`, `message`, `xml`, lines."""

    def __init__(self, origin: list[int]) -> None:
        self.origin = origin
        self.records: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.shape: EventShape = "copy-details"

    def line(self, token: Token) -> int:
        """The input line of a token."""
        return self.origin[(token.line or 1) - 1]

    def item(self, tree: Tree[Token]) -> None:
        """One item of the tree."""
        tokens = [t for t in tree.children if isinstance(t, Token)]
        kind = str(tree.data)
        if kind == "record_index":
            self.shape = "wevtutil-text"
            self._new(self.line(tokens[0]))
        elif kind == "field":
            self._field(tokens)
        elif kind in ("description", "xml_block"):
            record = self._record(self.line(tokens[0]))
            key = "message" if kind == "description" else "xml"
            record[key] = "\n".join(t.rstrip("\n") for t in tokens[1:])
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
        if label in ("Message", "Description"):  # Format-List wraps the message below it
            record["fields"][label] = "\n".join([value, *(t.strip() for t in tokens[1:])]).strip()
            record["end"] = self.line(tokens[-1])
        else:  # text below another label is not its value (a message after bold labels)
            record["fields"][label] = value
            record["end"] = line
        record["shape"] = self.shape
