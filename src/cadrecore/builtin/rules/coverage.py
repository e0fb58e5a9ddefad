"""Full coverage (全覆盖): every living retired party member in exactly one branch.

The cadres and memberships are read by columns (:meth:`~cadrecore.Ledger.columns`), never as
records: the party members' ids and counties; each cadre's death
(:func:`~._common.cadre_facts`); the memberships' cadre, branch and dates (the columns the
branch rules read too), in one pass for who is covered on the day; the branches' formation and
type. Names are read only for the cadres a finding names.

One gap, one finding: a party member outside every branch is one error, on the member
(``not_in_branch``). The coverage of the city and of each county is a measure of those same
gaps, never a second error; below ``coverage.target_ratio`` the rule adds at most one *info*
finding (``coverage_below_target``) that names the members found (its ``evidence``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import compress, repeat
from operator import and_, is_not, itemgetter, not_
from typing import cast

from ...i18n import Text
from ...ledger import Ledger
from ...reports.figures import holding_on
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import CADRE_FACTS_READS, MEMBER_SPANS_READS, cadre_facts, values_by_id

EVIDENCE_SHOWN = 20
"""How many of the members in no branch the coverage note names (the rest are counted)."""

SOURCE = Text(
    "中共中央组织部《关于加强新时代离退休干部党的建设工作的意见》（2022-05-15）；"
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18：实现了党组织全覆盖",
    "中共中央组织部《关于加强新时代离退休干部党的建设工作的意见》 (2022-05-15); "
    "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): "
    "every retired party member covered by a party organization",
)


def _covering_type(ledger: Ledger, day: date) -> dict[str, str]:
    """Per cadre alive and covered on ``day``, the type of the branch covering them: the branch
    ``ledger.branch_of(cadre_id, on=day)`` gives, if it was formed by then.

    ``branch_of`` takes the latest begun of the cadre's memberships holding on the day; a
    ledger refuses a cadre's memberships that overlap, so there is at most one. One pass over
    the memberships' columns (those :func:`~._common.member_spans` reads, so one read serves
    both), without listing each branch's members.
    """
    formed = {
        branch_id: branch_type
        for branch_id, formed_on, branch_type in ledger.columns(
            "branches", "id", "formed", "branch_type"
        )
        if formed_on is None or formed_on <= day
    }
    died = cadre_facts(ledger).deceased
    # the memberships holding on the day (each distinct date compared once; the rest in C)
    cadre_ids, branch_ids, holding = holding_on(ledger, day)
    # the type of each one's branch, if formed by then; a cadre's later membership wins
    types = list(map(formed.get, compress(branch_ids, holding)))
    in_formed = map(is_not, types, repeat(None))
    # (the Nones, branches not formed by then, are left out by in_formed)
    covering = cast(
        dict[str, str],
        dict(compress(zip(compress(cadre_ids, holding), types, strict=True), in_formed)),
    )
    for cadre_id in died.keys() & covering.keys():  # (dead by the day: covered by none)
        if not day < died[cadre_id]:
            del covering[cadre_id]
    return covering


def check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = ctx.as_of
    # the cadres dead by the day (not Cadre.alive_on), and when they died
    died = {
        cadre_id: deceased
        for cadre_id, deceased in cadre_facts(ledger).deceased.items()
        if deceased <= day
    }
    covering = _covering_type(ledger, day)
    # the party members alive on the day (ledger.party_members(on=day)), in ledger order, and
    # their counties; counted in C, column by column (the ids and party statuses are the
    # columns cadre_facts read: on an opened ledger only the counties are read here)
    all_ids, statuses, all_counties = ledger.column_values(
        "cadres", "id", "party_status", "county_id"
    )
    # in the party and not dead by the day (in C, column by column)
    kept = list(
        map(and_, map(is_not, statuses, repeat(None)), map(not_, map(died.__contains__, all_ids)))
    )
    ids: Sequence[str] = list(compress(all_ids, kept))
    counties: Sequence[str] = list(compress(all_counties, kept))
    # the type of the branch covering each (None: none covers them)
    types = list(map(covering.get, ids))
    covered_flags = list(map(is_not, types, repeat(None)))
    total_by_county = Counter(counties)
    covered_by_county = Counter(compress(counties, covered_flags))
    by_type: Counter[str] = Counter(compress(types, covered_flags))  # type: ignore[arg-type]
    uncovered = list(compress(ids, map(not_, covered_flags)))
    # members still recorded in a branch after their death, membership by membership
    dead_members: list[tuple[str, date]] = []
    if died:
        # (the columns member_spans read for branch_members_on: read once)
        memberships = ledger.columns("memberships", "cadre_id", "branch_id", "since", "until")
        of_the_dead = map(died.__contains__, map(itemgetter(0), memberships))
        for cadre_id, _, _, until in compress(memberships, of_the_dead):
            deceased = died[cadre_id]
            if until is None or until > deceased:
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
        # one gap, one finding: each member outside every branch is already an error of their
        # own (not_in_branch); the shortfall they cause is the measures above, and this note
        # points at those findings rather than counting the same gaps a second time
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
            evidence=uncovered[:EVIDENCE_SHOWN],
            fix=Text(
                f"将未编入支部的 {total - covered} 名党员编入支部（memberships.csv）",
                f"add the {total - covered} members in no branch to a branch (memberships.csv)",
            ),
        )


RULES = (
    Rule(
        key="coverage.full",
        reads=(
            *CADRE_FACTS_READS,
            *MEMBER_SPANS_READS,
            "cadres.county_id",
            "branches.id",
            "branches.formed",
            "branches.branch_type",
        ),
        title=Text("党组织全覆盖", "full coverage: every member in one branch"),
        check=check_coverage,
        severities=(Severity.INFO, Severity.WARNING, Severity.ERROR),
        cites=(SOURCE,),
        parameters=("coverage.target_ratio",),
        topic="coverage",
    ),
)
