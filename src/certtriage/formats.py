"""The configuration and log formats (beyond certutil and event logs), as a registry.

Each format lives in its own parser module that provides:

* `FORMAT_ID` (str): the id that rules name in `applies_to` and that results report as `kind`;
* `sniff(text: str) -> bool` for text formats, or `sniff_bytes(data: bytes) -> bool` for
  binary ones: a cheap test on the start of the input;
* `parse(text: str)` or `parse_bytes(data: bytes)`: the input as a frozen model with an
  `unparsed: tuple[UnparsedLine, ...]` field (lines kept, not placed).

A new format is one more entry in MODULES, its parser, models, predicates and rules; nothing
else changes. Modules are imported on first use, so start-up pays only for what an input needs.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

#: Parser modules, in the order their sniffers are tried (specific shapes first).
MODULES = (
    "certtriage.parsers.certificate_file.parser",
    "certtriage.parsers.netsh_sslcert.parser",
    "certtriage.parsers.schannel_registry.parser",
    "certtriage.parsers.iis_config.parser",
    "certtriage.parsers.iis_w3c_log.parser",
    "certtriage.parsers.certutil_store.parser",
)


@dataclass(frozen=True)
class Format:
    """One registered format."""

    id: str
    module: ModuleType

    @property
    def binary(self) -> bool:
        """Whether it reads bytes rather than text."""
        return hasattr(self.module, "sniff_bytes")

    def sniff_text(self, text: str) -> bool:
        """Whether `text` looks like this format."""
        sniff = getattr(self.module, "sniff", None)
        return bool(sniff and sniff(text))

    def sniff_data(self, data: bytes) -> bool:
        """Whether `data` looks like this (binary) format."""
        sniff = getattr(self.module, "sniff_bytes", None)
        return bool(sniff and sniff(data))

    def parse_text(self, text: str) -> Any:
        """Parse text input."""
        return self.module.parse(text)

    def parse_data(self, data: bytes) -> Any:
        """Parse binary input."""
        return self.module.parse_bytes(data)


@functools.cache
def formats() -> tuple[Format, ...]:
    """Every registered format (modules imported once)."""
    loaded = []
    for name in MODULES:
        module = importlib.import_module(name)
        loaded.append(Format(id=module.FORMAT_ID, module=module))
    return tuple(loaded)


def detect_text(text: str) -> Format | None:
    """The first text format whose sniffer accepts `text`."""
    return next((f for f in formats() if not f.binary and f.sniff_text(text)), None)


def _may_be_binary_format(data: bytes) -> bool:
    """A byte-level hint, so text inputs do not import every format's parser: DER starts with
    a SEQUENCE, PEM has a BEGIN line, Windows tools write UTF-16 with a BOM."""
    head = data[:8192]
    return head[:1] == b"\x30" or b"BEGIN" in head or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def detect_bytes(data: bytes) -> Format | None:
    """The first binary format whose sniffer accepts `data`."""
    if not _may_be_binary_format(data):
        return None
    return next((f for f in formats() if f.binary and f.sniff_data(data)), None)
