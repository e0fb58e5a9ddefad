"""One gap, one finding (issue #23 item 2): a single gap planted in the sample ledger gives
exactly one warning or error across all the built-in rules. A total that is only the sum of the
per-record gaps (a county's or the city's coverage, a tier's leadership posts) is a measure, with
at most an info finding pointing at them, never a second error.

The counts are mutation tests: put the coverage shortfall back as an error (or the over-quota
of an organ's public-institution establishment beside ``kind_mixed``) and a case here counts
two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from cadrecore import Ledger
from cadrecore.models import Assignment, Cadre, DuesReduction, LeadershipPost, PartyDues, Record
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger
from cadrecore.strategies import ledgers

from .rules_helpers import dues_of_the_year, update

YEAR = 2022
SAMPLE = small_ledger(YEAR)


def _without_activity(activity_id: str) -> Callable[[Ledger], Ledger]:
    def plant(ledger: Ledger) -> Ledger:
        assert any(a.id == activity_id for a in ledger.activities)
        return ledger.replace(activities=tuple(a for a in ledger.activities if a.id != activity_id))

    return plant


def _member_outside_every_branch(ledger: Ledger) -> Ledger:
    model = next(c for c in ledger.cadres if c.is_party_member and c.county_id == "west")
    loose = model.model_copy(update={"id": "c.loose", "name": "孤立党员"})
    assert isinstance(loose, Cadre)
    return ledger.replace(cadres=(*ledger.cadres, loose))


def _membership_dropped(ledger: Ledger) -> Ledger:
    last = ledger.memberships[-1]  # (a member of b.west, not its secretary)
    return ledger.replace(memberships=ledger.memberships[:-1]) if last.branch_id else ledger


def _meeting_short_of_voting_members(ledger: Ledger) -> Ledger:
    """b.team's first general meeting attended by 5 of its 9 members, one of them probationary:
    4 of the 8 members with a vote, not more than half (5 of 9 would have been)."""
    members = [m.cadre_id for m in ledger.memberships if m.branch_id == "b.team"]
    assert len(members) == 9
    probationary = members[8]
    return ledger.replace(
        cadres=tuple(
            update(c, party_status="probationary") if c.id == probationary else c
            for c in ledger.cadres
        ),
        activities=tuple(
            update(a, attendee_ids=[*members[:4], probationary])
            if a.id == "b.team.general_meeting.0"
            else a
            for a in ledger.activities
        ),
    )


def _grant_below_the_higher_standard(ledger: Ledger) -> Ledger:
    return ledger.replace(
        treatment_grants=tuple(
            update(g, amount_yuan=g.amount_yuan - Decimal(100)) if g.id == "g.c000" else g
            for g in ledger.treatment_grants
        )
    )


def _public_institution_post_in_an_organ(ledger: Ledger) -> Ledger:
    extra = Assignment(
        id="as.pi",
        staff_id="s1",
        unit_id="east.vcb",
        establishment_kind="public_institution",
        post="科员",
        start=date(YEAR, 3, 1),
    )
    return ledger.replace(assignments=(*ledger.assignments, extra))


def _staff_with_no_establishment(ledger: Ledger) -> Ledger:
    extra = Assignment(
        id="as.west",
        staff_id="s2",
        unit_id="west.vcb",
        establishment_kind="administrative",
        post="科员",
        start=date(YEAR, 3, 1),
    )
    return ledger.replace(assignments=(*ledger.assignments, extra))


def _a_second_chief(ledger: Ledger) -> Ledger:
    """The city bureau's division posts approved as 1 in all and 1 chief; a second chief
    appointed: over at the grade, and so over at the tier."""
    chief = LeadershipPost(
        id="post.city.vcb.chief",
        unit_id="city.vcb",
        tier="division",
        grade="chief",
        approved=1,
        effective_from=date(YEAR - 5, 1, 1),
    )
    second = Assignment(
        id="as.chief2",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="administrative",
        post="局长",
        tier="division",
        grade="chief",
        start=date(YEAR, 3, 1),
    )
    return ledger.replace(
        leadership_posts=(*ledger.leadership_posts, chief),
        assignments=(*(a for a in ledger.assignments if a.id != "as1"), second),
    )


def _opinion_unanswered(ledger: Ledger) -> Ledger:
    return ledger.replace(
        opinions=tuple(update(o, answered=None, answer="", satisfied=None) for o in ledger.opinions)
    )


def _no_standardized_venue(ledger: Ledger) -> Ledger:
    return ledger.replace(
        branches=tuple(update(b, venue_standardized_year=None) for b in ledger.branches)
    )


def _dues(ledger: Ledger, *, reduced: bool = True) -> list[Record]:
    """The county "east" paying its dues every month of the year in full (c002 paying 5.00
    from April under the branch's reduction, when ``reduced``)."""
    records: list[Record] = [
        update(d, paid_yuan=Decimal("5.00")) if d.cadre_id == "c002" and d.month >= 4 else d
        for d in dues_of_the_year(ledger)
    ]
    if reduced:
        records.append(
            DuesReduction(
                id="c002.reduction",
                cadre_id="c002",
                branch_id="b.team",
                from_month=date(YEAR, 4, 1),
                reduced_to_yuan=Decimal("5.00"),
                decided_on=date(YEAR, 3, 18),
                decision_ref="书画团队党支部支委会会议纪要（2022年第3次）",
            )
        )
    return records


def _with_dues(ledger: Ledger) -> Ledger:
    return ledger.with_records(*_dues(ledger))


def _dues_month_unpaid(ledger: Ledger) -> Ledger:
    may = ("c000", 5)
    kept = [
        d for d in _dues(ledger) if not (isinstance(d, PartyDues) and (d.cadre_id, d.month) == may)
    ]
    return ledger.with_records(*kept)


def _dues_paid_short(ledger: Ledger) -> Ledger:
    """c001's base is 6,000.00: 1 % of the whole, 60.00; March paid 35.00 (25.00 short)."""
    march = next(d for d in dues_of_the_year(ledger) if (d.cadre_id, d.month) == ("c001", 3))
    return _with_dues(ledger).with_records(update(march, paid_yuan=Decimal("35.00")))


def _dues_reduction_dropped(ledger: Ledger) -> Ledger:
    return ledger.with_records(*_dues(ledger, reduced=False))


def _dues_of_a_branch_not_recorded(ledger: Ledger) -> Ledger:
    kept = [d for d in _dues(ledger) if not (isinstance(d, PartyDues) and d.branch_id == "b.east")]
    return ledger.with_records(*kept)


#: each planted gap, and the one finding (rule, reason, subject id) it must give
GAPS: dict[str, tuple[Callable[[Ledger], Ledger], tuple[str, str, str]]] = {
    "member outside every branch": (
        _member_outside_every_branch,
        ("builtin::coverage.full", "not_in_branch", "c.loose"),
    ),
    "a membership dropped": (
        _membership_dropped,
        ("builtin::coverage.full", "not_in_branch", SAMPLE.memberships[-1].cadre_id),
    ),
    "organizational life meeting missing": (
        _without_activity("b.east.org_life_meeting.0"),
        ("builtin::org_life.org_life_meeting", "missed", "b.east"),
    ),
    "general meeting missing": (
        _without_activity("b.west.general_meeting.1"),
        ("builtin::org_life.general_meeting", "missed", "b.west"),
    ),
    "general meeting short of voting members": (
        _meeting_short_of_voting_members,
        ("builtin::org_life.general_meeting", "no_quorum", "b.team"),
    ),
    "committee meeting missing": (
        _without_activity("b.team.committee_meeting.3"),
        ("builtin::org_life.committee_meeting", "missed", "b.team"),
    ),
    "themed party day missing": (
        _without_activity("b.east.themed_party_day.4"),
        ("builtin::org_life.themed_party_day", "missed", "b.east"),
    ),
    "six-ones activity missing": (
        _without_activity(f"six.{YEAR}.observation_tour"),
        ("builtin::checklist.items", "overdue", "six_ones:six_ones.observation_tour"),
    ),
    "grant below the higher standard": (
        _grant_below_the_higher_standard,
        ("builtin::treatment.higher_standard", "lower_standard", "g.c000"),
    ),
    "public-institution post in an organ": (
        _public_institution_post_in_an_organ,
        ("builtin::quota.establishment", "kind_mixed", "east.vcb"),
    ),
    "staff with no establishment": (
        _staff_with_no_establishment,
        ("builtin::quota.establishment", "over_establishment", "west.vcb"),
    ),
    "a second chief": (
        _a_second_chief,
        ("builtin::quota.leadership_posts", "over_posts", "city.vcb"),
    ),
    "opinion unanswered": (
        _opinion_unanswered,
        ("builtin::opinions.answered", "unanswered", "op1"),
    ),
    "no standardized venue": (
        _no_standardized_venue,
        ("builtin::plan.targets", "target_missed", "plan3:standardized_venues"),
    ),
    "a month's party dues unpaid": (
        _dues_month_unpaid,
        ("builtin::party_dues.paid", "unpaid", "c000"),
    ),
    "a month's party dues paid short": (
        _dues_paid_short,
        ("builtin::party_dues.paid", "short", "c001"),
    ),
    "a dues reduction without its record": (
        _dues_reduction_dropped,
        ("builtin::party_dues.paid", "short", "c002"),
    ),
    "a branch's dues not recorded": (
        _dues_of_a_branch_not_recorded,
        ("builtin::party_dues.paid", "not_recorded", "b.east"),
    ),
}


def _counted(report: Report) -> list[tuple[str, str, str]]:
    """The warnings and errors of ``report``: (rule, reason, subject id)."""
    return [
        (f.rule_id, f.reason, f.subject.id)
        for f in report.findings
        if f.severity >= Severity.WARNING
    ]


def test_the_sample_has_no_gap() -> None:
    assert _counted(evaluate(SAMPLE, year=YEAR)) == []
    assert _counted(evaluate(_with_dues(SAMPLE), year=YEAR)) == []  # its dues paid in full


@pytest.mark.parametrize("gap", GAPS, ids=str)
def test_one_planted_gap_is_one_finding(gap: str) -> None:
    plant, expected = GAPS[gap]
    report = evaluate(plant(SAMPLE), year=YEAR)
    assert report.errored == ()
    assert _counted(report) == [expected]


def test_coverage_below_target_is_a_measure_and_a_note() -> None:
    report = evaluate(_member_outside_every_branch(SAMPLE), year=YEAR)
    coverage = {
        m.subject.id: (m.numerator, m.denominator) for m in report.measures if m.name == "coverage"
    }
    assert coverage["city"] == (17, 18) and coverage["west"] == (4, 5)
    (note,) = (
        f for f in report.findings_of("builtin::coverage.full") if f.severity is Severity.INFO
    )
    assert (note.reason, note.subject.id, note.evidence) == (
        "coverage_below_target",
        "city",
        ("c.loose",),
    )
    assert "已逐人列为问题" in note.message.zh and "not_in_branch" in note.message.en


def test_a_tiers_excess_explained_by_its_grade_is_a_measure_and_a_note() -> None:
    report = evaluate(_a_second_chief(SAMPLE), year=YEAR)
    (use,) = (m for m in report.measures if m.name == "leadership_post_use")
    assert (use.subject.id, use.numerator, use.denominator) == ("city.vcb:division", 2, 1)
    notes = [
        f.reason
        for f in report.findings
        if f.rule_id == "builtin::quota.leadership_posts" and f.severity is Severity.INFO
    ]
    assert notes == ["over_posts_by_grade"]


# ---------------------------------------------------------------------------------------------
# On random ledgers: no aggregate error where a per-record error explains it
# ---------------------------------------------------------------------------------------------


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ledgers(max_cadres=12, max_branches=3, max_activities=6))
def test_no_aggregate_error_beside_the_per_record_errors(ledger: Ledger) -> None:
    report = evaluate(ledger, year=2022)
    aggregates = {ledger.jurisdiction.root_unit_id} | {
        u.id for u in ledger.units if u.level.value == "county"
    }
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    per_record = {f.rule_id for f in errors if f.subject.kind != "units"}
    for finding in errors:
        if finding.subject.kind == "units" and finding.subject.id in aggregates:
            assert finding.rule_id not in per_record, finding
    # an organ's public-institution staff: one error (kind_mixed), never also over_establishment
    mixed = {f.subject.id for f in errors if f.reason == "kind_mixed"}
    over = {f.subject.id for f in errors if f.reason == "over_establishment"}
    for unit_id in mixed & over:
        kinds = {
            a.establishment_kind.value
            for a in ledger.assignments
            if a.unit_id == unit_id and a.holds_on(report.as_of)
        }
        assert kinds - {"public_institution"}, unit_id  # (over in another kind: its own gap)
