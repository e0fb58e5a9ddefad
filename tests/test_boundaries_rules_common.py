"""The helpers the built-in rules share (builtin/rules/_common.py) at their edges: who is a
member of a branch on a day (joined that day: yes; left or died that day: no), a branch formed
on the day judged, the activities of the year up to the day judged (the first day of the year,
the day judged, not the day after), each branch's activities by date then id, and what is
worked out once per ledger and kept for the next evaluation of the same ledger.

The sample ledger: b.west's members are c013-c016, full members since 2019; b.west holds a
party lecture on the 10th of each quarter's first month.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore import Ledger
from cadrecore.builtin.rules._common import (
    branch_members_on,
    full_members,
    member_ids_on,
    members_on,
)
from cadrecore.models import Activity
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger

from .rules_helpers import changed, run, update

BASE = small_ledger(2022)
WEST = "b.west"
MEMBERS = ["c013", "c014", "c015", "c016"]
DAY = date(2022, 6, 1)


def _moved(**changes: dict[str, object]) -> Ledger:
    """BASE with some of b.west's memberships (by cadre id) and cadres changed."""
    ledger = changed(
        BASE,
        "memberships",
        lambda m: update(m, **changes.get(m.cadre_id, {})) if m.branch_id == WEST else m,
    )
    return changed(
        ledger,
        "cadres",
        lambda c: update(c, **changes[f"cadre:{c.id}"]) if f"cadre:{c.id}" in changes else c,
    )


# --- who is a member on a day ----------------------------------------------------------------------


def test_members_on_a_day() -> None:
    """c013 joins on the day (a member), c014 leaves on the day (no longer), c015 dies on the
    day (no longer counted), c016 is probationary (a member, not a full one)."""
    ledger = _moved(
        c013={"since": DAY},
        c014={"until": DAY},
        **{"cadre:c015": {"deceased": DAY}, "cadre:c016": {"party_status": "probationary"}},
    )
    assert [c.id for c in members_on(ledger, ledger.branch(WEST), DAY)] == ["c013", "c016"]
    assert [c.id for c in full_members(members_on(ledger, ledger.branch(WEST), DAY))] == ["c013"]
    assert member_ids_on(ledger, WEST, DAY) == ["c013", "c016"]
    members = branch_members_on(ledger, DAY)[WEST]
    assert (members.ids, members.full) == (("c013", "c016"), 1)
    # the day before: c013 not yet, c014 and c015 still
    before = date(2022, 5, 31)
    assert member_ids_on(ledger, WEST, before) == ["c014", "c015", "c016"]
    assert branch_members_on(ledger, before)[WEST].ids == ("c014", "c015", "c016")


def test_a_branch_without_members_has_none() -> None:
    assert member_ids_on(BASE, "b.nowhere", DAY) == []


def test_members_worked_out_for_each_day_of_the_same_ledger() -> None:
    """Two of b.west's four join on 1 July: evaluated on 30 June (2 full members: short of 3)
    and then, the same ledger, on 31 December (4), and the other way round."""
    ledger = _moved(c013={"since": date(2022, 7, 1)}, c014={"since": date(2022, 7, 1)})
    june = date(2022, 6, 30)
    found = [f.reason for f in run(ledger, "branch.formation", as_of=june).findings]
    assert found == ["below_minimum"]
    assert run(ledger, "branch.formation", as_of=date(2022, 12, 31)).findings == ()
    again = _moved(c013={"since": date(2022, 7, 1)}, c014={"since": date(2022, 7, 1)})
    assert run(again, "branch.formation", as_of=date(2022, 12, 31)).findings == ()
    assert [f.reason for f in run(again, "branch.formation", as_of=june).findings] == [
        "below_minimum"
    ]


def test_a_branch_formed_on_the_day_judged_is_judged() -> None:
    """b.west formed on 31 December with two of its four members probationary: judged that
    day (short of full members); formed the next day, not yet."""
    ledger = _moved(
        **{"cadre:c015": {"party_status": "probationary"}},
        **{"cadre:c016": {"party_status": "probationary"}},
    )
    for formed, found in ((date(2022, 12, 31), ["below_minimum"]), (date(2023, 1, 1), [])):
        built = changed(
            ledger,
            "branches",
            lambda b, formed=formed: update(b, formed=formed) if b.id == WEST else b,  # type: ignore[misc]
        )
        assert [f.reason for f in run(built, "branch.formation").findings] == found


