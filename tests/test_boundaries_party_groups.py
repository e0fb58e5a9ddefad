"""Party groups at their edges: a group meeting on a month's first and last day, and the day
after the day judged; a month on its last day and the day before; a group formed, or its branch
formed, on the day judged and the day after; a group abolished on a month's first day and the
day after; a branch one member under, at and over the size that asks for groups.

Expected values written by hand from 中国共产党支部工作条例（试行） 第十九条 (a party group meets
once a month) and 第十一条 (a branch with many members is divided into groups: how many is local
practice, ``party_groups.divide_from_members``, 30 by default), and from the rule as documented: a
month of the part of the year the group existed is due, missed once it has ended (a day judged is
judged at its end) with no meeting; a group abolished on a day no longer exists that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cadrecore.ledger import Ledger
from cadrecore.models import Activity, ParameterOverride, PartyGroup
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger

YEAR = 2022
MEETINGS = "builtin::org_life.group_meeting"
DIVIDED = "builtin::branch.party_groups"


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(YEAR)


def group(ledger: Ledger, **fields: Any) -> PartyGroup:
    people = [c.id for c in ledger.members_of("b.team", on=date(YEAR, 6, 1))][:3]
    values: dict[str, Any] = {
        "id": "g1",
        "name": "第一党小组",
        "branch_id": "b.team",
        "group_leader_id": people[0],
        "member_ids": tuple(people),
    }
    return PartyGroup.model_validate(values | fields)


def meeting(day: date, number: int | None = None) -> Activity:
    return Activity(
        id=f"g1.gm.{number or day.isoformat()}",
        activity_kind="group_meeting",
        date=day,
        branch_id="b.team",
        group_id="g1",
    )


def monthly(months: range, day: int = 10, skip: tuple[int, ...] = ()) -> list[Activity]:
    return [meeting(date(YEAR, m, day)) for m in months if m not in skip]


def judged(ledger: Ledger, rule: str = MEETINGS, as_of: date | None = None) -> Report:
    report = evaluate(ledger, year=YEAR, as_of=as_of, rules=[rule])
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


def statuses(report: Report) -> dict[str, str]:
    return {o.period: o.status for o in report.occurrences if o.subject.id == "g1"}


@pytest.mark.parametrize("day", [1, 28], ids=["first-day", "last-day-of-february"])
def test_a_meeting_on_a_months_first_or_last_day_counts_for_it(base: Ledger, day: int) -> None:
    held = [meeting(date(YEAR, m, 1 if day == 1 else (28 if m == 2 else 10))) for m in range(1, 13)]
    report = judged(base.with_records(group(base), *held))
    assert report.findings == ()
    assert list(statuses(report).values()) == ["done"] * 12


def test_a_meeting_on_the_last_day_of_the_year_counts_for_december(base: Ledger) -> None:
    held = [*monthly(range(1, 12)), meeting(date(YEAR, 12, 31))]
    report = judged(base.with_records(group(base), *held))
    assert report.findings == ()
    done = next(o for o in report.occurrences if o.period == "2022-12")
    assert (done.status, done.done_on, done.satisfied_by) == (
        "done",
        date(YEAR, 12, 31),
        "g1.gm.2022-12-31",
    )


def test_a_meeting_before_the_year_does_not_count(base: Ledger) -> None:
    held = [meeting(date(YEAR - 1, 12, 31)), *monthly(range(2, 13))]
    (finding,) = judged(base.with_records(group(base), *held)).findings
    assert (finding.expected, finding.actual) == (12, 11)
    assert "2022-01" in finding.message.en


@pytest.mark.parametrize(
    ("as_of", "june"),
    [(date(YEAR, 6, 29), "pending"), (date(YEAR, 6, 30), "overdue"), (date(YEAR, 7, 1), "overdue")],
    ids=["day-before-the-last", "last-day", "next-month"],
)
def test_a_month_missed_once_it_has_ended(base: Ledger, as_of: date, june: str) -> None:
    """Meetings January to May; June's none: pending to 29 June, missed at the end of the
    30th."""
    ledger = base.with_records(group(base), *monthly(range(1, 6)))
    report = judged(ledger, as_of=as_of)
    assert statuses(report)["2022-06"] == june
    if june == "pending":
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.severity) == ("missed", Severity.WARNING)
    assert (finding.expected, finding.actual) == (6, 5)
    assert "missing 1 (2022-06)" in finding.message.en
    assert "应开 6 次，已开 5 次，缺 1 次（2022-06）" in finding.message.zh
    if as_of.month == 7:  # July begun and not over: the next due, its last day
        assert "next due by 2022-07-31" in finding.message.en
        assert "下次应于 2022-07-31 前召开" in finding.message.zh
    else:
        assert "next due" not in finding.message.en


def test_a_meeting_after_the_day_judged_does_not_count(base: Ledger) -> None:
    """Judged on 20 June: June's meeting, dated the 25th, has not been held yet."""
    ledger = base.with_records(group(base), *monthly(range(1, 7), day=25))
    report = judged(ledger, as_of=date(YEAR, 6, 20))
    assert statuses(report)["2022-06"] == "pending"
    assert statuses(judged(ledger, as_of=date(YEAR, 6, 25)))["2022-06"] == "done"


