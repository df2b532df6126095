"""What reading certutil output keeps across blocks: where the reader stands, and the chain
elements read so far.

The grammar groups lines into blocks led by header lines, but what a line means can depend on
an earlier block: a field line with no element header before it belongs to the element that is
open (or opens one), a `Cannot find certificate:` line turns the name lines after it into a
list. :class:`Reading` is that state for one chain (a run), kept to a few fields; each block
kind's lines are read by their own unit (`identity`, `chain`, `element`, `hashes`, `urlfetch`,
`trailer`, `other`), which owns what it collects. :class:`Command` is what spans the runs of
one output: the input, the command's own lines, and what could not be placed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ...knowledge.l10n import CertutilL10n
from ...models.common import (
    ChainElement,
    CrlInfo,
    HResult,
    Policy,
    Span,
    UnparsedLine,
    UrlCheck,
)
from ...text.normalize import NormalizedText
from .._values import decode_status, parse_date, parse_flag_line, read_hresult
from .commands import CodeSlip
from .lines import Line

#: The largest value of a 32-bit status word.
U32 = 0xFFFFFFFF
#: An OID and the name printed after it (policy lines of an element and of the trailer).
OID = re.compile(r"^(?P<oid>\d+(?:\.\d+)+)\s*(?P<name>.*)$")
_MAX_EXCERPT = 300


@functools.lru_cache(maxsize=4096)
def span(start: int, end: int) -> Span:
    """`Span(start=start, end=end)`: a frozen value, one per pair of lines (a dump makes about
    twenty, the same few line numbers in every dump)."""
    return Span.trusted(start=start, end=end)


@dataclass
class ElementDraft:
    """One chain element while its lines are read."""

    chain_index: int | None = None
    index: int | None = None
    header_info: int | None = None
    header_error: int | None = None
    listed_info: int | None = None
    listed_error: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    policies: list[Policy] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    crls: list[dict[str, Any]] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def touch(self, line: int) -> None:
        """Extend the element's span to `line`."""
        self.start = self.start or line
        self.end = max(self.end, line)

    def has_status(self) -> bool:
        """Whether a status word or a URL retrieval has been read for it."""
        return any(
            v is not None
            for v in (self.header_info, self.header_error, self.listed_info, self.listed_error)
        ) or bool(self.checks)

    def build(self) -> ChainElement:
        """The element's model: header status words win over the listed ones."""
        info = self.header_info if self.header_info is not None else self.listed_info
        error = self.header_error if self.header_error is not None else self.listed_error
        f = self.fields
        return ChainElement.trusted(
            chain_index=self.chain_index,
            index=self.index,
            info_status=decode_status("info", info) if info is not None else None,
            error_status=decode_status("error", error) if error is not None else None,
            not_before_at=parse_date(f.get("not_before")),
            not_after_at=parse_date(f.get("not_after")),
            policies=tuple(self.policies),
            url_checks=tuple(UrlCheck.trusted(**c) for c in self.checks),
            crls=tuple(
                CrlInfo.trusted(this_update_at=parse_date(c.get("this_update")),
                                next_update_at=parse_date(c.get("next_update")), **c)
                for c in self.crls
            ),
            span=span(self.start, self.end),
            **f,
        )


@dataclass
class Command:
    """What spans the runs of one output: the input, the verb, the command's final lines, and
    what could not be placed."""

    norm: NormalizedText
    """The normalised input (its `origin` maps a token's line back to the input)."""
    l10n: CertutilL10n
    """Translated certutil words, for every unit."""
    variant: str = "verify"
    """Which command printed the output, as far as the lines show."""
    trailer: dict[str, Any] = field(default_factory=dict)
    """The final lines of a verb that verifies several certificates (-scinfo, -dcinfo)."""
    unparsed: list[UnparsedLine] = field(default_factory=list)
    """Lines kept but not placed."""
    slips: list[CodeSlip] = field(default_factory=list)
    """Error codes read through a typing slip."""
    current: Reading | None = None
    """The run being read."""

    @property
    def run(self) -> Reading:
        """The run being read (the units of the command write to it)."""
        assert self.current is not None
        return self.current

    def note(self, text: str) -> None:
        """Keep a context line (a card's reader, a key test) as a note of the run."""
        self.run.notes.append(text)

    def unplaced(self, text: str, line: int, reason: str) -> None:
        """Keep a line that fits nowhere, with why."""
        self.unparsed.append(UnparsedLine(line=line, text=text[:_MAX_EXCERPT], reason=reason))

    def code(self, text: str, line: int) -> tuple[HResult, int | None] | None:
        """The error code of a line (and its Win32 number), noting a typing slip."""
        read = read_hresult(text, line)
        if read is None:
            return None
        if read.slip is not None:
            self.slips.append(CodeSlip(line=line, printed=read.printed,
                                       read_as=read.hresult.hex, note=read.slip))
        return read.hresult, read.win32


