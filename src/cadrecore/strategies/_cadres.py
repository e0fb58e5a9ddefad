"""Strategies for the retired cadres and their party life: cadres (离休 and 退休, their dates held
together), party organizations, branches of registered types and memberships, party groups
(党小组), model-branch assessments ("六好"), party dues (党费) and hardship reductions.

Layer: ``strategies``; imports the models, the registry, ``policy`` (the 离休 cut-off) and
``_common``; never the package's ``__init__`` or its other modules (``_care`` and ``_ledgers``
import this one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import (
    SIX_GOODS,
    Branch,
    BranchAssessment,
    Cadre,
    DuesReduction,
    Membership,
    PartyDues,
    PartyGroup,
    PartyOrg,
    PartyOrgKind,
    PartyStatus,
    ResidenceKind,
    RetirementKind,
    RevolutionPeriod,
    Tie,
)
from ..models.dues import month_end
from ..policy import LIXIU_CUTOFF
from ..registry import Registry
from ._common import (
    _after,
    _dates,
    _integers,
    _keys,
    _maybe,
    _optional,
    _or,
    _pick,
    _registry,
    _validate,
    _years,
    names,
    national_ids,
    nonempty_texts,
    record_ids,
    tags,
    texts,
)

# =============================================================================================
# Cadres
# =============================================================================================

_RANKS = ("", "正处级", "副处级", "正科级", "副科级", "副厅级")
_PLACES = ("", "秀容街道", "长征街道", "岢岚镇", "代州镇", "东街社区", "西关村")


def _cadre(
    draw: st.DrawFn,
    *,
    id: str,
    county_id: str,
    kind: RetirementKind | None = None,
    party_status: SearchStrategy[PartyStatus | None] | None = None,
) -> Cadre:
    kind = kind or draw(st.sampled_from(RetirementKind))
    cutoff = LIXIU_CUTOFF.value
    if kind is RetirementKind.LIXIU:
        birth = draw(_dates(date(1900, 1, 1), date(1935, 12, 31)))
        joined = draw(_after(birth, (cutoff - birth).days, min_days=1))
        period = draw(_optional(st.sampled_from(RevolutionPeriod)))
    else:
        birth = draw(_dates(date(1920, 1, 1), date(1975, 12, 31)))
        joined = draw(_after(birth, 40 * 366, min_days=1))
        period = None
    retired = draw(_after(joined, 50 * 366))
    status = draw(_or(party_status, _optional(st.sampled_from(PartyStatus))))
    living_away = draw(st.booleans())
    health_exempt = draw(st.booleans())
    gender = draw(st.sampled_from(["", "男", "女"]))
    return Cadre(
        id=id,
        name=draw(names(6)),
        gender=gender,
        ethnicity=draw(st.sampled_from(["", "汉族", "回族"])),
        birth_date=birth,
        national_id=draw(_optional(national_ids(birth, gender))),
        phone=draw(st.sampled_from(["", "13800000000", "0350-1234567"])),
        joined_work=joined,
        joined_revolution=draw(_optional(st.just(joined)))
        if kind is RetirementKind.LIXIU
        else None,
        retirement_kind=kind,
        retirement_date=retired,
        revolution_period=period,
        former_unit=draw(texts(10)),
        former_rank=draw(st.sampled_from(_RANKS)),
        treatment_level=draw(st.sampled_from(["", "正处级待遇", "副厅级待遇"])),
        party_status=status,
        party_joined=draw(_optional(_after(birth, 80 * 366, min_days=1))) if status else None,
        other_party="" if status else draw(st.sampled_from(["", "民盟盟员", "无党派人士"])),
        county_id=county_id,
        township=draw(st.sampled_from(_PLACES)),
        residence_kind=draw(st.sampled_from(ResidenceKind)),
        address=draw(texts(12)),
        interests=tuple(draw(st.lists(tags(), max_size=3))),
        living_away=living_away,
        away_since=draw(_optional(_dates())) if living_away else None,
        health_exempt=health_exempt,
        exemption_reason=draw(texts(8)) if health_exempt else "",
        health=draw(st.sampled_from(["", "良好", "一般", "较差"])),
        deceased=draw(_optional(_after(retired, 40 * 366))),
        note=draw(texts(8)),
        synthetic=draw(st.booleans()),
    )


@st.composite
def cadres(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    county_ids: SearchStrategy[str] | None = None,
    retirement_kinds: SearchStrategy[RetirementKind] | None = None,
    party_statuses: SearchStrategy[PartyStatus | None] | None = None,
) -> Cadre:
    """A retired cadre whose dates hold together.

    A 离休 cadre joined work on or before the cut-off (1949-09-30) and may carry a revolution
    period; a 退休 cadre never does. Work starts after birth and retirement on or after it; a
    national ID, when drawn, has the right check character and birth date.
    """
    return _cadre(
        draw,
        id=draw(_or(ids, record_ids())),
        county_id=draw(_or(county_ids, record_ids())),
        kind=draw(_or(retirement_kinds, st.sampled_from(RetirementKind))),
        party_status=party_statuses,
    )


# =============================================================================================
# Party organizations
# =============================================================================================


def party_orgs(
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
    parent_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[PartyOrg]:
    """A party organization above branches (a working committee, a general branch)."""
    return st.builds(
        PartyOrg,
        id=_or(ids, record_ids()),
        name=names(),
        kind=st.sampled_from(PartyOrgKind),
        unit_id=_or(unit_ids, record_ids()),
        parent_id=_or(parent_ids, _optional(record_ids())),
        formed=_optional(_dates()),
    )


def _branch(
    draw: st.DrawFn,
    registry: Registry,
    *,
    id: str,
    org_id: str,
    county_id: str,
    members: Sequence[str],
    covered_unit_ids: Sequence[str] = (),
) -> Branch:
    committee = draw(st.lists(_pick(members), unique=True, max_size=5)) if members else []
    pool = committee or members
    secretary = draw(_maybe(pool))
    deputy = draw(_maybe([m for m in members if m != secretary]))
    venue = draw(texts(8))
    covers = (
        draw(st.lists(_pick(covered_unit_ids), unique=True, max_size=3)) if covered_unit_ids else []
    )
    return _validate(
        Branch,
        registry,
        id=id,
        name=draw(names()),
        branch_type=draw(_pick(_keys(registry, "branch_types"))),
        tie=draw(st.sampled_from(Tie)),
        org_id=org_id,
        county_id=county_id,
        formed=draw(_optional(_dates())),
        secretary_id=secretary,
        deputy_secretary_id=deputy,
        committee_ids=tuple(committee),
        committee_elected=draw(_optional(_dates())),
        venue=venue,
        venue_standardized_year=draw(_optional(_years(2000))) if venue else None,
        demonstration_year=draw(_optional(_years(2000))),
        covers_unit_ids=tuple(covers),
        synthetic=draw(st.booleans()),
    )


@st.composite
def branches(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    org_ids: SearchStrategy[str] | None = None,
    county_ids: SearchStrategy[str] | None = None,
    member_ids: Sequence[str] | None = None,
    covered_unit_ids: Sequence[str] = (),
) -> Branch:
    """A branch of a registered type whose officers are among ``member_ids`` (default: a few
    drawn ids), as a ledger requires.

    The secretary is on the committee when there is one, and the deputy is someone else.
    Nothing is drawn when the registry has no branch type.
    """
    members = (
        list(member_ids)
        if member_ids is not None
        else draw(st.lists(record_ids(), max_size=6, unique=True))
    )
    return _branch(
        draw,
        _registry(registry),
        id=draw(_or(ids, record_ids())),
        org_id=draw(_or(org_ids, record_ids())),
        county_id=draw(_or(county_ids, record_ids())),
        members=members,
        covered_unit_ids=covered_unit_ids,
    )


def _membership(
    draw: st.DrawFn, *, cadre_id: str, branch_id: str, since: date | None = None
) -> Membership:
    if since is None:
        since = draw(_optional(_dates()))
    until = draw(_optional(_after(since, 8000) if since else _dates()))
    return Membership(cadre_id=cadre_id, branch_id=branch_id, since=since, until=until)


@st.composite
def memberships(
    draw: st.DrawFn,
    *,
    cadre_ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
) -> Membership:
    """A cadre's membership of a branch, open or closed, never ending before it starts."""
    return _membership(
        draw,
        cadre_id=draw(_or(cadre_ids, record_ids())),
        branch_id=draw(_or(branch_ids, record_ids())),
    )


