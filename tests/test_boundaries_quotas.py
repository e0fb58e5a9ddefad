"""Staffing quotas at their edges: at the approved number, one below, one above; an
establishment on its first and last day; an appointment judged by the day before it.

The expected outcomes come from REGULATIONS.md, "Staffing (机构编制)":

- "Since 2014-01, no over-quota staffing (超职数配备): occupied ≤ approved for every post
  kind" — so a unit exactly at its establishment is within it, one more is over;
- "while a unit is over, no new appointment to that kind is allowed (exceptions: demobilized
  officers, institutional reform, elections)" — the unit's state when the appointment is made,
  before the newcomer arrives: the day before the appointment starts;
- "kinds are never mixed" and the sub-units' allocations fit within the parent's own
  (DOMAIN.md §6: "people assigned may not exceed them").

An establishment (编制) and leadership posts hold from ``effective_from`` to ``effective_to``,
both days included (``Establishment.holds_on``); a person holds a place from ``start`` until
the day before ``end``.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore import Ledger
from cadrecore.i18n import Text
from cadrecore.models import Assignment, Establishment, LeadershipPost, Unit
from cadrecore.rules import Report, Severity
from cadrecore.sample import small_ledger

from .rules_helpers import reasons, run

BASE = small_ledger(2022)
# The sample's units: the city's bureau (city.vcb, an organ) and the county's (east.vcb), east
# the county's government. The establishments and assignments below replace the sample's.
APPOINTED = date(2022, 5, 1)
JUDGED = date(2022, 12, 31)


def _est(
    unit: str,
    approved: int,
    *,
    since: date = date(2017, 1, 1),
    until: date | None = None,
    part_of_parent: bool = False,
    id: str | None = None,
) -> Establishment:
    return Establishment(
        id=id or f"est.{unit}.{approved}.{since}",
        unit_id=unit,
        kind="administrative",
        approved=approved,
        effective_from=since,
        effective_to=until,
        part_of_parent=part_of_parent,
    )


def _staff(
    count: int,
    unit: str = "east.vcb",
    *,
    start: date = date(2015, 1, 1),
    end: date | None = None,
    prefix: str = "old",
    **extra: object,
) -> list[Assignment]:
    return [
        Assignment.model_validate(
            {
                "id": f"{prefix}{n}",
                "staff_id": "s2",
                "unit_id": unit,
                "establishment_kind": "administrative",
                "start": start,
                "end": end,
                **extra,
            }
        )
        for n in range(count)
    ]


def _ledger(
    establishments: list[Establishment],
    assignments: list[Assignment],
    posts: list[LeadershipPost] | None = None,
) -> Ledger:
    return BASE.replace(
        establishments=tuple(establishments),
        assignments=tuple(assignments),
        leadership_posts=tuple(posts or ()),
    )


def _findings(report: Report) -> list[tuple[str, object, object]]:
    return [(f.reason, f.expected, f.actual) for f in report.findings]


# --- over establishment: occupied > approved -------------------------------------------------


@pytest.mark.parametrize(
    ("occupied", "found"),
    [
        (1, []),  # one below
        (2, []),  # at the establishment: within it (occupied ≤ approved)
        (3, [("over_establishment", 2, 3)]),  # one above
    ],
)
def test_a_unit_at_its_establishment_is_not_over(occupied: int, found: list[object]) -> None:
    ledger = _ledger([_est("east.vcb", 2)], _staff(occupied))
    report = run(ledger, "quota.establishment", as_of=JUDGED)
    assert _findings(report) == found
    (use,) = [m for m in report.measures if m.name == "establishment_use"]
    assert (use.subject.id, use.numerator, use.denominator) == (
        "east.vcb:administrative",
        occupied,
        2,
    )


def test_establishments_of_a_unit_add_up() -> None:
    ledger = _ledger([_est("east.vcb", 2), _est("east.vcb", 1, id="more")], _staff(3))
    assert _findings(run(ledger, "quota.establishment")) == []


def test_staff_with_no_establishment_at_all_are_over() -> None:
    report = run(_ledger([], _staff(1)), "quota.establishment")
    assert _findings(report) == [("over_establishment", 0, 1)]


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2022, 6, 29), []),
        (date(2022, 6, 30), []),  # the old establishment's last day: it still holds (2 approved)
        (date(2022, 7, 1), [("over_establishment", 1, 2)]),  # the new one's first day: 1 approved
        (date(2022, 12, 31), [("over_establishment", 1, 2)]),
    ],
)
def test_an_establishment_that_expires(as_of: date, found: list[object]) -> None:
    """An establishment reduced on 1 July: 2 approved to 30 June, 1 from 1 July (an establishment
    holds on both its first and its last day)."""
    old = _est("east.vcb", 2, until=date(2022, 6, 30))
    new = _est("east.vcb", 1, since=date(2022, 7, 1))
    report = run(_ledger([old, new], _staff(2)), "quota.establishment", as_of=as_of)
    assert _findings(report) == found


def test_an_establishment_not_yet_in_force_does_not_count() -> None:
    later = _est("east.vcb", 5, since=date(2022, 7, 1))
    ledger = _ledger([_est("east.vcb", 1), later], _staff(2))
    assert _findings(run(ledger, "quota.establishment", as_of=date(2022, 6, 30))) == [
        ("over_establishment", 1, 2)
    ]
    assert _findings(run(ledger, "quota.establishment", as_of=date(2022, 7, 1))) == []


@pytest.mark.parametrize(
    ("end", "found"),
    [
        (date(2022, 12, 31), [("over_establishment", 2, 3)]),  # leaves on the 31st: gone then
        (date(2023, 1, 1), [("over_establishment", 2, 3)]),  # holds the place on the 31st
    ],
)
def test_a_person_holds_a_place_until_the_day_before_the_end(
    end: date, found: list[object]
) -> None:
    leaving = _staff(1, end=end, prefix="leaving")
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(2), *leaving])
    on_the_day = run(ledger, "quota.establishment", as_of=date(2022, 12, 31))
    if end == date(2022, 12, 31):
        assert _findings(on_the_day) == []
        assert _findings(run(ledger, "quota.establishment", as_of=date(2022, 12, 30))) == found
    else:
        assert _findings(on_the_day) == found


def _public_institution(count: int, unit: str) -> list[Assignment]:
    return _staff(count, unit=unit, prefix="pi", establishment_kind="public_institution")


def test_public_institution_posts_in_an_organ_are_one_error() -> None:
    report = run(
        _ledger([_est("city.vcb", 3)], _public_institution(1, "city.vcb")), "quota.establishment"
    )
    assert _findings(report) == [("kind_mixed", 0, 1)]  # not a second over_establishment


@pytest.mark.parametrize(
    ("occupied", "found"), [(1, []), (2, []), (3, [("over_establishment", 2, 3)])]
)
def test_public_institution_posts_in_a_public_institution(
    occupied: int, found: list[object]
) -> None:
    """A public institution (事业单位) may use its own public-institution establishment: judged
    against it as any other kind, never as mixed."""
    centre = Unit(
        id="east.centre",
        name="东县老干部活动中心",
        level="county",
        kind="public_institution",
        parent_id="east",
    )
    approved = Establishment(
        id="est.centre",
        unit_id="east.centre",
        kind="public_institution",
        approved=2,
        effective_from=date(2017, 1, 1),
    )
    ledger = BASE.replace(
        units=(*BASE.units, centre),
        establishments=(approved,),
        assignments=tuple(_public_institution(occupied, "east.centre")),
    )
    assert _findings(run(ledger, "quota.establishment")) == found


# --- sub-units within the parent: total > own -------------------------------------------------


@pytest.mark.parametrize(
    ("allocated", "found"),
    [
        (1, []),
        (2, []),  # the sub-units hold exactly the parent's own: within it
        (3, [("sub_units_exceed_parent", 2, 3)]),
    ],
)
def test_sub_units_at_the_parents_number(allocated: int, found: list[object]) -> None:
    inner = _est("east.vcb", allocated, part_of_parent=True)
    own = _est("east", 2)
    report = run(_ledger([inner, own], []), "quota.sub_units_within_parent")
    assert _findings(report) == found


def test_sub_units_count_only_allocations_in_force() -> None:
    expired = _est("east.vcb", 2, until=date(2021, 12, 31), part_of_parent=True, id="gone")
    current = _est("east.vcb", 2, since=date(2022, 1, 1), part_of_parent=True, id="now")
    own = _est("east", 2)
    assert (
        _findings(run(_ledger([expired, current, own], []), "quota.sub_units_within_parent")) == []
    )
    # the parent's own, expired, leaves none
    own_gone = _est("east", 2, until=date(2021, 12, 31))
    report = run(_ledger([current, own_gone], []), "quota.sub_units_within_parent")
    assert _findings(report) == [("sub_units_exceed_parent", 0, 2)]


def test_a_sub_units_own_establishment_is_not_the_parents() -> None:
    """Only allocations marked part of the parent count against it."""
    inner = _est("east.vcb", 5)  # the bureau's own, not carved out of the county's
    assert (
        _findings(run(_ledger([inner, _est("east", 2)], []), "quota.sub_units_within_parent")) == []
    )


# --- no appointment while over: judged the day before ----------------------------------------


def _appointment(**extra: object) -> Assignment:
    return Assignment.model_validate(
        {
            "id": "new",
            "staff_id": "s1",
            "unit_id": "east.vcb",
            "establishment_kind": "administrative",
            "start": APPOINTED,
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("before", "found"),
    [
        (1, []),
        (2, []),  # at the establishment the day before: not over, the appointment is allowed
        (3, [("appointed_while_over", 2, 3)]),  # over the day before
    ],
)
def test_an_appointment_while_at_or_over(before: int, found: list[object]) -> None:
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(before), _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over", as_of=JUDGED)) == found


def test_a_person_leaving_on_the_appointment_day_was_there_the_day_before() -> None:
    """Three on 30 April (over 2), one leaves on 1 May, the newcomer starts on 1 May: the unit
    was over when the appointment was made."""
    leaving = _staff(1, end=APPOINTED, prefix="leaving")
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(2), *leaving, _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == [
        ("appointed_while_over", 2, 3)
    ]


def test_a_person_who_left_the_day_before_makes_room() -> None:
    """The third left on 30 April (``end``: the place is held until 29 April): on 30 April the
    unit held 2 of 2, and the appointment of 1 May is allowed."""
    left = _staff(1, end=date(2022, 4, 30), prefix="left")
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(2), *left, _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == []


def test_two_appointed_on_the_same_day_into_a_full_unit() -> None:
    """Two start on the same day into a unit at 1 of 2: neither was made while over (the day
    before, 1 of 2); the establishment rule finds the unit over from that day."""
    other = _appointment(id="new2")
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(1), _appointment(), other])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == []
    assert _findings(run(ledger, "quota.establishment")) == [("over_establishment", 2, 3)]


def test_over_only_on_the_day_before() -> None:
    """One more arrived on 30 April: over on the day before the appointment, and so judged."""
    arrived = _staff(1, start=date(2022, 4, 30), prefix="arrived")
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(2), *arrived, _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == [
        ("appointed_while_over", 2, 3)
    ]


def test_an_establishment_reduced_on_the_appointment_day() -> None:
    """2 approved to 30 April, 1 from 1 May, 2 in place: on 30 April the unit was at its
    establishment, so the appointment itself was not made while over."""
    old = _est("east.vcb", 2, until=date(2022, 4, 30))
    new = _est("east.vcb", 1, since=APPOINTED)
    ledger = _ledger([old, new], [*_staff(2), _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == []
    # and reduced on 30 April: over the day before
    old = _est("east.vcb", 2, until=date(2022, 4, 29))
    new = _est("east.vcb", 1, since=date(2022, 4, 30))
    ledger = _ledger([old, new], [*_staff(2), _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == [
        ("appointed_while_over", 1, 2)
    ]


@pytest.mark.parametrize(
    ("basis", "found"),
    [
        ("ordinary", [("appointed_while_over", 2, 3)]),
        ("demobilized_officer", []),
        ("institutional_reform", []),
        ("election", []),
    ],
)
def test_the_exceptions(basis: str, found: list[object]) -> None:
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(3), _appointment(appointment_basis=basis)])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == found


@pytest.mark.parametrize(
    ("start", "found"),
    [
        (date(2013, 12, 31), []),  # before the 2014-01 rule
        (date(2014, 1, 1), [("appointed_while_over", 2, 3)]),  # the rule's first day
        (date(2014, 1, 2), [("appointed_while_over", 2, 3)]),
    ],
)
def test_the_rule_holds_from_2014(start: date, found: list[object]) -> None:
    old = _staff(3, start=date(2010, 1, 1))
    ledger = _ledger(
        [_est("east.vcb", 2, since=date(2010, 1, 1))], [*old, _appointment(start=start)]
    )
    report = run(ledger, "quota.no_appointment_while_over", year=start.year)
    assert _findings(report) == found


@pytest.mark.parametrize(
    ("as_of", "found"),
    [
        (date(2022, 4, 30), []),  # not made yet on the day judged
        (date(2022, 5, 1), [("appointed_while_over", 2, 3)]),  # made on the day judged
    ],
)
def test_an_appointment_is_judged_from_its_first_day(as_of: date, found: list[object]) -> None:
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(3), _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over", as_of=as_of)) == found


def test_an_appointment_of_another_year_is_not_judged_this_year() -> None:
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(3), _appointment(start=date(2021, 12, 31))])
    assert _findings(run(ledger, "quota.no_appointment_while_over", year=2022)) == []
    assert _findings(run(ledger, "quota.no_appointment_while_over", year=2021)) == [
        ("appointed_while_over", 2, 3)
    ]


def test_over_in_another_kind_or_unit_does_not_count() -> None:
    other_unit = _staff(5, unit="city.vcb", prefix="city")
    other_kind = [
        a.model_copy(update={"establishment_kind": "public_institution"})
        for a in _staff(3, prefix="pi")
    ]
    ledger = _ledger(
        [_est("east.vcb", 2), _est("city.vcb", 3)],
        [*_staff(2), *other_unit, *other_kind, _appointment()],
    )
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == []


# --- leadership posts: occupied > approved; no promotion while over ------------------------------


def _posts(approved: int, grade: str | None = None) -> LeadershipPost:
    return LeadershipPost(
        id=f"post.{grade}",
        unit_id="city.vcb",
        tier="division",
        grade=grade,
        approved=approved,
        effective_from=date(2017, 1, 1),
    )


def _leaders(count: int, grade: str = "deputy", prefix: str = "lead") -> list[Assignment]:
    return _staff(count, unit="city.vcb", prefix=prefix, tier="division", grade=grade)


@pytest.mark.parametrize(
    ("held", "found"),
    [
        (1, []),
        (2, []),  # at the approved number
        (3, [("over_posts", 2, 3)]),
    ],
)
def test_leadership_posts_at_their_number(held: int, found: list[object]) -> None:
    ledger = _ledger([_est("city.vcb", 9)], _leaders(held), [_posts(2)])
    report = run(ledger, "quota.leadership_posts")
    assert _findings(report) == found
    (use,) = [m for m in report.measures if m.name == "leadership_post_use"]
    assert (use.subject.id, use.numerator, use.denominator) == ("city.vcb:division", held, 2)


def test_leadership_posts_held_with_none_approved() -> None:
    report = run(_ledger([_est("city.vcb", 9)], _leaders(1)), "quota.leadership_posts")
    assert _findings(report) == [("over_posts", 0, 1)]


@pytest.mark.parametrize(
    ("deputies", "found"),
    [
        (1, []),
        (2, [("over_posts", 1, 2)]),  # the deputy grade over: its own error
    ],
)
def test_a_grade_at_and_over_its_number(deputies: int, found: list[object]) -> None:
    ledger = _ledger(
        [_est("city.vcb", 9)],
        _leaders(deputies),
        [_posts(1, "deputy"), _posts(1, "chief")],
    )
    assert _findings(run(ledger, "quota.leadership_posts")) == found


def test_a_tier_over_because_a_grade_is_over_is_one_gap() -> None:
    """Tier approved 2, the deputy grade 1; three deputies: the grade is over by 2 (its error),
    and the tier's total over by 1 is that same gap (an info finding pointing at the grade)."""
    ledger = _ledger([_est("city.vcb", 9)], _leaders(3), [_posts(2), _posts(1, "deputy")])
    report = run(ledger, "quota.leadership_posts")
    assert sorted(_findings(report), key=str) == sorted(
        [("over_posts", 1, 3), ("over_posts_by_grade", 2, 3)], key=str
    )
    assert [f.severity for f in report.findings if f.reason == "over_posts_by_grade"] == [
        Severity.INFO
    ]


