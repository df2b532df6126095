"""The event message catalog (`data/events.toml`) and the matcher that finds its messages in
any text.

The catalog holds, for each (provider, event id) of Schannel, HTTP.sys, the Certification
Authority service, crypt32 / CAPI2 root and CRL updates and CAPI2 Operational events: every
sourced wording of its message per Windows version (and language, where seen in real output),
the names and kinds of its insertion strings, its level, the side that logs it and the cause it
points to. It is compiled once per process.

Finding messages in arbitrary text (prose, e-mails, Markdown, HTML leftovers, exports)::

    from certtriage.knowledge.catalog import find_messages

    for found in find_messages(text):
        found.provider, found.event_id   # "Schannel", 36877
        found.start, found.end           # its lines in `text` (1-based, inclusive)
        found.slots                      # {"ErrorCode": "0x80092013"}
        found.match                      # "template", "cut" (the rest was missing) or "mention"
        found.text, found.wording, found.lang, found.level, found.bound, found.candidates

What it tolerates: a message wrapped over lines, inside straight, typographic or single quotes,
after prefixes (`>` quote markers, Markdown headings, bold labels, list bullets, `Description:`),
with trailing double spaces or backslash line breaks, with HTML entities and prose tags left in
(`&quot;`, `<br>`, `<p>`), in SSL or TLS wording, and cut short (`...` in a Get-WinEvent table,
a quote of its first sentence) once the part shown is distinctive. An event id and provider
named next to a message (`Event ID: 36887`, `EventID>36887<`, `Id : 36887`, `Schannel 36876`,
`Event 36885, source Schannel`, `### Event ID 36888 (Schannel)`) bind to it and decide between
events that share a text; named without a message they are a `mention`, with the alert, state
or HRESULT named around them as slots. It is linear in the text: the lines are cleaned once,
each wording's anchor phrase is found with a substring search, and templates run only there.

Lookups: :func:`event_knowledge` returns the :class:`EventKnowledge` (definitions by provider
and id, TLS alert names, relevant providers); :func:`canonical_provider` spells a provider name
the catalog's way.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._anchors import Anchors
    from ._compile import Compiled
    from ._data import EventDef, Suffix, Wording
    from ._find import FoundMessage, MatchIndex
    from ._match import UNFILLED
    from ._mentions import TLS_ALERTS, Mention, first_alert

__all__ = ["TLS_ALERTS", "UNFILLED", "EventDef", "EventKnowledge", "FoundMessage", "Wording",
           "canonical_provider", "event_knowledge", "find_messages", "first_alert",
           "may_hold_messages"]

#: Names offered here -> the module that defines them, imported on first use: a text is
#: checked for messages (`may_hold_messages`) without loading the matcher or the catalog.
_LAZY = {"TLS_ALERTS": "_mentions", "first_alert": "_mentions", "UNFILLED": "_match",
         "EventDef": "_data", "Wording": "_data", "FoundMessage": "_find"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)


@dataclass(frozen=True, eq=False)
class EventKnowledge:
    """Lookups over the catalog."""

    events: dict[tuple[str, int], EventDef]
    alerts: dict[int, str]
    providers: frozenset[str]
    """Providers whose events are kept."""
    capi2_run_ids: frozenset[int]
    names: dict[str, str]
    """Provider spellings (lower case) -> the catalog's name."""
    suffixes: tuple[Suffix, ...]
    unrelated: frozenset[tuple[str, int]] = frozenset()
    """(provider, id) of the relevant providers' events that are not about certificates."""

    def get(self, provider: str, event_id: int) -> EventDef | None:
        """The definition of an event."""
        return self.events.get((self.canonical(provider), event_id))

    def canonical(self, name: str) -> str:
        """A provider's name as the catalog spells it (case, `Microsoft-Windows-` prefix)."""
        return self.names.get(" ".join(name.split()).lower(), name.strip())

    def relevant(self, provider: str) -> bool:
        """Whether events of this provider are kept."""
        return self.canonical(provider) in self.providers

    def about_certificates(self, provider: str, event_id: int) -> bool:
        """Whether an event belongs among the certificate events of a log's summary: one of a
        relevant provider that the catalog does not mark as unrelated (HTTP.sys URL
        reservations, for example)."""
        name = self.canonical(provider)
        return name in self.providers and (name, event_id) not in self.unrelated

    def definitions(self) -> tuple[EventDef, ...]:
        """Every event of the catalog, in catalog order."""
        return tuple(self.events.values())

    def find_messages(self, text: str, *, mentions: bool = True) -> list[FoundMessage]:
        """Every catalog message (and, with `mentions`, event mention) in `text`; see the
        module docstring."""
        return list(_find_cached(self, text, mentions))

    def message_slots(self, provider: str, event_id: int, message: str) -> dict[str, str]:
        """The insertion strings of a message known to be of this event ({} if it is not)."""
        key = (self.canonical(provider), event_id)
        definition = self.events.get(key)
        if definition is not None and message.rstrip().endswith(("...", "\u2026")):
            # cut short: read against this event's wordings, which tell where a slot ends
            cut = _cut_slots(definition, message)
            if cut:
                return cut
        # The text is this one message: on one line, its last slot may take all of its end.
        for found in self.find_messages(" ".join(message.split())):
            if (found.provider, found.event_id) == key or key in found.candidates:
                return dict(found.slots)
        return {}

    def recognize(self, message: str) -> tuple[EventDef, dict[str, str]] | None:
        """The first catalog message in `message` and its slots (None if there is none): the
        short form of :meth:`find_messages` for a text known to be one message."""
        found = next((f for f in self.find_messages(message) if f.match != "mention"), None)
        if found is None:
            return None
        return self.events[(found.provider, found.event_id)], dict(found.slots)

    def resolve(self, mention: Mention) -> EventDef | None:
        """The event a mention names: its provider's, or the only one with that id (an id
        below 4096 needs its provider: many providers use small numbers)."""
        if mention.event_id is None:
            return None
        if mention.provider:
            return self.get(mention.provider, mention.event_id)
        matches = [d for d in self.events.values() if d.id == mention.event_id]
        return matches[0] if len(matches) == 1 and mention.event_id >= 4096 else None


