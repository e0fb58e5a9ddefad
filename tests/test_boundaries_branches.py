"""Branch rules at their edges: at each threshold, one below and one above; terms that end on
their anniversary (29 February included); an age that changes on the birthday.

The expected outcomes come from REGULATIONS.md, "Branches (党支部)":

- "formal members to form a branch: ≥ 3 (only full members count)";
- "members of a branch, generally: ≤ 50" — a branch of exactly 50 is within it;
- "joint branch covering units, generally: ≤ 5 units";
- "formal members that require a branch committee: ≥ 7";
- "branch committee term: 3 years; village and community branches 5 years", and "5 years for
  all" from 2022-10-22 (unverified) — a term ends on its anniversary, the same day N years on;
- "retiree branch secretary age, generally: ≤ 75" (local) — at 75 within it, from the 76th
  birthday over;
- "members away ≥ 6 months take part in organizational life where they are" — from the day six
  months are complete.

And one parameter of cadrecore's own (parameters.yaml, local): warn of an election due from 90
days before the term ends.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore import Ledger
from cadrecore.i18n import Text
from cadrecore.models import Cadre, Membership, Unit
from cadrecore.rules import Severity
from cadrecore.sample import small_ledger

from .rules_helpers import changed, reasons, run, update

BASE = small_ledger(2022)
JUDGED = date(2022, 12, 31)
# b.east: a community branch of four full members (c009-c012), no committee, in county east.
EAST = "b.east"


def _with_members(total: int, *, probationary: int = 0, branch: str = EAST) -> Ledger:
    """BASE with ``branch`` holding ``total`` members (its own four and new ones), the last
    ``probationary`` of them probationary."""
    own = [m.cadre_id for m in BASE.memberships if m.branch_id == branch]
    template = BASE.cadre(own[-1])
    new_cadres = [
        Cadre.model_validate({**template.model_dump(), "id": f"n{n:03d}", "name": f"新党员{n}"})
        for n in range(max(0, total - len(own)))
    ]
    ids = [*own, *(c.id for c in new_cadres)][:total]
    late = set(ids[total - probationary :]) if probationary else set()
    cadres = [
        update(c, party_status="probationary") if c.id in late else c
        for c in (*BASE.cadres, *new_cadres)
    ]
    memberships = [m for m in BASE.memberships if m.branch_id != branch or m.cadre_id in ids] + [
        Membership(cadre_id=c.id, branch_id=branch, since=date(2019, 1, 1)) for c in new_cadres
    ]
    return BASE.replace(cadres=tuple(cadres), memberships=tuple(memberships))


def _of(report: object, branch: str = EAST) -> list[tuple[str, object, object]]:
    return [
        (f.reason, f.expected, f.actual)
        for f in report.findings  # type: ignore[attr-defined]
        if f.subject.id == branch
    ]


# --- formation: full members ≥ 3, members ≤ 50, joint branches ≤ 5 units ----------------------


@pytest.mark.parametrize(
    ("total", "probationary", "found"),
    [
        (4, 2, [("below_minimum", 3, 2)]),  # two full members (and two probationary)
        (4, 1, []),  # three full: enough
        (4, 0, []),
        (3, 0, []),
    ],
)
def test_full_members_to_form_a_branch(total: int, probationary: int, found: list[object]) -> None:
    report = run(_with_members(total, probationary=probationary), "branch.formation")
    assert _of(report) == found


@pytest.mark.parametrize(
    ("total", "found"),
    [
        (49, []),
        (50, []),  # exactly 50: within "≤ 50"
        (51, [("above_maximum", 50, 51)]),
    ],
)
def test_members_of_a_branch_at_fifty(total: int, found: list[object]) -> None:
    report = run(_with_members(total), "branch.formation")
    assert _of(report) == found
    assert all(f.severity is Severity.WARNING for f in report.findings)


def test_probationary_members_count_towards_the_largest_size() -> None:
    """ "Members of a branch ≤ 50" counts every member; only the formation minimum counts full
    members alone."""
    report = run(_with_members(51, probationary=10), "branch.formation")
    assert _of(report) == [("above_maximum", 50, 51)]


def _joint(units: int) -> Ledger:
    extra = [
        Unit(id=f"u{n}", name=f"单位{n}", level="county", kind="department", parent_id="east")
        for n in range(units)
    ]
    ledger = BASE.replace(units=(*BASE.units, *extra))
    return changed(
        ledger,
        "branches",
        lambda b: update(b, covers_unit_ids=[u.id for u in extra]) if b.id == EAST else b,
    )


@pytest.mark.parametrize(
    ("units", "found"),
    [(4, []), (5, []), (6, [("joint_too_wide", 5, 6)])],
)
def test_a_joint_branch_covers_at_most_five_units(units: int, found: list[object]) -> None:
    assert _of(run(_joint(units), "branch.formation")) == found


# --- committee required from 7 full members ----------------------------------------------------


@pytest.mark.parametrize(
    ("total", "probationary", "found"),
    [
        (6, 0, []),
        (7, 0, [("committee_missing", 7, 7)]),
        (8, 0, [("committee_missing", 7, 8)]),
        (8, 2, []),  # six full members and two probationary: not yet
    ],
)
def test_a_committee_from_seven_full_members(
    total: int, probationary: int, found: list[object]
) -> None:
    report = run(_with_members(total, probationary=probationary), "branch.committee_required")
    assert _of(report) == found


@pytest.mark.parametrize(
    ("total", "found"),
    [
        (6, [("committee_not_required", 7, 6)]),  # a committee below 7 full members: info
        (7, []),
    ],
)
def test_a_committee_below_seven_is_not_required(total: int, found: list[object]) -> None:
    ledger = _with_members(total)
    members = [m.cadre_id for m in ledger.memberships if m.branch_id == EAST]
    ledger = changed(
        ledger,
        "branches",
        lambda b: (
            update(
                b, committee_ids=[b.secretary_id, *[c for c in members if c != b.secretary_id][:2]]
            )
            if b.id == EAST
            else b
        ),
    )
    report = run(ledger, "branch.committee_size")
    assert _of(report) == found
    assert all(f.severity is Severity.INFO for f in report.findings)


# --- the secretary: at most 75 ------------------------------------------------------------------


def _secretary_born(born: date) -> Ledger:
    secretary = BASE.branch(EAST).secretary_id
    return changed(BASE, "cadres", lambda c: update(c, birth_date=born) if c.id == secretary else c)


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2022, 6, 14), []),  # 75, the day before the 76th birthday
        (date(2022, 6, 15), [("secretary_age", 75, 76)]),  # the 76th birthday
        (date(2022, 6, 16), [("secretary_age", 75, 76)]),
    ],
)
def test_a_secretary_is_76_on_the_birthday(as_of: date, found: list[object]) -> None:
    report = run(_secretary_born(date(1946, 6, 15)), "branch.secretary", as_of=as_of)
    assert _of(report) == found


@pytest.mark.parametrize(
    ("born", "found"),
    [
        (date(1947, 12, 31), []),  # 74 on the day judged (2022-12-31 is the 75th birthday)
        (date(1947, 1, 1), []),  # 75: within "≤ 75"
        (date(1946, 12, 31), [("secretary_age", 75, 76)]),  # 76 that very day
        (date(1947, 12, 30), []),
    ],
)
def test_a_secretary_of_exactly_75_is_within_the_limit(born: date, found: list[object]) -> None:
    report = run(_secretary_born(born), "branch.secretary", as_of=JUDGED)
    assert _of(report) == found


@pytest.mark.parametrize(
    ("as_of", "age"),
    [
        (date(2024, 2, 28), 75),
        (date(2024, 2, 29), 76),  # born on 29 February: 76 on 29 February of a leap year
    ],
)
def test_a_secretary_born_on_29_february(as_of: date, age: int) -> None:
    report = run(_secretary_born(date(1948, 2, 29)), "branch.secretary", as_of=as_of, year=2024)
    assert _of(report) == ([] if age == 75 else [("secretary_age", 75, 76)])


@pytest.mark.parametrize(
    ("as_of", "found"),
    [(date(2022, 8, 31), []), (date(2022, 9, 1), ["secretary_deceased"])],
)
def test_a_secretary_who_died(as_of: date, found: list[str]) -> None:
    secretary = BASE.branch(EAST).secretary_id
    ledger = changed(
        BASE, "cadres", lambda c: update(c, deceased=date(2022, 9, 1)) if c.id == secretary else c
    )
    report = run(ledger, "branch.secretary", as_of=as_of)
    assert [r for r, _, _ in _of(report)] == found


def test_a_branch_without_a_secretary() -> None:
    ledger = changed(
        BASE, "branches", lambda b: update(b, secretary_id=None) if b.id == EAST else b
    )
    assert reasons(run(ledger, "branch.secretary").findings) == [("no_secretary", "branches", EAST)]


# --- terms: a term ends on its anniversary -------------------------------------------------------

TEAM = "b.team"  # a team branch: the 3-year term (5 years from 2022-10-22)


def _elected(day: date, branch: str = TEAM) -> Ledger:
    """Every branch elected recently, ``branch`` on ``day``."""
    return changed(
        BASE,
        "branches",
        lambda b: update(b, committee_elected=day if b.id == branch else date(2022, 12, 1)),
    )


def _terms(ledger: Ledger, as_of: date, branch: str = TEAM) -> list[tuple[str, object, object]]:
    return _of(run(ledger, "branch.term", as_of=as_of, year=as_of.year), branch)


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2022, 2, 28), [("election_due", "2022-03-01", None)]),
        (date(2022, 3, 1), [("term_expired", "2022-03-01", "2022-03-01")]),  # the anniversary
        (date(2022, 3, 2), [("term_expired", "2022-03-01", "2022-03-02")]),
    ],
)
def test_a_three_year_term_ends_on_its_anniversary(as_of: date, found: list[object]) -> None:
    assert _terms(_elected(date(2019, 3, 1)), as_of) == found


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2023, 2, 27), [("election_due", "2023-02-28", None)]),
        # elected on 29 February 2020: three years on is 28 February 2023 (no 29th that year)
        (date(2023, 2, 28), [("term_expired", "2023-02-28", "2023-02-28")]),
        (date(2023, 3, 1), [("term_expired", "2023-02-28", "2023-03-01")]),
    ],
)
def test_a_term_from_29_february(as_of: date, found: list[object]) -> None:
    assert _terms(_elected(date(2020, 2, 29)), as_of) == found


def test_a_five_year_term_from_29_february() -> None:
    """A community branch (5 years) elected on 29 February 2024: 29 February 2029 does not
    exist, the term ends on the 28th."""
    ledger = _elected(date(2024, 2, 29), EAST)
    assert _terms(ledger, date(2029, 2, 27), EAST) == [("election_due", "2029-02-28", None)]
    assert _terms(ledger, date(2029, 2, 28), EAST) == [("term_expired", "2029-02-28", "2029-02-28")]
    # elected on 29 February 2016: five years on, 2021 has no 29 February, the term ends on
    # the 28th (before the 2018 regulation, the earliest known term applies: 5 years)
    from_2016 = changed(
        BASE,
        "branches",
        lambda b: update(
            b, committee_elected=date(2016, 2, 29) if b.id == EAST else date(2022, 12, 1)
        ),
    )
    assert _terms(from_2016, date(2021, 2, 28), EAST) == [
        ("term_expired", "2021-02-28", "2021-02-28")
    ]


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2021, 11, 30), []),  # 91 days before 2022-03-01
        (date(2021, 12, 1), [("election_due", "2022-03-01", None)]),  # 90 days before
        (date(2021, 12, 2), [("election_due", "2022-03-01", None)]),  # 89
    ],
)
def test_the_election_warning_from_90_days(as_of: date, found: list[object]) -> None:
    assert _terms(_elected(date(2019, 3, 1)), as_of) == found


def test_the_term_in_force_on_the_election_day() -> None:
    """5 years for all from 2022-10-22 (unverified), 3 before: a team branch elected the day
    before has 3, the day itself 5."""
    before = _elected(date(2022, 10, 21))
    assert _terms(before, date(2025, 10, 21)) == [("term_expired", "2025-10-21", "2025-10-21")]
    assert _terms(before, date(2025, 10, 20)) == [("election_due", "2025-10-21", None)]
    on_the_day = _elected(date(2022, 10, 22))
    assert _terms(on_the_day, date(2025, 10, 22)) == []
    assert _terms(on_the_day, date(2027, 10, 22)) == [("term_expired", "2027-10-22", "2027-10-22")]


def test_a_community_branch_has_five_years() -> None:
    ledger = _elected(date(2019, 3, 1), EAST)
    assert _terms(ledger, date(2022, 3, 1), EAST) == []
    assert _terms(ledger, date(2024, 3, 1), EAST) == [("term_expired", "2024-03-01", "2024-03-01")]


def _election(day: date, branch: str = TEAM) -> Ledger:
    from cadrecore.models import Activity

    ledger = _elected(date(2019, 3, 1), branch)
    held = Activity(id="elect", activity_kind="election", date=day, branch_id=branch)
    return ledger.replace(activities=(*ledger.activities, held))


@pytest.mark.parametrize(
    ("held", "found"),
    [
        (date(2022, 2, 28), []),
        (date(2022, 3, 1), []),  # re-elected on the anniversary: on time
        (date(2022, 3, 2), [("elected_late", "2022-03-01", "2022-03-02")]),  # one day late
    ],
)
def test_a_re_election_on_the_day_the_term_ends_is_on_time(held: date, found: list[object]) -> None:
    report = run(_election(held), "branch.term", as_of=JUDGED)
    assert _of(report, TEAM) == found
    statuses = [o.status for o in report.occurrences if o.subject.id == TEAM][:1]
    assert statuses == (["late"] if found else ["done"])
    if found:
        assert "1 day(s) late" in report.findings[0].message.en


# --- members away 6 months -----------------------------------------------------------------------


def _away(since: date) -> tuple[Ledger, str]:
    member = next(m.cadre_id for m in BASE.memberships if m.branch_id == EAST)
    ledger = changed(
        BASE,
        "cadres",
        lambda c: update(c, living_away=True, away_since=since) if c.id == member else c,
    )
    return ledger, member


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2022, 7, 14), False),  # a day short of six months
        (date(2022, 7, 15), True),  # exactly six months away
        (date(2022, 7, 16), True),
    ],
)
def test_a_member_away_six_months(as_of: date, found: bool) -> None:
    ledger, member = _away(date(2022, 1, 15))
    report = run(ledger, "branch.members_away", as_of=as_of)
    assert reasons(report.findings) == ([("away_member", "cadres", member)] if found else [])
    if found:
        assert report.findings[0].expected == 6


@pytest.mark.parametrize(
    ("as_of", "found"),
    [(date(2022, 2, 27), False), (date(2022, 2, 28), True)],  # six months after 31 August
)
def test_six_months_from_the_end_of_a_month(as_of: date, found: bool) -> None:
    ledger, member = _away(date(2021, 8, 31))
    report = run(ledger, "branch.members_away", as_of=as_of)
    assert reasons(report.findings) == ([("away_member", "cadres", member)] if found else [])


def test_a_mobile_branch_is_where_members_away_belong() -> None:
    ledger, _member = _away(date(2021, 1, 1))
    mobile = changed(
        ledger, "branches", lambda b: update(b, branch_type="mobile") if b.id == EAST else b
    )
    assert run(mobile, "branch.members_away").findings == ()


# =================================================================================================
# What each finding says (subject, severity, numbers, message and fix, written out), and the
# edges mutation testing showed untested (scripts/mutation.py, target branches)
# =================================================================================================

SOURCE_2018 = "中国共产党支部工作条例（试行）第十五条"  # the 3-year term's source


def _said(report: object, branch: str | None = None) -> list[tuple[object, ...]]:
    """Each finding (of ``branch``, or all): subject, reason, severity, expected, actual, its
    message and its fix in both languages, and its evidence."""
    return [
        (
            f"{f.subject.kind}:{f.subject.id}",
            f.reason,
            f.severity,
            f.expected,
            f.actual,
            f.message.zh,
            f.message.en,
            f.fix.zh if f.fix else None,
            f.fix.en if f.fix else None,
            f.evidence,
        )
        for f in report.findings  # type: ignore[attr-defined]
        if branch is None or f.subject.id == branch
    ]


def test_what_a_branch_short_of_full_members_says() -> None:
    report = run(_with_members(4, probationary=2), "branch.formation")
    assert _said(report) == [
        (
            "branches:b.east",
            "below_minimum",
            Severity.ERROR,
            3,
            2,
            "支部“东城社区党支部”正式党员 2 名，少于成立所需 3 名",
            "branch '东城社区党支部' has 2 full member(s); 3 are needed (probationary members "
            "do not count)",
            "补充正式党员至 3 名以上，或与邻近单位组建联合党支部",
            "bring it to 3 full members, or merge into a joint branch with neighbouring units",
            (),
        )
    ]


def test_what_a_branch_over_fifty_says() -> None:
    assert _said(run(_with_members(51), "branch.formation")) == [
        (
            "branches:b.east",
            "above_maximum",
            Severity.WARNING,
            50,
            51,
            "支部“东城社区党支部”有党员 51 名，一般不超过 50 名",
            "branch '东城社区党支部' has 51 members; generally at most 50",
            "考虑分设支部或成立党总支",
            "consider splitting it or forming a general branch",
            (),
        )
    ]


def test_what_a_joint_branch_too_wide_says() -> None:
    assert _said(run(_joint(6), "branch.formation")) == [
        (
            "branches:b.east",
            "joint_too_wide",
            Severity.WARNING,
            5,
            6,
            "联合党支部覆盖 6 个单位，一般不超过 5 个",
            "joint branch covers 6 units; generally at most 5",
            "按单位或居住地把联合党支部分设为几个支部，或报上级党组织同意后保留",
            "split the joint branch by unit or by where members live, or keep it with the "
            "higher party organization's approval",
            (),
        )
    ]


def test_what_a_missing_committee_says() -> None:
    assert _said(run(_with_members(7), "branch.committee_required")) == [
        (
            "branches:b.east",
            "committee_missing",
            Severity.ERROR,
            7,
            7,
            "支部“东城社区党支部”正式党员 7 名（≥7），应设立支部委员会",
            "branch '东城社区党支部' has 7 full members (≥ 7) and needs a branch committee",
            "召开党员大会选举支部委员会",
            "elect a branch committee at a general meeting",
            (),
        )
    ]


def _committee(size: int) -> Ledger:
    """b.team (nine full members, c000-c008) with a committee of ``size``, its secretary c000
    first."""
    members = [f"c{n:03d}" for n in range(size)]
    return changed(
        BASE, "branches", lambda b: update(b, committee_ids=members) if b.id == TEAM else b
    )


@pytest.mark.parametrize(
    ("size", "found"),
    [
        (2, [("committee_size", "3-5", 2)]),  # below 3
        (3, []),
        (5, []),
        (6, [("committee_large", "3-5", 6)]),  # above the usual 5, within 7: an info
        (7, [("committee_large", "3-5", 7)]),
        (8, [("committee_size", "3-5", 8)]),  # above 7
    ],
)
def test_a_committee_of_three_to_five_at_most_seven(size: int, found: list[object]) -> None:
    """REGULATIONS.md: "committee size: 3-5, generally ≤ 7"."""
    assert _of(run(_committee(size), "branch.committee_size"), TEAM) == found


def test_what_a_committee_of_the_wrong_size_says() -> None:
    assert _said(run(_committee(2), "branch.committee_size")) == [
        (
            "branches:b.team",
            "committee_size",
            Severity.ERROR,
            "3-5",
            2,
            "支部委员会 2 人，应为 3至5 人、一般不超过 7 人",
            "the committee has 2 member(s); it should have 3 to 5, generally at most 7",
            "召开党员大会增补或调整支部委员，使委员会为 3至5 人",
            "elect or stand down committee members at a general meeting to bring it to 3 to 5",
            (),
        )
    ]
    assert _said(run(_committee(6), "branch.committee_size")) == [
        (
            "branches:b.team",
            "committee_large",
            Severity.INFO,
            "3-5",
            6,
            "支部委员会 6 人，通常为 3至5 人",
            "the committee has 6 members; usually 3 to 5",
            "下次换届时将委员会调整为 3至5 人",
            "at the next election, bring the committee to 3 to 5",
            (),
        )
    ]


def test_what_a_committee_not_required_says() -> None:
    ledger = changed(
        BASE,
        "branches",
        lambda b: update(b, committee_ids=["c009", "c010", "c011"]) if b.id == EAST else b,
    )
    assert _said(run(ledger, "branch.committee_size"), EAST) == [
        (
            "branches:b.east",
            "committee_not_required",
            Severity.INFO,
            7,
            4,
            "正式党员不足 7 名的支部一般不设委员会，设书记（必要时副书记）",
            "a branch of fewer than 7 full members usually has a secretary (and a deputy if "
            "needed), not a committee",
            "下次换届时只选书记（必要时选副书记），不再设委员会",
            "at the next election, elect a secretary (and a deputy if needed) instead of a "
            "committee",
            (),
        )
    ]


def test_what_the_secretary_findings_say() -> None:
    none = changed(BASE, "branches", lambda b: update(b, secretary_id=None) if b.id == EAST else b)
    assert _said(run(none, "branch.secretary")) == [
        (
            "branches:b.east",
            "no_secretary",
            Severity.ERROR,
            None,
            None,
            "支部“东城社区党支部”未配备书记",
            "branch '东城社区党支部' has no secretary",
            "选举产生支部书记并录入",
            "elect a secretary and record them",
            (),
        )
    ]
    # 吴明玉 (c009), b.east's secretary: 76 on the day judged, then dead
    assert _said(run(_secretary_born(date(1946, 6, 15)), "branch.secretary")) == [
        (
            "branches:b.east",
            "secretary_age",
            Severity.WARNING,
            75,
            76,
            "支部书记 吴明玉 76 岁，一般不超过 75 岁",
            "secretary 吴明玉 is 76; generally at most 75",
            "在支部委员中物色年纪较轻、身体较好的同志，下次选举时考虑接任书记",
            "look among the committee for a younger, healthier member to take over as "
            "secretary at the next election",
            (),
        )
    ]
    died = changed(
        BASE, "cadres", lambda c: update(c, deceased=date(2022, 9, 1)) if c.id == "c009" else c
    )
    assert _said(run(died, "branch.secretary")) == [
        (
            "branches:b.east",
            "secretary_deceased",
            Severity.ERROR,
            None,
            None,
            "支部书记 吴明玉 已去世，须补选",
            "secretary 吴明玉 has died; elect a new one",
            "召开支部党员大会补选书记，并在 branches.yaml 中改写 secretary_id",
            "hold a general meeting to elect a new secretary, and set secretary_id in "
            "branches.yaml",
            (),
        )
    ]


WHICH_2019 = (
    f"2019-03-01 选举的支部委员会（书记），任期 3 年（{SOURCE_2018}）",
    f"the committee (or secretary) elected on 2019-03-01, a 3-year term ({SOURCE_2018})",
)


def test_what_an_expired_term_says() -> None:
    report = run(_elected(date(2019, 3, 1)), "branch.term", as_of=date(2022, 3, 2))
    assert _said(report, TEAM) == [
        (
            "branches:b.team",
            "term_expired",
            Severity.ERROR,
            "2022-03-01",
            "2022-03-02",
            f"{WHICH_2019[0]}，已于 2022-03-01 届满，应按期换届",
            f"{WHICH_2019[1]} ended on 2022-03-01; an election is overdue",
            "召开党员大会换届选举；确需延期的须经上级批准（最长 1 年）",
            "hold the election; an extension needs approval and is at most 1 year(s)",
            (),  # elected on a date recorded in branches.yaml, not by an activity
        )
    ]
    occurrences = [
        (o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
        if o.subject.id == TEAM
    ]
    assert occurrences == [
        ("2022", date(2022, 3, 1), "overdue", None, None, Text(*WHICH_2019)),
    ]


def test_what_an_election_due_says() -> None:
    report = run(_elected(date(2019, 3, 1)), "branch.term", as_of=date(2022, 2, 28))
    assert _said(report, TEAM) == [
        (
            "branches:b.team",
            "election_due",
            Severity.WARNING,
            "2022-03-01",
            None,
            f"{WHICH_2019[0]}，将于 2022-03-01 届满，请准备换届",
            f"{WHICH_2019[1]} ends on 2022-03-01: prepare the election",
            "在 2022-03-01 前召开党员大会换届选举，并记录一条 election 活动",
            "hold the general meeting's election before 2022-03-01 and record it as an "
            "election activity",
            (),
        )
    ]
    occurrences = [
        (o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
        if o.subject.id == TEAM
    ]
    assert occurrences == [("2022", date(2022, 3, 1), "pending", None, None, Text(*WHICH_2019))]


def _elected_by_activity(day: date, *later: date) -> Ledger:
    """b.team with no ``committee_elected``, elected by an ``election`` activity on ``day`` (id
    ``elect``) and re-elected on each of ``later`` (ids ``elect.<date>``)."""
    from cadrecore.models import Activity

    ledger = changed(
        BASE,
        "branches",
        lambda b: update(b, committee_elected=None if b.id == TEAM else date(2022, 12, 1)),
    )
    held = [Activity(id="elect", activity_kind="election", date=day, branch_id=TEAM)]
    held += [
        Activity(id=f"elect.{d}", activity_kind="election", date=d, branch_id=TEAM) for d in later
    ]
    return ledger.replace(activities=(*ledger.activities, *held))


def test_an_expired_term_points_at_the_election_that_began_it() -> None:
    report = run(_elected_by_activity(date(2019, 3, 1)), "branch.term", as_of=date(2022, 3, 1))
    assert [(f.reason, f.evidence) for f in report.findings if f.subject.id == TEAM] == [
        ("term_expired", ("elect",))
    ]
    report = run(_elected_by_activity(date(2019, 3, 1)), "branch.term", as_of=date(2022, 2, 1))
    assert [(f.reason, f.evidence) for f in report.findings if f.subject.id == TEAM] == [
        ("election_due", ("elect",))
    ]


def test_what_a_late_election_says() -> None:
    ledger = _elected_by_activity(date(2019, 3, 1), date(2022, 3, 2))
    report = run(ledger, "branch.term", as_of=JUDGED)
    assert _said(report, TEAM) == [
        (
            "branches:b.team",
            "elected_late",
            Severity.WARNING,
            "2022-03-01",
            "2022-03-02",
            f"{WHICH_2019[0]}于 2022-03-01 届满，2022-03-02 才换届，逾期 1 天",
            f"{WHICH_2019[1]} ended on 2022-03-01; the next was elected on 2022-03-02, 1 "
            "day(s) late",
            None,
            None,
            ("elect.2022-03-02",),
        )
    ]
    # the late committee's occurrence, and the one elected on 2 March 2022 (3 years then, from
    # 2018; ends 2025-03-02), pending
    which_2022 = Text(
        f"2022-03-02 选举的支部委员会（书记），任期 3 年（{SOURCE_2018}）",
        f"the committee (or secretary) elected on 2022-03-02, a 3-year term ({SOURCE_2018})",
    )
    occurrences = [
        (o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
        if o.subject.id == TEAM
    ]
    assert occurrences == [
        ("2022", date(2022, 3, 1), "late", "elect.2022-03-02", date(2022, 3, 2), Text(*WHICH_2019)),
        ("2022", date(2025, 3, 2), "pending", None, None, which_2022),
    ]


def test_a_committee_under_the_five_year_term_is_described_in_each_language() -> None:
    """The 5-year term (from 2022-10-22) has a source in each language: each message says
    its own, whatever the run's language."""
    from cadrecore.i18n import set_lang

    for lang in ("zh", "en"):
        set_lang(lang)  # type: ignore[arg-type]
        try:
            report = run(_elected(date(2022, 11, 1)), "branch.term", as_of=JUDGED)
        finally:
            set_lang(None)
        (note,) = [o.note for o in report.occurrences if o.subject.id == TEAM]
        assert note == Text(
            "2022-11-01 选举的支部委员会（书记），任期 5 年（党章（二十大修正）：党的基层委员会每届"
            "任期五年（支部的相应表述尚未在正式文件中找到））",
            "the committee (or secretary) elected on 2022-11-01, a 5-year term (党章 (the Party "
            "Constitution, 20th Congress revision): basic-level committees serve five years; "
            "wording for branches not yet found in an official text)",
        ), lang


