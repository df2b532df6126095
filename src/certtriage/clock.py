"""The time of analysis: now, unless CERTTRIAGE_NOW names another moment.

Validity judged "at the time of analysis" depends on when certtriage runs. Setting
CERTTRIAGE_NOW (ISO 8601, e.g. `2026-12-01T00:00:00Z`) reproduces a report as it read at that
moment; the golden files are generated that way so they do not change as days pass.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime

VARIABLE = "CERTTRIAGE_NOW"


def now() -> datetime:
    """The time of analysis, timezone-aware (UTC); a malformed CERTTRIAGE_NOW is ignored."""
    given = os.environ.get(VARIABLE, "").strip()
    moment = _given(given) if given else None
    return moment if moment is not None else datetime.now(UTC)


@functools.lru_cache(maxsize=4)
def _given(text: str) -> datetime | None:
    """CERTTRIAGE_NOW read as a moment in UTC (None when malformed), kept: the rules ask for
    the time of analysis once or more an input."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