@pytest.mark.parametrize(
    ("before", "found"),
    [
        (1, []),
        (2, []),  # at the number of posts the day before: the promotion is allowed
        (3, [("promoted_while_over", 2, 3)]),
    ],
)
def test_no_promotion_while_over_the_posts(before: int, found: list[object]) -> None:
    promoted = Assignment(
        id="new",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="administrative",
        tier="division",
        grade="deputy",
        start=APPOINTED,
        promotion=True,
    )
    ledger = _ledger([_est("city.vcb", 9)], [*_leaders(before), promoted], [_posts(2)])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == found


def test_a_promotion_where_no_posts_are_approved_is_found_by_the_posts_rule() -> None:
    promoted = Assignment(
        id="new",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="administrative",
        tier="division",
        start=APPOINTED,
    )
    ledger = _ledger([_est("city.vcb", 9)], [*_leaders(1), promoted])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == []
    assert reasons(run(ledger, "quota.leadership_posts").findings) == [
        ("over_posts", "units", "city.vcb")
    ]


# --- what each finding says: subject, numbers, fix (written out) -------------------------------


def _said(report: Report) -> list[tuple[str, str, str, str, bool]]:
    """Each finding's subject, its message in both languages, and whether it has a fix."""
    return [
        (
            f"{f.subject.kind}:{f.subject.id}",
            f.message.zh,
            f.message.en,
            f.reason,
            f.fix is not None,
        )
        for f in report.findings
    ]