# --- the activities of the year up to the day judged ---------------------------------------------


def _lectures(*held: tuple[str, date]) -> Ledger:
    """BASE with b.west's lectures replaced by ``held`` (id, date), in that ledger order."""
    kept = [
        a
        for a in BASE.activities
        if not (a.branch_id == WEST and a.activity_kind == "party_lecture")
    ]
    new = [
        Activity(id=id, activity_kind="party_lecture", date=day, branch_id=WEST) for id, day in held
    ]
    return BASE.replace(activities=(*kept, *new))


def _west(ledger: Ledger, as_of: date, year: int | None = None) -> list[tuple[str, str, object]]:
    report = evaluate(ledger, year=year, as_of=as_of, rules=["builtin::org_life.party_lecture"])
    assert not report.errored
    return [
        (o.period, o.status, o.satisfied_by) for o in report.occurrences if o.subject.id == WEST
    ]


def test_a_lecture_on_the_years_first_day_judged_that_day() -> None:
    ledger = _lectures(("new_year", date(2022, 1, 1)))
    assert _west(ledger, date(2022, 1, 1)) == [("2022-Q1", "done", "new_year")]


def test_a_lecture_after_the_day_judged_is_not_yet_known() -> None:
    ledger = _lectures(("late_march", date(2022, 3, 31)))
    assert _west(ledger, date(2022, 3, 30)) == [("2022-Q1", "pending", None)]
    assert _west(ledger, date(2022, 3, 31)) == [("2022-Q1", "done", "late_march")]


def test_each_periods_first_lecture_by_date_then_id() -> None:
    """Listed in the ledger later first: the earlier holds the quarter; on the same day, the
    smaller id (held_by_branch: by date, then id)."""
    earlier = _lectures(("feb", date(2022, 2, 10)), ("jan", date(2022, 1, 10)))
    assert _west(earlier, date(2022, 3, 31)) == [("2022-Q1", "done", "jan")]
    same_day = _lectures(("b", date(2022, 1, 10)), ("a", date(2022, 1, 10)))
    assert _west(same_day, date(2022, 3, 31)) == [("2022-Q1", "done", "a")]


def test_a_ledger_with_no_lecture_at_all() -> None:
    """No party lecture anywhere in the ledger: every branch misses each quarter, and nothing
    raises."""
    ledger = BASE.replace(
        activities=tuple(a for a in BASE.activities if a.activity_kind != "party_lecture")
    )
    report = run(ledger, "org_life.party_lecture")
    assert sorted((f.subject.id, f.expected, f.actual) for f in report.findings) == [
        ("b.east", 4, 0),
        ("b.team", 4, 0),
        ("b.west", 4, 0),
    ]


def test_one_ledger_judged_for_one_kind_then_another() -> None:
    """What is read once per ledger is kept by what was read: the same ledger judged for its
    general meetings, then for its lectures, finds both held (the sample is compliant)."""
    ledger = small_ledger(2022)
    assert run(ledger, "org_life.general_meeting").findings == ()
    assert run(ledger, "org_life.party_lecture").findings == ()
    assert run(ledger, "org_life.general_meeting").findings == ()


@pytest.mark.parametrize(
    ("held", "status"),
    [(date(2019, 1, 1), "done"), (date(2019, 3, 31), "done"), (date(2020, 1, 10), "overdue")],
)
def test_a_year_judged_years_later(held: date, status: str) -> None:
    """2019 judged as it stood at the end of 2022 (a span too long for a list of days): 2019's
    first quarter is held by a lecture of its own days, its first and last included, not by
    one of 2020."""
    base = small_ledger(2019)
    kept = [
        a
        for a in base.activities
        if not (a.branch_id == WEST and a.activity_kind == "party_lecture")
    ]
    lecture = Activity(id="l", activity_kind="party_lecture", date=held, branch_id=WEST)
    ledger = base.replace(activities=(*kept, lecture))
    assert _west(ledger, date(2022, 12, 31), year=2019)[0] == (
        "2019-Q1",
        status,
        "l" if status == "done" else None,
    )
