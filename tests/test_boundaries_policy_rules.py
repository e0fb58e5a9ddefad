"""The policy rules at their edges: an opinion answered on its due day and the day after, still
unanswered the day before its due day and on it, raised on the day judged and the day after, or
in the year before; a plan's target met, missed by one and passed by one, and its pro-rata count
on the days its whole number changes; a grant at the higher standard, a fen under it, and by a
standard that takes effect on the day judged or the day after.

Expected values written by hand. Opinions: ``opinions.reply_within_working_days`` is 15 (common
local practice); 2022-03-01 is a Tuesday, and with no holiday in March 15 working days later is
Tuesday 22 March (2, 3, 4, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 21, 22). Plans: the Xinzhou plan
sets a yearly target (the sample's plan: 1 standardized venue and 1 demonstration point a year;
b.team's venue and b.east's point are of 2022); before the year's end a target is judged pro
rata, ``plan.pro_rata_grace_days`` (30) behind the day judged. Treatment: 就高不就低, the higher
of the standards that apply is granted (the sample: 1,200 yuan for the city, 1,500 for "east").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cadrecore.ledger import Ledger
from cadrecore.models import ParameterOverride, TreatmentStandard
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger

YEAR = 2022
RAISED = date(2022, 3, 1)
DUE = date(2022, 3, 22)


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(YEAR)


def judged(ledger: Ledger, rule: str, as_of: date | None = None, year: int = YEAR) -> Report:
    report = evaluate(ledger, year=year, as_of=as_of, rules=[f"builtin::{rule}"])
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


# --- opinions answered within 15 working days -----------------------------------------------


def opinion(ledger: Ledger, **fields: Any) -> Ledger:
    (first,) = ledger.opinions
    values = {"raised": RAISED, "answered": None} | fields
    return ledger.replace(opinions=(first.model_copy(update=values),))


def occurrence(report: Report) -> tuple[str, date, date | None]:
    (found,) = report.occurrences
    return found.status, found.due, found.done_on


@pytest.mark.parametrize(
    ("answered", "status"),
    [(DUE - timedelta(days=1), "done"), (DUE, "done"), (DUE + timedelta(days=1), "late")],
    ids=["day-before", "due-day", "day-after"],
)
def test_an_opinion_answered_by_its_due_day(base: Ledger, answered: date, status: str) -> None:
    report = judged(opinion(base, answered=answered), "opinions.answered", as_of=date(YEAR, 6, 30))
    assert occurrence(report) == (status, DUE, answered)
    if status == "done":
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.severity) == ("answered_late", Severity.WARNING)
    assert (finding.expected, finding.actual) == ("2022-03-22", "2022-03-23")
    assert finding.period == "2022"
    said = "raised 2022-03-01, due by 2022-03-22 (15 working days), answered 2022-03-23"
    assert said == finding.message.en
    assert finding.fix is not None and "city.vcb must answer within 15" in finding.fix.en


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(DUE - timedelta(days=1), "pending"), (DUE, "overdue"), (DUE + timedelta(days=1), "overdue")],
    ids=["day-before", "due-day", "day-after"],
)
def test_an_opinion_unanswered_at_its_due_day(base: Ledger, as_of: date, status: str) -> None:
    report = judged(opinion(base), "opinions.answered", as_of=as_of)
    assert occurrence(report) == (status, DUE, None)
    if status == "pending":
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.severity) == ("unanswered", Severity.ERROR)
    assert (finding.expected, finding.actual) == ("2022-03-22", None)
    assert finding.message.en == (
        "raised 2022-03-01, due by 2022-03-22, still unanswered (assigned to city.vcb)"
    )


def test_an_answer_after_the_day_judged_is_not_known_yet(base: Ledger) -> None:
    """Answered on 23 March, judged on 22 March: unanswered on its due day."""
    ledger = opinion(base, answered=DUE + timedelta(days=1))
    report = judged(ledger, "opinions.answered", as_of=DUE)
    assert occurrence(report) == ("overdue", DUE, None)
    on_the_day = judged(opinion(base, answered=DUE), "opinions.answered", as_of=DUE)
    assert occurrence(on_the_day) == ("done", DUE, DUE)


@pytest.mark.parametrize(
    ("as_of", "judged_then"),
    [(RAISED - timedelta(days=1), False), (RAISED, True)],
    ids=["the-day-before", "the-day-raised"],
)
def test_an_opinion_is_judged_from_the_day_raised(
    base: Ledger, as_of: date, judged_then: bool
) -> None:
    report = judged(opinion(base), "opinions.answered", as_of=as_of)
    assert [o.status for o in report.occurrences] == (["pending"] if judged_then else [])


@pytest.mark.parametrize(
    ("raised", "answered", "judged_in_2022"),
    [
        (date(2021, 12, 1), date(2021, 12, 31), False),  # settled in 2021
        (date(2021, 12, 20), date(2022, 1, 4), True),  # answered in 2022
        (date(2021, 12, 1), None, True),  # still open: overdue in 2022 too
        (date(2023, 1, 3), None, False),  # raised after the year
    ],
    ids=["settled-last-year", "answered-this-year", "still-open", "raised-next-year"],
)
def test_an_opinion_of_another_year(
    base: Ledger, raised: date, answered: date | None, judged_in_2022: bool
) -> None:
    ledger = opinion(base, raised=raised, answered=answered)
    report = judged(ledger, "opinions.answered", as_of=date(2023, 6, 30))
    assert len(report.occurrences) == (1 if judged_in_2022 else 0)
    if judged_in_2022:
        (found,) = report.occurrences
        assert found.period == str(raised.year)


def test_a_units_own_deadline(base: Ledger) -> None:
    """city.vcb answers within 5 working days: from Tuesday 1 March, Tuesday 8 March."""
    five = ParameterOverride(
        id="p.opinions",
        key="opinions.reply_within_working_days",
        value=5,
        effective_from=date(2016, 1, 1),
        unit_id="city.vcb",
        source="测试",
    )
    ledger = opinion(base, answered=date(2022, 3, 9)).with_records(five)
    (finding,) = judged(ledger, "opinions.answered", as_of=date(YEAR, 6, 30)).findings
    assert (finding.expected, finding.actual) == ("2022-03-08", "2022-03-09")


# --- plan targets ---------------------------------------------------------------------------


def plan_target(ledger: Ledger, per_year: int) -> Ledger:
    (plan,) = ledger.plans
    targets = tuple(t.model_copy(update={"per_year": per_year}) for t in plan.targets[:1])
    return ledger.replace(plans=(plan.model_copy(update={"targets": targets}),))


@pytest.mark.parametrize(("goal", "missed"), [(2, True), (1, False)], ids=["one-short", "met"])
def test_a_target_at_the_years_end(base: Ledger, goal: int, missed: bool) -> None:
    """One standardized venue built in 2022 (b.team's): a target of 2 is missed, 1 met."""
    report = judged(plan_target(base, goal), "plan.targets", as_of=date(YEAR, 12, 31))
    (found,) = report.occurrences
    assert (found.status, found.due) == ("overdue" if missed else "done", date(YEAR, 12, 31))
    (measure,) = report.measures
    assert (measure.subject.kind, measure.subject.id) == ("plans", "plan3:standardized_venues")
    assert (measure.numerator, measure.denominator) == (1, goal)
    if not missed:
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.severity) == ("target_missed", Severity.ERROR)
    assert (finding.expected, finding.actual) == (2, 1)
    assert "2022 target of 2" in finding.message.en and "achieved 1" in finding.message.en


