"""The checks a :class:`~cadrecore.ledger.Ledger` runs when it is built.

Every cross-reference of a jurisdiction's records: no id is held twice within a kind; what a
record names (a unit, a cadre, a branch, a party group, a theme, a standard) is in the ledger;
the unit tree has no cycle; a branch's members are party members on the roster, each in one
branch at a time, and its officers are among them; a party group's people belong to its branch,
each in one group at a time; an activity is held by what its kind asks for (a branch, a unit,
a group of its own branch) and its kind is registered; one assessment of a branch a year, one
theme of a unit a year; a service record's type is registered, its details fit the type's model
and its history the type's lifecycle; a grant's item is its standard's. Party dues are
:mod:`cadrecore.dues_checks`'s. Each check returns :class:`~cadrecore.errors.Problem` values;
the ledger raises them all as one :class:`~cadrecore.errors.LedgerError`.

The ledger imports this module and hands it the ledger being built, its index by id and its
registry. It imports nothing above the registry's layer (no rules, ``scope``, ``io``,
``store``, reports or CLI: the contract "The ledger does not import io" covers it), and names
:class:`~cadrecore.ledger.Ledger` for type checkers only: importing it would be a loop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from .dues_checks import dues_problems
from .errors import BilingualValueError, Location, Problem
from .i18n import Text
from .models import (
    KINDS_BY_NAME,
    RECORD_KINDS,
    Membership,
    PartyGroup,
    ServiceEvent,
    ServiceRecord,
)
from .models.labels import zh_label
from .models.services import typed_details, typed_details_model
from .registry import Registry

if TYPE_CHECKING:
    from .ledger import Ledger

Index = Mapping[str, Mapping[str, Any]]
"""A ledger's records by kind and id (``index["cadres"]["c001"]``), as it is being built."""

_MEMBERSHIP = KINDS_BY_NAME["memberships"]


def _problem(kind: str, record_id: str | None, field: str | None, zh: str, en: str) -> Problem:
    return Problem(Location(field=field), Text(zh, en), kind, record_id)


def _unknown_key_zh(what: str, key: str, vocabulary: Any) -> str:
    """A key no plugin registered, in Chinese (the registry words it in English)."""
    known = "、".join(sorted(entry.key for entry in vocabulary)) or "无"
    return f"未登记的{what}“{key}”（已登记：{known}）"


def _detail_problem_zh(service: str, err: Any) -> str:
    """One error of a service record's details, in Chinese: the value error's own Chinese
    when it gives one, else which field (pydantic words its errors in English)."""
    field = ".".join(str(p) for p in err["loc"])
    said = (err.get("ctx") or {}).get("error")
    if isinstance(said, BilingualValueError):
        return f"“{service}”的详情 {field}：{said.message.zh}"
    if err["type"] == "missing":
        return f"“{service}”的详情缺少必填项 {field}"
    if err["type"] == "extra_forbidden":
        return f"“{service}”的详情中没有 {field} 这一项"
    return f"“{service}”的详情 {field} 不符合要求" if field else f"“{service}”的详情不符合要求"


def typed_service_records(
    records: tuple[ServiceRecord, ...], registry: Registry
) -> tuple[tuple[ServiceRecord, ...], list[Problem]]:
    """``records`` with their details as their service types' models' instances, and the
    problems of those whose details their model refuses or whose type is not registered.

    Details already typed are kept as they are (a ledger copied, a record changed), so this
    costs a check per record once. A record of a type whose plugin is not in use for the
    ledger (:attr:`~cadrecore.registry.ServiceType.unchecked`) keeps its plain details."""
    types = registry.service_types
    problems: list[Problem] = []
    typed: list[ServiceRecord] = []
    changed = False
    for record in records:
        key = record.service_type
        if key not in types:
            problems.append(
                _problem(
                    "service_records",
                    record.id,
                    "service_type",
                    _unknown_key_zh("服务类型", key, types),
                    types.unknown_message(key),
                )
            )
            typed.append(record)
            continue
        service_type = types.get(key)
        details = record.details
        if service_type.unchecked is not None:
            if isinstance(details, BaseModel):  # (typed by a ledger that had the plugin)
                record = record.model_copy(update={"details": details.model_dump(mode="json")})
                changed = True
            typed.append(record)
            continue
        if type(details) is not typed_details_model(service_type.details):
            try:
                details = typed_details(service_type.details, details)
            except ValidationError as exc:
                problems += [
                    _problem(
                        "service_records",
                        record.id,
                        "details." + ".".join(str(p) for p in err["loc"]),
                        _detail_problem_zh(service_type.label.zh, err),
                        f"{service_type.label.en} details: {err['msg']}",
                    )
                    for err in exc.errors()
                ]
                typed.append(record)
                continue
            record = record.model_copy(update={"details": details})
            changed = True
        typed.append(record)
    return (tuple(typed) if changed else records), problems