@functools.cache
def event_knowledge() -> EventKnowledge:
    """The catalog, loaded once."""
    from ._data import load

    data = load()
    return EventKnowledge(
        events={(e.provider, e.id): e for e in data.events}, alerts=data.alerts,
        providers=data.relevant, capi2_run_ids=data.capi2_run_ids, names=data.provider_names,
        suffixes=data.suffixes, unrelated=data.unrelated,
    )


def canonical_provider(name: str) -> str:
    """Provider names as exports spell them differently (case, `Microsoft-Windows-` prefix)."""
    return event_knowledge().canonical(name)


def find_messages(text: str, *, mentions: bool = True) -> list[FoundMessage]:
    """Every catalog message (and, with `mentions`, event mention) in `text`, in order of
    their lines."""
    return event_knowledge().find_messages(text, mentions=mentions)


def may_hold_messages(text: str) -> bool:
    """Whether `text` may hold a catalog message: False only where :func:`find_messages`
    without mentions finds none. Most texts hold none (a certutil paste), so this reads the
    anchor phrases of the wordings, kept in the cache folder, instead of loading the catalog."""
    from ._anchors import may_hit
    from ._clean import clean_text, only_spaced

    cleaned = clean_text(text)
    return not only_spaced(cleaned) or may_hit(cleaned, _kept_anchors())


@functools.cache
def _kept_anchors() -> Anchors:
    """The anchors `may_hit` reads, kept beside the compiled wordings under the same key (and
    the reader's own source)."""
    from importlib import resources

    from ..._cache import kept
    from ._anchors import anchors_of

    reader = resources.files("certtriage.knowledge") / "catalog" / "_anchors.py"
    return kept("catalog-anchors", [*_cache_parts(), reader.read_bytes()], tuple,
                lambda: anchors_of(_index(event_knowledge()).by_anchor))


@functools.lru_cache(maxsize=8)
def _find_cached(knowledge: EventKnowledge, text: str,
                 mentions: bool = True) -> tuple[FoundMessage, ...]:
    """The last texts' messages: sniffing and parsing an input read it once."""
    from ._find import find

    return tuple(find(text, _index(knowledge), mentions=mentions))


