"""Models of a registry export of the Schannel settings.

Two shapes are read into the same :class:`RegistryExport`: the text of
`reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL" /s` (as TSS
saves it in reg_Schannel.txt) and .reg files (`Windows Registry Editor Version 5.00` or
`REGEDIT4`). Keys keep the path as written; the convenience properties find the SCHANNEL key
whichever way its path was spelt (HKLM or HKEY_LOCAL_MACHINE, CurrentControlSet or
ControlSet001) and merge repeated occurrences the way an import would (the last value wins).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, UnparsedLine

ExportShape = Literal["reg-query", "reg-file"]

#: The SCHANNEL key, in the canonical spelling of :func:`canonical_path`.
SCHANNEL_PATH = ("HKEY_LOCAL_MACHINE\\SYSTEM\\CURRENTCONTROLSET\\CONTROL\\SECURITYPROVIDERS"
                 "\\SCHANNEL")

_ROOTS = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER",
          "HKCR": "HKEY_CLASSES_ROOT", "HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG"}
_CONTROL_SET = re.compile(r"\\CONTROLSET\d{3}\\")


def canonical_path(path: str) -> str:
    """Upper case, full root name, `CurrentControlSet` for any `ControlSet00n`, no stray
    backslashes: the spelling paths are compared in."""
    parts = [p for p in path.strip().strip("\\").split("\\") if p]
    if parts:
        parts[0] = _ROOTS.get(parts[0].upper(), parts[0])
    joined = "\\".join(parts).upper() + "\\"
    return _CONTROL_SET.sub(r"\\CURRENTCONTROLSET\\", joined, count=1).rstrip("\\")


class RegistryValue(Model):
    """One value of a key."""

    name: str
    """The value name as written; `(Default)` (reg query) or `@` (.reg) for the default value."""
    type: str
    """REG_DWORD, REG_QWORD, REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_BINARY, REG_NONE (or
    another REG_ name as printed), or `delete` for a .reg line that removes the value (`=-`)."""
    value: int | str | None
    """DWORD / QWORD data as a number; strings as text (REG_MULTI_SZ items joined by newlines);
    binary data as hex digits; None for `delete`."""
    line: int
    """Line number (the first line, for .reg data continued over several lines)."""


class RegistryKey(Model):
    """One key and the values listed under it."""

    path: str
    """The key path as written (without the .reg brackets)."""
    values: tuple[RegistryValue, ...] = ()
    """Its values, in input order."""
    deleted: bool = False
    """A .reg `[-...]` line: importing the file removes the key."""
    line: int
    """Line number of the key line."""


class ProtocolState(Model):
    """The Enabled / DisabledByDefault values of one `Protocols\\<protocol>\\<side>` key."""

    protocol: str
    """`TLS 1.2`, `SSL 3.0` ... as the key name is written."""
    side: str
    """`Server` or `Client` as written."""
    path: str
    """The key path as written."""
    enabled: int | None = None
    """The `Enabled` DWORD (None when not set)."""
    enabled_line: int | None = None
    """Its line."""
    disabled_by_default: int | None = None
    """The `DisabledByDefault` DWORD (None when not set)."""
    line: int
    """Line of the key."""


class RegistryExport(Evidence):
    """Everything read from one registry export."""

    kind: Literal["schannel-registry"] = "schannel-registry"
    """Model tag."""
    shape: ExportShape
    """reg-query (text of `reg query ... /s`) or reg-file (a .reg file)."""
    header: str | None = None
    """The .reg header line (`Windows Registry Editor Version 5.00` or `REGEDIT4`)."""
    keys: tuple[RegistryKey, ...] = ()
    """Keys in input order (a key written twice appears twice)."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines kept but not placed."""

    # ---- the SCHANNEL key --------------------------------------------------------------------
    def holds_nothing(self) -> bool:
        """Key paths without a value or a deleted key: nothing `reg query` showed."""
        return not any(k.values or k.deleted for k in self.keys)

    def keys_at(self, relative: str = "") -> tuple[RegistryKey, ...]:
        """Every occurrence of the key at `relative` under SCHANNEL (`""` for SCHANNEL itself,
        `Protocols\\TLS 1.2\\Server` ...), compared without regard to case."""
        wanted = canonical_path(SCHANNEL_PATH + ("\\" + relative if relative else ""))
        return self._by_path.get(wanted, ())

    @cached_property
    def _by_path(self) -> dict[str, tuple[RegistryKey, ...]]:
        """Every key by its canonical path, in input order (built once: lookups stay linear)."""
        found: dict[str, list[RegistryKey]] = {}
        for key in self.keys:
            found.setdefault(canonical_path(key.path), []).append(key)
        return {path: tuple(keys) for path, keys in found.items()}

    def merged(self, relative: str = "") -> dict[str, RegistryValue]:
        """The values of a key under SCHANNEL after every occurrence is applied in order, as an
        import would: lower-cased name -> value; deleted keys and values drop out."""
        values: dict[str, RegistryValue] = {}
        for key in self.keys_at(relative):
            if key.deleted:
                values.clear()
                continue
            for item in key.values:
                if item.type == "delete":
                    values.pop(item.name.lower(), None)
                else:
                    values[item.name.lower()] = item
        return values

    @property
    def schannel_key(self) -> RegistryKey | None:
        """The (last) SCHANNEL key itself, when the export has it."""
        found = [k for k in self.keys_at() if not k.deleted]
        return found[-1] if found else None

    def schannel_value(self, name: str) -> RegistryValue | None:
        """A value of the SCHANNEL key by name (any case)."""
        return self.merged().get(name.lower())

    def schannel_dword(self, name: str) -> int | None:
        """A DWORD (or QWORD) value of the SCHANNEL key; None when unset or of another type."""
        item = self.schannel_value(name)
        return item.value if item is not None and isinstance(item.value, int) else None

    @property
    def send_trusted_issuer_list(self) -> int | None:
        """SendTrustedIssuerList (None: not in the export, so the Windows version's default)."""
        return self.schannel_dword("SendTrustedIssuerList")

    @property
    def client_auth_trust_mode(self) -> int | None:
        """ClientAuthTrustMode: 0 Machine Trust, 1 Exclusive Root Trust, 2 Exclusive CA Trust."""
        return self.schannel_dword("ClientAuthTrustMode")

    @property
    def event_logging(self) -> int | None:
        """EventLogging bitmask: 1 errors, 2 warnings, 4 informational / success events."""
        return self.schannel_dword("EventLogging")

    @property
    def message_limit_server_client_auth(self) -> int | None:
        """MessageLimitServerClientAuth: the largest client-auth handshake message accepted."""
        return self.schannel_dword("MessageLimitServerClientAuth")

    @property
    def certificate_mapping_methods(self) -> int | None:
        """CertificateMappingMethods: Schannel's certificate-to-account mapping methods."""
        return self.schannel_dword("CertificateMappingMethods")

    # ---- Protocols ---------------------------------------------------------------------------
    @cached_property
    def protocols(self) -> tuple[ProtocolState, ...]:
        """Each `Protocols\\<protocol>\\<side>` key under SCHANNEL, merged, in first-seen order."""
        prefix = canonical_path(SCHANNEL_PATH + "\\PROTOCOLS") + "\\"
        firsts = [keys[0] for canon, keys in self._by_path.items()
                  if canon.startswith(prefix) and canon[len(prefix):].count("\\") == 1]
        states = []
        for key in firsts:
            protocol, side = key.path.strip().strip("\\").split("\\")[-2:]
            values = self.merged(f"Protocols\\{protocol}\\{side}")
            enabled = values.get("enabled")
            disabled = values.get("disabledbydefault")
            states.append(ProtocolState(
                protocol=protocol, side=side, path=key.path, line=key.line,
                enabled=enabled.value if enabled and isinstance(enabled.value, int) else None,
                enabled_line=enabled.line if enabled and isinstance(enabled.value, int) else None,
                disabled_by_default=disabled.value if disabled and isinstance(
                    disabled.value, int) else None,
            ))
        return tuple(states)

    def protocol(self, protocol: str, side: str) -> ProtocolState | None:
        """The state of `Protocols\\<protocol>\\<side>` (any case), when the export has the key."""
        return self._by_protocol.get((" ".join(protocol.split()).lower(), side.lower()))

    @cached_property
    def _by_protocol(self) -> dict[tuple[str, str], ProtocolState]:
        found: dict[tuple[str, str], ProtocolState] = {}
        for state in self.protocols:
            found.setdefault((" ".join(state.protocol.split()).lower(), state.side.lower()), state)
        return found
