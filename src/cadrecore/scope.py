"""Views of a ledger scoped by unit: what a county (or a bureau, a department) may see.

A scope is a unit id. The view of a unit holds that unit and every unit below it, and every
record that belongs to those units, following each kind's ownership path; records that belong
to other units (another county's cadres, their branches, meetings, services, grants) are not in
it. :meth:`cadrecore.store.Store.load` with ``unit=`` enforces the same rules in SQL, so that
another county's rows are never read; :func:`scope_ledger` applies them to a ledger in memory
(a ledger folder is local files: :func:`cadrecore.load_ledger` reads it whole, checks it, then
keeps the view). A test holds the two to the same result.

Ownership, kind by kind (``S`` the scope unit and the units below it, ``C`` the cadres in view,
``B`` the branches in view; see docs/store.md):

- cadres: ``county_id`` in ``S``.
- branches: ``county_id`` in ``S`` and every officer (secretary, deputy, committee) in ``C``.
- memberships: cadre in ``C`` and branch in ``B``.
- party groups: branch in ``B`` and every member (and the leader) in ``C``; branch assessments:
  branch in ``B``.
- party dues and dues reductions: cadre in ``C`` and branch in ``B``.
- activities: held by a branch in ``B`` or a unit in ``S``, and every attendee in ``C``; also a
  unit's activity at which an opinion assigned to a unit in ``S`` was raised (the city's
  briefing), when its attendees are in ``C``.
- opinions: ``assigned_unit_id`` in ``S`` and raised at an activity in view (or nowhere).
- projects: ``county_id`` in ``S``, leader in ``C``, branch (if any) in ``B``.
- service records and treatment grants: cadre in ``C``; service events: record in view.
- establishments, leadership posts, assignments: ``unit_id`` in ``S``; staff: those with an
  assignment in ``S`` (staff with none are seen only from the jurisdiction's root).
- checklists and plans: owner in ``S`` (a county is not judged on the city's checklist).
- recognitions: recipient unit in ``S``, recipient cadre in ``C``, or no recipient.
- policy records: themes and programmes owned in ``S``, above it (its ancestors and units of a
  higher level: the city's theme of the year holds for its counties) or referred to by a record
  in view; treatment standards for everyone, for a unit in ``S``, or granted to a cadre in ``C``;
  parameter overrides for the whole ledger, a unit in ``S`` or one of its ancestors; waivers of
  no particular subject, or of a subject in view (of any subject, from the root).
- context, so that the view holds together (every reference resolves and the Ledger's
  cross-checks pass): the party organizations of the branches in view and those above them,
  and the units that records in view name (a service's provider, an organization's bureau)
  with the units above them. None of these is personal data.

A record that ties two scopes' personal data together (a county-A cadre at a county-B branch's
meeting, a branch whose secretary lives in another county) is in the view of neither: only a
view that holds both (their common ancestor's) shows it. The view of the jurisdiction's root
unit is the whole ledger.

A view is a :class:`ScopedLedger`: a :class:`~cadrecore.Ledger` that knows its scope. It can be
checked, reported on and exported like any ledger, but a store refuses to save it (saving a
view would delete everything outside it), and a ledger folder holding another ledger is not
overwritten by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import CadrecoreError
from .ledger import Ledger
from .models import KINDS_BY_NAME, RECORD_KINDS
from .registry import Registry

if TYPE_CHECKING:
    from .rules.findings import Report

#: Unit levels from the top: a unit of a lower rank number is above one of a higher.
LEVEL_RANK: dict[str, int] = {"province": 0, "city": 1, "county": 2, "township": 3}
#: A waiver's ``subject_kind`` and the record kind whose id its ``subject_id`` is, or starts
#: (a checklist item's subject id is ``<checklist id>:<item>``, a plan target's ``<plan>:<metric>``).
SUBJECT_KINDS: dict[str, str] = {
    **{k.name: k.name for k in RECORD_KINDS if k.keyed and k.name != "waivers"},
    "checklist_items": "checklists",
}
#: Where a ledger keeps its scope (outside its fields: not data, not compared).
SCOPE_ATTRIBUTE = "_scope_unit"


class ScopeError(CadrecoreError):
    """A scope that cannot be given (no such unit), or a view used where a whole ledger must be."""


def higher_levels(level: str) -> tuple[str, ...]:
    """The unit levels above ``level`` (``county`` -> province, city)."""
    rank = LEVEL_RANK.get(level)
    if rank is None:
        return ()
    return tuple(name for name, r in LEVEL_RANK.items() if r < rank)


class ScopedLedger(Ledger):
    """A ledger's view from one unit (see :mod:`cadrecore.scope`): checked like any ledger.

    ``scope`` is the unit id. ``replace`` keeps it. A store refuses to save a view.
    """

    def __init__(self, /, scope: str, registry: Registry | None = None, **data: Any) -> None:
        super().__init__(registry=registry, **data)
        self.__dict__[SCOPE_ATTRIBUTE] = scope

    @property
    def scope(self) -> str:
        """The unit whose view this is."""
        return str(self.__dict__[SCOPE_ATTRIBUTE])

    def replace(self, **changes: Any) -> ScopedLedger:
        """A copy with some kinds replaced, checked anew: still the view of the same unit."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(changes)
        return ScopedLedger(self.scope, registry=self.registry, **data)