@pytest.mark.parametrize(
    ("formed", "judged_then"),
    [(date(YEAR, 6, 29), True), (date(YEAR, 6, 30), True), (date(YEAR, 7, 1), False)],
    ids=["day-before", "on-the-day", "day-after"],
)
def test_a_group_formed_near_the_day_judged(base: Ledger, formed: date, judged_then: bool) -> None:
    """Judged on 30 June: a group formed by then has June due (its year so far: one month);
    one formed on 1 July has nothing due yet."""
    ledger = base.with_records(group(base, formed=formed))
    report = judged(ledger, as_of=date(YEAR, 6, 30))
    if judged_then:
        assert statuses(report) == {"2022-06": "overdue"}
        (finding,) = report.findings
        assert (finding.expected, finding.actual) == (1, 0)
    else:
        assert statuses(report) == {} and report.findings == ()


def test_a_group_is_judged_from_the_day_its_branch_was_formed(base: Ledger) -> None:
    """The branch was formed on 1 October: its group's months run from October."""
    later = base.replace(
        branches=tuple(
            b.model_copy(update={"formed": date(YEAR, 10, 1)}) if b.id == "b.team" else b
            for b in base.branches
        )
    )
    report = judged(later.with_records(group(later), *monthly(range(10, 13))))
    assert report.findings == ()
    assert list(statuses(report)) == ["2022-10", "2022-11", "2022-12"]


@pytest.mark.parametrize(
    ("abolished", "months"),
    [(date(YEAR, 7, 1), 6), (date(YEAR, 7, 2), 7)],
    ids=["on-a-months-first-day", "the-day-after"],
)
def test_a_group_abolished_owes_the_months_it_existed_in(
    base: Ledger, abolished: date, months: int
) -> None:
    """Abolished on 1 July: it existed to 30 June, six months due; abolished on 2 July, it
    existed on 1 July too: July is due. No meeting held: all missed."""
    report = judged(base.with_records(group(base, abolished=abolished)))
    assert len(statuses(report)) == months
    assert set(statuses(report).values()) == {"overdue"}
    (finding,) = report.findings
    assert (finding.expected, finding.actual) == (months, 0)


def test_a_group_abolished_before_the_year_is_not_judged(base: Ledger) -> None:
    gone = group(base, formed=date(YEAR - 2, 1, 1), abolished=date(YEAR, 1, 1))
    report = judged(base.with_records(gone))
    assert statuses(report) == {} and report.findings == ()
    kept = group(base, formed=date(YEAR - 2, 1, 1), abolished=date(YEAR, 1, 2))
    assert statuses(judged(base.with_records(kept))) == {"2022-01": "overdue"}


def test_a_quarterly_frequency_says_so(base: Ledger) -> None:
    quarterly = ParameterOverride(
        id="p.groups",
        key="org_life.group_meeting.frequency",
        value="quarterly",
        effective_from=date(2018, 1, 1),
        source="测试",
    )
    ledger = base.with_records(group(base), quarterly, meeting(date(YEAR, 2, 1)))
    (finding,) = judged(ledger).findings
    assert (finding.expected, finding.actual) == (4, 1)
    assert "is quarterly: required 4, held 1, missing 3" in finding.message.en
    assert "应每季度召开" in finding.message.zh


