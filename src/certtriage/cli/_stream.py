"""`batch -f jsonl` and `-f csv`: each input's line written as soon as it is its turn.

The lines are the renderers' own (each input rendered as a report of one, by the process
that analysed it), so a streamed report is byte for byte what rendering the whole report
gives; JSON Lines' case lines follow the inputs, as in the whole report: each case's line is
rendered as the case is finished and only that text (for CSV only its verdict) is kept until
the end (:class:`CaseLines`). A report file (`-o`) is written beside its
target under a temporary name and renamed into place once complete, so a run that fails
leaves the previous report as it was.
"""

from __future__ import annotations

import functools
import tempfile
from array import array
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._version import __version__
from ..batch import BatchRun, diagnose_case
from ..engine import worst_verdict
from ..models.findings import Overall, Report
from ..render import OutputFormat, encoded_input, renderer
from ..render.jsonl import encoded_jsonl_case
from ._output import replacing, write

if TYPE_CHECKING:
    from ..executors._cases import Spooled

#: The formats written as they come (the others need the whole report).
STREAMED = (OutputFormat.JSONL, OutputFormat.CSV)


#: Bytes of case lines held in memory; past them they wait in a temporary file (a megabyte
#: held, and copied as it moved to the file, measured 1 MiB more at 10,000 files).
HELD_IN_MEMORY = 1 << 16


class CaseLines:
    """Each case's JSON line from the moment the case is finished until every input line is
    written: in memory up to :data:`HELD_IN_MEMORY` bytes, then in a temporary file that has
    no name on POSIX systems and is removed when closed, so that what a run holds does not
    grow with its cases (a thousand cases of 100 dumps held about 9 MiB). The lines are kept
    as they are: compressing them (zlib, level 1) made closing a case of 100 dumps and 43
    certificates take 0.33 ms more (0.3 % of `batch -j 1`'s time over such cases), only to
    save disk space in a file removed when the run ends, which holds no more than the
    report's case lines (the report then holds them too)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=HELD_IN_MEMORY)
        #: Where each line kept starts, in the order kept (the next one's start is its end),
        #: and each case's place in that order: about 40 bytes a case where a dict of
        #: (start, size) took about 140, a sixth of all a run held for each of its cases.
        self._starts = array("Q")
        self._place: dict[str, int] = {}
        self._end = 0

    def keep(self, case: str, line: bytes) -> None:
        self._file.seek(self._end)
        self._file.write(line)
        self._place[case] = len(self._starts)
        self._starts.append(self._end)
        self._end += len(line)

    def line(self, case: str) -> bytes:
        at = self._place[case]
        start = self._starts[at]
        end = self._starts[at + 1] if at + 1 < len(self._starts) else self._end
        self._file.seek(start)
        return self._file.read(end - start)

    def close(self) -> None:
        self._file.close()


@dataclass
class Tally:
    """What the exit code needs from inputs no longer held."""

    recognised: bool = False
    warned: bool = False
    verdict: str = "inconclusive"


def _chunks(run: BatchRun, fmt: OutputFormat, tally: Tally, include_model: bool
            ) -> Generator[bytes | Spooled, None, None]:
    """The report's bytes (UTF-8), in order, as each input's turn comes (a case run whole in
    a worker: where they lie in its spool, to be copied as they are)."""
    render = renderer(fmt)
    verdicts: dict[str, Overall] = {}
    lines = CaseLines()  # a case's line is written last, after every input's

    def finished(case: str, verdict: Overall, line: bytes) -> None:
        verdicts[case] = verdict
        if line:
            lines.keep(case, line)

    run.on_case_line = finished
    # JSON Lines' case lines rendered where each case is folded; CSV has none
    case_line = encoded_jsonl_case if fmt is OutputFormat.JSONL else None
    run.render_case = case_line
    run.render = functools.partial(encoded_input, fmt, include_model)  # where each is analysed
    first = True
    try:
        for piece in run.written(header=fmt is OutputFormat.CSV):
            tally.recognised |= piece.recognised
            tally.warned |= piece.warned
            if piece.output:
                first = False
                yield piece.output
            elif piece.spooled is not None and piece.spooled.end > piece.spooled.start:
                first = False
                yield piece.spooled
        for name in run.names:
            if name not in verdicts:  # a path that gave no input at all
                empty = diagnose_case(name, [])
                finished(name, empty.verdict, case_line(empty) if case_line else b"")
        tally.verdict = worst_verdict(verdicts[n] for n in run.names)
        if fmt is OutputFormat.JSONL:
            for name in run.names:
                yield lines.line(name)
        elif first:  # no input at all: the header alone
            yield render(Report(version=__version__, verdict=worst_verdict(verdicts.values()),
                                inputs=(), cases=())).encode()
    finally:
        lines.close()


def _blocks(chunk: bytes | Spooled) -> Iterator[bytes]:
    if isinstance(chunk, bytes):
        yield chunk
        return
    yield from chunk.blocks()


def stream(run: BatchRun, fmt: OutputFormat, output: str | None, *,
           include_model: bool) -> Tally:
    """Write the report as it comes; what the exit code needs.
    Raises OSError when the report file cannot be written (the previous one is kept)."""
    tally = Tally()
    chunks = _chunks(run, fmt, tally, include_model)
    if output is not None:
        with replacing(output) as handle:
            for chunk in chunks:
                if isinstance(chunk, bytes):
                    handle.put(chunk)
                else:
                    handle.copy(chunk)
    else:
        for chunk in chunks:
            if not all(write(block.decode()) for block in _blocks(chunk)):
                chunks.close()  # the reader went away (`| head`): stop quietly
                break
    return tally
