"""Data quality at its edges: an age one day under, at and over the highest plausible age; a
retirement the day before, on and after the 45th birthday; a party joined the day before, on and
after the 18th birthday (党章第一条: 年满十八岁); a retirement on the day judged and the day after;
an attendance list naming a member on the day before, on and after their death.

Expected values written by hand from the parameters' values (``data.max_age`` 115,
``data.min_retirement_age`` 45, ``data.min_party_age`` 18, each "older than", "younger than":
the value itself passes) and from whole years of age counted as a birthday passed: one born on
1 January 1907 is 115 on 31 December 2022 and 116 on 1 January 2023.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cadrecore.ledger import Ledger
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger

END = date(2022, 12, 31)
WHO = "c016"


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(2022)


def judged(ledger: Ledger, rule: str, as_of: date = END, year: int = 2022) -> Report:
    report = evaluate(ledger, year=year, as_of=as_of, rules=[f"builtin::{rule}"])
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


def cadre(ledger: Ledger, cadre_id: str = WHO, **fields: Any) -> Ledger:
    return ledger.replace(
        cadres=tuple(c.model_copy(update=fields) if c.id == cadre_id else c for c in ledger.cadres)
    )


def found(report: Report) -> list[tuple[str, str, Severity, Any, Any]]:
    return [(f.reason, f.subject.id, f.severity, f.expected, f.actual) for f in report.findings]


def test_the_sample_is_plausible(base: Ledger) -> None:
    assert judged(base, "data.cadres").findings == ()
    assert judged(base, "data.attendance").findings == ()


# --- the highest plausible age: 115 --------------------------------------------------------


def _old(base: Ledger, born: date, **fields: Any) -> Ledger:
    # (worked, joined and retired at plausible ages for one born then)
    return cadre(
        base,
        birth_date=born,
        joined_work=date(born.year + 20, 9, 1),
        party_joined=date(born.year + 25, 7, 1),
        retirement_date=date(born.year + 60, 6, 1),
        **fields,
    )


@pytest.mark.parametrize(
    ("born", "age"),
    [(date(1907, 12, 31), None), (date(1907, 1, 1), None), (date(1906, 12, 31), 116)],
    ids=["114-turning-115-that-day", "115", "116-that-day"],
)
def test_an_age_over_the_highest_plausible(base: Ledger, born: date, age: int | None) -> None:
    """On 31 December 2022: born 31 December 1907 is 115 that day; born 1 January 1907, 115;
    born 31 December 1906, 116 that day: over 115, and not recorded as dead."""
    report = judged(_old(base, born), "data.cadres")
    if age is None:
        assert report.findings == ()
    else:
        assert found(report) == [("implausible_age", WHO, Severity.ERROR, 115, age)]
        (finding,) = report.findings
        assert f"would be {age}" in finding.message.en and f"{age} 岁" in finding.message.zh
        assert finding.fix is not None and "deceased" in finding.fix.en


@pytest.mark.parametrize(
    ("death", "flagged"),
    [(END - timedelta(days=1), False), (END, False), (END + timedelta(days=1), True)],
    ids=["died-the-day-before", "died-that-day", "dies-the-day-after"],
)
def test_a_recorded_death_explains_a_great_age(base: Ledger, death: date, flagged: bool) -> None:
    """116 on the day judged: recorded as dead by then, plausible; dying after it, still a
    living person of 116."""
    report = judged(_old(base, date(1906, 1, 1), deceased=death), "data.cadres")
    assert [f.reason for f in report.findings] == (["implausible_age"] if flagged else [])


def test_a_great_age_judged_a_year_later(base: Ledger) -> None:
    """Born 2 January 1907: 115 on 1 January 2023 (the day before the birthday), 116 on 2
    January 2023."""
    ledger = _old(base, date(1907, 1, 2))
    assert judged(ledger, "data.cadres", as_of=date(2023, 1, 1)).findings == ()
    late = judged(ledger, "data.cadres", as_of=date(2023, 1, 2))
    assert [(f.reason, f.actual) for f in late.findings] == [("implausible_age", 116)]


# --- the lowest plausible retirement age: 45 ------------------------------------------------


@pytest.mark.parametrize(
    ("retired", "at"),
    [(date(1995, 3, 14), 44), (date(1995, 3, 15), None), (date(1996, 3, 15), None)],
    ids=["the-day-before-45", "on-the-45th-birthday", "at-46"],
)
def test_a_retirement_younger_than_plausible(base: Ledger, retired: date, at: int | None) -> None:
    """Born 15 March 1950: retired on 14 March 1995 at 44 (under 45: a warning); on 15 March
    1995 at 45; a year later at 46."""
    ledger = cadre(
        base,
        birth_date=date(1950, 3, 15),
        joined_work=date(1970, 9, 1),
        party_joined=date(1976, 7, 1),
        retirement_date=retired,
    )
    report = judged(ledger, "data.cadres")
    if at is None:
        assert report.findings == ()
    else:
        assert found(report) == [("early_retirement", WHO, Severity.WARNING, 45, at)]
        (finding,) = report.findings
        assert f"retired at {at}" in finding.message.en and f"{at} 岁" in finding.message.zh
        assert finding.fix is not None and "retirement" in finding.fix.en


# --- the youngest age at joining the party: 18 (党章第一条) ------------------------------------


@pytest.mark.parametrize(
    ("joined", "at"),
    [(date(1968, 3, 14), 17), (date(1968, 3, 15), None), (date(1968, 3, 16), None)],
    ids=["the-day-before-18", "on-the-18th-birthday", "the-day-after"],
)
def test_a_party_member_joined_under_18(base: Ledger, joined: date, at: int | None) -> None:
    """Born 15 March 1950: joined on 14 March 1968 at 17 (the constitution asks 18 full years:
    an error); on 15 March 1968, 18 that day."""
    ledger = cadre(
        base,
        birth_date=date(1950, 3, 15),
        joined_work=date(1968, 1, 1),
        party_joined=joined,
        retirement_date=date(2010, 6, 1),
    )
    report = judged(ledger, "data.cadres")
    if at is None:
        assert report.findings == ()
    else:
        assert found(report) == [("joined_too_young", WHO, Severity.ERROR, 18, at)]
        (finding,) = report.findings
        assert f"at {at}, under 18" in finding.message.en
        assert f"{at} 岁，不满 18 岁" in finding.message.zh
        assert finding.fix is not None and "party-joining" in finding.fix.en


def test_a_cadre_outside_the_party_joined_at_no_age(base: Ledger) -> None:
    assert judged(cadre(base, "c017"), "data.cadres").findings == ()


# --- a retirement after the day judged ------------------------------------------------------


@pytest.mark.parametrize(
    ("retired", "flagged"),
    [(date(2022, 6, 29), False), (date(2022, 6, 30), False), (date(2022, 7, 1), True)],
    ids=["the-day-before", "on-the-day", "the-day-after"],
)
def test_a_retirement_after_the_day_judged(base: Ledger, retired: date, flagged: bool) -> None:
    ledger = cadre(base, retirement_date=retired)
    report = judged(ledger, "data.cadres", as_of=date(2022, 6, 30))
    if not flagged:
        assert report.findings == ()
        return
    assert found(report) == [("not_yet_retired", WHO, Severity.WARNING, "2022-06-30", "2022-07-01")]
    (finding,) = report.findings
    assert "retires on 2022-07-01" in finding.message.en
    assert finding.fix is not None and "retirement date" in finding.fix.en


# --- an attendance list naming the dead -----------------------------------------------------


def _attended(base: Ledger) -> tuple[str, date, str]:
    """An activity of the sample's year with an attendance list: its id, date and one named."""
    activity = next(
        a
        for a in sorted(base.activities, key=lambda a: (a.date, a.id))
        if a.attendee_ids and date(2022, 3, 1) <= a.date <= date(2022, 9, 30)
    )
    return activity.id, activity.date, activity.attendee_ids[0]


