"""The progress bar of `batch` on a terminal (standard error), drawn with rich; file names are
shown with their control characters escaped and never read as rich markup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..batch import BatchRun
    from ..models.findings import Report


@contextmanager
def progress_bar(run: BatchRun) -> Iterator[None]:
    """A transient progress bar on standard error that follows `run` while the block runs."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..render.escape import one_line

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}", style="dim", markup=False),
                  console=console,
                  transient=True) as bar:
        task = bar.add_task("files", total=None, current="listing inputs ...")

        def update(done: int, total: int, origin: str) -> None:
            bar.update(task, completed=done, total=total, current=one_line(origin)[-60:])

        def records(origin: str, count: int) -> None:
            bar.update(task, current=f"{one_line(origin)[-48:]}: {count} records")

        run.progress = update
        run.records = records
        yield


def with_progress(run: BatchRun) -> Report:
    """The whole report of `run`, with a transient progress bar on standard error."""
    with progress_bar(run):
        return run.report()
