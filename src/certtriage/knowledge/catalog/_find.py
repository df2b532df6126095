"""From matched wordings and mentions to :class:`FoundMessage`: which event each message is
(an id named next to it decides between events that share a text), its slots, its lines."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ._anchors import anchors_for, may_hit
from ._clean import clean_text, lines_of, only_spaced
from ._compile import Compiled
from ._data import EventDef
from ._match import Hit, find_hits, flatten, resolve
from ._mentions import Mention, find_mentions, last_small_number, numbers

#: Lines above and below a message searched for the id that names it.
ABOVE, BELOW = 4, 2


@dataclass(frozen=True)
class FoundMessage:
    """One event message (or event mention) found in a text."""

    provider: str
    """The provider, as the catalog names it (Schannel, Microsoft-Windows-HttpEvent ...)."""
    event_id: int
    start: int
    """First line of the message in the input (1-based)."""
    end: int
    """Last line (inclusive)."""
    slots: dict[str, str] = field(default_factory=dict)
    """Insertion strings read, by field name (AlertDesc, ErrorCode, ErrorState, Type ...)."""
    text: str = ""
    """The message as found, on one line ('' for a mention)."""
    match: Literal["template", "cut", "mention"] = "template"
    """A whole template, a template cut short, or only the provider and id named."""
    wording: str = ""
    """The Windows versions of the wording that matched."""
    lang: str = "en"
    level: str = ""
    """The event's level in that wording."""
    bound: int | None = None
    """The line of the event id named next to the message, when one was."""
    candidates: tuple[tuple[str, int], ...] = ()
    """Every (provider, id) the text fits, when it fits more than one."""


class MatchIndex(NamedTuple):
    """The compiled catalog."""

    by_anchor: dict[str, list[Compiled]]
    suffixes: dict[str, list[Compiled]]
    resolve_mention: Callable[[Mention], EventDef | None]
    canonical: Callable[[str], str]


def find(text: str, index: MatchIndex, *, mentions: bool = True) -> list[FoundMessage]:
    """Every message and mention in `text`, in order; without `mentions`, the messages only
    (a text where no wording matches, most, is then not searched for mentions at all)."""
    cleaned = clean_text(text)
    spaced = only_spaced(cleaned)
    if not mentions and spaced and not may_hit(cleaned, anchors_for(index.by_anchor)):
        return []
    lines = lines_of(cleaned, spaced)
    joined = "\n".join(lines)
    flat = joined.lower().replace("\n", " ")
    hits = find_hits(joined, flat, index.by_anchor)
    if not hits and not mentions:
        return []
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    mentioned = find_mentions(lines, flat, starts)
    by_line: dict[int, list[Mention]] = {}
    for mention in mentioned:
        by_line.setdefault(mention.line, []).append(mention)
    found = []
    for group in resolve(hits):
        message = _message(group, joined, starts, by_line, index, lines)
        if message is not None:
            found.append(message)
    if mentions:
        found.extend(_alone(mentioned, found, lines, index))
    return sorted(found, key=lambda f: (f.start, f.end))


def _message(group: list[Hit], joined: str, starts: list[int],
             by_line: dict[int, list[Mention]], index: MatchIndex,
             lines: list[str]) -> FoundMessage | None:
    hits: dict[tuple[str, int], Hit] = {}
    for hit in group:
        hits.setdefault((hit.compiled.event.provider, hit.compiled.event.id), hit)
    first = bisect_right(starts, group[0].start) - 1
    last = bisect_right(starts, max(group[0].end - 1, group[0].start)) - 1
    mention = _bind(list(hits), first, last, by_line, index)
    if mention is not None and mention.event_id is not None:
        key = next(k for k in hits if k[1] == mention.event_id and (
            mention.provider is None or index.canonical(mention.provider) == k[0]))
    else:
        providers = {index.canonical(m.provider) for m in _window(first, last, by_line)
                     if m.provider}
        keys = [k for k in hits if k[0] in providers] or list(hits)
        key = max(keys, key=lambda k: k[1])
    hit = hits[key]
    if mention is None and hit.compiled.wording.generic and not hit.slots:
        return None
    slots, end = _finish(hit, joined, index)
    for name, value in _data_near(lines, first, last).items():
        if name in hit.compiled.event.fields:
            slots.setdefault(name, value)
    if hit.cut:
        # a message quoted short, or retold after its first sentence, in a line that goes on
        # to name its numbers (`36887 "A fatal alert was received ..." with alert code 48`,
        # `... credential. Internal error state 10013`): they fill the slots it left out
        named = _named(hit.compiled.event, mention, lines) if mention is not None else {}
        stop = joined.find("\n", end)
        rest = joined[end:stop if stop >= 0 else len(joined)]
        for name, value in {**numbers(rest), **named}.items():
            if name in hit.compiled.event.fields:
                slots.setdefault(name, value)
    return FoundMessage(
        provider=key[0], event_id=key[1], start=first + 1,
        end=bisect_right(starts, max(end - 1, hit.start)), slots=slots,
        text=flatten(joined[hit.start:end]), match="cut" if hit.cut else "template",
        wording=hit.compiled.wording.versions, lang=hit.compiled.wording.lang,
        level=hit.compiled.wording.level,
        bound=mention.line + 1 if mention is not None else None,
        candidates=tuple(hits) if len(hits) > 1 else (),
    )


