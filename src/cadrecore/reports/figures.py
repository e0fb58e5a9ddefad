"""The headline figures of a jurisdiction's veteran cadre work, counted from its ledger.

Nothing here knows any jurisdiction's numbers: :func:`figures` counts them from whatever ledger
it is given (the bureaus kept, the branches by type, the plan against its targets, the yearly
checklist, the themes, the exemplars' results, the services, the promotions, the recognitions),
so that the Xinzhou example restates the Xinzhou bureau's account of its work
(《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18) from data, and the annual report's
narrative (:mod:`cadrecore.reports.narrative`) restates any ledger's year in the same words.

The result is plain data (JSON-ready apart from the integer year keys of ``themes`` and of
each plan's ``by_year``), in a stable order. Labels are given in Chinese (``label``) and
English (``label_en``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from itertools import compress, repeat
from operator import add, and_, is_not
from typing import Any, NamedTuple, TypeVar
from weakref import ref

from ..calendar import Period
from ..ledger import Ledger
from ..models import (
    Assignment,
    LeadingBody,
    PostTier,
    ServiceState,
    TreatmentStandard,
    UnitKind,
    UnitLevel,
)
from ..models.treatment import StandardTerms


def _holds(effective_from: date, effective_to: date | None, day: date) -> bool:
    return effective_from <= day and (effective_to is None or day <= effective_to)


def bureaus(ledger: Ledger, day: date) -> dict[str, int]:
    """The veteran cadre bureaus (老干部局): how many, how many still exist on ``day``, by level."""
    found = [u for u in ledger.units if u.kind is UnitKind.VETERAN_CADRE_BUREAU]
    return {
        "total": len(found),
        "kept": sum(1 for u in found if u.active_on(day)),
        "city": sum(1 for u in found if u.level is UnitLevel.CITY),
        "county": sum(1 for u in found if u.level is UnitLevel.COUNTY),
    }


def working_committee(ledger: Ledger, day: date) -> dict[str, Any]:
    """The city's veteran cadre working committee (老干部工委): its establishment and its
    section-level leadership posts on ``day``."""
    committees = [
        u
        for u in ledger.units
        if u.kind is UnitKind.WORKING_COMMITTEE and u.level is UnitLevel.CITY
    ]
    ids = {u.id for u in committees}
    return {
        "units": [u.name for u in committees],
        "establishment": sum(
            e.approved
            for e in ledger.establishments
            if e.unit_id in ids and _holds(e.effective_from, e.effective_to, day)
        ),
        "section_posts": sum(
            p.approved
            for p in ledger.leadership_posts
            if p.unit_id in ids
            and p.tier is PostTier.TOWNSHIP_SECTION
            and _holds(p.effective_from, p.effective_to, day)
        ),
    }


def branches(ledger: Ledger) -> dict[str, Any]:
    """The branches by registered type (in registration order) and by tie."""
    by_type = Counter(b.branch_type for b in ledger.branches)
    types = list(ledger.registry.branch_types)
    return {
        "by_type": {t.key: by_type.get(t.key, 0) for t in types},
        "labels": {t.key: t.label.zh for t in types},
        "labels_en": {t.key: t.label.en for t in types},
        "total": len(ledger.branches),
        "ties": dict(sorted(Counter(b.tie.value for b in ledger.branches).items())),
    }


_Result = TypeVar("_Result")
_Key = TypeVar("_Key")


def _last_kept(function: Callable[[Ledger, _Key], _Result]) -> Callable[[Ledger, _Key], _Result]:
    """``function(ledger, key)``, its last result kept for the same ledger (the same object,
    still alive: a ledger does not change) and key (a day), to be read, never changed. The
    report's figures and its sections ask for the memberships holding on the same day four
    times, and for the living party members three times; at a province each is a pass over a
    million rows. (One entry, read and replaced whole: sections may run in threads.)"""
    last: list[tuple[Any, _Key, _Result] | None] = [None]

    def kept(ledger: Ledger, key: _Key) -> _Result:
        entry = last[0]
        if entry is not None and entry[0]() is ledger and entry[1] == key:
            return entry[2]
        result = function(ledger, key)
        last[0] = (ref(ledger), key, result)
        return result

    kept.__doc__, kept.__name__ = function.__doc__, function.__name__
    return kept


@_last_kept
def holding_on(ledger: Ledger, day: date) -> tuple[Sequence[str], Sequence[str], list[bool]]:
    """The memberships' cadre and branch columns, and whether each membership holds on ``day``
    (joined by then, not yet left): by columns, each distinct date compared once (a province
    has a million memberships, and no record of each is made)."""
    cadre_ids, branch_ids, sinces, untils = ledger.column_values(
        "memberships", "cadre_id", "branch_id", "since", "until"
    )
    joined = {since: since is None or since <= day for since in set(sinces)}
    not_left = {until: until is None or day < until for until in set(untils)}
    holding = list(map(and_, map(joined.__getitem__, sinces), map(not_left.__getitem__, untils)))
    return cadre_ids, branch_ids, holding


@_last_kept
def _branch_counts(ledger: Ledger, day: date) -> dict[str, int]:
    """How many memberships each cadre holds on ``day`` (asked by the figures and again by
    the branches' section: a pass over a province's million memberships). A ledger refuses
    two memberships of one cadre at once, so each is first taken to hold one; they are
    counted only if one does not."""
    cadre_ids, _, holding = holding_on(ledger, day)
    held = list(compress(cadre_ids, holding))
    once = dict.fromkeys(held, 1)
    return once if len(once) == len(held) else Counter(held)


@_last_kept
def _party_members(ledger: Ledger, day: date) -> tuple[list[str], list[str]]:
    """The ids and counties of the party members alive on ``day``, in ledger order
    (``ledger.party_members(on=day)``, by columns, each distinct day of death compared once)."""
    ids, statuses, deceased, counties = ledger.column_values(
        "cadres", "id", "party_status", "deceased", "county_id"
    )
    alive = {death: death is None or day < death for death in set(deceased)}
    kept = list(map(and_, map(is_not, statuses, repeat(None)), map(alive.__getitem__, deceased)))
    return list(compress(ids, kept)), list(compress(counties, kept))


@_last_kept
def _members_branches(ledger: Ledger, day: date) -> tuple[list[str], list[int]]:
    """The counties of the party members alive on ``day`` and how many memberships each holds
    then, in ledger order: each member looked up once among a province's million memberships,
    for the coverage and again for its counties."""
    ids, counties = _party_members(ledger, day)
    count = _branch_counts(ledger, day)
    return counties, list(map(count.get, ids, repeat(0)))


def coverage(ledger: Ledger, day: date) -> dict[str, int]:
    """Living party members on ``day``: in exactly one branch, in none, in several."""
    _, branches_held = _members_branches(ledger, day)
    in_one, in_none = branches_held.count(1), branches_held.count(0)
    return {
        "party_members": len(branches_held),
        "in_one_branch": in_one,
        "in_no_branch": in_none,
        "in_several": len(branches_held) - in_one - in_none,
    }


def coverage_by_county(ledger: Ledger, day: date) -> list[dict[str, Any]]:
    """Per county-level unit (ledger order): branches, living party members, members in a
    branch, and the ratio (None when the county has no party member)."""
    counties, branches_held = _members_branches(ledger, day)
    members: Counter[str] = Counter(counties)
    covered: Counter[str] = Counter(compress(counties, branches_held))
    branch_count = Counter(b.county_id for b in ledger.branches)
    order = [u.id for u in ledger.counties()]
    order += sorted((set(members) | set(branch_count)) - set(order))
    rows = []
    for unit_id in order:
        unit = ledger.get("units", unit_id)
        rows.append(
            {
                "unit_id": unit_id,
                "name": unit.name,
                "branches": branch_count.get(unit_id, 0),
                "party_members": members.get(unit_id, 0),
                "covered": covered.get(unit_id, 0),
                "ratio": covered[unit_id] / members[unit_id] if members.get(unit_id) else None,
            }
        )
    return rows


def plans(ledger: Ledger) -> list[dict[str, Any]]:
    """Each plan's metrics, year by year: how many were done against the yearly target
    (``target`` is None where the plan leaves it to a parameter)."""
    result = []
    for plan in ledger.plans:
        metrics = {}
        for target in plan.targets:
            metric = ledger.registry.plan_metrics.get(target.metric)
            metrics[target.metric] = {
                "label": metric.label.zh,
                "label_en": metric.label.en,
                "unit": metric.unit.zh,
                "by_year": {
                    year: {"done": metric.measure(ledger, year), "target": target.per_year}
                    for year in range(plan.from_year, plan.to_year + 1)
                },
            }
        result.append(
            {
                "id": plan.id,
                "name": plan.name,
                "from_year": plan.from_year,
                "to_year": plan.to_year,
                "metrics": metrics,
            }
        )
    return result


class Evidence(NamedTuple):
    """What a checklist item needs of an activity that evidences it: its date and id, and
    what the item's conditions read (a :class:`~cadrecore.registry.HeldRecord`)."""

    date: date
    id: str
    bodies_present: frozenset[LeadingBody]
    attendance: int | None = None