def test_what_a_missing_election_date_says() -> None:
    """No election known on the day judged: said one way when none is recorded at all, another
    when those recorded are all later (a ``committee_elected`` or an election activity after
    the day judged)."""
    never = changed(
        BASE, "branches", lambda b: update(b, committee_elected=None) if b.id == TEAM else b
    )
    fix = (
        "在 activities.csv 中登记换届选举（election），或在 branches.yaml 中补录 committee_elected",
        "record the election (an `election` activity in activities.csv), or committee_elected "
        "in branches.yaml",
    )
    not_recorded = (
        "未记录本届支部委员会（书记）选举日期，无法判断换届",
        "the date the current committee (or secretary) was elected is not recorded",
    )
    later = (
        "未记录 2022-12-31 在任的支部委员会（书记）的选举日期（已记录的选举均在其后），无法判断换届",
        "the election of the committee (or secretary) in office on 2022-12-31 is not recorded "
        "(the elections recorded are all later)",
    )

    def said(ledger: Ledger) -> list[tuple[object, ...]]:
        return _said(run(ledger, "branch.term", as_of=JUDGED), TEAM)

    # (b.team holds its general meetings and lectures: activities, none of them an election)
    assert said(never) == [
        (
            "branches:b.team",
            "election_date_missing",
            Severity.WARNING,
            None,
            None,
            *not_recorded,
            *fix,
            (),
        )
    ]
    elected_later = changed(
        BASE,
        "branches",
        lambda b: update(b, committee_elected=date(2023, 1, 5)) if b.id == TEAM else b,
    )
    assert [s[5:7] for s in said(elected_later)] == [later]
    by_activity_later = _elected_by_activity(date(2023, 1, 5))
    assert [s[5:7] for s in said(by_activity_later)] == [later]


