"""The format registry: every input format certtriage reads, in the order it is sniffed.

A format is one package here, with one name used everywhere (`certutil_verify`: the package,
`grammars/certutil_verify.lark` when it has a grammar, `knowledge/rules/certutil_verify/`; its
id `certutil-verify` is the same name as the JSON reports spell it):

* `__init__.py` recognises the format cheaply (no parser, model or lark import): a sniffer
  called with the decoded text, the bytes, or the first bytes of a streamed file;
* `parser.py` (or the module the entry names) reads it: `parse(text | bytes)` returns the
  format's root model, or raises :class:`~certtriage.errors.ParseError`;
* `model.py` holds what it is (frozen pydantic models; shared pieces in `models.common`);
* `predicates.py` holds what its rules may ask of it (see `knowledge.predicates`).

Adding a format is one package, its rule folder, and one line in :data:`FORMATS`. Packages are
imported on first use, so a run pays only for the formats its inputs need.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from importlib import import_module
from types import ModuleType
from typing import Any, Literal


class FormatId(str, Enum):
    """The id of each input format, as results and rules name it."""

    EVTX = "evtx"
    """A binary .evtx event log file."""
    CERTIFICATE_FILE = "certificate-file"
    """A certificate file: .cer / .crt / .p7b, DER or PEM."""
    CERTUTIL_VERIFY = "certutil-verify"
    """certutil -verify [-urlfetch] output, and the chain part of -scinfo / -dcinfo."""
    EVENT_LOG = "event-log"
    """Windows events as text: Event Viewer copies, wevtutil, Format-List, CSV, XML, messages."""
    NETSH_SSLCERT = "netsh-sslcert"
    """`netsh http show sslcert` output."""
    SCHANNEL_REGISTRY = "schannel-registry"
    """Schannel registry settings (`reg query` text or a .reg file)."""
    IIS_CONFIG = "iis-config"
    """IIS 6 metabase.xml, IIS 7+ applicationHost.config or web.config."""
    IIS_W3C_LOG = "iis-w3c-log"
    """An IIS W3C log."""
    IIS_FREB = "iis-freb"
    """An IIS Failed Request Tracing log (`fr000001.xml`)."""
    CERTUTIL_STORE = "certutil-store"
    """A `certutil -store` dump."""
    OPENSSL_S_CLIENT = "openssl-s-client"
    """`openssl s_client` output: the server's handshake as a client sees it."""
    OPENSSL_X509 = "openssl-x509"
    """`openssl x509 -text` output: a certificate as OpenSSL prints it."""
    OPENSSL_VERIFY = "openssl-verify"
    """`openssl verify` output: OpenSSL's check of a certificate's chain."""
    TICKET = "ticket"
    """Text that is no export of its own but holds evidence: an e-mail, a post, notes."""


#: The kind of a result whose input no format recognised.
UNKNOWN = "unknown"

Reads = Literal["text", "bytes", "stream"]
"""What a format's parser takes: decoded text, the whole bytes, or a file it streams itself."""
Evidence = Literal["chain", "log", "configuration", "certificate", "mixed"]
"""What a format tells about a failure: a chain validation, a log of what happened, settings,
a certificate as issued, or pieces of several of these."""


