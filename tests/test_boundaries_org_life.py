"""Organizational life at its edges: a meeting on the first and the last day of a quarter, a
quorum of exactly half, a member who dies, joins or leaves on a meeting's day, two meetings
without quorum in one quarter.

The expected outcomes come from REGULATIONS.md, "Organizational life (组织生活)":

- "branch general meeting (党员大会), valid with more than half of members present: once a
  quarter" — the quarters of the calendar (1 January, 1 April, 1 July, 1 October), each held
  by a meeting on any of its days, its first and last included; half present is not more than
  half;
- "committee meeting (支委会), valid with more than half of committee members present: once a
  month";
- "Frail or sick retirees are not required to attend" (left out of the count), and only full
  members vote ("formal members ... only full members count").

Who is a member on a day: joined by that day (``since`` ≤ day), not yet left (day < ``until``),
alive (day < ``deceased``: a member who died that day is no longer counted).
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore import Ledger
from cadrecore.i18n import Text
from cadrecore.models import Activity
from cadrecore.rules import Report, Severity
from cadrecore.sample import small_ledger

from .rules_helpers import changed, run, update

BASE = small_ledger(2022)
WEST = "b.west"  # four full members, c013-c016, no committee
MEMBERS = ["c013", "c014", "c015", "c016"]
JUDGED = date(2022, 12, 31)
MEETING = date(2022, 4, 10)


def _meetings(
    ledger: Ledger,
    held: list[tuple[date, object]],
    kind: str = "general_meeting",
    branch: str = WEST,
) -> Ledger:
    """``ledger`` with ``branch``'s meetings of ``kind`` replaced by ``held``: (date, the
    attendees, a headcount, or None: attendance not recorded)."""
    kept = [a for a in ledger.activities if not (a.branch_id == branch and a.activity_kind == kind)]
    new = []
    for n, (day, who) in enumerate(held):
        new.append(
            Activity(
                id=f"m{n}",
                activity_kind=kind,
                date=day,
                branch_id=branch,
                attendee_ids=who if isinstance(who, list) else (),
                headcount=who if isinstance(who, int) else None,
            )
        )
    return ledger.replace(activities=(*kept, *new))


def _every_quarter(first: object = MEMBERS) -> list[tuple[date, object]]:
    """A meeting in each quarter, all present; the second quarter's attended by ``first``."""
    return [
        (date(2022, 1, 10), MEMBERS),
        (MEETING, first),
        (date(2022, 7, 10), MEMBERS),
        (date(2022, 10, 10), MEMBERS),
    ]


def _west(report: Report) -> list[tuple[str, object, object]]:
    return [(f.reason, f.expected, f.actual) for f in report.findings if f.subject.id == WEST]


def _occurrences(report: Report) -> list[tuple[str, str, str | None]]:
    return [
        (o.period, o.status, o.satisfied_by) for o in report.occurrences if o.subject.id == WEST
    ]


def _general(ledger: Ledger, as_of: date = JUDGED) -> Report:
    return run(ledger, "org_life.general_meeting", as_of=as_of)


# --- a quarter holds its first and last days ---------------------------------------------------


def test_meetings_on_the_first_and_last_days_of_quarters() -> None:
    ledger = _meetings(
        BASE,
        [
            (date(2022, 1, 1), MEMBERS),  # Q1's first day
            (date(2022, 6, 30), MEMBERS),  # Q2's last day
            (date(2022, 7, 1), MEMBERS),  # Q3's first day
            (date(2022, 12, 31), MEMBERS),  # Q4's last day
        ],
    )
    report = _general(ledger)
    assert _west(report) == []
    assert _occurrences(report) == [
        ("2022-Q1", "done", "m0"),
        ("2022-Q2", "done", "m1"),
        ("2022-Q3", "done", "m2"),
        ("2022-Q4", "done", "m3"),
    ]


def test_a_meeting_counts_for_its_own_quarter_only() -> None:
    """31 March is the first quarter's, 1 April the second's: two meetings around the turn
    leave the third and fourth quarters missed."""
    ledger = _meetings(BASE, [(date(2022, 3, 31), MEMBERS), (date(2022, 4, 1), MEMBERS)])
    report = _general(ledger)
    assert _west(report) == [("missed", 4, 2)]
    assert "missing 2 (2022-Q3, 2022-Q4)" in report.findings[0].message.en
    assert _occurrences(report) == [
        ("2022-Q1", "done", "m0"),
        ("2022-Q2", "done", "m1"),
        ("2022-Q3", "overdue", None),
        ("2022-Q4", "overdue", None),
    ]