def test_an_election_on_the_day_judged_is_known_that_day() -> None:
    """An election activity or ``committee_elected`` dated on the day judged is known then (the
    new committee in office, its term pending)."""
    report = run(_elected_by_activity(date(2019, 3, 1), JUDGED), "branch.term", as_of=JUDGED)
    assert [f.reason for f in report.findings if f.subject.id == TEAM] == ["elected_late"]
    assert [o.status for o in report.occurrences if o.subject.id == TEAM] == ["late", "pending"]
    on_the_day = _elected(JUDGED)
    report = run(on_the_day, "branch.term", as_of=JUDGED)
    assert [(o.due, o.status) for o in report.occurrences if o.subject.id == TEAM] == [
        (date(2027, 12, 31), "pending")  # 5 years from 2022-10-22
    ]
    assert _of(report, TEAM) == []


def test_a_re_election_on_the_years_first_day_is_judged_in_that_year() -> None:
    """A committee elected on 1 June 2018 (3 years: ends 2021-06-01) re-elected on 1 January
    2022: late, and found in 2022, the year of the election (as one on 2 January is); 2021
    saw its term expire. The committees replaced before the year began are not judged."""
    for day in (date(2022, 1, 1), date(2022, 1, 2)):
        ledger = _elected_by_activity(date(2018, 6, 1), day)
        assert _of(run(ledger, "branch.term", as_of=JUDGED), TEAM) == [
            ("elected_late", "2021-06-01", day.isoformat())
        ]
        report = run(ledger, "branch.term", year=2021, as_of=date(2021, 12, 31))
        assert _of(report, TEAM) == [("term_expired", "2021-06-01", "2021-12-31")]
    # replaced on 31 December 2021: judged in 2021, not in 2022
    ledger = _elected_by_activity(date(2018, 6, 1), date(2021, 12, 31))
    assert _of(run(ledger, "branch.term", as_of=JUDGED), TEAM) == []


