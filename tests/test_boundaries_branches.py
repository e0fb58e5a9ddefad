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