def test_two_meetings_in_one_quarter_do_not_make_up_for_another() -> None:
    ledger = _meetings(
        BASE,
        [(date(2022, 1, 5), MEMBERS), (date(2022, 3, 31), MEMBERS), *_every_quarter()[2:]],
    )
    report = _general(ledger)
    assert _west(report) == [("missed", 4, 3)]
    assert [p for p, s, _ in _occurrences(report) if s == "overdue"] == ["2022-Q2"]


@pytest.mark.parametrize(
    ("as_of", "found", "status"),
    [
        (date(2022, 6, 29), [], "pending"),  # the quarter not over yet
        (date(2022, 6, 30), [("missed", 2, 1)], "overdue"),  # its last day: due
    ],
)
def test_a_quarter_is_due_on_its_last_day(as_of: date, found: list[object], status: str) -> None:
    ledger = _meetings(BASE, [(date(2022, 1, 10), MEMBERS)])
    report = _general(ledger, as_of)
    assert _west(report) == found
    assert _occurrences(report)[1] == ("2022-Q2", status, None)


# --- the quorum: more than half ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "valid"),
    [(MEMBERS[:1], False), (MEMBERS[:2], False), (MEMBERS[:3], True), (MEMBERS, True)],
)
def test_more_than_half_of_four(present: list[str], valid: bool) -> None:
    report = _general(_meetings(BASE, _every_quarter(present)))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


@pytest.mark.parametrize(("headcount", "valid"), [(2, False), (3, True), (4, True)])
def test_a_headcount_counts_as_attendees_do(headcount: int, valid: bool) -> None:
    report = _general(_meetings(BASE, _every_quarter(headcount)))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


def test_attendance_not_recorded_counts_with_a_note() -> None:
    report = _general(_meetings(BASE, _every_quarter(None)))
    assert _west(report) == []
    (q2,) = [o for o in report.occurrences if o.subject.id == WEST and o.period == "2022-Q2"]
    assert q2.status == "done" and q2.note is not None
    assert q2.note.en == "attendance not recorded"


def _with_fifth_member(since: date = date(2019, 1, 1)) -> tuple[Ledger, str]:
    newcomer = "c005"  # a full member of b.team, moved to b.west
    ledger = changed(
        BASE,
        "memberships",
        lambda m: update(m, branch_id=WEST, since=since) if m.cadre_id == newcomer else m,
    )
    return ledger, newcomer


@pytest.mark.parametrize(("present", "valid"), [(2, False), (3, True)])
def test_more_than_half_of_five(present: int, valid: bool) -> None:
    ledger, newcomer = _with_fifth_member()
    who = [*MEMBERS, newcomer][:present]
    report = _general(_meetings(ledger, _every_quarter(who)))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


@pytest.mark.parametrize(("present", "valid"), [(1, False), (2, True)])
def test_more_than_half_of_three(present: int, valid: bool) -> None:
    ledger = changed(BASE, "memberships", lambda m: None if m.cadre_id == "c016" else m)
    report = _general(_meetings(ledger, _every_quarter(MEMBERS[:present])))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


def test_probationary_and_excused_members_are_left_out_of_the_count() -> None:
    """Of four, one probationary and one excused for health: two vote, so one present is not
    more than half and two are."""
    ledger = changed(
        BASE,
        "cadres",
        lambda c: (
            update(c, party_status="probationary")
            if c.id == "c015"
            else update(c, health_exempt=True, exemption_reason="卧床")
            if c.id == "c016"
            else c
        ),
    )
    one = _general(_meetings(ledger, _every_quarter(["c013", "c015", "c016"])))
    assert _west(one) == [("no_quorum", 4, 3)]
    two = _general(_meetings(ledger, _every_quarter(["c013", "c014"])))
    assert _west(two) == []


# --- who is a member on the meeting's day --------------------------------------------------------


