"""Full coverage (全覆盖): every living retired party member in exactly one branch.

The cadres and memberships are read by columns (:meth:`~cadrecore.Ledger.columns`), never as
records: the party members' ids and counties; each cadre's death
(:func:`~._common.cadre_facts`); the memberships' cadre, branch and dates, and who is a member
of which branch on the day (:func:`~.branches.branch_members_on`, shared with the branch rules);
the branches' formation and type. Names are read only for the cadres a finding names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from ...i18n import Text
from ...ledger import Ledger
from ...models import PartyStatus
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import cadre_facts
from .branches import branch_members_on, values_by_id

SOURCE = "中共中央组织部关于加强新时代离退休干部党的建设工作的意见 (2022-05-15); seed: 实现了党组织全覆盖"

#: Every party status: a cadre with one is a party member (``Cadre.is_party_member``).
_PARTY = frozenset(PartyStatus)


def _covering_type(ledger: Ledger, day: date) -> dict[str, str]:
    """Per cadre alive and covered on ``day``, the type of the branch covering them: the branch
    ``ledger.branch_of(cadre_id, on=day)`` gives, if it was formed by then.

    ``branch_of`` takes the latest begun of the cadre's memberships holding on the day; a
    ledger refuses a cadre's memberships that overlap, so there is at most one, and the branch
    a living cadre is a member of on the day (:func:`~.branches.branch_members_on`) is it.
    """
    formed = {
        branch_id: branch_type
        for branch_id, formed_on, branch_type in ledger.columns(
            "branches", "id", "formed", "branch_type"
        )
        if formed_on is None or formed_on <= day
    }
    covering: dict[str, str] = {}
    for branch_id, members in branch_members_on(ledger, day).items():
        branch_type = formed.get(branch_id)
        if branch_type is not None:
            covering.update(dict.fromkeys(members.ids, branch_type))
    return covering


def check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = ctx.as_of
    # the cadres dead by the day (not Cadre.alive_on), and when they died
    died = {
        cadre_id: fact.deceased
        for cadre_id, fact in cadre_facts(ledger).items()
        if fact.deceased is not None and fact.deceased <= day
    }
    covering = _covering_type(ledger, day)
    # the counties of the members counted and of those covered, the types of their branches
    counted_in: list[str] = []
    covered_in: list[str] = []
    types: list[str] = []
    uncovered: list[str] = []
    # the party members alive on the day (ledger.party_members(on=day)), in ledger order
    for cadre_id, county_id in ledger.columns(
        "cadres", "id", "county_id", where={"party_status": _PARTY}
    ):
        if cadre_id in died:
            continue
        counted_in.append(county_id)
        branch_type = covering.get(cadre_id)
        if branch_type is None:
            uncovered.append(cadre_id)
        else:
            covered_in.append(county_id)
            types.append(branch_type)
    total_by_county = Counter(counted_in)
    covered_by_county = Counter(covered_in)
    by_type = Counter(types)
    # members still recorded in a branch after their death, membership by membership
    dead_members: list[tuple[str, date]] = []
    # (the columns member_spans read for branch_members_on: read once)
    for cadre_id, _, _, until in ledger.columns(
        "memberships", "cadre_id", "branch_id", "since", "until"
    ):
        deceased = died.get(cadre_id)
        if deceased is not None and (until is None or until > deceased):
            dead_members.append((cadre_id, deceased))
    names = values_by_id(
        ledger, "cadres", [*uncovered, *(cadre_id for cadre_id, _ in dead_members)], "name"
    )
    for cadre_id in uncovered:
        (name,) = names[cadre_id]
        yield ctx.finding(
            ("cadres", cadre_id),
            "not_in_branch",
            Text(
                f"党员 {name} 未编入任何党支部",
                f"party member {name} belongs to no branch",
            ),
            expected=1,
            actual=0,
            fix=Text(
                "按地缘、趣缘或业缘编入一个支部（memberships.csv）",
                "add them to one branch by place, interest or former work (memberships.csv)",
            ),
        )
    for cadre_id, deceased in dead_members:
        (name,) = names[cadre_id]
        yield ctx.finding(
            ("cadres", cadre_id),
            "deceased_member",
            Text(
                f"{name} 已于 {deceased} 去世，支部成员记录未注销",
                f"{name} died on {deceased} but is still recorded as a member",
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
