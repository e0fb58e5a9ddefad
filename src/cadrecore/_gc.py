"""Pausing Python's cyclic garbage collector while a ledger is built.

Building a ledger allocates millions of small objects that live as long as the ledger, and the
collector, which runs every few hundred allocations and now and then walks every object alive,
would spend most of a province-scale load walking records that cannot be garbage (they form no
reference cycles). Reference counting still frees everything as usual while the collector waits.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, ParamSpec, TypeVar


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (unless it was already off, nothing changes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What the block made waits in the youngest generation, which the next pass would
            # walk whole (at a 100,000-row import, 1.5 µs a row for nothing): aged at once to
            # the oldest instead, still collected by a full pass like anything else.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def off_until_exit() -> None:
    """For a command that reads a ledger, judges it once and exits (``cadrecore check``,
    ``cadrecore report``): the cyclic collector off for the rest of the process.

    A paused collector, once resumed, walks every object made while it waited on its next
    young-generation pass (and again as they age): at a province's scale the records, columns
    and outcomes just made, millions of objects, about 3 s a pass for nothing, since they form
    no cycles and the process ends when the output is written. Reference counting still frees
    everything as usual.

    It also records that the process has nothing left to do once the command returns: the
    console script (``cadrecore.cli.main``) then ends it with :func:`end_now`.
    """
    gc.disable()
    ENDING.after_output = True


class _Ending:
    """Whether the command running said that the process ends when its output is written
    (:func:`off_until_exit`); ``cadrecore.cli.main`` clears it before each command."""

    after_output = False


ENDING = _Ending()


def end_now(code: int) -> NoReturn:
    """End the process with ``code`` once its output is out, without tearing down its objects.

    At a province's scale a check leaves millions of objects (the ledger's columns, the
    report), and an interpreter that exits normally frees them one by one: about 4 s after a
    check of a million cadres, for nothing. The output streams are flushed and logging shut
    down (what exiting does that matters here), then ``os._exit``. Only for a command that
    wrote nothing but its output: a store it opened was only read.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


P = ParamSpec("P")
R = TypeVar("R")


def collector_paused_during(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with the collector paused while it runs (see :func:`collector_paused`)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return paused