@pytest.mark.parametrize(
    ("days", "flagged"),
    [(1, False), (0, True), (-1, True)],
    ids=["died-the-day-after", "died-that-day", "died-the-day-before"],
)
def test_an_attendance_list_naming_one_who_had_died(base: Ledger, days: int, flagged: bool) -> None:
    """A person who died on the activity's day, or before it, cannot have attended it."""
    activity_id, day, cadre_id = _attended(base)
    ledger = cadre(base, cadre_id, deceased=day + timedelta(days=days))
    report = judged(ledger, "data.attendance")
    hits = [f for f in report.findings if f.subject.id == activity_id]
    if not flagged:
        assert hits == []
        return
    (finding,) = hits
    assert (finding.reason, finding.subject.kind, finding.severity) == (
        "deceased_attendee",
        "activities",
        Severity.ERROR,
    )
    assert list(finding.evidence) == [cadre_id]
    assert str(day) in finding.message.en and "who had died" in finding.message.en
    assert finding.fix is not None and "attendee_ids" in finding.fix.en


def test_an_attendance_list_judged_on_its_day_and_before(base: Ledger) -> None:
    """The activity is judged from its day on: on the day before it is not yet in the year
    judged so far; on its day it is."""
    activity_id, day, cadre_id = _attended(base)
    ledger = cadre(base, cadre_id, deceased=day - timedelta(days=30))
    on = judged(ledger, "data.attendance", as_of=day)
    assert activity_id in {f.subject.id for f in on.findings}
    before = judged(ledger, "data.attendance", as_of=day - timedelta(days=1))
    assert activity_id not in {f.subject.id for f in before.findings}
    assert judged(ledger, "data.attendance", as_of=date(2021, 12, 31)).findings == ()


