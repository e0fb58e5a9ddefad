"""Each built-in rule at its edges, on the sample ledger with one thing changed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cadrecore import get_registry
from cadrecore.i18n import Text
from cadrecore.models import (
    Activity,
    Assignment,
    Checklist,
    ChecklistEntry,
    Establishment,
    Opinion,
    ParameterOverride,
    PlanTarget,
    TreatmentGrant,
)
from cadrecore.rules import Severity, evaluate
from cadrecore.sample import small_ledger

from .rules_helpers import changed, reasons, run, update

LEDGER = small_ledger(2022)


# --- the "six ones" checklist --------------------------------------------------------------


def _without(kind: str) -> object:
    return changed(LEDGER, "activities", lambda a: None if a.activity_kind == kind else a)


def test_checklist_item_pending_then_overdue() -> None:
    ledger = _without("visits_condolences")
    on_due = run(ledger, "checklist.items", as_of=date(2022, 2, 27))
    assert on_due.findings == ()
    status = {o.subject.id: o.status for o in on_due.occurrences}
    assert status["six_ones:six_ones.visits_condolences"] == "pending"
    # a day is judged at its end: on the due date itself an item not yet done is overdue
    after = run(ledger, "checklist.items", as_of=date(2022, 2, 28))
    assert reasons(after.findings) == [
        ("overdue", "checklist_items", "six_ones:six_ones.visits_condolences")
    ]
    assert after.findings[0].severity is Severity.ERROR
    assert (after.findings[0].expected, after.findings[0].actual) == (1, 0)


def test_checklist_item_done_late_is_a_warning() -> None:
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: (
            update(a, date=date(2022, 3, 5)) if a.activity_kind == "visits_condolences" else a
        ),
    )
    report = run(ledger, "checklist.items")
    assert reasons(report.findings) == [
        ("done_late", "checklist_items", "six_ones:six_ones.visits_condolences")
    ]
    assert report.findings[0].severity is Severity.WARNING
    late = [o for o in report.occurrences if o.status == "late"]
    assert [o.done_on for o in late] == [date(2022, 3, 5)]


def test_a_record_dated_after_the_day_judged_does_not_count() -> None:
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: update(a, date=date(2022, 6, 1)) if a.activity_kind == "report_hearing" else a,
    )
    assert run(ledger, "checklist.items", as_of=date(2022, 5, 31)).occurrences_of(
        "builtin::checklist.items"
    )
    statuses = {
        o.subject.id: o.status
        for o in run(ledger, "checklist.items", as_of=date(2022, 5, 31)).occurrences
    }
    assert statuses["six_ones:six_ones.report_hearing"] == "pending"


def test_a_county_checklist_with_its_own_due_date() -> None:
    county = Checklist(
        id="east.list",
        name="东县清单",
        owner_unit_id="east.vcb",
        from_year=2022,
        items=(ChecklistEntry(item="six_ones.observation_tour", due="06-30"),),
    )
    tour = Activity(
        id="east.tour",
        activity_kind="observation_tour",
        date=date(2022, 7, 2),
        owner_unit_id="east.vcb",
    )
    ledger = LEDGER.replace(checklists=(*LEDGER.checklists, county))
    missing = run(ledger, "checklist.items", as_of=date(2022, 7, 1))
    assert reasons(missing.findings) == [
        ("overdue", "checklist_items", "east.list:six_ones.observation_tour")
    ]
    held_late = run(ledger.replace(activities=(*ledger.activities, tour)), "checklist.items")
    assert reasons(held_late.findings) == [
        ("done_late", "checklist_items", "east.list:six_ones.observation_tour")
    ]
    assert run(ledger, "checklist.items", year=2021).occurrences_of("builtin::checklist.items")


def _drop_cppcc(a: Activity) -> Activity:
    if a.activity_kind != "situation_briefing":
        return a
    return update(a, leaders=[str(x) for x in a.leaders if x.body.value != "cppcc"])


BRIEFING = "six_ones:six_ones.situation_briefing"


def test_a_briefing_without_the_cppcc_leader_does_not_close_the_item() -> None:
    """The condition is the item's: a briefing without a leader of each of the four leading
    bodies is held but not done; its status says what it lacks, in each language, and the gap
    is one finding (no second one from another rule)."""
    ledger = changed(LEDGER, "activities", _drop_cppcc)
    report = evaluate(ledger, year=2022)
    items = {o.subject.id: o for o in report.occurrences_of("builtin::checklist.items")}
    briefing = items[BRIEFING]
    assert briefing.status == "invalid" and not briefing.satisfied
    assert briefing.satisfied_by == "six.2022.situation_briefing"  # the record that fell short
    assert briefing.note is not None
    assert briefing.note.zh == "缺：政协领导"
    assert briefing.note.en == "missing: CPPCC leaders"
    assert sum(o.satisfied for o in items.values()) == 5
    about = [f for f in report.findings if f.subject.id == BRIEFING]
    assert reasons(about) == [("leaders_absent", "checklist_items", BRIEFING)]
    (finding,) = about
    assert finding.rule_id == "builtin::checklist.items"
    assert finding.severity is Severity.ERROR
    assert (finding.expected, finding.actual) == (4, 3)
    assert "政协" in finding.message.zh and "cppcc" not in finding.message.en
    assert "CPPCC" in finding.message.en
    assert finding.fix is not None and "四大班子" in finding.fix.zh
    assert not report.success


def test_before_its_due_date_a_short_briefing_leaves_the_item_pending_with_a_warning() -> None:
    ledger = changed(LEDGER, "activities", _drop_cppcc)
    report = run(ledger, "checklist.items", as_of=date(2022, 7, 18))
    (briefing,) = [o for o in report.occurrences if o.subject.id == BRIEFING]
    assert briefing.status == "pending"
    assert briefing.note is not None and "缺：政协领导" in briefing.note.zh
    assert [(f.reason, f.severity) for f in report.findings] == [
        ("leaders_absent", Severity.WARNING)
    ]


def test_a_second_briefing_with_all_four_closes_the_item() -> None:
    ledger = changed(LEDGER, "activities", _drop_cppcc)
    short = next(a for a in ledger.activities if a.activity_kind == "situation_briefing")
    again = update(
        short,
        id="six.2022.situation_briefing.again",
        date=date(2022, 12, 30),
        leaders=[str(x) for x in LEDGER.get("activities", short.id).leaders],
    )
    report = run(ledger.replace(activities=(*ledger.activities, again)), "checklist.items")
    (briefing,) = [o for o in report.occurrences if o.subject.id == BRIEFING]
    assert (briefing.status, briefing.satisfied_by) == ("done", again.id)
    assert report.findings == ()


def test_the_six_ones_figure_and_section_count_only_items_that_meet_their_conditions() -> None:
    from cadrecore.builtin.report_orgs import six_ones
    from cadrecore.reports.figures import checklist

    ledger = changed(LEDGER, "activities", _drop_cppcc)
    figure = checklist(ledger, "six_ones", 2022)
    assert (figure["done"], figure["total"]) == (5, 6)
    assert figure["items"]["six_ones.situation_briefing"]["done"] is False
    section = six_ones(ledger, evaluate(ledger, year=2022), "en")
    assert section.paragraphs[0].en.endswith("5 of 6 items done in 2022.")
    assert "6 of 6" not in section.paragraphs[0].en
    whole = six_ones(LEDGER, evaluate(LEDGER, year=2022), "en")
    assert whole.paragraphs[0].en.endswith("6 of 6 items done in 2022.")


def test_a_plugin_item_declares_its_own_conditions() -> None:
    """A plugin's item with a minimum attendance and two leading bodies: a record short of
    either does not close it, and the item says what it lacks."""
    from cadrecore import ChecklistItem, hookimpl, new_plugin_manager
    from cadrecore.models import LeadingBody
    from cadrecore.registry import LeadersPresent, MinimumAttendance

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
            "id": "tea.list",
            "name": "茶话会",
            "owner_unit_id": "city.pc",
            "from_year": 2022,
            "items": [{"item": "county.spring_tea"}],
        },
        context={"registry": registry},
    )

    def judged(**fields: object) -> tuple[str, str | None, list[str]]:
        tea = Activity.model_validate(
            {
                "id": "tea.2022",
                "activity_kind": "theme_activity",
                "date": date(2022, 2, 1),
                "owner_unit_id": "city.pc",
                **fields,
            },
            context={"registry": registry},
        )
        ledger = small_ledger(2022, registry=registry)
        ledger = ledger.replace(checklists=(tea_list,), activities=(*ledger.activities, tea))
        report = evaluate(ledger, year=2022, pm=pm, rules=["builtin::checklist.items"])
        (item,) = report.occurrences
        return item.status, item.note.en if item.note else None, [f.reason for f in report.findings]

    full = {"leaders": "党委:王书记;政府:张市长", "headcount": 40}
    assert judged(**full) == ("done", None, [])
    assert judged(**{**full, "headcount": 12}) == (
        "invalid",
        "missing: attendance (12 present; at least 30 needed)",
        ["too_few_present"],
    )
    assert judged(leaders="党委:王书记", headcount=40) == (
        "invalid",
        "missing: government leaders",
        ["leaders_absent"],
    )
    assert judged(leaders="党委:王书记") == (
        "invalid",
        "missing: government leaders; attendance (not recorded; at least 30 needed)",
        ["leaders_absent"],
    )


def test_conditions_are_checked_when_the_item_is_made() -> None:
    from cadrecore import ChecklistItem
    from cadrecore.registry import LeadersPresent, MinimumAttendance

    with pytest.raises(ValueError, match="ItemCondition"):
        ChecklistItem(
            key="x.y",
            label=Text("x", "x"),
            evidence_kind="training",
            conditions=("cppcc",),  # type: ignore[arg-type]
        )
    with pytest.raises(ValueError, match="count"):
        MinimumAttendance(0)
    with pytest.raises(ValueError, match="LeadingBody"):
        LeadersPresent(())


# --- branches --------------------------------------------------------------------------------


def _probationary(ids: set[str]) -> object:
    return changed(
        LEDGER, "cadres", lambda c: update(c, party_status="probationary") if c.id in ids else c
    )


def test_formation_edges_three_full_members_pass_two_fail() -> None:
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]  # 4 members
    assert run(_probationary({members[3]}), "branch.formation").findings == ()  # 3 full
    report = run(_probationary(set(members[2:])), "branch.formation")  # 2 full + 2 probationary
    assert reasons(report.findings) == [("below_minimum", "branches", "b.west")]
    assert (report.findings[0].expected, report.findings[0].actual) == (3, 2)


def test_committee_required_from_seven_full_members() -> None:
    # b.east has 4 members and no committee; give it 7 or 6 full members
    def grow(count: int) -> object:
        base = LEDGER
        memberships = list(base.memberships)
        donors = [
            m
            for m in memberships
            if m.branch_id == "b.team"
            and m.cadre_id
            not in {base.branch("b.team").secretary_id, *base.branch("b.team").committee_ids}
        ]
        moved = {m.cadre_id for m in donors[: count - 4]}
        memberships = [
            update(m, branch_id="b.east") if m.cadre_id in moved else m for m in memberships
        ]
        return base.replace(memberships=tuple(memberships))

    assert run(grow(6), "branch.committee_required").findings == ()
    report = run(grow(7), "branch.committee_required")
    assert reasons(report.findings) == [("committee_missing", "branches", "b.east")]
    # a member who dies on the day judged no longer counts; one who dies the day after does
    judged = date(2022, 12, 31)
    seven = grow(7)
    assert isinstance(seven, type(LEDGER))
    member = next(
        m.cadre_id for m in seven.memberships if m.branch_id == "b.east" and m.until is None
    )
    for death, found in ((judged, []), (judged + timedelta(days=1), report.findings)):
        dying = changed(
            seven,
            "cadres",
            lambda c, death=death: update(c, deceased=death) if c.id == member else c,
        )
        assert run(dying, "branch.committee_required", as_of=judged).findings == tuple(found)


@pytest.mark.parametrize(
    ("size", "reason", "severity"),
    [
        (2, "committee_size", Severity.ERROR),
        (3, None, None),
        (5, None, None),
        (6, "committee_large", Severity.INFO),
        (7, "committee_large", Severity.INFO),
        (8, "committee_size", Severity.ERROR),
    ],
)
def test_committee_size_edges(size: int, reason: str | None, severity: Severity | None) -> None:
    team = LEDGER.branch("b.team")
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.team"]
    committee = [team.secretary_id, *[m for m in members if m != team.secretary_id]][:size]
    ledger = changed(
        LEDGER, "branches", lambda b: update(b, committee_ids=committee) if b.id == "b.team" else b
    )
    found = [(f.reason, f.severity) for f in run(ledger, "branch.committee_size").findings]
    assert found == ([] if reason is None else [(reason, severity)])


def test_term_expiry_edges_and_the_type_specific_term() -> None:
    elected = date(2019, 3, 1)
    ledger = changed(LEDGER, "branches", lambda b: update(b, committee_elected=elected))
    # team branch: 3-year term (elected 2019) ends 2022-03-01; community branches: 5 years
    day_before = run(ledger, "branch.term", as_of=date(2022, 2, 28))
    assert reasons(day_before.findings) == [("election_due", "branches", "b.team")]
    on_the_day = run(ledger, "branch.term", as_of=date(2022, 3, 1))
    assert reasons(on_the_day.findings) == [("term_expired", "branches", "b.team")]
    assert on_the_day.findings[0].expected == "2022-03-01"


def test_term_length_is_the_one_in_force_at_the_election() -> None:
    after_2022_rule = changed(
        LEDGER, "branches", lambda b: update(b, committee_elected=date(2022, 11, 1))
    )
    # elected under the (unverified) 5-year rule: nothing due in 2025-10
    assert run(after_2022_rule, "branch.term", as_of=date(2025, 10, 1), year=2025).findings == ()
    before_rule = changed(
        LEDGER, "branches", lambda b: update(b, committee_elected=date(2022, 10, 1))
    )
    expired = run(before_rule, "branch.term", as_of=date(2025, 10, 1), year=2025)
    assert reasons(expired.findings) == [("term_expired", "branches", "b.team")]


def test_secretary_age_is_a_local_warning() -> None:
    secretary = LEDGER.branch("b.west").secretary_id
    ledger = changed(
        LEDGER,
        "cadres",
        lambda c: update(c, birth_date=date(1946, 1, 1)) if c.id == secretary else c,
    )
    report = run(ledger, "branch.secretary")
    assert [(f.reason, f.severity, f.actual) for f in report.findings] == [
        ("secretary_age", Severity.WARNING, 76)
    ]


# --- coverage --------------------------------------------------------------------------------


def test_a_party_member_in_no_branch() -> None:
    loose = LEDGER.memberships[-1].cadre_id
    ledger = changed(LEDGER, "memberships", lambda m: None if m.cadre_id == loose else m)
    report = run(ledger, "coverage.full")
    assert ("not_in_branch", "cadres", loose) in reasons(report.findings)
    overall = next(m for m in report.measures if m.name == "coverage" and m.subject.id == "city")
    assert (overall.numerator, overall.denominator) == (16, 17)
    by_county = {
        m.subject.id: m.ratio
        for m in report.measures
        if m.name == "coverage" and m.subject.kind == "units"
    }
    assert by_county["east"] == 1.0 and by_county["west"] == pytest.approx(3 / 4)


# --- organizational life ---------------------------------------------------------------------


def test_one_missed_themed_party_day() -> None:
    ledger = changed(
        LEDGER, "activities", lambda a: None if a.id == "b.east.themed_party_day.4" else a
    )
    report = run(ledger, "org_life.themed_party_day")
    assert reasons(report.findings) == [("missed", "branches", "b.east")]
    finding = report.findings[0]
    assert (finding.expected, finding.actual, finding.severity) == (12, 11, Severity.WARNING)
    assert "2022-05" in finding.message.en
    overdue = [o.period for o in report.occurrences if o.status == "overdue"]
    assert overdue == ["2022-05"]


def test_mid_quarter_a_meeting_not_yet_held_is_pending() -> None:
    ledger = changed(
        LEDGER, "activities", lambda a: None if a.id == "b.east.general_meeting.2" else a
    )
    assert run(ledger, "org_life.general_meeting", as_of=date(2022, 9, 29)).findings == ()
    late = run(ledger, "org_life.general_meeting", as_of=date(2022, 9, 30))
    assert reasons(late.findings) == [("missed", "branches", "b.east")]


@pytest.mark.parametrize(("present", "valid"), [(2, False), (3, True)])
def test_general_meeting_needs_more_than_half(present: int, valid: bool) -> None:
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]  # 4 members

    def thin(a: Activity) -> Activity:
        return (
            update(a, attendee_ids=members[:present]) if a.id == "b.west.general_meeting.1" else a
        )

    report = run(changed(LEDGER, "activities", thin), "org_life.general_meeting")
    assert reasons(report.findings) == ([] if valid else [("no_quorum", "branches", "b.west")])


def test_health_exempt_members_do_not_count_towards_the_quorum() -> None:
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: update(a, attendee_ids=members[:2]) if a.id == "b.west.general_meeting.1" else a,
    )
    ledger = changed(
        ledger,
        "cadres",
        lambda c: (
            update(c, health_exempt=True, exemption_reason="卧床") if c.id == members[3] else c
        ),
    )
    assert run(ledger, "org_life.general_meeting").findings == ()  # 2 of 3 eligible


def _west_meetings() -> tuple[list[str], Activity, Activity]:
    """b.west's four members, and its first two general meetings of the year (by date)."""
    members = [m.cadre_id for m in LEDGER.memberships if m.branch_id == "b.west"]
    meetings = sorted(
        (
            a
            for a in LEDGER.activities
            if a.branch_id == "b.west" and a.activity_kind == "general_meeting"
        ),
        key=lambda a: a.date,
    )
    return members, meetings[0], meetings[1]


