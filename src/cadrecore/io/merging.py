"""Merging the records read into a base ledger (:func:`merge`): a record whose id is already there
replaces it, a new one is added; the merged ledger must hold together, so its cross-checks run,
and a row that breaks a cross-reference is rejected with its file, sheet, row and column. A
unit's import (``unit=``) touches that unit's records only (:data:`OWNER_FIELDS`).

Layer: ``io``, between the result types (:mod:`cadrecore.io.imported`) and the import itself
(:mod:`cadrecore.io.importing`, which reads the files, calls :func:`merge` and offers its names);
it reads no file and must not import ``importing``, the store, the reports or the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._gc import collector_paused_during
from ..errors import CadrecoreError, LedgerError, Location, Problem
from ..i18n import Text
from ..ledger import Ledger
from ..models import KINDS_BY_NAME, RECORD_KINDS
from ..registry import Registry
from .imported import Imported, ImportOutcome, ReadResult, Rejected
from .matching import REFERENCES
from .spreadsheet import (
    JURISDICTION,
)

if TYPE_CHECKING:
    pass


@collector_paused_during  # (the records are no garbage: see cadrecore._gc)
def merge(
    read: ReadResult,
    base: Ledger | None,
    *,
    registry: Registry | None = None,
    keep_good: bool = False,
    unit: str | None = None,
) -> ImportOutcome:
    """Merge what was read into ``base`` and check the result (see the module's docstring).

    ``unit``: an import for that unit only (a county's bureau importing into the city's
    store): every record it adds or changes must be the unit's own (:func:`~cadrecore.scope.
    owned_keys`) in ``base`` and after the merge; a row that is not is rejected, naming the
    unit, like a row that breaks a cross-reference."""
    registry = registry or (base.registry if base is not None else None)
    if registry is None:
        from ..plugins import get_registry

        registry = get_registry()
    outcome = ImportOutcome(
        None,
        keep_good,
        rows=read.rows,
        rejected=list(read.rejected),
        problems=list(read.problems),
        notes=list(read.notes),
        tables=read.tables,
        plans=read.plans,
    )
    accepted = _unique(read.records, outcome)
    jurisdiction = _jurisdiction(accepted, base, outcome)
    kinds = [k for k in RECORD_KINDS]
    base_keys: dict[str, dict[str, Any]] = {
        k.name: ({k.key_of(r): r for r in base.records(k.name)} if base else {}) for k in kinds
    }
    scope: _UnitImport | None = None
    if unit is not None:
        scope, refused = _UnitImport.of(unit, base)
        if refused is not None:  # no such unit, or no ledger to import into
            outcome.problems.append(refused)
            jurisdiction = None
        elif scope is not None and jurisdiction is not None:
            jurisdiction = scope.keep_jurisdiction(jurisdiction, accepted, outcome)
    index: dict[tuple[str, str], Imported] = {}  # (made when a cross-check fails)
    excluded: set[tuple[str, str]] = set()
    ledger: Ledger | None = None
    while jurisdiction is not None:
        data = _combine(base, accepted, excluded, kinds)
        try:
            ledger = Ledger(registry=registry, jurisdiction=jurisdiction.record, **data)
            if scope is not None:
                outside = scope.outside(ledger, accepted, excluded, base_keys)
                if outside:  # rejected like rows breaking a reference, and merged again
                    for item, problem in outside:
                        excluded.add((item.kind, item.key))
                        outcome.rejected.append(Rejected([problem], item.source))
                    ledger = None
                    continue
            break
        except LedgerError as exc:
            index = index or {(i.kind, i.key): i for i in accepted}
            blamed: dict[tuple[str, str], list[Problem]] = {}
            others: list[Problem] = []
            for problem in exc.problems:
                subject = (problem.record_kind or "", problem.record_id or "")
                found = index.get(subject)
                if found is None:
                    subject, found, problem = _blame_reference(problem, base_keys, index)
                if found is None or subject in excluded:
                    others.append(problem)
                    continue
                located = Problem(
                    found.locate(problem.location.field),
                    problem.message,
                    problem.record_kind,
                    problem.record_id,
                )
                blamed.setdefault(subject, []).append(located)
            if not blamed:
                outcome.problems += [
                    Problem(
                        Location(
                            "ledger" if base is None else f"ledger {base.jurisdiction.id}",
                            None,
                            p.location.field,
                        ),
                        p.message,
                        p.record_kind,
                        p.record_id,
                    )
                    for p in others
                ]
                break
            for subject, problems in blamed.items():
                excluded.add(subject)
                outcome.rejected.append(Rejected(problems, index[subject].source))
            if (JURISDICTION, jurisdiction.key) in blamed:
                break  # a jurisdiction that does not hold together: nothing to import into
        except CadrecoreError as exc:
            outcome.problems.append(Problem(Location("ledger"), Text(str(exc), str(exc))))
            break
    # Problems that are not one row's (a file unreadable, a ledger that cannot be built) fail
    # the import even with keep_good: there is no row to set aside and write back.
    fatal = bool(outcome.problems)
    for rejected in outcome.rejected:
        outcome.problems += rejected.problems
    _count_tables(outcome)
    if ledger is None or fatal or (outcome.rejected and not keep_good):
        outcome.ledger = None
        return outcome
    outcome.ledger = ledger
    imported = outcome.imported
    before = len(imported)
    inserted, unchanged, updated = outcome.inserted, outcome.unchanged, outcome.updated
    for item in accepted:
        kind = item.kind
        if kind == JURISDICTION or (excluded and (kind, item.key) in excluded):
            continue
        imported.append(item)
        old = base_keys[kind].get(item.key)
        counter = inserted if old is None else unchanged if old == item.record else updated
        counter[kind] = counter.get(kind, 0) + 1
    outcome.accepted += len(imported) - before
    return outcome


#: The field a record of each kind belongs to a unit by (named when a row is outside the unit of
#: an import for one unit).
OWNER_FIELDS: dict[str, str] = {
    "units": "parent_id",
    "establishments": "unit_id",
    "leadership_posts": "unit_id",
    "assignments": "unit_id",
    "staff": "id",  # (theirs by their assignments)
    "cadres": "county_id",
    "party_orgs": "unit_id",
    "branches": "county_id",
    "memberships": "cadre_id",
    "party_groups": "branch_id",
    "activities": "branch_id",
    "branch_assessments": "branch_id",
    "party_dues": "cadre_id",
    "dues_reductions": "cadre_id",
    "checklists": "owner_unit_id",
    "plans": "owner_unit_id",
    "themes": "owner_unit_id",
    "programmes": "owner_unit_id",
    "projects": "county_id",
    "service_records": "cadre_id",
    "service_events": "record_id",
    "opinions": "assigned_unit_id",
    "treatment_standards": "applies_to_unit_id",
    "treatment_grants": "cadre_id",
    "recognitions": "recipient_unit_id",
    "parameters": "unit_id",
    "waivers": "subject_id",
}


@dataclass(frozen=True)
class _UnitImport:
    """An import for one unit (``merge(unit=...)``): the base ledger's jurisdiction, and the
    keys of the records the unit owned before the import (:func:`~cadrecore.scope.owned_keys`)."""

    unit: str
    jurisdiction: Any
    before: dict[str, frozenset[str]]

    @staticmethod
    def of(unit: str, base: Ledger | None) -> tuple[_UnitImport | None, Problem | None]:
        """The import for ``unit`` into ``base``; (None, None) for the root unit, which owns
        every record; (None, why) when there is no such unit or no ledger to import into."""
        from ..scope import owned_keys

        if base is None:
            return None, Problem(
                Location(None, None, "unit"),
                Text(
                    f"按单位（{unit}）导入须导入数据库中已有的账册",
                    f"an import for one unit ({unit!r}) goes into a ledger the store holds already",
                ),
            )
        if unit == base.jurisdiction.root_unit_id:
            return None, None
        if unit not in {u.id for u in base.units}:
            return None, Problem(
                Location(None, None, "unit"),
                Text(
                    f"账册 {base.jurisdiction.id} 中没有单位 {unit}",
                    f"the ledger {base.jurisdiction.id!r} has no unit {unit!r}",
                ),
            )
        return _UnitImport(unit, base.jurisdiction, owned_keys(base, unit)), None

    def keep_jurisdiction(
        self, jurisdiction: Imported, accepted: list[Imported], outcome: ImportOutcome
    ) -> Imported:
        """The jurisdiction to merge into: a unit below the root cannot change it (a
        workbook's 管辖 sheet that differs from the ledger's is rejected, and the ledger's
        kept)."""
        if jurisdiction.record == self.jurisdiction:
            return jurisdiction
        accepted.remove(jurisdiction)
        message = Text(
            f"按单位 {self.unit} 导入不能修改账册的管辖信息",
            f"an import for {self.unit!r} cannot change the ledger's jurisdiction",
        )
        outcome.rejected.append(
            Rejected([Problem(jurisdiction.locate(None), message)], jurisdiction.source)
        )
        return Imported(JURISDICTION, self.jurisdiction.id, self.jurisdiction, Location("ledger"))

    def outside(
        self,
        ledger: Ledger,
        accepted: list[Imported],
        excluded: set[tuple[str, str]],
        base_keys: dict[str, dict[str, Any]],
    ) -> list[tuple[Imported, Problem]]:
        """The records the import adds or changes that are not the unit's own, with why: a
        record the unit does not own after the merge, or a record of another unit changed."""
        from ..scope import owned_keys

        after = owned_keys(ledger, self.unit)
        found: list[tuple[Imported, Problem]] = []
        for item in accepted:
            if item.kind == JURISDICTION or (item.kind, item.key) in excluded:
                continue
            old = base_keys[item.kind].get(item.key)
            if old == item.record:
                continue  # unchanged: nothing is written
            label = KINDS_BY_NAME[item.kind].label
            if old is not None and item.key not in self.before[item.kind]:
                message = Text(
                    f"{label.zh} {item.key} 不属于 {self.unit} 及其下级单位，按单位 {self.unit} "
                    "导入不能修改",
                    f"the {label.en} record {item.key!r} belongs outside {self.unit!r} and the "
                    f"units below it: an import for {self.unit!r} cannot change it",
                )
            elif item.key not in after[item.kind]:
                message = Text(
                    f"{label.zh} {item.key} 不在 {self.unit} 及其下级单位范围内，按单位 "
                    f"{self.unit} 导入不能{'修改' if old is not None else '新增'}",
                    f"the {label.en} record {item.key!r} would not belong to {self.unit!r} or a "
                    f"unit below it: an import for {self.unit!r} cannot "
                    f"{'change' if old is not None else 'add'} it",
                )
            else:
                continue
            where = item.locate(OWNER_FIELDS.get(item.kind))
            found.append((item, Problem(where, message, item.kind, item.key)))
        return found


def _unique(records: list[Imported], outcome: ImportOutcome) -> list[Imported]:
    """The records read, each key once: a later row with the same key is rejected."""
    first: dict[tuple[str, str], Imported] = {}
    accepted = []
    for item in records:
        subject = (item.kind, item.key)
        if subject in first:
            earlier = first[subject].location
            where = " ".join(
                str(x) for x in (earlier.sheet, f"row {earlier.row}" if earlier.row else "") if x
            )
            outcome.rejected.append(
                Rejected(
                    [
                        Problem(
                            item.locate("id" if _keyed(item.kind) else None),
                            Text(
                                f"编号 {item.key} 重复（已见于 {earlier.file} {where}）",
                                f"{item.key!r} appears twice (also {earlier.file} {where})",
                            ),
                            item.kind,
                            item.key,
                        )
                    ],
                    item.source,
                )
            )
            continue
        first[subject] = item
        accepted.append(item)
    return accepted


def _keyed(kind: str) -> bool:
    return kind == JURISDICTION or KINDS_BY_NAME[kind].keyed


def _jurisdiction(
    accepted: list[Imported], base: Ledger | None, outcome: ImportOutcome
) -> Imported | None:
    found = [i for i in accepted if i.kind == JURISDICTION]
    if base is not None:
        same = Imported(JURISDICTION, base.jurisdiction.id, base.jurisdiction, Location("ledger"))
        for item in found:
            if item.key != base.jurisdiction.id:
                outcome.rejected.append(
                    Rejected(
                        [
                            Problem(
                                item.locate("id"),
                                Text(
                                    f"此文件属于账册 {item.key}，而目标账册是 {base.jurisdiction.id}",
                                    f"this file is the ledger of {item.key!r}, but the import "
                                    f"goes into {base.jurisdiction.id!r}",
                                ),
                            )
                        ],
                        item.source,
                    )
                )
                accepted.remove(item)
            else:
                same = item
        return same
    if not found:
        outcome.problems.append(
            Problem(
                Location(None),
                Text(
                    "没有目标账册：请先导入完整账册（含“管辖”工作表的工作簿或账册目录）",
                    "no ledger to import into: import a whole ledger first (a ledger folder, "
                    "or a workbook exported by cadrecore, with its 管辖 sheet)",
                ),
            )
        )
        return None
    return found[0]


def _combine(
    base: Ledger | None,
    accepted: list[Imported],
    excluded: set[tuple[str, str]],
    kinds: Sequence[Any],
) -> dict[str, tuple[Any, ...]]:
    imported: dict[str, dict[str, Any]] = {k.name: {} for k in kinds}
    for item in accepted:
        if item.kind != JURISDICTION and not (excluded and (item.kind, item.key) in excluded):
            imported[item.kind][item.key] = item.record
    data: dict[str, tuple[Any, ...]] = {}
    for kind in kinds:
        mine = imported[kind.name]  # (what is left of it once the base's are replaced: new)
        records = []
        for record in base.records(kind.name) if base else ():
            key = kind.key_of(record)
            records.append(mine.pop(key, record))
        records += mine.values()
        data[kind.name] = tuple(records)
    return data


def _blame_reference(
    problem: Problem, base_keys: dict[str, dict[str, Any]], index: dict[tuple[str, str], Imported]
) -> tuple[tuple[str, str], Imported | None, Problem]:
    """A problem about a record the import did not touch, caused by one it did.

    A membership the ledger already held fails once the imported roster row makes its cadre
    no party member: the problem names the membership, the row to reject is the cadre's.
    """
    kind, record_id, field_name = problem.record_kind, problem.record_id, problem.location.field
    record = base_keys.get(kind or "", {}).get(record_id or "")
    target = REFERENCES.get(field_name or "", "") if field_name else ""
    if record is None or not target:
        return ("", ""), None, problem
    value = getattr(record, field_name or "", None)
    for candidate in value if isinstance(value, tuple) else (value,):
        subject = (target, str(candidate))
        found = index.get(subject)
        if found is not None:
            message = Text(
                f"{problem.message.zh}（{kind} {record_id} 因本行而不符）",
                f"{problem.message.en} ({kind} {record_id} no longer holds because of this row)",
            )
            return subject, found, Problem(found.locate(None), message, kind, record_id)
    return ("", ""), None, problem


def _count_tables(outcome: ImportOutcome) -> None:
    rejected_rows: dict[tuple[str, str | None], int] = {}
    for rejected in outcome.rejected:
        if rejected.source is not None:
            table = rejected.source.plan.table
            key = (table.file, table.sheet)
            rejected_rows[key] = rejected_rows.get(key, 0) + 1
    for summary in outcome.tables:
        if summary.kind and not summary.kind.startswith(("importer", "ledger")):
            summary.rejected = rejected_rows.get((summary.file, summary.sheet), 0)
        summary.accepted = summary.rows - summary.rejected
