"""Batch runs: every file of every folder or archive, one verdict per case, nothing lost.

Each top-level argument is a case. Its files come from the acquire stage (folders walked in
sorted order, archives read with size, ratio, count and depth limits); each is analysed by the
same pure per-input function as `analyze` (`executors.run_task`), here, in a pool of worker
processes (`jobs > 1`) or on a Dask cluster (`scheduler`), each within a time budget
(`timeout`). Results keep the acquire order whatever runs them, so the output is identical for
any `jobs` and scheduler.

:class:`BatchRun` streams: each input's result is yielded as soon as it is its turn, and an
input's bytes are dropped once it is analysed. A case is diagnosed as its results arrive
(`case.CaseFold`): what it keeps of an input is what the diagnosis reads (its relevant
findings, distinct moments and certificates), and the case is finished when the walk moves to
the next argument, so what a run holds does not grow with the number of inputs it reads.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from ._version import __version__
from .acquire import AcquireError, Limits, Source, iter_sources
from .case import CaseFold, diagnose_case
from .engine import worst_verdict
from .executors import DEFAULT_TIMEOUT, Done, Render, Task, Work, execute
from .models.findings import CaseResult, InputResult, InputStatus, Report


def _work(source: Source, render: Render | None, trim: bool) -> Work:
    """What an executor gets for a source: a task, or the result when there is nothing to run."""
    if source.skipped is not None:
        return _known(source, "skipped", source.skipped)
    held = source.held  # a small file the walk read whole: not opened a second time
    if held is not None:
        return Task(source.origin, data=held, case=source.case, warning=source.warning,
                    render=render, trim=trim)
    path = source.fspath
    if path is not None:
        return Task(source.origin, path=path, case=source.case,
                    warning=source.warning, render=render, trim=trim, size=source.size)
    try:
        return Task(source.origin, data=source.load(), case=source.case,
                    warning=source.warning, render=render, trim=trim)
    except AcquireError as exc:
        return _known(source, "error", str(exc))


def _known(source: Source, status: InputStatus, why: str) -> InputResult:
    return InputResult(source=source.origin, case=source.case, kind="unknown", status=status,
                       error=why, warnings=(source.warning,) if source.warning else ())


class BatchRun:
    """One batch run over `paths`: iterate :meth:`inputs`, then read :meth:`cases`."""

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        jobs: int = 1,
        limits: Limits | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        scheduler: str | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        records: Callable[[str, int], None] | None = None,
        trim: bool = False,
        own: bool = False,
    ) -> None:
        self.names = [str(p) for p in paths]
        self._repeated = {n for n, count in Counter(self.names).items() if count > 1}
        self.jobs, self.timeout, self.scheduler = jobs, timeout, scheduler
        self.records = records
        self.limits = limits or Limits()
        self.progress = progress
        self._cases: dict[str, CaseResult] = {}
        self._open: dict[str, CaseFold] = {}
        #: When set, each case's result is handed to it as the case is finished and not kept
        #: (a streamed report writes it out; :meth:`cases` then has nothing to give).
        self.on_case: Callable[[CaseResult], None] | None = None
        #: When set, each input is rendered where it is analysed: :meth:`outcomes` gives the
        #: output with the result (its summary when another process analysed it:
        #: `executors.Done`).
        self.render: Render | None = None
        #: Results come without their evidence (`InputResult.without_evidence`), for a
        #: report that shows none: held and sent between processes at a fraction of the size.
        self.trim = trim
        #: This process is the run's own (the command line's): inputs analysed in it keep its
        #: memory flat (`executors._settle`), and with `jobs` > 1 it analyses inputs too
        #: (`executors._pool.run_pool`); a library caller's process is left as it is.
        self.own = own

    def inputs(self) -> Iterator[InputResult]:
        """Every input's result, in acquire order, as it is ready; never raises for bad input.
        May raise `executors.SchedulerUnavailable` before the first result."""
        return (done.result for done in self.outcomes())

    def outcomes(self) -> Iterator[Done]:
        """Every input's outcome (its result, and its output when :attr:`render` is set), as
        :meth:`inputs` gives the results."""
        # Small files come read (`Source.held`) when each is analysed before the walk goes
        # on; not when the walk is listed first to count it for the progress display.
        sources: Iterable[Source] = iter_sources(self.names, self.limits,
                                                 read_small=self.progress is None)
        total = 0
        if self.progress is not None:
            sources = list(sources)
            total = len(sources)
        waiting: deque[Source] = deque()
        render = self.render

        def work() -> Iterator[Work]:
            for source in sources:
                waiting.append(source)
                yield _work(source, render, self.trim)

        outcomes = execute(work(), jobs=self.jobs, timeout=self.timeout,
                           scheduler=self.scheduler, records=self.records, own=self.own)
        for count, done in enumerate(outcomes, start=1):
            source = waiting.popleft()
            source.release()  # its temporary copy, if one was made, is no longer needed
            if render is not None and done.output is None:  # a known result, or a failed render
                done = Done(done.result, render(done.result))
            self._file(source, done)
            yield done
            if self.progress is not None:
                self.progress(count, total, source.origin)
        for case in list(self._open):
            self._close(case)

    def _file(self, source: Source, done: Done) -> None:
        """Fold the outcome (its reading, else its result: named, with its case and acquire
        warning, where it was analysed) into its case; the previous case is diagnosed once
        the walk has left it for good."""
        for case in [c for c in self._open if c != source.case and c not in self._repeated]:
            self._close(case)
        fold = self._open.get(source.case)
        if fold is None:
            fold = self._open[source.case] = CaseFold(
                source.case, repeats=source.case in self._repeated)
        if done.reading is not None:
            fold.take(done.reading)
        else:
            fold.add(done.result)

    def _close(self, case: str) -> None:
        result = self._open.pop(case).result()
        if self.on_case is not None:
            self.on_case(result)
        else:
            self._cases[case] = result

    def cases(self) -> list[CaseResult]:
        """One result per path, in the order given (after :meth:`inputs` is exhausted; none
        that :attr:`on_case` took)."""
        return [self._cases.get(n) or diagnose_case(n, []) for n in self.names]

    def report(self) -> Report:
        """The whole run as one report (every input's result held)."""
        results = tuple(self.inputs())
        cases = self.cases()
        return Report(version=__version__, verdict=worst_verdict(c.verdict for c in cases),
                      inputs=results, cases=tuple(cases))


def batch(
    paths: Sequence[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    limits: Limits | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    scheduler: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    records: Callable[[str, int], None] | None = None,
) -> Report:
    """Analyse every file under `paths`; one case per path. Never raises for bad input."""
    return BatchRun(paths, jobs=jobs, limits=limits, timeout=timeout, scheduler=scheduler,
                    progress=progress, records=records).report()


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


__all__ = ["BatchRun", "batch", "default_jobs", "diagnose_case"]