def test_the_quorum_follows_a_member_who_died_between_two_meetings() -> None:
    """Who counts is worked out once for a stretch of days without a change: a death between
    two meetings starts a new stretch. Two of the three still alive make a quorum (of four,
    two would not)."""
    members, first, second = _west_meetings()
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: update(a, attendee_ids=members[:2]) if a.id == second.id else a,
    )
    died = first.date + timedelta(days=1)
    ledger = changed(
        ledger, "cadres", lambda c: update(c, deceased=died) if c.id == members[3] else c
    )
    report = run(ledger, "org_life.general_meeting")
    assert report.findings == ()
    done = {o.satisfied_by for o in report.occurrences if o.status == "done"}
    assert {first.id, second.id} <= done


def test_the_quorum_follows_a_member_who_joined_between_two_meetings() -> None:
    """A member who joins between two meetings counts at the second: three of five present
    make a quorum, where the first four and the newcomer's absence would make it two of four."""
    members, first, second = _west_meetings()
    officers = {c for b in LEDGER.branches for c in (*b.committee_ids, b.secretary_id)}
    newcomer = next(
        c.id
        for c in LEDGER.cadres
        if c.id not in members and c.id not in officers and c.is_party_member
    )
    joined = first.date + timedelta(days=1)
    ledger = changed(
        LEDGER,
        "memberships",
        lambda m: (
            update(m, branch_id="b.west", since=joined, until=None) if m.cadre_id == newcomer else m
        ),
    )
    ledger = changed(
        ledger,
        "activities",
        lambda a: update(a, attendee_ids=[*members[:2], newcomer]) if a.id == second.id else a,
    )
    assert run(ledger, "org_life.general_meeting").findings == ()
    # and without the newcomer's membership, two of the four are no quorum
    thin = changed(
        LEDGER,
        "activities",
        lambda a: update(a, attendee_ids=members[:2]) if a.id == second.id else a,
    )
    assert reasons(run(thin, "org_life.general_meeting").findings) == [
        ("no_quorum", "branches", "b.west")
    ]


