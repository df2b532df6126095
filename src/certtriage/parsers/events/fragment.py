"""Part of an event's XML, as articles and posts show it: the CAPI2 chain element that failed,
the `<UserData>` without the `<Event>` around it, an export cut off inside a tag, or parts left
out as `[...]`.

`text.xml.mend_fragment` makes such a text well-formed; this module finds where a fragment
stands in a paste and puts its elements back where they belong in an `<Event>`: under it
(`System`, `EventData`, `UserData`), under the `UserData` as the CAPI2 event's own element
(`CertGetCertificateChain` ...), or under that element's `CertificateChain` (`ChainElement`).
Which CAPI2 element a fragment of its insides belongs to is known from the event id of the
record it was pasted with, else from what it holds (chain elements: a chain build, event 11).
"""

from __future__ import annotations

import re

from ...text.xml import Node, is_elision, mend_fragment, read_xml
from . import CAPI2_ELEMENTS

_BY_ID = {event_id: name for name, event_id in CAPI2_ELEMENTS.items()}
_EVENT_PARTS = {"System", "EventData", "UserData", "RenderingInfo"}

#: The first line of a fragment: one of the elements above, or a part of a chain build.
START = re.compile(
    r"^[ \t]*(?:-[ \t]*)?<(?:" + "|".join(sorted(_EVENT_PARTS | set(CAPI2_ELEMENTS)))
    + r"|CertificateChain|ChainElement)\b", re.MULTILINE)
_WRAPPER = "certtriage-fragment"
_TAG_LINE = re.compile(r"^[ \t]*(?:-[ \t]*)?</?[A-Za-z_]")


def lines_of(lines: list[str]) -> tuple[int, int] | None:
    """The first and last line (0-based) of the first fragment in `lines`: from a line that
    opens one of its elements, over lines of tags, blank and `[...]` lines, and text lines
    that an end tag follows."""
    first = next((i for i, line in enumerate(lines) if START.match(line)), None)
    if first is None:
        return None
    last = first
    for i in range(first + 1, len(lines)):
        line = lines[i]
        if _TAG_LINE.match(line):
            last = i
        elif line.strip() and not is_elision(line) and not _closed_below(lines, i):
            break
    return first, last


def _closed_below(lines: list[str], index: int) -> bool:
    """Whether the next line with text after `index` is an end tag (`index` is an element's
    text on lines of its own)."""
    following = next((ln for ln in lines[index + 1:index + 4] if ln.strip()), "")
    return following.lstrip().startswith("</")


def read_fragment(xml: str, event_id: int | None = None) -> tuple[list[Node], Node | None]:
    """The `<Event>` elements a fragment holds whole, else one `<Event>` built around its
    parts (None when they are no part of an event); `event_id` is that of the record it was
    pasted with, when known."""
    reading = read_xml(f"<{_WRAPPER}>{mend_fragment(xml)}</{_WRAPPER}>")
    top = reading.root.children
    whole = [node for node in top if node.name == "Event"]
    if whole:
        return whole, None
    return [], event_around(top, event_id)


def event_around(top: list[Node], event_id: int | None = None) -> Node | None:
    """An `<Event>` holding the elements `top` where they belong, or None."""
    parts = [node for node in top if node.name in _EVENT_PARTS]
    if parts:
        return Node("Event", line=parts[0].line, children=parts)
    roots = [node for node in top if node.name in CAPI2_ELEMENTS]
    if roots:
        root = roots[0]
    else:
        chain = [node for node in top if node.name in ("CertificateChain", "ChainElement")]
        name = _BY_ID.get(event_id or 0) or ("CertGetCertificateChain" if chain else None)
        if name is None:
            return None
        root = Node(name, line=top[0].line, children=_chain_gathered(top))
    return Node("Event", line=root.line, children=[Node("UserData", line=root.line,
                                                       children=[root])])


def _chain_gathered(top: list[Node]) -> list[Node]:
    """The insides of a chain build with chain elements pasted without their
    `<CertificateChain>` put back in one (with the chain's trust status before them)."""
    if any(node.name == "CertificateChain" for node in top):
        return top
    elements = [node for node in top if node.name == "ChainElement"]
    if not elements:
        return top
    first = top.index(elements[0])
    status = [node for node in top[:first] if node.name == "TrustStatus"][-1:]
    chain = Node("CertificateChain", line=elements[0].line, children=[*status, *elements])
    rest = [node for node in top if node is not chain and node.name != "ChainElement"
            and node not in status]
    return [chain, *rest]
