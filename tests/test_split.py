"""A check shared out among processes (``evaluate(workers=N)``) reports as one process does."""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrecore import Ledger, Text, hookimpl
from cadrecore.errors import CadrecoreError
from cadrecore.plugins import PluginManager
from cadrecore.rules import Rule, RuleContext, evaluate
from cadrecore.rules.engine import (
    Outcome,
    RegisteredRule,
    _Ran,
    batches_of,
    workers_for,
)
from cadrecore.rules.findings import Finding, Occurrence, RuleFailure, Severity, Subject
from cadrecore.rules.split import can_fork, usable_cpus
from cadrecore.sample import small_ledger
from cadrecore.store.reading import _day_span

from .test_opened import DAYS, RANDOM, SETTINGS, stored, template

__all__ = ["template"]  # a fixture, used by name

forks = pytest.mark.skipif(not can_fork(), reason="a check is split by forking: Linux only")


# ---------------------------------------------------------------------------------------------
# The same report, however the rules fell
# ---------------------------------------------------------------------------------------------


@forks
@SETTINGS
@given(ledger=RANDOM, day=DAYS, workers=st.integers(min_value=2, max_value=3))
def test_a_check_split_among_processes_reports_as_one_process(
    ledger: Ledger, day: date, workers: int, template: Path
) -> None:
    one = evaluate(ledger, as_of=day, workers=1).to_json()
    assert evaluate(ledger, as_of=day, workers=workers).to_json() == one
    with stored(ledger, template) as store:
        assert evaluate(store.open(), as_of=day, workers=workers).to_json() == one


@forks
def test_the_example_split_gives_the_same_report_objects() -> None:
    ledger = small_ledger()
    one = evaluate(ledger, year=2022, workers=1)
    two = evaluate(ledger, year=2022, workers=2)
    assert two == one  # (the objects themselves: occurrences, parameters, in the same order)
    assert one.occurrences and one.parameters


# ---------------------------------------------------------------------------------------------
# Which process ran what: a plugin whose rules say where they ran
# ---------------------------------------------------------------------------------------------


class _WhereRun:
    """Rules that say which process ran them. ``first`` (with ``first.b`` in the same batch,
    the largest: the parent keeps it) waits until ``second`` has run, in whatever process, so
    the parent cannot take both; ``dies`` ends its process unless it is the parent."""

    def __init__(self, marker: Path, parent: int, *, die: bool = False) -> None:
        self.marker = marker
        self.parent = parent
        self.die = die

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        def said(ctx: RuleContext) -> Iterator[Outcome]:
            yield ctx.finding(("units", "pid"), "ran", Text("运行", f"ran in {os.getpid()}"))

        def first(ctx: RuleContext) -> Iterator[Outcome]:
            deadline = time.monotonic() + 10
            while not self.marker.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            yield from said(ctx)

        def second(ctx: RuleContext) -> Iterator[Outcome]:
            if self.die and os.getpid() != self.parent:
                self.marker.touch()
                os._exit(7)
            self.marker.touch()
            yield from said(ctx)

        title = Text("在哪运行", "where run")
        register(Rule(key="first.a", title=title, check=first, batch="first"))
        register(Rule(key="first.b", title=title, check=said, batch="first"))
        register(Rule(key="second", title=title, check=second, severity=Severity.INFO))


def _pids(report: Any) -> dict[str, int]:
    return {f.rule_id.split("::")[1]: int(f.message.en.split()[-1]) for f in report.findings}


@forks
def test_the_parent_keeps_the_largest_batch_and_a_copy_takes_the_rest(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], tmp_path: Path
) -> None:
    register_plugin(_WhereRun(tmp_path / "ran", os.getpid()), name="whererun")
    report = evaluate(small_ledger(), year=2022, pm=cadrecore_pm, rules=["whererun::*"], workers=2)
    pids = _pids(report)
    assert pids["first.a"] == pids["first.b"] == os.getpid()
    assert pids["second"] != os.getpid()
    assert [f.rule_id for f in report.findings] == [
        "whererun::first.a",
        "whererun::first.b",
        "whererun::second",
    ]