def test_what_an_over_establishment_says() -> None:
    report = run(_ledger([_est("east.vcb", 2)], _staff(3)), "quota.establishment")
    assert _said(report) == [
        (
            "units:east.vcb",
            "东县老干部局行政编制核定 2 名，实有 3 名，超编 1 名",
            "东县老干部局: administrative establishment approved 2, occupied 3, 1 over",
            "over_establishment",
            True,
        )
    ]
    (use,) = report.measures
    assert (use.subject.kind, use.subject.id) == ("units", "east.vcb:administrative")


def test_what_mixed_kinds_say() -> None:
    report = run(
        _ledger([_est("city.vcb", 3)], _public_institution(2, "city.vcb")), "quota.establishment"
    )
    assert _said(report) == [
        (
            "units:city.vcb",
            "样例市委老干部局 为党政机关，不得使用事业编制（2 人）",
            "样例市委老干部局 is a party or government organ and may not use "
            "public-institution establishment (2 people)",
            "kind_mixed",
            True,
        )
    ]


def test_what_sub_units_over_the_parent_say() -> None:
    # two sub-units' allocations add up: 1 + 2 of the county's 2
    centre = Unit(id="east.centre", name="东县中心", level="county", kind="other", parent_id="east")
    inner = [
        _est("east.vcb", 1, part_of_parent=True),
        _est("east.centre", 2, part_of_parent=True),
    ]
    ledger = BASE.replace(
        units=(*BASE.units, centre),
        establishments=(*inner, _est("east", 2)),
        assignments=(),
        leadership_posts=(),
    )
    report = run(ledger, "quota.sub_units_within_parent")
    assert _said(report) == [
        (
            "units:east",
            "东县 内设机构占用行政编制 3 名，超过本单位核定 2 名",
            "东县: sub-units hold 3 posts of its administrative establishment, more than the 2 "
            "approved to it",
            "sub_units_exceed_parent",
            True,
        )
    ]
    fix = report.findings[0].fix
    assert fix is not None
    assert fix.zh == "核减内设机构的编制 1 名，或报机构编制部门增加 东县 的核定数"
    assert fix.en.startswith("take 1 posts from the sub-units, or have 东县's establishment")


