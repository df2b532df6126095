"""Predicates over Schannel registry exports (:class:`RegistryExport`).

Values they add for messages:

* `context`: the key path as the export writes it;
* `line`: the line of the value read (or of the key, for a value that is not set);
* predicate-specific values named in each docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Literal

from ...knowledge.predicates import Binding, predicate
from .model import RegistryExport

SchannelSetting = Literal[
    "SendTrustedIssuerList", "ClientAuthTrustMode", "EventLogging",
    "MessageLimitServerClientAuth", "CertificateMappingMethods",
]
ProtocolName = Literal[
    "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "DTLS 1.0", "DTLS 1.2",
]
Side = Literal["Server", "Client"]

_TRUST_MODES = {0: "Machine Trust", 1: "Exclusive Root Trust", 2: "Exclusive CA Trust"}
_LOG_BITS = ((1, "errors"), (2, "warnings"), (4, "informational and success events"))


def meaning(name: str, value: int) -> str:
    """A short reading of a SCHANNEL DWORD, for messages."""
    if name == "ClientAuthTrustMode":
        return _TRUST_MODES.get(value, "an undocumented mode")
    if name == "EventLogging":
        kinds = [label for bit, label in _LOG_BITS if value & bit]
        return "logs " + (" and ".join(kinds) if kinds else "nothing")
    if name == "SendTrustedIssuerList":
        return "the list is sent" if value else "the list is not sent"
    return f"{value}"


@predicate
def registry_schannel_dword(
    doc: RegistryExport,
    b: Binding,
    *,
    name: SchannelSetting,
    equals: list[int] | None = None,
    lacks_bits: int | None = None,
) -> Iterator[Binding]:
    """The SCHANNEL key sets DWORD `name`, to one of `equals` (when given) and without any of
    the bits of `lacks_bits` (when given). Adds `name`, `value` (decimal), `hex` and
    `meaning`."""
    item = doc.schannel_value(name)
    if item is None or not isinstance(item.value, int):
        return
    value = item.value
    if equals is not None and value not in equals:
        return
    if lacks_bits is not None and value & lacks_bits:
        return
    key = doc.schannel_key
    yield replace(b, values={
        **b.values, "context": key.path if key else "SCHANNEL", "name": item.name,
        "value": str(value), "hex": f"0x{value:x}", "meaning": meaning(name, value),
        "line": str(item.line),
    })


@predicate
def registry_schannel_unset(
    doc: RegistryExport, b: Binding, *, name: SchannelSetting
) -> Iterator[Binding]:
    """The export has the SCHANNEL key itself but no value `name` in it. Adds `name`."""
    key = doc.schannel_key
    if key is None or doc.schannel_value(name) is not None:
        return
    yield replace(b, values={**b.values, "context": key.path, "name": name,
                             "line": str(key.line)})


@predicate
def registry_protocol_enabled(
    doc: RegistryExport, b: Binding, *, protocol: ProtocolName, side: Side, enabled: bool
) -> Iterator[Binding]:
    """`Protocols\\<protocol>\\<side>` sets `Enabled`, to a non-zero value (`enabled` true) or
    to 0 (false). Adds `protocol`, `side`, `value` and `enabled_others`: the other protocols
    this side explicitly enables, or `none`."""
    state = doc.protocol(protocol, side)
    if state is None or state.enabled is None or (state.enabled != 0) != enabled:
        return
    others = [p.protocol for p in doc.protocols
              if p.side.lower() == side.lower() and p.enabled
              and " ".join(p.protocol.split()).lower() != protocol.lower()]
    yield replace(b, values={
        **b.values, "context": state.path, "protocol": state.protocol, "side": state.side,
        "value": str(state.enabled), "line": str(state.enabled_line or state.line),
        "enabled_others": ", ".join(others) or "none",
    })
