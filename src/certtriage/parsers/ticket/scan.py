"""Find the pieces of evidence in lines of text: each paragraph goes to the formats' sniffers
and parsers; codes named in sentences become mentions; the rest is prose.

Paragraphs are runs of lines without a blank line between them. Neighbouring paragraphs read as
the same format are read together (a certutil dump pasted with doubled blank lines is one
piece). Every step looks at each line a bounded number of times: linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...errors import InputError
from ...models.common import Evidence, Piece
from .. import FORMATS, Format, FormatId, by_id

Line = tuple[int, str]
"""A line of the input: its number (1-based) and its text."""

#: Formats a ticket never holds a piece of: binary ones and the ticket itself.
_NOT_PIECES = frozenset({FormatId.TICKET})

_CODE = re.compile(
    r"(?<![\w-])(?:0x[89][0-9a-fA-F]{7}|-21474[0-8]\d{4}|-214[0-6]\d{6}"
    r"|(?:CRYPT|CERT|TRUST|SEC|SCARD|NTE)_[EW]_[A-Z0-9_]+)(?![\w])")


@dataclass
class Scan:
    """What a scan found: pieces in line order, and the lines left as prose."""

    pieces: list[Piece] = field(default_factory=list)
    prose: list[Line] = field(default_factory=list)


def paragraphs(lines: list[Line]) -> Iterator[list[Line]]:
    """Runs of non-blank lines whose numbers follow each other: a blank line, or a line that
    something else took, ends a run."""
    run: list[Line] = []
    for number, text in lines:
        if run and (not text.strip() or number != run[-1][0] + 1):
            yield run
            run = []
        if text.strip():
            run.append((number, text))
    if run:
        yield run


_WORD = re.compile(r"[^\W\d_]{2,}")


_SHORT = re.compile(r"^[^\W\d_]+(?:[ '\u2019-][^\W\d_]+){0,4}[,.!?]$")
_NAME = re.compile(r"^[A-Z][^\W\d_]+$")


def looks_like_prose(text: str) -> bool:
    """A sentence rather than a line a tool printed: three words or more, mostly letters, and
    no `=` or hex code; or a short line of words that ends like one (`Hi Avery,`, `Thanks!`)."""
    stripped = text.strip()
    if _SHORT.match(stripped):
        return True
    words = _WORD.findall(stripped)
    if len(words) < 3 or "=" in stripped or "0x" in stripped:
        return False
    letters = sum(len(w) for w in words)
    return letters >= 0.6 * len(stripped)


def prose_lines(lines: list[Line]) -> set[int]:
    """The lines of `lines` that are prose; a lone name right after a prose line (the name
    under `Regards,`) is prose too."""
    found: set[int] = set()
    for number, text in lines:
        if looks_like_prose(text) or (number - 1 in found and _NAME.match(text.strip())):
            found.add(number)
    return found


def _sniffed(text: str, skip: frozenset[FormatId]) -> Format | None:
    for fmt in FORMATS:
        if fmt.reads != "stream" and fmt.id not in skip and fmt.id not in _NOT_PIECES:
            try:
                if fmt.sniff(_as_read(fmt, text)):
                    return fmt
            except Exception:  # a sniffer that cannot read a paragraph does not claim it
                continue
    return None


def _as_read(fmt: Format, text: str) -> str | bytes:
    """A paragraph as `fmt` reads its input: the text, or its bytes (a PEM certificate)."""
    return text.encode("utf-8") if fmt.reads == "bytes" else text


def decides(fmt: Format, model: Evidence) -> bool:
    """Whether `model`, evidence of `fmt`, can say what failed: the output of a check or a
    record of what happened (the format's `says_what_failed` where it has one), not settings
    alone nor a fragment of a check without its outcome. Beside those, a code or sub-status
    named in a sentence is still all the input says of the failure."""
    if fmt.evidence == "configuration":
        return False
    says = getattr(fmt.predicates(), "says_what_failed", None)
    return says is None or bool(says(model))


def scan(lines: list[Line], skip: frozenset[FormatId] = frozenset(),
         beside_evidence: bool = False) -> Scan:
    """The pieces of evidence in `lines` (formats in `skip` are not tried); `beside_evidence`:
    they stand beside evidence that can say what failed (see :func:`decides`)."""
    found = Scan()
    groups: list[tuple[Format | None, list[Line]]] = []
    for paragraph in paragraphs(lines):
        fmt = _sniffed("\n".join(t for _, t in paragraph), skip)
        if groups and fmt is not None and groups[-1][0] is fmt:
            groups[-1][1].extend(paragraph)
        else:
            groups.append((fmt, paragraph))
    for fmt, group in groups:
        left = _read(fmt, group, found) if fmt is not None else group
        found.prose.extend(left)
    from .mentions import find_mentions  # a paste read whole never needs it

    mentions = find_mentions(found.prose, beside_evidence or any(
        decides(by_id(p.kind), p.model) for p in found.pieces))
    if mentions is not None:
        taken = {m.line for m in mentions.mentions}
        found.pieces.append(_piece("mentions", sorted(taken), mentions))
        found.prose = [line for line in found.prose if line[0] not in taken]
    found.pieces.sort(key=lambda p: p.first_line)
    return found


def _read(fmt: Format, group: list[Line], found: Scan) -> list[Line]:
    """Read `group` as `fmt`; the piece takes every line the parser placed. Returns the rest."""
    try:
        model = fmt.parse(_as_read(fmt, "\n".join(t for _, t in group)))
    except (InputError, ValueError):
        return group
    if model.holds_nothing():  # a heading quoted among sentences: prose
        return group
    left_at = {u.line for u in getattr(model, "unparsed", ())}
    taken = [n for i, (n, _) in enumerate(group, start=1) if i not in left_at]
    if not taken:
        return group
    found.pieces.append(_piece(fmt.id.value, taken, model, tuple(n for n, _ in group)))
    return [line for i, line in enumerate(group, start=1) if i in left_at]


def _piece(kind: str, taken: list[int], model: Evidence,
           numbers: tuple[int, ...] = ()) -> Piece:
    return Piece(kind=kind, first_line=taken[0], last_line=taken[-1], lines=len(taken),
                 model=model, numbers=numbers)


def claim_messages(text: str) -> tuple[list[Piece], str]:
    """Event messages in a text of another format (a Schannel message quoted in an e-mail
    around a certutil paste), as pieces; and the text with their lines blanked, so the other
    format's parser does not take them for its own lines (line numbers stay)."""
    from ...knowledge.catalog import find_messages, may_hold_messages

    if not may_hold_messages(text):
        return [], text
    from .. import by_id

    found = find_messages(text, mentions=False)
    if not found:
        return [], text
    lines = text.split("\n")
    spans: list[list[int]] = []
    for message in found:
        first = min(message.start, message.bound or message.start)
        last = max(message.end, message.bound or message.end)
        if spans and first <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    events = by_id(FormatId.EVENT_LOG)
    pieces: list[Piece] = []
    for first, last in spans:
        model = events.parse("\n".join(lines[first - 1:last]))
        if model.events:
            taken = list(range(first, last + 1))
            pieces.append(_piece(events.id.value, taken, model, tuple(taken)))
            lines[first - 1:last] = [""] * (last - first + 1)
    return pieces, "\n".join(lines)
