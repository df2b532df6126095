"""The pure per-input pipeline: one path for every format.

bytes -> decode (once, when a text format needs it) -> sniff (once, in registry order) ->
parse -> evaluate (the input, then each part of it) -> one result.

Only `analyze_path` touches the file system; everything else is a function of its arguments,
so a batch engine can map `analyze_bytes` over many machines.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from ._version import __version__
from .engine import worst_verdict
from .errors import CerttriageError, InputError, InputTooLarge
from .models.common import Piece
from .models.findings import InputResult, Report
from .parsers import FORMATS, UNKNOWN, Format, FormatId
from .parsers.ticket.scan import claim_messages
from .result import LEFT_TO_BATCH, Input, build_result, decoding_warnings
from .text.decode import MAX_TEXT_BYTES, read_bounded, too_large
from .text.unreadable import HEAD, own_report, why_unreadable

#: EVTX files are streamed, so they may be far larger than text inputs.
MAX_EVTX_BYTES = 4 * 1024**3
#: Bytes read from a file before its format is known (enough for any binary signature).
HEAD_BYTES = 8
#: The name results give standard input.
STDIN = "<stdin>"


def analyze_bytes(data: bytes, source: str = "<bytes>") -> InputResult:
    """Diagnose one input given as bytes."""
    return _guarded(Input(source, data[:HEAD_BYTES], data=data))


def analyze_text(text: str, source: str = "<text>") -> InputResult:
    """Diagnose one input that is already text (only text formats are tried)."""
    item = Input(source, b"")
    item._unmark(text)
    return _guarded(item)


def analyze_path(path: str | os.PathLike[str],
                 records: Callable[[int], None] | None = None) -> InputResult:
    """Read one file and diagnose it; a file that cannot be read gives an `error` result.

    Only regular files are read (a FIFO, a device or a socket could block or never end), and
    never more than the limit of the format, whatever the file system says its size is.
    `records`, when given, is called with the number of records read so far while a large EVTX
    file streams (for progress display).
    """
    source = str(path)
    try:
        info = os.stat(path)
        refused = _not_a_file(info.st_mode)
        if refused:
            return _failed(source, refused)
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
            streamed = next((f for f in FORMATS if f.reads == "stream" and f.sniff(head)), None)
            if streamed is None:
                if info.st_size > MAX_TEXT_BYTES:
                    return _failed(source, too_large(info.st_size, MAX_TEXT_BYTES))
                data = head + read_bounded(handle, MAX_TEXT_BYTES, already=len(head))
    except InputTooLarge as exc:
        return _failed(source, exc.problem)
    except OSError as exc:
        return _failed(source, exc.strerror or type(exc).__name__)
    if streamed is None:
        return analyze_bytes(data, source)
    if info.st_size > MAX_EVTX_BYTES:
        return _failed(source, too_large(info.st_size, MAX_EVTX_BYTES, "an EVTX file"),
                       streamed.id.value)
    return _guarded(Input(source, head, path=Path(path)), streamed, records)


def _not_a_file(mode: int) -> str | None:
    """Why a path that is no regular file is not read (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder (batch reads folders; analyze reads files)"
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"is {kind}: certtriage reads regular files (save the output to a file first)"


def _failed(source: str, problem: str, kind: str = UNKNOWN) -> InputResult:
    return InputResult(source=source, kind=kind, status="error", error=problem)


def detect(data: bytes | str) -> Format | None:
    """The format of an input given as bytes (every format is tried) or as text (text formats
    only), or None."""
    item = Input("<probe>", b"", text=data) if isinstance(data, str) else Input(
        "<probe>", data[:HEAD_BYTES], data=data)
    return _sniff(item)


def _sniff_reframed(item: Input) -> tuple[Input, Format | None]:
    """The input and its format; for text an export, a mail or a log wrapped, or lines run
    together (`text.framing`, `text.mail`, `text.joined`), the text unwrapped when a format
    recognises it then: a mail's text always; any format for text only the ticket reader (or
    none) recognised; else the same format, which then reads it whole, and never without the
    time stamps opening its lines (a table's or a log's first column, for a format that reads
    it as it stands)."""
    fmt = _sniff(item)
    if fmt is not None and fmt.reads_as_written(item.probe(fmt)):
        return item, fmt  # JSON records: their escaped strings are values, not lines
    loose = fmt is None or fmt.id is FormatId.TICKET
    other = item.reframed(stamps=loose)
    found = _sniff(other) if other is not None else None
    if other is not None and other.mail:
        # A mail's own text, its encodings undone, is what it says, even when it holds nothing
        # a format reads: its raw lines (header fields, encoded attachments) are no evidence.
        return other, found
    if other is None or found is None or found.id is FormatId.TICKET:
        return item, fmt
    return (other, found) if loose or found is fmt else (item, fmt)


def _sniff(item: Input) -> Format | None:
    """The first format, in registry order, that recognises the input."""
    for fmt in FORMATS:
        probe = item.probe(fmt)
        if probe is not None and fmt.sniff(probe):
            return fmt
    return None


def _guarded(item: Input, fmt: Format | None = None,
             records: Callable[[int], None] | None = None) -> InputResult:
    """Analyse one input inside a boundary: whatever goes wrong becomes this input's error
    result (its exception type and a one-line reason), never the end of a run."""
    try:
        return _analyze(item, fmt, records)
    except RecursionError:
        return _failed(item.source, "nested too deeply to read (internal error RecursionError); "
                       + _REPORT_IT)
    except MemoryError:
        return _failed(item.source, "too large to hold in memory (internal error MemoryError); "
                       + _REPORT_IT)
    except Exception as exc:  # noqa: BLE001 - the boundary: any failure is this input's alone
        reason = (str(exc).splitlines() or [""])[0][:200]
        return _failed(item.source, f"internal error {type(exc).__name__}"
                       + (f": {reason}" if reason else "") + "; " + _REPORT_IT)


_REPORT_IT = "please report it with this input (certtriage read nothing else wrong)"


def _analyze(item: Input, fmt: Format | None,
             records: Callable[[int], None] | None) -> InputResult:
    start = (item.data[:2048] if item.data is not None
             else (item.text or "")[:2048].encode("utf-8", "replace") or item.head)
    report = own_report(start)
    if report is not None:
        return InputResult(source=item.source, kind=UNKNOWN, status="unrecognized",
                           error=f"a certtriage report ({report}): its findings describe "
                           "other inputs and are not read as evidence")
    try:
        if fmt is None:
            item, fmt = _sniff_reframed(item)
        if fmt is None:
            reason: str | None
            if item.mail:
                reason = "an e-mail message whose text holds nothing certtriage reads" + (
                    f"; {item.unread} {LEFT_TO_BATCH}" if item.unread else "")
            else:
                reason = why_unreadable(item.data[:HEAD], stdin=item.source == STDIN) if (
                    item.data is not None) else None
            return InputResult(source=item.source, kind=UNKNOWN, status="unrecognized",
                               error=reason or "not certutil output or any other format "
                               "certtriage reads",
                               encoding=item.document.encoding if item.document else None,
                               warnings=tuple(decoding_warnings(item, markup=item.mail)))
        claimed: list[Piece] = []
        if fmt.reads == "text":
            item.keep_lines(fmt)
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
                    "warnings": tuple(decoding_warnings(item, markup=False))})
    return build_result(item, fmt, model, claimed)


def report(results: list[InputResult]) -> Report:
    """Combine per-input results; the worst verdict decides."""
    overall = worst_verdict(r.verdict for r in results)
    inputs = tuple(results)
    if all(isinstance(r, InputResult) for r in inputs):  # results this package made
        return Report.trusted(version=__version__, verdict=overall, inputs=inputs)
    return Report(version=__version__, verdict=overall, inputs=inputs)  # a caller's: checked


__all__ = ["CerttriageError", "analyze_bytes", "analyze_path", "analyze_text", "detect",
           "report"]