# --- dividing a branch into groups: ``party_groups.divide_from_members`` --------------------


def _threshold(ledger: Ledger, value: int) -> Ledger:
    return ledger.with_records(
        ParameterOverride(
            id="p.divide",
            key="party_groups.divide_from_members",
            value=value,
            effective_from=date(2018, 1, 1),
            source="测试",
        )
    )


@pytest.mark.parametrize(("threshold", "noted"), [(8, True), (9, True), (10, False)])
def test_a_branch_at_the_size_that_asks_for_groups(
    base: Ledger, threshold: int, noted: bool
) -> None:
    """b.team has 9 members: a threshold of 8 or 9 asks it for groups ("from" the number: the
    number itself included), 10 does not. (b.east and b.west have 4.)"""
    report = judged(_threshold(base, threshold), DIVIDED)
    if not noted:
        assert report.findings == ()
        return
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "not_divided",
        "b.team",
        Severity.INFO,
    )
    assert (finding.expected, finding.actual) == (threshold, 9)
    assert f"has 9 members ({threshold} or more)" in finding.message.en
    assert finding.fix is not None and "party_groups.yaml" in finding.fix.en


@pytest.mark.parametrize(
    ("formed", "abolished", "noted"),
    [
        (date(YEAR, 12, 31), None, False),
        (date(YEAR + 1, 1, 1), None, True),
        (date(YEAR - 1, 1, 1), date(YEAR, 12, 31), True),
        (date(YEAR - 1, 1, 1), date(YEAR + 1, 1, 1), False),
    ],
    ids=["formed-on-the-day", "formed-the-day-after", "abolished-on-the-day", "abolished-after"],
)
def test_a_group_divides_the_branch_while_it_exists(
    base: Ledger, formed: date, abolished: date | None, noted: bool
) -> None:
    ledger = _threshold(base, 9).with_records(group(base, formed=formed, abolished=abolished))
    report = judged(ledger, DIVIDED, as_of=date(YEAR, 12, 31))
    assert [f.subject.id for f in report.findings] == (["b.team"] if noted else [])


@pytest.mark.parametrize(
    ("formed", "noted"),
    [(date(YEAR, 6, 30), True), (date(YEAR, 7, 1), False)],
    ids=["formed-on-the-day", "formed-the-day-after"],
)
def test_a_branch_not_yet_formed_is_not_asked_for_groups(
    base: Ledger, formed: date, noted: bool
) -> None:
    later = base.replace(
        branches=tuple(
            b.model_copy(update={"formed": formed}) if b.id == "b.team" else b
            for b in base.branches
        )
    )
    report = judged(_threshold(later, 9), DIVIDED, as_of=date(YEAR, 6, 30))
    assert [f.subject.id for f in report.findings] == (["b.team"] if noted else [])


# --- what a finding and an occurrence say; several groups and branches; a county's own value ---


def test_what_a_missed_month_says_and_when_each_month_is_due(base: Ledger) -> None:
    ledger = base.with_records(group(base), *monthly(range(1, 13), skip=(5, 9)))
    report = judged(ledger, as_of=date(YEAR, 10, 31))
    (finding,) = report.findings
    assert finding.period == "2022"
    assert finding.message.en.endswith("required 10, held 8, missing 2 (2022-05, 2022-09)")
    assert finding.message.zh.endswith("缺 2 次（2022-05、2022-09）")
    assert "下次应于" not in finding.message.zh  # October held, November not begun: none due
    dues = {o.period: (o.status, o.due) for o in report.occurrences if o.subject.id == "g1"}
    assert dues["2022-04"] == ("done", date(YEAR, 4, 30))
    assert dues["2022-05"] == ("overdue", date(YEAR, 5, 31))
    assert dues["2022-10"] == ("done", date(YEAR, 10, 31))  # held on the 10th
    pending = judged(
        base.with_records(group(base), *monthly(range(1, 10), skip=(5,))),
        as_of=date(YEAR, 10, 5),
    )
    occurrence = next(o for o in pending.occurrences if o.period == "2022-10")
    assert (occurrence.status, occurrence.due) == ("pending", date(YEAR, 10, 31))
    (finding,) = pending.findings
    assert finding.message.en.endswith("missing 1 (2022-05); next due by 2022-10-31")
    assert finding.message.zh.endswith("缺 1 次（2022-05）；下次应于 2022-10-31 前召开")


