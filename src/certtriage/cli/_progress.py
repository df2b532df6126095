"""The progress bar of `batch` on a terminal (standard error), drawn with rich; file names are
shown with their control characters escaped and never read as rich markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models.findings import Report


def with_progress(run: Callable[..., Report], paths: list[str], jobs: int) -> Report:
    """`run(paths, jobs=jobs)` with a transient progress bar on standard error."""
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

        return run(paths, jobs=jobs, progress=update, records=records)
