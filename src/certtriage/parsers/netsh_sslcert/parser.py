"""`netsh http show sslcert` output -> :class:`SslCertBindings`.

The output is a header (`SSL Certificate bindings:` over a dashed rule), then one block of
`label : value` lines per binding, blocks separated by blank lines. Alignment differs by
Windows version (older builds pad to a common column, newer ones let long labels overflow),
so a line is split at the first colon that is followed by white space or ends the line, after
the binding labels that contain a colon themselves (`IP:port`, `Hostname:port`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...errors import ParseError
from ...models.common import UnparsedLine
from . import _FIRST, _HEADER
from .model import BindingKind, SslBinding, SslCertBindings

_RULE = re.compile(r"^[ \t]*-{5,}[ \t]*$")
_PROMPT = r"(?:PS [^>]*>|[A-Za-z]:\\[^>]*>)"
#: The command line itself, or a bare prompt after the output.
_COMMAND = re.compile(rf"^\s*(?:{_PROMPT}\s*$|{_PROMPT}?\s*netsh(?:\.exe)?\s)", re.IGNORECASE)
_LABEL_VALUE = re.compile(r"^(?P<label>[^:]*?)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")

_KINDS: dict[str, BindingKind] = {
    "ip:port": "ip_port",
    "hostname:port": "hostname_port",
    "central certificate store": "ccs",
}
_BOOLS = {"enabled": True, "set": True, "disabled": False, "not set": False}


def _text(value: str) -> str | None:
    return None if value.strip().lower() in ("", "(null)") else value.strip()


def _bool(value: str) -> bool | None:
    text = value.strip().lower()
    if text in ("", "(null)"):
        return None
    if text not in _BOOLS:
        raise ValueError(value)
    return _BOOLS[text]


def _int(value: str) -> int | None:
    text = value.strip()
    if text.lower() in ("", "(null)"):
        return None
    return int(text, 10)


#: Known labels (normalised) -> model field and value reader.
_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "certificate hash": ("certificate_hash", _text),
    "application id": ("application_id", _text),
    "certificate store name": ("store_name", _text),
    "verify client certificate revocation": ("verify_revocation", _bool),
    "verify revocation using cached client certificate only": ("cached_only", _bool),
    "usage check": ("usage_check", _bool),
    "revocation freshness time": ("revocation_freshness_time", _int),
    "url retrieval timeout": ("url_retrieval_timeout", _int),
    "ctl identifier": ("ctl_identifier", _text),
    "ctl store name": ("ctl_store_name", _text),
    "ds mapper usage": ("ds_mapper", _bool),
    "negotiate client certificate": ("negotiate_client_certificate", _bool),
}


def _norm(label: str) -> str:
    return " ".join(label.split()).lower()


def _split(line: str) -> tuple[int, str, str] | None:
    """`(indent, label, value)` of a `label : value` line, or None."""
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" \t"))
    lowered = stripped.lower()
    for key in ("ip:port", "hostname:port"):
        if lowered.startswith(key):
            rest = stripped[len(key):]
            match = re.match(r"^[ \t]*:[ \t]*(.*)$", rest)
            if match:
                return indent, stripped[:len(key)], match.group(1).strip()
    match = _LABEL_VALUE.match(stripped)
    if not match or not match["label"].strip():
        return None
    return indent, match["label"].strip(), (match["value"] or "").strip()


class _Builder:
    """One binding being read."""

    def __init__(self, kind: BindingKind, endpoint: str, line: int) -> None:
        self.data: dict[str, Any] = {"kind": kind, "endpoint": endpoint or "?", "line": line}
        self.other: dict[str, str] = {}
        self.extended: list[dict[str, str]] = []
        self.lines: dict[str, int] = {}

    def build(self) -> SslBinding:
        return SslBinding(**self.data, other=self.other,
                          extended_properties=tuple(self.extended), field_lines=self.lines)


def parse(text: str) -> SslCertBindings:
    """Read `netsh http show sslcert` output; ValueError when there is none in `text`."""
    if not _HEADER.search(text) and not _FIRST.search(text):
        raise ParseError("no `SSL Certificate bindings:` header or binding line in the input")
    bindings: list[SslBinding] = []
    unparsed: list[UnparsedLine] = []
    header_line: int | None = None
    current: _Builder | None = None
    block: dict[str, str] | None = None
    block_indent = 0

    def skip(number: int, line: str, reason: str) -> None:
        unparsed.append(UnparsedLine(line=number, text=line.strip()[:300], reason=reason))

    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if _HEADER.match(line):
            header_line = header_line or number
            continue
        if _RULE.match(line) or _COMMAND.match(line):
            continue  # the dashed rule under the header; the command line itself
        parts = _split(line)
        if parts is None:
            skip(number, line, "not a `label : value` line of netsh http show sslcert")
            continue
        indent, label, value = parts
        key = _norm(label)
        if key in _KINDS:
            if current is not None:
                bindings.append(current.build())
            current = _Builder(_KINDS[key], value, number)
            block = None
            continue
        if current is None:
            skip(number, line, "setting before the first IP:port / Hostname:port line")
            continue
        if key == "extended properties" and not value:
            block = {}
            current.extended.append(block)
            block_indent = indent
            continue
        if block is not None and indent > block_indent:
            if label in block:
                block = {}
                current.extended.append(block)
            block[label] = value
            continue
        block = None
        if key in _FIELDS:
            field, read = _FIELDS[key]
            if field in current.data:
                skip(number, line, f"{label} repeated in one binding")
                continue
            try:
                current.data[field] = read(value)
            except ValueError:
                skip(number, line, f"value of {label} not understood")
                continue
            current.lines[field] = number
            continue
        if label in current.other:
            skip(number, line, f"{label} repeated in one binding")
            continue
        current.other[label] = value
        current.lines[label] = number
    if current is not None:
        bindings.append(current.build())
    return SslCertBindings(header_line=header_line, bindings=tuple(bindings),
                           unparsed=tuple(unparsed))