_DATA = re.compile(r"""Name=["'](?P<name>\w+)["']\s*>(?P<value>[^<]*)<""")


def _data_near(lines: list[str], first: int, last: int) -> dict[str, str]:
    """`<Data Name="ErrorCode">0x800b010a</Data>` pasted next to a message (the event's XML,
    often HTML-escaped in a web page): values for the slots its text does not show."""
    values: dict[str, str] = {}
    for line in lines[max(0, first - ABOVE):last + BELOW + 4]:
        if "Name=" in line:
            values.update((m["name"], m["value"].strip()) for m in _DATA.finditer(line))
    return values


def _window(first: int, last: int, by_line: dict[int, list[Mention]]) -> Iterator[Mention]:
    """Mentions on the message's lines, then nearest first above and below it."""
    order = list(range(first, last + 1))
    for distance in range(1, ABOVE + 1):
        order.append(first - distance)
        if distance <= BELOW:
            order.append(last + distance)
    for line in order:
        yield from by_line.get(line, ())


def _bind(keys: list[tuple[str, int]], first: int, last: int,
          by_line: dict[int, list[Mention]], index: MatchIndex) -> Mention | None:
    for mention in _window(first, last, by_line):
        for provider, event_id in keys:
            if mention.event_id == event_id and (
                    mention.provider is None or index.canonical(mention.provider) == provider):
                mention.used = True
                return mention
    return None


def _finish(hit: Hit, joined: str, index: MatchIndex) -> tuple[dict[str, str], int]:
    """The slots cleaned, and the SSPI caller sentence some builds append, when present."""
    slots = {name: " ".join(value.split()) for name, value in hit.slots.items()}
    _split_error_text(hit.compiled, slots)
    end = hit.end
    if not hit.cut:
        for suffix in index.suffixes.get(hit.compiled.event.provider, ()):
            m = suffix.full.match(joined, _skip_space(joined, end))
            if m is not None:
                slots.update({name: " ".join((m.group(f"g{i}") or "").split())
                              for i, name in enumerate(suffix.groups)})
                end = m.end()
                break
    return slots, end


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _split_error_text(compiled: Compiled, slots: dict[str, str]) -> None:
    """`%1 %2.` with a name then an error string (CA event 100): split them where the error
    code's own message text starts."""
    for before, name in zip(compiled.groups, compiled.groups[1:]):
        value = slots.get(name, "")
        code = _HEX.search(value)
        if slots.get(before) or compiled.event.kind(name) != "errortext" or not code:
            continue
        from ..codes import code_tables

        known = code_tables().lookup(code.group(0))
        where = value.lower().find(known.message.lower()[:40]) if known and known.message else -1
        if where > 0:
            slots[before], slots[name] = value[:where].strip(), value[where:].strip()


_HEX = re.compile(r"0[xX][0-9A-Fa-f]{8}")


def _alone(mentions: list[Mention], found: list[FoundMessage], lines: list[str],
           index: MatchIndex) -> Iterator[FoundMessage]:
    """Mentions no message took: an event named with its provider (or by an id only one
    provider uses), with the numbers named around it."""
    taken = {line for f in found for line in range(f.start - 1, f.end)}
    seen: set[tuple[int, str, int]] = set()
    for mention in mentions:
        if mention.used or mention.event_id is None or mention.line in taken:
            continue
        definition = index.resolve_mention(mention)
        if definition is None or (mention.line, definition.provider, definition.id) in seen:
            continue
        seen.add((mention.line, definition.provider, definition.id))
        yield FoundMessage(
            provider=definition.provider, event_id=definition.id, start=mention.line + 1,
            end=mention.line + 1, slots=_named(definition, mention, lines), match="mention",
            level=definition.level, bound=mention.line + 1,
        )


#: A protocol version on a line (`TLS 1.2`, `TLSv1.0`, `SSL 3.0`).
_PROTOCOL = re.compile(r"(?<![\w.])(SSL|TLS)\s?v?([1-3]\.\d)(?![\d.])", re.IGNORECASE)


def _named(definition: EventDef, mention: Mention, lines: list[str]) -> dict[str, str]:
    """Slots of a mentioned event from the numbers around it: on its line, and after a
    heading, in the lines below it up to a blank line."""
    values = dict(mention.values)
    below = []
    if mention.heading:
        for line in lines[mention.line + 1:mention.line + 5]:
            if not line:
                break
            below.append(line)
            values = {**numbers(line), **values}
    if (definition.provider == "Schannel" and definition.id in (36887, 36888)
            and "AlertDesc" not in values and below):
        small = last_small_number(below[0])
        if small is not None:
            values["AlertDesc"] = small
    if "Protocol" in definition.fields and "Protocol" not in values:
        named = _PROTOCOL.search(lines[mention.line])  # a retold message: `An TLS 1.0 ...`
        if named is not None:
            values["Protocol"] = f"{named[1].upper()} {named[2]}"
    code = values.pop("ErrorCode", None)
    target = next((f for f in definition.fields
                   if definition.kind(f) in ("hresult", "errortext")), None)
    if code and target:
        values[target] = code
    return {k: v for k, v in values.items() if k in definition.fields}