# =============================================================================================
# Party groups and model-branch assessments
# =============================================================================================


def _party_group(draw: st.DrawFn, *, id: str, branch_id: str, members: Sequence[str]) -> PartyGroup:
    chosen = draw(st.lists(_pick(members), unique=True, max_size=5)) if members else []
    formed = draw(_optional(_dates()))
    abolished = draw(_optional(_after(formed, 3000, 1))) if formed else None
    return PartyGroup(
        id=id,
        name=draw(names()),
        branch_id=branch_id,
        group_leader_id=draw(_maybe(chosen)),
        member_ids=tuple(chosen),
        formed=formed,
        abolished=abolished,
    )


@st.composite
def party_groups(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
    member_ids: Sequence[str] = (),
) -> PartyGroup:
    """A party group (党小组) of a branch: members drawn from ``member_ids`` (the branch's
    members), distinct, the leader one of them or none; formed and abolished in order."""
    return _party_group(
        draw,
        id=draw(_or(ids, record_ids())),
        branch_id=draw(_or(branch_ids, record_ids())),
        members=member_ids,
    )


def _branch_assessment(
    draw: st.DrawFn, *, id: str, branch_id: str, year: int, unit_ids: Sequence[str]
) -> BranchAssessment:
    return BranchAssessment(
        id=id,
        branch_id=branch_id,
        year=year,
        assessed=draw(_optional(_dates(date(year, 1, 1), date(year, 12, 31)))),
        assessor_unit_id=draw(_maybe(unit_ids)),
        evidence=draw(texts(8)),
        **{name: draw(st.booleans()) for name, _ in SIX_GOODS},
    )