def test_a_branch_formed_mid_year_owes_only_from_then() -> None:
    ledger = changed(
        LEDGER, "branches", lambda b: update(b, formed=date(2022, 7, 15)) if b.id == "b.west" else b
    )
    report = run(ledger, "org_life.themed_party_day")
    west = [o for o in report.occurrences if o.subject.id == "b.west"]
    assert next(o.period for o in west) == "2022-07"
    assert len(west) == 6


def test_committee_meetings_only_for_branches_with_a_committee() -> None:
    report = run(LEDGER, "org_life.committee_meeting")
    assert {o.subject.id for o in report.occurrences} == {"b.team"}


# --- plans -----------------------------------------------------------------------------------


def test_plan_target_missed_at_year_end() -> None:
    ledger = changed(LEDGER, "branches", lambda b: update(b, demonstration_year=None))
    report = run(ledger, "plan.targets")
    assert reasons(report.findings) == [("target_missed", "plans", "plan3:demonstration_points")]
    assert (report.findings[0].expected, report.findings[0].actual) == (1, 0)


def test_plan_pro_rata_and_the_parameter_default_target() -> None:
    plan = LEDGER.plans[0]
    no_number = update(plan, targets=[PlanTarget(metric="standardized_venues")])
    ledger = LEDGER.replace(plans=(no_number,))
    # the parameter's 10 a year applies; by 2022-07-31 (30 days grace) about 5 are expected, 1 done
    report = run(ledger, "plan.targets", as_of=date(2022, 7, 31))
    assert [(f.reason, f.severity, f.actual) for f in report.findings] == [
        ("behind_schedule", Severity.WARNING, 1)
    ]
    assert report.findings[0].expected == 4
    assert run(ledger, "plan.targets", as_of=date(2022, 1, 20)).findings == ()
    county_target = ParameterOverride(
        id="t",
        key="plan.target.standardized_venues",
        value=1,
        effective_from=date(2022, 1, 1),
        unit_id="city.vcb",
        source="市委组织部通知",
    )
    assert run(ledger.replace(parameters=(county_target,)), "plan.targets").findings == ()


