"""Label/value records (`Log Name:`, `Source:`, `Event ID:` ... `Description:`) from the Lark
tree of `grammars/events.lark` -> one dict per record.

The four shapes (Event Viewer copy, Windows 2003 text, wevtutil text, Format-List) share the
grammar; a record boundary is a repeated label, decided here. Labels dressed by a ticket
(`**Event ID:** 36877`, `- Source: Schannel`, `Level: Warning\\`) are undressed first, by
:func:`undress`, so the grammar sees plain labels.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from ...knowledge.l10n import event_labels
from .event import EventShape

if TYPE_CHECKING:  # lark is loaded when an event text is parsed, not to read these tables
    from lark import Token, Tree

#: Labels that open a record in each label/value shape.
_RECORD_START = {"Log Name", "Event Type", "TimeCreated", "Event Source"}
_ID_LABELS = ("Event ID", "Id", "EventID")
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
#: The labels the grammar reads, by their case-folded text.
_LABEL_NAMES = {label.casefold(): label for label in _LABELS.split("|")}
_DRESSED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>" + _LABELS + r")\s*(?:\*\*|__)?\s*:"
    r"\s*(?:\*\*|__)?\s*(?P<value>.*?)\s*(?:\\|\s{2,})?\s*$")
_MARKUP = re.compile(r"\*\*|__|\\\s*$|^\s*[-*+]\s")
#: A label and its value, the label short and the colon ASCII or full-width, spaced or not.
_LABELLED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?(?P<label>[^:\uff1a\n*_]{1,40}?)[ \t\u3000]*(?:\*\*|__)?"
    r"[ \t\u3000]*[:\uff1a][ \t\u3000]*(?:\*\*|__)?[ \t\u3000]*(?P<value>.*)$")


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


@functools.cache
def _id_labels() -> re.Pattern[str]:
    names = sorted((text for text, english in event_labels().items() if english == "Event ID"),
                   key=len, reverse=True)
    spaced = (r"\s+".join(map(re.escape, name.split())) for name in names)
    # a label line, a row of a two-column table (`| Event ID | 36887 |`, `Event ID: | 48 |`),
    # or the label alone with the id on the next line
    return re.compile(r"^\s*(?:\|\s*)?(?:[-*+]\s+)?(?:\*\*|__)?(?:" + "|".join(spaced) +
                      r")[ \t\u3000]*(?:\*\*|__)?[ \t\u3000]*(?:(?:[:\uff1a](?:[ \t]*\|)?|\|)"
                      r"[^\n\d]{0,8}\d{1,5}\b|\r?\n[ \t]*\d{1,5}[ \t]*$)",
                      re.IGNORECASE | re.MULTILINE)


def names_an_event_id(text: str) -> bool:
    """Whether a line of `text` is an event id under a label of another language or tool."""
    return _id_labels().search(text) is not None


def translate(line: str) -> str:
    """A label line of another language or tool (`Ereignis-ID: 36887`, `**Event Code:** 36888`)
    with the English label the grammar reads, undressed; other lines as they are."""
    m = _LABELLED.match(line)
    if m is None:
        return line
    english = event_labels().get(" ".join(m["label"].split()).casefold())
    return line if english is None else f"{english}: {m['value']}"


#: A short label that names XML, with nothing after it: Event Viewer's copy puts the event's
#: XML under such a label in every language ("Event Xml:", "Ereignis-XML:", "XML de
#: l'événement :"), so it is known by the word all of them keep and the XML that follows it.
_XML_LABEL = re.compile(r"^\s*(?:\*\*|__)?[^:\uff1a<>\n]{0,30}\bXML\b[^:\uff1a<>\n]{0,30}"
                        r"[:\uff1a]\s*(?:\*\*|__)?\s*$", re.IGNORECASE)


def translate_lines(lines: list[str], taken: set[int]) -> list[str]:
    """Every line but those `taken` (blank) through :func:`translate` and :func:`undress`; the
    label of an event's XML in any language as the grammar's `Event Xml:` when the next line
    with text opens the XML."""
    out = []
    for i, line in enumerate(lines):
        if i in taken:
            out.append("")
        elif names_xml(line) and _opens_xml(lines, i + 1):
            out.append("Event Xml:")
        else:
            out.append(undress(translate(line)))
    return out


def unpiped(line: str) -> str:
    """A row of a two-column table whose first cell is a label (`| Event ID: | 36885 |`,
    `Source | Schannel |`, in any language) as `Label: value`; other lines as they are."""
    if "|" not in line:
        return line
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 2 or not all(cells):
        return line
    english = _english_label(cells[0])
    return f"{english}: {cells[1]}" if english else line


def _english_label(text: str) -> str | None:
    """The label the grammar reads for a label's text (in any language), or None."""
    label = " ".join(text.rstrip(":\uff1a").strip().strip("*_").split()).casefold()
    if not label:
        return None
    return _LABEL_NAMES.get(label) or event_labels().get(label)


