"""Bounded memory: past a format's limits, a larger input costs no more than its own text.

Each kind runs in a fresh process (`ru_maxrss` is a high-water mark of the whole process),
with its limits made small so the test stays fast: the line limit of every text format, the
events kept per log and the elements an XML tree holds. The process reads an input a few
times past those limits, then one ten times larger; the second may raise the peak by no more
than a few bytes per byte of its text (the decoded text and its copies), where reading it
whole costs 20 to 60 bytes per byte (a W3C log, read in one pass into counts, has no limit to
reach and must not grow either). The process also runs under an address-space limit, so a
reader that ignores the limits fails with MemoryError instead of taking the machine.
The sizes at the real limits are measured in benchmarks/bench_memory.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..conftest import ROOT
from ..helpers.shapes import TEXT_SHAPES

#: Peak growth allowed per byte of the larger input's text (its copies, and its lines as a list
#: where a reader reports unparsed lines by number).
BYTES_PER_BYTE = 12
#: Kinds read in one pass that keep counts, not lines: nothing to cut.
UNCUT = {"iis-w3c-log"}

_SCRIPT = """
import dataclasses, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
sys.path.insert(0, sys.argv[1])
from certtriage import analyze_text, parsers, text
from certtriage.parsers.events import evtx, text as events_text
from certtriage.text import xml
from tests.helpers import shapes
for fmt in parsers.FORMATS:
    if fmt.max_lines is not None:
        object.__setattr__(fmt, "max_lines", 500)
evtx.MAX_EVENTS = events_text.MAX_EVENTS = 50
xml.MAX_ELEMENTS = 500
shape = getattr(shapes, sys.argv[2])
peaks, sizes, warnings = [], [], []
for n in (400, 4000):
    body = shape(n)
    result = analyze_text(body)
    peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    sizes.append(len(body))
    warnings.append(list(result.warnings))
print(json.dumps({"peaks": peaks, "sizes": sizes, "warnings": warnings}))
"""


@pytest.mark.parametrize("name", sorted(TEXT_SHAPES))
def test_memory_stops_growing_past_the_limits(name: str) -> None:
    shape = TEXT_SHAPES[name]
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(ROOT), shape.__name__],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout)
    growth = measured["peaks"][1] - measured["peaks"][0]
    assert growth <= BYTES_PER_BYTE * measured["sizes"][1], measured
    limit_named = [w for w in measured["warnings"][1] if "limit" in w]
    assert bool(limit_named) != (name in UNCUT), measured["warnings"][1]  # never a silent cut
