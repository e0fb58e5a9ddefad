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
from cadrecore.i18n import Text
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


# --- what each outcome says (scripts/mutation.py, target checklists) ----------------------------

TOUR = "部署一次观摩活动", "deploy an observation tour"  # the item's label
BRIEF = "召开一次情况通报会", "hold a situation briefing for veteran cadres"


def _said(report: Report, subject: str) -> list[tuple[object, ...]]:
    return [
        (f.reason, f.severity, f.expected, f.actual, f.message, f.fix, f.evidence)
        for f in report.findings
        if f.subject.id == subject
    ]


def _occurrences(report: Report, subject: str) -> list[tuple[object, ...]]:
    return [
        (o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
        if o.subject.id == subject
    ]


def test_what_an_item_done_late_says() -> None:
    report = run(_tours(_county(), date(2022, 7, 15)), "checklist.items")
    assert _said(report, ITEM) == [
        (
            "done_late",
            Severity.WARNING,
            "2022-06-30",
            "2022-07-15",
            Text(
                f"“{TOUR[0]}”于 2022-07-15 完成，晚于时限 2022-06-30",
                f"'{TOUR[1]}' was done on 2022-07-15, after its due date 2022-06-30",
            ),
            Text(
                f"下一年度在时限（6 月 30 日）前开展“{TOUR[0]}”",
                f"next year, hold the '{TOUR[1]}' by its due date (06-30)",
            ),
            ("tour0",),
        )
    ]
    assert _occurrences(report, ITEM) == [
        ("2022", date(2022, 6, 30), "late", "tour0", date(2022, 7, 15), None)
    ]


def test_what_an_overdue_item_says() -> None:
    report = run(_county(), "checklist.items", as_of=date(2022, 6, 30))
    assert _said(report, ITEM) == [
        (
            "overdue",
            Severity.ERROR,
            1,
            0,
            Text(
                f"“{TOUR[0]}”已过时限 2022-06-30 仍未完成（2022 年应 1 次，实 0 次）",
                f"'{TOUR[1]}' is overdue since 2022-06-30: required 1 in 2022, held 0",
            ),
            Text(
                f"开展并记录一次“{TOUR[0]}”（活动类型“观摩活动”，责任单位 east.vcb）",
                "hold and record a 'observation tour' activity owned by east.vcb",
            ),
            (),
        )
    ]
    assert _occurrences(report, ITEM) == [("2022", date(2022, 6, 30), "overdue", None, None, None)]
    report = run(_county(), "checklist.items", as_of=date(2022, 6, 29))
    assert _occurrences(report, ITEM) == [
        (
            "2022",
            date(2022, 6, 30),
            "pending",
            None,
            None,
            Text("时限 2022-06-30", "due 2022-06-30"),
        )
    ]
    assert _occurrences(run(_tours(_county(), date(2022, 6, 1)), "checklist.items"), ITEM) == [
        ("2022", date(2022, 6, 30), "done", "tour0", date(2022, 6, 1), None)
    ]


def test_what_a_briefing_short_of_a_body_says() -> None:
    """Three of the four bodies' leaders at the briefing of 11 January (no CPPCC leader): on the
    due day an error, the record named; the day before a warning, the item still open."""
    ledger = _briefings((date(2022, 1, 11), 3))
    lacking = Text("缺：政协领导", "missing: CPPCC leaders")
    fix = Text(
        "如实际符合要求，在活动记录 brief0 中补录（出席领导、出席人数）；否则在时限前补开一次"
        f"“{BRIEF[0]}”，四大班子相关领导全部出席",
        f"if it did meet them, complete activity brief0 (leaders, attendance); otherwise hold the "
        f"'{BRIEF[1]}' again by 2022-12-31, with leaders of all four leading bodies present",
    )
    report = run(ledger, "checklist.items", as_of=JUDGED_DAY)
    assert _said(report, BRIEFING) == [
        (
            "leaders_absent",
            Severity.ERROR,
            4,
            3,
            Text(
                f"“{BRIEF[0]}”未完成：2022-01-11 的记录不合要求，缺：政协领导（时限 2022-12-31）",
                f"'{BRIEF[1]}' is not done: the record of 2022-01-11 does not meet its conditions, "
                "missing: CPPCC leaders (due 2022-12-31)",
            ),
            fix,
            ("brief0",),
        )
    ]
    assert _occurrences(report, BRIEFING) == [
        ("2022", date(2022, 12, 31), "invalid", "brief0", date(2022, 1, 11), lacking)
    ]
    report = run(ledger, "checklist.items", as_of=date(2022, 12, 30))
    assert _said(report, BRIEFING) == [
        (
            "leaders_absent",
            Severity.WARNING,
            4,
            3,
            Text(
                f"“{BRIEF[0]}”尚未完成：2022-01-11 的记录不合要求，缺：政协领导（时限 2022-12-31）",
                f"'{BRIEF[1]}' is not done yet: the record of 2022-01-11 does not meet its "
                "conditions, missing: CPPCC leaders (due 2022-12-31)",
            ),
            fix,
            ("brief0",),
        )
    ]
    assert _occurrences(report, BRIEFING) == [
        (
            "2022",
            date(2022, 12, 31),
            "pending",
            None,
            None,
            Text(
                "2022-01-11 的记录不合要求，缺：政协领导；时限 2022-12-31",
                "the record of 2022-01-11 does not count, missing: CPPCC leaders; due 2022-12-31",
            ),
        )
    ]


JUDGED_DAY = date(2022, 12, 31)


def _tea(*held: dict[str, object]) -> Report:
    """A plugin's item with two conditions (the party committee's and the government's leaders;
    at least 30 present), owned by the city committee, its records ``held`` (fields of theme
    activities on 1 February, 1 March...), judged at the end of 2022."""
    from cadrecore import ChecklistItem, get_registry, hookimpl, new_plugin_manager
    from cadrecore.models import LeadingBody
    from cadrecore.registry import LeadersPresent, MinimumAttendance
    from cadrecore.rules import evaluate

    class Tea:
        @hookimpl
        def register_checklist_items(self, register):  # type: ignore[no-untyped-def]
            register(
                ChecklistItem(
                    key="county.spring_tea",
                    label=Text("新春茶话会", "spring tea party"),
                    evidence_kind="theme_activity",
                    conditions=(
                        LeadersPresent((LeadingBody.PARTY_COMMITTEE, LeadingBody.GOVERNMENT)),
                        MinimumAttendance(30),
                    ),
                )
            )

    pm = new_plugin_manager(load_installed=False)
    pm.register(Tea(), name="tea")
    registry = get_registry(pm)
    tea_list = Checklist.model_validate(
        {
            "id": "tea",
            "name": "茶话会",
            "owner_unit_id": "city.pc",
            "from_year": 2022,
            "items": [{"item": "county.spring_tea"}],
        },
        context={"registry": registry},
    )
    records = [
        Activity.model_validate(
            {
                "id": f"tea{n}",
                "activity_kind": "theme_activity",
                "date": date(2022, 2 + n, 1),
                "owner_unit_id": "city.pc",
                **fields,
            },
            context={"registry": registry},
        )
        for n, fields in enumerate(held)
    ]
    ledger = small_ledger(2022, registry=registry)
    ledger = ledger.replace(checklists=(tea_list,), activities=(*ledger.activities, *records))
    report = evaluate(ledger, year=2022, pm=pm, rules=["builtin::checklist.items"])
    assert not report.errored
    return report


def test_what_a_record_failing_two_conditions_says() -> None:
    report = _tea({"leaders": "党委:王书记"})
    (finding,) = report.findings
    assert finding.message.zh == (
        "“新春茶话会”未完成：2022-02-01 的记录不合要求，缺：政府领导；出席人数（未记录，应至少 30 人）"
        "（时限 2022-12-31）"
    )
    assert finding.fix == Text(
        "如实际符合要求，在活动记录 tea0 中补录（出席领导、出席人数）；否则在时限前补开一次"
        "“新春茶话会”，党委、政府领导出席，至少 30 人出席",
        "if it did meet them, complete activity tea0 (leaders, attendance); otherwise hold the "
        "'spring tea party' again by 2022-12-31, with leaders of the party committee and "
        "government present; at least 30 present",
    )
    # the first condition failed names the finding, its numbers those of the condition
    assert (finding.reason, finding.expected, finding.actual) == ("leaders_absent", 2, 1)


def test_the_nearest_of_two_records_short_of_people() -> None:
    """Attendance not recorded is short of all 30; one present is short of 29: the second
    record is the nearer, though later."""
    leaders = "党委:王书记;政府:张市长"
    report = _tea({"leaders": leaders}, {"leaders": leaders, "headcount": 1})
    (occurrence,) = report.occurrences
    assert (occurrence.status, occurrence.satisfied_by) == ("invalid", "tea1")
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.actual) == ("too_few_present", 30, 1)


def test_an_item_overdue_with_conditions_says_what_they_require() -> None:
    report = _tea()
    (finding,) = report.findings
    assert finding.fix == Text(
        "开展并记录一次“新春茶话会”（活动类型“主题活动”，责任单位 city.pc），党委、政府领导出席，"
        "至少 30 人出席",
        "hold and record a 'theme activity' activity owned by city.pc, with leaders of the party "
        "committee and government present; at least 30 present",
    )
