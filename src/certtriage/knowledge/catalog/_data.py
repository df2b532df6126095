"""The message catalog as data: `data/events.toml` read into events, wordings and suffixes.

A wording is one template of one event as one Windows version (or language) renders it. Its
text keeps Microsoft's notation: `%1`..`%9` insertion strings, `%Name%` named insertion
strings, `%n` line breaks. :func:`pieces` splits it into literal text and slots;
:meth:`Wording.render` fills it in, as Windows would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, NamedTuple

from ..._cache import load_toml

_TOKEN = re.compile(r"%(\d+)|%([A-Z][A-Za-z0-9]*)%|%n")

Piece = tuple[str, str]
"""("text", literal) or ("slot", field name)."""


class Wording(NamedTuple):
    """One template of an event."""

    text: str
    """The template as Microsoft writes it (%1, %Name%, %n)."""
    versions: str
    """Which Windows versions render it (a free label: "7-10 1507", "10 1511+" ...)."""
    fields: tuple[str, ...]
    """Names of %1..%n for this wording."""
    level: str
    """The event's level when this wording is shown."""
    lang: str = "en"
    """Its language."""
    generic: bool = False
    """The same text belongs to several event ids: only an id named next to it decides."""

    def pieces(self) -> list[Piece]:
        """The template as literal text and slots, in order."""
        return pieces(self.text, self.fields)

    def slots(self) -> tuple[str, ...]:
        """The field names this wording shows, in order."""
        return tuple(name for kind, name in self.pieces() if kind == "slot")

    def render(self, values: Mapping[str, str]) -> str:
        """The message as Windows shows it, with `values` in the slots (missing ones empty)."""
        return "".join(value if kind == "text" else values.get(value, "")
                       for kind, value in self.pieces())


class Suffix(NamedTuple):
    """A sentence some builds append to every message of a provider."""

    provider: str
    text: str
    versions: str
    lang: str = "en"

    def as_wording(self) -> Wording:
        """The suffix as a wording (no positional fields)."""
        return Wording(text=self.text, versions=self.versions, fields=(), level="",
                       lang=self.lang)


class EventDef(NamedTuple):
    """One event of the catalog."""

    provider: str
    id: int
    level: str
    """error, warning or information."""
    side: str
    """Who logs it: server, client, either, ca or host."""
    cause: str
    """The cause id it points to (rules may refine it from an alert or a code)."""
    summary: str
    fields: tuple[str, ...]
    wordings: tuple[Wording, ...]
    kinds: Mapping[str, str]
    """Slot kind of each field (hresult, number, word, protocol, host, text, errortext)."""

    @property
    def templates(self) -> tuple[str, ...]:
        """Every wording's text."""
        return tuple(w.text for w in self.wordings)

    def kind(self, name: str) -> str:
        """The slot kind of field `name` (text when the catalog does not say)."""
        return self.kinds.get(name, "text")

    def render(self, values: Mapping[str, str], wording: int = -1) -> str:
        """The message with `values`, in one wording (the newest by default)."""
        return self.wordings[wording].render(values)


def pieces(template: str, fields: tuple[str, ...]) -> list[Piece]:
    """Split a template into literal text and named slots; %n becomes a line break."""
    out: list[Piece] = []
    literal = ""
    position = 0
    for m in _TOKEN.finditer(template):
        literal += template[position:m.start()]
        position = m.end()
        if m.group(0) == "%n":
            literal += "\n"
            continue
        name = m.group(2) or _positional(fields, int(m.group(1)))
        if literal:
            out.append(("text", literal))
            literal = ""
        out.append(("slot", name))
    literal += template[position:]
    if literal:
        out.append(("text", literal))
    return out


def _positional(fields: tuple[str, ...], number: int) -> str:
    return fields[number - 1] if 0 < number <= len(fields) else f"param{number}"


class CatalogData(NamedTuple):
    """Everything `events.toml` holds."""

    events: tuple[EventDef, ...]
    suffixes: tuple[Suffix, ...]
    alerts: dict[int, str]
    provider_names: dict[str, str]
    """Spelling (lower case) -> the provider's name."""
    relevant: frozenset[str]
    capi2_run_ids: frozenset[int]
    unrelated: frozenset[tuple[str, int]] = frozenset()
    """(provider, id) of relevant providers' events that are not about certificates."""


def load() -> CatalogData:
    """Read and check `data/events.toml`."""
    path = resources.files("certtriage.knowledge") / "data" / "events.toml"
    data = load_toml(path.read_bytes(), "events")
    kinds: dict[str, str] = data["slots"]
    events = tuple(e for row in data["event"] for e in _events(row, kinds))
    names = {spelling: name for name, spellings in data["providers"].items()
             for spelling in [name.lower(), *spellings]}
    return CatalogData(
        events=events,
        suffixes=tuple(Suffix(**row) for row in data.get("suffix", [])),
        alerts={int(k): v for k, v in data["alerts"].items()},
        provider_names=names,
        relevant=frozenset(data["relevant"]["providers"]),
        capi2_run_ids=frozenset(data["relevant"]["capi2_run_ids"]),
        unrelated=frozenset((provider, int(i)) for provider, ids in
                            data["relevant"].get("unrelated", {}).items() for i in ids),
    )


def _events(row: dict[str, Any], kinds: dict[str, str]) -> Iterator[EventDef]:
    """One entry of the table; a crypt32 entry with a `vista_id` is also its CAPI2 event."""
    fields = tuple(row["fields"])
    level = str(row["level"])
    wordings = tuple(
        Wording(text=w["text"], versions=w["versions"], lang=w.get("lang", "en"),
                fields=tuple(w.get("fields", fields)), level=w.get("level", level),
                generic=w.get("generic", False))
        for w in row["wording"])
    common: dict[str, Any] = {
        "level": level, "side": row["side"], "cause": row["cause"], "summary": row["summary"],
        "fields": fields, "wordings": wordings, "kinds": {**kinds, **row.get("slots", {})},
    }
    yield EventDef(provider=row["provider"], id=int(row["id"]), **common)
    if "vista_id" in row:
        yield EventDef(provider="Microsoft-Windows-CAPI2", id=int(row["vista_id"]), **common)