def checklist_evidence(
    ledger: Ledger, kinds: Collection[str], owners: Collection[str], first: date, last: date
) -> dict[tuple[str, str], list[Evidence]]:
    """Per (activity kind, owner unit), the activities of ``kinds`` held by ``owners`` from
    ``first`` to ``last``, by date, then id (as ``ledger.activities_of(kind, period=...,
    unit_id=owner)`` gives them).

    One read of the activities' columns, ``where`` the kind is one of ``kinds`` and the owner
    one of ``owners``: a handful of rows among a province's million activities, and no record
    of each (the checklist rules and the report's figure share it)."""
    found: dict[tuple[str, str], list[Evidence]] = {}
    if not kinds or not owners:
        return found
    rows = ledger.columns(
        "activities",
        "id",
        "activity_kind",
        "date",
        "owner_unit_id",
        "leaders",
        "headcount",
        "attendee_ids",
        where={"activity_kind": sorted(kinds), "owner_unit_id": sorted(owners)},
    )
    for activity_id, kind, day, owner, leaders, headcount, attendees in rows:
        if first <= day <= last:
            bodies = frozenset(leader.body for leader in leaders)
            # (as Activity.attendance: the headcount if given, else the attendees listed)
            present = headcount if headcount is not None else (len(attendees) or None)
            found.setdefault((kind, owner), []).append(Evidence(day, activity_id, bodies, present))
    for held in found.values():
        held.sort(key=lambda evidence: (evidence.date, evidence.id))
    return found


