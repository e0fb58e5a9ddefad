"""Strategies for the year's work: activities of registered kinds (held by a branch, a unit or a
party group, as the kind says), checklists, plans and their targets, themes, programmes, and
projects with their results.

Layer: ``strategies``; imports the models, the registry and ``_common``; never the package's
``__init__`` or its other modules (``_ledgers`` imports this one), ``cadrecore.testing`` or the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..models import (
    Activity,
    Checklist,
    ChecklistEntry,
    LeaderPresence,
    LeadingBody,
    Plan,
    PlanTarget,
    Programme,
    Project,
    ProjectField,
    ProjectResult,
    ResultMetric,
    Theme,
)
from ..registry import Registry
from ._common import (
    _dates,
    _integers,
    _keys,
    _optional,
    _or,
    _pick,
    _registry,
    _validate,
    _years,
    month_days,
    names,
    record_ids,
    texts,
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