def test_a_term_read_as_a_decimal_number() -> None:
    """A ledger's own term of 4 read as 4.0 (a spreadsheet's number): four years all the same."""
    from cadrecore.models import ParameterOverride

    ledger = _elected(date(2019, 3, 1)).replace(
        parameters=(
            ParameterOverride(
                id="term",
                key="branch.term_years",
                value=4.0,
                effective_from=date(2018, 10, 28),
                source="本地文件",
            ),
        )
    )
    assert _terms(ledger, date(2023, 2, 28)) == [("election_due", "2023-03-01", None)]
    assert _terms(ledger, date(2023, 3, 1)) == [("term_expired", "2023-03-01", "2023-03-01")]


# --- a county's own values: each rule asks for the branch's county -----------------------------


def _own(key: str, value: object, unit: str = "east") -> object:
    from cadrecore.models import ParameterOverride

    return ParameterOverride(
        id=f"{unit}.{key}",
        key=key,
        value=value,
        effective_from=date(2018, 1, 1),
        unit_id=unit,
        source="东县组发〔2018〕1号",
    )


def _away_in_east(since: date) -> Ledger:
    return _away(since)[0]


@pytest.mark.parametrize(
    ("rule", "key", "value", "ledger", "as_of", "branch", "default", "own"),
    [
        ("branch.formation", "branch.min_full_members", 5, BASE, JUDGED, EAST, [], [("below_minimum", 5, 4)]),
        ("branch.formation", "branch.max_members", 3, BASE, JUDGED, EAST, [], [("above_maximum", 3, 4)]),
        ("branch.formation", "branch.joint_max_units", 1, None, JUDGED, EAST, [], [("joint_too_wide", 1, 2)]),
        ("branch.committee_required", "branch.committee_required_from", 4, BASE, JUDGED, EAST, [], [("committee_missing", 4, 4)]),
        ("branch.committee_size", "branch.committee_min_size", 4, BASE, JUDGED, TEAM, [], [("committee_size", "4-5", 3)]),
        ("branch.committee_size", "branch.committee_usual_max_size", 4, "committee5", JUDGED, TEAM, [], [("committee_large", "3-4", 5)]),
        ("branch.committee_size", "branch.committee_max_size", 4, "committee5", JUDGED, TEAM, [], [("committee_size", "3-5", 5)]),
        ("branch.committee_size", "branch.committee_required_from", 10, BASE, JUDGED, TEAM, [], [("committee_not_required", 10, 9)]),
        ("branch.secretary", "branch.secretary_max_age", 70, BASE, JUDGED, EAST, [], [("secretary_age", 70, 71)]),
        ("branch.term", "branch.election_warning_days", 120, "elected2019", date(2021, 11, 15), TEAM, [], [("election_due", "2022-03-01", None)]),
        ("branch.term", "branch.term_years", 4, "elected2019", date(2022, 3, 1), TEAM, [("term_expired", "2022-03-01", "2022-03-01")], []),
        ("branch.term", "branch.village_community_types", ["community", "team"], "elected2019", date(2022, 3, 1), TEAM, [("term_expired", "2022-03-01", "2022-03-01")], []),
        ("branch.term", "branch.term_years_village_community", 4, "east2018", date(2022, 3, 1), EAST, [], [("term_expired", "2022-03-01", "2022-03-01")]),
        ("branch.members_away", "branch.away_months", 3, "away", date(2022, 9, 1), None, [], [("away_member", 3, None)]),
    ],
)  # fmt: skip
def test_a_countys_own_value_holds_for_its_branches(
    rule: str,
    key: str,
    value: object,
    ledger: object,
    as_of: date,
    branch: str | None,
    default: list[object],
    own: list[object],
) -> None:
    """docs/rules.md: a ledger's value "for one unit and the units below it (a county's own
    target)". Each rule asks for the value of the branch's county (east); west's own value
    leaves east's branches alone."""
    built: Ledger
    if ledger is None:
        built = _joint(2)
    elif ledger == "committee5":
        built = _committee(5)
    elif ledger == "elected2019":
        built = _elected(date(2019, 3, 1))
    elif ledger == "east2018":
        built = _elected(date(2018, 3, 1), EAST)
    elif ledger == "away":
        built = _away_in_east(date(2022, 6, 1))
    else:
        built = ledger  # type: ignore[assignment]

    def found(parameters: tuple[object, ...]) -> list[tuple[str, object, object]]:
        report = run(built.replace(parameters=parameters), rule, as_of=as_of, year=as_of.year)
        return [
            (f.reason, f.expected, f.actual)
            for f in report.findings
            if branch is None or f.subject.id == branch
        ]

    assert found(()) == default
    assert found((_own(key, value, "west"),)) == default
    assert found((_own(key, value),)) == own