def scope_of(ledger: Ledger) -> str | None:
    """The unit whose view ``ledger`` is, or None for a whole ledger."""
    scope = ledger.__dict__.get(SCOPE_ATTRIBUTE)
    return scope if isinstance(scope, str) else None


def refuse_scoped_save(ledger: Ledger, where: str = "the store") -> None:
    """Raise :class:`ScopeError` if ``ledger`` is a view: saving it would delete or leave
    stale every record outside it."""
    scope = scope_of(ledger)
    if scope is None:
        return
    raise ScopeError(
        f"this ledger is the view of unit {scope!r} (loaded with unit=/--unit): saving it to "
        f"{where} would delete every record outside that view; load the whole ledger to change "
        f"it / 此账册是单位 {scope} 的视图（按单位载入），保存会删除视图以外的全部记录，"
        "请载入完整账册后再修改"
    )


# =============================================================================================
# The rules, in memory
# =============================================================================================


def _subtree(ledger: Ledger, unit_id: str) -> set[str]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for unit in ledger.units:
        children[unit.parent_id].append(unit.id)
    found = {unit_id}
    todo = [unit_id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _with_ancestors(ledger: Ledger, seeds: Iterable[str | None]) -> set[str]:
    parents = {u.id: u.parent_id for u in ledger.units}
    found: set[str] = set()
    for seed in seeds:
        current = seed
        while current is not None and current in parents and current not in found:
            found.add(current)
            current = parents[current]
    return found


def no_such_unit(unit_id: str, ledger_id: str) -> ScopeError:
    return ScopeError(
        f"ledger {ledger_id!r} has no unit {unit_id!r} to scope by "
        f"/ 账册 {ledger_id} 中没有单位 {unit_id}"
    )


def scope_records(ledger: Ledger, unit_id: str) -> dict[str, tuple[Any, ...]]:
    """The records of each kind in ``unit_id``'s view of ``ledger`` (see the module's rules)."""
    units = {u.id: u for u in ledger.units}
    if unit_id not in units:
        raise no_such_unit(unit_id, ledger.jurisdiction.id)
    is_root = unit_id == ledger.jurisdiction.root_unit_id
    S = _subtree(ledger, unit_id)
    above = _with_ancestors(ledger, [units[unit_id].parent_id])
    higher = set(higher_levels(units[unit_id].level.value))
    upper = S | above | {u.id for u in ledger.units if u.level.value in higher}
    view: dict[str, tuple[Any, ...]] = {}

    def keep(kind: str, test: Any) -> tuple[Any, ...]:
        view[kind] = tuple(r for r in ledger.records(kind) if test(r))
        return view[kind]

    C = {c.id for c in keep("cadres", lambda c: c.county_id in S)}

    def officers_in_view(b: Any) -> bool:
        officers = (b.secretary_id, b.deputy_secretary_id, *b.committee_ids)
        return all(o is None or o in C for o in officers)

    B = {b.id for b in keep("branches", lambda b: b.county_id in S and officers_in_view(b))}
    keep("memberships", lambda m: m.cadre_id in C and m.branch_id in B)
    G = {
        g.id
        for g in keep(
            "party_groups",
            lambda g: (
                g.branch_id in B
                and all(c in C for c in g.member_ids)
                and (g.group_leader_id is None or g.group_leader_id in C)
            ),
        )
    }
    keep("branch_assessments", lambda a: a.branch_id in B)
    keep("party_dues", lambda d: d.cadre_id in C and d.branch_id in B)
    keep("dues_reductions", lambda r: r.cadre_id in C and r.branch_id in B)
    raised_here = {o.raised_at_id for o in ledger.opinions if o.assigned_unit_id in S}
    A = {
        a.id
        for a in keep(
            "activities",
            lambda a: (
                all(c in C for c in a.attendee_ids)
                and (a.group_id is None or a.group_id in G)
                and (
                    a.branch_id in B
                    or a.owner_unit_id in S
                    or (a.owner_unit_id is not None and a.id in raised_here)
                )
            ),
        )
    }
    keep(
        "opinions",
        lambda o: o.assigned_unit_id in S and (o.raised_at_id is None or o.raised_at_id in A),
    )
    projects = keep(
        "projects",
        lambda p: (
            p.county_id in S and p.leader_id in C and (p.branch_id is None or p.branch_id in B)
        ),
    )
    wanted = {p.programme_id for p in projects}
    programmes = keep("programmes", lambda g: g.owner_unit_id in upper or g.id in wanted)
    wanted = {a.theme_id for a in view["activities"]} | {g.theme_id for g in programmes}
    keep("themes", lambda t: t.owner_unit_id in upper or t.id in wanted)
    SR = {s.id for s in keep("service_records", lambda s: s.cadre_id in C)}
    keep("service_events", lambda e: e.record_id in SR)
    grants = keep("treatment_grants", lambda g: g.cadre_id in C)
    wanted = {g.standard_id for g in grants}
    keep(
        "treatment_standards",
        lambda s: s.applies_to_unit_id is None or s.applies_to_unit_id in S or s.id in wanted,
    )
    keep("checklists", lambda c: c.owner_unit_id in S)
    keep("plans", lambda p: p.owner_unit_id in S)
    keep("establishments", lambda e: e.unit_id in S)
    keep("leadership_posts", lambda p: p.unit_id in S)
    assignments = keep("assignments", lambda a: a.unit_id in S)
    assigned = {a.staff_id for a in assignments}
    keep("staff", lambda s: is_root or s.id in assigned)
    keep(
        "recognitions",
        lambda r: (
            r.recipient_unit_id in S
            or r.recipient_cadre_id in C
            or (r.recipient_unit_id is None and r.recipient_cadre_id is None)
        ),
    )
    keep("parameters", lambda p: p.unit_id is None or p.unit_id in S or p.unit_id in above)

    # party organizations: those of units in S, of the branches in view, and those above them
    orgs = {o.id: o for o in ledger.party_orgs}
    seeds = [o.id for o in ledger.party_orgs if o.unit_id in S] + [
        b.org_id for b in view["branches"]
    ]
    org_ids: set[str] = set()
    for seed in seeds:
        current: str | None = seed
        while current is not None and current in orgs and current not in org_ids:
            org_ids.add(current)
            current = orgs[current].parent_id
    keep("party_orgs", lambda o: o.id in org_ids)

    # units: S, and every unit a record in view names, with the units above them
    named: list[str | None] = [*S]
    named += [o.unit_id for o in view["party_orgs"]]
    named += [u for b in view["branches"] for u in b.covers_unit_ids]
    named += [e.owner_unit_id for c in view["checklists"] for e in c.items]
    named += [g.owner_unit_id for g in view["programmes"]]
    named += [t.owner_unit_id for t in view["themes"]]
    named += [a.owner_unit_id for a in view["activities"]]
    named += [s.provider_unit_id for s in view["service_records"]]
    named += [s.applies_to_unit_id for s in view["treatment_standards"]]
    named += [p.unit_id for p in view["parameters"]]
    named += [a.assessor_unit_id for a in view["branch_assessments"]]
    U = _with_ancestors(ledger, named)
    keep("units", lambda u: u.id in U)

    # waivers: of no particular subject, or of a subject in view
    keep("waivers", lambda w: is_root or not w.subject_id or _subject_in(w, view, S))
    assert set(view) == {k.name for k in RECORD_KINDS}
    return {k.name: view[k.name] for k in RECORD_KINDS}


def _subject_in(waiver: Any, view: Mapping[str, tuple[Any, ...]], own_units: set[str]) -> bool:
    kind = SUBJECT_KINDS.get(waiver.subject_kind)
    if kind is None:
        return False
    ids: Iterable[str] = own_units if kind == "units" else (r.id for r in view[kind])
    subject = waiver.subject_id
    return any(subject == i or subject.startswith(i + ":") for i in ids)


def scope_ledger(ledger: Ledger, unit_id: str) -> ScopedLedger:
    """``unit_id``'s view of ``ledger`` (see the module's rules), as a :class:`ScopedLedger`.

    :class:`ScopeError` if the ledger has no such unit.
    """
    records = scope_records(ledger, unit_id)
    return ScopedLedger(
        unit_id, registry=ledger.registry, jurisdiction=ledger.jurisdiction, **records
    )


# =============================================================================================
# Judging a view: findings about its own records only
# =============================================================================================


Held = Callable[[Any, set[str], set[str]], bool]
"""Whether a record a view holds is held as such (context, or the whole ledger's), given the
view's unit subtree ``S`` and the ids of the branches in the view ``B``."""

#: The records a view holds as context, so that it holds together, rather than as its own: the
#: units outside it, the organizations, themes, programmes and treatment standards of the units
#: above, another unit's meetings its cadres attend.
_CONTEXT: dict[str, Held] = {
    "units": lambda u, S, B: u.id not in S,
    "party_orgs": lambda o, S, B: o.unit_id not in S,
    "themes": lambda t, S, B: t.owner_unit_id not in S,
    "programmes": lambda g, S, B: g.owner_unit_id not in S,
    "activities": lambda a, S, B: a.branch_id not in B and a.owner_unit_id not in S,
    "treatment_standards": lambda s, S, B: s.applies_to_unit_id not in S,
}
#: The records a view holds that belong to the whole ledger: parameters, waivers and
#: recognitions of no particular unit, cadre or subject.
_WHOLE_LEDGERS: dict[str, Held] = {
    "parameters": lambda p, S, B: p.unit_id not in S,
    "waivers": lambda w, S, B: not w.subject_id,
    "recognitions": lambda r, S, B: r.recipient_unit_id is None and r.recipient_cadre_id is None,
}


def owned_keys(ledger: Ledger, unit_id: str) -> dict[str, frozenset[str]]:
    """The keys (``RecordKind.key_of``) of the records of each kind that are ``unit_id``'s own:
    those in its view (:func:`scope_records`) other than the context the view holds so that it
    holds together and what belongs to the whole ledger. What an import for the unit
    (``import --unit``) may add or change. The root unit owns every record.

    :class:`ScopeError` if the ledger has no such unit.
    """
    view = scope_records(ledger, unit_id)
    is_root = unit_id == ledger.jurisdiction.root_unit_id
    S = _subtree(ledger, unit_id)
    B = {b.id for b in view["branches"]}
    not_owns = {} if is_root else {**_CONTEXT, **_WHOLE_LEDGERS}
    owned: dict[str, frozenset[str]] = {}
    for kind in RECORD_KINDS:
        not_own = not_owns.get(kind.name)
        owned[kind.name] = frozenset(
            kind.key_of(r) for r in view[kind.name] if not_own is None or not not_own(r, S, B)
        )
    return owned


def context_subjects(ledger: Ledger) -> dict[str, frozenset[str]] | None:
    """For a view, the ids of the records it holds as context rather than as its own, by kind
    (units outside the scope, the city's party working committee, the city's theme...); None
    for a whole ledger."""
    scope = scope_of(ledger)
    if scope is None:
        return None
    S = _subtree(ledger, scope)
    B = {b.id for b in ledger.branches}
    return {
        kind: frozenset(
            KINDS_BY_NAME[kind].key_of(r) for r in ledger.records(kind) if held(r, S, B)
        )
        for kind, held in _CONTEXT.items()
    }


def scoped_report(report: Report, ledger: Ledger) -> Report:
    """``report`` (of :func:`cadrecore.rules.evaluate` over ``ledger``) without what it says
    about the records a view holds only as context: a county's view names the city bureau
    that serves its cadres, but the bureau's own obligations are not the county's, and its
    view does not hold the records that would show them met. A whole ledger's report is
    returned as it is."""
    import dataclasses

    context = context_subjects(ledger)
    if context is None:
        return report

    def own(outcome: Any) -> bool:
        return outcome.subject.id not in context.get(outcome.subject.kind, frozenset())

    return dataclasses.replace(
        report,
        findings=tuple(f for f in report.findings if own(f)),
        waived=tuple(f for f in report.waived if own(f)),
        occurrences=tuple(o for o in report.occurrences if own(o)),
        measures=tuple(m for m in report.measures if own(m)),
    )


def view_title(ledger: Ledger) -> str:
    """The jurisdiction's name, and for a view the scope unit's (``忻州市河曲县``; the unit's
    own name when it holds the jurisdiction's: ``中共忻州市委老干部局``)."""
    scope = scope_of(ledger)
    name = ledger.jurisdiction.name
    if scope is None or scope == ledger.jurisdiction.root_unit_id:
        return name
    unit = ledger.unit(scope).name
    return unit if name in unit else f"{name}{unit}"