# --- quotas ----------------------------------------------------------------------------------


def test_establishment_full_passes_one_over_fails() -> None:
    def extra(n: int) -> tuple[Assignment, ...]:
        return tuple(
            Assignment(
                id=f"as9{i}",
                staff_id="s1",
                unit_id="east.vcb",
                establishment_kind="administrative",
                start=date(2010, 1, 1),
            )
            for i in range(n)
        )

    assert (
        run(
            LEDGER.replace(assignments=(*LEDGER.assignments, *extra(1))), "quota.establishment"
        ).findings
        == ()
    )
    report = run(
        LEDGER.replace(assignments=(*LEDGER.assignments, *extra(2))), "quota.establishment"
    )
    assert reasons(report.findings) == [("over_establishment", "units", "east.vcb")]
    assert (report.findings[0].expected, report.findings[0].actual) == (2, 3)


def test_public_institution_posts_in_an_organ() -> None:
    extra = Assignment(
        id="as9",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="public_institution",
        start=date(2010, 1, 1),
    )
    report = run(LEDGER.replace(assignments=(*LEDGER.assignments, extra)), "quota.establishment")
    assert ("kind_mixed", "units", "city.vcb") in reasons(report.findings)


def test_no_appointment_while_over_and_its_exceptions() -> None:
    over = [
        Assignment(
            id=f"old{i}",
            staff_id="s2",
            unit_id="east.vcb",
            establishment_kind="administrative",
            start=date(2015, 1, 1),
        )
        for i in range(2)
    ]
    new = Assignment(
        id="new",
        staff_id="s1",
        unit_id="east.vcb",
        establishment_kind="administrative",
        start=date(2022, 5, 1),
    )
    ledger = LEDGER.replace(assignments=(*LEDGER.assignments, *over, new))
    report = run(ledger, "quota.no_appointment_while_over")
    assert reasons(report.findings) == [("appointed_while_over", "assignments", "new")]
    excepted = changed(
        ledger,
        "assignments",
        lambda a: update(a, appointment_basis="demobilized_officer") if a.id == "new" else a,
    )
    assert run(excepted, "quota.no_appointment_while_over").findings == ()
    before_2014 = changed(
        ledger, "assignments", lambda a: update(a, start=date(2013, 5, 1)) if a.id == "new" else a
    )
    assert run(before_2014, "quota.no_appointment_while_over", year=2013).findings == ()