def test_the_extension_allowed_as_it_stood_on_the_election_day() -> None:
    """The fix of an expired term says the longest extension in force when the committee was
    elected (1 year in 2019), not a later county value (2 years from 2021)."""
    from cadrecore.models import ParameterOverride

    later = ParameterOverride(
        id="ext",
        key="branch.term_extension_max_years",
        value=2,
        effective_from=date(2021, 1, 1),
        unit_id="east",
        source="东县组发〔2021〕1号",
    )
    ledger = _elected(date(2019, 3, 1)).replace(parameters=(later,))
    report = run(ledger, "branch.term", as_of=date(2022, 3, 2))
    (fix,) = [f.fix for f in report.findings if f.subject.id == TEAM]
    assert fix is not None and fix.zh == "召开党员大会换届选举；确需延期的须经上级批准（最长 1 年）"
    ledger = _elected(date(2021, 3, 1)).replace(parameters=(later,))
    report = run(ledger, "branch.term", as_of=date(2024, 3, 2), year=2024)
    (fix,) = [f.fix for f in report.findings if f.subject.id == TEAM]
    assert fix is not None and fix.en.endswith("is at most 2 year(s)")


def test_the_branch_types_with_the_village_term_as_they_stood_on_the_election_day() -> None:
    """Team branches given the village and community term from 2021 (a ledger's own list): a
    team branch elected in 2019 still serves the 3 years then in force."""
    from cadrecore.models import ParameterOverride

    from_2021 = ParameterOverride(
        id="types",
        key="branch.village_community_types",
        value=["community", "rural", "team"],
        effective_from=date(2021, 1, 1),
        source="本地文件",
    )
    ledger = _elected(date(2019, 3, 1)).replace(parameters=(from_2021,))
    assert _terms(ledger, date(2022, 3, 1)) == [("term_expired", "2022-03-01", "2022-03-01")]