def test_findings_on_attendance_come_by_date(base: Ledger) -> None:
    """Two activities naming the dead: the earlier first."""
    _, _, cadre_id = _attended(base)
    ledger = cadre(base, cadre_id, deceased=date(2022, 1, 1))
    days = [
        next(a.date for a in base.activities if a.id == f.subject.id)
        for f in judged(ledger, "data.attendance").findings
    ]
    assert len(days) >= 2 and days == sorted(days)


@pytest.mark.parametrize(
    ("day", "in_2022"),
    [(date(2022, 1, 1), True), (date(2022, 12, 31), True), (date(2023, 1, 1), False)],
    ids=["the-years-first-day", "its-last-day", "the-next-years-first"],
)
def test_an_attendance_list_of_the_year_judged_only(base: Ledger, day: date, in_2022: bool) -> None:
    """2022 judged on 31 March 2023: an activity on 1 January or 31 December 2022 naming one who
    had died is the year's; one on 1 January 2023 is the next year's."""
    activity_id, _, cadre_id = _attended(base)
    moved = base.replace(
        activities=tuple(
            a.model_copy(update={"date": day}) if a.id == activity_id else a
            for a in base.activities
        )
    )
    ledger = cadre(moved, cadre_id, deceased=date(2021, 12, 1))
    # (every other list naming them is of 2022 too: look at this activity's finding only)
    report = judged(ledger, "data.attendance", as_of=date(2023, 3, 31))
    assert (activity_id in {f.subject.id for f in report.findings}) is in_2022
    on_the_day = judged(ledger, "data.attendance", as_of=day, year=day.year)
    assert activity_id in {f.subject.id for f in on_the_day.findings}


def test_findings_on_one_day_come_by_activity_id(base: Ledger) -> None:
    """Two activities on one day naming one who had died, listed in the ledger with the later
    id first: their findings come by id."""
    _, _, cadre_id = _attended(base)
    naming = sorted((a for a in base.activities if cadre_id in a.attendee_ids), key=lambda a: a.id)[
        :2
    ]
    ids = [a.id for a in naming]
    same_day = [a.model_copy(update={"date": date(2022, 5, 5)}) for a in reversed(naming)]
    others = [a for a in base.activities if a.id not in ids]
    ledger = cadre(
        base.replace(activities=(*same_day, *others)), cadre_id, deceased=date(2022, 5, 1)
    )
    found = [
        f.subject.id for f in judged(ledger, "data.attendance").findings if f.subject.id in ids
    ]
    assert found == ids


# --- each finding's own test, for a cadre picked for another reason -------------------------


def _also_joined_at_17(base: Ledger, born: date, **fields: Any) -> Ledger:
    """One born ``born`` who joined the party the day before their 18th birthday (picked for
    that), with ``fields``."""
    values: dict[str, Any] = {
        "birth_date": born,
        "joined_work": date(born.year + 17, 1, 1),
        "party_joined": date(born.year + 18, born.month, born.day) - timedelta(days=1),
        "retirement_date": date(born.year + 60, born.month, 1),
    }
    return cadre(base, **(values | fields))


def reasons(report: Report) -> list[str]:
    return [f.reason for f in report.findings]


def test_an_age_of_115_is_plausible_whatever_else_is_wrong(base: Ledger) -> None:
    """Born 1 January 1907: 115 on 31 December 2022, not over 115."""
    ledger = _also_joined_at_17(base, date(1907, 1, 1))
    assert reasons(judged(ledger, "data.cadres")) == ["joined_too_young"]