def test_a_target_passed_counts_no_more_than_the_target(base: Ledger) -> None:
    """Two venues standardized in 2022 against a target of 1: progress 1 of 1, not 2 of 1."""
    more = base.replace(
        branches=tuple(
            b.model_copy(update={"venue": "社区活动室", "venue_standardized_year": YEAR})
            if b.id == "b.east"
            else b
            for b in base.branches
        )
    )
    report = judged(plan_target(more, 1), "plan.targets", as_of=date(YEAR, 12, 31))
    (measure,) = report.measures
    assert (measure.numerator, measure.denominator) == (1, 1)
    assert report.findings == ()


@pytest.mark.parametrize(
    ("as_of", "expected_now"),
    [(date(YEAR, 7, 31), 4), (date(YEAR, 8, 1), 5), (date(YEAR, 12, 30), 9)],
    ids=["31-july", "1-august", "30-december"],
)
def test_a_target_pro_rata_before_the_years_end(
    base: Ledger, as_of: date, expected_now: int
) -> None:
    """A target of 10, judged 30 days behind the day: on 31 July, 1 July is the 182nd day,
    10 × 182/365 = 4.98, 4 expected; on 1 August, the 183rd, 5.01, 5; on 30 December, 30
    November, the 334th, 9.15, 9. One built: behind schedule each time."""
    report = judged(plan_target(base, 10), "plan.targets", as_of=as_of)
    (found,) = report.occurrences
    assert found.status == "pending" and found.due == date(YEAR, 12, 31)
    assert found.note is not None and found.note.en == f"{expected_now} expected by now"
    (finding,) = report.findings
    assert (finding.reason, finding.severity) == ("behind_schedule", Severity.WARNING)
    assert (finding.expected, finding.actual) == (expected_now, 1)
    assert "(target 10 for the year)" in finding.message.en


