"""The yearly checklist ("six ones", 六个一) at its edges: an item done on its due day, the day
after, the first record that closes it, a checklist's first and last year.

REGULATIONS.md, "Veteran cadre work": the six items, "each once a year"; "deadlines are
parameters, (month, day) per item". An item done on its due day is done on time (the day is
judged at its end: a due date is the last day allowed); the day after it is late. The first
record of the year that meets the item's conditions is the one that closes it: a later one
does not move it.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore import Ledger
from cadrecore.models import Activity, Checklist, ChecklistEntry
from cadrecore.rules import Report, Severity
from cadrecore.sample import small_ledger

from .rules_helpers import changed, run, update

BASE = small_ledger(2022)
ITEM = "east.list:six_ones.observation_tour"


def _county(due: str = "06-30", *, from_year: int = 2022, to_year: int | None = None) -> Ledger:
    county = Checklist(
        id="east.list",
        name="东县清单",
        owner_unit_id="east.vcb",
        from_year=from_year,
        to_year=to_year,
        items=(ChecklistEntry(item="six_ones.observation_tour", due=due),),
    )
    return BASE.replace(checklists=(county,))


def _tours(ledger: Ledger, *days: date) -> Ledger:
    tours = [
        Activity(
            id=f"tour{n}",
            activity_kind="observation_tour",
            date=day,
            owner_unit_id="east.vcb",
        )
        for n, day in enumerate(days)
    ]
    return ledger.replace(activities=(*ledger.activities, *tours))


def _item(
    report: Report,
) -> tuple[list[tuple[str, object, object]], list[tuple[str, object, object]]]:
    findings = [(f.reason, f.expected, f.actual) for f in report.findings if f.subject.id == ITEM]
    occurrences = [
        (o.status, o.satisfied_by, o.done_on) for o in report.occurrences if o.subject.id == ITEM
    ]
    return findings, occurrences


@pytest.mark.parametrize(
    ("held", "findings", "status"),
    [
        (date(2022, 6, 29), [], "done"),
        (date(2022, 6, 30), [], "done"),  # on its due day: on time
        (date(2022, 7, 1), [("done_late", "2022-06-30", "2022-07-01")], "late"),  # a day late
    ],
)
def test_an_item_done_on_its_due_day_is_on_time(
    held: date, findings: list[object], status: str
) -> None:
    report = run(_tours(_county(), held), "checklist.items")
    assert _item(report) == (findings, [(status, "tour0", held)])
    assert all(f.severity is Severity.WARNING for f in report.findings)


def test_the_first_record_closes_the_item() -> None:
    """Held on 1 June and again on 2 July: done on time by the first."""
    report = run(_tours(_county(), date(2022, 7, 2), date(2022, 6, 1)), "checklist.items")
    assert _item(report) == ([], [("done", "tour1", date(2022, 6, 1))])


def test_a_late_record_then_none_earlier() -> None:
    report = run(_tours(_county(), date(2022, 9, 1), date(2022, 7, 15)), "checklist.items")
    assert _item(report) == (
        [("done_late", "2022-06-30", "2022-07-15")],
        [("late", "tour1", date(2022, 7, 15))],
    )


@pytest.mark.parametrize(
    ("as_of", "findings", "status"),
    [
        (date(2022, 6, 29), [], "pending"),
        (date(2022, 6, 30), [("overdue", 1, 0)], "overdue"),  # the due day ends: not held
    ],
)
def test_not_held_by_the_due_day(as_of: date, findings: list[object], status: str) -> None:
    report = run(_county(), "checklist.items", as_of=as_of)
    assert _item(report) == (findings, [(status, None, None)])


def test_a_record_after_the_day_judged_is_not_yet_known() -> None:
    ledger = _tours(_county(), date(2022, 6, 30))
    assert _item(run(ledger, "checklist.items", as_of=date(2022, 6, 29)))[1] == [
        ("pending", None, None)
    ]
    assert _item(run(ledger, "checklist.items", as_of=date(2022, 6, 30)))[1] == [
        ("done", "tour0", date(2022, 6, 30))
    ]


def test_a_record_of_another_year_does_not_count() -> None:
    ledger = _tours(_county(), date(2021, 12, 31), date(2023, 1, 1))
    assert _item(run(ledger, "checklist.items")) == (
        [("overdue", 1, 0)],
        [("overdue", None, None)],
    )


def test_a_due_date_of_29_february_in_a_common_year() -> None:
    ledger = _tours(_county("02-29"), date(2022, 2, 28))
    assert _item(run(ledger, "checklist.items")) == ([], [("done", "tour0", date(2022, 2, 28))])
    late = _tours(_county("02-29"), date(2022, 3, 1))
    assert _item(run(late, "checklist.items"))[0] == [("done_late", "2022-02-28", "2022-03-01")]


@pytest.mark.parametrize(
    ("year", "holds"),
    [(2021, False), (2022, True), (2023, True), (2024, False)],
)
def test_a_checklist_holds_from_its_first_to_its_last_year(year: int, holds: bool) -> None:
    ledger = _county(from_year=2022, to_year=2023)
    report = run(ledger, "checklist.items", year=year)
    assert bool(report.occurrences) is holds


# --- conditions: the briefing with all four leading bodies -----------------------------------

BRIEFING = "six_ones:six_ones.situation_briefing"


def _briefings(*held: tuple[date, int]) -> Ledger:
    """The sample's briefing replaced by ``held``: (date, how many of the four bodies' leaders
    attended, in the order party committee, congress, government, CPPCC)."""
    original = next(a for a in BASE.activities if a.activity_kind == "situation_briefing")
    new = [
        update(
            original,
            id=f"brief{n}",
            date=day,
            leaders=[leader.model_dump() for leader in original.leaders[:bodies]],
        )
        for n, (day, bodies) in enumerate(held)
    ]
    kept = [a for a in BASE.activities if a.activity_kind != "situation_briefing"]
    return BASE.replace(activities=(*kept, *new), opinions=())


def _briefing(report: Report) -> tuple[list[object], list[object]]:
    findings = [
        (f.reason, f.severity, f.expected, f.actual)
        for f in report.findings
        if f.subject.id == BRIEFING
    ]
    occurrences = [
        (o.status, o.satisfied_by) for o in report.occurrences if o.subject.id == BRIEFING
    ]
    return findings, occurrences


def test_the_first_record_that_meets_the_conditions_closes_it() -> None:
    ledger = _briefings((date(2022, 1, 11), 3), (date(2022, 3, 1), 4), (date(2022, 5, 1), 4))
    assert _briefing(run(ledger, "checklist.items")) == ([], [("done", "brief1")])


@pytest.mark.parametrize(
    ("as_of", "severity", "status"),
    [
        (date(2022, 12, 30), Severity.WARNING, "pending"),  # may still be held again
        (date(2022, 12, 31), Severity.ERROR, "invalid"),  # the due day: not done
    ],
)
def test_a_record_short_of_a_body_by_and_on_the_due_day(
    as_of: date, severity: Severity, status: str
) -> None:
    ledger = _briefings((date(2022, 1, 11), 3))
    findings, occurrences = _briefing(run(ledger, "checklist.items", as_of=as_of))
    assert findings == [("leaders_absent", severity, 4, 3)]
    assert [s for s, _ in occurrences] == [status]


def test_of_records_short_the_nearest_is_named() -> None:
    """Three bodies present at the second, two at the first: the second is the nearest."""
    ledger = _briefings((date(2022, 1, 11), 2), (date(2022, 3, 1), 3), (date(2022, 5, 1), 1))
    findings, occurrences = _briefing(run(ledger, "checklist.items"))
    assert findings == [("leaders_absent", Severity.ERROR, 4, 3)]
    assert occurrences == [("invalid", "brief1")]


def test_of_records_equally_short_the_earliest_is_named() -> None:
    ledger = _briefings((date(2022, 3, 1), 3), (date(2022, 1, 11), 3))
    assert _briefing(run(ledger, "checklist.items"))[1] == [("invalid", "brief1")]


def test_an_item_owned_by_another_unit_is_not_closed_by_this_ones_record() -> None:
    ledger = changed(
        _tours(_county(), date(2022, 6, 1)),
        "activities",
        lambda a: update(a, owner_unit_id="city.vcb") if a.id == "tour0" else a,
    )
    assert _item(run(ledger, "checklist.items")) == ([("overdue", 1, 0)], [("overdue", None, None)])
