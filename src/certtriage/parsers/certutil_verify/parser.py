"""certutil output text -> :class:`CertutilVerify`.

The grammar (grammars/certutil_verify.lark) names each line's kind and groups lines into
blocks led by header lines. This module walks those blocks in order and hands each line to the
unit that reads its kind: `identity` (the name asked about and the preamble), `chain` (the
chain summary), `element` (element blocks, their fields, policies and CRL blocks), `hashes`
(the chain hashes and the certificate echo), `urlfetch` (-urlfetch retrieval reports),
`trailer` (verdicts and errors) and `other` (lines of no known kind); and, for the whole
command, `listing` (-scinfo readers and card certificates), `dcinfo`, `pair` (the
two-argument -verify) and `urlcache`. Lines whose meaning depends on where they stand are
placed by the block they are in and by the line before them (`state.Reading`).

One output may verify several certificates (-scinfo, -dcinfo, -verify runs back to back):
each certificate's lines are read as a run of their own (`run`). The model is the first run
that shows a chain, with the command's own lines; the further runs are in its `runs`.
"""

from __future__ import annotations

import re
from typing import Any

from ...grammars import CERTUTIL_VERIFY
from ...knowledge.l10n import certutil_l10n
from ...text.normalize import NormalizedText, normalize
from .._lark import get_parser
from .lines import Block, Line, Section, classify, from_tree
from .model import CertutilVerify
from .run import Run, Runs
from .services import Services
from .state import Command
from .trailer import AFTER_FINAL_LINE

#: Blocks that start the run of a certificate, and the kind of run.
_RUN_BLOCKS = {"card_certificate": "card", "listed_certificate": "listed",
               "dc_test": "dc_test", "dc_store": "dc_store"}
_IDENTITY_NAMES = {"issuer", "subject", "ca_issuer", "ca_subject"}
_NUMBER = re.compile(r"(\d+)\D*$")
#: Blocks whose lines extend the open element's span.
_SPANNED = frozenset({"element", "lead"})


def parse(text: str, *, grammar: bool = False) -> CertutilVerify:
    """Parse decoded certutil output (any paste damage included) into a model.

    The lines are classified by `lines.classify` when it reads the whole input, else (or with
    `grammar=True`) by the grammar's LALR parser; both give the same blocks.
    """
    norm = normalize(text)
    blocks = None if grammar else classify(norm.text)
    if blocks is None:
        blocks = from_tree(get_parser(CERTUTIL_VERIFY).parse(norm.text))
    reader = _Reader(norm)
    try:
        for block in blocks:
            reader.block(block)
        return reader.result()
    finally:
        reader.close()


