"""A streamed JSON Lines batch keeps each case's line until every input's line is written:
in memory and then in a temporary file past `HELD_IN_MEMORY`, each given back whole in any
order asked, the latest one kept for a case kept twice."""

from __future__ import annotations

import random

from certtriage.cli._stream import HELD_IN_MEMORY, CaseLines


def test_each_case_line_comes_back_whole_in_any_order() -> None:
    draw = random.Random(7)
    lines = {f"case-{n:05}": bytes(draw.getrandbits(8) for _ in range(draw.randrange(1, 900)))
             for n in range(400)}
    assert sum(map(len, lines.values())) > 2 * HELD_IN_MEMORY  # spilled to the file
    kept = CaseLines()
    try:
        for case, line in lines.items():
            kept.keep(case, line)
        kept.keep("case-00003", b"kept again")
        lines["case-00003"] = b"kept again"
        order = list(lines)
        draw.shuffle(order)
        assert {case: kept.line(case) for case in order} == lines
    finally:
        kept.close()
