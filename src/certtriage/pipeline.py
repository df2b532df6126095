"""The pure per-input pipeline: one path for every format.

bytes -> decode (once, when a text format needs it) -> sniff (once, in registry order) ->
parse -> evaluate (the input, then each part of it) -> one result.

Only `analyze_path` touches the file system; everything else is a function of its arguments,
so a batch engine can map `analyze_bytes` over many machines.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .engine import evaluate, rulebook, verdict, worst_verdict
from .errors import CerttriageError, InputError
from .models.common import Piece, UnparsedLine
from .models.findings import Finding, InputResult, Report
from .parsers import FORMATS, UNKNOWN, Format, FormatId
from .parsers.ticket.model import Ticket
from .parsers.ticket.predicates import piece_part
from .parsers.ticket.scan import claim_messages, prose_lines, scan
from .text.decode import MAX_TEXT_BYTES, Document, decode
from .text.markup import undo_markup

#: EVTX files are streamed, so they may be far larger than text inputs.
MAX_EVTX_BYTES = 4 * 1024**3
#: Bytes read from a file before its format is known (enough for any binary signature).
HEAD_BYTES = 8


@dataclass
class _Input:
    """One input on its way through the pipeline: its bytes (or the file to stream) and, once
    a text format asks, its decoded text."""

    source: str
    head: bytes
    data: bytes | None = None
    path: Path | None = None
    text: str | None = None
    document: Document | None = field(default=None, repr=False)
    markup: list[str] = field(default_factory=list)
    """What undoing HTML or Markdown changed (read as warnings)."""

    def probe(self, fmt: Format) -> Any:
        """What `fmt`'s sniffer and parser read: the first bytes, the bytes, or the text
        (decoded once, on the first text format's request); None when this input has none."""
        if fmt.reads == "stream":
            return self.head
        if fmt.reads == "bytes":
            return self.data
        if self.text is None and self.data is not None:
            self.document = decode(self.data, self.source)
            self._unmark(self.document.text)
        return self.text

    def _unmark(self, text: str) -> None:
        unmarked = undo_markup(text)
        self.text, self.markup = unmarked.text, unmarked.notes()


def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
    """Diagnose one input given as bytes."""
    return _analyze(_Input(source, data[:HEAD_BYTES], data=data))


def analyze_text(text: str, source: str = "<text>") -> InputResult:
    """Diagnose one input that is already text (only text formats are tried)."""
    item = _Input(source, b"")
    item._unmark(text)
    return _analyze(item)


def analyze_path(path: str | os.PathLike[str],
                 records: Callable[[int], None] | None = None) -> InputResult:
    """Read one file and diagnose it; unreadable files give an `error` result, not an exception.

    `records`, when given, is called with the number of records read so far while a large
    EVTX file streams (for progress display).
    """
    source = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            return _failed(source, "is a folder (batch reads folders; analyze reads files)")
        size = p.stat().st_size
        with p.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        streamed = next((f for f in FORMATS if f.reads == "stream" and f.sniff(head)), None)
        if streamed is not None:
            if size > MAX_EVTX_BYTES:
                return _failed(source, f"{size} bytes is more than the {MAX_EVTX_BYTES} "
                               f"accepted for {streamed.id.value.upper()}", streamed.id.value)
            return _analyze(_Input(source, head, path=p), streamed, records)
        if size > MAX_TEXT_BYTES:
            return _failed(source, f"{size} bytes is more than the {MAX_TEXT_BYTES} accepted")
        data = p.read_bytes()
    except OSError as exc:
        return _failed(source, exc.strerror or type(exc).__name__)
    return analyze_bytes(data, source)


def _failed(source: str, problem: str, kind: str = UNKNOWN) -> InputResult:
    return InputResult(source=source, kind=kind, status="error", error=problem)


def detect(data: bytes | str) -> Format | None:
    """The format of an input given as bytes (every format is tried) or as text (text formats
    only), or None."""
    item = _Input("<probe>", b"", text=data) if isinstance(data, str) else _Input(
        "<probe>", data[:HEAD_BYTES], data=data)
    return _sniff(item)


def _sniff(item: _Input) -> Format | None:
    """The first format, in registry order, that recognises the input."""
    for fmt in FORMATS:
        probe = item.probe(fmt)
        if probe is not None and fmt.sniff(probe):
            return fmt
    return None


def _analyze(item: _Input, fmt: Format | None = None,
             records: Callable[[int], None] | None = None) -> InputResult:
    try:
        fmt = fmt or _sniff(item)
        if fmt is None:
            return InputResult(source=item.source, kind=UNKNOWN, status="unrecognized",
                               error="not certutil output or any other format certtriage reads",
                               encoding=item.document.encoding if item.document else None,
                               warnings=tuple(_decoding_warnings(item, markup=False)))
        claimed: list[Piece] = []
        if fmt.reads == "stream":
            model = fmt.parse(item.path or item.data, name=item.source, progress=records)
        elif fmt.evidence in ("chain", "configuration"):
            claimed, text = claim_messages(item.probe(fmt))
            model = fmt.parse(text)
        else:
            model = fmt.parse(item.probe(fmt))
    except (InputError, ValueError) as exc:  # a parser's one-line reason
        problem = exc.problem if isinstance(exc, InputError) else (
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return _failed(item.source, problem, fmt.id.value if fmt else UNKNOWN).model_copy(
            update={"encoding": item.document.encoding if item.document else None,
                    "warnings": tuple(_decoding_warnings(item, markup=False))})
    return _result(item, fmt, model, claimed)


def _findings(fmt: Format, model: Any, pieces: list[Piece]) -> list[Finding]:
    """The input's findings, then those of each of its parts (each linked on its own): the
    parts its format names, then the pieces found beside its main content."""
    book = rulebook()
    module = fmt.predicates()
    findings = evaluate(model, book, fmt.id.value, getattr(module, "START", None))
    parts = list(getattr(module, "parts", lambda _: ())(model))
    parts.extend(piece_part(p) for p in pieces)
    for part in parts:
        findings.extend(evaluate(part.model, book, part.kind, part.start, part.context))
    if parts:
        findings.sort(key=lambda f: (not f.root_cause, f.cause == "ok"))
    return findings


def _beside(item: _Input, fmt: Format,
            model: Any) -> tuple[list[Piece], list[UnparsedLine], int]:
    """Pieces of other evidence among the lines the format could not place, the unparsed lines
    left that are no prose, and how many lines of prose there were (prose is counted, not
    reported line by line)."""
    unparsed = list(model.unparsed)
    if not unparsed or item.text is None or fmt.id is FormatId.TICKET:
        return [], unparsed, 0
    lines = item.text.split("\n")
    candidates = [(u.line, lines[u.line - 1]) for u in unparsed
                  if u.foreign and 0 < u.line <= len(lines)]
    found = scan(candidates, beside_evidence=True)
    taken = {n for p in found.pieces for n in range(p.first_line, p.last_line + 1)}
    prose = prose_lines(found.prose)
    left = [u for u in unparsed if u.line not in taken and u.line not in prose]
    return found.pieces, left, len(prose)


def _result(item: _Input, fmt: Format, model: Any, claimed: list[Piece]) -> InputResult:
    """The one result of an input: status, verdict, root causes, codes, warnings, findings."""
    pieces, unparsed, prose = _beside(item, fmt, model)
    prose += model.prose_count()
    pieces = sorted([*claimed, *pieces], key=lambda p: p.first_line)
    findings = _findings(fmt, model, pieces)
    warnings = [f"line {u.line}: {u.reason}: {u.text[:80]}" for u in unparsed]
    warnings.extend(model.reading_notes())
    status = "parsed" if not warnings and model.read_whole() else "partial"
    if prose:
        warnings.append(f"{prose} line(s) of prose around the evidence were not read as evidence")
    shows_outcome = getattr(fmt.predicates(), "shows_outcome", lambda _: True)(model)
    result_verdict = verdict(findings, shows_outcome)
    roots = [f for f in findings if f.root_cause and f.cause != "ok"]
    roots = roots or [f for f in findings if f.cause == "ok"][:1]
    codes = model.error_codes()
    if codes is None:
        codes = tuple(dict.fromkeys(f.hresult for f in findings if f.hresult))
    codes = tuple(dict.fromkeys((*codes, *(c for p in pieces for c in p.model.error_codes()
                                            or ()))))
    next_steps: tuple[str, ...] = ()
    if result_verdict == "inconclusive":
        next_steps = tuple(s.text for f in findings if f.cause == "insufficient-evidence"
                           for s in f.remediation)
    document = item.document
    if fmt.reads == "text":
        warnings[:0] = _decoding_warnings(item)
    encoding = (document.encoding if document is not None and fmt.reads == "text"
                else "binary" if fmt.reads == "stream" else None)
    return InputResult(
        source=item.source, kind=fmt.id.value, status=status, encoding=encoding,
        verdict=result_verdict, root_causes=tuple(dict.fromkeys(f.cause for f in roots)),
        failing_element=next((f.element for f in roots if f.element is not None), None),
        iis_substatus=tuple(dict.fromkeys(s for f in roots for s in f.iis_substatus)),
        hresults=codes, warnings=tuple(warnings), next_steps=next_steps,
        findings=tuple(findings), model=model,
        events=(*model.event_rows(), *(row for p in pieces for row in p.model.event_rows())),
        pieces=tuple(model.pieces) if isinstance(model, Ticket) else tuple(pieces),
    )


def _decoding_warnings(item: _Input, markup: bool = True) -> list[str]:
    """What decoding (and, for an input that was read, undoing markup) changed."""
    document = item.document
    notes = list(item.markup) if markup else []
    if document is None or not document.replaced:
        return notes
    return [f"some bytes were not valid {document.encoding} and were replaced", *notes]


def report(results: list[InputResult]) -> Report:
    """Combine per-input results; the worst verdict decides."""
    overall = worst_verdict(r.verdict for r in results)
    return Report(version=__version__, verdict=overall, inputs=tuple(results))


__all__ = ["CerttriageError", "analyze_bytes", "analyze_path", "analyze_text", "detect",
           "report"]