def checklist(ledger: Ledger, checklist_id: str, year: int) -> dict[str, Any]:
    """Each item of a checklist in ``year``: done when an activity of its evidence kind, held by
    its owner within the year and by its due date, met the item's conditions (the leaders of
    the required leading bodies present, ...: :meth:`ChecklistItem.unmet
    <cadrecore.registry.ChecklistItem.unmet>`), as the rule ``checklist.items`` judges it (the
    evidence by columns: :func:`checklist_evidence`)."""
    found = ledger.get("checklists", checklist_id)
    entries = [(entry, ledger.registry.checklist_items.get(entry.item)) for entry in found.items]
    period = Period.year(year)
    held = checklist_evidence(
        ledger,
        {item.evidence_kind for _, item in entries},
        {entry.owner_unit_id or found.owner_unit_id for entry, _ in entries},
        period.start,
        period.end,
    )
    items = {}
    for entry, item in entries:
        due = (entry.due or item.default_due).in_year(year)
        owner = entry.owner_unit_id or found.owner_unit_id
        evidence = [
            (e.date, e.id)
            for e in held.get((item.evidence_kind, owner), ())
            if e.date <= due and not item.unmet(e)
        ]
        kind = ledger.registry.activity_kinds.get(item.evidence_kind)
        items[entry.item] = {
            "label": item.label.zh,
            "label_en": item.label.en,
            "kind_label": kind.label.zh,
            "kind_label_en": kind.label.en,
            "due": due.isoformat(),
            "done": bool(evidence),
            "dates": [day.isoformat() for day, _ in evidence],
            "evidence": [activity_id for _, activity_id in evidence],
            "required_bodies": [b.value for b in item.required_bodies],
            "required_bodies_zh": [b.zh for b in item.required_bodies],
            "required_bodies_en": [b.en for b in item.required_bodies],
        }
    return {
        "id": found.id,
        "name": found.name,
        "year": year,
        "items": items,
        "done": sum(1 for i in items.values() if i["done"]),
        "total": len(items),
    }


