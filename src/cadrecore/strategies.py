"""Hypothesis strategies for cadrecore's records and whole ledgers: public, for plugin authors.

Every strategy produces only *valid* records, and :func:`ledgers` only *consistent* ledgers (a
:class:`~cadrecore.Ledger` that builds without :class:`~cadrecore.LedgerError`). Each one that
draws vocabulary keys takes the registry to draw them from (default:
:func:`cadrecore.get_registry`), so a plugin author passes the registry that holds their own
branch types or service types::

    from hypothesis import given
    from cadrecore import strategies as cst

    @given(cst.ledgers(registry))
    def test_my_rule_never_crashes(ledger): ...

Records with vocabulary keys are built with ``model_validate(..., context={"registry": r})``, so
keys are checked against the registry given, never against the process's default one.
Strategies whose records point at other records (a cadre's county, a membership's branch) take
strategies for those ids, so that callers can tie them together as :func:`ledgers` does.

Requires hypothesis (``pip install cadrecore[strategies]``).
"""

from __future__ import annotations

import itertools
import operator
import string
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from typing import Annotated, Any, Literal, TypeVar

import annotated_types
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from pydantic import BaseModel, ValidationError

from .ledger import Ledger
from .models import (
    SIX_GOODS,
    Activity,
    AppointmentBasis,
    Assignment,
    Branch,
    BranchAssessment,
    Cadre,
    Checklist,
    ChecklistEntry,
    DuesReduction,
    Establishment,
    EstablishmentKind,
    Jurisdiction,
    LeaderPresence,
    LeadershipPost,
    LeadingBody,
    Membership,
    MonthDay,
    Opinion,
    ParameterOverride,
    PartyDues,
    PartyGroup,
    PartyOrg,
    PartyOrgKind,
    PartyStatus,
    Plan,
    PlanTarget,
    PostGrade,
    PostTier,
    Programme,
    Project,
    ProjectField,
    ProjectResult,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
    Record,
    ResidenceKind,
    ResultMetric,
    RetirementKind,
    RevolutionPeriod,
    ServiceEvent,
    ServiceRecord,
    ServiceRole,
    ServiceState,
    StaffMember,
    Theme,
    Tie,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
    UnitKind,
    UnitLevel,
    Waiver,
    split_cell,
)
from .models.cadres import national_id_check_char
from .models.dues import month_end
from .policy import LIXIU_CUTOFF
from .registry import Registry, ServiceType
from .services import Lifecycle

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "NAME_ALPHABET",
    "TEXT_ALPHABET",
    "activities",
    "assignments",
    "branch_assessments",
    "branches",
    "cadres",
    "checklist_entries",
    "checklists",
    "dues_reductions",
    "establishments",
    "json_values",
    "jurisdictions",
    "leader_presences",
    "leadership_posts",
    "ledgers",
    "memberships",
    "month_days",
    "names",
    "national_ids",
    "nonempty_texts",
    "opinions",
    "parameter_keys",
    "parameter_overrides",
    "party_dues",
    "party_groups",
    "party_orgs",
    "pension_bases",
    "plan_targets",
    "plans",
    "programmes",
    "project_results",
    "projects",
    "recognitions",
    "record_ids",
    "service_details",
    "service_events",
    "service_histories",
    "service_records",
    "staff_members",
    "tags",
    "texts",
    "themes",
    "treatment_grants",
    "treatment_standards",
    "units",
    "waivers",
]

R = TypeVar("R", bound=Record)
T = TypeVar("T")

#: Details inputs by service type key, for details models whose fields depend on each other.
DetailsInputs = Mapping[str, SearchStrategy[Mapping[str, Any]]]

# =============================================================================================
# Text, ids, dates
# =============================================================================================

#: A small set of CJK characters seen in ledgers, so that names exercise non-ASCII text.
CJK = (
    "老干部局工委支党政府人大协社区农村流动团队网宣忻州市县区代岢岚原平张王李赵刘陈杨郑文翰"
    "建华俊明连生书法绘画家庭医生药箱关爱行动走访慰问学习人乐龄计划"
)
NAME_ALPHABET = CJK + string.ascii_letters + string.digits
"""Characters of names and tags: CJK and ASCII letters and digits, no separators or spaces."""
TEXT_ALPHABET = NAME_ALPHABET + " \u3000\t\r\n,，。、;；:：\"'-#()（）"
"""Characters of free text (notes, addresses, answers): also spaces (the full-width one too),
punctuation, tabs and line breaks, what CSV quoting and YAML escaping must get right."""

FIRST_DAY = date(1990, 1, 1)
"""The first day drawn unless a record needs others (a 离休 cadre's birth, say)."""
LAST_DAY = date(2035, 12, 31)
"""The last day drawn unless a record needs others."""

# Strategy objects are built once per argument tuple and reused: hypothesis validates each
# strategy object on its first draw, which costs more than drawing from it.


@cache
def _text(alphabet: str, min_size: int, max_size: int) -> SearchStrategy[str]:
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def names(max_size: int = 10) -> SearchStrategy[str]:
    """A non-empty name of CJK and ASCII letters and digits (a person, a unit, a branch)."""
    return _text(NAME_ALPHABET, 1, max_size)


@cache
def texts(max_size: int = 24) -> SearchStrategy[str]:
    """Free text, possibly empty, as a record keeps it (without surrounding whitespace)."""
    return _text(TEXT_ALPHABET, 0, max_size).map(str.strip)


@cache
def nonempty_texts(max_size: int = 24) -> SearchStrategy[str]:
    """Free text that is not empty (an opinion's content, an answer, a reason)."""
    return st.builds(operator.add, st.sampled_from(NAME_ALPHABET), texts(max_size - 1))


def tags() -> SearchStrategy[str]:
    """A short tag such as an interest (书法): no list separators, so a cell can hold several."""
    return names(max_size=6)


_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "_.:-"


@cache
def record_ids(max_size: int = 16) -> SearchStrategy[str]:
    """A ``RecordId``: letters, digits and ``_ . : -``, starting with a letter or a digit."""
    return st.builds(operator.add, st.sampled_from(_ID_FIRST), _text(_ID_REST, 0, max_size - 1))


@cache
def _dates(first: date = FIRST_DAY, last: date = LAST_DAY) -> SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


