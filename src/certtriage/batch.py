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

A streamed report (:meth:`BatchRun.written`) of a run of its own over many cases of like size
in more than one process goes by whole cases instead (:meth:`BatchRun.by_case`,
`executors._cases`): each worker runs a case as a run of that argument alone would
(:func:`run_case`), and the report is copied together from the cases' spools in argument
order, byte for byte what `jobs=1` writes.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from ._version import __version__
from .acquire import AcquireError, Limits, Source, iter_sources
from .case import CaseFold, diagnose_case
from .engine import worst_verdict
from .executors import DEFAULT_TIMEOUT, Done, Render, Task, Work, execute
from .models.findings import CaseResult, InputResult, InputStatus, Overall, Report

if TYPE_CHECKING:
    from .executors._cases import Spooled


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


#: Renders a case's result as the report writes it (a top-level function or a partial of one,
#: so that it pickles).
CaseRender = Callable[[CaseResult], bytes]


class Written(NamedTuple):
    """A piece of a streamed report, in order: one input's output, or a case's inputs' when
    a worker ran the case whole; and what the run's exit code needs of them."""

    output: bytes = b""
    spooled: Spooled | None = None
    """Or where the output lies, to be copied out as it is (a case run whole: its spool)."""
    recognised: bool = False
    """Some input of it was recognised (it has a verdict)."""
    warned: bool = False
    """Some recognised input of it has a warning among its findings."""


@dataclass(frozen=True)
class CaseRan:
    """What a case run whole gives back (its output is in the spool it was written to): the
    case as :attr:`BatchRun.on_case_line` or :attr:`BatchRun.on_case` takes it (neither when
    its argument gave no input), and its inputs' :class:`Written` marks."""

    inputs: int
    recognised: bool
    warned: bool
    line: tuple[str, Overall, bytes] | None = None
    result: CaseResult | None = None


def _written(done: Done, output: bytes) -> Written:
    result = done.result
    if result.verdict is None:
        return Written(output)
    warned = (done.reading.warned if done.reading is not None
              else any(f.severity == "warning" for f in result.findings))
    return Written(output, recognised=True, warned=warned)


#: A run hands each of its processes whole cases (`executors._cases`) only when no case holds
#: more than this share of each process's part of the run's bytes (counted with
#: `_FILE_WEIGHT` a file): a case runs on one core, so a larger one would leave the others
#: idle while it runs.
_MOST_OF_A_PART = 0.5
#: What a file adds to its case's weight beyond its bytes: a small file's analysis costs far
#: more than its size says (a 4 KB dump about as much as 16 KB more of an event log).
_FILE_WEIGHT = 16 * 1024


def _weight(path: str) -> int:
    """About how much work an argument is: its files' bytes, and `_FILE_WEIGHT` each (links
    to folders not followed, as the walk does not)."""
    try:
        if not os.path.isdir(path) or os.path.islink(path):
            return os.path.getsize(path) + _FILE_WEIGHT
    except OSError:
        return _FILE_WEIGHT
    total = 0
    folders = [path]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(entry.path)
                        else:
                            total += entry.stat().st_size + _FILE_WEIGHT
                    except OSError:
                        total += _FILE_WEIGHT
        except OSError:
            continue
    return total