def themes(ledger: Ledger) -> dict[int, str]:
    """The yearly themes set highest in the unit tree, by year."""
    years = sorted({t.year for t in ledger.themes})
    result = {}
    for year in years:
        theme = ledger.theme_of(year)
        if theme is not None:
            result[year] = theme.title
    return result


def exemplars(ledger: Ledger) -> dict[str, Any]:
    """The exemplars' projects by the leader's name, with each measured result."""
    result: dict[str, Any] = {}
    for project in ledger.projects:
        leader = ledger.cadre(project.leader_id)
        result[leader.name] = {
            "project_id": project.id,
            "county": ledger.unit(project.county_id).name,
            "field": project.field.value,
            "field_label": project.field.zh,
            "project": project.name,
            "branch": ledger.branch(project.branch_id).name if project.branch_id else None,
            "from_year": project.from_year,
            "to_year": project.to_year,
            "results": {
                r.metric.value: {
                    "value": r.value,
                    "unit": r.unit,
                    "at_least": r.at_least,
                    "label": r.metric.zh,
                }
                for r in project.results
            },
        }
    return result


def services(ledger: Ledger, year: int | None = None) -> dict[str, Any]:
    """Each service type with records: its department and plugin, the records on file, by
    state, the cadres served and (with ``year``) the records requested in that year."""
    result: dict[str, Any] = {}
    for service_type in ledger.registry.service_types:
        records = ledger.service_records_of(service_type.key)
        if not records:
            continue
        result[service_type.key] = {
            "label": service_type.label.zh,
            "label_en": service_type.label.en,
            "department": service_type.department.zh,
            "department_en": service_type.department.en,
            "plugin": ledger.registry.service_types.owner(service_type.key),
            "count": len(records),
            "by_state": dict(sorted(Counter(r.state.value for r in records).items())),
            "cadres": len({r.cadre_id for r in records}),
            "requested_in_year": (
                sum(1 for r in records if r.requested.year == year) if year is not None else None
            ),
        }
    return result


def previous_assignment(ledger: Ledger, assignment: Assignment) -> Assignment | None:
    """The staff member's assignment just before ``assignment``."""
    earlier = [
        a
        for a in ledger.assignments
        if a.staff_id == assignment.staff_id
        and a.id != assignment.id
        and a.start < assignment.start
    ]
    return max(earlier, key=lambda a: (a.start, a.id), default=None)