def test_leadership_posts_over() -> None:
    extra = Assignment(
        id="dep",
        staff_id="s1",
        unit_id="city.vcb",
        establishment_kind="administrative",
        tier="division",
        grade="deputy",
        start=date(2021, 1, 1),
    )
    ledger = LEDGER.replace(
        assignments=(*tuple(a for a in LEDGER.assignments if a.id != "as1"), extra)
    )
    report = run(ledger, "quota.leadership_posts")
    assert reasons(report.findings) == [("over_posts", "units", "city.vcb")]


def test_sub_units_within_the_parent() -> None:
    inner = Establishment(
        id="inner",
        unit_id="east.vcb",
        kind="administrative",
        approved=3,
        effective_from=date(2020, 1, 1),
        part_of_parent=True,
    )
    own = Establishment(
        id="own", unit_id="east", kind="administrative", approved=2, effective_from=date(2020, 1, 1)
    )
    report = run(
        LEDGER.replace(establishments=(*LEDGER.establishments, inner, own)),
        "quota.sub_units_within_parent",
    )
    assert reasons(report.findings) == [("sub_units_exceed_parent", "units", "east")]


# --- treatment and opinions ------------------------------------------------------------------


def test_the_higher_standard_applies() -> None:
    east_cadre = next(c for c in LEDGER.cadres if c.county_id == "east" and c.is_party_member)
    lower = TreatmentGrant(
        id=f"g.{east_cadre.id}",
        cadre_id=east_cadre.id,
        treatment_item="health_allowance",
        year=2022,
        standard_id="std.city",
        amount_yuan=Decimal("1200"),
    )
    ledger = changed(LEDGER, "treatment_grants", lambda g: lower if g.id == lower.id else g)
    report = run(ledger, "treatment.higher_standard")
    assert reasons(report.findings) == [("lower_standard", "treatment_grants", lower.id)]
    assert report.findings[0].expected == "1500"