# --- a branch not formed yet, listed first; a branch with no members -------------------------

NEW = "b.new"


def _with_branch(
    ledger: Ledger, branch: object, ids: list[str], since: date, away: bool = False
) -> Ledger:
    """``ledger`` with ``branch`` listed first and new cadres ``ids`` (born 1940: 82 in 2022,
    living away since 2020 if ``away``) its members from ``since``."""
    template = BASE.cadre("c012")
    extra = {"living_away": True, "away_since": date(2020, 1, 1)} if away else {}
    cadres = [
        update(template, id=i, name=f"新党员{i}", birth_date=date(1940, 1, 1), **extra) for i in ids
    ]
    joined = [Membership(cadre_id=i, branch_id=branch.id, since=since) for i in ids]  # type: ignore[attr-defined]
    return ledger.replace(
        branches=(branch, *ledger.branches),
        cadres=(*ledger.cadres, *cadres),
        memberships=(*ledger.memberships, *joined),
    )


def _not_formed_first(ledger: Ledger) -> Ledger:
    """``ledger`` with a branch formed after the day judged (2023), listed before the others:
    its secretary 82 and away since 2020, a committee of one, none elected; none of it is
    judged in 2022."""
    new = update(
        BASE.branch(EAST),
        id=NEW,
        name="新成立党支部",
        formed=date(2023, 1, 1),
        secretary_id="n1",
        committee_ids=("n1",),
        committee_elected=None,
    )
    return _with_branch(ledger, new, ["n1"], date(2022, 1, 1), away=True)