@dataclass
class Reading:
    """The state of one run that spans blocks, and its elements."""

    command: Command
    """The output this run is part of."""
    phase: str = "start"
    """How far the output has come: start -> chain -> trailer."""
    mode: str = "lead"
    """The kind of the block being read (the grammar's rule name)."""
    line: int = 0
    """The input line of the token being read."""
    elements: list[ElementDraft] = field(default_factory=list)
    """The elements in the order they were opened."""
    current: ElementDraft | None = None
    """The open element: the one a line without its own context belongs to."""
    crl: dict[str, Any] | None = None
    """The open CRL block of an element: its `Issuer:` ... fields are the CRL's."""
    list_target: str | None = None
    """The trailer list that name or OID lines extend (cannot_find, verified_* policies)."""
    lines: int = 0
    """How many lines this run read."""
    first_line: int = 0
    """The input line of its first line."""
    kind: str = "lead"
    """What the run is: lead (before any certificate), card (-scinfo), listed (-dcinfo),
    verify (a further -verify run), dc_test / dc_store (a -dcinfo heading)."""
    number: int | None = None
    """The certificate's number in a -scinfo / -dcinfo listing."""
    certificate: dict[str, Any] = field(default_factory=dict)
    """-scinfo / -dcinfo fields of the run's certificate (a ListedCertificate)."""
    context: dict[str, Any] = field(default_factory=dict)
    """Where the run stands in a -dcinfo output: `dc` and `store` (their indexes)."""
    notes: list[str] = field(default_factory=list)
    """Context lines recognised but not modelled (the trailer's `notes`)."""

    @property
    def norm(self) -> NormalizedText:
        """The normalised input."""
        return self.command.norm

    @property
    def l10n(self) -> CertutilL10n:
        """Translated certutil words."""
        return self.command.l10n

    @property
    def unparsed(self) -> list[UnparsedLine]:
        """Lines kept but not placed (for the whole output)."""
        return self.command.unparsed

    @property
    def variant(self) -> str:
        """Which command printed the output."""
        return self.command.variant

    @variant.setter
    def variant(self, value: str) -> None:
        self.command.variant = value

    def code(self, text: str, line: int) -> tuple[HResult, int | None] | None:
        """The error code of a line (and its Win32 number), noting a typing slip."""
        return self.command.code(text, line)

    def lineno(self, line: Line) -> int:
        """The input line of a normalised line."""
        return self.norm.origin[line.number - 1]

    def unplaced(self, text: str, line: int, reason: str) -> None:
        """Keep a line that fits nowhere, with why."""
        self.command.unplaced(text, line, reason)

    def element(self) -> ElementDraft:
        """The element a line without its own context belongs to (created if none is open)."""
        current, line = self.current, self.line
        if current is None:
            current = self.current = ElementDraft(start=line, end=line)
            self.elements.append(current)
        current.touch(line)
        return current

    def status_bit(self, text: str, line: int) -> tuple[str, int] | None:
        """(`error` or `info`, value) of a `X.dwErrorStatus = NAME (0xH)` line."""
        _, value = parse_flag_line(text)
        if value is None or value > U32:
            self.unplaced(text, line, "status line without a 32-bit value")
            return None
        return ("error" if "dwErrorStatus" in text else "info"), value
