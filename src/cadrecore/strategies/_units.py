"""Strategies for the unit tree and its staffing: the jurisdiction, units, approved establishments
(编制) and leadership posts (领导职数), veteran cadre workers and their assignments.

Layer: ``strategies``; imports the models and ``_common``; never the package's ``__init__``
or its other modules (``_ledgers`` imports this one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import (
    AppointmentBasis,
    Assignment,
    Establishment,
    EstablishmentKind,
    Jurisdiction,
    LeadershipPost,
    PostGrade,
    PostTier,
    StaffMember,
    Unit,
    UnitKind,
    UnitLevel,
)
from ._common import (
    _after,
    _dates,
    _integers,
    _optional,
    _or,
    names,
    national_ids,
    record_ids,
    texts,
)

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