def run_case(names: tuple[str, ...], limits: Limits, timeout: float | None, render: Render,
             lines: bool, render_case: CaseRender | None, trim: bool, header: bool, index: int,
             spool: IO[bytes], begun: Callable[[], None] | None, jobs: int = 1) -> CaseRan:
    """Case `index` of a run over `names`, run whole as a run of that argument alone (in
    `jobs` processes), its inputs' output appended to `spool` as the whole run writes it (with
    `header`, the first line of each but the case's first left out); with `lines`, the case
    comes back as `on_case_line` takes it (rendered by `render_case`), else as its result.
    `begun` is called as each input is begun. A job of `executors._cases` (a partial of it
    pickles)."""
    run = BatchRun([names[index]], jobs=jobs, limits=limits, timeout=timeout, trim=trim)
    run.render = render
    run.begun = begun
    closed: dict[str, Any] = {}  # the case as the run's process takes it (CaseRan's)
    if lines:
        run.render_case = render_case
        run.on_case_line = lambda *line: closed.update(line=line)
    else:
        run.on_case = lambda result: closed.update(result=result)
    inputs = 0
    recognised = warned = False
    for piece in run.written(header):
        spool.write(piece.output)
        inputs += 1
        recognised |= piece.recognised
        warned |= piece.warned
    return CaseRan(inputs, recognised, warned, **closed)


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
        #: When set, each case is rendered (:attr:`render_case`; nothing without it) by the
        #: process that folds it (a worker, when cases run whole: `executors._cases`), and
        #: this is given its name, verdict and rendering instead of :attr:`on_case` its
        #: result.
        self.on_case_line: Callable[[str, Overall, bytes], None] | None = None
        self.render_case: CaseRender | None = None
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
        #: When set, called as each input analysed in this process begins (a worker running
        #: the case whole marks it for the run's process: `executors._cases`).
        self.begun: Callable[[], None] | None = None

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
                           scheduler=self.scheduler, records=self.records, own=self.own,
                           begun=self.begun)
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

    def written(self, header: bool = False) -> Iterator[Written]:
        """The inputs' part of a streamed report (:attr:`render` set), in order, as each is
        ready: each output as rendered, with `header` the first line of each but the first
        left out (a header, written once). A run of its own over many cases of like size in
        more than one process hands each process whole cases (:meth:`by_case`)."""
        if self.by_case():
            yield from self._whole_cases(header)
            return
        first = True
        for done in self.outcomes():
            output = done.output or b""
            if header and not first:
                output = output.split(b"\n", 1)[1]
            first = False
            yield _written(done, output)

    def by_case(self) -> bool:
        """Whether :meth:`written` hands whole cases to each process (`executors._cases`):
        a streamed run of its own in more than one local process, no path given twice (its
        case is folded from both), and no case more than half of each process's share of the
        run (:func:`_weight`): a case runs on one core."""
        if not (self.own and self.jobs > 1 and self.scheduler is None
                and self.render is not None and not self._repeated
                and len(self.names) >= 2 * self.jobs):
            return False
        weights = [_weight(name) for name in self.names]
        return max(weights) <= _MOST_OF_A_PART * sum(weights) / self.jobs

    def _whole_cases(self, header: bool) -> Iterator[Written]:
        """:meth:`written` by whole cases, each case's output copied from its worker's spool
        as its turn comes; a case whose worker was lost is run again here by the per-input
        pool (which stops and reports an input that hangs, alone)."""
        from .executors._cases import Spooled, run_cases

        budget = self.timeout if self.timeout and self.timeout > 0 else None
        assert self.render is not None
        job = functools.partial(run_case, tuple(self.names), self.limits, budget, self.render,
                                self.on_case_line is not None, self.render_case, self.trim,
                                header)
        first = True
        for ran in run_cases(len(self.names), job, self.jobs, budget, self._counter()):
            case: CaseRan | None = ran.summary
            if case is None:
                with tempfile.TemporaryFile() as spool:
                    case = job(ran.index, spool, None, jobs=self.jobs)
                    yield self._case_written(case, Spooled(spool, 0, spool.tell()),
                                             header and not first)
            else:
                with ran.opened() as spooled:
                    yield self._case_written(case, spooled, header and not first)
            first = first and not case.inputs

    def _case_written(self, case: CaseRan, spooled: Spooled, headed: bool) -> Written:
        """The case's piece of the report (without its first line when `headed`: the header
        was written)."""
        if case.result is not None:
            self._finished(case.result)
        elif case.line is not None and self.on_case_line is not None:
            self.on_case_line(*case.line)
        if headed and case.inputs:
            spooled = spooled.without_first_line()
        return Written(spooled=spooled, recognised=case.recognised, warned=case.warned)

    def _counter(self) -> Callable[[int, int], None] | None:
        """For the progress display, when shown: the inputs begun so far in every process,
        and the argument waited for (the run's inputs are listed first, to count them)."""
        shown = self.progress
        if shown is None:
            return None
        total = 0
        for source in iter_sources(self.names, self.limits):
            source.release()
            total += 1
        return lambda count, index: shown(min(count, total), total, self.names[index])

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
        self._finished(self._open.pop(case).result())

    def _finished(self, result: CaseResult) -> None:
        if self.on_case_line is not None:
            line = self.render_case(result) if self.render_case is not None else b""
            self.on_case_line(result.case, result.verdict, line)
        elif self.on_case is not None:
            self.on_case(result)
        else:
            self._cases[result.case] = result

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