def promotions(ledger: Ledger, first_year: int, last_year: int) -> dict[str, Any]:
    """Promotions (``promotion: true``) that began from ``first_year`` to ``last_year``: a city
    bureau's deputy director made head of a public institution, and bureau staff promoted."""
    to_institution_head: list[str] = []
    bureau_staff: list[str] = []
    for a in sorted(ledger.assignments, key=lambda a: (a.start, a.id)):
        if not a.promotion or not first_year <= a.start.year <= last_year:
            continue
        before = previous_assignment(ledger, a)
        if before is None:
            continue
        unit, was_in = ledger.unit(a.unit_id), ledger.unit(before.unit_id)
        if (
            unit.kind is UnitKind.PUBLIC_INSTITUTION
            and a.grade is not None
            and a.grade.value == "chief"
            and was_in.kind is UnitKind.VETERAN_CADRE_BUREAU
            and was_in.level is UnitLevel.CITY
            and before.grade is not None
            and before.grade.value == "deputy"
        ):
            to_institution_head.append(a.id)
        elif was_in.kind is UnitKind.VETERAN_CADRE_BUREAU:
            bureau_staff.append(a.id)
    return {
        "from_year": first_year,
        "to_year": last_year,
        "deputy_director_to_institution_head": len(to_institution_head),
        "bureau_staff_promoted": len(bureau_staff),
        "assignments": to_institution_head + bureau_staff,
    }


def recognitions(ledger: Ledger, up_to: date | None = None) -> list[dict[str, Any]]:
    """Recognitions by date (up to ``up_to`` if given), each with its recipient's name."""
    result = []
    for r in sorted(ledger.recognitions, key=lambda r: (r.date, r.id)):
        if up_to is not None and r.date > up_to:
            continue
        if r.recipient_unit_id:
            recipient = ledger.unit(r.recipient_unit_id).name
        elif r.recipient_cadre_id:
            recipient = ledger.cadre(r.recipient_cadre_id).name
        else:
            recipient = ""
        result.append(
            {
                "id": r.id,
                "date": r.date.isoformat(),
                "year": r.date.year,
                "kind": r.kind.value,
                "kind_label": r.kind.zh,
                "level": r.level.value,
                "level_label": r.level.zh,
                "title": r.title,
                "recipient": recipient,
                "source": r.source,
            }
        )
    return result


class ItemTreatment(NamedTuple):
    """A treatment item's grants: how many, how many where several standards applied, how
    many of those followed the higher one, and the amount granted in all."""

    grants: int
    several_standards: int
    higher: int
    total_yuan: Decimal


def treatment_by_item(ledger: Ledger, year: int | None = None) -> dict[str, ItemTreatment]:
    """Per treatment item, its grants (of ``year``, if given), each judged on 1 January of its
    year (see :func:`_treatment_by_item_and_year`)."""
    by_item: dict[str, ItemTreatment] = {}
    for (item, grant_year), found in _treatment_by_item_and_year(ledger, None).items():
        if year is not None and grant_year != year:
            continue
        before = by_item.get(item)
        by_item[item] = found if before is None else ItemTreatment(*map(add, before, found))
    return by_item


@_last_kept
def _treatment_by_item_and_year(ledger: Ledger, _: None) -> dict[tuple[str, int], ItemTreatment]:
    """Per treatment item and year, its grants, each judged on 1 January of its year: by
    columns (a province has a grant per cadre and item), of the cadres granted only what the
    standards look at, and each kind of grant (item, the cadre's terms, year, amount: a few
    hundred kinds among a million grants) judged once. Kept for the ledger: the figures count
    every year's grants, the treatment section the year's."""
    cadre_ids, items, years, amounts = ledger.column_values(
        "treatment_grants", "cadre_id", "treatment_item", "year", "amount_yuan"
    )
    if not cadre_ids:
        return {}
    terms = {
        cadre_id: StandardTerms(kind, rank, county_id)
        for cadre_id, kind, rank, county_id in ledger.columns(
            "cadres",
            "id",
            "retirement_kind",
            "former_rank",
            "county_id",
            where={"id": set(cadre_ids)},
        )
    }
    standards: dict[str, list[TreatmentStandard]] = {}
    for standard in ledger.treatment_standards:
        standards.setdefault(standard.treatment_item, []).append(standard)
    kinds = Counter(zip(items, map(terms.__getitem__, cadre_ids), years, amounts, strict=True))
    # what applies depends on the item, the cadre's terms and the year only: judged once each
    applicable: dict[tuple[str, StandardTerms, int], list[Decimal]] = {}
    counts: dict[tuple[str, int], list[Any]] = {}
    for (item, cadre_terms, grant_year, amount), n in kinds.items():
        key = (item, cadre_terms, grant_year)
        found_amounts = applicable.get(key)
        if found_amounts is None:
            day = date(grant_year, 1, 1)
            found_amounts = applicable[key] = [
                s.amount_yuan for s in standards.get(item, ()) if s.applies_to(cadre_terms, day)
            ]
        found = counts.setdefault((item, grant_year), [0, 0, 0, Decimal(0)])
        found[0] += n
        found[3] += amount * n
        if len(found_amounts) > 1:
            found[1] += n
            if amount >= max(found_amounts):
                found[2] += n
    return {key: ItemTreatment(*found) for key, found in counts.items()}


