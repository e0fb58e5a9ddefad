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


#: The pension bases of the sample's members in the dues tests, and what 中组发〔2008〕3号 第五条
#: asks of each a month, worked out by hand: 0.5 % of 4,000.00 is 20.00; 6,000.00 is above
#: 5,000, so 1 % of the whole base, 60.00 (not 25.00 plus 1 % of the 1,000.00 above: 35.00).
DUES_BASES: dict[str, tuple[str, str]] = {"c001": ("6000.00", "60.00")}
DUES_DEFAULT = ("4000.00", "20.00")


def dues_of_the_year(
    ledger: Ledger, *, county: str = "east", year: int = 2022, months: range = range(1, 13)
) -> list[Any]:
    """A dues record for every member of ``county``'s branches (those in the branch on the 1st
    of January), every month of ``months``: each paying what is due on their base
    (:data:`DUES_BASES`), the base written on every record."""
    from decimal import Decimal

    from cadrecore.models import PartyDues

    return [
        PartyDues(
            cadre_id=cadre.id,
            branch_id=branch.id,
            year=year,
            month=month,
            paid_yuan=Decimal(DUES_BASES.get(cadre.id, DUES_DEFAULT)[1]),
            pension_base_yuan=Decimal(DUES_BASES.get(cadre.id, DUES_DEFAULT)[0]),
            paid_on=date(year, month, 10),
        )
        for branch in ledger.branches
        if branch.county_id == county
        for cadre in ledger.members_of(branch.id, on=date(year, 1, 1))
        for month in months
    ]