@pytest.mark.parametrize(
    ("died", "valid"),
    [
        (MEETING, True),  # died that day: two of the three alive are present
        (date(2022, 4, 11), False),  # died the day after: two of four
        (date(2022, 4, 9), True),
    ],
)
def test_a_member_who_dies_on_the_meeting_day_is_not_counted(died: date, valid: bool) -> None:
    ledger = changed(BASE, "cadres", lambda c: update(c, deceased=died) if c.id == "c016" else c)
    report = _general(_meetings(ledger, _every_quarter(MEMBERS[:2])))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


@pytest.mark.parametrize(
    ("until", "valid"),
    [
        (MEETING, True),  # left on the day: no longer a member, two of three present
        (date(2022, 4, 11), False),  # leaves the day after: two of four
    ],
)
def test_a_member_who_leaves_on_the_meeting_day_is_not_counted(until: date, valid: bool) -> None:
    ledger = changed(
        BASE, "memberships", lambda m: update(m, until=until) if m.cadre_id == "c016" else m
    )
    report = _general(_meetings(ledger, _every_quarter(MEMBERS[:2])))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


@pytest.mark.parametrize(
    ("since", "valid"),
    [
        (MEETING, True),  # joined on the day and present: three of five
        (date(2022, 4, 11), False),  # joins the day after: not yet a member, two of four
    ],
)
def test_a_member_who_joins_on_the_meeting_day_is_counted(since: date, valid: bool) -> None:
    ledger, newcomer = _with_fifth_member(since)
    report = _general(_meetings(ledger, _every_quarter([*MEMBERS[:2], newcomer])))
    assert _west(report) == ([] if valid else [("no_quorum", 4, 3)])


def test_a_death_between_two_meetings_of_one_quarter() -> None:
    """The first meeting (two of four) fails; c016 dies before the second (two of three): the
    second holds the quarter."""
    ledger = changed(
        BASE, "cadres", lambda c: update(c, deceased=date(2022, 5, 1)) if c.id == "c016" else c
    )
    held = [
        (date(2022, 1, 10), MEMBERS),
        (date(2022, 4, 10), MEMBERS[:2]),
        (date(2022, 5, 1), MEMBERS[:2]),
        (date(2022, 7, 10), MEMBERS[:3]),
        (date(2022, 10, 10), MEMBERS[:3]),
    ]
    report = _general(_meetings(ledger, held))
    assert _west(report) == []
    assert _occurrences(report)[1] == ("2022-Q2", "done", "m2")


# --- meetings without quorum, and gaps of both kinds -------------------------------------------------


def test_two_meetings_without_quorum_in_one_quarter_are_one_gap() -> None:
    held = [*_every_quarter()]
    held[1] = (date(2022, 4, 10), MEMBERS[:2])
    held.insert(2, (date(2022, 5, 10), MEMBERS[:2]))
    report = _general(_meetings(BASE, held))
    assert _west(report) == [("no_quorum", 4, 3)]
    assert "missing 1 (2022-Q2 (no quorum))" in report.findings[0].message.en
    assert "缺 1 次（2022-Q2(未过半)）" in report.findings[0].message.zh
    # the quarter's occurrence names its latest attempt, the record the branch answers for
    assert _occurrences(report)[1] == ("2022-Q2", "invalid", "m2")


def test_a_quorate_meeting_after_one_without_holds_the_quarter() -> None:
    held = [*_every_quarter()]
    held[1] = (date(2022, 4, 10), MEMBERS[:2])
    held.insert(2, (date(2022, 6, 30), MEMBERS[:3]))
    report = _general(_meetings(BASE, held))
    assert _west(report) == []
    assert _occurrences(report)[1] == ("2022-Q2", "done", "m2")


def test_a_branch_with_a_missed_quarter_and_one_without_quorum() -> None:
    held = [
        (date(2022, 1, 10), MEMBERS[:2]),
        (date(2022, 7, 10), MEMBERS),
        (date(2022, 10, 10), MEMBERS),
    ]
    report = _general(_meetings(BASE, held))
    # one finding: the branch held 2 valid of 4, a missed quarter and one without quorum
    assert _west(report) == [("missed", 4, 2)]
    finding = report.findings[0]
    assert finding.severity is Severity.ERROR
    assert "missing 2 (2022-Q2, 2022-Q1 (no quorum))" in finding.message.en
    assert "last held 2022-10-10" in finding.message.en
    assert [s for _, s, _ in _occurrences(report)] == ["invalid", "overdue", "done", "done"]


