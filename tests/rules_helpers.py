"""Helpers for the rule tests: change one thing in the sample ledger, evaluate, compare."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from cadrecore import Ledger
from cadrecore.rules import Finding, Report, evaluate


def changed(ledger: Ledger, kind: str, change: Callable[[Any], Any | None]) -> Ledger:
    """A copy of ``ledger`` with ``change`` applied to each record of ``kind`` (None drops it)."""
    records = [change(r) for r in ledger.records(kind)]
    return ledger.replace(**{kind: tuple(r for r in records if r is not None)})


def update(record: Any, **fields: Any) -> Any:
    """The record with some fields changed, validated anew."""
    return type(record).model_validate({**record.model_dump(), **fields})


def run(ledger: Ledger, rule: str, *, year: int = 2022, as_of: date | None = None) -> Report:
    """The report of one rule; a rule that raised (errored) fails the test: no finding is not
    the same as a rule that could not judge."""
    report = evaluate(ledger, year=year, as_of=as_of, rules=[rule])
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


def reasons(findings: Iterable[Finding]) -> list[tuple[str, str, str]]:
    return [(f.reason, f.subject.kind, f.subject.id) for f in findings]
