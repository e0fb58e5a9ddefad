"""The branch, coverage, checklist and treatment rules read the bulk kinds by columns (issue
#7); here they are held to the rules as they were, reading whole records, kept below as the
oracle: the same outcomes in the same order, and the same parameters consulted, on random
ledgers, on the Xinzhou example and on a synthetic province. (``tests/test_opened.py`` holds
an opened ledger to the loaded one.)
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger, get_registry
from cadrecore.builtin.rules import _common, branches, checklists, coverage, treatment
from cadrecore.builtin.rules._common import branch_exists_on, full_members, members_on
from cadrecore.i18n import Text
from cadrecore.models import Activity, Checklist, ChecklistEntry
from cadrecore.registry import ChecklistItem
from cadrecore.rules.engine import Outcome, RuleContext, get_rulebook
from cadrecore.rules.findings import Severity, Subject
from cadrecore.rules.parameters import ParameterResolver
from cadrecore.store import open_store
from cadrecore.strategies import ledgers
from cadrecore.synth import synthesize

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]  # fixtures, used by name

EXAMPLES = int(os.environ.get("CADRECORE_RULES_COLUMNS_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
RANDOM = ledgers(max_cadres=15, max_branches=4, max_activities=12)
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))

Check = Callable[[RuleContext], Iterable[Outcome]]


def _context(ledger: Ledger, rule_id: str, as_of: date, pm: Any = None) -> RuleContext:
    book = get_rulebook(pm)
    context = RuleContext(
        ledger, as_of.year, as_of, ParameterResolver(book.parameters, ledger, as_of)
    )
    context.rule_id = rule_id
    context.default_severity = book.rules[rule_id].rule.severity
    return context


def assert_judged_alike(ledger: Ledger, as_of: date, pm: Any = None) -> None:
    """Each rule gives what its oracle gives, in the same order, and asks for the same
    parameters."""
    for rule_id, check, oracle in PAIRS:
        new = _context(ledger, rule_id, as_of, pm)
        old = _context(ledger, rule_id, as_of, pm)
        assert list(check(new)) == list(oracle(old)), (rule_id, as_of)
        assert new.params.resolved == old.params.resolved, (rule_id, as_of)


@SETTINGS
@given(ledger=RANDOM, day=DAYS)
def test_the_rules_judge_random_ledgers_as_they_did(ledger: Ledger, day: date) -> None:
    assert_judged_alike(ledger, day)


def test_the_rules_judge_the_example_as_they_did(xinzhou: Ledger, xinzhou_pm: Any) -> None:
    for day in (date(2021, 12, 31), date(2022, 6, 30), date(2022, 12, 31), date(2023, 12, 31)):
        assert_judged_alike(xinzhou, day, xinzhou_pm)


def test_the_rules_judge_a_synthetic_province_as_they_did(xinzhou_pm: Any) -> None:
    province = synthesize(800, seed=11, registry=get_registry(xinzhou_pm))
    for day in (date(2019, 3, 1), date(2022, 7, 1), date(2022, 12, 31), date(2023, 12, 31)):
        assert_judged_alike(province, day, xinzhou_pm)


def test_values_by_id_reads_the_records_asked_for(tmp_path: Path, xinzhou: Ledger) -> None:
    """From memory or, on an opened ledger, by columns (all the ids in one read): the same
    values."""
    ids = [c.id for c in xinzhou.cadres][::3]
    ids += ids[:2]  # asked twice: read once
    with open_store(tmp_path / "store.sqlite") as store:
        store.save(xinzhou, actor="test")
        opened = store.open(registry=xinzhou.registry)
        for fields in (("name",), ("birth_date", "deceased", "party_status")):
            expected = {c.id: tuple(getattr(c, f) for f in fields) for c in xinzhou.cadres[::3]}
            assert _common.values_by_id(xinzhou, "cadres", ids, *fields) == expected
            assert _common.values_by_id(opened, "cadres", ids, *fields) == expected
        assert "cadres" not in opened.__dict__  # read by columns, not whole
        assert _common.values_by_id(opened, "cadres", []) == {}


# ---------------------------------------------------------------------------------------------
# The oracle: the rules as they were, reading whole records (do not optimise these)
# ---------------------------------------------------------------------------------------------


def old_check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = ctx.as_of
    members = ledger.party_members(on=day)
    covered_by_county: Counter[str] = Counter()
    total_by_county: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    uncovered: list[str] = []
    for cadre in members:
        total_by_county[cadre.county_id] += 1
        branch = ledger.branch_of(cadre.id, on=day)
        if branch is not None and (branch.formed is None or branch.formed <= day):
            covered_by_county[cadre.county_id] += 1
            by_type[branch.branch_type] += 1
            continue
        uncovered.append(cadre.id)
        yield ctx.finding(
            ("cadres", cadre.id),
            "not_in_branch",
            Text(
                f"党员 {cadre.name} 未编入任何党支部",
                f"party member {cadre.name} belongs to no branch",
            ),
            expected=1,
            actual=0,
            fix=Text(
                "按地缘、趣缘或业缘编入一个支部（memberships.csv）",
                "add them to one branch by place, interest or former work (memberships.csv)",
            ),
        )
    for membership in ledger.memberships:
        cadre = ledger.cadre(membership.cadre_id)
        if (
            cadre.deceased
            and cadre.deceased <= day
            and (membership.until is None or membership.until > cadre.deceased)
        ):
            yield ctx.finding(
                ("cadres", cadre.id),
                "deceased_member",
                Text(
                    f"{cadre.name} 已于 {cadre.deceased} 去世，支部成员记录未注销",
                    f"{cadre.name} died on {cadre.deceased} but is still recorded as a member",
                ),
                severity=Severity.WARNING,
                fix=Text(
                    "在 memberships.csv 中填写 until（退出日期）", "set 'until' in memberships.csv"
                ),
            )
    total = sum(total_by_county.values())
    covered = sum(covered_by_county.values())
    yield ctx.measure(
        "coverage",
        ("units", ledger.jurisdiction.root_unit_id),
        covered,
        total,
        Text("党组织覆盖率", "coverage"),
    )
    for county_id in sorted(total_by_county):
        yield ctx.measure(
            "coverage",
            ("units", county_id),
            covered_by_county[county_id],
            total_by_county[county_id],
            Text("党组织覆盖率", "coverage"),
        )
    for branch_type in sorted(by_type):
        yield ctx.measure(
            "members_by_branch_type",
            ("branch_types", branch_type),
            by_type[branch_type],
            covered,
            Text("按支部类型的党员占比", "share of members by branch type"),
        )
    target = ctx.param("coverage.target_ratio")
    if total and covered / total < target:
        yield ctx.finding(
            ("units", ledger.jurisdiction.root_unit_id),
            "coverage_below_target",
            Text(
                f"党组织覆盖率 {covered}/{total}，未达到目标 {target:.0%}：缺口即"
                f" {len(uncovered)} 名未编入支部的党员，已逐人列为问题，不另计",
                f"coverage is {covered}/{total}, below the target {target:.0%}: the gap is the "
                f"{len(uncovered)} member(s) in no branch, each a finding of their own "
                "(not_in_branch), not counted again",
            ),
            severity=Severity.INFO,
            expected=target,
            actual=round(covered / total, 4),
            evidence=uncovered[: coverage.EVIDENCE_SHOWN],
            fix=Text(
                f"将未编入支部的 {total - covered} 名党员编入支部（memberships.csv）",
                f"add the {total - covered} members in no branch to a branch (memberships.csv)",
            ),
        )


def old_check_formation(ctx: RuleContext) -> Iterator[Outcome]:
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of):
            continue
        members = members_on(ctx.ledger, branch, ctx.as_of)
        full = full_members(members)
        minimum = ctx.param("branch.min_full_members", branch.county_id)
        subject = ("branches", branch.id)
        if len(full) < minimum:
            yield ctx.finding(
                subject,
                "below_minimum",
                Text(
                    f"支部“{branch.name}”正式党员 {len(full)} 名，少于成立所需 {minimum} 名",
                    f"branch '{branch.name}' has {len(full)} full member(s); {minimum} are needed "
                    "(probationary members do not count)",
                ),
                expected=minimum,
                actual=len(full),
                fix=Text(
                    f"补充正式党员至 {minimum} 名以上，或与邻近单位组建联合党支部",
                    f"bring it to {minimum} full members, or merge into a joint branch with "
                    "neighbouring units",
                ),
            )
        largest = ctx.param("branch.max_members", branch.county_id)
        if len(members) > largest:
            yield ctx.finding(
                subject,
                "above_maximum",
                Text(
                    f"支部“{branch.name}”有党员 {len(members)} 名，一般不超过 {largest} 名",
                    f"branch '{branch.name}' has {len(members)} members; generally at most {largest}",
                ),
                severity=Severity.WARNING,
                expected=largest,
                actual=len(members),
                fix=Text(
                    "考虑分设支部或成立党总支", "consider splitting it or forming a general branch"
                ),
            )
        widest = ctx.param("branch.joint_max_units", branch.county_id)
        if branch.is_joint and len(branch.covers_unit_ids) > widest:
            yield ctx.finding(
                subject,
                "joint_too_wide",
                Text(
                    f"联合党支部覆盖 {len(branch.covers_unit_ids)} 个单位，一般不超过 {widest} 个",
                    f"joint branch covers {len(branch.covers_unit_ids)} units; generally at most {widest}",
                ),
                severity=Severity.WARNING,
                expected=widest,
                actual=len(branch.covers_unit_ids),
                fix=branches.FIX_JOINT_TOO_WIDE,
            )


def old_check_committee_required(ctx: RuleContext) -> Iterator[Outcome]:
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of):
            continue
        full = full_members(members_on(ctx.ledger, branch, ctx.as_of))
        trigger = ctx.param("branch.committee_required_from", branch.county_id)
        if len(full) >= trigger and not branch.has_committee:
            yield ctx.finding(
                ("branches", branch.id),
                "committee_missing",
                Text(
                    f"支部“{branch.name}”正式党员 {len(full)} 名（≥{trigger}），应设立支部委员会",
                    f"branch '{branch.name}' has {len(full)} full members (≥ {trigger}) and needs a "
                    "branch committee",
                ),
                expected=trigger,
                actual=len(full),
                fix=Text(
                    "召开党员大会选举支部委员会", "elect a branch committee at a general meeting"
                ),
            )


def old_check_committee_size(ctx: RuleContext) -> Iterator[Outcome]:
    for branch in ctx.ledger.branches:
        if not branch.has_committee or not branch_exists_on(branch, ctx.as_of):
            continue
        size = len(branch.committee_ids)
        low = ctx.param("branch.committee_min_size", branch.county_id)
        usual = ctx.param("branch.committee_usual_max_size", branch.county_id)
        high = ctx.param("branch.committee_max_size", branch.county_id)
        subject = ("branches", branch.id)
        if size < low or size > high:
            yield ctx.finding(
                subject,
                "committee_size",
                Text(
                    f"支部委员会 {size} 人，应为 {low}至{usual} 人、一般不超过 {high} 人",
                    f"the committee has {size} member(s); it should have {low} to {usual}, "
                    f"generally at most {high}",
                ),
                expected=f"{low}-{usual}",
                actual=size,
                fix=Text(
                    f"召开党员大会增补或调整支部委员，使委员会为 {low}至{usual} 人",
                    f"elect or stand down committee members at a general meeting to bring it to "
                    f"{low} to {usual}",
                ),
            )
        elif size > usual:
            yield ctx.finding(
                subject,
                "committee_large",
                Text(
                    f"支部委员会 {size} 人，通常为 {low}至{usual} 人",
                    f"the committee has {size} members; usually {low} to {usual}",
                ),
                severity=Severity.INFO,
                expected=f"{low}-{usual}",
                actual=size,
                fix=Text(
                    f"下次换届时将委员会调整为 {low}至{usual} 人",
                    f"at the next election, bring the committee to {low} to {usual}",
                ),
            )
        full = full_members(members_on(ctx.ledger, branch, ctx.as_of))
        trigger = ctx.param("branch.committee_required_from", branch.county_id)
        if len(full) < trigger:
            yield ctx.finding(
                subject,
                "committee_not_required",
                Text(
                    f"正式党员不足 {trigger} 名的支部一般不设委员会，设书记（必要时副书记）",
                    f"a branch of fewer than {trigger} full members usually has a secretary (and a "
                    "deputy if needed), not a committee",
                ),
                severity=Severity.INFO,
                expected=trigger,
                actual=len(full),
                fix=Text(
                    "下次换届时只选书记（必要时选副书记），不再设委员会",
                    "at the next election, elect a secretary (and a deputy if needed) instead "
                    "of a committee",
                ),
            )


def old_check_secretary(ctx: RuleContext) -> Iterator[Outcome]:
    for branch in ctx.ledger.branches:
        if not branch_exists_on(branch, ctx.as_of):
            continue
        subject = ("branches", branch.id)
        if branch.secretary_id is None:
            yield ctx.finding(
                subject,
                "no_secretary",
                Text(f"支部“{branch.name}”未配备书记", f"branch '{branch.name}' has no secretary"),
                fix=Text("选举产生支部书记并录入", "elect a secretary and record them"),
            )
            continue
        secretary = ctx.ledger.cadre(branch.secretary_id)
        oldest = ctx.param("branch.secretary_max_age", branch.county_id)
        age = secretary.age_on(ctx.as_of)
        if age > oldest:
            yield ctx.finding(
                subject,
                "secretary_age",
                Text(
                    f"支部书记 {secretary.name} {age} 岁，一般不超过 {oldest} 岁",
                    f"secretary {secretary.name} is {age}; generally at most {oldest}",
                ),
                severity=Severity.WARNING,
                expected=oldest,
                actual=age,
                fix=branches.FIX_SECRETARY_AGE,
            )
        if not secretary.alive_on(ctx.as_of):
            yield ctx.finding(
                subject,
                "secretary_deceased",
                Text(
                    f"支部书记 {secretary.name} 已去世，须补选",
                    f"secretary {secretary.name} has died; elect a new one",
                ),
                fix=branches.FIX_SECRETARY_DECEASED,
            )


def old_check_members_away(ctx: RuleContext) -> Iterator[Outcome]:
    for branch in ctx.ledger.branches:
        if branch.branch_type == "mobile" or not branch_exists_on(branch, ctx.as_of):
            continue
        months = ctx.param("branch.away_months", branch.county_id)
        for cadre in members_on(ctx.ledger, branch, ctx.as_of):
            if (
                cadre.living_away
                and cadre.away_since
                and cadre.away_since + relativedelta(months=months) <= ctx.as_of
            ):
                yield ctx.finding(
                    ("cadres", cadre.id),
                    "away_member",
                    Text(
                        f"{cadre.name} 异地居住已满 {months} 个月，应就地参加组织生活或编入流动支部",
                        f"{cadre.name} has lived away for {months}+ months: take part where they live, "
                        "or join a mobile branch",
                    ),
                    severity=Severity.INFO,
                    expected=months,
                    fix=branches.FIX_AWAY_MEMBER,
                )


def old_entries(ctx: RuleContext) -> Iterator[tuple[Checklist, ChecklistEntry, ChecklistItem, str]]:
    for checklist in ctx.ledger.checklists:
        if checklist.holds_in(ctx.year):
            for entry in checklist.items:
                item = ctx.registry.checklist_items.get(entry.item)
                yield checklist, entry, item, entry.owner_unit_id or checklist.owner_unit_id


def old_evidence(ctx: RuleContext, item: ChecklistItem, owner: str) -> list[Activity]:
    return [
        a
        for a in ctx.ledger.activities_of(item.evidence_kind, period=ctx.period, unit_id=owner)
        if a.date <= ctx.as_of
    ]


def old_subject(checklist: Checklist, entry: ChecklistEntry) -> Subject:
    return Subject("checklist_items", f"{checklist.id}:{entry.item}")


def old_check_items(ctx: RuleContext) -> Iterator[Outcome]:
    """The item rule on whole activity records: an ``Activity`` is itself a ``HeldRecord``
    (its ``bodies_present`` and ``attendance``), so the conditions judge the record as the
    rule judges the columns it reads."""
    for checklist, entry, item, owner in old_entries(ctx):
        due = (entry.due or item.default_due).in_year(ctx.year)
        subject = old_subject(checklist, entry)
        records = old_evidence(ctx, item, owner)
        label = item.label
        good = next((a for a in records if not item.unmet(a)), None)
        if good is not None:
            status = "done" if good.date <= due else "late"
            yield ctx.occurrence(
                subject, str(ctx.year), due, status, satisfied_by=good.id, done_on=good.date
            )
            if status == "late":
                yield ctx.finding(
                    subject,
                    "done_late",
                    Text(
                        f"“{label.zh}”于 {good.date} 完成，晚于时限 {due}",
                        f"'{label.en}' was done on {good.date}, after its due date {due}",
                    ),
                    severity=Severity.WARNING,
                    expected=due.isoformat(),
                    actual=good.date.isoformat(),
                    evidence=[good.id],
                    fix=Text(
                        f"下一年度在时限（{due.month} 月 {due.day} 日）前开展“{label.zh}”",
                        f"next year, hold the '{label.en}' by its due date "
                        f"({due.month:02d}-{due.day:02d})",
                    ),
                )
        elif records:
            nearest = checklists._nearest(item, records)  # type: ignore[arg-type]
            yield from checklists._unmet(ctx, item, subject, due, nearest)
        elif ctx.as_of >= due:
            kind = ctx.registry.activity_kinds.get(item.evidence_kind).label
            needing = checklists._needing(item)
            yield ctx.occurrence(subject, str(ctx.year), due, "overdue")
            yield ctx.finding(
                subject,
                "overdue",
                Text(
                    f"“{label.zh}”已过时限 {due} 仍未完成（{ctx.year} 年应 1 次，实 0 次）",
                    f"'{label.en}' is overdue since {due}: required 1 in {ctx.year}, held 0",
                ),
                expected=1,
                actual=0,
                fix=Text(
                    f"开展并记录一次“{label.zh}”（活动类型“{kind.zh}”，责任单位 {owner}）"
                    + needing.zh,
                    f"hold and record a {kind.en!r} activity owned by {owner}" + needing.en,
                ),
            )
        else:
            yield ctx.occurrence(
                subject, str(ctx.year), due, "pending", note=Text(f"时限 {due}", f"due {due}")
            )


def old_check_higher_standard(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = min(ctx.as_of, ctx.period.end)
    standards_by_item: dict[str, list] = {}  # type: ignore[type-arg]
    for std in ledger.treatment_standards:
        standards_by_item.setdefault(std.treatment_item, []).append(std)
    for grant in ledger.treatment_grants:
        if grant.year != ctx.year:
            continue
        cadre = ledger.cadre(grant.cadre_id)
        judged_on = max(date(grant.year, 1, 1), min(day, date(grant.year, 12, 31)))
        applicable = [
            s
            for s in standards_by_item.get(grant.treatment_item, ())
            if s.applies_to(cadre, judged_on)
        ]
        subject = ("treatment_grants", grant.id)
        granted = ledger.get("treatment_standards", grant.standard_id)
        if granted not in applicable:
            yield ctx.finding(
                subject,
                "standard_not_applicable",
                Text(
                    f"{cadre.name} 的“{grant.treatment_item}”按标准 {granted.name} 发放，但该标准不适用于其",
                    f"{cadre.name}'s '{grant.treatment_item}' follows standard {granted.id!r}, which does "
                    "not apply to them",
                ),
                severity=Severity.WARNING,
                fix=Text(
                    "核对该老干部的离退休类型、职级和所在县（花名册）；无误的，改按适用的标准发放",
                    "check the cadre's retirement kind, rank and county on the roster; if they "
                    "are right, grant it by a standard that applies",
                ),
            )
        if not applicable:
            continue
        best = max(applicable, key=lambda s: (s.amount_yuan, s.id))
        if grant.amount_yuan < best.amount_yuan:
            yield ctx.finding(
                subject,
                "lower_standard",
                Text(
                    f"{cadre.name} 的“{grant.treatment_item}”发放 {grant.amount_yuan} 元，"
                    f"应就高按“{best.name}” {best.amount_yuan} 元",
                    f"{cadre.name}'s '{grant.treatment_item}' is {grant.amount_yuan} yuan; the higher "
                    f"standard {best.name!r} gives {best.amount_yuan}",
                ),
                expected=str(best.amount_yuan),
                actual=str(grant.amount_yuan),
                evidence=[best.id],
                fix=Text(
                    f"按“{best.name}”补发差额 {best.amount_yuan - grant.amount_yuan} 元",
                    f"pay the difference of {best.amount_yuan - grant.amount_yuan} yuan",
                ),
            )


PAIRS: tuple[tuple[str, Check, Check], ...] = (
    ("builtin::coverage.full", coverage.check_coverage, old_check_coverage),
    ("builtin::branch.formation", branches.check_formation, old_check_formation),
    (
        "builtin::branch.committee_required",
        branches.check_committee_required,
        old_check_committee_required,
    ),
    ("builtin::branch.committee_size", branches.check_committee_size, old_check_committee_size),
    ("builtin::branch.secretary", branches.check_secretary, old_check_secretary),
    ("builtin::branch.members_away", branches.check_members_away, old_check_members_away),
    ("builtin::checklist.items", checklists.check_items, old_check_items),
    (
        "builtin::treatment.higher_standard",
        treatment.check_higher_standard,
        old_check_higher_standard,
    ),
)