def index_ids(ledger: Ledger, by_id: dict[str, dict[str, Any]]) -> list[Problem]:
    """Fill ``by_id`` (a dict per keyed kind) with the ledger's records by id; a problem for
    each id held twice in a kind (the first one is indexed)."""
    problems = []
    for kind in RECORD_KINDS:
        if not kind.keyed:
            continue
        index = by_id[kind.name]
        for record in ledger.records(kind.name):
            record_id = record.id  # type: ignore[attr-defined]
            if record_id in index:
                problems.append(
                    _problem(
                        kind.name,
                        record_id,
                        "id",
                        f"编号 {record_id} 重复",
                        f"duplicate id {record_id!r}",
                    )
                )
            else:
                index[record_id] = record
    return problems


def cross_check(ledger: Ledger, by_id: Index, registry: Registry) -> list[Problem]:
    """The problems of every cross-reference of ``ledger`` (its ids indexed in ``by_id``),
    its vocabulary keys checked against ``registry``."""
    problems: list[Problem] = []
    activity_kinds = registry.activity_kinds
    units, cadres, branches = (
        by_id["units"],
        by_id["cadres"],
        by_id["branches"],
    )

    def ref(kind: str, rid: str | None, field: str, value: str | None, target: str) -> None:
        if value is not None and value not in by_id[target]:
            problems.append(
                _problem(
                    kind,
                    rid,
                    field,
                    f"{zh_label(field) or field}引用的“{value}”不在"
                    f"{KINDS_BY_NAME[target].label.zh}中",
                    f"{field} refers to {value!r}, which is not among the "
                    f"{KINDS_BY_NAME[target].label.en}",
                )
            )

    ref(
        "jurisdiction",
        ledger.jurisdiction.id,
        "root_unit_id",
        ledger.jurisdiction.root_unit_id,
        "units",
    )
    for u in ledger.units:
        ref("units", u.id, "parent_id", u.parent_id, "units")
    problems += _check_unit_cycles(ledger, units)
    for e in ledger.establishments:
        ref("establishments", e.id, "unit_id", e.unit_id, "units")
    for p in ledger.leadership_posts:
        ref("leadership_posts", p.id, "unit_id", p.unit_id, "units")
    for a in ledger.assignments:
        ref("assignments", a.id, "staff_id", a.staff_id, "staff")
        ref("assignments", a.id, "unit_id", a.unit_id, "units")
    for c in ledger.cadres:
        ref("cadres", c.id, "county_id", c.county_id, "units")
    for o in ledger.party_orgs:
        ref("party_orgs", o.id, "unit_id", o.unit_id, "units")
        ref("party_orgs", o.id, "parent_id", o.parent_id, "party_orgs")
    for b in ledger.branches:
        ref("branches", b.id, "org_id", b.org_id, "party_orgs")
        ref("branches", b.id, "county_id", b.county_id, "units")
        for unit_id in b.covers_unit_ids:
            ref("branches", b.id, "covers_unit_ids", unit_id, "units")
    problems += _check_memberships(ledger, cadres, branches)
    problems += _check_party_groups(ledger, ref)
    groups = by_id["party_groups"]
    for act in ledger.activities:
        ref("activities", act.id, "branch_id", act.branch_id, "branches")
        if act.group_id is not None:
            ref("activities", act.id, "group_id", act.group_id, "party_groups")
            group = groups.get(act.group_id)
            if group is not None and group.branch_id != act.branch_id:
                problems.append(
                    _problem(
                        "activities",
                        act.id,
                        "group_id",
                        f"党小组 {group.id} 属于支部 {group.branch_id}，不属于 {act.branch_id}",
                        f"party group {group.id!r} belongs to branch {group.branch_id!r}, "
                        f"not {act.branch_id!r}",
                    )
                )
        ref("activities", act.id, "owner_unit_id", act.owner_unit_id, "units")
        ref("activities", act.id, "theme_id", act.theme_id, "themes")
        for cadre_id in act.attendee_ids:
            ref("activities", act.id, "attendee_ids", cadre_id, "cadres")
        if act.activity_kind not in activity_kinds:
            problems.append(
                _problem(
                    "activities",
                    act.id,
                    "activity_kind",
                    _unknown_key_zh("活动类型", act.activity_kind, activity_kinds),
                    activity_kinds.unknown_message(act.activity_kind),
                )
            )
            continue
        held = activity_kinds.get(act.activity_kind)
        scope = held.scope
        if held.held_by_group and act.group_id is None:
            problems.append(
                _problem(
                    "activities",
                    act.id,
                    "group_id",
                    f"“{held.label.zh}”须由党小组开展，请填写党小组编号",
                    f"a {held.label.en!r} is held by a party group: set group_id",
                )
            )
        if scope == "branch" and act.branch_id is None:
            problems.append(
                _problem(
                    "activities",
                    act.id,
                    "branch_id",
                    f"“{held.label.zh}”须由党支部开展",
                    f"a {held.label.en!r} is held by a branch",
                )
            )
        if scope == "unit" and act.owner_unit_id is None:
            problems.append(
                _problem(
                    "activities",
                    act.id,
                    "owner_unit_id",
                    f"“{held.label.zh}”须由单位开展",
                    f"a {held.label.en!r} is held by a unit",
                )
            )
    assessed: dict[tuple[str, int], str] = {}
    for ba in ledger.branch_assessments:
        ref("branch_assessments", ba.id, "branch_id", ba.branch_id, "branches")
        ref("branch_assessments", ba.id, "assessor_unit_id", ba.assessor_unit_id, "units")
        first = assessed.setdefault((ba.branch_id, ba.year), ba.id)
        if first != ba.id:
            problems.append(
                _problem(
                    "branch_assessments",
                    ba.id,
                    "year",
                    f"支部 {ba.branch_id} 的 {ba.year} 年度已有评定 {first}",
                    f"branch {ba.branch_id!r} already has assessment {first!r} for {ba.year}",
                )
            )
    if ledger.party_dues or ledger.dues_reductions:
        problems += dues_problems(
            ledger.party_dues, ledger.dues_reductions, ledger.memberships, cadres, branches
        )
    for cl in ledger.checklists:
        ref("checklists", cl.id, "owner_unit_id", cl.owner_unit_id, "units")
        for entry in cl.items:
            ref("checklists", cl.id, "owner_unit_id", entry.owner_unit_id, "units")
    for plan in ledger.plans:
        ref("plans", plan.id, "owner_unit_id", plan.owner_unit_id, "units")
    for theme in ledger.themes:
        ref("themes", theme.id, "owner_unit_id", theme.owner_unit_id, "units")
    problems += _check_one_theme_a_year(ledger)
    for prog in ledger.programmes:
        ref("programmes", prog.id, "owner_unit_id", prog.owner_unit_id, "units")
        ref("programmes", prog.id, "theme_id", prog.theme_id, "themes")
    for proj in ledger.projects:
        ref("projects", proj.id, "leader_id", proj.leader_id, "cadres")
        ref("projects", proj.id, "county_id", proj.county_id, "units")
        ref("projects", proj.id, "branch_id", proj.branch_id, "branches")
        ref("projects", proj.id, "programme_id", proj.programme_id, "programmes")
    for s in ledger.service_records:
        ref("service_records", s.id, "cadre_id", s.cadre_id, "cadres")
        ref("service_records", s.id, "provider_unit_id", s.provider_unit_id, "units")
        problems += _check_service_details(ledger, s, registry)
    problems += _check_service_histories(ledger, by_id, registry)
    for op in ledger.opinions:
        ref("opinions", op.id, "raised_at_id", op.raised_at_id, "activities")
        ref("opinions", op.id, "assigned_unit_id", op.assigned_unit_id, "units")
    for std in ledger.treatment_standards:
        ref("treatment_standards", std.id, "applies_to_unit_id", std.applies_to_unit_id, "units")
    for g in ledger.treatment_grants:
        ref("treatment_grants", g.id, "cadre_id", g.cadre_id, "cadres")
        ref("treatment_grants", g.id, "standard_id", g.standard_id, "treatment_standards")
        granted = by_id["treatment_standards"].get(g.standard_id)
        if granted is not None and granted.treatment_item != g.treatment_item:
            problems.append(
                _problem(
                    "treatment_grants",
                    g.id,
                    "treatment_item",
                    f"待遇项目 {g.treatment_item} 与标准 {granted.id} 的项目 {granted.treatment_item} 不符",
                    f"item {g.treatment_item!r} differs from standard {granted.id!r}'s "
                    f"item {granted.treatment_item!r}",
                )
            )
    for r in ledger.recognitions:
        ref("recognitions", r.id, "recipient_unit_id", r.recipient_unit_id, "units")
        ref("recognitions", r.id, "recipient_cadre_id", r.recipient_cadre_id, "cadres")
    for override in ledger.parameters:
        ref("parameters", override.id, "unit_id", override.unit_id, "units")
    return problems


