"""Event knowledge (data in `data/events.toml`), loaded once: templates, fields, TLS alerts."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class EventDef:
    """One known event: provider, id, level, field names, templates."""

    provider: str
    id: int
    level: str
    fields: tuple[str, ...]
    summary: str
    templates: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    heads: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class EventKnowledge:
    """Lookups over the event table."""

    events: dict[tuple[str, int], EventDef]
    aliases: dict[tuple[str, int], tuple[str, int]]
    alerts: dict[int, str]
    providers: frozenset[str]
    capi2_run_ids: frozenset[int]

    def get(self, provider: str, event_id: int) -> EventDef | None:
        """The definition of an event, following Vista+ / legacy aliases."""
        key = (canonical_provider(provider), event_id)
        return self.events.get(self.aliases.get(key, key))

    def relevant(self, provider: str) -> bool:
        """Whether events of this provider are kept."""
        return canonical_provider(provider) in self.providers

    def recognize(self, message: str) -> tuple[EventDef, dict[str, str]] | None:
        """The event whose template `message` starts with, and its insertion strings."""
        text = " ".join(message.split())
        for attribute in ("patterns", "heads"):  # whole templates first, then first sentences
            for definition in self.events.values():
                for pattern in getattr(definition, attribute):
                    m = pattern.match(text)
                    if m:
                        values = {definition.fields[int(k[1:]) - 1]: v.strip()
                                  for k, v in m.groupdict().items()
                                  if v is not None and int(k[1:]) <= len(definition.fields)}
                        return definition, values
        return None


_PROVIDER_NAMES = {
    "schannel": "Schannel",
    "microsoft-windows-schannel": "Schannel",
    "microsoft-windows-capi2": "Microsoft-Windows-CAPI2",
    "capi2": "Microsoft-Windows-CAPI2",
    "crypt32": "crypt32",
    "microsoft-windows-httpevent": "Microsoft-Windows-HttpEvent",
    "http": "Microsoft-Windows-HttpEvent",
}


def canonical_provider(name: str) -> str:
    """Provider names as exports spell them differently (case, `Microsoft-Windows-` prefix)."""
    return _PROVIDER_NAMES.get(name.strip().lower(), name.strip())


def _compile(template: str) -> re.Pattern[str]:
    text = " ".join(template.split())
    parts = [p for p in re.split(r"(%\d+)", text) if p]
    pattern = ""
    for index, part in enumerate(parts):
        if re.fullmatch(r"%\d+", part):
            last = index == len(parts) - 1
            pattern += f"(?P<p{part[1:]}>.+)$" if last else f"(?P<p{part[1:]}>.+?)"
        else:
            escaped = re.escape(part).replace(r"\ ", r"\s*")
            pattern += escaped.replace("TLS", "(?:TLS|SSL)")
    return re.compile(pattern, re.IGNORECASE)


def _first_sentence(template: str) -> str | None:
    """The template's first sentence, when it has no insertion string and is distinctive."""
    text = " ".join(template.split())
    head = text.split(". ", 1)[0]
    if "%" in head or len(head) < 40 or head == text:
        return None
    return head + "."


@functools.cache
def event_knowledge() -> EventKnowledge:
    """The event table."""
    path = resources.files("certtriage.knowledge") / "data" / "events.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    events: dict[tuple[str, int], EventDef] = {}
    for row in data["event"]:
        templates = tuple(row["templates"])
        events[(row["provider"], row["id"])] = EventDef(
            provider=row["provider"], id=row["id"], level=row["level"],
            fields=tuple(row["fields"]), summary=row["summary"], templates=templates,
            patterns=tuple(_compile(t) for t in templates),
            heads=tuple(_compile(h) for t in templates if (h := _first_sentence(t))),
        )
    aliases: dict[tuple[str, int], tuple[str, int]] = {}
    for row in data.get("alias", []):
        for new, old in zip(row["ids"], row["same_as"]):
            aliases[(row["provider"], new)] = (row["same_provider"], old)
    return EventKnowledge(
        events=events, aliases=aliases,
        alerts={int(k): v for k, v in data["alerts"].items()},
        providers=frozenset(data["relevant"]["providers"]),
        capi2_run_ids=frozenset(data["relevant"]["capi2_run_ids"]),
    )
