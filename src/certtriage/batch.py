"""Batch runs: every file of every folder or archive, one verdict per case, nothing lost.

Each top-level argument is a case. Its files come from the acquire stage (folders walked in
sorted order, archives read in memory with size, ratio, count and depth limits); each is
analysed by the same pure per-input function as `analyze` (`analyze_bytes`, or `analyze_path`
for plain files so EVTX streams from disk), in a process pool when `jobs > 1`. Results keep
the acquire order whatever the number of jobs, so the output is identical for any `jobs`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from ._signals import worker_pool
from ._version import __version__
from .acquire import AcquireError, Limits, Source, iter_sources
from .case import diagnose_case
from .engine import worst_verdict
from .models.findings import InputResult, Report
from .pipeline import analyze_bytes, analyze_path


@dataclass(frozen=True)
class _Task:
    origin: str
    path: str | None
    data: bytes | None


def _analyze(task: _Task, records: Callable[[int], None] | None = None) -> InputResult:
    """The per-input job (a top-level function, so a process pool can run it)."""
    if task.path is not None:
        result = analyze_path(task.path, records)
        return result.model_copy(update={"source": task.origin})
    return analyze_bytes(task.data or b"", task.origin)


def _task(source: Source) -> _Task | InputResult:
    if source.skipped is not None:
        return InputResult(source=source.origin, kind="unknown", status="skipped",
                           error=source.skipped)
    if source.path is not None:
        return _Task(source.origin, str(source.path), None)
    try:
        return _Task(source.origin, None, source.load())
    except AcquireError as exc:
        return InputResult(source=source.origin, kind="unknown", status="error", error=str(exc))


def _ordered(tasks: Iterable[_Task | InputResult], jobs: int,
             records: Callable[[str, int], None] | None = None) -> Iterator[InputResult]:
    """Results in task order; at most `jobs * 4` inputs are held in memory at once.

    Records progress (EVTX records read) is reported only when files run in this process.
    """
    if jobs <= 1:
        for task in tasks:
            if isinstance(task, InputResult):
                yield task
                continue
            on_records = functools.partial(records, task.origin) if records else None
            yield _analyze(task, on_records)
        return
    window: list[Future[InputResult] | InputResult] = []
    with worker_pool(jobs) as pool:  # stopped at once, not drained, on an interrupt
        for task in tasks:
            window.append(task if isinstance(task, InputResult) else pool.submit(_analyze, task))
            if len(window) >= jobs * 4:
                first = window.pop(0)
                yield first if isinstance(first, InputResult) else first.result()
        for item in window:
            yield item if isinstance(item, InputResult) else item.result()


def batch(
    paths: Sequence[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    limits: Limits | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    records: Callable[[str, int], None] | None = None,
) -> Report:
    """Analyse every file under `paths`; one case per path. Never raises for bad input."""
    sources = list(iter_sources([str(p) for p in paths], limits or Limits()))
    total = len(sources)
    results: list[InputResult] = []
    tasks = (_task(s) for s in sources)
    for done, (source, result) in enumerate(zip(sources, _ordered(tasks, jobs, records)),
                                            start=1):
        source.release()  # its temporary copy, if one was made, is no longer needed
        result = result.model_copy(update={"case": source.case})
        if source.warning:
            result = result.model_copy(update={"warnings": (source.warning, *result.warnings)})
        results.append(result)
        if progress is not None:
            progress(done, total, source.origin)
    cases = [diagnose_case(str(p), [r for r in results if r.case == str(p)]) for p in paths]
    overall = worst_verdict(c.verdict for c in cases)
    return Report(version=__version__, verdict=overall, inputs=tuple(results),
                  cases=tuple(cases))


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


__all__ = ["batch", "default_jobs", "diagnose_case"]