def treatment(ledger: Ledger, year: int | None = None) -> dict[str, int]:
    """Grants (of ``year``, if given) where several standards applied, and how many of those
    followed the higher one (待遇就高不就低)."""
    by_item = treatment_by_item(ledger, year).values()
    return {
        "grants": sum(found.grants for found in by_item),
        "several_standards": sum(found.several_standards for found in by_item),
        "higher": sum(found.higher for found in by_item),
    }


def opinions(ledger: Ledger, year: int, day: date) -> dict[str, int]:
    """Opinions raised in ``year`` (up to ``day``) and how they stood on ``day``."""
    raised = [o for o in ledger.opinions if o.raised.year == year and o.raised <= day]
    answered = [o for o in raised if o.answered is not None and o.answered <= day]
    return {
        "raised": len(raised),
        "answered": len(answered),
        "unanswered": len(raised) - len(answered),
        "satisfied": sum(1 for o in answered if o.satisfied is True),
        "unsatisfied": sum(1 for o in answered if o.satisfied is False),
        "no_feedback": sum(1 for o in answered if o.satisfied is None),
    }


def activities_by_month(
    ledger: Ledger, year: int, *, organizational_life: bool = True
) -> list[int]:
    """How many activities (of the organizational-life kinds, by default) were held in each
    month of ``year``: twelve counts, January first."""
    kinds = ledger.registry.activity_kinds
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    days = frozenset(first + timedelta(days=n) for n in range((after - first).days))
    # the year's activities by columns (a province's are millions: no record of each), those
    # of the kinds counted told apart by each distinct kind, then counted by day (a few
    # hundred), not by month and kind a row
    dates, activity_kinds = ledger.column_values(
        "activities", "date", "activity_kind", where={"date": days}
    )
    if organizational_life:
        counted_kinds = {k for k in set(activity_kinds) if kinds.get(k).organizational_life}
        dates = list(compress(dates, map(counted_kinds.__contains__, activity_kinds)))
    months = [0] * 12
    for day, count in Counter(dates).items():
        months[day.month - 1] += count
    return months


def first_checklist(ledger: Ledger, year: int) -> str | None:
    """The id of the first checklist that holds in ``year`` (the city's "six ones"), if any."""
    return next((c.id for c in ledger.checklists if c.holds_in(year)), None)


