"""Feedback on long work: progress bars on a terminal, and one line that says what was done and
how long it took.

The library reports progress through a plain callback, :data:`Progress`: ``(step, done, total)``,
called every so many items (never per item, so that it costs nothing measurable), with a known
``total`` and ending at ``done == total``. A step is a short name (``"save"``, ``"load"``...) that
:data:`STEPS` labels in both languages. The CLI turns the callback into bars with
:func:`progress_bars`, and ends each long command with :func:`finished`::

    with timed() as timer, progress_bars(quiet=quiet) as progress:
        result = store.save(ledger, progress=progress)
    finished(Text(f"已保存 {n:,} 条记录", f"saved {n:,} records"), timer.seconds, quiet=quiet)

The bars are drawn on standard error, and only when it is a terminal and the run is not quiet:
piped or redirected output, a log, CI, never holds them. They follow ``NO_COLOR`` (rich reads
it). One run speaks one language (:func:`cadrecore.i18n.default_lang`, set per run by the CLI).

Lowest layer beside :mod:`cadrecore.i18n`: imports nothing of cadrecore but it, so that the
store and the readers take :data:`Progress` from here; rich is imported only when bars are drawn.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import Lang, Text, default_lang

if TYPE_CHECKING:
    from rich.console import Console

Progress = Callable[[str, int, int | None], None]
"""A progress callback: ``(step, done, total)``, ``done`` going up to ``total``."""

#: What each step is called on its bar, in the run's language.
STEPS: dict[str, Text] = {
    "read": Text("读取文件", "reading"),
    "load": Text("载入账册", "loading"),
    "validate": Text("校验账册", "validating"),
    "check": Text("检查规则", "checking"),
    "import": Text("导入", "importing"),
    "save": Text("保存", "saving"),
    "write": Text("写出", "writing"),
    "export": Text("导出", "exporting"),
    "synth": Text("合成账册", "synthesizing"),
    "verify": Text("核验审计记录", "verifying the audit trail"),
    "report": Text("生成报告", "building the report"),
}


def step_label(step: str, lang: Lang | None = None) -> str:
    """The label of ``step`` in ``lang`` (default: the run's language); an unknown step is
    shown by its name."""
    text = STEPS.get(step)
    return text(lang or default_lang()) if text is not None else step


def quiet_progress(step: str, done: int, total: int | None) -> None:
    """A progress callback that shows nothing."""


@contextmanager
def progress_bars(
    *, quiet: bool, lang: Lang | None = None, console: Console | None = None
) -> Iterator[Progress]:
    """A progress callback that draws one bar per step on standard error, with its label in
    ``lang`` (default: the run's language), the share done, the time taken and the time left;
    :func:`quiet_progress` when ``quiet`` or when the console is not a terminal.

    ``console`` is where to draw (default: standard error). The bars are cleared when the
    block ends: what stays is the summary line (:func:`finished`).
    """
    if quiet:
        yield quiet_progress
        return
    from rich.console import Console

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield quiet_progress
        return
    from rich.progress import (
        BarColumn,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bars

    chosen = lang or default_lang()
    tasks: dict[str, TaskID] = {}
    with Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bars:

        def report(step: str, done: int, total: int | None) -> None:
            task = tasks.get(step)
            if task is None:
                tasks[step] = bars.add_task(step_label(step, chosen), total=total, completed=done)
            else:
                bars.update(task, completed=done, total=total)

        yield report


# ---------------------------------------------------------------------------------------------
# The time taken, and the line that ends a long command
# ---------------------------------------------------------------------------------------------


class Timer:
    """The time since it started, frozen when its :func:`timed` block ends."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.ended: float | None = None

    @property
    def seconds(self) -> float:
        """Seconds from the start to the end of the block (to now, inside it)."""
        return (self.ended if self.ended is not None else time.perf_counter()) - self.started


@contextmanager
def timed() -> Iterator[Timer]:
    """Time a block: ``with timed() as t: ...`` then ``t.seconds``."""
    timer = Timer()
    try:
        yield timer
    finally:
        timer.ended = time.perf_counter()


def duration(seconds: float) -> Text:
    """A time taken as people say it: ``3.2 秒`` / ``3.2 s``, ``2 分 5 秒`` / ``2 min 5 s``,
    ``1 小时 2 分`` / ``1 h 2 min``."""
    if seconds < 59.95:
        shown = f"{max(seconds, 0.0):.1f}"
        return Text(f"{shown} 秒", f"{shown} s")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return Text(f"{hours} 小时 {minutes} 分", f"{hours} h {minutes} min")
    return Text(f"{minutes} 分 {secs} 秒", f"{minutes} min {secs} s")


@dataclass(frozen=True)
class Summary:
    """What a long command did and how long it took, as one line: ``已导入 1,234 条记录，用时
    3.2 秒`` / ``imported 1,234 records in 3.2 s``."""

    text: Text
    seconds: float

    def __call__(self, lang: Lang | None = None) -> str:
        took = duration(self.seconds)
        if (lang or default_lang()) == "en":
            return f"{self.text.en} in {took.en}"
        return f"{self.text.zh}，用时 {took.zh}"

    def __str__(self) -> str:
        return self()


def finished(
    text: Text,
    seconds: float,
    *,
    quiet: bool = False,
    lang: Lang | None = None,
    console: Console | None = None,
) -> None:
    """Print the :class:`Summary` line of a long command on standard error (``console``), in
    ``lang`` (default: the run's language), unless ``quiet``.

    Unlike the bars it is printed when standard error is not a terminal too: a log or a
    scheduled job's mail keeps what was done and how long it took, and standard output (which
    a script may read) never holds it.
    """
    if quiet:
        return
    line = Summary(text, seconds)(lang)
    if console is None:
        import sys

        print(line, file=sys.stderr)
        return
    console.print(line, markup=False, highlight=False)
