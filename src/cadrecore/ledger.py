"""A jurisdiction's whole record as one object: indexed, and cross-checked when it is built.

A :class:`Ledger` is immutable. Building one checks every cross-reference (a branch member who
is not on the roster, an activity of an unknown branch, a cadre in two branches at once) and
raises a :class:`~cadrecore.errors.LedgerError` listing every problem with where it is. The
query methods answer what rules and reports ask, from indexes built once.

This module holds the ledger itself: its kinds of records, building and copying it, reading
columns, and its lookups and views (the unit tree, a branch's members on a day, the activities
of a kind by date). The checks it runs when it is built are :mod:`cadrecore.ledger_checks`'s.
It imports nothing above the registry's layer (no rules, ``scope``, ``io``, ``store``,
reports or CLI: the contract "The ledger does not import io" among them); writing a ledger
folder is handed down (``cadrecore._in_force``).
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache, cached_property
from operator import attrgetter
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, PrivateAttr

from . import _in_force, ledger_checks
from ._gc import collector_paused
from .calendar import Period
from .dues_checks import dues_problems as dues_problems
from .errors import BilingualValueError as BilingualValueError
from .errors import LedgerError, Problem
from .errors import Location as Location
from .i18n import Text
from .ledger_checks import typed_service_records as typed_service_records
from .models import (
    KINDS_BY_NAME,
    RECORD_KINDS,
    Activity,
    Assignment,
    Branch,
    BranchAssessment,
    Cadre,
    Checklist,
    DuesReduction,
    Establishment,
    Jurisdiction,
    LeadershipPost,
    Membership,
    Opinion,
    ParameterOverride,
    PartyDues,
    PartyGroup,
    PartyOrg,
    Plan,
    Programme,
    Project,
    Recognition,
    Record,
    ServiceEvent,
    ServiceRecord,
    StaffMember,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
    UnitLevel,
    Waiver,
)
from .models.labels import zh_label as zh_label
from .models.services import typed_details as typed_details
from .models.services import typed_details_model as typed_details_model
from .registry import Registry

# The names imported as themselves (``x as x``) are the checks' now (ledger_checks): this
# module offered them before its checks moved there, and still does (tests/public_names.txt).


def _as_used(registry: Registry, data: Mapping[str, Any]) -> Registry:
    """``registry`` as the ledger of ``data`` uses it: the plugins its jurisdiction names, and
    stand-ins for the service types of its records whose plugin is not in use (see
    :meth:`~cadrecore.registry.Registry.for_ledger`)."""
    jurisdiction = data.get("jurisdiction")
    plugins = (
        jurisdiction.get("plugins")
        if isinstance(jurisdiction, dict)
        else getattr(jurisdiction, "plugins", None)
    )
    keys = {
        r.get("service_type") if isinstance(r, dict) else getattr(r, "service_type", None)
        for r in data.get("service_records", ())
    }
    return registry.for_ledger(plugins, (k for k in keys if isinstance(k, str)))


class Ledger(BaseModel):
    """Everything a jurisdiction records, by kind, with indexes and cross-reference checks.

    Build one from records (``Ledger(jurisdiction=..., cadres=(...), ...)``), from a ledger folder
    (:func:`cadrecore.load_ledger`) or from a store. ``Ledger.replace(...)`` makes a changed copy.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True
    )

    jurisdiction: Jurisdiction
    units: tuple[Unit, ...] = ()
    establishments: tuple[Establishment, ...] = ()
    leadership_posts: tuple[LeadershipPost, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    cadres: tuple[Cadre, ...] = ()
    party_orgs: tuple[PartyOrg, ...] = ()
    branches: tuple[Branch, ...] = ()
    memberships: tuple[Membership, ...] = ()
    party_groups: tuple[PartyGroup, ...] = ()
    activities: tuple[Activity, ...] = ()
    branch_assessments: tuple[BranchAssessment, ...] = ()
    party_dues: tuple[PartyDues, ...] = ()
    dues_reductions: tuple[DuesReduction, ...] = ()
    checklists: tuple[Checklist, ...] = ()
    plans: tuple[Plan, ...] = ()
    themes: tuple[Theme, ...] = ()
    programmes: tuple[Programme, ...] = ()
    projects: tuple[Project, ...] = ()
    service_records: tuple[ServiceRecord, ...] = ()
    service_events: tuple[ServiceEvent, ...] = ()
    opinions: tuple[Opinion, ...] = ()
    treatment_standards: tuple[TreatmentStandard, ...] = ()
    treatment_grants: tuple[TreatmentGrant, ...] = ()
    recognitions: tuple[Recognition, ...] = ()
    parameters: tuple[ParameterOverride, ...] = ()
    waivers: tuple[Waiver, ...] = ()

    _registry: Registry = PrivateAttr()
    _by_id: dict[str, dict[str, Any]] = PrivateAttr()

    def __init__(self, /, registry: Registry | None = None, **data: Any) -> None:
        registry = _as_used(registry or _in_force.registry_in_force(), data)
        values = _prebuilt(data)
        if values is not None:
            # every kind is already a tuple of built records: validating them again would only
            # re-run each record's own validators (a third of a load from the store)
            object.__setattr__(self, "__dict__", values)
            object.__setattr__(self, "__pydantic_fields_set__", set(data))
            object.__setattr__(self, "__pydantic_extra__", None)
            object.__setattr__(self, "__pydantic_private__", {})
        else:
            # validate as BaseModel.__init__ does, but with the registry in the context, so
            # that records given as plain data check their keys against this ledger's registry
            self.__pydantic_validator__.validate_python(
                data, self_instance=self, context={"registry": registry}
            )
        self._registry = registry
        ids: dict[str, dict[str, Any]] = {kind.name: {} for kind in RECORD_KINDS if kind.keyed}
        self._by_id = ids
        # the same dict in the instance's own namespace: reading a pydantic private attribute
        # goes through BaseModel.__getattr__, which the hot lookups below cannot afford
        self.__dict__["_ids"] = ids
        with collector_paused():
            problems = self._type_service_details()
            problems += ledger_checks.index_ids(self, ids)
            problems += ledger_checks.cross_check(self, ids, registry)
        if problems:
            raise LedgerError(problems, source=self.jurisdiction.name)

    # -----------------------------------------------------------------------------------------
    # Building and copying
    # -----------------------------------------------------------------------------------------

    def replace(self, **changes: Any) -> Ledger:
        """A copy with some kinds replaced (``ledger.replace(activities=...)``), checked anew."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(changes)
        copy = Ledger(registry=self._registry, **data)
        if "_store_origin" in self.__dict__:  # the store it was read from: see Store.save
            copy.__dict__["_store_origin"] = self.__dict__["_store_origin"]
        return copy

    def with_records(self, *records: Record) -> Ledger:
        """A copy with ``records`` added, each to its kind (an :class:`Activity` to
        ``activities``), checked anew as :meth:`replace` checks.

        A record with the key of one the ledger holds (its ``id``; a membership's cadre,
        branch and start) takes that one's place, so ``ledger.with_records(cadre.model_copy(
        update={"phone": ...}))`` changes one cadre. New records come after the others of their
        kind, in the order given. The ids are the caller's to choose: a readable one in the
        ledger's own pattern (``xz.ningwu.b03.tpd.2022-08``); a record that breaks a
        cross-reference raises :class:`~cadrecore.errors.LedgerError` naming it.
        """
        kinds = {kind.model: kind for kind in RECORD_KINDS}
        added: dict[str, dict[str, Record]] = {}
        for record in records:
            kind = kinds.get(type(record))
            if kind is None:
                raise TypeError(f"a ledger holds no records of type {type(record).__name__}")
            if kind.name not in added:
                added[kind.name] = {kind.key_of(r): r for r in self.records(kind.name)}
            added[kind.name][kind.key_of(record)] = record
        return self.replace(**{name: tuple(held.values()) for name, held in added.items()})

    def __eq__(self, other: object) -> bool:
        """Equal when every kind holds the same records: the registry a ledger was checked
        against, its indexes and caches do not count."""
        if not isinstance(other, Ledger):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)

    __hash__ = None  # type: ignore[assignment]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write this ledger as a ledger folder at ``path`` (see :func:`cadrecore.save_ledger`)."""
        return _in_force.write_folder(self, path)  # io writes folders: handed down to us

    @property
    def registry(self) -> Registry:
        """The vocabularies this ledger was checked against."""
        return self._registry

    def records(self, kind: str) -> tuple[Record, ...]:
        """The records of one kind by its name (``"cadres"``)."""
        value = getattr(self, kind)
        assert isinstance(value, tuple)
        return value

    def columns(
        self, kind: str, *fields: str, where: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """The values of ``fields`` of each record of ``kind``, as tuples, in ledger order.

        ``where`` keeps the records whose fields equal the values given (a ``frozenset``,
        ``set``, ``tuple`` or ``list`` value: any of those); for a field that holds a list of
        ids (``attendee_ids``), the records whose list holds any of the values. This is how a rule reads a bulk
        kind at scale: from a ledger in memory it costs a pass over the records, and from a
        ledger opened on a store (:meth:`cadrecore.store.Store.open`) it reads just those
        columns of just those rows, without building a record for each. The values are the
        records' own (dates as ``date``, closed sets as their enums, lists as tuples).
        The result is cached: the same call again costs nothing.
        """
        conditions = _asked(kind, fields, where)
        cache: dict[Any, Sequence[tuple[Any, ...]]] = self.__dict__.setdefault("_columns", {})
        key = (kind, fields, conditions)
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._read_columns(kind, fields, conditions)
        return found

    def column_values(
        self, kind: str, *fields: str, where: Mapping[str, Any] | None = None
    ) -> tuple[Sequence[Any], ...]:
        """The values :meth:`columns` gives, a sequence per field rather than a tuple per
        record: ``column_values(kind, "id", "county_id")`` is ``(ids, counties)``, in ledger
        order. For work done a column at a time (``map``, ``compress``, ``Counter``), at a
        province's scale without making a tuple of each record and taking them apart again;
        on a ledger opened on a store, the columns as read."""
        conditions = _asked(kind, fields, where)
        return self._column_values(kind, fields, conditions)

    def _column_values(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> tuple[Sequence[Any], ...]:
        rows = self.columns(kind, *fields, where=dict(conditions))
        if not rows:
            return tuple(() for _ in fields)
        return tuple(zip(*rows, strict=True))

    def read_ahead(self, kind: str, *fields: str) -> None:
        """Say that ``columns(kind, ...)`` of ``fields`` (without ``where``) will be asked for.

        A ledger in memory has nothing to read ahead and ignores it; a ledger opened on a store
        reads those columns now, in one pass over the kind's table, and keeps them for the
        calls to come. The engine calls it with the columns the rules name in ``Rule.reads``.
        Raises KeyError for an unknown kind or field, as :meth:`columns` does.
        """
        if fields:
            _asked(kind, fields, None)
        elif kind not in KINDS_BY_NAME:
            raise KeyError(f"no record kind {kind!r}")

    def _after_fork(self) -> None:
        """Called first thing in a process forked to run some of a check's rules
        (:mod:`cadrecore.rules.split`): a ledger in memory has nothing to let go of."""

    def _read_columns(
        self, kind: str, fields: tuple[str, ...], conditions: tuple[tuple[str, frozenset[Any]], ...]
    ) -> Sequence[tuple[Any, ...]]:
        records: Iterable[Any] = self.records(kind)
        lists = _list_fields(KINDS_BY_NAME[kind].model)
        for name, accepted in conditions:
            get = attrgetter(name)
            if name in lists:  # a list field: it holds any of the values
                records = [r for r in records if not accepted.isdisjoint(get(r) or ())]
            else:
                records = [r for r in records if get(r) in accepted]
        if len(fields) == 1:
            get_one = attrgetter(fields[0])
            return [(get_one(r),) for r in records]
        get_all = attrgetter(*fields)
        return [get_all(r) for r in records]

    def unchecked(self) -> list[Text]:
        """A warning for each plugin not in use whose records this ledger holds unchecked
        (已停用插件 health_checkup 的 2,594 条记录未检查); empty when every record was checked.
        See :meth:`cadrecore.registry.Registry.for_ledger`."""
        from .registry import unchecked_warning

        counts = self._registry.unchecked_counts(r.service_type for r in self.service_records)
        return [unchecked_warning(p, why, n) for p, (why, n) in sorted(counts.items())]

    def counts(self) -> dict[str, int]:
        """How many records of each kind."""
        return {kind.name: len(self.records(kind.name)) for kind in RECORD_KINDS}

    # -----------------------------------------------------------------------------------------
    # Checks (the cross-references are checked by cadrecore.ledger_checks)
    # -----------------------------------------------------------------------------------------

    def _type_service_details(self) -> list[Problem]:
        """Check each service record's details against its type's model, once, and hold them
        as the model's instance from then on (see :func:`typed_service_records`)."""
        if not self.service_records:
            return []
        records, problems = typed_service_records(self.service_records, self._registry)
        self.__dict__["service_records"] = records
        return problems

    # -----------------------------------------------------------------------------------------
    # Lookups
    # -----------------------------------------------------------------------------------------

    def get(self, kind: str, record_id: str) -> Any:
        """The record of ``kind`` with ``record_id``; KeyError naming both if there is none."""
        try:
            return self.__dict__["_ids"][kind][record_id]
        except KeyError:
            raise KeyError(f"no {kind} record with id {record_id!r}") from None

    def unit(self, unit_id: str) -> Unit:
        """The unit ``unit_id`` (a ``KeyError`` if the ledger has none)."""
        return self.get("units", unit_id)  # type: ignore[no-any-return]

    def cadre(self, cadre_id: str) -> Cadre:
        """The cadre ``cadre_id`` (a ``KeyError`` if the ledger has none)."""
        return self.get("cadres", cadre_id)  # type: ignore[no-any-return]

    def branch(self, branch_id: str) -> Branch:
        """The party branch (党支部) ``branch_id`` (a ``KeyError`` if the ledger has none)."""
        return self.get("branches", branch_id)  # type: ignore[no-any-return]

    # -----------------------------------------------------------------------------------------
    # The unit tree
    # -----------------------------------------------------------------------------------------

    @cached_property
    def _children(self) -> dict[str | None, tuple[Unit, ...]]:
        children: dict[str | None, list[Unit]] = defaultdict(list)
        for unit in self.units:
            children[unit.parent_id].append(unit)
        return {k: tuple(v) for k, v in children.items()}

    def children_of(self, unit_id: str) -> tuple[Unit, ...]:
        """The units directly below ``unit_id``."""
        self.unit(unit_id)
        return self._children.get(unit_id, ())

    def descendants_of(self, unit_id: str) -> Iterator[Unit]:
        """Every unit below ``unit_id``, depth first."""
        for child in self.children_of(unit_id):
            yield child
            yield from self.descendants_of(child.id)

    def ancestors_of(self, unit_id: str) -> Iterator[Unit]:
        """The units above ``unit_id``, nearest first."""
        parent = self.unit(unit_id).parent_id
        while parent is not None:
            unit = self.unit(parent)
            yield unit
            parent = unit.parent_id

    @property
    def root(self) -> Unit:
        """The unit at the top of the jurisdiction (the city, for a city's ledger)."""
        return self.unit(self.jurisdiction.root_unit_id)

    def counties(self) -> tuple[Unit, ...]:
        """The county-level units (县、市、区) of the jurisdiction, in ledger order."""
        return tuple(
            u for u in self.units if u.level is UnitLevel.COUNTY and u.kind.value == "government"
        )

    # -----------------------------------------------------------------------------------------
    # Cadres and branches
    # -----------------------------------------------------------------------------------------

    @cached_property
    def _cadres_by_county(self) -> dict[str, tuple[Cadre, ...]]:
        by_county: dict[str, list[Cadre]] = defaultdict(list)
        for cadre in self.cadres:
            by_county[cadre.county_id].append(cadre)
        return {k: tuple(v) for k, v in by_county.items()}

    def cadres_of_county(self, county_id: str) -> tuple[Cadre, ...]:
        """The cadres living in ``county_id``."""
        self.unit(county_id)
        return self._cadres_by_county.get(county_id, ())

    def party_members(self, on: date | None = None) -> tuple[Cadre, ...]:
        """Cadres who are party members (full or probationary), alive on ``on`` if given."""
        return tuple(c for c in self.cadres if c.is_party_member and (on is None or c.alive_on(on)))

    @cached_property
    def _memberships_by_branch(self) -> dict[str, tuple[Membership, ...]]:
        by_branch: dict[str, list[Membership]] = defaultdict(list)
        for m in self.memberships:
            by_branch[m.branch_id].append(m)
        return {k: tuple(v) for k, v in by_branch.items()}

    @cached_property
    def _memberships_by_cadre(self) -> dict[str, tuple[Membership, ...]]:
        by_cadre: dict[str, list[Membership]] = defaultdict(list)
        for m in self.memberships:
            by_cadre[m.cadre_id].append(m)
        return {k: tuple(v) for k, v in by_cadre.items()}

    @cached_property
    def _member_spans(self) -> dict[str, tuple[tuple[date, date, Cadre], ...]]:
        """Per branch: (joined, left, cadre) of each membership, open ends as date.min/max."""
        cadres = self.__dict__["_ids"]["cadres"]
        return {
            branch_id: tuple(
                (m.since or date.min, m.until or date.max, cadres[m.cadre_id]) for m in held
            )
            for branch_id, held in self._memberships_by_branch.items()
        }

    def members_of(self, branch_id: str, on: date | None = None) -> tuple[Cadre, ...]:
        """The cadres in ``branch_id`` (on ``on``, if given: joined by then, not yet left)."""
        if branch_id not in self.__dict__["_ids"]["branches"]:
            self.branch(branch_id)  # raises, naming it
        spans = self._member_spans.get(branch_id, ())
        if on is None:
            return tuple(cadre for _, _, cadre in spans)
        return tuple(cadre for since, until, cadre in spans if since <= on < until)

    def branch_of(self, cadre_id: str, on: date | None = None) -> Branch | None:
        """The branch ``cadre_id`` belongs to on ``on``; without a date, their current branch
        (a membership not ended, the latest begun), or None."""
        memberships = self._memberships_by_cadre.get(cadre_id, ())
        if on is not None:
            held = [m for m in memberships if _holds_on(m, on)]
        else:
            held = [m for m in memberships if m.until is None]
        if not held:
            return None
        latest = max(held, key=lambda m: m.since or date.min)
        return self.branch(latest.branch_id)

    def branches_of_county(self, county_id: str) -> tuple[Branch, ...]:
        """The branches whose ``county_id`` is ``county_id``, in ledger order."""
        return tuple(b for b in self.branches if b.county_id == county_id)

    def branches_of_type(self, branch_type: str) -> tuple[Branch, ...]:
        """The branches of one branch type (``team``, ``mobile``...), in ledger order."""
        return tuple(b for b in self.branches if b.branch_type == branch_type)

    # -----------------------------------------------------------------------------------------
    # Activities
    # -----------------------------------------------------------------------------------------

    @cached_property
    def _activities_by_date(self) -> tuple[Activity, ...]:
        return tuple(sorted(self.activities, key=lambda a: (a.date, a.id)))

    @cached_property
    def _activities_by_kind(self) -> dict[str, tuple[Activity, ...]]:
        by_kind: dict[str, list[Activity]] = defaultdict(list)
        for act in self._activities_by_date:
            by_kind[act.activity_kind].append(act)
        return {k: tuple(v) for k, v in by_kind.items()}

    def activities_of(
        self,
        kind: str | None = None,
        *,
        period: Period | None = None,
        branch_id: str | None = None,
        unit_id: str | None = None,
    ) -> tuple[Activity, ...]:
        """Activities of ``kind`` (any kind if None), by date, filtered by period and holder."""
        if kind is not None:
            self._registry.activity_kinds.get(kind)
            pool: tuple[Activity, ...] = self._activities_by_kind.get(kind, ())
        else:
            pool = self._activities_by_date
        if period is not None and pool:  # by date: the period's activities are one slice
            dates = self._dates_of(kind)
            pool = pool[bisect_left(dates, period.start) : bisect_right(dates, period.end)]
            period = None
        return tuple(
            a
            for a in pool
            if (period is None or a.date in period)
            and (branch_id is None or a.branch_id == branch_id)
            and (unit_id is None or a.owner_unit_id == unit_id)
        )

    def _dates_of(self, kind: str | None) -> list[date]:
        cache: dict[str | None, list[date]] = self.__dict__.setdefault("_activity_dates", {})
        if kind not in cache:
            pool = self._activities_by_date if kind is None else self._activities_by_kind[kind]
            cache[kind] = [a.date for a in pool]
        return cache[kind]

    @cached_property
    def _activities_by_kind_branch(self) -> dict[str, dict[str, tuple[Activity, ...]]]:
        grouped: dict[str, dict[str, list[Activity]]] = defaultdict(lambda: defaultdict(list))
        for kind, acts in self._activities_by_kind.items():
            for act in acts:
                if act.branch_id is not None:
                    grouped[kind][act.branch_id].append(act)
        return {k: {b: tuple(v) for b, v in by_b.items()} for k, by_b in grouped.items()}

    def activities_by_branch(self, kind: str) -> Mapping[str, tuple[Activity, ...]]:
        """Activities of ``kind`` held by branches, grouped by branch id, each group by date."""
        self._registry.activity_kinds.get(kind)
        return self._activities_by_kind_branch.get(kind, {})

    def memberships_of(self, branch_id: str) -> tuple[Membership, ...]:
        """The membership records of ``branch_id`` (with their dates)."""
        return self._memberships_by_branch.get(branch_id, ())

    def service_records_of(self, service_type: str) -> tuple[ServiceRecord, ...]:
        """The service records of one registered service type; an unknown type is an error,
        not an empty answer (a misspelt key would otherwise read as "no services")."""
        self._registry.service_types.get(service_type)
        return tuple(s for s in self.service_records if s.service_type == service_type)

    def theme_of(self, year: int, unit_id: str | None = None) -> Theme | None:
        """The year's theme of ``unit_id``; without one, the theme set highest in the unit tree
        (the city bureau's rather than a county's)."""
        themes = [t for t in self.themes if t.year == year]
        if unit_id is not None:
            return next((t for t in themes if t.owner_unit_id == unit_id), None)
        return min(
            themes,
            key=lambda t: (sum(1 for _ in self.ancestors_of(t.owner_unit_id)), t.id),
            default=None,
        )


def _record_classes() -> dict[str, type[Any]]:
    """Each Ledger field's record class, in the fields' order."""
    classes: dict[str, type[Any]] = {}
    for name, info in Ledger.model_fields.items():
        args = get_args(info.annotation)
        classes[name] = args[0] if args else info.annotation  # type: ignore[assignment]
    return classes


_RECORD_CLASSES = _record_classes()


def _prebuilt(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ledger's field values if ``data`` holds only built records, each kind a tuple of
    exactly its model's instances (what a store, a folder loader or ``replace`` passes);
    otherwise None, and the data is validated."""
    classes = _RECORD_CLASSES
    for name, value in data.items():
        cls = classes.get(name)
        if cls is None:
            return None
        if name == "jurisdiction":
            if type(value) is not cls:
                return None
        elif type(value) is not tuple or not all(type(r) is cls for r in value):
            return None
    if "jurisdiction" not in data:
        return None
    values: dict[str, Any] = {name: () for name in classes}
    values.update(data)
    return values


@cache
def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that hold a list of text (ids, keys)."""
    from .models.fields import field_shapes

    return frozenset(s.name for s in field_shapes(model) if s.shape == "list" and s.str_items)


def _asked(
    kind: str, fields: tuple[str, ...], where: Mapping[str, Any] | None
) -> tuple[tuple[str, frozenset[Any]], ...]:
    """The ``where`` of a :meth:`Ledger.columns` call, as conditions; KeyError for an unknown
    kind or field, ValueError for no field."""
    model = KINDS_BY_NAME[kind].model if kind in KINDS_BY_NAME else None
    if model is None:
        raise KeyError(f"no record kind {kind!r}")
    if not fields:
        raise ValueError("columns() needs at least one field")
    conditions = _conditions(model, where)
    for name in fields:
        if name not in model.model_fields:
            raise KeyError(f"{kind} records have no field {name!r}")
    return conditions


def _conditions(
    model: type[BaseModel], where: Mapping[str, Any] | None
) -> tuple[tuple[str, frozenset[Any]], ...]:
    """``where`` of :meth:`Ledger.columns` as sorted ``(field, accepted values)`` pairs."""
    if not where:
        return ()
    from .models.fields import field_shapes

    shapes = {shape.name: shape for shape in field_shapes(model)}
    conditions = []
    for name, value in where.items():
        if name not in model.model_fields:
            raise KeyError(f"{model.__name__} has no field {name!r} (in where=)")
        shape = shapes[name]
        if shape.shape == "json" or (shape.shape == "list" and not shape.str_items):
            raise ValueError(
                f"where= compares single values or lists of text: {model.__name__}.{name} "
                "holds other JSON"
            )
        if isinstance(value, frozenset | set | tuple | list):
            conditions.append((name, frozenset(value)))
        else:
            conditions.append((name, frozenset((value,))))
    return tuple(sorted(conditions, key=lambda c: c[0]))


def _holds_on(m: Membership, day: date) -> bool:
    return (m.since is None or m.since <= day) and (m.until is None or day < m.until)
