"""Event Viewer's Friendly View, copied from the Details tab: the event's XML flattened to
bare values on lines.

Element lines are `+ Name` (collapsed) or `- Name` (expanded), with the element's text after
the name (`- Result The revocation function ...`); attribute lines are `[ name]  value`; a
leaf element is `Name value` (`EventID 36888`, `AlertDesc 46`), an empty one `Name` alone.
Indentation is not kept reliably by copies, so the nesting is rebuilt from the order of the
lines and from which elements hold which children (the System block, the CAPI2 chain
elements); everything else belongs to the element above it. The tree is the same `Node` tree
XML gives, so one reader (`records.event_from_node`) reads both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...text.xml import Node

_NUMBER = r"(?:\d{1,4}\.\s+)?"
START = re.compile(r"^\s*" + _NUMBER + r"[+-]\s+(?:System|Event|EventData|UserData)\s*$")
_ELEMENT = re.compile(r"^\s*" + _NUMBER + r"[+-]\s+([A-Za-z_][\w.:-]*)(?:\s+(.*?))?\s*$")
_ATTRIBUTE = re.compile(r"^\s*" + _NUMBER + r"\[\s*([A-Za-z_][\w.:-]*)\s*\]\s*(.*?)\s*$")
_LEAF = re.compile(r"^\s*" + _NUMBER + r"([A-Za-z_][\w.:-]*)(?:\s+(.*?))?\s*$")
_LABEL = re.compile(r"^\s*[A-Z][\w ]{0,30}:(?:\s|$)")
_SENTENCE = re.compile(r"^\s*\S+(?:\s+\S+){5,}[.!?]\s*$")

_SYSTEM = {"Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords",
           "TimeCreated", "EventRecordID", "Correlation", "Execution", "Channel", "Computer",
           "Security"}
#: Elements that hold only these children (anything else closes them).
_CHILDREN = {
    "Event": {"System", "EventData", "UserData", "RenderingInfo"},
    "System": _SYSTEM,
    "CertificateChain": {"TrustStatus", "ChainElement"},
    "ChainElement": {"Certificate", "SignatureAlgorithm", "PublicKeyAlgorithm", "TrustStatus",
                     "ApplicationUsage", "IssuanceUsage", "RevocationInfo",
                     "StrongSignProperties"},
    "TrustStatus": {"ErrorStatus", "InfoStatus"},
    "RevocationInfo": {"RevocationResult", "CertificateRevocationList", "OCSPResponse",
                       "StrongSignProperties"},
    "ApplicationUsage": {"Usage"},
    "IssuanceUsage": {"Usage"},
    "ExtendedKeyUsage": {"Usage"},
    # event 53 of newer builds: the network's state when a retrieval was tried
    "AdditionalInfo": {"NetworkConnectivityStatus"},
    "SSLAdditionalPolicyInfo": {"IgnoreFlags"},
}
#: Elements that never hold elements.
_LEAVES = _SYSTEM | {
    "Certificate", "IssuerCertificate", "SubjectCertificate", "Flags", "Policy",
    "EventAuxInfo", "CorrelationAuxInfo", "Result", "URL", "Object", "Timeout", "Action",
    "Error", "Status", "RevocationStatus", "ErrorStatus", "InfoStatus", "Usage",
    "SignatureAlgorithm", "PublicKeyAlgorithm", "RevocationResult", "AdditionalParameters",
    "ChainEngineInfo", "StrongSignPara", "AuxInfo", "Data", "Binary", "IgnoreFlags",
    "NetworkConnectivityStatus",
}
_TOP = {"System", "EventData", "UserData"}


def blocks(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) line indexes of each friendly-view event in `lines`."""
    index = 0
    while index < len(lines):
        if not START.match(lines[index]):
            index += 1
            continue
        first = last = index
        index += 1
        while index < len(lines) and index - last <= 4:
            line = lines[index]
            if line.strip():
                if _ends(line) or (START.match(line) and _opens_event(line)
                                                    and _has(lines, first, last, "System")):
                    break
                last = index
            index += 1
        yield first, last
        index = last + 1


def _ends(line: str) -> bool:
    """A line that is not part of a friendly view: a label, or a sentence of prose (a leaf's
    value starts with a capital or a digit: `Error The server name ...`, `Type server`)."""
    if _ATTRIBUTE.match(line) or _ELEMENT.match(line):
        return False
    words = line.split()
    prose = bool(_SENTENCE.match(line)) and len(words) > 1 and words[1][:1].islower()
    return bool(_LABEL.match(line)) or prose


def _opens_event(line: str) -> bool:
    return bool(re.search(r"\b(System|Event)\s*$", line))


def _has(lines: list[str], first: int, last: int, name: str) -> bool:
    return any(re.match(r"^\s*" + _NUMBER + r"[+-]\s+" + name + r"\s*$", line)
               for line in lines[first:last + 1])


def tree(lines: list[str]) -> Node:
    """The `<Event>` tree of one friendly-view block."""
    root = Node("Event")
    stack = [root]
    last = root
    for line in lines:
        if not line.strip():
            continue
        if m := _ATTRIBUTE.match(line):
            last.attrs[m.group(1)] = m.group(2)
        elif m := _ELEMENT.match(line):
            if m.group(1) == "Event":
                continue
            last = Node(m.group(1), text=m.group(2) or None)
            _place(stack, last.name).children.append(last)
            stack.append(last)
        elif m := _LEAF.match(line):
            leaf = Node(m.group(1), text=m.group(2) or None)
            _place(stack, leaf.name).children.append(leaf)
            last = leaf
    return root


def _place(stack: list[Node], name: str) -> Node:
    """The element a new element called `name` belongs to (closing those it cannot be in)."""
    while len(stack) > 1:
        top = stack[-1].name
        if name in _TOP or top in _LEAVES:
            stack.pop()
        elif top in _CHILDREN:
            if name in _CHILDREN[top]:
                break
            stack.pop()
        else:
            break
    return stack[-1]