class _Reader:
    """Hands the lines of one parse tree to the units of the current run, block by block, and
    assembles the model."""

    def __init__(self, norm: NormalizedText) -> None:
        self.command = Command(norm, certutil_l10n())
        self.origin = norm.origin
        self.services = Services.of(self.command)
        self.runs = Runs(self.command, self.services)

    def close(self) -> None:
        """Let go of the run being read: it and the command point at each other, and a cycle
        is freed only by the garbage collector, with all the parse state it holds, long after
        the input (a batch's memory grew by what waited for it)."""
        self.command.current = None

    def block(self, block: Block) -> None:
        """Read one block: a new block closes the open CRL block and any trailer list; a block
        that starts another certificate starts a run."""
        kind = block.kind
        first = block.items[0]
        if kind in _RUN_BLOCKS:
            number = _NUMBER.search(first.text.rstrip(":= ")) if isinstance(first, Line) else None
            self.runs.start(_RUN_BLOCKS[kind], int(number.group(1)) if number else None)
        elif kind == "identity" and self._next_verify_run(first):
            self.runs.start("verify")
        run = self.runs.current
        reading = run.reading
        reading.mode, reading.crl, reading.list_target = kind, None, None
        origin, handlers, elements = self.origin, run.handlers, run.elements
        spanned = kind in _SPANNED  # the lines extend the open element's span
        for child in block.items:
            if isinstance(child, Section):
                run.urlfetch.section(child)
                continue
            line_kind, text, line_number = child
            line = reading.line = origin[line_number - 1]  # the input line (`Reading.lineno`)
            if not reading.first_line:
                reading.first_line = line
            reading.lines += 1
            if reading.crl is not None and elements.in_crl(line_kind, text, line):
                continue
            handlers[line_kind](text, line)
            current = reading.current
            if spanned and current is not None:  # `current.touch(line)`, inline: every line
                if not current.start:
                    current.start = line
                if line > current.end:
                    current.end = line

    def _next_verify_run(self, first: Any) -> bool:
        """An `Issuer:` label after a chain was read starts the output of another -verify."""
        reading = self.runs.current.reading
        if reading.phase == "start" or not isinstance(first, Line):
            return False
        label = first.text.rstrip(":").strip().casefold()
        return self.command.l10n.label.get(label) in _IDENTITY_NAMES

    # ---- result -----------------------------------------------------------------------------
    def result(self) -> CertutilVerify:
        """The model of everything read."""
        command, services = self.command, self.services
        runs = self.runs.all()
        chains = [r for r in runs if r.has_chain()]
        for run in runs:
            if not run.has_chain() and run.kind in ("listed", "dc_test", "dc_store"):
                services.dcinfo.attach(run.reading.context, self._certificate(run),
                                       tuple(run.trailer.errors))
        labels = self._labels(chains)
        first = chains[0] if chains else runs[0]
        urlcache, dc_tests = services.urlcache.model(), services.dcinfo.test_models()
        self._mark_truncation()
        return first.model(
            labels[0] if chains else None, self._certificate(first), command.trailer,
            started=self._started(first),
            variant=command.variant,
            runs=tuple(r.model(labels[i], self._certificate(r), None)
                       for i, r in enumerate(chains) if i > 0),
            readers=services.listing.reader_models(),
            cards=tuple(c for r in runs if r.kind == "card"
                        for c in (self._certificate(r),) if c is not None),
            dc_tests=dc_tests,
            dc_stores=services.dcinfo.store_models(),
            pair=services.pair.model(first.identity.names("ca_subject")),
            urlcache=urlcache,
            code_slips=tuple(command.slips),
            command_line=services.invocation.line,
            unparsed=tuple(sorted(command.unparsed, key=lambda u: u.line)),
            repairs=tuple(command.norm.repairs),
            line_count=len(command.norm.lines),
        )

    def _started(self, first: Run) -> bool:
        """Whether the start of the output is in the input: the certificate's name or the
        verify flags, the command line, -scinfo's reader report, -dcinfo's first DC."""
        services = self.services
        return first.identity.started or bool(
            services.invocation.line or services.listing.readers or services.dcinfo.tests
            or services.urlcache.fields)

    def _certificate(self, run: Run) -> Any:
        fields = run.reading.certificate
        if not fields:
            return None
        return self.services.listing.certificate_model(fields, run.reading.first_line or 1)

    def _labels(self, chains: list[Run]) -> list[str | None]:
        """Each chain's label: which certificate of the output it is about. A number is never
        the end of a label, so no label is the start of another (`run 1 of 12`, `run 10 of 12`):
        a report matches findings to chains by their label."""
        labels: list[str | None] = []
        for position, run in enumerate(chains, start=1):
            reading = run.reading
            if run.kind == "card":
                reader = reading.certificate.get("reader")
                number = run.number if run.number is not None else position - 1
                labels.append(f"card certificate {number} ({reader or 'reader not named'})")
            elif run.kind == "listed":
                labels.append(self.services.dcinfo.label(reading.context, run.number))
            else:
                labels.append(f"run {position} of {len(chains)}" if len(chains) > 1 else None)
        return labels

    def _mark_truncation(self) -> None:
        """An unparsed last line may be where a paste was cut: say so."""
        unparsed = self.command.unparsed
        unparsed.sort(key=lambda u: u.line)
        last = self.command.norm.origin[-1] if self.command.norm.origin else 0
        if unparsed and unparsed[-1].line == last and not unparsed[-1].reason.startswith(
                AFTER_FINAL_LINE):
            cut = unparsed[-1]
            unparsed[-1] = cut.model_copy(
                update={"reason": f"{cut.reason} (the input ends here: a truncated paste?)"})
