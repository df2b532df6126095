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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from ._version import __version__
from .acquire import AcquireError, Limits, Source, iter_sources
from .engine import rulebook, worst_verdict
from .models.findings import SEVERITY_RANK, CaseResult, InputResult, Report
from .parsers import by_id
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
    with ProcessPoolExecutor(max_workers=jobs) as pool:
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


def diagnose_case(case: str, results: list[InputResult]) -> CaseResult:
    """Combine a case's files: rank root causes, mark cross-file symptoms, note
    confirmations and contradictions."""
    read = [r for r in results if r.status in ("parsed", "partial")]
    errors = [f for r in read for f in r.findings if f.root_cause and f.cause != "ok"
              and f.severity == "error"]
    seen_in: dict[str, list[str]] = {}
    for r in read:
        for cause in dict.fromkeys(f.cause for f in r.findings
                                   if f.severity == "error" and f.cause != "ok"):
            seen_in.setdefault(cause, []).append(r.source)
    graph = rulebook().cause_graph
    roots = list(dict.fromkeys(f.cause for f in errors))
    symptoms = [c for c in roots if any(c in graph.get(o, ()) for o in roots if o != c)]
    roots = [c for c in roots if c not in symptoms]
    roots.sort(key=lambda c: (-len(seen_in.get(c, ())), -max(
        SEVERITY_RANK[f.severity] for f in errors if f.cause == c)))
    notes = [f"{cause} is confirmed by {len(files)} files: {', '.join(files[:4])}"
             for cause, files in seen_in.items() if len(files) > 1 and cause in roots]
    for root in roots:
        for symptom in sorted(graph.get(root, ())):
            others = [f for f in seen_in.get(symptom, ()) if f not in seen_in.get(root, ())]
            if others:
                notes.append(f"{root} ({seen_in[root][0]}) is confirmed from the other side: "
                             f"{symptom} in {', '.join(others[:3])}")
    notes.extend(_contradictions(read))
    verdict = worst_verdict(r.verdict for r in read)
    if not read:
        notes.append("nothing in this case was recognised: no certutil output or event log")
    iis = tuple(dict.fromkeys(s for f in errors if f.cause in roots for s in f.iis_substatus))
    if not roots and verdict == "pass":
        roots = ["ok"]
    return CaseResult(
        case=case, verdict=verdict, root_causes=tuple(roots), iis_substatus=iis,
        symptoms=tuple(symptoms), notes=tuple(notes), files=len(results), parsed=len(read),
        skipped=sum(r.status in ("skipped", "unrecognized") for r in results),
        failed=sum(r.status == "error" for r in results),
    )


def _evidence(result: InputResult) -> str | None:
    """What the input's format is evidence of (chain, log ...), None for unread inputs."""
    try:
        return by_id(result.kind).evidence
    except ValueError:
        return None


def _contradictions(read: list[InputResult]) -> list[str]:
    """A chain that passes next to a log that shows the server rejecting a client
    certificate's chain."""
    book = rulebook()
    passing = [r for r in read if _evidence(r) == "chain" and r.verdict == "pass"]
    server = [(r, f) for r in read if _evidence(r) == "log" for f in r.findings
              if f.severity == "error" and book.category_of(f.cause) == "chain"]
    if not passing or not server:
        return []
    r, f = server[0]
    return [
        f"certutil passes in {passing[0].source}, but {r.source} shows the server rejecting a "
        f"client certificate ({f.cause}): HTTP.sys validates as SYSTEM with its own binding "
        "settings (revocation, cached-only, CTL, usage check). Run certutil on the server as "
        "SYSTEM and compare `netsh http show sslcert`."
    ]


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


__all__ = ["batch", "default_jobs", "diagnose_case"]