def figures(
    ledger: Ledger, year: int, *, promotion_years: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Every headline figure of ``year``, counted from ``ledger`` as of 31 December.

    ``promotion_years`` is the span whose promotions are counted (both ends included); by
    default every promotion on record up to the end of ``year``.
    """
    day = date(year, 12, 31)
    listed = first_checklist(ledger, year)
    if promotion_years is None:
        starts = [a.start.year for a in ledger.assignments if a.promotion]
        promotion_years = (min(starts, default=year), year)
    return {
        "year": year,
        "jurisdiction": ledger.jurisdiction.name,
        "cadres": len(ledger.column_values("cadres", "id")[0]),  # (a count: no row made)
        "veteran_cadre_bureaus": bureaus(ledger, day),
        "working_committee": working_committee(ledger, day),
        "branches": branches(ledger),
        "coverage": coverage(ledger, day),
        "plans": plans(ledger),
        "six_ones": checklist(ledger, listed, year) if listed else None,
        "themes": themes(ledger),
        "exemplars": exemplars(ledger),
        "services": services(ledger, year),
        "promotions": promotions(ledger, *promotion_years),
        "recognitions": recognitions(ledger),
        "treatment": treatment(ledger),
        "opinions": opinions(ledger, year, day),
    }


def figure_lines(f: dict[str, Any]) -> Iterator[str]:
    """The figures as zh-CN lines for the terminal (``examples/xinzhou_figures.py``)."""
    yield f"{f['jurisdiction']}老干部工作数字（由账册统计，截至 {f['year']}-12-31，老干部 {f['cadres']} 人）"
    b = f["veteran_cadre_bureaus"]
    yield "一、健全机构"
    yield f"  市、县老干部局：{b['total']} 个（市级 {b['city']}，县级 {b['county']}；机构改革后保留 {b['kept']} 个）"
    w = f["working_committee"]
    yield f"  市老干部工委：编制 {w['establishment']} 名，科级职数 {w['section_posts']} 名"
    br = f["branches"]
    yield "二、老干部党组织"
    for key, count in br["by_type"].items():
        yield f"  {br['labels'][key]}：{count} 个"
    yield f"  合计：{br['total']} 个"
    c = f["coverage"]
    yield (
        f"  党组织覆盖：在世党员 {c['party_members']} 人，编入一个支部 {c['in_one_branch']} 人，"
        f"未编入 {c['in_no_branch']} 人，重复编入 {c['in_several']} 人"
    )
    for plan in f["plans"]:
        yield f"  {plan['name']}："
        for metric in plan["metrics"].values():
            for year, v in metric["by_year"].items():
                yield f"    {year} 年 {metric['label']}：{v['done']} / 目标 {v['target']} {metric['unit']}"
    s = f["six_ones"]
    if s:
        yield f"三、{s['name']}（{s['year']} 年）：完成 {s['done']} / {s['total']} 项"
        for item in s["items"].values():
            when = "、".join(item["dates"]) or "未完成"
            yield f"  {item['label']}：{when}（时限 {item['due']}）"
    yield "四、一年一个主题"
    for year, title in f["themes"].items():
        yield f"  {year} 年：{title}"
    yield "五、杰出带头人"
    for name, e in f["exemplars"].items():
        results = "；".join(
            f"{r['label']} {r['value']} {r['unit']}{'以上' if r['at_least'] else ''}"
            for r in e["results"].values()
        )
        yield f"  {name}（{e['county']}，{e['field_label']}）：{results}"
    yield "六、“五化”建设：部门服务"
    for svc in f["services"].values():
        states = "，".join(f"{ServiceState(k).zh} {v}" for k, v in svc["by_state"].items())
        yield f"  {svc['label']}（{svc['department']}）：{svc['count']} 条，服务 {svc['cadres']} 人（{states}）"
    p = f["promotions"]
    yield "七、配强班子"
    yield f"  提拔市委老干部局副局长担任事业单位一把手：{p['deputy_director_to_institution_head']} 名"
    yield f"  优秀老干部工作者提拔重用：{p['bureau_staff_promoted']} 名"
    t = f["treatment"]
    yield (
        f"  待遇就高不就低：{t['grants']} 笔发放中 {t['several_standards']} 笔适用多项标准，"
        f"{t['higher']} 笔按较高标准"
    )
    yield "八、荣誉与报道"
    for r in f["recognitions"]:
        yield (
            f"  {r['year']} 年 {r['level_label']}{r['kind_label']}：{r['title']}"
            + (f"（{r['recipient']}）" if r["recipient"] else "")
        )