def test_a_meeting_of_another_kind_naming_the_group_does_not_count(base: Ledger) -> None:
    """Only a group meeting (党小组会) counts: a themed party day that names the group is not
    one."""
    held = [
        m.model_copy(update={"activity_kind": "themed_party_day"}) for m in monthly(range(1, 13))
    ]
    (finding,) = judged(base.with_records(group(base), *held)).findings
    assert (finding.expected, finding.actual) == (12, 0)


def test_each_group_is_judged(base: Ledger) -> None:
    """Two groups of b.team: g1 not yet formed on the day judged, g2 with every month held; then
    g1 with every month held and g2 with none. Each is judged on its own."""
    people = [c.id for c in base.members_of("b.team", on=date(YEAR, 6, 1))]
    second = group(
        base, id="g2", name="第二党小组", group_leader_id=people[3], member_ids=tuple(people[3:6])
    )
    own = [
        m.model_copy(update={"id": f"g2.{m.id}", "group_id": "g2"}) for m in monthly(range(1, 13))
    ]
    later = base.with_records(group(base, formed=date(YEAR + 1, 1, 1)), second)
    report = judged(later.with_records(*own[:5]), as_of=date(YEAR, 6, 30))
    assert [(f.subject.id, f.expected, f.actual) for f in report.findings] == [("g2", 6, 5)]
    both = base.with_records(group(base), second, *monthly(range(1, 13)))
    assert [f.subject.id for f in judged(both).findings] == ["g2"]


def test_a_countys_own_frequency(base: Ledger) -> None:
    """The county "east" asks a group meeting once a quarter: b.team's group (of "east") owes
    four, labelled by quarter, each due on the quarter's last day."""
    quarterly = ParameterOverride(
        id="p.groups.east",
        key="org_life.group_meeting.frequency",
        value="quarterly",
        effective_from=date(2018, 1, 1),
        unit_id="east",
        source="测试",
    )
    ledger = base.with_records(group(base), quarterly, meeting(date(YEAR, 2, 1)))
    report = judged(ledger)
    (finding,) = report.findings
    assert (finding.expected, finding.actual) == (4, 1)
    assert finding.message.en.endswith("missing 3 (2022-Q2, 2022-Q3, 2022-Q4)")
    dues = {o.period: o.due for o in report.occurrences}
    assert dues == {
        "2022-Q1": date(YEAR, 3, 31),
        "2022-Q2": date(YEAR, 6, 30),
        "2022-Q3": date(YEAR, 9, 30),
        "2022-Q4": date(YEAR, 12, 31),
    }


def test_every_branch_at_the_size_is_asked_for_groups(base: Ledger) -> None:
    """A threshold of 4: b.team has a group; b.east and b.west (4 members each) are asked."""
    ledger = _threshold(base, 4).with_records(group(base))
    report = judged(ledger, DIVIDED)
    assert [(f.subject.kind, f.subject.id) for f in report.findings] == [
        ("branches", "b.east"),
        ("branches", "b.west"),
    ]
    finding = report.findings[0]
    assert finding.message.zh == "支部“东城社区党支部”有党员 4 名（4 名以上），尚未划分党小组"


def test_a_small_branch_listed_first_does_not_stop_the_others(base: Ledger) -> None:
    reordered = base.replace(branches=tuple(reversed(base.branches)))
    report = judged(_threshold(reordered, 9), DIVIDED)
    assert [f.subject.id for f in report.findings] == ["b.team"]


def test_a_countys_own_size(base: Ledger) -> None:
    """West asks for groups from 4 members; the rest keep 30."""
    west = ParameterOverride(
        id="p.divide.west",
        key="party_groups.divide_from_members",
        value=4,
        effective_from=date(2018, 1, 1),
        unit_id="west",
        source="测试",
    )
    report = judged(base.with_records(west), DIVIDED)
    assert [f.subject.id for f in report.findings] == ["b.west"]
