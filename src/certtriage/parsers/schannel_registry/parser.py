r"""Registry exports of the Schannel settings -> :class:`RegistryExport`.

Two shapes:

* `reg query "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL" /s` text: a
  key line starting at column 0 (`HKEY_LOCAL_MACHINE\...`), then its values indented, as
  `Name    REG_DWORD    0x1`.
* .reg files: `Windows Registry Editor Version 5.00` or `REGEDIT4`, then `[HKEY_...]` key
  lines and `"Name"=dword:00000001` / `"Name"="text"` / `"Name"=hex(7):...` value lines, hex
  data possibly continued over lines ending in a backslash. UTF-16 files arrive decoded.

Command lines, separator rules and `End of search` lines are skipped; any other line that is
not a key or a value is kept in `unparsed`.
"""

from __future__ import annotations

import re

from ...errors import ParseError
from ...models.common import UnparsedLine
from . import _HEADER
from .model import RegistryExport, RegistryKey, RegistryValue

_ROOT = r"(?:HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)"
_QUERY_KEY = re.compile(rf"^{_ROOT}(?:\\.*)?$", re.IGNORECASE)
_QUERY_VALUE = re.compile(
    r"^[ \t]+(?P<name>.*?)[ \t]+(?P<type>REG_[A-Z0-9_]+)(?:[ \t]+(?P<data>.*?))?[ \t]*$"
)
_FILE_KEY = re.compile(rf"^\[(?P<deleted>-)?(?P<path>{_ROOT}(?:\\[^\]]*)?)\][ \t]*$",
                       re.IGNORECASE)
_FILE_VALUE = re.compile(r'^(?:@|"(?P<name>(?:[^"\\]|\\.)*)")[ \t]*=[ \t]*(?P<data>.*)$')
_NOISE = re.compile(
    r"^\s*(?:[=\-*#]{3,}.*|End of search:.*|(?:[A-Za-z]:\\[^>]*>|PS [^>]*>)?\s*reg(?:\.exe)?\s+"
    r"(?:query|export)\b.*)$",
    re.IGNORECASE,
)
_HEX_TYPES = {"0": "REG_NONE", "1": "REG_SZ", "2": "REG_EXPAND_SZ", "3": "REG_BINARY",
              "4": "REG_DWORD", "5": "REG_DWORD_BIG_ENDIAN", "7": "REG_MULTI_SZ",
              "b": "REG_QWORD"}


def parse(text: str) -> RegistryExport:
    """Read a registry export; ValueError when `text` holds neither shape."""
    lines = text.split("\n")
    # a .reg file's header opens it, or follows the sentence of a post that shows one
    header = next(((n, line.strip()) for n, line in enumerate(lines, 1) if _HEADER.match(line)),
                  None)
    if header is not None:
        return _parse_reg_file(lines, *header)
    if any(_QUERY_KEY.match(line.rstrip()) for line in lines):
        return _parse_reg_query(lines)
    raise ParseError("no registry key line (HKEY_...) and no .reg file header in the input")


class _Keys:
    """Keys being collected, and lines left over."""

    def __init__(self) -> None:
        self.keys: list[RegistryKey] = []
        self.values: list[RegistryValue] = []
        self.path: str | None = None
        self.deleted = False
        self.line = 0
        self.unparsed: list[UnparsedLine] = []

    def open(self, path: str, line: int, deleted: bool = False) -> None:
        self.close()
        self.path, self.line, self.deleted, self.values = path, line, deleted, []

    def close(self) -> None:
        if self.path is not None:
            self.keys.append(RegistryKey(path=self.path, values=tuple(self.values),
                                         deleted=self.deleted, line=self.line))
        self.path = None

    def skip(self, line: int, text: str, reason: str) -> None:
        self.unparsed.append(UnparsedLine(line=line, text=text.strip()[:300], reason=reason))


# ---- reg query ----------------------------------------------------------------------------------
def _query_data(kind: str, data: str) -> int | str:
    if kind in ("REG_DWORD", "REG_QWORD", "REG_DWORD_BIG_ENDIAN"):
        return int(data, 16) if data.lower().startswith("0x") else int(data, 10)
    if kind == "REG_MULTI_SZ":
        return "\n".join(data.split("\\0"))
    return data