def test_a_meeting_without_quorum_in_a_quarter_not_yet_over_is_pending() -> None:
    held = [(date(2022, 1, 10), MEMBERS), (date(2022, 4, 10), MEMBERS[:2])]
    report = _general(_meetings(BASE, held), as_of=date(2022, 6, 29))
    assert _west(report) == []
    (q2,) = [o for o in report.occurrences if o.subject.id == WEST and o.period == "2022-Q2"]
    assert q2.status == "pending" and q2.note is not None and q2.note.en == "held without quorum"
    # on its last day it is due: no quorum
    report = _general(_meetings(BASE, held), as_of=date(2022, 6, 30))
    assert _west(report) == [("no_quorum", 2, 1)]
    assert "next due" not in report.findings[0].message.en


def test_the_next_due_date_is_the_end_of_the_current_quarter() -> None:
    held = [(date(2022, 4, 10), MEMBERS)]
    report = _general(_meetings(BASE, held), as_of=date(2022, 8, 1))
    assert _west(report) == [("missed", 2, 1)]
    assert "next due by 2022-09-30" in report.findings[0].message.en
    assert "下次应于 2022-09-30 前" in report.findings[0].message.zh


# --- a committee meeting: more than half of the committee, monthly ---------------------------------

TEAM = "b.team"  # committee of three


@pytest.mark.parametrize(("headcount", "valid"), [(1, False), (2, True), (3, True)])
def test_more_than_half_of_a_committee_of_three(headcount: int, valid: bool) -> None:
    held = [(date(2022, month, 10), 3) for month in range(1, 13)]
    held[4] = (date(2022, 5, 10), headcount)
    ledger = _meetings(BASE, held, "committee_meeting", TEAM)
    report = run(ledger, "org_life.committee_meeting")
    found = [(f.reason, f.expected, f.actual) for f in report.findings if f.subject.id == TEAM]
    assert found == ([] if valid else [("no_quorum", 12, 11)])


def test_committee_meetings_on_the_first_and_last_day_of_each_month() -> None:
    held = [(date(2022, 1, 1), 3), (date(2022, 1, 31), 3)]
    held += [(date(2022, month, 28 if month == 2 else 1), 3) for month in range(2, 13)]
    ledger = _meetings(BASE, held, "committee_meeting", TEAM)
    report = run(ledger, "org_life.committee_meeting")
    assert [f for f in report.findings if f.subject.id == TEAM] == []
    # one meeting on 31 January holds January only: February without one is missed
    held = [(date(2022, 1, 31), 3)] + [(date(2022, m, 1), 3) for m in range(3, 13)]
    report = run(_meetings(BASE, held, "committee_meeting", TEAM), "org_life.committee_meeting")
    found = [(f.reason, f.expected, f.actual) for f in report.findings if f.subject.id == TEAM]
    assert found == [("missed", 12, 11)]
    assert "(2022-02)" in report.findings[0].message.en


# =================================================================================================
# What mutation testing showed untested (scripts/mutation.py, target org_life): obligations
# without a quorum (each period's first record), every field of an occurrence, what a finding
# says, a county's own values, branches formed or listed at the edges
# =================================================================================================


def _lectures(held: list[date], branch: str = WEST) -> Ledger:
    """BASE with ``branch``'s party lectures (once a quarter, a local default) held on ``held``
    (ids ``m0``, ``m1``... in that order)."""
    return _meetings(BASE, [(day, MEMBERS) for day in held], "party_lecture", branch)