@pytest.mark.parametrize(
    ("rule", "ledger", "found"),
    [
        ("branch.formation", "short", [("below_minimum", 3, 2)]),
        ("branch.committee_required", "seven", [("committee_missing", 7, 7)]),
        ("branch.committee_size", "committee2", [("committee_size", "3-5", 2)]),
        ("branch.secretary", "old", [("secretary_age", 75, 76)]),
        ("branch.term", "expired", [("term_expired", "2022-03-01", "2022-12-31")]),
        ("branch.members_away", "away", [("away_member", 6, None)]),
    ],
)
def test_a_branch_not_formed_yet_is_not_judged_and_the_rest_are(
    rule: str, ledger: str, found: list[object]
) -> None:
    built = {
        "short": lambda: _with_members(4, probationary=2),
        "seven": lambda: _with_members(7),
        "committee2": lambda: _committee(2),
        "old": lambda: _secretary_born(date(1946, 6, 15)),
        "expired": lambda: _elected(date(2019, 3, 1)),
        "away": lambda: _away_in_east(date(2022, 1, 1)),
    }[ledger]()
    report = run(_not_formed_first(built), rule, as_of=JUDGED)
    assert [f.subject.id for f in report.findings if f.subject.id == NEW] == []
    assert [(f.reason, f.expected, f.actual) for f in report.findings] == found


