"""`batch -f jsonl` and `-f csv`: each input's line written as soon as it is its turn.

The lines are the renderers' own (each input rendered as a report of one), so a streamed
report is byte for byte what rendering the whole report gives; JSON Lines' case lines follow
the inputs, as in the whole report. Nothing but the cases' results is kept until the end. A
report file (`-o`) is written beside its target under a temporary name and renamed into place
once complete, so a run that fails leaves the previous report as it was.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

from .._version import __version__
from ..batch import BatchRun
from ..engine import worst_verdict
from ..models.findings import InputResult, Report
from ..render import OutputFormat, renderer
from ._output import replacing, write

#: The formats written as they come (the others need the whole report).
STREAMED = (OutputFormat.JSONL, OutputFormat.CSV)


@dataclass
class Tally:
    """What the exit code needs from inputs no longer held."""

    recognised: bool = False
    warned: bool = False
    verdict: str = "inconclusive"


def _one(result: InputResult) -> Report:
    return Report(version=__version__, verdict=result.verdict or "inconclusive",
                  inputs=(result,))


def _chunks(run: BatchRun, fmt: OutputFormat, tally: Tally, include_model: bool
            ) -> Generator[str, None, None]:
    render = renderer(fmt)
    first = True
    for result in run.inputs():
        if result.verdict is not None:
            tally.recognised = True
            tally.warned |= any(f.severity == "warning" for f in result.findings)
        text = render(_one(result), include_model=include_model)
        yield text if first or fmt is not OutputFormat.CSV else text.split("\n", 1)[1]
        first = False
    cases = tuple(run.cases())
    tally.verdict = worst_verdict(c.verdict for c in cases)
    tail = Report(version=__version__, verdict=tally.verdict, inputs=(), cases=cases)
    if fmt is OutputFormat.JSONL:
        yield render(tail, include_model=include_model)
    elif first:
        yield render(tail)  # no input at all: the header alone


def stream(run: BatchRun, fmt: OutputFormat, output: str | None, *,
           include_model: bool) -> Tally:
    """Write the report as it comes; what the exit code needs.
    Raises OSError when the report file cannot be written (the previous one is kept)."""
    tally = Tally()
    chunks = _chunks(run, fmt, tally, include_model)
    if output is not None:
        with replacing(output) as handle:
            for chunk in chunks:
                handle.write(chunk)
    else:
        for chunk in chunks:
            if not write(chunk):  # the reader went away (`| head`): stop quietly
                chunks.close()
                break
    return tally
