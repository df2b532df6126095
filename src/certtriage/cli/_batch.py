"""What `batch` does once its arguments are read, shared by the full command line and the lean
entry (`_lean`): check the paths, run the batch (streamed for JSON Lines and CSV), write the
report and give the exit code. Neither typer nor rich is imported here (rich only for the
progress bar of a terminal)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from ._analyze import Exit, emit, err, exit_for

if TYPE_CHECKING:
    from ..batch import BatchRun
    from ..models.findings import Report

#: Formats written as each input is done, not once the run ends.
STREAMED = ("jsonl", "csv")


def run_batch(paths: list[str], *, fmt: str, output: str | None, jobs: str | None,
              quiet: bool, brief: bool, details: bool, timeout: float,
              scheduler: str | None, fail_on: str, color: str, no_model: bool,
              redacted: bool, own: bool) -> int:
    """The exit code of `certtriage batch PATHS` with these options (`jobs`: the option's
    text, checked already; `own`: the run has this process to itself)."""
    missing = [p for p in paths if not os.path.lexists(p)]  # a dangling link is reported later
    for path in missing:
        err(f"{path}: no such file or folder")
    if missing:
        return int(Exit.USAGE)
    from ..batch import BatchRun, default_jobs
    from ..executors import SchedulerUnavailable
    from ..render import OutputFormat, shows_evidence

    workers = int(jobs) if jobs else default_jobs()
    # redaction looks for names in the evidence, so a redacted report keeps it
    trim = not redacted and not shows_evidence(OutputFormat(fmt), details=details,
                                                     brief=brief)
    run = BatchRun(paths, jobs=workers, timeout=timeout, scheduler=scheduler, trim=trim,
                   own=own)
    try:
        if fmt in STREAMED and not redacted:
            return _stream_batch(run, fmt, output, quiet=quiet, no_model=no_model,
                                 fail_on=fail_on)
        full = _collect(run, quiet=quiet)
    except SchedulerUnavailable as exc:
        err(str(exc))
        return int(Exit.USAGE)
    return emit(full, fmt, output, no_model=no_model, fail_on=fail_on, details=details,
                brief=brief, color=color, redacted=redacted)


def _collect(run: BatchRun, *, quiet: bool) -> Report:
    """The whole report of the run, with a progress bar on a terminal."""
    if not quiet and sys.stderr.isatty():
        from ._progress import with_progress

        return with_progress(run)
    return run.report()


def _stream_batch(run: BatchRun, fmt: str, output: str | None, *, quiet: bool,
                  no_model: bool, fail_on: str) -> int:
    """Batch output written as each input is done (`jsonl`, `csv`); the exit code."""
    from contextlib import nullcontext

    from ..render import OutputFormat
    from ._stream import stream

    bar: Any = nullcontext()
    if not quiet and sys.stderr.isatty():
        from ._progress import progress_bar

        bar = progress_bar(run)
    try:
        with bar:
            tally = stream(run, OutputFormat(fmt), output, include_model=not no_model)
    except OSError as exc:
        err(f"{output or 'standard output'}: cannot write the report: {exc.strerror or exc}")
        return int(Exit.USAGE)
    return int(exit_for(tally.verdict, recognised=tally.recognised, warned=tally.warned,
                        fail_on=fail_on))