def _check_unit_cycles(ledger: Ledger, units: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for unit in ledger.units:
        seen = {unit.id}
        parent = unit.parent_id
        while parent is not None and parent in units:
            if parent in seen:
                problems.append(
                    _problem(
                        "units",
                        unit.id,
                        "parent_id",
                        "单位上下级关系成环",
                        "the unit tree has a cycle here",
                    )
                )
                break
            seen.add(parent)
            parent = units[parent].parent_id
    return problems


def _check_memberships(
    ledger: Ledger, cadres: Mapping[str, Any], branches: Mapping[str, Any]
) -> list[Problem]:
    problems = []
    spans: dict[str, list[Membership]] = defaultdict(list)
    for m in ledger.memberships:
        where = _MEMBERSHIP.key_of(m)
        cadre = cadres.get(m.cadre_id)
        if cadre is None:
            problems.append(
                _problem(
                    "memberships",
                    where,
                    "cadre_id",
                    f"成员 {m.cadre_id} 不在花名册中",
                    f"member {m.cadre_id!r} is not on the roster (cadres)",
                )
            )
        elif not cadre.is_party_member:
            problems.append(
                _problem(
                    "memberships",
                    where,
                    "cadre_id",
                    f"{m.cadre_id} 不是党员，不能编入支部",
                    f"{m.cadre_id!r} is not a party member and cannot be in a branch",
                )
            )
        if m.branch_id not in branches:
            problems.append(
                _problem(
                    "memberships",
                    where,
                    "branch_id",
                    f"支部 {m.branch_id} 不存在",
                    f"no branch {m.branch_id!r}",
                )
            )
        for other in spans[m.cadre_id]:
            if _overlap(other, m):
                problems.append(
                    _problem(
                        "memberships",
                        where,
                        "branch_id",
                        f"{m.cadre_id} 同时属于支部 {other.branch_id} 和 {m.branch_id}",
                        f"{m.cadre_id!r} is in branch {other.branch_id!r} and branch "
                        f"{m.branch_id!r} at the same time",
                    )
                )
        spans[m.cadre_id].append(m)
    for b in ledger.branches:
        officers = [
            ("secretary_id", b.secretary_id),
            ("deputy_secretary_id", b.deputy_secretary_id),
        ]
        officers += [("committee_ids", c) for c in b.committee_ids]
        for field, cadre_id in officers:
            if cadre_id is None:
                continue
            if not any(m.branch_id == b.id for m in spans.get(cadre_id, ())):
                problems.append(
                    _problem(
                        "branches",
                        b.id,
                        field,
                        f"{cadre_id} 不是本支部成员",
                        f"{cadre_id!r} is not a member of this branch",
                    )
                )
    return problems


def _check_party_groups(ledger: Ledger, ref: Any) -> list[Problem]:
    """A group's branch exists; its leader and members are members of that branch; a
    member is in at most one group of a branch at a time."""
    problems: list[Problem] = []
    branch_of: dict[str, set[str]] = defaultdict(set)
    for m in ledger.memberships:
        branch_of[m.cadre_id].add(m.branch_id)
    seen: dict[tuple[str, str], list[PartyGroup]] = defaultdict(list)
    for g in ledger.party_groups:
        ref("party_groups", g.id, "branch_id", g.branch_id, "branches")
        people = [("member_ids", c) for c in g.member_ids]
        if g.group_leader_id and not g.member_ids:
            people.append(("group_leader_id", g.group_leader_id))
        for field, cadre_id in people:
            if g.branch_id not in branch_of.get(cadre_id, ()):
                problems.append(
                    _problem(
                        "party_groups",
                        g.id,
                        field,
                        f"{cadre_id} 不是支部 {g.branch_id} 的成员",
                        f"{cadre_id!r} is not a member of branch {g.branch_id!r}",
                    )
                )
        for cadre_id in g.member_ids:
            for other in seen[(g.branch_id, cadre_id)]:
                if _groups_overlap(other, g):
                    problems.append(
                        _problem(
                            "party_groups",
                            g.id,
                            "member_ids",
                            f"{cadre_id} 同时属于党小组 {other.id} 和 {g.id}",
                            f"{cadre_id!r} is in party groups {other.id!r} and {g.id!r} "
                            "at the same time",
                        )
                    )
            seen[(g.branch_id, cadre_id)].append(g)
    return problems


def _check_one_theme_a_year(ledger: Ledger) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, int], str] = {}
    for theme in ledger.themes:
        key = (theme.owner_unit_id, theme.year)
        if key in seen:
            problems.append(
                _problem(
                    "themes",
                    theme.id,
                    "year",
                    f"{theme.year} 年已有主题 {seen[key]}",
                    f"{theme.year} already has theme {seen[key]!r} for this unit",
                )
            )
        seen[key] = theme.id
    return problems