@st.composite
def branch_assessments(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
    years: SearchStrategy[int] | None = None,
    unit_ids: Sequence[str] = (),
) -> BranchAssessment:
    """A branch's assessment for a year against the six criteria ("六好"), each met or not;
    the assessor one of ``unit_ids`` or none."""
    return _branch_assessment(
        draw,
        id=draw(_or(ids, record_ids())),
        branch_id=draw(_or(branch_ids, record_ids())),
        year=draw(_or(years, _years(2016, 2030))),
        unit_ids=unit_ids,
    )


# =============================================================================================
# Party dues (党费) and hardship reductions
# =============================================================================================

#: The pension bases at the edge of the 2008 rate bands, drawn often: 5,000.00 pays 0.5 % of
#: itself, 5,000.01 pays 1 % of itself.
_BAND_EDGES = (Decimal("4999.99"), Decimal("5000.00"), Decimal("5000.01"))


@cache
def pension_bases() -> SearchStrategy[Decimal]:
    """A monthly pension base in yuan: a ``Decimal`` to the fen (never a float) from 0 to
    20,000, the bases beside 5,000 yuan (the bound of the 2008 rate bands) drawn often."""
    return st.sampled_from(_BAND_EDGES) | st.decimals(
        min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False
    )


_dues_amounts: SearchStrategy[Decimal] = st.decimals(
    min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False
)


def _party_dues(
    draw: st.DrawFn, *, cadre_id: str, branch_id: str, year: int, month: int
) -> PartyDues:
    first = date(year, month, 1)
    return PartyDues(
        cadre_id=cadre_id,
        branch_id=branch_id,
        year=year,
        month=month,
        paid_yuan=draw(_dues_amounts),
        pension_base_yuan=draw(_optional(pension_bases())),
        paid_on=draw(_optional(_dates(first, month_end(first) + timedelta(days=180)))),
    )


@st.composite
def party_dues(
    draw: st.DrawFn,
    *,
    cadre_ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
    years: SearchStrategy[int] | None = None,
) -> PartyDues:
    """What a member paid in dues for a month: the amount and (sometimes) the pension base as
    decimals to the fen, never floats; paid on a day of that month or up to half a year
    after."""
    return _party_dues(
        draw,
        cadre_id=draw(_or(cadre_ids, record_ids())),
        branch_id=draw(_or(branch_ids, record_ids())),
        year=draw(_or(years, _years(2008, 2035))),
        month=draw(_integers(1, 12)),
    )


def _dues_reduction(
    draw: st.DrawFn, *, id: str, cadre_id: str, branch_id: str, first: date
) -> DuesReduction:
    months = draw(_optional(_integers(0, 30)))
    to_month = None
    if months is not None:
        index = first.month - 1 + months
        to_month = date(first.year + index // 12, index % 12 + 1, 1)
    exempt = draw(st.booleans())
    return DuesReduction(
        id=id,
        cadre_id=cadre_id,
        branch_id=branch_id,
        from_month=first,
        to_month=to_month,
        reduced_to_yuan=None if exempt else draw(_dues_amounts),
        exempt=exempt,
        decided_on=draw(_dates(first - timedelta(days=90), first + timedelta(days=60))),
        decision_ref=draw(nonempty_texts(16)),
        reason=draw(texts(8)),
    )


@st.composite
def dues_reductions(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
) -> DuesReduction:
    """A hardship reduction the branch decided: a reduced monthly amount or an exemption, from
    a month (to a month, or open), always with the decision's date and reference."""
    year, month = draw(_years(2008, 2035)), draw(_integers(1, 12))
    return _dues_reduction(
        draw,
        id=draw(_or(ids, record_ids())),
        cadre_id=draw(_or(cadre_ids, record_ids())),
        branch_id=draw(_or(branch_ids, record_ids())),
        first=date(year, month, 1),
    )


def _dues_months(
    draw: st.DrawFn, membership: Membership, deceased: date | None, most: int
) -> list[tuple[int, int]]:
    """Up to ``most`` months of one year from 2019 to 2024 (the years the rules are mostly
    judged in) in which the member was in the branch on some day and alive on the first, in
    order."""
    low = max(2019, (membership.since or date.min).year)
    high = min(2024, (membership.until or date.max).year)
    if low > high:
        return []
    year = draw(_integers(low, high))
    found = []
    for month in draw(st.lists(_integers(1, 12), unique=True, max_size=most)):
        first = date(year, month, 1)
        if (
            (membership.since is None or membership.since <= month_end(first))
            and (membership.until is None or first < membership.until)
            and (deceased is None or first < deceased)
        ):
            found.append((year, month))
    return sorted(found)
