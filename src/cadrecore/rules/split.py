"""Running a check's rules in several processes at once (``evaluate(workers=N)``).

A check is CPU-bound Python: one process uses one core. With ``workers=N`` the selected rules,
in batches (:attr:`~cadrecore.rules.Rule.batch`), are shared out among this process and
``N - 1`` forked copies of it. A forked copy starts with everything this process holds (the
opened ledger, the plugins loaded), so nothing is read or loaded twice that was read before the
fork. Each copy goes through the batches in order and runs each one no process has claimed yet
(a byte per batch in memory the processes share, claimed under a lock); when none are left it
sends what its rules gave back, pickled, and ends. This process runs the first batch itself (the
largest: its outcomes need not be sent), then claims batches from the other end, the last
first, until it meets the copies (which have read ahead for the first ones), and waits for them.

The outcome does not depend on how the batches fell: every rule is a pure function of the
ledger and date, and the report is put together in rule order, as one process running them one
after the other gives it (a hypothesis test compares the two on random ledgers). A copy that
ends without sending its results (killed, out of memory, broken) costs time, not results: the
rules whose results did not come are run here afterwards, and an error they raise is raised
here as the one-process check raises it.

Processes are forked (Linux only: elsewhere, and in a process running other threads, which a
fork may leave holding a lock, the rules run in this process, one after the other).
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from ..plugin_manager import alone_for_fork

_log = logging.getLogger(__name__)

R = TypeVar("R")
E = TypeVar("E")


def can_fork() -> bool:
    """Whether this platform forks safely (Linux; macOS's system libraries do not allow it)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, as a container or ``taskset`` limits
    it), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # (not on Linux)
        return max(1, os.cpu_count() or 1)


class SplitRun(Generic[R, E]):
    """One run of ``batches`` (of rule ids) across ``workers`` processes.

    ``run(batch)`` runs a batch where it is called and gives its results by rule id; ``extra()``
    what else a forked copy sends back once its batches are done (the parameters it resolved);
    ``before_fork()`` is called once it is decided to fork, just before (to read what every
    process needs, once); ``in_child()`` is called first thing in a forked copy (to let go of
    the parent's database connections).
    """

    def __init__(
        self,
        batches: Sequence[Sequence[str]],
        run: Callable[[Sequence[str]], dict[str, R]],
        *,
        extra: Callable[[], E],
        in_child: Callable[[], None],
        before_fork: Callable[[], None] = lambda: None,
    ) -> None:
        self.batches = batches
        self.run = run
        self.extra = extra
        self.in_child = in_child
        self.before_fork = before_fork

    def __call__(self, workers: int) -> tuple[dict[str, R], list[E]] | None:
        """The results of every batch and the extras of the copies that sent theirs; None when
        no process could be forked (then nothing has run)."""
        copies = min(workers, len(self.batches)) - 1
        if copies < 1 or not can_fork():
            return None
        if not alone_for_fork():
            _log.info("not forking: this process runs other threads; one process checks")
            return None
        try:
            claims = _Claims(len(self.batches))
        except OSError as exc:  # (no shared memory or semaphores here)
            _log.info("not forking: %s; one process checks", exc)
            return None
        children: list[tuple[int, int]] = []  # (pid, the read end of its results pipe)
        try:
            self.before_fork()
            for _ in range(copies):
                results_r, results_w = os.pipe()
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # pragma: no cover (a forked copy: its coverage is not collected)
                    os.close(results_r)
                    for _, other in children:
                        os.close(other)
                    self._serve(claims, results_w)
                os.close(results_w)
                children.append((pid, results_r))
            results = self._run(0)
            for n in reversed(range(1, len(self.batches))):  # (the copies start at the front)
                if claims.claim(n):
                    results.update(self._run(n))
            extras: list[E] = []
            for pid, results_r in children:
                sent = _received(pid, results_r)
                if sent is not None:
                    their_results, their_extra = sent
                    results.update(their_results)
                    extras.append(their_extra)
            children = []
        finally:
            for pid, results_r in children:  # (interrupted: the copies are not left running)
                os.close(results_r)
                _end(pid)
            claims.close()
        for batch in self.batches:  # what copies that failed did not send: run here
            if not results.keys() >= set(batch):
                results.update(self.run(batch))
        return results, extras

    def _run(self, n: int) -> dict[str, R]:
        start = time.perf_counter()
        results = self.run(self.batches[n])
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "process %d ran batch %d (%s) in %.2f s",
                os.getpid(),
                n,
                ", ".join(self.batches[n]),
                time.perf_counter() - start,
            )
        return results

    def _serve(self, claims: _Claims, results_w: int) -> None:  # pragma: no cover (in the copy)
        """A forked copy's life: run the batches not yet claimed, in order, send the results,
        end (without returning into the caller's code, and without running its exit handlers).
        """
        status = 1
        try:
            self.in_child()
            results: dict[str, R] = {}
            for n in range(1, len(self.batches)):
                if claims.claim(n):
                    results.update(self._run(n))
            payload = pickle.dumps((results, self.extra()), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(results_w, "wb") as out:
                out.write(payload)
            status = 0
        except BaseException:  # (the parent runs what was not sent, and raises what it raises)
            status = 1
        finally:
            os._exit(status)


class _Claims:
    """Which batches a process has claimed: a byte each in memory shared across the fork, set
    under a lock shared the same way, so that each batch is claimed once."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        self._taken = mmap.mmap(-1, max(count, 1))
        self._taken[0] = 1  # (the first batch is the calling process's)
        self._lock = multiprocessing.get_context("fork").Lock()

    def claim(self, n: int) -> bool:
        """Claim batch ``n``: True if this process claimed it, False if another had."""
        with self._lock:
            if self._taken[n]:
                return False
            self._taken[n] = 1
            return True

    def close(self) -> None:
        self._taken.close()


def _received(pid: int, results_r: int) -> tuple[dict[str, Any], Any] | None:
    """What the copy ``pid`` sent, once it has ended; None (logged) if it ended without
    sending it."""
    with os.fdopen(results_r, "rb") as source:
        payload = source.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and payload:
        try:
            sent = pickle.loads(payload)
        except Exception:  # (a result that does not unpickle here: its rules run here)
            _log.warning("a worker process's results could not be read; its rules run here")
            return None
        return sent  # type: ignore[no-any-return]
    _log.warning(
        "a worker process ended (exit status %s) without its results; its rules run here", code
    )
    return None


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # (ended already)
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