#: The labels whose value may run over several lines below them (the grammar reads those).
_BLOCK_LABELS = frozenset({"Description", "Message"})


def paired(lines: list[str]) -> list[str]:
    """Labels and values on lines of their own, one under the other (a record's table copied
    from a web page: `Event ID` / `36887` / `Source` / `Schannel`), as `Label: value` lines,
    the value's line left blank; where at least two such pairs, one of them the event id,
    stand together. Other lines as they are."""
    out = list(lines)
    pairs: list[tuple[int, str]] = []  # (line index, English label) of labels over a value

    def settle() -> None:
        if len(pairs) >= 2 and any(label in _ID_LABELS for _, label in pairs):
            for i, label in pairs:
                out[i], out[i + 1] = f"{label}: {out[i + 1].strip()}", ""
        pairs.clear()

    i = 0
    while i < len(lines) - 1:
        label = _english_label(lines[i]) if len(lines[i].strip()) <= 40 else None
        value = lines[i + 1].strip()
        if (label is not None and label not in _BLOCK_LABELS and value
                and ":" not in lines[i].strip()[:-1] and _english_label(value) is None):
            pairs.append((i, label))
            i += 2
            continue
        if label is None and lines[i].strip():
            settle()
        i += 1
    settle()
    return out


def names_xml(line: str) -> bool:
    """Whether `line` is the label of an event's XML, in any language (`_XML_LABEL`)."""
    return _XML_LABEL.match(line) is not None


def _opens_xml(lines: list[str], start: int) -> bool:
    following = next((ln for ln in lines[start:start + 4] if ln.strip()), "")
    return following.lstrip().startswith("<Event")


def _starts_another(fields: dict[str, str], label: str) -> bool:
    """Whether `label` opens the next record: it repeats one of this record, or it is a label
    that opens records and this one already has its event id (so a WMI `LogFile:` line before
    `Event Type:` stays in the record both open)."""
    return label in fields or (label in _RECORD_START and any(k in fields for k in _ID_LABELS))


def _closed(tokens: list[Token]) -> int:
    """Where an XML block's `</Event>` stands among its tokens (the last one), or its last
    token when the block is cut before it."""
    return next((i for i in range(len(tokens) - 1, 0, -1)
                 if tokens[i].lstrip().startswith("</Event>")), len(tokens) - 1)


class RecordBuilder:
    """Walks the grammar's items and collects records: `fields`, `message`, `xml`, lines."""

    def __init__(self, origin: list[int]) -> None:
        from lark import Token  # loaded by now: an event text is being parsed

        self._token = Token
        self.origin = origin
        self.records: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.shape: EventShape = "copy-details"

    def line(self, token: Token) -> int:
        """The input line of a token."""
        return self.origin[(token.line or 1) - 1]

    def item(self, tree: Tree[Token]) -> None:
        """One item of the tree."""
        tokens = [t for t in tree.children if isinstance(t, self._token)]
        kind = str(tree.data)
        if kind == "record_index":
            self.shape = "wevtutil-text"
            self._new(self.line(tokens[0]))
        elif kind == "field":
            self._field(tokens)
        elif kind in ("description", "xml_block"):
            record = self._record(self.line(tokens[0]))
            key = "message" if kind == "description" else "xml"
            if kind == "xml_block":  # what follows the event's closing tag is no part of it
                tokens = tokens[:_closed(tokens) + 1]
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
        if record is None or _starts_another(record["fields"], label):
            record = self._new(line)
        if label in ("Message", "Description"):  # Format-List wraps the message below it
            record["fields"][label] = "\n".join([value, *(t.strip() for t in tokens[1:])]).strip()
            record["end"] = self.line(tokens[-1])
        else:  # text below another label is not its value (a message after bold labels)
            record["fields"][label] = value
            record["end"] = line
            # ... but it may be the record's message, written without its label
            record["after"] = [(self.line(t), t.strip()) for t in tokens[1:]]
        record["shape"] = self.shape