@pytest.mark.parametrize(
    ("as_of", "behind"),
    [(date(YEAR, 3, 7), False), (date(YEAR, 3, 8), True)],
    ids=["7-march", "8-march"],
)
def test_the_first_one_due_pro_rata(base: Ledger, as_of: date, behind: bool) -> None:
    """A target of 10 and nothing built (the venue's year moved to 2021): 1 is due once
    10 × days/365 reaches 1, at the 37th day (36.5 days); 30 days behind, on 8 March (6 February
    is the 37th day), not on 7 March."""
    none = base.replace(
        branches=tuple(
            b.model_copy(update={"venue_standardized_year": YEAR - 1}) if b.id == "b.team" else b
            for b in base.branches
        )
    )
    report = judged(plan_target(none, 10), "plan.targets", as_of=as_of)
    assert [(f.expected, f.actual) for f in report.findings] == ([(1, 0)] if behind else [])


def test_a_target_met_early_is_done(base: Ledger) -> None:
    report = judged(base, "plan.targets", as_of=date(YEAR, 6, 30))
    assert [o.status for o in report.occurrences] == ["done", "done"]
    assert report.findings == ()


def test_a_plan_of_other_years_is_not_judged(base: Ledger) -> None:
    assert (
        judged(base, "plan.targets", year=YEAR + 1, as_of=date(YEAR + 1, 12, 31)).occurrences == ()
    )


# --- treatment: the higher standard ---------------------------------------------------------


def grant(ledger: Ledger, cadre_id: str, **fields: Any) -> Ledger:
    return ledger.replace(
        treatment_grants=tuple(
            g.model_copy(update=fields) if g.cadre_id == cadre_id else g
            for g in ledger.treatment_grants
        )
    )


@pytest.mark.parametrize(
    ("amount", "short"),
    [("1499.99", True), ("1500", False), ("1500.01", False)],
    ids=["a-fen-under", "at", "a-fen-over"],
)
def test_a_grant_at_the_higher_standard(base: Ledger, amount: str, short: bool) -> None:
    """c000 (east): the city's 1,200 and east's 1,500 apply; the higher, 1,500, is due."""
    ledger = grant(base, "c000", amount_yuan=Decimal(amount))
    report = judged(ledger, "treatment.higher_standard")
    if not short:
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "lower_standard",
        "g.c000",
        Severity.ERROR,
    )
    assert (finding.expected, finding.actual) == ("1500", "1499.99")
    assert list(finding.evidence) == ["std.east"]
    assert finding.fix is not None and "difference of 0.01 yuan" in finding.fix.en


