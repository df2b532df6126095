"""certutil -verify text -> :class:`CertutilVerify`.

The grammar (grammars/certutil_verify.lark) names each line's kind and groups lines into
blocks led by header lines. This module walks those blocks in order and hands each line to the
unit that reads its kind: `identity` (the name asked about and the preamble), `chain` (the
chain summary), `element` (element blocks, their fields, policies and CRL blocks), `hashes`
(the chain hashes and the certificate echo), `urlfetch` (-urlfetch retrieval reports),
`trailer` (verdicts and errors) and `other` (lines of no known kind). Lines whose meaning
depends on where they stand (a `Issuer:` field of an element, of a CRL block or of the
certificate echo after the chain hashes) are placed by the block they are in and by the line
before them; that state is `state.Reading`. A line that fits nowhere is kept as unparsed.
Each unit builds its part of the model; this module assembles them.
"""

from __future__ import annotations

from collections.abc import Callable

from lark import Token, Tree

from ...grammars import CERTUTIL_VERIFY
from ...knowledge.l10n import certutil_l10n
from ...text.normalize import NormalizedText, normalize
from .._lark import get_parser
from .chain import ChainLines
from .element import ElementLines
from .hashes import HashLines
from .identity import IdentityLines
from .model import CertutilVerify
from .other import OtherLines
from .state import ElementDraft, Reading
from .trailer import TrailerLines
from .urlfetch import UrlfetchLines

Handler = Callable[[str, int], None]


def parse(text: str) -> CertutilVerify:
    """Parse decoded certutil output (any paste damage included) into a model."""
    norm = normalize(text)
    tree = get_parser(CERTUTIL_VERIFY).parse(norm.text)
    reader = _Reader(norm)
    for block in tree.children:
        assert isinstance(block, Tree)
        reader.block(block)
    return reader.result()


def _handlers(*units: object) -> dict[str, Handler]:
    """Each unit's `on_<kind>` methods by the terminal they read (a kind has one reader)."""
    table: dict[str, Handler] = {}
    for unit in units:
        for name in dir(unit):
            if name.startswith("on_"):
                kind = name[3:].upper()
                assert kind not in table, f"two readers for {kind} lines"
                table[kind] = getattr(unit, name)
    return table


class _Reader:
    """Hands the lines of one parse tree to the units, block by block, and assembles the
    model."""

    def __init__(self, norm: NormalizedText) -> None:
        self.reading = reading = Reading(norm, certutil_l10n())
        self.trailer = TrailerLines(reading)
        self.urlfetch = UrlfetchLines(reading)
        self.hashes = HashLines(reading)
        other = OtherLines(reading, self.trailer, self.urlfetch)
        self.identity = IdentityLines(reading, self.trailer, self.hashes)
        self.chain = ChainLines(reading)
        self.elements = ElementLines(reading, self.identity, self.hashes, other)
        self.handlers = _handlers(self.trailer, self.urlfetch, self.hashes, other,
                                  self.identity, self.chain, self.elements)

    def block(self, tree: Tree[Token]) -> None:
        """Read one block: a new block closes the open CRL block and any trailer list."""
        self.reading.mode = str(tree.data)
        self.reading.crl = None
        self.reading.list_target = None
        for child in tree.children:
            if isinstance(child, Tree):
                self.urlfetch.section(child)
            else:
                self._line(child)

    def _line(self, token: Token) -> None:
        reading = self.reading
        line = reading.lineno(token)
        reading.line = line
        text = token.rstrip("\n")
        if self.elements.in_crl(token.type, text, line):
            return
        self.handlers[token.type](text, line)
        if reading.current is not None and reading.mode in ("element", "lead"):
            reading.current.touch(line)

    # ---- result -----------------------------------------------------------------------------
    def result(self) -> CertutilVerify:
        """The model of everything read."""
        reading = self.reading
        elements, echo = self._elements()
        identity = self.identity.model()
        self._mark_truncation()
        trailer = self.trailer.model()
        return CertutilVerify(
            variant=reading.variant,
            identity=identity,
            preamble=self.identity.preamble_model(),
            chain=self.chain.models(),
            elements=tuple(e.build() for e in elements),
            echo=echo.build() if echo else None,
            hashes=self.hashes.model(),
            errors=tuple(self.trailer.errors),
            trailer=trailer,
            elided=tuple(self.trailer.elided),
            unparsed=tuple(reading.unparsed),
            repairs=tuple(reading.norm.repairs),
            complete=self.identity.started and trailer.completed is not None,
            line_count=len(reading.norm.lines),
        )

    def _elements(self) -> tuple[list[ElementDraft], ElementDraft | None]:
        """The chain elements and the certificate echo: a first element without index or status
        before indexed ones is the certificate printed before the chain, not an element."""
        elements = self.reading.elements
        echo = self.hashes.echo
        if elements and elements[0].index is None and not elements[0].has_status() and any(
            e.index is not None for e in elements
        ):
            lead = elements.pop(0)
            echo = echo or lead
        return elements, echo

    def _mark_truncation(self) -> None:
        """An unparsed last line may be where a paste was cut: say so."""
        unparsed = self.reading.unparsed
        last = self.reading.norm.origin[-1] if self.reading.norm.origin else 0
        if unparsed and unparsed[-1].line == last:
            cut = unparsed[-1]
            unparsed[-1] = cut.model_copy(
                update={"reason": f"{cut.reason} (the input ends here: a truncated paste?)"})
