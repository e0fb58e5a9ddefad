"""Party groups (党小组) and model branches (示范党支部): records, cross-checks, rules, report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import cadrecore
from cadrecore import strategies as cst
from cadrecore.errors import LedgerError
from cadrecore.ledger import Ledger
from cadrecore.models import (
    SIX_GOODS,
    Activity,
    BranchAssessment,
    ParameterOverride,
    PartyGroup,
    Plan,
    PlanTarget,
)
from cadrecore.rules import Severity, evaluate
from cadrecore.sample import small_ledger

YEAR = 2022
ALL_GOOD = {name: True for name, _ in SIX_GOODS}


@pytest.fixture
def base() -> Ledger:
    return small_ledger(YEAR)


def _members(ledger: Ledger, branch_id: str) -> list[str]:
    return [c.id for c in ledger.members_of(branch_id, on=date(YEAR, 6, 1))]


def _group(ledger: Ledger, number: int = 1, members: slice = slice(0, 3)) -> PartyGroup:
    branch = ledger.branches[0]
    people = _members(ledger, branch.id)[members]
    return PartyGroup(
        id=f"g{number}",
        name=f"第{number}党小组",
        branch_id=branch.id,
        group_leader_id=people[0],
        member_ids=tuple(people),
    )


def _meetings(group: PartyGroup, months: range, skip: tuple[int, ...] = ()) -> list[Activity]:
    return [
        Activity(
            id=f"{group.id}.gm.{m}",
            activity_kind="group_meeting",
            date=date(YEAR, m, 10),
            branch_id=group.branch_id,
            group_id=group.id,
        )
        for m in months
        if m not in skip
    ]


# --- the ledger's cross-checks -------------------------------------------------------------


def test_a_group_of_branch_members_with_monthly_meetings_is_clean(base: Ledger) -> None:
    group = _group(base)
    ledger = base.with_records(group, *_meetings(group, range(1, 13)))
    report = evaluate(ledger, year=YEAR)
    assert report.findings == ()
    done = [o for o in report.occurrences if o.rule_id == "builtin::org_life.group_meeting"]
    assert [o.status for o in done] == ["done"] * 12


def test_a_group_member_must_be_a_member_of_the_branch(base: Ledger) -> None:
    other = base.branches[1]
    stranger = _members(base, other.id)[0]
    group = _group(base).model_copy(update={"member_ids": (*_group(base).member_ids, stranger)})
    with pytest.raises(LedgerError, match=stranger):
        base.with_records(group)


def test_a_member_is_in_one_group_of_a_branch_at_a_time(base: Ledger) -> None:
    first, second = _group(base, 1, slice(0, 3)), _group(base, 2, slice(2, 5))
    with pytest.raises(LedgerError, match=r"同时属于党小组|at the same time"):
        base.with_records(first, second)
    # one after the other is fine
    ended = first.model_copy(update={"abolished": date(2021, 1, 1)})
    later = second.model_copy(update={"formed": date(2021, 1, 1)})
    assert len(base.with_records(ended, later).party_groups) == 2


def test_the_leader_is_one_of_the_members() -> None:
    with pytest.raises(ValueError, match="group leader"):
        PartyGroup(id="g", name="小组", branch_id="b", group_leader_id="x", member_ids=("y",))


def test_a_group_meeting_names_a_group_of_its_branch(base: Ledger) -> None:
    group = _group(base)
    (meeting,) = _meetings(group, range(1, 2))
    with pytest.raises(LedgerError, match="group_id"):
        base.with_records(group, meeting.model_copy(update={"group_id": None}))
    elsewhere = meeting.model_copy(update={"branch_id": base.branches[1].id})
    with pytest.raises(LedgerError, match=r"belongs to branch|属于支部"):
        base.with_records(group, elsewhere)
    with pytest.raises(ValueError, match="branch_id"):
        Activity(
            id="a", activity_kind="group_meeting", date=date(YEAR, 1, 1), owner_unit_id="u",
            group_id="g1",
        )  # fmt: skip


# --- the monthly group meeting ------------------------------------------------------------


def test_a_missed_month_is_one_warning_naming_it(base: Ledger) -> None:
    group = _group(base)
    ledger = base.with_records(group, *_meetings(group, range(1, 13), skip=(5, 9)))
    (finding,) = evaluate(ledger, year=YEAR).findings_of("builtin::org_life.group_meeting")
    assert (finding.subject.kind, finding.subject.id) == ("party_groups", "g1")
    assert (finding.reason, finding.severity) == ("missed", Severity.WARNING)
    assert (finding.expected, finding.actual) == (12, 10)
    assert "2022-05" in finding.message.en and "2022-09" in finding.message.zh
    assert finding.fix is not None and "group_id" in finding.fix.en
    assert finding.message.zh != finding.message.en


def test_a_month_not_yet_over_is_pending_not_missed(base: Ledger) -> None:
    group = _group(base)
    ledger = base.with_records(group, *_meetings(group, range(1, 7)))
    report = evaluate(ledger, as_of=date(YEAR, 7, 18))
    assert report.findings_of("builtin::org_life.group_meeting") == ()
    july = [o for o in report.occurrences if o.subject.id == "g1" and o.period == "2022-07"]
    assert [o.status for o in july] == ["pending"]


def test_a_group_formed_mid_year_is_judged_from_then_on(base: Ledger) -> None:
    group = _group(base).model_copy(update={"formed": date(YEAR, 9, 1)})
    ledger = base.with_records(group, *_meetings(group, range(9, 13)))
    report = evaluate(ledger, year=YEAR)
    assert report.findings_of("builtin::org_life.group_meeting") == ()
    assert sum(o.subject.id == "g1" for o in report.occurrences) == 4
    # a meeting of another group does not count for this one
    other = _group(base, 2, slice(3, 5))
    moved = [m.model_copy(update={"group_id": "g2"}) for m in _meetings(group, range(9, 13))]
    report = evaluate(base.with_records(group, other, *moved), year=YEAR)
    found = {f.subject.id: f.actual for f in report.findings_of("builtin::org_life.group_meeting")}
    assert found == {"g1": 0, "g2": 4}


def test_a_large_branch_without_groups_is_noted(base: Ledger) -> None:
    branch = base.branches[0]
    size = len(_members(base, branch.id))
    lower = ParameterOverride(
        id="p",
        key="party_groups.divide_from_members",
        value=size,
        effective_from=date(2018, 1, 1),
        source="测试",
    )
    report = evaluate(base.with_records(lower), year=YEAR)
    (finding,) = report.findings_of("builtin::branch.party_groups")
    assert (finding.subject.id, finding.severity, finding.reason) == (
        branch.id,
        Severity.INFO,
        "not_divided",
    )
    assert (finding.expected, finding.actual) == (size, size)
    group = _group(base)
    divided = base.with_records(lower, group, *_meetings(group, range(1, 13)))
    assert evaluate(divided, year=YEAR).findings_of("builtin::branch.party_groups") == ()
    higher = lower.model_copy(update={"value": size + 1})
    assert (
        evaluate(base.with_records(higher), year=YEAR).findings_of("builtin::branch.party_groups")
        == ()
    )


# --- model branches ------------------------------------------------------------------------


def _assessment(branch_id: str, year: int = YEAR, **criteria: bool) -> BranchAssessment:
    return BranchAssessment(
        id=f"{branch_id}.assess.{year}", branch_id=branch_id, year=year, **{**ALL_GOOD, **criteria}
    )


def _with_target(ledger: Ledger, per_year: int | None) -> Ledger:
    plan = Plan(
        id="plan.model",
        name="示范党支部创建规划",
        owner_unit_id=ledger.jurisdiction.root_unit_id,
        from_year=YEAR,
        to_year=YEAR + 2,
        targets=(PlanTarget(metric="model_branches", per_year=per_year),),
    )
    return ledger.with_records(plan)


@pytest.mark.parametrize("missed", [name for name, _ in SIX_GOODS])
def test_a_branch_missing_any_criterion_is_no_model_branch(base: Ledger, missed: str) -> None:
    """Each of the six criteria counts: drop one from the check and this fails."""
    one, two = base.branches[0].id, base.branches[1].id
    ledger = _with_target(base, 2).with_records(
        _assessment(one), _assessment(two, **{missed: False})
    )
    (finding,) = evaluate(ledger, year=YEAR).findings_of("builtin::plan.targets")
    assert (finding.reason, finding.expected, finding.actual) == ("target_missed", 2, 1)
    assert "branch_assessments.yaml" in finding.fix.en  # type: ignore[union-attr]
    full = ledger.with_records(_assessment(two))
    assert evaluate(full, year=YEAR).findings_of("builtin::plan.targets") == ()


def test_the_default_target_and_other_years(base: Ledger) -> None:
    one = base.branches[0].id
    ledger = _with_target(base, None).with_records(_assessment(one, YEAR - 1))
    (finding,) = evaluate(ledger, year=YEAR).findings_of("builtin::plan.targets")
    assert (finding.expected, finding.actual) == (1, 0)  # plan.target.model_branches
    assert evaluate(ledger.with_records(_assessment(one)), year=YEAR).findings == ()


def test_one_assessment_a_branch_and_year(base: Ledger) -> None:
    one = base.branches[0].id
    twice = _assessment(one).model_copy(update={"id": "again"})
    with pytest.raises(LedgerError, match=r"already has assessment|已有评定"):
        base.with_records(_assessment(one), twice)


def test_the_report_lists_groups_and_model_branches(base: Ledger) -> None:
    from cadrecore.reports.annual import build_annual_report

    group = _group(base)
    one, two = base.branches[0].id, base.branches[1].id
    ledger = base.with_records(
        group,
        *_meetings(group, range(1, 13), skip=(3,)),
        _assessment(two, good_role=False),
        _assessment(one),
    )
    sections = {s.key: s for s in build_annual_report(ledger, YEAR).sections}
    (groups,) = sections["builtin.party_groups"].tables
    assert groups.rows == ((base.branches[0].name, group.name, "王建国", 3, "11/12"),)
    (models,) = sections["builtin.model_branches"].tables
    assert [row[0] for row in models.rows] == [base.branches[0].name, base.branches[1].name]
    assert [row[-1] for row in models.rows] == ["是", "否"]
    assert "1 are model branches" in sections["builtin.model_branches"].paragraphs[0].en


# --- through the folder and the store ------------------------------------------------------


def test_groups_and_assessments_round_trip(base: Ledger, tmp_path: Path) -> None:
    group = _group(base)
    ledger = base.with_records(group, *_meetings(group, range(1, 13)), _assessment(group.branch_id))
    folder = ledger.save(tmp_path / "ledger")
    assert {"party_groups.yaml", "branch_assessments.yaml"} <= {p.name for p in folder.iterdir()}
    assert cadrecore.load_ledger(folder) == ledger
    with cadrecore.open_store(tmp_path / "s.sqlite") as store:
        store.save(ledger, actor="测试")
        assert store.load() == ledger


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(ledger=cst.ledgers())
def test_generated_ledgers_with_groups_are_judged_without_error(ledger: Ledger) -> None:
    report = evaluate(ledger, year=YEAR)
    assert not report.errored
    for finding in report.findings_of("builtin::org_life.group_meeting"):
        group = ledger.get("party_groups", finding.subject.id)
        assert isinstance(group, PartyGroup)
        assert finding.actual is not None and finding.expected is not None
        assert finding.actual < finding.expected