@functools.cache
def _index(knowledge: EventKnowledge) -> MatchIndex:
    from ._find import MatchIndex

    compiled = _compiled_wordings(knowledge)
    return MatchIndex(by_anchor=compiled[0], suffixes=compiled[1],
                      resolve_mention=knowledge.resolve, canonical=knowledge.canonical)


_Compiled = tuple[dict[str, list["Compiled"]], dict[str, list["Compiled"]]]


def _compiled_wordings(knowledge: EventKnowledge) -> _Compiled:
    """Every wording compiled, by its anchor phrases, and the suffixes by provider; kept in the
    cache folder beside the rulebook (compiling them is a good part of a paste's first
    analysis), keyed by the catalog and the compiler."""
    cached = _cache_path()
    if cached is not None:
        from ..._cache import fetch

        found = fetch(cached, tuple)
        if found is not None and len(found) == 2 and all(isinstance(d, dict) for d in found):
            return found[0], found[1]
    from ._compile import compile_wording
    from ._data import EventDef

    by_anchor: dict[str, list[Compiled]] = {}
    for event in knowledge.events.values():
        for position, wording in enumerate(event.wordings):
            one = compile_wording(event, wording, position)
            for anchor in one.anchors:
                by_anchor.setdefault(anchor, []).append(one)
    suffixes: dict[str, list[Compiled]] = {}
    for suffix in knowledge.suffixes:
        owner = next(e for e in knowledge.events.values() if e.provider == suffix.provider)
        pseudo = EventDef(provider=suffix.provider, id=0, level="", side="", cause="",
                          summary="", fields=(), wordings=(suffix.as_wording(),),
                          kinds=owner.kinds)
        suffixes.setdefault(suffix.provider, []).append(
            compile_wording(pseudo, pseudo.wordings[0], 0))
    if cached is not None:
        from ..._cache import store

        store(cached, (by_anchor, suffixes))
    return by_anchor, suffixes


def _cache_path() -> Path | None:
    from ..._cache import keyed_file

    return keyed_file("catalog", _cache_parts())


def _cache_parts() -> list[bytes]:
    """What the compiled wordings are made from: the version, the catalog, its compiler."""
    from importlib import resources

    from ..._version import __version__

    package = resources.files("certtriage.knowledge")
    return [__version__.encode(), *(
        part.read_bytes() for part in (package / "data" / "events.toml",
                                       package / "catalog" / "_compile.py",
                                       package / "catalog" / "_data.py"))]


#: The fewest characters of a literal a cut message must show after its last slot: fewer, and
#: the slot could be any text before a word that merely starts alike.
_CUT_AFTER = 3


def _cut_slots(definition: EventDef, message: str) -> dict[str, str]:
    """The slots a message cut short (a table's `...`) shows before its cut, read against the
    wordings of the event it is known to be: `An SSL 3.0 connection requ...` is 36874 with
    Protocol `SSL 3.0`. Only slots a literal follows are read; {} when no wording fits."""
    text = re.sub(r"\s+", " ", message).strip().rstrip(".\u2026 ")
    for wording in definition.wordings:
        parts = [(kind, re.sub(r"\s+", " ", value) if kind == "text" else value)
                 for kind, value in wording.pieces()]
        names = [value for kind, value in parts if kind == "slot"]
        if len(set(names)) != len(names):
            continue  # a slot shown twice: no group per slot
        pattern = ""
        for index, (kind, value) in enumerate(parts):
            if kind == "slot":
                pattern += rf"(?P<{_group(value)}>.+?)"
                continue
            # the cut falls in this text: the message ends with a start of it
            for shown in range(len(value), _CUT_AFTER - 1, -1):
                if index and text.endswith(value[:shown]):
                    found = re.fullmatch(pattern + re.escape(value[:shown]), text,
                                         re.IGNORECASE)
                    if found is not None:
                        return {name: found[_group(name)].strip()
                                for name in names if found.groupdict().get(_group(name))}
            pattern += re.escape(value)
    return {}


def _group(name: str) -> str:
    """A slot's name as a regular expression group name."""
    return "".join(c if c.isalnum() else "_" for c in name) or "slot"