def test_a_grant_by_the_lower_standard_that_applies(base: Ledger) -> None:
    """c000 granted by the city's standard (which applies to them) at 1,200: short of east's."""
    ledger = grant(base, "c000", standard_id="std.city", amount_yuan=Decimal("1200"))
    (finding,) = judged(ledger, "treatment.higher_standard").findings
    assert (finding.reason, finding.expected, finding.actual) == ("lower_standard", "1500", "1200")


def test_a_grant_by_a_standard_that_does_not_apply(base: Ledger) -> None:
    """c013 is of "west": east's standard does not apply to them, whatever it pays."""
    ledger = grant(base, "c013", standard_id="std.east", amount_yuan=Decimal("1500"))
    (finding,) = judged(ledger, "treatment.higher_standard").findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "standard_not_applicable",
        "g.c013",
        Severity.WARNING,
    )
    assert "'std.east'" in finding.message.en


@pytest.mark.parametrize(
    ("effective", "applies"),
    [(date(YEAR, 6, 30), True), (date(YEAR, 7, 1), False)],
    ids=["on-the-day", "the-day-after"],
)
def test_a_standard_taking_effect_near_the_day_judged(
    base: Ledger, effective: date, applies: bool
) -> None:
    """A new city standard of 1,800 from ``effective``, judged on 30 June: in force that day,
    it is the higher one for c013 (of "west", granted 1,200); from 1 July, not yet."""
    new = TreatmentStandard(
        id="std.city.new",
        name="市级健康补贴（新）",
        treatment_item="health_allowance",
        amount_yuan=Decimal("1800"),
        effective_from=effective,
    )
    report = judged(base.with_records(new), "treatment.higher_standard", as_of=date(YEAR, 6, 30))
    west = [f for f in report.findings if f.subject.id == "g.c013"]
    if applies:
        (finding,) = west
        assert (finding.reason, finding.expected, finding.actual) == (
            "lower_standard",
            "1800",
            "1200",
        )
    else:
        assert west == []


def test_a_grant_with_no_standard_applying(base: Ledger) -> None:
    """A grant by a standard of "east" to one of "west", and no other standard of the item
    applies: only the standard that does not apply is found, nothing higher is owed."""
    only_east = base.replace(
        treatment_standards=tuple(s for s in base.treatment_standards if s.id == "std.east"),
        treatment_grants=tuple(
            g.model_copy(update={"standard_id": "std.east"}) for g in base.treatment_grants
        ),
    )
    report = judged(only_east, "treatment.higher_standard")
    assert {f.reason for f in report.findings} == {"standard_not_applicable"}
    assert sorted(f.subject.id for f in report.findings) == ["g.c013", "g.c014", "g.c015", "g.c016"]


# --- what each outcome says, of which subject and year; several records ---------------------


def test_what_an_opinion_answered_late_and_one_unanswered_say(base: Ledger) -> None:
    late = judged(opinion(base, answered=DUE + timedelta(days=1)), "opinions.answered")
    (found,) = late.occurrences
    assert (found.subject.kind, found.subject.id, found.period) == ("opinions", "op1", "2022")
    assert found.satisfied_by == "op1"
    (finding,) = late.findings
    assert (finding.subject.kind, finding.subject.id) == ("opinions", "op1")
    assert finding.message.zh == (
        "意见建议于 2022-03-01 提出，应在 2022-03-22 前答复（15 个工作日），实际 2022-03-23 答复"
    )
    assert finding.fix is not None and finding.fix.zh == (
        "若答复日期登记有误，在 opinions.csv 中更正；否则承办单位 city.vcb 今后须在 15 个工作日内答复"
    )
    unanswered = judged(opinion(base), "opinions.answered", as_of=DUE)
    (finding,) = unanswered.findings
    assert finding.message.zh == (
        "意见建议于 2022-03-01 提出，答复时限 2022-03-22 已过，尚未答复（承办：city.vcb）"
    )
    (pending,) = judged(opinion(base), "opinions.answered", as_of=RAISED).occurrences
    assert (pending.period, pending.subject.kind) == ("2022", "opinions")