def test_one_who_died_on_the_day_judged_is_not_of_an_implausible_age(base: Ledger) -> None:
    ledger = _also_joined_at_17(base, date(1906, 1, 1), deceased=END)
    assert reasons(judged(ledger, "data.cadres")) == ["joined_too_young"]


def test_a_retirement_at_45_is_plausible_whatever_else_is_wrong(base: Ledger) -> None:
    ledger = _also_joined_at_17(base, date(1950, 3, 15), retirement_date=date(1995, 3, 15))
    assert reasons(judged(ledger, "data.cadres")) == ["joined_too_young"]


def test_a_retirement_on_the_day_judged_is_not_after_it_whatever_else_is_wrong(
    base: Ledger,
) -> None:
    ledger = _also_joined_at_17(base, date(1950, 3, 15), retirement_date=END)
    assert reasons(judged(ledger, "data.cadres")) == ["joined_too_young"]


def test_joining_at_18_is_allowed_whatever_else_is_wrong(base: Ledger) -> None:
    """Joined on the 18th birthday, retiring after the day judged (picked for that)."""
    ledger = cadre(
        base,
        birth_date=date(1950, 3, 15),
        joined_work=date(1968, 1, 1),
        party_joined=date(1968, 3, 15),
        retirement_date=END + timedelta(days=1),
    )
    report = judged(ledger, "data.cadres")
    assert reasons(report) == ["not_yet_retired"]
    (finding,) = report.findings
    assert (finding.subject.kind, finding.subject.id) == ("cadres", WHO)
    name = next(c.name for c in base.cadres if c.id == WHO)
    assert finding.message.zh == f"{name} 的离退休日期 2023-01-01 晚于评估日期"
    assert finding.message.en == f"{name} retires on 2023-01-01, after the date judged"


def test_one_outside_the_party_picked_for_another_reason(base: Ledger) -> None:
    """c017 (not in the party: no date joined) retires after the day judged."""
    ledger = cadre(base, "c017", retirement_date=END + timedelta(days=1))
    assert reasons(judged(ledger, "data.cadres")) == ["not_yet_retired"]


def test_each_finding_on_a_cadre_names_them(base: Ledger) -> None:
    name = next(c.name for c in base.cadres if c.id == WHO)
    old = judged(_old(base, date(1906, 12, 31)), "data.cadres").findings[0]
    assert old.message.zh == f"{name} 按出生日期已 116 岁且未登记去世，请核实"
    assert old.message.en == f"{name} would be 116 and is not recorded as deceased"
    assert (old.subject.kind, old.subject.id) == ("cadres", WHO)


def test_what_an_attendance_finding_says(base: Ledger) -> None:
    _, _, cadre_id = _attended(base)
    template = next(a for a in base.activities if cadre_id in a.attendee_ids)
    added = template.model_copy(update={"id": "z.list", "date": date(2022, 3, 1)})
    ledger = cadre(
        base.replace(activities=(added, *base.activities)), cadre_id, deceased=date(2022, 2, 1)
    )
    report = judged(ledger, "data.attendance")
    first = next(f for f in report.findings if f.subject.id == "z.list")
    name = next(c.name for c in base.cadres if c.id == cadre_id)
    assert first.message.zh == f"2022-03-01 的活动出席名单含已去世的 {name}"
    assert first.message.en == f"the attendance of 2022-03-01 lists {name}, who had died"


def test_a_list_of_the_next_year_listed_first_stops_nothing(base: Ledger) -> None:
    """2022 judged on 31 March 2023, a list of 2023 naming one who had died listed first: the
    lists of 2022 naming them are all found."""
    _, _, cadre_id = _attended(base)
    template = next(a for a in base.activities if cadre_id in a.attendee_ids)
    next_year = template.model_copy(update={"id": "next.list", "date": date(2023, 1, 10)})
    died = cadre(base, cadre_id, deceased=date(2021, 12, 1))
    before = {
        f.subject.id for f in judged(died, "data.attendance", as_of=date(2023, 3, 31)).findings
    }
    ledger = died.replace(activities=(next_year, *died.activities))
    after = {
        f.subject.id for f in judged(ledger, "data.attendance", as_of=date(2023, 3, 31)).findings
    }
    assert before and after == before