def test_what_an_appointment_while_over_says() -> None:
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(3), _appointment()])
    assert _said(run(ledger, "quota.no_appointment_while_over")) == [
        (
            "assignments:new",
            "东县老干部局 超编期间（3/2）仍任用新人员",
            "东县老干部局 was over its establishment (3/2) when this appointment was made",
            "appointed_while_over",
            True,
        )
    ]


def test_an_appointment_into_a_unit_with_no_establishment() -> None:
    """No establishment approved: empty, the unit is not over (0 of 0); with one person in
    place it is (1 of 0)."""
    assert _findings(run(_ledger([], [_appointment()]), "quota.no_appointment_while_over")) == []
    report = run(_ledger([], [*_staff(1), _appointment()]), "quota.no_appointment_while_over")
    assert _findings(report) == [("appointed_while_over", 0, 1)]
    assert report.findings[0].message.en.startswith("东县老干部局 was over its establishment (1/0)")
    assert report.findings[0].message.zh == "东县老干部局 超编期间（1/0）仍任用新人员"


def test_each_appointment_is_judged_after_one_excepted_or_before_the_rule() -> None:
    excepted = _appointment(id="army", appointment_basis="demobilized_officer")
    early = _appointment(id="early", start=date(2013, 6, 1))
    ledger = _ledger([_est("east.vcb", 2)], [*_staff(3), excepted, _appointment()])
    assert _findings(run(ledger, "quota.no_appointment_while_over")) == [
        ("appointed_while_over", 2, 3)
    ]
    ledger = _ledger(
        [_est("east.vcb", 2)], [*_staff(3), early, _appointment(start=date(2013, 9, 1))]
    )
    assert _findings(run(ledger, "quota.no_appointment_while_over", year=2013)) == []