@pytest.mark.parametrize(
    ("answered", "reason"),
    [
        # raised 11 Jan 2022; 15 working days end on Sunday 30 Jan, an adjusted working day (调休)
        (date(2022, 1, 28), None),
        (date(2022, 1, 30), None),
        (date(2022, 1, 31), "answered_late"),
        (None, "unanswered"),
    ],
)
def test_opinion_deadline_in_working_days(answered: date | None, reason: str | None) -> None:
    opinion = LEDGER.opinions[0]
    fields = {"answered": answered, "answer": "已答复" if answered else "", "satisfied": None}
    ledger = LEDGER.replace(opinions=(update(opinion, **fields),))
    found = [f.reason for f in run(ledger, "opinions.answered").findings]
    assert found == ([] if reason is None else [reason])


def test_an_unanswered_opinion_is_pending_before_its_deadline() -> None:
    opinion = Opinion(id="op2", raised=date(2022, 12, 20), content="x", assigned_unit_id="city.vcb")
    report = run(LEDGER.replace(opinions=(*LEDGER.opinions, opinion)), "opinions.answered")
    assert report.findings == ()
    assert [o.status for o in report.occurrences if o.subject.id == "op2"] == ["pending"]


# --- data quality ----------------------------------------------------------------------------


def test_implausible_ages_and_dates() -> None:
    first = LEDGER.cadres[0].id
    ledger = changed(
        LEDGER,
        "cadres",
        lambda c: (
            update(
                c,
                birth_date=date(1900, 1, 1),
                joined_work=date(1920, 1, 1),
                party_joined=date(1921, 7, 1),
            )
            if c.id == first
            else c
        ),
    )
    found = {f.reason for f in run(ledger, "data.cadres").findings if f.subject.id == first}
    assert found == {"implausible_age"}
    young = changed(
        LEDGER,
        "cadres",
        lambda c: (
            update(c, party_joined=date(c.birth_date.year + 17, 12, 31)) if c.id == first else c
        ),
    )
    assert {f.reason for f in run(young, "data.cadres").findings} == {"joined_too_young"}


def test_whole_report_counts_every_changed_thing() -> None:
    ledger = changed(
        LEDGER,
        "activities",
        lambda a: (
            None if a.activity_kind == "themed_party_day" and a.date > date(2022, 10, 1) else a
        ),
    )
    report = evaluate(ledger, year=2022)
    assert report.counts["warning"] == 3  # one per branch
    assert report.compliance() is not None and report.compliance() < 1.0
    assert report.success  # warnings only