@cache
def _integers(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


def _after(day: date, max_days: int, min_days: int = 0) -> SearchStrategy[date]:
    """A date ``min_days`` to ``max_days`` days after ``day``."""
    return _integers(min_days, max_days).map(lambda days: day + timedelta(days=days))


def _years(first: int = 1990, last: int = 2035) -> SearchStrategy[int]:
    return _integers(first, last)


def _or(given: SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """The strategy a caller passed, else the default."""
    return default if given is None else given


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    return _optional_cached(strategy)


@lru_cache(maxsize=4096)
def _optional_cached(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.none() | strategy


def _pick(values: Sequence[T]) -> SearchStrategy[T]:
    """One of ``values`` (none at all when it is empty)."""
    return _sampled(tuple(values))


@lru_cache(maxsize=4096)
def _sampled(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    return st.sampled_from(values) if values else st.nothing()


def _maybe(values: Sequence[T]) -> SearchStrategy[T | None]:
    """One of ``values`` or None."""
    return _optional(_pick(values)) if values else st.none()


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days() -> SearchStrategy[MonthDay]:
    """A valid day of the year (29 February included)."""
    return _integers(1, 12).flatmap(
        lambda month: _integers(1, _DAYS_IN_MONTH[month]).map(lambda day: MonthDay(month, day))
    )


def national_ids(birth_date: date, gender: str = "") -> SearchStrategy[str]:
    """An 18-digit resident ID of someone born on ``birth_date``, with a correct check character;
    its 17th digit odd for ``gender`` 男, even for 女 (either for ``""``)."""

    def build(area: int, sequence: int) -> str:
        if gender:
            sequence = sequence - sequence % 2 + (1 if gender == "男" else 0)
        first17 = f"{area:06d}{birth_date:%Y%m%d}{sequence:03d}"
        return first17 + national_id_check_char(first17)

    return st.builds(build, _integers(110000, 829999), _integers(0, 998))


_money: SearchStrategy[Decimal] = st.decimals(
    min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False
)


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from .plugins import get_registry

    return get_registry()


def _keys(registry: Registry, vocabulary: str) -> tuple[str, ...]:
    return tuple(sorted(entry.key for entry in registry.vocabulary(vocabulary)))


def _validate(model: type[R], registry: Registry, **data: Any) -> R:
    """``model`` from ``data``, its vocabulary keys checked against ``registry``."""
    return model.model_validate(data, context={"registry": registry})


# =============================================================================================
# Units and staffing
# =============================================================================================


def jurisdictions(
    *, ids: SearchStrategy[str] | None = None, root_unit_ids: SearchStrategy[str] | None = None
) -> SearchStrategy[Jurisdiction]:
    """Whose ledger it is: an id, a name and the root of its unit tree."""
    return st.builds(
        Jurisdiction,
        id=_or(ids, record_ids()),
        name=names(),
        root_unit_id=_or(root_unit_ids, record_ids()),
        note=texts(),
        synthetic=st.booleans(),
    )


def _unit(
    draw: st.DrawFn, *, id: str, parent_id: str | None, level: UnitLevel, kind: UnitKind
) -> Unit:
    established = draw(_optional(_dates()))
    abolished = draw(_optional(_after(established, 20000) if established else _dates()))
    return Unit(
        id=id,
        name=draw(names()),
        level=level,
        kind=kind,
        parent_id=parent_id if parent_id != id else None,
        established=established,
        abolished=abolished,
        note=draw(texts(12)),
    )


@st.composite
def units(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    parent_ids: SearchStrategy[str | None] | None = None,
    levels: SearchStrategy[UnitLevel] | None = None,
    kinds: SearchStrategy[UnitKind] | None = None,
) -> Unit:
    """A unit of the tree, never its own parent; ``parent_ids`` may draw None for a root."""
    return _unit(
        draw,
        id=draw(_or(ids, record_ids())),
        parent_id=draw(_or(parent_ids, _optional(record_ids()))),
        level=draw(_or(levels, st.sampled_from(UnitLevel))),
        kind=draw(_or(kinds, st.sampled_from(UnitKind))),
    )


def _establishment(draw: st.DrawFn, *, id: str, unit_id: str) -> Establishment:
    start = draw(_dates())
    return Establishment(
        id=id,
        unit_id=unit_id,
        kind=draw(st.sampled_from(EstablishmentKind)),
        approved=draw(_integers(0, 50)),
        effective_from=start,
        effective_to=draw(_optional(_after(start, 8000))),
        part_of_parent=draw(st.booleans()),
        source=draw(texts(12)),
    )


@st.composite
def establishments(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
) -> Establishment:
    """An approved staff establishment (编制) of one kind for a unit, from a date."""
    return _establishment(
        draw, id=draw(_or(ids, record_ids())), unit_id=draw(_or(unit_ids, record_ids()))
    )


def _leadership_post(draw: st.DrawFn, *, id: str, unit_id: str) -> LeadershipPost:
    start = draw(_dates())
    return LeadershipPost(
        id=id,
        unit_id=unit_id,
        tier=draw(st.sampled_from(PostTier)),
        grade=draw(_optional(st.sampled_from(PostGrade))),
        approved=draw(_integers(0, 10)),
        effective_from=start,
        effective_to=draw(_optional(_after(start, 8000))),
        source=draw(texts(12)),
    )


@st.composite
def leadership_posts(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
) -> LeadershipPost:
    """Approved leadership posts (领导职数) of one tier, and possibly one grade, for a unit."""
    return _leadership_post(
        draw, id=draw(_or(ids, record_ids())), unit_id=draw(_or(unit_ids, record_ids()))
    )


def _staff_member(draw: st.DrawFn, *, id: str) -> StaffMember:
    birth = draw(_optional(_dates(date(1950, 1, 1), date(2000, 12, 31))))
    return StaffMember(
        id=id,
        name=draw(names(6)),
        gender=draw(st.sampled_from(["", "男", "女"])),
        birth_date=birth,
        national_id=draw(_optional(national_ids(birth))) if birth else None,
        synthetic=draw(st.booleans()),
    )


@st.composite
def staff_members(draw: st.DrawFn, *, ids: SearchStrategy[str] | None = None) -> StaffMember:
    """A veteran cadre worker; a national ID, when drawn, matches the birth date."""
    return _staff_member(draw, id=draw(_or(ids, record_ids())))


def _assignment(draw: st.DrawFn, *, id: str, staff_id: str, unit_id: str) -> Assignment:
    start = draw(_dates())
    tier = draw(_optional(st.sampled_from(PostTier)))
    return Assignment(
        id=id,
        staff_id=staff_id,
        unit_id=unit_id,
        establishment_kind=draw(st.sampled_from(EstablishmentKind)),
        post=draw(texts(8)),
        tier=tier,
        grade=draw(_optional(st.sampled_from(PostGrade))) if tier else None,
        start=start,
        end=draw(_optional(_after(start, 8000))),
        promotion=draw(st.booleans()),
        appointment_basis=draw(st.sampled_from(AppointmentBasis)),
    )


@st.composite
def assignments(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    staff_ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
) -> Assignment:
    """A staff member's place in a unit's establishment; a grade only with a tier."""
    return _assignment(
        draw,
        id=draw(_or(ids, record_ids())),
        staff_id=draw(_or(staff_ids, record_ids())),
        unit_id=draw(_or(unit_ids, record_ids())),
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
# Activities
# =============================================================================================


@cache
def leader_presences() -> SearchStrategy[LeaderPresence]:
    """A leader of one of the four leading bodies present at an activity."""
    return st.builds(LeaderPresence, body=st.sampled_from(LeadingBody), name=names(6))


def _activity(
    draw: st.DrawFn,
    registry: Registry,
    *,
    id: str,
    branch_ids: SearchStrategy[str],
    unit_ids: SearchStrategy[str],
    attendee_ids: SearchStrategy[list[str]],
    theme_ids: SearchStrategy[str | None],
    groups: Sequence[tuple[str, str]] = (),
) -> Activity:
    branch_ok = not branch_ids.is_empty
    unit_ok = not unit_ids.is_empty
    kinds = [
        (kind.key, kind.scope)
        for kind in registry.activity_kinds
        if (kind.held_by_group and groups)
        or (
            not kind.held_by_group
            and (
                (kind.scope == "branch" and branch_ok)
                or (kind.scope == "unit" and unit_ok)
                or (kind.scope == "any" and (branch_ok or unit_ok))
            )
        )
    ]
    key, scope = draw(_pick(sorted(kinds)))
    group_id: str | None = None
    if registry.activity_kinds.get(key).held_by_group:
        group_id, branch_id = draw(_pick(groups))
        branch_ids, by_branch = st.just(branch_id), True
    elif scope == "any":
        by_branch = draw(st.booleans()) if branch_ok and unit_ok else branch_ok
    else:
        by_branch = scope == "branch"
    attendees = draw(attendee_ids)
    extra = draw(_optional(_integers(0, 200)))
    return _validate(
        Activity,
        registry,
        id=id,
        activity_kind=key,
        date=draw(_dates()),
        title=draw(texts(12)),
        branch_id=draw(branch_ids) if by_branch else None,
        owner_unit_id=None if by_branch else draw(unit_ids),
        attendee_ids=tuple(attendees),
        headcount=None if extra is None else len(attendees) + extra,
        leaders=tuple(draw(st.lists(leader_presences(), max_size=4))),
        evidence=draw(texts(8)),
        theme_id=draw(theme_ids),
        group_id=group_id,
    )


@st.composite
def activities(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
    attendee_ids: Sequence[str] | None = None,
    theme_ids: SearchStrategy[str | None] | None = None,
    groups: Sequence[tuple[str, str]] = (),
) -> Activity:
    """An activity of a registered kind, held by a branch or a unit as its kind's scope says.

    Pass ``branch_ids=st.nothing()`` when there are no branches (or ``unit_ids=st.nothing()``
    when there are no units): only kinds that the others may hold are then drawn. A kind held
    by a party group (the group meeting) is drawn only when ``groups`` gives ``(group id,
    branch id)`` pairs, and then names one of them. Attendees
    are distinct, drawn from ``attendee_ids`` when given, and never more than the headcount.
    """
    attendees = (
        st.lists(record_ids(), unique=True, max_size=5)
        if attendee_ids is None
        else st.lists(_pick(attendee_ids), unique=True, max_size=5)
        if attendee_ids
        else st.just([])
    )
    return _activity(
        draw,
        _registry(registry),
        id=draw(_or(ids, record_ids())),
        branch_ids=_or(branch_ids, record_ids()),
        unit_ids=_or(unit_ids, record_ids()),
        attendee_ids=attendees,
        theme_ids=_or(theme_ids, _optional(record_ids())),
        groups=groups,
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


# =============================================================================================
# Checklists, plans, themes
# =============================================================================================


def checklist_entries(
    registry: Registry | None = None,
    *,
    items: SearchStrategy[str] | None = None,
    owner_unit_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[ChecklistEntry]:
    """One item of a checklist: a registered checklist item, maybe with its own due date."""
    reg = _registry(registry)
    return st.builds(
        lambda **data: _validate(ChecklistEntry, reg, **data),
        item=_or(items, _pick(_keys(reg, "checklist_items"))),
        due=_optional(month_days()),
        owner_unit_id=_or(owner_unit_ids, _optional(record_ids())),
    )


def _checklist(
    draw: st.DrawFn,
    registry: Registry,
    *,
    id: str,
    owner_unit_id: str,
    entry_owner_unit_ids: SearchStrategy[str | None],
) -> Checklist:
    keys = draw(st.lists(_pick(_keys(registry, "checklist_items")), min_size=1, unique=True))
    entries = [
        _validate(
            ChecklistEntry,
            registry,
            item=key,
            due=draw(_optional(month_days())),
            owner_unit_id=draw(entry_owner_unit_ids),
        )
        for key in keys
    ]
    first = draw(_years())
    return _validate(
        Checklist,
        registry,
        id=id,
        name=draw(names()),
        owner_unit_id=owner_unit_id,
        from_year=first,
        to_year=draw(_optional(_years(first, first + 10))),
        items=tuple(entries),
    )


@st.composite
def checklists(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    owner_unit_ids: SearchStrategy[str] | None = None,
    entry_owner_unit_ids: SearchStrategy[str | None] | None = None,
) -> Checklist:
    """A yearly checklist of distinct registered items (none drawn if the registry has none)."""
    return _checklist(
        draw,
        _registry(registry),
        id=draw(_or(ids, record_ids())),
        owner_unit_id=draw(_or(owner_unit_ids, record_ids())),
        entry_owner_unit_ids=_or(entry_owner_unit_ids, _optional(record_ids())),
    )


def plan_targets(
    registry: Registry | None = None, *, metrics: SearchStrategy[str] | None = None
) -> SearchStrategy[PlanTarget]:
    """A yearly target for a registered plan metric (without a number: the parameter's)."""
    reg = _registry(registry)
    return st.builds(
        lambda **data: _validate(PlanTarget, reg, **data),
        metric=_or(metrics, _pick(_keys(reg, "plan_metrics"))),
        per_year=_optional(_integers(0, 50)),
    )


def _plan(draw: st.DrawFn, registry: Registry, *, id: str, owner_unit_id: str) -> Plan:
    metrics = draw(st.lists(_pick(_keys(registry, "plan_metrics")), min_size=1, unique=True))
    first = draw(_years())
    targets = [
        _validate(PlanTarget, registry, metric=m, per_year=draw(_optional(_integers(0, 50))))
        for m in metrics
    ]
    return _validate(
        Plan,
        registry,
        id=id,
        name=draw(names()),
        owner_unit_id=owner_unit_id,
        from_year=first,
        to_year=draw(_years(first, first + 5)),
        targets=tuple(targets),
        source=draw(texts(12)),
    )


@st.composite
def plans(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    owner_unit_ids: SearchStrategy[str] | None = None,
) -> Plan:
    """A multi-year plan with targets for distinct registered metrics."""
    return _plan(
        draw,
        _registry(registry),
        id=draw(_or(ids, record_ids())),
        owner_unit_id=draw(_or(owner_unit_ids, record_ids())),
    )


def themes(
    *,
    ids: SearchStrategy[str] | None = None,
    years: SearchStrategy[int] | None = None,
    owner_unit_ids: SearchStrategy[str] | None = None,
) -> SearchStrategy[Theme]:
    """A year's theme (人生设计, 乐龄行动计划 ...)."""
    return st.builds(
        Theme,
        id=_or(ids, record_ids()),
        year=_or(years, _years()),
        title=names(),
        owner_unit_id=_or(owner_unit_ids, record_ids()),
        note=texts(12),
    )


# =============================================================================================
# Programmes and projects
# =============================================================================================


def programmes(
    *,
    ids: SearchStrategy[str] | None = None,
    theme_ids: SearchStrategy[str | None] | None = None,
    owner_unit_ids: SearchStrategy[str] | None = None,
) -> SearchStrategy[Programme]:
    """A series of activities under a year's theme."""
    return st.builds(
        Programme,
        id=_or(ids, record_ids()),
        name=names(),
        year=_years(),
        theme_id=_or(theme_ids, _optional(record_ids())),
        owner_unit_id=_or(owner_unit_ids, record_ids()),
    )


_RESULT_UNITS = ("元", "亩", "人", "座", "人次", "个", "年")


def _project_result(draw: st.DrawFn, metric: ResultMetric) -> ProjectResult:
    return ProjectResult(
        metric=metric,
        value=draw(_integers(0, 10**9)),
        unit=draw(st.sampled_from(_RESULT_UNITS)),
        at_least=draw(st.booleans()),
        note=draw(texts(8)),
    )


@st.composite
def project_results(
    draw: st.DrawFn, *, metrics: SearchStrategy[ResultMetric] | None = None
) -> ProjectResult:
    """One measured result of a project (420000 元 raised, 470 亩 reclaimed)."""
    return _project_result(draw, draw(_or(metrics, st.sampled_from(ResultMetric))))


def _project(
    draw: st.DrawFn,
    *,
    id: str,
    leader_id: str,
    county_id: str,
    branch_id: str | None,
    programme_id: str | None,
) -> Project:
    metrics = draw(st.lists(st.sampled_from(ResultMetric), unique=True, max_size=3))
    first = draw(_years())
    return Project(
        id=id,
        name=draw(names()),
        leader_id=leader_id,
        field=draw(st.sampled_from(ProjectField)),
        county_id=county_id,
        branch_id=branch_id,
        programme_id=programme_id,
        from_year=first,
        to_year=draw(_optional(_years(first, first + 20))),
        results=tuple(_project_result(draw, m) for m in metrics),
        source=draw(texts(12)),
    )


@st.composite
def projects(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    leader_ids: SearchStrategy[str] | None = None,
    county_ids: SearchStrategy[str] | None = None,
    branch_ids: SearchStrategy[str | None] | None = None,
    programme_ids: SearchStrategy[str | None] | None = None,
) -> Project:
    """An exemplar's project with results for distinct metrics."""
    return _project(
        draw,
        id=draw(_or(ids, record_ids())),
        leader_id=draw(_or(leader_ids, record_ids())),
        county_id=draw(_or(county_ids, record_ids())),
        branch_id=draw(_or(branch_ids, _optional(record_ids()))),
        programme_id=draw(_or(programme_ids, _optional(record_ids()))),
    )


# =============================================================================================
# Services
# =============================================================================================

_MISSING = object()
#: Text of detail fields: never empty, never padded, no line breaks (see _value_for).
_DETAIL_ALPHABET = NAME_ALPHABET + ",，。、;:-#()"
#: Characters for text fields with a pattern: printable ones only (no control characters, on
#: which Python's ``str.strip`` and pydantic's whitespace stripping disagree).
_PATTERN_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
)


def _bounds(metadata: Sequence[Any]) -> tuple[Any, Any, bool, bool]:
    lo: Any = None
    hi: Any = None
    lo_open = hi_open = False
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            lo = m.ge
        elif isinstance(m, annotated_types.Gt):
            lo, lo_open = m.gt, True
        elif isinstance(m, annotated_types.Le):
            hi = m.le
        elif isinstance(m, annotated_types.Lt):
            hi, hi_open = m.lt, True
    return lo, hi, lo_open, hi_open


def _lengths(metadata: Sequence[Any]) -> tuple[int, int | None]:
    lo, hi = 0, None
    for m in metadata:
        min_length = getattr(m, "min_length", None)
        max_length = getattr(m, "max_length", None)
        if isinstance(min_length, int):
            lo = min_length
        if isinstance(max_length, int):
            hi = max_length
    return lo, hi


#: The characters of an item of a list kept in one cell: no separator of ``split_cell``.
_CELL_ITEM_ALPHABET = "".join(c for c in NAME_ALPHABET + "。:-#()" if c not in ";；、,，|")


def _splits_cells(marker: Any) -> bool:
    """Whether ``marker`` (an ``Annotated`` metadata item) is ``BeforeValidator(split_cell)``."""
    return getattr(marker, "func", None) is split_cell


def _value_for(annotation: Any, metadata: Sequence[Any] = ()) -> SearchStrategy[Any]:
    """A strategy for one field of a plugin's details model, from its annotation.

    It covers the common field types and their ``annotated_types`` bounds; anything else goes
    to ``st.from_type``. Values the model refuses are filtered out by :func:`service_details`.
    """
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _value_for(args[0], [*metadata, *args[1:]])
    if origin in (typing.Union, types.UnionType):
        return st.one_of([st.none() if a is type(None) else _value_for(a, metadata) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if annotation is type(None):
        return st.none()
    if annotation is bool:
        return st.booleans()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(list(annotation))
    lo, hi, lo_open, hi_open = _bounds(metadata)
    if annotation is int:
        low = -(10**6) if lo is None else int(lo) + lo_open
        high = 10**6 if hi is None else int(hi) - hi_open
        return st.integers(low, max(low, high))
    if annotation is float:
        return st.floats(
            -1e6 if lo is None else lo,
            1e6 if hi is None else hi,
            exclude_min=lo_open,
            exclude_max=hi_open,
            allow_nan=False,
            allow_infinity=False,
        )
    if annotation is Decimal:
        return st.decimals(
            0 if lo is None else lo, 10**6 if hi is None else hi, places=2, allow_nan=False
        )
    if annotation is str:
        pattern = next(
            (m.pattern for m in metadata if isinstance(getattr(m, "pattern", None), str)), None
        )
        if pattern is not None:
            return st.from_regex(pattern, fullmatch=True, alphabet=_PATTERN_ALPHABET)
        min_len, max_len = _lengths(metadata)
        # Never empty: a ledger folder writes an empty cell for a missing value, so an empty
        # string and "not given" read back the same.
        return _text(_DETAIL_ALPHABET, max(min_len, 1), max_len or 16)
    if annotation is datetime:
        return st.datetimes(datetime(1990, 1, 1), datetime(2035, 12, 31))
    if annotation is date:
        return _dates()
    if origin in (list, tuple, set, frozenset) and args:
        if args[0] is str and any(_splits_cells(m) for m in metadata):
            # a list kept in one cell (split_cell): its items hold no separator and are not
            # blank, as a cell's items cannot (the convention the tutorial states)
            item: SearchStrategy[Any] = (
                _text(_CELL_ITEM_ALPHABET, 1, 12).map(str.strip).filter(bool)
            )
        else:
            item = _value_for(args[0])
        items = st.lists(item, max_size=3)
        return items if origin is list else items.map(origin)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_inputs(annotation)
    return st.from_type(annotation)


@cache
def _model_inputs(model: type[BaseModel]) -> SearchStrategy[dict[str, Any]]:
    """Input mappings for ``model``, fields with defaults sometimes left out."""
    fields: dict[str, SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        key = info.validation_alias if isinstance(info.validation_alias, str) else None
        key = key or info.alias or name
        value = _value_for(info.annotation, info.metadata)
        fields[key] = value if info.is_required() else (st.just(_MISSING) | value)
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v is not _MISSING}
    )


def service_details(
    service_type: ServiceType, inputs: SearchStrategy[Mapping[str, Any]] | None = None
) -> SearchStrategy[dict[str, Any]]:
    """The ``details`` of a record of ``service_type``: valid for its details model and kept
    canonically, as a ledger folder keeps them (``model.model_validate(x).model_dump(mode="json")``).

    By default the inputs are drawn field by field from the model's annotations, and those the
    model refuses are filtered out. A model whose fields depend on each other (an end after a
    start, a code from a menu) should pass ``inputs``: a strategy for mappings it accepts.
    """
    return _canonical_details(service_type.details, inputs)


@lru_cache(maxsize=256)
def _canonical_details(
    model: type[BaseModel], inputs: SearchStrategy[Mapping[str, Any]] | None
) -> SearchStrategy[dict[str, Any]]:
    def canonical(data: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            return model.model_validate(data).model_dump(mode="json")
        except ValidationError:
            return None

    source: SearchStrategy[Mapping[str, Any]] = _or(inputs, _model_inputs(model))
    return source.map(canonical).filter(lambda d: d is not None).map(_not_none)


def _not_none(value: T | None) -> T:
    assert value is not None
    return value


_SERVICE_DONE = (ServiceState.DELIVERED, ServiceState.RATED)
_SERVICE_STOPPED = (ServiceState.CANCELLED, ServiceState.DECLINED)


def _service_record(
    draw: st.DrawFn,
    registry: Registry,
    *,
    id: str,
    service_type: str,
    cadre_id: str,
    provider_unit_id: str,
    details: DetailsInputs | None,
) -> ServiceRecord:
    state = draw(st.sampled_from(ServiceState))
    requested = draw(_dates())
    delivered: date | None = draw(_after(requested, 400))
    if state not in _SERVICE_DONE and draw(st.booleans()):
        delivered = None
    service = registry.service_types.get(service_type)
    return _validate(
        ServiceRecord,
        registry,
        id=id,
        service_type=service_type,
        cadre_id=cadre_id,
        provider_unit_id=provider_unit_id,
        state=state,
        requested=requested,
        delivered=delivered,
        rating=draw(_integers(1, 5)) if state is ServiceState.RATED else None,
        reason=draw(nonempty_texts(12)) if state in _SERVICE_STOPPED else "",
        details=draw(service_details(service, (details or {}).get(service_type))),
    )


@st.composite
def service_records(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    ids: SearchStrategy[str] | None = None,
    service_types: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
    provider_unit_ids: SearchStrategy[str] | None = None,
    details: DetailsInputs | None = None,
) -> ServiceRecord:
    """A service record of a registered service type, its state consistent with its dates.

    Delivered and rated records have a delivered date; only rated ones carry a rating;
    cancelled and declined ones a reason. Nothing is drawn when no service type is registered
    (the built-ins register none). ``details`` maps a service type key to a strategy for its
    details' inputs (see :func:`service_details`).
    """
    reg = _registry(registry)
    return _service_record(
        draw,
        reg,
        id=draw(_or(ids, record_ids())),
        service_type=draw(_or(service_types, _pick(_keys(reg, "service_types")))),
        cadre_id=draw(_or(cadre_ids, record_ids())),
        provider_unit_id=draw(_or(provider_unit_ids, record_ids())),
        details=details,
    )


_ACTORS = ("王建国", "市煤炭局", "老干部局", "system")


@st.composite
def service_events(
    draw: st.DrawFn, *, service_record_ids: SearchStrategy[str] | None = None
) -> ServiceEvent:
    """One change of state of a service record, on its own (see :func:`service_histories`)."""
    return ServiceEvent(
        record_id=draw(_or(service_record_ids, record_ids())),
        seq=draw(_integers(1, 20)),
        to_state=draw(st.sampled_from(ServiceState)),
        at=draw(_dates()),
        actor=draw(st.sampled_from(_ACTORS) | names(8)),
        role=draw(st.sampled_from(ServiceRole)),
        reason=draw(texts(8)),
    )


@lru_cache(maxsize=64)
def _paths(lifecycle: Lifecycle, target: ServiceState) -> tuple[tuple[ServiceState, ...], ...]:
    """Every path of ``lifecycle`` from the request to ``target``, without repeats."""
    found: list[tuple[ServiceState, ...]] = []

    def walk(path: tuple[ServiceState, ...]) -> None:
        if path[-1] is target:
            found.append(path)
        for step in lifecycle.steps:
            if step.source is path[-1] and step.target not in path:
                walk((*path, step.target))

    walk((ServiceState.REQUESTED,))
    return tuple(found)


def _service_history(
    draw: st.DrawFn, record: ServiceRecord, lifecycle: Lifecycle
) -> tuple[ServiceEvent, ...]:
    paths = _paths(lifecycle, record.state)
    if paths:
        path = draw(_pick(paths))
        roles = [ServiceRole.CADRE] + [
            draw(_pick(sorted(step.roles) or [ServiceRole.SYSTEM]))
            for step in (lifecycle.step(a, b) for a, b in itertools.pairwise(path))
            if step is not None
        ]
    else:  # the lifecycle cannot reach this state: history begins with a system event
        path, roles = (record.state,), [ServiceRole.SYSTEM]
    day = record.requested
    events = []
    for seq, (state, role) in enumerate(zip(path, roles, strict=True), start=1):
        day = draw(_after(day, 30))
        stopped = state in _SERVICE_STOPPED
        events.append(
            ServiceEvent(
                record_id=record.id,
                seq=seq,
                to_state=state,
                at=day,
                actor=draw(st.sampled_from(_ACTORS)),
                role=role,
                reason=draw(nonempty_texts(8)) if stopped else "",
            )
        )
    return tuple(events)


@st.composite
def service_histories(
    draw: st.DrawFn, record: ServiceRecord, lifecycle: Lifecycle | None = None
) -> tuple[ServiceEvent, ...]:
    """A history of ``record`` its lifecycle allows: events numbered from 1, from the request
    on a path of allowed steps, in date order, ending in the record's state.

    ``lifecycle`` defaults to the core's default lifecycle. When it cannot reach the record's
    state, the history is one ``system`` event where the history begins.
    """
    from .services import DEFAULT_LIFECYCLE

    return _service_history(draw, record, lifecycle or DEFAULT_LIFECYCLE)


# =============================================================================================
# Opinions, treatment, recognitions
# =============================================================================================

_CATEGORIES = ("", "医疗", "待遇", "活动", "其他")


def _opinion(
    draw: st.DrawFn, *, id: str, raised_at_id: str | None, assigned_unit_id: str
) -> Opinion:
    raised = draw(_dates())
    answered = draw(_optional(_after(raised, 400)))
    return Opinion(
        id=id,
        raised=raised,
        raised_at_id=raised_at_id,
        raised_by=draw(texts(6)),
        content=draw(nonempty_texts(24)),
        category=draw(st.sampled_from(_CATEGORIES)),
        assigned_unit_id=assigned_unit_id,
        answered=answered,
        answer=draw(nonempty_texts(24)) if answered else "",
        satisfied=draw(_optional(st.booleans())) if answered else None,
    )


@st.composite
def opinions(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    raised_at_ids: SearchStrategy[str | None] | None = None,
    assigned_unit_ids: SearchStrategy[str] | None = None,
) -> Opinion:
    """An opinion raised by veteran cadres; if answered, after it was raised and with an answer."""
    return _opinion(
        draw,
        id=draw(_or(ids, record_ids())),
        raised_at_id=draw(_or(raised_at_ids, _optional(record_ids()))),
        assigned_unit_id=draw(_or(assigned_unit_ids, record_ids())),
    )


_TREATMENT_ITEMS = ("春节慰问金", "健康体检", "生活补贴", "护理费", "订阅报刊")


def _treatment_standard(
    draw: st.DrawFn, *, id: str, applies_to_unit_id: str | None
) -> TreatmentStandard:
    start = draw(_dates())
    return TreatmentStandard(
        id=id,
        name=draw(names()),
        treatment_item=draw(st.sampled_from(_TREATMENT_ITEMS) | names(8)),
        amount_yuan=draw(_money),
        applies_to_retirement_kind=draw(_optional(st.sampled_from(RetirementKind))),
        applies_to_rank=draw(st.sampled_from(_RANKS)),
        applies_to_unit_id=applies_to_unit_id,
        effective_from=start,
        effective_to=draw(_optional(_after(start, 8000))),
        source=draw(texts(12)),
    )


@st.composite
def treatment_standards(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str | None] | None = None,
) -> TreatmentStandard:
    """A standard for one treatment item, for everyone or for a retirement kind, rank or unit."""
    return _treatment_standard(
        draw,
        id=draw(_or(ids, record_ids())),
        applies_to_unit_id=draw(_or(unit_ids, _optional(record_ids()))),
    )


def _treatment_grant(
    draw: st.DrawFn, *, id: str, cadre_id: str, standard: TreatmentStandard
) -> TreatmentGrant:
    return TreatmentGrant(
        id=id,
        cadre_id=cadre_id,
        treatment_item=standard.treatment_item,
        year=draw(_years()),
        standard_id=standard.id,
        amount_yuan=draw(_money),
    )


@st.composite
def treatment_grants(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
    standards: SearchStrategy[TreatmentStandard] | None = None,
) -> TreatmentGrant:
    """A grant under a standard, for the standard's own treatment item."""
    return _treatment_grant(
        draw,
        id=draw(_or(ids, record_ids())),
        cadre_id=draw(_or(cadre_ids, record_ids())),
        standard=draw(_or(standards, treatment_standards())),
    )


def _recognition(
    draw: st.DrawFn, *, id: str, unit_ids: SearchStrategy[str], cadre_ids: SearchStrategy[str]
) -> Recognition:
    choices = ["none"]
    choices += [] if unit_ids.is_empty else ["unit"]
    choices += [] if cadre_ids.is_empty else ["cadre"]
    recipient = draw(_pick(choices))
    return Recognition(
        id=id,
        title=draw(names(16)),
        kind=draw(st.sampled_from(RecognitionKind)),
        level=draw(st.sampled_from(RecognitionLevel)),
        date=draw(_dates()),
        recipient_unit_id=draw(unit_ids) if recipient == "unit" else None,
        recipient_cadre_id=draw(cadre_ids) if recipient == "cadre" else None,
        source=draw(texts(12)),
    )


@st.composite
def recognitions(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str] | None = None,
    cadre_ids: SearchStrategy[str] | None = None,
) -> Recognition:
    """A dated recognition of a unit, of a cadre, or of the jurisdiction (never both)."""
    return _recognition(
        draw,
        id=draw(_or(ids, record_ids())),
        unit_ids=_or(unit_ids, record_ids()),
        cadre_ids=_or(cadre_ids, record_ids()),
    )


# =============================================================================================
# How a ledger adjusts its judging: parameter overrides and waivers
# =============================================================================================


@cache
def json_values() -> SearchStrategy[Any]:
    """A small JSON value: scalars, and lists and string-keyed mappings of them."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**9), 10**9)
        | st.floats(allow_nan=False, allow_infinity=False)
        | texts(12)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names(6), inner, max_size=3),
        max_leaves=6,
    )


@cache
def parameter_keys() -> SearchStrategy[str]:
    """A parameter key such as ``plan.target.standardized_venues``."""
    return st.from_regex(r"\A[a-z][a-z0-9_.]{0,24}\Z")


def parameter_overrides(
    *,
    ids: SearchStrategy[str] | None = None,
    keys: SearchStrategy[str] | None = None,
    unit_ids: SearchStrategy[str | None] | None = None,
) -> SearchStrategy[ParameterOverride]:
    """A ledger's own value for a rule parameter from a date, with its authority."""
    return st.builds(
        ParameterOverride,
        id=_or(ids, record_ids()),
        key=_or(keys, parameter_keys()),
        value=json_values(),
        effective_from=_dates(),
        unit_id=_or(unit_ids, _optional(record_ids())),
        source=nonempty_texts(16),
    )


_SUBJECT_KINDS = ("cadres", "branches", "units")
_RULES = ("builtin::org_life.*", "builtin::branch.committee_required")


def _waiver(draw: st.DrawFn, *, id: str, subjects: SearchStrategy[tuple[str, str]]) -> Waiver:
    start = draw(_dates())
    kind, subject = draw(subjects)
    return Waiver(
        id=id,
        rule=draw(st.sampled_from(_RULES)),
        subject_kind=kind,
        subject_id=subject,
        effective_from=start,
        effective_to=draw(_optional(_after(start, 800))),
        reason=draw(nonempty_texts(16)),
        approved_by=draw(texts(6)),
    )


@cache
def _waiver_subjects() -> SearchStrategy[tuple[str, str]]:
    return st.one_of(
        st.just(("", "")),
        st.tuples(st.sampled_from(_SUBJECT_KINDS), st.just("")),
        st.tuples(st.sampled_from(_SUBJECT_KINDS), record_ids()),
    )


@st.composite
def waivers(
    draw: st.DrawFn,
    *,
    ids: SearchStrategy[str] | None = None,
    subjects: SearchStrategy[tuple[str, str]] | None = None,
) -> Waiver:
    """A named exemption from a rule (or a ``*`` pattern of rules) for a span of time.

    ``subjects`` draws ``(subject_kind, subject_id)`` pairs; an id never comes without a kind.
    """
    return _waiver(
        draw, id=draw(_or(ids, record_ids())), subjects=_or(subjects, _waiver_subjects())
    )


# =============================================================================================
# Whole ledgers
# =============================================================================================


def _count(draw: st.DrawFn, most: int, least: int = 0) -> int:
    return draw(_integers(least, max(least, most)))


@st.composite
def ledgers(
    draw: st.DrawFn,
    registry: Registry | None = None,
    *,
    max_cadres: int = 5,
    max_branches: int = 2,
    max_activities: int = 4,
    details: DetailsInputs | None = None,
) -> Ledger:
    """A consistent ledger: every reference resolves and every cross-check passes.

    A city with one to three counties, veteran cadre bureaus and departments (the units in any
    order); establishments, posts, staff and their assignments; cadres; party working
    committees; branches of registered types whose officers are members; party members in at
    most one branch at a time (some move from one to another), other cadres in none;
    activities of registered kinds with the scope their kind requires; members' party dues for
    months they were in their branch (alive), once a month, and a few hardship reductions, each
    with the branch's decision; checklists and plans of
    registered keys; one theme per unit and year; programmes and projects; opinions; treatment
    standards and grants (each grant for its standard's item); recognitions; parameter
    overrides and waivers; and service records of the registered service types, their details
    valid for the type's model and kept canonically, some with a history of service events
    their type's lifecycle allows. ``details`` maps a service type key to a
    strategy for its details' inputs (see :func:`service_details`).

    Records of each kind are in the order a ledger folder keeps them (service records grouped
    by service type, in key order), so that a saved and reloaded ledger compares equal.
    """
    reg = _registry(registry)
    ns = draw(record_ids(max_size=10))

    def ident(kind: str, index: int) -> str:
        return f"{ns}.{kind}{index}"

    # --- the unit tree --------------------------------------------------------------------
    root = _unit(
        draw,
        id=ident("city", 0),
        parent_id=None,
        level=UnitLevel.CITY,
        kind=UnitKind.PARTY_COMMITTEE,
    )
    city_bureau = _unit(
        draw,
        id=ident("bureau", 0),
        parent_id=root.id,
        level=UnitLevel.CITY,
        kind=UnitKind.VETERAN_CADRE_BUREAU,
    )
    counties = [
        _unit(
            draw,
            id=ident("county", i),
            parent_id=root.id,
            level=UnitLevel.COUNTY,
            kind=UnitKind.GOVERNMENT,
        )
        for i in range(_count(draw, 3, least=1))
    ]
    county_bureaus = [
        _unit(
            draw,
            id=ident("bureau", i + 1),
            parent_id=county.id,
            level=UnitLevel.COUNTY,
            kind=UnitKind.VETERAN_CADRE_BUREAU,
        )
        for i, county in enumerate(counties)
        if draw(st.booleans())
    ]
    departments = [
        _unit(
            draw,
            id=ident("dept", i),
            parent_id=root.id,
            level=UnitLevel.CITY,
            kind=draw(st.sampled_from([UnitKind.DEPARTMENT, UnitKind.PUBLIC_INSTITUTION])),
        )
        for i in range(_count(draw, 1))
    ]
    all_units = [root, city_bureau, *counties, *county_bureaus, *departments]
    unit_ids = [u.id for u in all_units]
    county_ids = [u.id for u in counties]
    bureau_ids = [city_bureau.id, *(u.id for u in county_bureaus)]
    owner_ids = [root.id, *county_ids]
    jurisdiction = Jurisdiction(
        id=ns, name=draw(names()), root_unit_id=root.id, synthetic=draw(st.booleans())
    )

    # --- staffing ---------------------------------------------------------------------------
    establishment_list = [
        _establishment(draw, id=ident("est", i), unit_id=draw(_pick(bureau_ids)))
        for i in range(_count(draw, 2))
    ]
    post_list = [
        _leadership_post(draw, id=ident("post", i), unit_id=draw(_pick(bureau_ids)))
        for i in range(_count(draw, 2))
    ]
    staff_list = [_staff_member(draw, id=ident("staff", i)) for i in range(_count(draw, 2))]
    assignment_list = [
        _assignment(draw, id=ident("asg", i), staff_id=s.id, unit_id=draw(_pick(bureau_ids)))
        for i, s in enumerate(staff_list)
        if draw(st.booleans())
    ]

    # --- cadres -------------------------------------------------------------------------------
    cadre_list = [
        _cadre(draw, id=ident("cadre", i), county_id=draw(_pick(county_ids)))
        for i in range(_count(draw, max_cadres))
    ]
    cadre_ids = [c.id for c in cadre_list]

    # --- party organizations, branches, memberships ---------------------------------------
    org_list = [
        PartyOrg(
            id=ident("org", i),
            name=draw(names()),
            kind=PartyOrgKind.PARTY_WORKING_COMMITTEE,
            unit_id=bureau,
            parent_id=None if i == 0 else ident("org", 0),
            formed=draw(_optional(_dates())),
        )
        for i, bureau in enumerate(bureau_ids)
    ]
    branch_ids = [
        ident("branch", i)
        for i in range(_count(draw, max_branches) if len(reg.branch_types) else 0)
    ]
    membership_list: list[Membership] = []
    for cadre in cadre_list:
        if not branch_ids or not cadre.is_party_member:
            continue
        branch = draw(_maybe(branch_ids))
        if branch is None:
            continue  # not (yet) in a branch
        first = _membership(draw, cadre_id=cadre.id, branch_id=branch)
        membership_list.append(first)
        others = [b for b in branch_ids if b != branch]
        if first.until is not None and others and draw(st.booleans()):
            # moved to another branch on the day the first membership ended (another branch:
            # the same one from the same day would be the same membership twice)
            membership_list.append(
                _membership(
                    draw, cadre_id=cadre.id, branch_id=draw(_pick(others)), since=first.until
                )
            )
    members: dict[str, list[str]] = {b: [] for b in branch_ids}
    for m in membership_list:
        if m.cadre_id not in members[m.branch_id]:
            members[m.branch_id].append(m.cadre_id)
    branch_list = [
        _branch(
            draw,
            reg,
            id=branch_id,
            org_id=draw(_pick([o.id for o in org_list])),
            county_id=draw(_pick(county_ids)),
            members=members[branch_id],
            covered_unit_ids=unit_ids if draw(_integers(0, 4)) == 0 else (),
        )
        for branch_id in branch_ids
    ]

    # --- themes, programmes, activities ---------------------------------------------------
    theme_keys = draw(
        st.lists(st.tuples(_pick(owner_ids), _years(2016, 2030)), unique=True, max_size=2)
    )
    theme_list = [
        Theme(
            id=ident("theme", i),
            year=year,
            title=draw(names()),
            owner_unit_id=owner,
            note=draw(texts(8)),
        )
        for i, (owner, year) in enumerate(theme_keys)
    ]
    theme_ids = [t.id for t in theme_list]
    programme_list = [
        Programme(
            id=ident("prog", i),
            name=draw(names()),
            year=draw(_years()),
            theme_id=draw(_maybe(theme_ids)),
            owner_unit_id=draw(_pick(unit_ids)),
        )
        for i in range(_count(draw, 1))
    ]
    group_list = [
        _party_group(
            draw,
            id=ident(f"{branch_id}.group", i),
            branch_id=branch_id,
            members=members[branch_id],
        )
        for branch_id in branch_ids
        for i in range(_count(draw, 1))
    ]
    group_list = _apart(group_list)
    groups = [(g.id, g.branch_id) for g in group_list]
    assessment_keys = draw(
        st.lists(st.tuples(_pick(branch_ids), _years(2016, 2030)), unique=True, max_size=2)
        if branch_ids
        else st.just([])
    )
    assessment_list = [
        _branch_assessment(draw, id=ident("assess", i), branch_id=b, year=y, unit_ids=unit_ids)
        for i, (b, y) in enumerate(assessment_keys)
    ]
    deaths = {c.id: c.deceased for c in cadre_list}
    dues_list: list[PartyDues] = []
    paid_for: set[tuple[str, int, int]] = set()
    for m in membership_list:
        for year, month in _dues_months(draw, m, deaths[m.cadre_id], 12):
            if (m.cadre_id, year, month) not in paid_for:  # (a move's month: once)
                paid_for.add((m.cadre_id, year, month))
                dues_list.append(
                    _party_dues(
                        draw, cadre_id=m.cadre_id, branch_id=m.branch_id, year=year, month=month
                    )
                )
    reduction_list: list[DuesReduction] = []
    reduced: set[str] = set()
    for m in membership_list:
        if m.cadre_id in reduced or draw(_integers(0, 3)) != 0:
            continue
        first_months = _dues_months(draw, m, deaths[m.cadre_id], 1)
        if first_months:
            reduced.add(m.cadre_id)
            year, month = first_months[0]
            reduction_list.append(
                _dues_reduction(
                    draw,
                    id=ident("reduction", len(reduction_list)),
                    cadre_id=m.cadre_id,
                    branch_id=m.branch_id,
                    first=date(year, month, 1),
                )
            )
    activity_list = [
        _activity(
            draw,
            reg,
            groups=groups,
            id=ident("act", i),
            branch_ids=_pick(branch_ids),
            unit_ids=_pick(unit_ids),
            attendee_ids=st.lists(_pick(cadre_ids), unique=True, max_size=4)
            if cadre_ids
            else st.just([]),
            theme_ids=_maybe(theme_ids),
        )
        for i in range(_count(draw, max_activities) if len(reg.activity_kinds) else 0)
    ]

    # --- checklists and plans ---------------------------------------------------------------
    checklist_list = [
        _checklist(
            draw,
            reg,
            id=ident("checklist", i),
            owner_unit_id=draw(_pick(owner_ids)),
            entry_owner_unit_ids=_maybe(unit_ids),
        )
        for i in range(_count(draw, 1) if len(reg.checklist_items) else 0)
    ]
    plan_list = [
        _plan(draw, reg, id=ident("plan", i), owner_unit_id=draw(_pick(unit_ids)))
        for i in range(_count(draw, 1) if len(reg.plan_metrics) else 0)
    ]

    # --- projects, services, opinions, treatment, recognitions -------------------------------
    project_list = [
        _project(
            draw,
            id=ident("proj", i),
            leader_id=draw(_pick(cadre_ids)),
            county_id=draw(_pick(county_ids)),
            branch_id=draw(_maybe(branch_ids)),
            programme_id=draw(_maybe([p.id for p in programme_list])),
        )
        for i in range(_count(draw, 2) if cadre_ids else 0)
    ]
    service_keys = _keys(reg, "service_types")
    service_list = [
        _service_record(
            draw,
            reg,
            id=ident("svc", i),
            service_type=draw(_pick(service_keys)),
            cadre_id=draw(_pick(cadre_ids)),
            provider_unit_id=draw(_pick(unit_ids)),
            details=details,
        )
        for i in range(_count(draw, 3) if service_keys and cadre_ids else 0)
    ]
    service_list.sort(key=lambda s: s.service_type)  # a folder keeps one file per type
    event_list = [
        event
        for record in service_list
        if draw(st.booleans())
        for event in _service_history(
            draw, record, reg.service_types.get(record.service_type).lifecycle
        )
    ]
    opinion_list = [
        _opinion(
            draw,
            id=ident("opinion", i),
            raised_at_id=draw(_maybe([a.id for a in activity_list])),
            assigned_unit_id=draw(_pick(unit_ids)),
        )
        for i in range(_count(draw, 2))
    ]
    standard_list = [
        _treatment_standard(draw, id=ident("std", i), applies_to_unit_id=draw(_maybe(county_ids)))
        for i in range(_count(draw, 2))
    ]
    grant_list = [
        _treatment_grant(
            draw,
            id=ident("grant", i),
            cadre_id=draw(_pick(cadre_ids)),
            standard=draw(_pick(standard_list)),
        )
        for i in range(_count(draw, 2) if standard_list and cadre_ids else 0)
    ]
    recognition_list = [
        _recognition(
            draw, id=ident("honour", i), unit_ids=_pick(unit_ids), cadre_ids=_pick(cadre_ids)
        )
        for i in range(_count(draw, 1))
    ]
    parameter_list = [
        ParameterOverride(
            id=ident("param", i),
            key=draw(parameter_keys()),
            value=draw(json_values()),
            effective_from=draw(_dates()),
            unit_id=draw(_maybe(unit_ids)),
            source=draw(nonempty_texts(12)),
        )
        for i in range(_count(draw, 1))
    ]
    waiver_list = [
        _waiver(draw, id=ident("waiver", i), subjects=_waiver_subjects())
        for i in range(_count(draw, 1))
    ]

    return Ledger(
        registry=reg,
        jurisdiction=jurisdiction,
        units=tuple(draw(st.permutations(all_units))),
        establishments=tuple(establishment_list),
        leadership_posts=tuple(post_list),
        staff=tuple(staff_list),
        assignments=tuple(assignment_list),
        cadres=tuple(cadre_list),
        party_orgs=tuple(org_list),
        branches=tuple(branch_list),
        memberships=tuple(membership_list),
        party_groups=tuple(group_list),
        activities=tuple(activity_list),
        branch_assessments=tuple(assessment_list),
        party_dues=tuple(dues_list),
        dues_reductions=tuple(reduction_list),
        checklists=tuple(checklist_list),
        plans=tuple(plan_list),
        themes=tuple(theme_list),
        programmes=tuple(programme_list),
        projects=tuple(project_list),
        service_records=tuple(service_list),
        service_events=tuple(event_list),
        opinions=tuple(opinion_list),
        treatment_standards=tuple(standard_list),
        treatment_grants=tuple(grant_list),
        recognitions=tuple(recognition_list),
        parameters=tuple(parameter_list),
        waivers=tuple(waiver_list),
    )


def _apart(groups: list[PartyGroup]) -> list[PartyGroup]:
    """The groups with each member kept in the first group of a branch that lists them (a
    member is in one group of a branch at a time; groups drawn apart may overlap)."""
    taken: set[tuple[str, str]] = set()
    kept = []
    for g in groups:
        own = tuple(c for c in g.member_ids if (g.branch_id, c) not in taken)
        taken.update((g.branch_id, c) for c in own)
        leader = g.group_leader_id if g.group_leader_id in own else None
        kept.append(g.model_copy(update={"member_ids": own, "group_leader_id": leader}))
    return kept