def test_the_rule_and_its_exceptions_as_they_stood_on_the_appointment_day() -> None:
    """A ledger's own values from 1 July: the appointment of 1 May is judged by those of 1 May."""
    from cadrecore.models import ParameterOverride

    def from_july(key: str, value: object) -> ParameterOverride:
        return ParameterOverride(
            id=key, key=key, value=value, effective_from=date(2022, 7, 1), source="文件"
        )

    over = _ledger([_est("east.vcb", 2)], [*_staff(3), _appointment()])
    suspended = over.replace(parameters=(from_july("quota.no_overstaffing", False),))
    assert _findings(run(suspended, "quota.no_appointment_while_over")) == [
        ("appointed_while_over", 2, 3)
    ]
    election = _ledger(
        [_est("east.vcb", 2)], [*_staff(3), _appointment(appointment_basis="election")]
    )
    no_exceptions = election.replace(parameters=(from_july("quota.appointment_exceptions", []),))
    assert _findings(run(no_exceptions, "quota.no_appointment_while_over")) == []


def test_what_a_promotion_while_over_says() -> None:
    promoted = Assignment(
        id="new",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="administrative",
        tier="division",
        start=APPOINTED,
    )
    ledger = _ledger([_est("city.vcb", 9)], [*_leaders(3), promoted], [_posts(2)])
    assert _said(run(ledger, "quota.no_appointment_while_over")) == [
        (
            "assignments:new",
            "超职数期间仍新配领导职务",
            "a leadership appointment was made while over the posts",
            "promoted_while_over",
            True,
        )
    ]
    # no posts approved for the tier at all (0): not over before the first
    zero = _ledger([_est("city.vcb", 9)], [promoted], [_posts(0)])
    assert _findings(run(zero, "quota.no_appointment_while_over")) == []