@forks
def test_a_copy_that_dies_costs_time_not_results(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    register_plugin(_WhereRun(tmp_path / "ran", os.getpid(), die=True), name="whererun")
    with caplog.at_level(logging.WARNING, logger="cadrecore.rules.split"):
        report = evaluate(
            small_ledger(), year=2022, pm=cadrecore_pm, rules=["whererun::*"], workers=2
        )
    assert "exit status 7" in caplog.text
    pids = _pids(report)  # the rule the copy died in ran again here
    assert set(pids) == {"first.a", "first.b", "second"}
    assert set(pids.values()) == {os.getpid()}
    assert not report.errored


@forks
def test_a_process_running_other_threads_is_not_forked(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], tmp_path: Path
) -> None:
    (tmp_path / "ran").touch()  # (nothing to wait for: one process runs every rule)
    register_plugin(_WhereRun(tmp_path / "ran", os.getpid()), name="whererun")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        report = evaluate(
            small_ledger(), year=2022, pm=cadrecore_pm, rules=["whererun::*"], workers=2
        )
    finally:
        stop.set()
        other.join()
    assert set(_pids(report).values()) == {os.getpid()}


def test_one_worker_runs_every_rule_here(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], tmp_path: Path
) -> None:
    (tmp_path / "ran").touch()
    register_plugin(_WhereRun(tmp_path / "ran", os.getpid()), name="whererun")
    report = evaluate(small_ledger(), year=2022, pm=cadrecore_pm, rules=["whererun::*"])
    assert set(_pids(report).values()) == {os.getpid()}


# ---------------------------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------------------------


def test_how_many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADRECORE_WORKERS", raising=False)
    assert workers_for(None) == 1  # the library's default: one process
    assert workers_for(3) == 3
    assert workers_for(0) == usable_cpus() >= 1
    monkeypatch.setenv("CADRECORE_WORKERS", "2")
    assert workers_for(None) == 2
    assert workers_for(1) == 1  # given wins over the setting
    monkeypatch.setenv("CADRECORE_WORKERS", "many")
    with pytest.raises(CadrecoreError, match="CADRECORE_WORKERS='many'"):
        workers_for(None)
    with pytest.raises(CadrecoreError, match="workers=-1"):
        workers_for(-1)


def test_rules_of_a_batch_go_together_the_largest_batch_first() -> None:
    def rule(key: str, batch: str = "") -> RegisteredRule:
        made = Rule(key=key, title=Text("t", "t"), check=lambda ctx: (), batch=batch)
        return RegisteredRule(f"p::{key}", "p", made)

    selected = [rule("a"), rule("b", "x"), rule("c"), rule("d", "x"), rule("e", "y")]
    assert batches_of(selected) == [["p::b", "p::d"], ["p::a"], ["p::c"], ["p::e"]]
    assert batches_of([]) == []


@given(
    kinds=st.lists(st.sampled_from(["branches", "units"]), min_size=0, max_size=30),
    days=st.lists(st.one_of(st.none(), st.dates()), max_size=30),
)
def test_outcomes_sent_back_pickled_are_the_same(kinds: list[str], days: list[date | None]) -> None:
    note = Text("注", "note")
    occurrences = [
        Occurrence(
            "p::r",
            Subject(kind, f"id{n % 4}"),
            f"2022-{n % 12 + 1:02d}",
            days[n % len(days)] if days else None,
            "done" if n % 2 else "overdue",
            f"act{n}" if n % 3 else None,
            days[-1 - n % len(days)] if days else None,
            note if n % 5 == 0 else None,
        )
        for n, kind in enumerate(kinds)
    ]
    finding = Finding("p::r", Severity.WARNING, Subject("units", "u"), "2022", "why", note)
    ran = _Ran(None, [finding], occurrences, [])
    back = pickle.loads(pickle.dumps(ran))
    assert back == ran
    failed = _Ran(RuleFailure("p::r", "p", "boom"))
    assert pickle.loads(pickle.dumps(failed)) == failed


def test_a_run_of_days_is_read_as_a_range() -> None:
    year = frozenset(date.fromordinal(date(2022, 1, 1).toordinal() + n) for n in range(365))
    assert _day_span(year) == (date(2022, 1, 1), date(2022, 12, 31))
    assert _day_span(year | {None}) == (date(2022, 1, 1), date(2022, 12, 31))
    assert _day_span(year - {date(2022, 6, 1)}) is None  # a gap: each day looked up
    assert _day_span(frozenset({date(2022, 1, 1)})) is None
    assert _day_span(frozenset({"2022-01-01", "2022-01-02"})) is None