def _all(report: Report, branch: str = WEST) -> list[tuple[object, ...]]:
    """Every field of each occurrence of ``branch``."""
    return [
        (o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
        if o.subject.id == branch
    ]


def test_each_quarters_first_lecture_holds_it() -> None:
    """Two lectures in the first quarter (the first holds it, the second counts for nothing
    else), one on the second quarter's first day and one on its last, none in the third;
    judged on 1 October, the fourth quarter has begun."""
    ledger = _lectures([date(2022, 1, 5), date(2022, 3, 20), date(2022, 4, 1), date(2022, 6, 30)])
    report = run(ledger, "org_life.party_lecture", as_of=date(2022, 10, 1))
    assert _all(report) == [
        ("2022-Q1", date(2022, 3, 31), "done", "m0", date(2022, 1, 5), None),
        ("2022-Q2", date(2022, 6, 30), "done", "m2", date(2022, 4, 1), None),
        ("2022-Q3", date(2022, 9, 30), "overdue", None, None, None),
        ("2022-Q4", date(2022, 12, 31), "pending", None, None, None),
    ]


def test_a_lecture_on_a_quarters_last_day_holds_it() -> None:
    ledger = _lectures([date(2022, 3, 31), date(2022, 6, 30), date(2022, 9, 30)])
    report = run(ledger, "org_life.party_lecture", as_of=date(2022, 12, 1))
    assert [(p, s, by) for p, _, s, by, _, _ in _all(report)] == [
        ("2022-Q1", "done", "m0"),
        ("2022-Q2", "done", "m1"),
        ("2022-Q3", "done", "m2"),
        ("2022-Q4", "pending", None),
    ]
    assert _west(report) == []


def test_three_lectures_in_one_quarter_then_one_in_the_next() -> None:
    """The first of three holds the first quarter; the next quarter's own lecture still holds
    it."""
    ledger = _lectures([date(2022, 1, 5), date(2022, 2, 5), date(2022, 3, 5), date(2022, 4, 5)])
    report = run(ledger, "org_life.party_lecture", as_of=date(2022, 6, 30))
    assert [(p, s, by) for p, _, s, by, _, _ in _all(report)] == [
        ("2022-Q1", "done", "m0"),
        ("2022-Q2", "done", "m3"),
    ]


def test_what_a_missed_lecture_says() -> None:
    """REGULATIONS.md: a party lecture "default once a quarter" (local); a missed one is a
    warning."""
    report = run(_lectures([date(2022, 1, 10)]), "org_life.party_lecture", as_of=date(2022, 8, 1))
    (finding,) = report.findings
    assert (
        finding.subject.kind,
        finding.subject.id,
        finding.reason,
        finding.severity,
        finding.expected,
        finding.actual,
    ) == ("branches", WEST, "missed", Severity.WARNING, 2, 1)
    assert finding.message == Text(
        "支部“西城社区党支部”党课应每季度一次：应 2 次，有效 1 次，缺 1 次（2022-Q2）"
        "；最近一次 2022-01-10；下次应于 2022-09-30 前",
        "branch '西城社区党支部': party lecture is quarterly: required 2, valid 1, missing 1 "
        "(2022-Q2); last held 2022-01-10; next due by 2022-09-30",
    )
    assert finding.fix == Text(
        "补开党课并在 activities.csv 记录（含出席人员）",
        "hold the party lecture and record it in activities.csv with who attended",
    )


def test_what_a_year_without_a_lecture_says() -> None:
    report = run(_lectures([]), "org_life.party_lecture", as_of=JUDGED)
    assert [f.message for f in report.findings] == [
        Text(
            "支部“西城社区党支部”党课应每季度一次：应 4 次，有效 0 次，缺 4 次"
            "（2022-Q1、2022-Q2、2022-Q3、2022-Q4）；本年未开展",
            "branch '西城社区党支部': party lecture is quarterly: required 4, valid 0, missing 4 "
            "(2022-Q1, 2022-Q2, 2022-Q3, 2022-Q4); none held this year",
        )
    ]


def test_what_a_general_meeting_without_quorum_says() -> None:
    held = [(date(2022, 1, 10), MEMBERS[:2]), (date(2022, 4, 10), MEMBERS[:2])]
    report = _general(_meetings(BASE, held), as_of=date(2022, 8, 1))
    (finding,) = report.findings
    assert (finding.reason, finding.severity, finding.expected, finding.actual) == (
        "no_quorum",
        Severity.ERROR,
        2,
        0,
    )
    assert finding.message == Text(
        "支部“西城社区党支部”党员大会应每季度一次：应 2 次，有效 0 次，缺 2 次"
        "（2022-Q1(未过半)、2022-Q2(未过半)）；最近一次 2022-04-10；下次应于 2022-09-30 前",
        "branch '西城社区党支部': general meeting is quarterly: required 2, valid 0, missing 2 "
        "(2022-Q1 (no quorum), 2022-Q2 (no quorum)); last held 2022-04-10; next due by "
        "2022-09-30",
    )
    assert _all(report) == [
        ("2022-Q1", date(2022, 3, 31), "invalid", "m0", date(2022, 1, 10), _NO_QUORUM),
        ("2022-Q2", date(2022, 6, 30), "invalid", "m1", date(2022, 4, 10), _NO_QUORUM),
        ("2022-Q3", date(2022, 9, 30), "pending", None, None, None),
    ]


_NO_QUORUM = Text("到会人数未过半", "no quorum: half or fewer present")


def test_every_field_of_a_general_meetings_occurrences() -> None:
    """Held with quorum (no note), held without it in a quarter not yet over (pending, noted),
    and a quarter missed."""
    held = [(date(2022, 1, 10), MEMBERS), (date(2022, 7, 10), MEMBERS[:2])]
    report = _general(_meetings(BASE, held), as_of=date(2022, 8, 1))
    assert _all(report) == [
        ("2022-Q1", date(2022, 3, 31), "done", "m0", date(2022, 1, 10), None),
        ("2022-Q2", date(2022, 6, 30), "overdue", None, None, None),
        (
            "2022-Q3",
            date(2022, 9, 30),
            "pending",
            None,
            None,
            Text("已开但到会未过半", "held without quorum"),
        ),
    ]
    assert "next due by 2022-09-30" in report.findings[0].message.en


def test_the_next_due_date_is_the_first_quarter_still_open() -> None:
    """Judged on 1 August with no meeting: the first two quarters missed, the third pending and
    the one named next due (no quorum to judge)."""
    report = _general(_meetings(BASE, []), as_of=date(2022, 8, 1))
    assert report.findings[0].message.en.endswith("none held this year; next due by 2022-09-30")


def test_a_period_that_begins_on_the_day_judged_is_pending() -> None:
    report = run(_lectures([date(2022, 1, 10)]), "org_life.party_lecture", as_of=date(2022, 4, 1))
    assert [(p, s) for p, _, s, _, _, _ in _all(report)] == [
        ("2022-Q1", "done"),
        ("2022-Q2", "pending"),
    ]


def test_a_branch_all_excused_holds_its_meetings_whoever_attends() -> None:
    """ "Frail or sick retirees are not required to attend": with every member excused, no one
    counts towards the quorum, and a meeting held counts (without a note); a quarter without
    one is still missed."""
    ledger = changed(
        BASE,
        "cadres",
        lambda c: update(c, health_exempt=True, exemption_reason="卧床") if c.id in MEMBERS else c,
    )
    held = [(date(2022, 1, 10), []), (date(2022, 4, 10), 0), (date(2022, 10, 10), [])]
    report = _general(_meetings(ledger, held))
    assert [(p, s, by, note) for p, _, s, by, _, note in _all(report)] == [
        ("2022-Q1", "done", "m0", None),
        ("2022-Q2", "done", "m1", None),
        ("2022-Q3", "overdue", None, None),
        ("2022-Q4", "done", "m2", None),
    ]
    assert _west(report) == [("missed", 4, 3)]


def test_a_branch_with_no_members_at_all_holds_its_meetings() -> None:
    """A branch with no member recorded (nor secretary): nobody has a vote, its meetings count;
    nothing raises."""
    empty = update(BASE.branch(WEST), id="b.empty", secretary_id=None)
    ledger = BASE.replace(branches=(*BASE.branches, empty))
    held = [(date(2022, 1, 10), 0), (date(2022, 4, 10), 0)]
    report = run(
        _meetings(ledger, held, branch="b.empty"),
        "org_life.general_meeting",
        as_of=date(2022, 6, 30),
    )
    assert [(p, s) for p, _, s, _, _, _ in _all(report, "b.empty")] == [
        ("2022-Q1", "done"),
        ("2022-Q2", "done"),
    ]


def test_a_branch_that_never_held_one() -> None:
    """No record of the kind at all: every period due is missed (nothing raises)."""
    report = run(_meetings(BASE, []), "org_life.general_meeting")
    assert _west(report) == [("missed", 4, 0)]
    assert report.findings[0].message.en.endswith("none held this year")


def _formed(day: date, branch: str = WEST) -> Ledger:
    return changed(BASE, "branches", lambda b: update(b, formed=day) if b.id == branch else b)


def test_a_branch_formed_on_the_day_judged_is_judged_from_that_day() -> None:
    """Formed on 15 May, judged that day: its second quarter (from 15 May) is pending."""
    report = run(_formed(date(2022, 5, 15)), "org_life.party_lecture", as_of=date(2022, 5, 15))
    assert [(p, d, s) for p, d, s, _, _, _ in _all(report)] == [
        ("2022-Q2", date(2022, 6, 30), "pending")
    ]


def test_a_branch_formed_later_listed_first_leaves_the_others_judged() -> None:
    """A branch formed after the day judged is not judged; those after it in the ledger are."""
    later = update(BASE.branch(WEST), id="b.later", formed=date(2023, 1, 1), secretary_id=None)
    ledger = _lectures([]).replace(branches=(later, *BASE.branches))
    report = run(ledger, "org_life.party_lecture")
    assert _all(report, "b.later") == []
    assert _west(report) == [("missed", 4, 0)]


def test_a_committee_branch_listed_after_one_without_a_committee_is_judged() -> None:
    held = [(date(2022, month, 10), 3) for month in range(1, 12)]  # December missed
    ledger = _meetings(BASE, held, "committee_meeting", TEAM)
    east_first = ledger.replace(
        branches=tuple(sorted(ledger.branches, key=lambda b: b.id != "b.east"))
    )
    report = run(east_first, "org_life.committee_meeting")
    assert [(f.subject.id, f.reason, f.expected, f.actual) for f in report.findings] == [
        (TEAM, "missed", 12, 11)
    ]


def _own(key: str, value: object, unit: str) -> object:
    from cadrecore.models import ParameterOverride

    return ParameterOverride(
        id=f"{unit}.{key}",
        key=key,
        value=value,
        effective_from=date(2018, 1, 1),
        unit_id=unit,
        source="县委组织部文件",
    )


def test_a_countys_own_frequency() -> None:
    """West holds its lectures monthly (its own value): one a quarter leaves eight months
    missed; east's branches keep the quarterly default."""
    ledger = _lectures([date(2022, m, 10) for m in (1, 4, 7, 10)]).replace(
        parameters=(_own("org_life.party_lecture.frequency", "monthly", "west"),)
    )
    report = run(ledger, "org_life.party_lecture")
    assert _west(report) == [("missed", 12, 4)]
    (finding,) = [f for f in report.findings if f.subject.id == WEST]
    assert finding.message.zh.startswith("支部“西城社区党支部”党课应每月一次：应 12 次")
    assert finding.message.en.startswith(
        "branch '西城社区党支部': party lecture is monthly: required 12"
    )
    assert [f for f in report.findings if f.subject.id != WEST] == []


def test_a_countys_own_quorum_for_general_meetings() -> None:
    """West asks more than three quarters present: three of four is not enough there."""
    ledger = _meetings(BASE, _every_quarter(MEMBERS[:3]))
    assert _west(_general(ledger)) == []
    strict = ledger.replace(parameters=(_own("org_life.general_meeting_quorum", 0.75, "west"),))
    assert _west(_general(strict)) == [("no_quorum", 4, 3)]
    other = ledger.replace(parameters=(_own("org_life.general_meeting_quorum", 0.75, "east"),))
    assert _west(_general(other)) == []


def test_a_countys_own_quorum_for_committee_meetings() -> None:
    """East (b.team's county) asks more than two thirds of the committee: two of three is not
    enough there."""
    held = [(date(2022, month, 10), 2) for month in range(1, 13)]
    ledger = _meetings(BASE, held, "committee_meeting", TEAM)
    found = run(ledger, "org_life.committee_meeting").findings
    assert [f.subject.id for f in found] == []
    strict = ledger.replace(parameters=(_own("org_life.quorum_share", 0.7, "east"),))
    found = run(strict, "org_life.committee_meeting").findings
    assert [(f.subject.id, f.reason, f.expected, f.actual) for f in found] == [
        (TEAM, "no_quorum", 12, 0)
    ]
