"""Full coverage (全覆盖): every living retired party member in exactly one branch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity

SOURCE = "中共中央组织部关于加强新时代离退休干部党的建设工作的意见 (2022-05-15); seed: 实现了党组织全覆盖"


def check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = ctx.as_of
    members = ledger.party_members(on=day)
    covered_by_county: Counter[str] = Counter()
    total_by_county: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    for cadre in members:
        total_by_county[cadre.county_id] += 1
        branch = ledger.branch_of(cadre.id, on=day)
        if branch is not None and (branch.formed is None or branch.formed <= day):
            covered_by_county[cadre.county_id] += 1
            by_type[branch.branch_type] += 1
            continue
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
                f"党组织覆盖率 {covered}/{total}，未达到目标 {target:.0%}",
                f"coverage is {covered}/{total}, below the target {target:.0%}",
            ),
            expected=target,
            actual=round(covered / total, 4),
        )


RULES = (
    Rule(
        key="coverage.full",
        title=Text("党组织全覆盖", "full coverage: every member in one branch"),
        check=check_coverage,
        cites=(SOURCE,),
        parameters=("coverage.target_ratio",),
        topic="coverage",
    ),
)
