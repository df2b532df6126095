"""The line limit of a text format: what one input may cost is bounded by the lines read.

Readers that hold a structure per line (a parse tree, a model per record) cost a roughly
constant amount of memory per line; a format whose input could bury a few lines of evidence
under millions of others names a line limit in the registry (`Format.max_lines`). The lines
past it are counted and reported, never read and never silently dropped.
"""

from __future__ import annotations


def keep_lines(text: str, limit: int | None) -> tuple[str, int]:
    """`text` cut after its first `limit` lines, and how many lines were left out (0: none)."""
    if limit is None or text.count("\n") < limit:  # within the limit (counted in one pass)
        return text, 0
    end = -1
    for _ in range(limit):
        end = text.find("\n", end + 1)
        if end < 0:
            return text, 0
    rest = text[end + 1:]
    if not rest:
        return text, 0
    return text[:end + 1], rest.count("\n") + (not rest.endswith("\n"))


def cut_note(left_out: int, limit: int, title: str) -> str:
    """The warning for lines left out by a limit, naming the limit and the count."""
    return (f"only the first {limit:,} lines were read: {left_out:,} more line(s) are past the "
            f"limit for {title} and were not read")