def test_what_leadership_posts_over_say() -> None:
    report = run(_ledger([_est("city.vcb", 9)], _leaders(3), [_posts(2)]), "quota.leadership_posts")
    assert _said(report) == [
        (
            "units:city.vcb",
            "样例市委老干部局县处级领导职数核定 2 名，实配 3 名",
            "样例市委老干部局: leadership posts (county/division level) approved 2, occupied 3",
            "over_posts",
            True,
        )
    ]
    (use,) = report.measures
    assert (use.subject.kind, use.label) == ("units", Text("领导职数使用", "leadership posts used"))


def test_leadership_posts_held_with_none_approved_are_the_tiers() -> None:
    report = run(_ledger([_est("city.vcb", 9)], _leaders(1)), "quota.leadership_posts")
    assert [f.message.en for f in report.findings] == [
        "样例市委老干部局: leadership posts (county/division level) approved 0, occupied 1"
    ]


def test_leadership_posts_approved_in_two_records_add_up() -> None:
    posts = [_posts(1), _posts(1).model_copy(update={"id": "post.more"})]
    assert (
        _findings(run(_ledger([_est("city.vcb", 9)], _leaders(2), posts), "quota.leadership_posts"))
        == []
    )


def test_posts_approved_and_none_held() -> None:
    report = run(_ledger([_est("city.vcb", 9)], [], [_posts(2)]), "quota.leadership_posts")
    assert _findings(report) == []
    assert [(m.numerator, m.denominator) for m in report.measures] == [(0, 2)]


