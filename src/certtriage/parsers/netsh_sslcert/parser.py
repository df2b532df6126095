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
from . import _FIRST, _HEADER, COMMAND
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


def _switch(value: str) -> bool:
    text = value.strip().lower()
    if text not in ("enable", "disable"):
        raise ValueError(value)
    return text == "enable"


#: `netsh http add sslcert` parameters -> model field and value reader (the binding's own:
#: `ipport`, `hostnameport`, `ccs`, are in `_COMMAND_KINDS`).
_PARAMETERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "certhash": ("certificate_hash", _text),
    "appid": ("application_id", _text),
    "certstorename": ("store_name", _text),
    "verifyclientcertrevocation": ("verify_revocation", _switch),
    "verifyrevocationwithcachedclientcertonly": ("cached_only", _switch),
    "usagecheck": ("usage_check", _switch),
    "revocationfreshnesstime": ("revocation_freshness_time", _int),
    "urlretrievaltimeout": ("url_retrieval_timeout", _int),
    "sslctlidentifier": ("ctl_identifier", _text),
    "sslctlstorename": ("ctl_store_name", _text),
    "dsmapperusage": ("ds_mapper", _switch),
    "clientcertnegotiation": ("negotiate_client_certificate", _switch),
}
_COMMAND_KINDS: dict[str, BindingKind] = {"ipport": "ip_port", "hostnameport": "hostname_port",
                                          "ccs": "ccs"}
#: A `name=value` parameter; a value ends at a blank or a quote, or at the backtick of the
#: inline code a post wrote the command in.
_PARAMETER = re.compile(r"([A-Za-z]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'`]+)")


def _pairs(text: str) -> list[tuple[str, str]]:
    """The `name=value` parameters in `text`, names in lower case, values unquoted; an
    unquoted value without the sentence's punctuation after it (`...=disable).`: no value of
    netsh ends so)."""
    return [(m[1].lower(), m[2].strip("\"'") if m[2][:1] in "\"'" else m[2].rstrip(").,;:"))
            for m in _PARAMETER.finditer(text)]


def _parameters(line: str) -> list[tuple[str, str]] | None:
    """The parameters of a line that holds nothing else (a command's continuation, perhaps
    ending in a shell's continuation mark), or None."""
    pairs = _pairs(line)
    rest = _PARAMETER.sub("", line).strip()
    return pairs if pairs and not rest.strip("^`\\") else None


def _command(lines: list[str], start: int, first: str) -> tuple[SslBinding | None, int,
                                                                  list[UnparsedLine]]:
    """The binding a `netsh http add|update sslcert` command sets, from the text after its
    verb on line `start` (0-based) and the lines that only continue its parameters; with the
    index of the line after it and what it could not read."""
    pairs = _pairs(first)
    end = start + 1
    while end < len(lines) and (more := _parameters(lines[end])) is not None:
        pairs.extend(more)
        end += 1
    problems: list[UnparsedLine] = []
    kind = next(((_COMMAND_KINDS[k], v) for k, v in pairs if k in _COMMAND_KINDS), None)
    if kind is None:
        return None, end, problems
    builder = _Builder(kind[0], kind[1], start + 1)
    for name, value in pairs:
        if name not in _PARAMETERS:
            continue
        field, read = _PARAMETERS[name]
        try:
            builder.data[field] = read(value)
        except ValueError:
            problems.append(UnparsedLine(line=start + 1, text=f"{name}={value}"[:300],
                                         reason=f"value of {name} not understood"))
            continue
        builder.lines[field] = start + 1
    builder.data["command"] = True
    return builder.build(), end, problems


def _norm(label: str) -> str:
    return " ".join(label.split()).lower()


def _split(line: str) -> tuple[int, str, str, str] | None:
    """`(indent, label, value, note)` of a `label : value` line, or None; `note` is what a
    post wrote after the value (`★ <<< default`, `<- wrong!`), left out of it."""
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" \t"))
    lowered = stripped.lower()
    for key in ("ip:port", "hostname:port"):
        if lowered.startswith(key):
            rest = stripped[len(key):]
            match = re.match(r"^[ \t]*:[ \t]*(.*)$", rest)
            if match:
                return indent, stripped[:len(key)], *_noted(match.group(1).strip())
    match = _LABEL_VALUE.match(stripped)
    if not match or not match["label"].strip():
        return None
    return indent, match["label"].strip(), *_noted((match["value"] or "").strip())


#: Where a note after a value starts: blanks, then what no value of netsh's continues with (a
#: value is a word, a number, `(null)`, a `{GUID}`, `Not Set`, a store name of two words).
_NOTE = re.compile(r"[ \t]+(?=[^A-Za-z0-9({\[\s])")


def _noted(value: str) -> tuple[str, str]:
    """A value and the note written after it (`''` when there is none)."""
    note = _NOTE.search(value)
    return (value, "") if note is None else (value[:note.start()], value[note.end():])


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
    if not _HEADER.search(text) and not _FIRST.search(text) and not COMMAND.search(text):
        raise ParseError("no `SSL Certificate bindings:` header, binding line or `netsh http "
                         "add sslcert` command in the input")
    bindings: list[SslBinding] = []
    unparsed: list[UnparsedLine] = []
    header_line: int | None = None
    current: _Builder | None = None
    block: dict[str, str] | None = None
    block_indent = 0

    def skip(number: int, line: str, reason: str) -> None:
        unparsed.append(UnparsedLine(line=number, text=line.strip()[:300], reason=reason))

    lines = text.split("\n")
    following = 0  # the first line not read as part of a command
    for number, line in enumerate(lines, start=1):
        if number <= following or not line.strip():
            continue
        command = COMMAND.search(line)
        if command is not None:
            if current is not None:
                bindings.append(current.build())
                current, block = None, None
            binding, following, problems = _command(lines, number - 1, line[command.end():])
            unparsed.extend(problems)
            if binding is not None:
                bindings.append(binding)
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
        indent, label, value, note = parts
        if note:
            skip(number, note, "a note after the value, not part of it")
        key = _norm(label)
        if key in _KINDS:
            if current is not None:
                bindings.append(current.build())
            current = _Builder(_KINDS[key], value, number)
            block = None
            continue
        if current is None:  # a known setting out of place, or a sentence with a colon
            skip(number, line, "setting before the first IP:port / Hostname:port line"
                 if key in _FIELDS else "not a `label : value` line of netsh http show sslcert")
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