def test_a_branch_with_no_members() -> None:
    """A branch whose members (its secretary and committee too) join only after the day
    judged: on that day it has none, short of full members (0 of 3), with a committee it does
    not need; no committee required, nobody away."""
    empty = update(
        BASE.branch("b.west"),
        id="b.empty",
        name="空党支部",
        secretary_id="e1",
        committee_ids=("e1", "e2", "e3"),
        committee_elected=date(2022, 1, 1),
    )
    ledger = _with_branch(BASE, empty, ["e1", "e2", "e3"], date(2023, 1, 1))
    expected = {
        "branch.formation": [("below_minimum", 3, 0)],
        "branch.committee_required": [],
        "branch.committee_size": [("committee_not_required", 7, 0)],
        "branch.members_away": [],
    }
    for rule, found in expected.items():
        assert _of(run(ledger, rule), "b.empty") == found, rule


def test_a_branch_with_no_membership_record() -> None:
    """A branch on the books with no member, secretary or committee recorded at all: 0 full
    members of 3; no committee required; nobody away. Listed first, it leaves the others
    judged."""
    bare = update(BASE.branch("b.west"), id="b.bare", name="无成员党支部", secretary_id=None)
    ledger = _with_members(4, probationary=2)
    ledger = ledger.replace(branches=(bare, *ledger.branches))
    assert _of(run(ledger, "branch.formation"), "b.bare") == [("below_minimum", 3, 0)]
    assert _of(run(ledger, "branch.formation")) == [("below_minimum", 3, 2)]
    assert _of(run(ledger, "branch.committee_required"), "b.bare") == []
    away = _away_in_east(date(2022, 1, 1))
    away = away.replace(branches=(bare, *away.branches))
    assert [f.reason for f in run(away, "branch.members_away").findings] == ["away_member"]


def test_a_branch_without_a_secretary_listed_first_leaves_the_others_judged() -> None:
    ledger = _secretary_born(date(1946, 6, 15))
    none = update(ledger.branch("b.west"), secretary_id=None)
    ledger = ledger.replace(branches=(none, *(b for b in ledger.branches if b.id != "b.west")))
    assert reasons(run(ledger, "branch.secretary").findings) == [
        ("no_secretary", "branches", "b.west"),
        ("secretary_age", "branches", EAST),
    ]


def test_a_branch_without_a_secretary_has_no_term_finding() -> None:
    """One gap, one finding: a branch with no secretary is ``no_secretary`` (branch.secretary),
    not also a committee whose election date is missing."""
    ledger = changed(
        BASE,
        "branches",
        lambda b: update(b, secretary_id=None, committee_elected=None) if b.id == EAST else b,
    )
    assert _of(run(ledger, "branch.term"), EAST) == []


def test_what_a_member_away_says() -> None:
    ledger, member = _away(date(2022, 1, 1))
    name = ledger.cadre(member).name
    assert _said(run(ledger, "branch.members_away")) == [
        (
            f"cadres:{member}",
            "away_member",
            Severity.INFO,
            6,
            None,
            f"{name} 异地居住已满 6 个月，应就地参加组织生活或编入流动支部",
            f"{name} has lived away for 6+ months: take part where they live, or join a mobile "
            "branch",
            "与本人联系，安排其在居住地参加组织生活，或编入流动党支部（memberships.csv）",
            "get in touch and arrange for them to take part where they live, or move them to a "
            "mobile branch (memberships.csv)",
            (),
        )
    ]