def test_an_opinion_of_the_year_before_is_of_its_own_year(base: Ledger) -> None:
    """Raised on 20 December 2021 (a Monday; 15 working days later, with New Year's Day's
    holiday on Monday 3 January: 11 January 2022), answered on 12 January 2022: late, and of
    2021."""
    ledger = opinion(base, raised=date(2021, 12, 20), answered=date(2022, 1, 12))
    report = judged(ledger, "opinions.answered")
    (finding,) = report.findings
    assert (finding.reason, finding.period) == ("answered_late", "2021")
    assert (finding.expected, finding.actual) == ("2022-01-11", "2022-01-12")
    unanswered = judged(opinion(base, raised=date(2021, 12, 20)), "opinions.answered")
    (finding,) = unanswered.findings
    assert (finding.reason, finding.period) == ("unanswered", "2021")


def test_each_opinion_is_judged(base: Ledger) -> None:
    """Three opinions, listed: one settled in 2021, one raised after the day judged, one
    unanswered past its due day: the last is found, whatever comes before it."""
    (first,) = base.opinions
    settled = first.model_copy(
        update={"id": "op0", "raised": date(2021, 11, 1), "answered": date(2021, 11, 5)}
    )
    later = first.model_copy(update={"id": "op9", "raised": date(2022, 7, 1), "answered": None})
    open_ = first.model_copy(update={"id": "op5", "raised": RAISED, "answered": None})
    for listed in ((settled, open_), (later, open_)):
        ledger = base.replace(opinions=listed)
        report = judged(ledger, "opinions.answered", as_of=date(2022, 6, 30))
        assert [(f.reason, f.subject.id) for f in report.findings] == [("unanswered", "op5")]


def test_what_a_plans_outcomes_say(base: Ledger) -> None:
    report = judged(plan_target(base, 2), "plan.targets", as_of=date(YEAR, 12, 31))
    (measure,) = report.measures
    assert measure.name == "plan_progress"
    assert measure.label is not None and measure.label.en == "standardized activity venues"
    (found,) = report.occurrences
    assert found.period == "2022"
    (finding,) = report.findings
    assert (
        finding.message.zh == "老干部党组织建设3年规划：2022 年标准化活动场所目标 2 个，完成 1 个"
    )
    assert finding.fix is not None
    assert finding.fix.zh == "在 branches.yaml 记录本年建成的标准化活动场所"
    assert finding.fix.en == "record this year's standardized activity venues in branches.yaml"
    behind = judged(plan_target(base, 10), "plan.targets", as_of=date(YEAR, 8, 1))
    (found,) = behind.occurrences
    assert found.period == "2022"
    assert found.note is not None and found.note.zh == "按进度应完成 5 个"
    (finding,) = behind.findings
    assert finding.message.zh == (
        "老干部党组织建设3年规划：标准化活动场所按进度应完成 5 个，已完成 1 个（全年 10 个）"
    )
    assert finding.fix is not None
    assert finding.fix.zh == "加快建设，年底前完成 10 个；已建成的在 branches.yaml 中记录"


def test_a_plan_of_other_years_listed_first_does_not_stop_the_next(base: Ledger) -> None:
    (plan,) = base.plans
    old = plan.model_copy(update={"id": "plan.old", "from_year": 2016, "to_year": 2018})
    report = judged(base.replace(plans=(old, plan)), "plan.targets", as_of=date(YEAR, 12, 31))
    assert sorted(o.subject.id for o in report.occurrences) == [
        "plan3:demonstration_points",
        "plan3:standardized_venues",
    ]


def test_the_plans_owner_sets_its_own_grace(base: Ledger) -> None:
    """city.vcb judges pro rata with no grace: on 1 July (the 182nd day) 10 × 182/365 = 4.99,
    so 4; on 2 July, 5.01, 5 (with the 30 days' grace it would be 4 till 1 August)."""
    none = ParameterOverride(
        id="p.grace",
        key="plan.pro_rata_grace_days",
        value=0,
        effective_from=date(2018, 1, 1),
        unit_id="city.vcb",
        source="测试",
    )
    ledger = plan_target(base, 10).with_records(none)
    assert [
        f.expected for f in judged(ledger, "plan.targets", as_of=date(YEAR, 7, 1)).findings
    ] == [4]
    assert [
        f.expected for f in judged(ledger, "plan.targets", as_of=date(YEAR, 7, 2)).findings
    ] == [5]