def test_a_grade_over_says_its_grade() -> None:
    ledger = _ledger([_est("city.vcb", 9)], _leaders(2), [_posts(1, "deputy")])
    assert [
        (f.message.zh, f.message.en) for f in run(ledger, "quota.leadership_posts").findings
    ] == [
        (
            "样例市委老干部局县处级副职领导职数核定 1 名，实配 2 名",
            "样例市委老干部局: leadership posts (county/division level, deputy) approved 1, occupied 2",
        )
    ]


def test_a_tier_over_by_exactly_what_its_grade_is_over_is_one_gap() -> None:
    """Tier 2, deputies 1; two deputies and a chief: the tier over by 1, the deputies by 1 —
    the same post, an info pointing at the grade."""
    held = [*_leaders(2), *_leaders(1, grade="chief", prefix="chief")]
    ledger = _ledger([_est("city.vcb", 9)], held, [_posts(2), _posts(1, "deputy")])
    report = run(ledger, "quota.leadership_posts")
    assert sorted((f.reason, f.severity.name) for f in report.findings) == [
        ("over_posts", "ERROR"),
        ("over_posts_by_grade", "INFO"),
    ]
    info = next(f for f in report.findings if f.reason == "over_posts_by_grade")
    assert info.message.en == (
        "样例市委老干部局: leadership posts (county/division level) approved 2, occupied 3: the "
        "excess is a grade's (chief or deputy), found there, not counted again"
    )
    assert info.message.zh.startswith("样例市委老干部局县处级领导职数核定 2 名，实配 3 名：")


