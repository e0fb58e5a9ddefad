"""Staffing quotas (机构编制): occupied never above approved establishment or leadership posts,
kinds never mixed, no appointment while over quota (from 2014), sub-units within the parent's.

One gap, one finding: a public-institution post used in a party or government organ is one
error (``kind_mixed``), not a second one for exceeding the organ's public-institution
establishment (none may be approved there); a tier's leadership posts over their number because
a grade of that tier is over (正职 or 副职, each found) are the grade's error, and the tier's
total is a measure (``leadership_post_use``) with at most an info finding pointing at them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from ...i18n import Text
from ...ledger import Ledger
from ...models import Assignment, EstablishmentKind, PostGrade, PostTier, UnitKind
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity

SOURCE = "中国共产党机构编制工作条例 (2019); 关于严格规范超职数配备干部问题的通知 (2014-01)"
ORGANS = {
    UnitKind.PARTY_COMMITTEE,
    UnitKind.ORGANIZATION_DEPARTMENT,
    UnitKind.VETERAN_CADRE_BUREAU,
    UnitKind.WORKING_COMMITTEE,
    UnitKind.GOVERNMENT,
    UnitKind.DEPARTMENT,
}


def approved_establishment(ledger: Ledger, day: date) -> Counter[tuple[str, EstablishmentKind]]:
    approved: Counter[tuple[str, EstablishmentKind]] = Counter()
    for e in ledger.establishments:
        if e.holds_on(day):
            approved[(e.unit_id, e.kind)] += e.approved
    return approved


def occupied_establishment(
    ledger: Ledger, day: date, skip: Assignment | None = None
) -> Counter[tuple[str, EstablishmentKind]]:
    occupied: Counter[tuple[str, EstablishmentKind]] = Counter()
    for a in ledger.assignments:
        if a is not skip and a.holds_on(day):
            occupied[(a.unit_id, a.establishment_kind)] += 1
    return occupied


def _post_counts(
    ledger: Ledger, day: date, skip: Assignment | None = None
) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]]]:
    """Approved and occupied leadership posts by (unit, tier, grade or '*')."""
    approved: Counter[tuple[str, str, str]] = Counter()
    for p in ledger.leadership_posts:
        if p.holds_on(day):
            approved[(p.unit_id, p.tier.value, p.grade.value if p.grade else "*")] += p.approved
    occupied: Counter[tuple[str, str, str]] = Counter()
    for a in ledger.assignments:
        if a is not skip and a.tier is not None and a.holds_on(day):
            occupied[(a.unit_id, a.tier.value, "*")] += 1
            if a.grade is not None:
                occupied[(a.unit_id, a.tier.value, a.grade.value)] += 1
    return approved, occupied


def check_establishment(ctx: RuleContext) -> Iterator[Outcome]:
    ledger, day = ctx.ledger, ctx.as_of
    approved = approved_establishment(ledger, day)
    occupied = occupied_establishment(ledger, day)
    for (unit_id, kind), count in sorted(occupied.items()):
        unit = ledger.unit(unit_id)
        subject = ("units", unit_id)
        if kind is EstablishmentKind.PUBLIC_INSTITUTION and unit.kind in ORGANS:
            yield ctx.finding(
                subject,
                "kind_mixed",
                Text(
                    f"{unit.name} 为党政机关，不得使用事业编制（{count} 人）",
                    f"{unit.name} is a party or government organ and may not use public-institution "
                    f"establishment ({count} people)",
                ),
                expected=0,
                actual=count,
                fix=Text(
                    "将使用事业编制的人员调整到行政编制或调出本单位，并报机构编制部门",
                    "move those on public-institution posts to administrative posts or out of the "
                    "organ, and report it to the establishment office",
                ),
            )
        mixed = kind is EstablishmentKind.PUBLIC_INSTITUTION and unit.kind in ORGANS
        limit = approved.get((unit_id, kind), 0)
        if count > limit and not mixed:  # (mixed: the one error above, not a second)
            yield ctx.finding(
                subject,
                "over_establishment",
                Text(
                    f"{unit.name}{kind.zh}核定 {limit} 名，实有 {count} 名，超编 {count - limit} 名",
                    f"{unit.name}: {kind.en} approved {limit}, occupied {count}, "
                    f"{count - limit} over",
                ),
                expected=limit,
                actual=count,
                fix=Text(
                    "调整人员或报机构编制部门核定",
                    "move staff or have the establishment re-approved",
                ),
            )
        yield ctx.measure("establishment_use", ("units", f"{unit_id}:{kind.value}"), count, limit)


def check_posts(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    approved, occupied = _post_counts(ledger, ctx.as_of)
    tiers_with_posts = {(u, t) for (u, t, _g) in approved}
    checks = dict(approved)
    for (unit_id, tier, grade), _count in occupied.items():
        if grade == "*" and (unit_id, tier) not in tiers_with_posts:
            checks[(unit_id, tier, grade)] = 0  # occupied with none approved
    # the posts over at each grade of a unit's tier: a tier's total over by no more than its
    # grades are is the same gap, found at the grade (one gap, one finding)
    over_by_grade: Counter[tuple[str, str]] = Counter()
    for (unit_id, tier, grade), limit in checks.items():
        if grade != "*":
            over_by_grade[(unit_id, tier)] += max(
                0, occupied.get((unit_id, tier, grade), 0) - limit
            )
    for (unit_id, tier, grade), limit in sorted(checks.items()):
        count = occupied.get((unit_id, tier, grade), 0)
        if grade == "*":
            yield ctx.measure(
                "leadership_post_use",
                ("units", f"{unit_id}:{tier}"),
                count,
                limit,
                Text("领导职数使用", "leadership posts used"),
            )
        if count <= limit:
            continue
        unit = ledger.unit(unit_id)
        level = PostTier(tier).label
        if grade != "*":
            rank = PostGrade(grade).label
            level = Text(f"{level.zh}{rank.zh}", f"{level.en}, {rank.en}")
        elif count - limit <= over_by_grade[(unit_id, tier)]:
            yield ctx.finding(
                ("units", unit_id),
                "over_posts_by_grade",
                Text(
                    f"{unit.name}{level.zh}领导职数核定 {limit} 名，实配 {count} 名："
                    "超出部分即正职或副职的超配，已按正副职报告，不另计",
                    f"{unit.name}: leadership posts ({level.en}) approved {limit}, occupied "
                    f"{count}: the excess is a grade's (chief or deputy), found there, not "
                    "counted again",
                ),
                severity=Severity.INFO,
                expected=limit,
                actual=count,
            )
            continue
        yield ctx.finding(
            ("units", unit_id),
            "over_posts",
            Text(
                f"{unit.name}{level.zh}领导职数核定 {limit} 名，实配 {count} 名",
                f"{unit.name}: leadership posts ({level.en}) approved {limit}, occupied {count}",
            ),
            expected=limit,
            actual=count,
            fix=Text(
                "消化超职数配备，期间不再新配",
                "reduce to the approved number; no new appointment meanwhile",
            ),
        )


def check_appointments_while_over(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    for a in ledger.assignments:
        if a.start not in ctx.period or a.start > ctx.as_of:
            continue
        if not ctx.param_on("quota.no_overstaffing", a.start):
            continue
        if a.appointment_basis.value in ctx.param_on("quota.appointment_exceptions", a.start):
            continue
        before = a.start - timedelta(days=1)
        approved = approved_establishment(ledger, before)
        occupied = occupied_establishment(ledger, before, skip=a)
        key = (a.unit_id, a.establishment_kind)
        if occupied.get(key, 0) > approved.get(key, 0):
            unit = ledger.unit(a.unit_id)
            yield ctx.finding(
                ("assignments", a.id),
                "appointed_while_over",
                Text(
                    f"{unit.name} 超编期间（{occupied[key]}/{approved.get(key, 0)}）仍任用新人员",
                    f"{unit.name} was over its establishment ({occupied[key]}/{approved.get(key, 0)}) "
                    "when this appointment was made",
                ),
                expected=approved.get(key, 0),
                actual=occupied[key],
                fix=Text(
                    "超编期间不得新进人员；属军转安置、机构改革或换届的，请填写任用依据",
                    "no new appointment while over; for demobilized officers, reform or elections, "
                    "record the appointment basis",
                ),
            )
        if a.tier is not None:
            post_approved, post_occupied = _post_counts(ledger, before, skip=a)
            pkey = (a.unit_id, a.tier.value, "*")
            if (
                post_approved.get(pkey) is not None
                and post_occupied.get(pkey, 0) > post_approved[pkey]
            ):
                yield ctx.finding(
                    ("assignments", a.id),
                    "promoted_while_over",
                    Text(
                        "超职数期间仍新配领导职务",
                        "a leadership appointment was made while over the posts",
                    ),
                    expected=post_approved[pkey],
                    actual=post_occupied[pkey],
                    fix=Text(
                        "超职数期间不得新配领导职务；属军转安置、机构改革或换届的，请填写任用依据",
                        "no leadership appointment while over the posts; for demobilized "
                        "officers, reform or elections, record the appointment basis",
                    ),
                )


def check_sub_units(ctx: RuleContext) -> Iterator[Outcome]:
    ledger, day = ctx.ledger, ctx.as_of
    approved = approved_establishment(ledger, day)
    allocated: dict[tuple[str, EstablishmentKind], int] = defaultdict(int)
    for e in ledger.establishments:
        if e.part_of_parent and e.holds_on(day):
            parent = ledger.unit(e.unit_id).parent_id
            if parent is not None:
                allocated[(parent, e.kind)] += e.approved
    for (parent_id, kind), total in sorted(allocated.items()):
        own = approved.get((parent_id, kind), 0)
        if total > own:
            parent_unit = ledger.unit(parent_id)
            yield ctx.finding(
                ("units", parent_id),
                "sub_units_exceed_parent",
                Text(
                    f"{parent_unit.name} 内设机构占用{kind.zh} {total} 名，超过本单位核定 {own} 名",
                    f"{parent_unit.name}: sub-units hold {total} posts of its {kind.en}, "
                    f"more than the {own} approved to it",
                ),
                expected=own,
                actual=total,
                fix=Text(
                    f"核减内设机构的编制 {total - own} 名，或报机构编制部门增加 {parent_unit.name} 的核定数",
                    f"take {total - own} posts from the sub-units, or have {parent_unit.name}'s "
                    "establishment raised by the establishment office",
                ),
            )


RULES = (
    Rule(
        key="quota.establishment",
        title=Text("不超编、不混编", "within establishment, kinds never mixed"),
        check=check_establishment,
        cites=(SOURCE,),
        topic="quotas",
    ),
    Rule(
        key="quota.leadership_posts",
        title=Text("不超职数配备", "within leadership posts"),
        check=check_posts,
        severities=(Severity.INFO, Severity.ERROR),
        cites=(SOURCE,),
        topic="quotas",
    ),
    Rule(
        key="quota.no_appointment_while_over",
        title=Text("超编超职数期间不得新进", "no appointment while over"),
        check=check_appointments_while_over,
        cites=(SOURCE,),
        parameters=("quota.no_overstaffing", "quota.appointment_exceptions"),
        topic="quotas",
    ),
    Rule(
        key="quota.sub_units_within_parent",
        title=Text("内设机构编制不超过本单位", "sub-units within the parent's quota"),
        check=check_sub_units,
        cites=(SOURCE,),
        topic="quotas",
    ),
)