@pytest.mark.parametrize(
    ("as_of", "expected_now"),
    [(date(YEAR, 1, 15), 0), (date(YEAR, 1, 30), 0), (date(YEAR, 1, 31), 1)],
    ids=["in-the-grace", "the-grace-last-day", "the-first-day-counted"],
)
def test_nothing_is_due_pro_rata_within_the_grace(
    base: Ledger, as_of: date, expected_now: int
) -> None:
    """A target of 365 a year, one a day: 30 days behind 30 January is 31 December, no day of
    the year yet, none expected; behind 31 January, 1 January, one."""
    report = judged(plan_target(base, 365), "plan.targets", as_of=as_of)
    (found,) = report.occurrences
    assert found.note is not None and found.note.en == f"{expected_now} expected by now"


def test_what_a_lower_grant_says(base: Ledger) -> None:
    ledger = grant(base, "c000", amount_yuan=Decimal("1499.99"))
    (finding,) = judged(ledger, "treatment.higher_standard").findings
    name = next(c.name for c in base.cadres if c.id == "c000")
    assert (
        finding.message.zh
        == f"{name} 的“health_allowance”发放 1499.99 元，应就高按“东县健康补贴” 1500 元"
    )
    assert finding.message.en == (
        f"{name}'s 'health_allowance' is 1499.99 yuan; the higher standard '东县健康补贴' gives 1500"
    )
    assert finding.fix is not None and finding.fix.zh == "按“东县健康补贴”补发差额 0.01 元"
    wrong = grant(base, "c013", standard_id="std.east")
    (finding,) = judged(wrong, "treatment.higher_standard").findings
    west = next(c.name for c in base.cadres if c.id == "c013")
    assert (
        finding.message.zh
        == f"{west} 的“health_allowance”按标准 东县健康补贴 发放，但该标准不适用于其"
    )


def test_a_grant_of_another_year_is_not_judged(base: Ledger) -> None:
    (first,) = [g for g in base.treatment_grants if g.cadre_id == "c000"]
    old = first.model_copy(update={"id": "g.c000.2021", "year": 2021, "amount_yuan": Decimal("1")})
    report = judged(base.with_records(old), "treatment.higher_standard")
    assert report.findings == ()


@pytest.mark.parametrize(
    ("effective", "applies"),
    [(date(YEAR, 1, 1), True), (date(YEAR, 1, 2), False)],
    ids=["on-the-first-day", "the-day-after"],
)
def test_a_grant_judged_on_the_years_first_day(
    base: Ledger, effective: date, applies: bool
) -> None:
    """Judged on 1 January (or earlier: the year's first day is the earliest judged), a
    standard in force from that day applies; one from 2 January does not yet."""
    new = TreatmentStandard(
        id="std.city.new",
        name="市级健康补贴（新）",
        treatment_item="health_allowance",
        amount_yuan=Decimal("1800"),
        effective_from=effective,
    )
    for as_of in (date(YEAR, 1, 1), date(YEAR - 1, 12, 31)):
        report = judged(base.with_records(new), "treatment.higher_standard", as_of=as_of)
        west = [f.subject.id for f in report.findings if f.reason == "lower_standard"]
        assert ("g.c013" in west) is applies


def test_standards_for_a_retirement_kind_or_a_rank(base: Ledger) -> None:
    """A standard for 离休 cadres only, or for one rank only, does not apply to the sample's
    退休 cadres of no rank: not the higher one for them."""
    for only in ({"applies_to_retirement_kind": "lixiu"}, {"applies_to_rank": "正处级"}):
        narrow = TreatmentStandard(
            id="std.narrow",
            name="特定补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("3000"),
            effective_from=date(2018, 1, 1),
            **only,
        )
        assert judged(base.with_records(narrow), "treatment.higher_standard").findings == ()