def _check_service_histories(ledger: Ledger, by_id: Index, registry: Registry) -> list[Problem]:
    from .services import history_problems

    problems = []
    by_record: dict[str, list[ServiceEvent]] = defaultdict(list)
    for event in ledger.service_events:
        by_record[event.record_id].append(event)
    records = by_id["service_records"]
    for record_id, events in by_record.items():
        record = records.get(record_id)
        key = f"{record_id}@{min(e.seq for e in events)}"
        if record is None:
            problems.append(
                _problem(
                    "service_events",
                    key,
                    "record_id",
                    f"服务记录 {record_id} 不存在",
                    f"no service record {record_id!r}",
                )
            )
            continue
        if record.service_type not in registry.service_types:
            continue  # reported with the record itself
        service_type = registry.service_types.get(record.service_type)
        if service_type.unchecked is not None:
            continue  # its plugin is not in use: its lifecycle is not known here
        for text in history_problems(record, events, service_type.lifecycle):
            problems.append(Problem(Location(field="seq"), text, "service_records", record_id))
    return problems


def _check_service_details(
    ledger: Ledger, record: ServiceRecord, registry: Registry
) -> list[Problem]:
    types = registry.service_types
    if record.service_type not in types:
        return []  # (said when the details were typed)
    service_type = types.get(record.service_type)
    if service_type.unchecked is not None or isinstance(record.details, dict):
        return []  # a plugin not in use; or details that failed their model (said)
    hooks = registry.hooks
    if hooks is None:
        return []
    found = hooks.validate_service_record(record, service_type, ledger)
    return [
        Problem(Location(field="details"), text, "service_records", record.id) for _, text in found
    ]


def _overlap(a: Membership, b: Membership) -> bool:
    lo_a, lo_b = a.since or date.min, b.since or date.min
    hi_a, hi_b = a.until or date.max, b.until or date.max
    return lo_a < hi_b and lo_b < hi_a


def _groups_overlap(a: PartyGroup, b: PartyGroup) -> bool:
    """Whether two groups exist on some day in common (open ends: always)."""
    a_end, b_end = a.abolished or date.max, b.abolished or date.max
    a_start, b_start = a.formed or date.min, b.formed or date.min
    return a_start < b_end and b_start < a_end
