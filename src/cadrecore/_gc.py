"""Pausing Python's cyclic garbage collector while a ledger is built.

Building a ledger allocates millions of small objects that live as long as the ledger, and the
collector, which runs every few hundred allocations and now and then walks every object alive,
would spend most of a province-scale load walking records that cannot be garbage (they form no
reference cycles). Reference counting still frees everything as usual while the collector waits.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (unless it was already off, nothing changes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def off_until_exit() -> None:
    """For a command that reads a ledger, judges it once and exits (``cadrecore check``,
    ``cadrecore report``): the cyclic collector off for the rest of the process.

    A paused collector, once resumed, walks every object made while it waited on its next
    young-generation pass (and again as they age): at a province's scale the records, columns
    and outcomes just made, millions of objects, about 3 s a pass for nothing, since they form
    no cycles and the process ends when the output is written. Reference counting still frees
    everything as usual.
    """
    gc.disable()


P = ParamSpec("P")
R = TypeVar("R")


def collector_paused_during(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with the collector paused while it runs (see :func:`collector_paused`)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return paused