def test_a_tier_over_by_more_than_its_grades_is_its_own_error() -> None:
    """Tier 1; chiefs 1 (one held: at its number), deputies 1 (two held: over by 1); the tier
    holds 3, over by 2: one more than the grades explain."""
    held = [*_leaders(2), *_leaders(1, grade="chief", prefix="chief")]
    posts = [_posts(1), _posts(1, "deputy"), _posts(1, "chief")]
    report = run(_ledger([_est("city.vcb", 9)], held, posts), "quota.leadership_posts")
    assert sorted(_findings(report), key=str) == [("over_posts", 1, 2), ("over_posts", 1, 3)]


def test_two_grades_over_add_up_for_the_tier() -> None:
    """Tier 2, chiefs 1, deputies 1; two of each: each grade over by 1, the tier by 2 — the
    grades' excesses together, so the tier's is an info."""
    held = [*_leaders(2), *_leaders(2, grade="chief", prefix="chief")]
    posts = [_posts(2), _posts(1, "deputy"), _posts(1, "chief")]
    report = run(_ledger([_est("city.vcb", 9)], held, posts), "quota.leadership_posts")
    assert sorted(_findings(report), key=str) == [
        ("over_posts", 1, 2),
        ("over_posts", 1, 2),
        ("over_posts_by_grade", 2, 4),
    ]


# --- what mutation testing showed untested (scripts/mutation.py, target quotas) -----------------


def test_a_grade_approved_and_held_by_no_one_explains_no_excess() -> None:
    """Tier 1; chiefs approved 0 and held by none (within: 0 of 0); two deputies, whose grade
    has no posts of its own: the tier over by 1 is no grade's excess, so the tier's own error."""
    posts = [_posts(1), _posts(0, "chief")]
    report = run(_ledger([_est("city.vcb", 9)], _leaders(2), posts), "quota.leadership_posts")
    assert _findings(report) == [("over_posts", 1, 2)]
    assert [f.severity for f in report.findings] == [Severity.ERROR]


def test_the_info_about_a_tier_names_the_unit() -> None:
    ledger = _ledger([_est("city.vcb", 9)], _leaders(3), [_posts(2), _posts(1, "deputy")])
    info = [
        f for f in run(ledger, "quota.leadership_posts").findings if f.severity is Severity.INFO
    ]
    assert [(f.subject.kind, f.subject.id) for f in info] == [("units", "city.vcb")]


def test_a_suspension_of_the_rule_spares_only_the_appointments_it_covers() -> None:
    """A ledger suspends the rule for the first half of 2022 (its own values: off from 1 January,
    on again from 1 July): the appointment of 1 March, listed first, is not judged; the one of
    1 August is, and the unit was over (3 of 2) the day before it."""
    from cadrecore.models import ParameterOverride

    def rule_on(since: date, value: bool) -> ParameterOverride:
        return ParameterOverride(
            id=f"no_overstaffing.{since}",
            key="quota.no_overstaffing",
            value=value,
            effective_from=since,
            source="文件",
        )

    march = _appointment(id="march", start=date(2022, 3, 1))
    august = _appointment(id="august", start=date(2022, 8, 1))
    ledger = _ledger([_est("east.vcb", 2)], [march, *_staff(2), august]).replace(
        parameters=(rule_on(date(2022, 1, 1), False), rule_on(date(2022, 7, 1), True))
    )
    report = run(ledger, "quota.no_appointment_while_over")
    assert [(f.subject.id, f.reason, f.expected, f.actual) for f in report.findings] == [
        ("august", "appointed_while_over", 2, 3)
    ]


def test_an_appointment_into_an_empty_unit_is_judged_without_error() -> None:
    """No one in the unit the day before (no place, no post held): not over, and the rule
    judges it (``run`` fails a test whose rule raised)."""
    report = run(
        _ledger([_est("east.vcb", 1)], [_appointment()]), "quota.no_appointment_while_over"
    )
    assert _findings(report) == []
    promoted = _appointment(unit_id="city.vcb", tier="division", grade="deputy")
    report = run(
        _ledger([_est("city.vcb", 9)], [promoted], [_posts(1)]), "quota.no_appointment_while_over"
    )
    assert _findings(report) == []