def _parse_reg_query(lines: list[str]) -> RegistryExport:
    keys = _Keys()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if not line.strip() or _NOISE.match(line):
            continue
        if _QUERY_KEY.match(line):
            keys.open(line.strip(), number)
            continue
        match = _QUERY_VALUE.match(line)
        if not match:
            keys.skip(number, line, "not a registry key or value line of reg query")
            continue
        if keys.path is None:
            keys.skip(number, line, "value before the first key line")
            continue
        kind, data = match["type"].upper(), match["data"] or ""
        try:
            value: int | str = _query_data(kind, data)
        except ValueError:
            keys.skip(number, line, f"{kind} data not understood")
            continue
        keys.values.append(RegistryValue(name=match["name"], type=kind, value=value,
                                         line=number))
    keys.close()
    return RegistryExport(shape="reg-query", keys=tuple(keys.keys),
                          unparsed=tuple(keys.unparsed))


# ---- .reg files ---------------------------------------------------------------------------------
def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _hex_bytes(data: str) -> bytes:
    cleaned = "".join(data.replace("\\", "").split()).rstrip(",")
    return bytes(int(part, 16) for part in cleaned.split(",")) if cleaned else b""


def _string_bytes(raw: bytes, unicode: bool) -> str:
    text = raw.decode("utf-16-le" if unicode else "cp1252", errors="replace")
    return text.rstrip("\x00")


def _file_data(data: str, unicode: bool) -> tuple[str, int | str | None]:
    """(type, value) of the text after `=` on a .reg value line."""
    data = data.strip()
    if data == "-":
        return "delete", None
    if data.startswith('"'):
        if len(data) < 2 or not data.endswith('"'):
            raise ValueError("unterminated string")
        return "REG_SZ", _unescape(data[1:-1])
    lowered = data.lower()
    if lowered.startswith("dword:"):
        return "REG_DWORD", int(data[6:].strip(), 16)
    match = re.match(r"hex(?:\((?P<code>[0-9a-f]+)\))?:(?P<bytes>.*)$", data, re.IGNORECASE)
    if not match:
        raise ValueError("unknown data type")
    code = (match["code"] or "3").lower()
    kind = _HEX_TYPES.get(code, f"REG_TYPE_{code}")
    raw = _hex_bytes(match["bytes"])
    if kind == "REG_DWORD" or kind == "REG_QWORD":
        return kind, int.from_bytes(raw, "little")
    if kind == "REG_DWORD_BIG_ENDIAN":
        return kind, int.from_bytes(raw, "big")
    if kind in ("REG_SZ", "REG_EXPAND_SZ"):
        return kind, _string_bytes(raw, unicode)
    if kind == "REG_MULTI_SZ":
        return kind, "\n".join(p for p in _string_bytes(raw, unicode).split("\x00") if p)
    return kind, raw.hex()


def _logical_lines(lines: list[str], start: int) -> list[tuple[int, str]]:
    """Lines after the header, hex data continued with a trailing backslash joined."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.rstrip()
        if pending is not None:
            pending = (pending[0], pending[1][:-1] + line.strip())
        else:
            pending = (number, line)
        if pending[1].endswith("\\") and re.search(r"=\s*hex", pending[1], re.IGNORECASE):
            continue
        joined.append(pending)
        pending = None
    if pending is not None:
        joined.append(pending)
    return joined


def _parse_reg_file(lines: list[str], header_line: int, header: str) -> RegistryExport:
    keys = _Keys()
    unicode = not header.upper().startswith("REGEDIT4")
    for number, line in _logical_lines(lines, header_line):
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        match = _FILE_KEY.match(stripped)
        if match:
            keys.open(match["path"], number, deleted=bool(match["deleted"]))
            continue
        value = _FILE_VALUE.match(stripped)
        if not value:
            keys.skip(number, line, "not a key or value line of a .reg file")
            continue
        if keys.path is None:
            keys.skip(number, line, "value before the first [key] line")
            continue
        try:
            kind, data = _file_data(value["data"], unicode)
        except ValueError as exc:
            keys.skip(number, line, f"value data not understood ({exc})")
            continue
        name = "@" if value["name"] is None else _unescape(value["name"])
        keys.values.append(RegistryValue(name=name, type=kind, value=data, line=number))
    keys.close()
    return RegistryExport(shape="reg-file", header=header, keys=tuple(keys.keys),
                          unparsed=tuple(keys.unparsed))