@dataclass(frozen=True)
class Format:
    """One input format: how to recognise it, how to read it, what it is evidence of."""

    id: FormatId
    """Its id."""
    title: str
    """Its name, for people."""
    package: str
    """Its package under `certtriage.parsers`."""
    reads: Reads
    """What its parser takes."""
    evidence: Evidence
    """What it is evidence of (cases compare a passing chain with a log that shows rejects)."""
    sniffer: str = "sniff"
    """The recogniser's name in the package's `__init__`."""
    parser: str = "parser"
    """The module in the package whose `parse` reads the format."""
    redact: tuple[str, ...] = ()
    """Model fields whose values name hosts or people (masked by `--redact`)."""
    max_lines: int | None = None
    """Lines of a text input read at most (the rest are counted and reported): the reader
    holds a structure per line, so this bounds the memory one input can take."""
    as_written: str | None = None
    """The name, in the package's `__init__`, of a test for texts the format reads as they
    stand, escapes and all (JSON it reads itself): their framing is not undone for it."""

    def module(self, name: str = "") -> ModuleType:
        """The format's package, or one of its modules (imported on first use)."""
        return _module(f"{__name__}.{self.package}" + (f".{name}" if name else ""))

    def sniff(self, probe: Any) -> bool:
        """Whether `probe` (text, bytes or the first bytes of a file, as `reads` says) looks
        like this format."""
        return bool(getattr(self.module(), self.sniffer)(probe))

    def reads_as_written(self, probe: Any) -> bool:
        """Whether the format reads `probe` with its framing (`as_written`)."""
        return self.as_written is not None and bool(
            getattr(self.module(), self.as_written)(probe))

    def parse(self, data: Any, **options: Any) -> Any:
        """The format's root model of `data` (text, bytes, or a path or bytes to stream)."""
        return self.module(self.parser).parse(data, **options)

    def predicates(self) -> ModuleType:
        """The module that registers the format's predicates."""
        return self.module("predicates")


#: Every format, in the order they are tried: bytes first (a binary file is never decoded as
#: text), then text shapes from the most to the least specific.
FORMATS: tuple[Format, ...] = (
    Format(FormatId.EVTX, "EVTX event log", "events", "stream", "log",
           sniffer="sniff_evtx", parser="evtx", redact=("computer",)),
    Format(FormatId.CERTIFICATE_FILE, "certificate file", "certificate_file", "bytes",
           "certificate", sniffer="sniff_bytes"),
    Format(FormatId.CERTUTIL_VERIFY, "certutil -verify output", "certutil_verify", "text",
           "chain", redact=("template",), max_lines=30_000),
    # Before the events: a trace's events are in the event schema, inside its <failedRequest>.
    Format(FormatId.IIS_FREB, "IIS failed request trace", "iis_freb", "text", "log",
           redact=("computer", "client", "user"), max_lines=100_000),
    Format(FormatId.EVENT_LOG, "Windows events", "events", "text", "log",
           sniffer="sniff_text", parser="text", redact=("computer", "targetname", "target_name"),
           max_lines=100_000, as_written="json_records"),
    Format(FormatId.NETSH_SSLCERT, "netsh http show sslcert", "netsh_sslcert", "text",
           "configuration", redact=("endpoint", "hostname"), max_lines=100_000),
    Format(FormatId.SCHANNEL_REGISTRY, "Schannel registry", "schannel_registry", "text",
           "configuration", max_lines=100_000),
    Format(FormatId.IIS_CONFIG, "IIS configuration", "iis_config", "text", "configuration",
           redact=("server_comment", "site_name")),
    Format(FormatId.IIS_W3C_LOG, "IIS W3C log", "iis_w3c_log", "text", "log",
           redact=("machine_name",)),
    Format(FormatId.CERTUTIL_STORE, "certutil -store dump", "certutil_store", "text",
           "configuration", redact=("template",), max_lines=100_000),
    Format(FormatId.OPENSSL_S_CLIENT, "openssl s_client output", "openssl_s_client", "text",
           "configuration", max_lines=100_000),
    Format(FormatId.OPENSSL_X509, "openssl x509 -text output", "openssl_x509", "text",
           "certificate", redact=("template",), max_lines=100_000),
    Format(FormatId.OPENSSL_VERIFY, "openssl verify output", "openssl_verify", "text", "chain",
           max_lines=100_000),
    # Last: what no format claims as a whole is scanned for pieces of evidence.
    Format(FormatId.TICKET, "ticket", "ticket", "text", "mixed", max_lines=100_000),
)


@functools.cache
def _module(name: str) -> ModuleType:
    """A module, once imported: a lookup per use instead of the import machinery's walk (a
    format's modules are asked for several times an input)."""
    return import_module(name)


@functools.cache
def by_id(format_id: str) -> Format:
    """The format with id `format_id` (a FormatId or its value)."""
    wanted = FormatId(format_id)
    return next(f for f in FORMATS if f.id is wanted)


def redaction_fields() -> frozenset[str]:
    """Every model field that some format marks as naming hosts or people."""
    return frozenset(name for f in FORMATS for name in f.redact)
