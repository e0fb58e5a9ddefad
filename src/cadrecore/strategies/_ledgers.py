"""The strategy for whole ledgers, :func:`ledgers`: one consistent jurisdiction, built from the
record strategies of the package's other modules, each record pointing at records drawn before
it.

Layer: ``strategies``, the top of the package: it imports the package's other private modules,
the models, the registry and the ledger; only the package's ``__init__`` imports it. It never
imports ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from ..ledger import Ledger
from ..models import (
    DuesReduction,
    Jurisdiction,
    Membership,
    ParameterOverride,
    PartyDues,
    PartyGroup,
    PartyOrg,
    PartyOrgKind,
    Programme,
    Theme,
    UnitKind,
    UnitLevel,
)
from ..registry import Registry
from ._activities import _activity, _checklist, _plan, _project
from ._cadres import (
    _branch,
    _branch_assessment,
    _cadre,
    _dues_months,
    _dues_reduction,
    _membership,
    _party_dues,
    _party_group,
)
from ._care import _opinion, _recognition, _treatment_grant, _treatment_standard
from ._common import (
    _dates,
    _integers,
    _keys,
    _maybe,
    _optional,
    _pick,
    _registry,
    _years,
    names,
    nonempty_texts,
    record_ids,
    texts,
)
from ._policy import _waiver, _waiver_subjects, json_values, parameter_keys
from ._services import DetailsInputs, _service_history, _service_record
from ._units import _assignment, _establishment, _leadership_post, _staff_member, _unit

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