def test_standards_for_the_cadres_own_retirement_kind_or_rank(base: Ledger) -> None:
    """A standard of 1,800 for 退休 cadres applies to the sample's (退休) cadres: the higher one
    for those of "west" (granted 1,200); one for 正处级 applies to c013 once the roster gives
    them that rank."""
    for only, ledger in (
        ({"applies_to_retirement_kind": "tuixiu"}, base),
        (
            {"applies_to_rank": "正处级"},
            base.replace(
                cadres=tuple(
                    c.model_copy(update={"former_rank": "正处级"}) if c.id == "c013" else c
                    for c in base.cadres
                )
            ),
        ),
    ):
        wider = TreatmentStandard(
            id="std.wider",
            name="特定补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("1800"),
            effective_from=date(2018, 1, 1),
            **only,
        )
        report = judged(ledger.with_records(wider), "treatment.higher_standard")
        lower = [f.subject.id for f in report.findings if f.reason == "lower_standard"]
        assert "g.c013" in lower
        assert all(f.expected == "1800" for f in report.findings if f.subject.id == "g.c013")


# --- the standard a grant names, in a unit's view and in a ledger opened on a store ----------


def granted_by_wests_standard(base: Ledger) -> Ledger:
    """c000 (east) granted 1,500 by a standard of "west" only: in east's view that standard is
    there only because it is granted to c000 (not the city's, nor east's own)."""
    west = TreatmentStandard(
        id="std.west",
        name="西县健康补贴",
        treatment_item="health_allowance",
        amount_yuan=Decimal("1500"),
        applies_to_unit_id="west",
        effective_from=date(YEAR - 5, 1, 1),
    )
    ledger = base.replace(treatment_standards=(*base.treatment_standards, west))
    return grant(ledger, "c000", standard_id="std.west", amount_yuan=Decimal("1500"))


def only_the_wests_standard_is_not_applicable(report: Report) -> None:
    """c000 is of east: west's standard does not apply to them (a warning naming it); the best
    that applies is east's 1,500, which the 1,500 granted meets (no lower_standard)."""
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "standard_not_applicable",
        "g.c000",
        Severity.WARNING,
    )
    assert "'std.west'" in finding.message.en


def test_a_units_view_finds_the_standard_granted_to_its_cadre(base: Ledger) -> None:
    from cadrecore.scope import scope_ledger

    view = scope_ledger(granted_by_wests_standard(base), "east")
    assert "std.west" in {s.id for s in view.treatment_standards}
    only_the_wests_standard_is_not_applicable(judged(view, "treatment.higher_standard"))


def test_a_ledger_opened_on_a_store_finds_each_grants_standard(base: Ledger, tmp_path: Any) -> None:
    """Opened whole, the ledger also holds west's cadres, granted 1,200 by the city's standard:
    west's 1,500 now applies to them, so each is 300 short (a store keeps money to the fen:
    expected 1500.00, actual 1200.00)."""
    from cadrecore.store import open_store

    ledger = granted_by_wests_standard(base)
    west = {c.id for c in ledger.cadres if c.county_id == "west"}
    wests_grants = sorted(g.id for g in ledger.treatment_grants if g.cadre_id in west)
    assert wests_grants == ["g.c013", "g.c014", "g.c015", "g.c016"]
    store = open_store(tmp_path / "ledger.sqlite")
    try:
        store.save(ledger)
        opened = store.open()
        assert type(opened).__name__ == "StoreLedger"
        findings = judged(opened, "treatment.higher_standard").findings
        assert sorted((f.subject.id, f.reason, f.expected, f.actual) for f in findings) == [
            ("g.c000", "standard_not_applicable", None, None)
        ] + [(g, "lower_standard", "1500.00", "1200.00") for g in wests_grants]
        only_the_wests_standard_is_not_applicable(
            judged(store.load(unit="east"), "treatment.higher_standard")
        )
    finally:
        store.close()
