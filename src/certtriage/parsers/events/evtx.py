"""Binary .evtx files -> :class:`EventLog`, through the Rust-backed `evtx` package.

Records stream one at a time, so memory stays flat whatever the file size. A record is only
decoded from JSON when a cheap substring test on its text says it may come from a relevant
provider. A record or chunk that cannot be read is counted and skipped without losing the
rest of the file (a plain `for` loop would stop at the first error). A file shorter than its
header says is reported as truncated.
"""

from __future__ import annotations

import io
import json
import os
import struct
from collections.abc import Callable, Iterator
from typing import IO, Any

from ...knowledge.catalog import event_knowledge
from .capi2 import group_runs
from .event import Event
from .model import EventLog
from .records import event_from_node, node_from_evtx_json
from .tally import EvtxTally

HEADER_SIZE = 4096
CHUNK_SIZE = 65536
#: Relevant events kept per file; the rest are counted, so memory stays bounded.
MAX_EVENTS = 20000
#: Give up after this many errors in a row (a file of garbage after a valid header).
MAX_CONSECUTIVE_ERRORS = 1000


def _header_problem(head: bytes, size: int) -> str | None:
    if len(head) < 128:
        return "the file header is cut short"
    chunk_count = struct.unpack_from("<H", head, 42)[0]
    expected = HEADER_SIZE + chunk_count * CHUNK_SIZE
    if size < expected:
        return (f"truncated: the header declares {chunk_count} chunks "
                f"({expected} bytes) but the file has {size} bytes")
    if (size - HEADER_SIZE) % CHUNK_SIZE:
        return f"truncated: {size} bytes is not a whole number of 64 KiB chunks"
    return None


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when the message is empty)."""
    lines = str(exc).strip().splitlines()
    return lines[0][:160] if lines else type(exc).__name__


def _unreadable(problems: list[str]) -> Callable[[Exception, int], bool]:
    """What the scan does with a record or chunk the evtx package cannot read: note it, and go
    on until too many come in a row."""
    last = [-1, 0]  # records read at the last error, errors in a row

    def note(exc: Exception, read: int) -> bool:
        last[1] = last[1] + 1 if read == last[0] else 1
        last[0] = read
        problems.append(f"unreadable record or chunk: {_first_line(exc)}")
        if last[1] >= MAX_CONSECUTIVE_ERRORS:
            problems.append("stopped after too many unreadable records in a row")
            return False
        return True

    return note


def parse(source: str | os.PathLike[str] | bytes, name: str = "<evtx>",
              progress: Any = None) -> EventLog:
    """Read relevant events from an EVTX file path or bytes."""
    from evtx import PyEvtxParser

    given: str | IO[bytes]
    if isinstance(source, bytes):
        given, size, head = io.BytesIO(source), len(source), source[:HEADER_SIZE]
    else:
        size = os.path.getsize(source)
        with open(source, "rb") as handle:
            head = handle.read(HEADER_SIZE)
        given = _readable(os.fspath(source))
    problems: list[str] = []
    truncated_reason = _header_problem(head, size)
    knowledge = event_knowledge()
    events: list[Event] = []
    dropped = 0
    tally = EvtxTally(knowledge.relevant)
    texts = None
    try:
        parser = PyEvtxParser(given)
        records: Iterator[dict[str, Any]] = parser.records_json()  # type: ignore[assignment]
        texts = tally.scan(records, progress, _unreadable(problems))
        for text in texts:
            event = _event(text)
            if event is None or not knowledge.relevant(event.provider):
                continue
            if len(events) >= MAX_EVENTS:
                dropped += 1
                continue
            events.append(event)
    except Exception as exc:  # a file the evtx package refuses outright
        problems.append(f"not readable as EVTX: {_first_line(exc)}")
    finally:
        if texts is not None:
            texts.close()  # the scan counts what it read as it closes
        if not isinstance(given, str):
            given.close()
    read = tally.records
    skipped = read - len(events) - dropped
    if dropped:
        problems.append(f"{dropped} more relevant events were counted but not kept")
    record_errors = sum(1 for p in problems if p.startswith("unreadable"))
    if truncated_reason:
        problems.insert(0, truncated_reason)
    return EventLog(
        shape="evtx", events=tuple(events), runs=tuple(group_runs(events)),
        records_read=read, records_skipped=skipped, record_errors=record_errors,
        truncated=truncated_reason is not None, problems=tuple(_dedupe(problems)),
        **tally.fields(),
    )


def _readable(path: str) -> str | IO[bytes]:
    """What the evtx package reads a file through: its path, which the package opens and reads
    itself (no call back into Python for every read: 1.5 % of a scan), or, for a name it cannot
    take (not valid UTF-8), the open file."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return open(path, "rb")  # noqa: SIM115 - closed by parse
    return path


def _event(text: str) -> Event | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # damaged, or nested past the JSON reader's depth
        return None
    root = data.get("Event") if isinstance(data, dict) else None
    if not isinstance(root, dict):
        return None
    return event_from_node(node_from_evtx_json("Event", root), "evtx")


def _dedupe(problems: list[str], limit: int = 20) -> list[str]:
    """Repeated problems once each, with a count, and at most `limit` lines."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem] = counts.get(problem, 0) + 1
    lines = [p if n == 1 else f"{p} (x{n})" for p, n in counts.items()]
    return lines[:limit] + ([f"... {len(lines) - limit} more"] if len(lines) > limit else [])
