"""Importing files into a ledger: spreadsheets, CSV, ledger folders, and plugins' own formats.

An import reads every file (:func:`read_files`), then merges the records into a base ledger
(:func:`merge`): a record whose id is already there replaces it, a new one is added. The merged
ledger must hold together, so its cross-checks run, and a row that breaks a cross-reference is
rejected with its file, sheet, row and column, like a row whose cells are wrong.

By default an import is all or nothing: one problem anywhere and nothing is imported. With
``keep_good=True`` the good rows are imported and the rejected ones can be written to a file
(:func:`write_rejects`): the original columns plus ``错误原因 / reason``, to fix and import again.
:func:`import_into_store` does all of this against a store, in one transaction.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._gc import collector_paused_during
from ..errors import CadrecoreError, LedgerError, Location, Problem
from ..i18n import Lang, Text
from ..ledger import Ledger
from ..models import KINDS_BY_NAME, RECORD_KINDS
from ..models.common import Sensitivity
from ..models.labels import zh_label
from ..privacy import mask_value
from ..progress import Progress
from ..registry import Registry
from .cell_text import protect
from .headings import ColumnMapping
from .matching import ID_PREFIXES, REFERENCES, IdGiver, Names
from .roster import SKIPPED, Counties, filer_text, title_text
from .spreadsheet import (
    JURISDICTION,
    REASON_HEADER,
    RowReader,
    RowResult,
    SourceRow,
    TablePlan,
    data_rows,
    head_rows,
    plan_table,
    unknown_columns,
)
from .tables import CSV_SUFFIXES, TableError, read_tables
from .workbook import put
from .xlsx import META_SHEET

if TYPE_CHECKING:
    from ..store import SaveResult, Store


class Imported:
    """One record read from the files, and where it came from.

    ``location`` is given, or (a row of a sheet: ``source`` and ``plan``) worked out when first
    asked for: most rows' never is.
    """

    __slots__ = ("_location", "key", "kind", "plan", "record", "source")

    def __init__(
        self,
        kind: str,
        key: str,
        record: Any,
        location: Location | None = None,
        source: SourceRow | None = None,
        plan: TablePlan | None = None,
    ) -> None:
        self.kind = kind
        self.key = key
        self.record = record
        self._location = location
        self.source = source
        self.plan = plan

    @property
    def location(self) -> Location:
        location = self._location
        if location is None:
            source, plan = self.source, self.plan
            if source is None or plan is None:
                location = Location()
            else:
                table = plan.table
                location = Location(table.file, source.number, None, table.sheet)
            self._location = location
        return location

    def _fields(self) -> tuple[Any, ...]:
        return (self.kind, self.key, self.record, self.location, self.source, self.plan)

    def __eq__(self, other: object) -> bool:  # (as the dataclass it was compared)
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Imported)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Imported(kind={self.kind!r}, key={self.key!r}, record={self.record!r}, "
            f"location={self.location!r}, source={self.source!r}, plan={self.plan!r})"
        )

    def locate(self, field_name: str | None) -> Location:
        if self.plan is not None and self.source is not None:
            return self.plan.location(self.source.number, field_name)
        location = self.location
        return Location(location.file, location.row, field_name, location.sheet, None)


@dataclass(slots=True)
class Rejected:
    """A row kept out of the ledger, with every reason (``source`` None: not from a sheet)."""

    problems: list[Problem]
    source: SourceRow | None = None


@dataclass
class TableSummary:
    """What became of one sheet (or CSV file)."""

    file: str
    sheet: str | None
    kind: str | None
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    """Everything read from the files, before merging."""

    records: list[Imported] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tables: list[TableSummary] = field(default_factory=list)
    plans: list[TablePlan] = field(default_factory=list)
    rows: int = 0

    @property
    def jurisdiction(self) -> Imported | None:
        return next((r for r in self.records if r.kind == JURISDICTION), None)


@dataclass
class ImportOutcome:
    """The outcome of an import.

    ``ledger`` is the merged ledger, None when the import failed (then nothing was, or will be,
    written). ``problems`` lists everything that went wrong, each with its location;
    ``rejected`` the rows kept out (with ``keep_good``, the others were imported); ``notes``
    what was left aside without being an error (a sheet without a header, a column that is
    not a field, a 合计 row); ``imported`` the records that went in, each with the row it came
    from; ``plans`` how each table was read (its columns, for ``--dry-run`` and a saved
    mapping). Counts are of records against the base ledger.
    """

    ledger: Ledger | None
    keep_good: bool
    rows: int = 0
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    tables: list[TableSummary] = field(default_factory=list)
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    rejects_files: list[Path] = field(default_factory=list)
    saved: SaveResult | None = None
    dry_run: bool = False
    imported: list[Imported] = field(default_factory=list)
    plans: list[TablePlan] = field(default_factory=list)

    def column_notes(self) -> list[Problem]:
        """The notes about columns (a heading not understood), which come before any row's."""
        return [n for n in self.notes if (n.code or "").startswith("column.")]

    @property
    def ok(self) -> bool:
        return self.ledger is not None

    def summary(self) -> dict[str, int]:
        """The counts shown at the end of an import."""
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": len(self.rejected),
            "inserted": sum(self.inserted.values()),
            "updated": sum(self.updated.values()),
            "unchanged": sum(self.unchanged.values()),
        }

    def error(self) -> LedgerError:
        """The problems as one error, to raise."""
        return LedgerError(self.problems, source="import")


# =============================================================================================
# Reading
# =============================================================================================


@collector_paused_during  # (the records are no garbage: see cadrecore._gc)
def read_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    base: Ledger | None = None,
    registry: Registry | None = None,
    kind: str | None = None,
    progress: Progress | None = None,
    unit: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ReadResult:
    """Read records from every file; nothing here raises for bad input, it is all reported.

    ``base`` is the ledger the records will go into: references written as names are read
    against it, and rows without ids matched to its records (see :mod:`.matching`). ``kind``
    forces the record kind of every table (``"cadres"``) instead of recognising it. ``unit``
    is the unit whose bureau files the rosters: a roster without a county column is that
    unit's county's. ``mapping`` is a bureau's own reading of its headings.
    """
    from ..plugins import get_registry

    registry = registry or get_registry()
    result = ReadResult()
    names = Names(base)
    givers = {name: IdGiver(name, base) for name in ID_PREFIXES}
    context = _ReadContext(
        registry, kind, progress, names, givers, Counties(base), unit, mapping, base
    )
    for raw_path in paths:
        path = Path(raw_path)
        name = str(raw_path)
        if path.is_dir():
            _read_folder(path, name, registry, result)
            continue
        if not path.is_file():
            result.problems.append(Problem(Location(name), Text("文件不存在", "no such file")))
            continue
        if _read_with_plugin(path, name, registry, result):
            continue
        try:
            tables = read_tables(path, name)
        except TableError as exc:
            result.problems.append(Problem(Location(name), exc.message))
            continue
        recognised = 0
        order: list[str] = []
        first = len(result.records)
        for table in tables:
            if table.sheet == META_SHEET:
                order = _service_order(table)
                continue
            recognised += _read_table(table, context, result)
        if order:
            _apply_service_order(result.records, first, order)
        if not recognised and not any(p.location.file == name for p in result.problems):
            result.problems.append(
                Problem(
                    Location(name),
                    Text(
                        "没有可导入的工作表：未找到表头（编号、姓名、出生日期等）",
                        "nothing to import: no sheet has a header row this importer knows "
                        "(编号, 姓名, 出生日期, ...)",
                    ),
                )
            )
    if context.birth_from_id:
        result.notes.append(
            Problem(
                Location(None),
                Text(
                    f"{context.birth_from_id} 行的出生年月只写到月，与公民身份号码相符，已按身份证号"
                    "取完整出生日期",
                    f"{context.birth_from_id} row(s) gave the birth date as a month only, which "
                    "agrees with the ID number: the ID number's full date was taken",
                ),
                code="birth.month_from_id",
            )
        )
    return result


@dataclass
class _ReadContext:
    """What every table of one import is read with."""

    registry: Registry
    kind: str | None
    progress: Progress | None
    names: Names
    givers: dict[str, IdGiver]
    counties: Counties
    unit: str | None
    mapping: ColumnMapping | None
    base: Ledger | None
    birth_from_id: int = 0
    #: The first row of each ID number read, to refuse a second.
    national_ids: dict[str, Imported] = field(default_factory=dict)
    #: The ledger's cadres by ID number.
    held_ids: dict[str, Any] | None = None

    def held(self) -> dict[str, Any]:
        if self.held_ids is None:
            self.held_ids = {
                c.national_id: c
                for c in (self.base.cadres if self.base is not None else ())
                if c.national_id
            }
        return self.held_ids


def _county(plan: TablePlan, context: _ReadContext, result: ReadResult) -> str | None:
    """The county every row of a roster without a county column is in, if one is known: the
    unit whose bureau files it (``--unit``), else the one its 填报单位 line or title names."""
    if plan.target.name != "cadres" or plan.column_of("county_id") is not None:
        return None
    counties = context.counties
    if context.unit is not None:
        county = counties.county_of(context.unit)
        if county is not None:
            return county
    filer = filer_text([cells for _n, cells in plan.preamble])
    for text, source in ((filer, "填报单位"), (title_text([c for _n, c in plan.preamble]), "标题")):
        found = counties.named_in(text) if text else []
        if len(found) == 1:
            result.notes.append(
                Problem(
                    Location(plan.table.file, None, None, plan.table.sheet),
                    Text(
                        f"表中没有“所在县区”列：按{source}定为 {counties.names(found)}",
                        f"no county column: the {'filing unit' if source == '填报单位' else 'title'}"
                        f" names {found[0]}, which every row is taken to be in",
                    ),
                    code="county.from_filer",
                )
            )
            return found[0]
    return None


def _duplicate(item: Imported, context: _ReadContext) -> Problem | None:
    """A second row with an ID number already read, or held by another of the ledger's cadres."""
    national_id = getattr(item.record, "national_id", None)
    if item.kind != "cadres" or not national_id:
        return None
    first = context.national_ids.get(national_id)
    held = context.held().get(national_id) if first is None else None
    if first is None and (held is None or held.id == item.key):
        context.national_ids[national_id] = item
        return None
    shown = mask_value(Sensitivity.ID_NUMBER, national_id)
    if first is not None:
        where = first.location
        place = " ".join(
            x for x in (where.file if where.file != item.location.file else "", where.sheet) if x
        )
        return Problem(
            item.locate("national_id"),
            Text(
                f"公民身份号码 {shown} 与{place + ' ' if place else ''}第 {where.row} 行重复：同一人"
                "只能有一行，请删去或改正其中一行",
                f"the ID number {shown} is also on {place + ', ' if place else ''}row {where.row}:"
                " one person, one row; remove or correct one of them",
            ),
            item.kind,
            item.key,
            code="duplicate.national_id",
        )
    assert held is not None
    return Problem(
        item.locate("national_id"),
        Text(
            f"公民身份号码 {shown} 已属于账册中的老干部 {held.id}，本行编号却是 {item.key}",
            f"the ID number {shown} belongs to the ledger's cadre {held.id!r}, but this row "
            f"is {item.key!r}",
        ),
        item.kind,
        item.key,
        code="duplicate.national_id",
    )


def _read_table(table: Any, context: _ReadContext, result: ReadResult) -> int:
    """Read one table into ``result``; 1 if it was recognised, else 0."""
    try:
        head = head_rows(table)
    except Exception as exc:
        result.problems.append(_unreadable(table, None, exc))
        return 0
    plan = plan_table(table, head, kind=context.kind, mapping=context.mapping)
    if isinstance(plan, Text):
        if any(any(c not in (None, "") for c in cells) for _, cells in head) and not table.hidden:
            result.notes.append(
                Problem(Location(table.file, None, None, table.sheet), plan, code="table.no_header")
            )
        return 0
    result.plans.append(plan)
    summary = TableSummary(table.file, table.sheet, plan.target.name)
    summary.ignored_columns = [f"{c.letter} {c.header}" for c in unknown_columns(plan)]
    heading_row = plan.header_rows[-1]
    for column in unknown_columns(plan):
        result.notes.append(
            Problem(
                Location(table.file, heading_row, column.header, table.sheet, column.letter),
                Text("未识别的列，未导入", "a column that is not understood, not imported"),
                code="column.unknown",
            )
        )
    for column in plan.ignored:
        if column.duplicate_of is not None:
            result.notes.append(
                Problem(
                    Location(table.file, heading_row, column.header, table.sheet, column.letter),
                    Text(
                        f"与 {column.duplicate_of.letter} 列“{column.duplicate_of.header}”是同一项，"
                        "此列未导入",
                        f"the same field as column {column.duplicate_of.letter} "
                        f"({column.duplicate_of.header}): not imported",
                    ),
                    code="column.duplicate",
                )
            )
    result.tables.append(summary)
    if plan.missing:
        labels = "、".join(zh_label(name) or name for name in plan.missing)
        result.problems.append(
            Problem(
                Location(table.file, heading_row, None, table.sheet),
                Text(f"缺少列：{labels}", f"missing column(s): {', '.join(plan.missing)}"),
                code="column.missing",
            )
        )
        return 1
    county = _county(plan, context, result)
    reader = RowReader(
        plan,
        context.registry,
        context.names,
        context.givers.get(plan.target.name),
        county=county,
        counties=context.counties if plan.target.name == "cadres" else None,
    )
    kind_of = KINDS_BY_NAME.get(plan.target.name)
    keyed = kind_of is not None and kind_of.keyed
    blanks: list[int] = []
    progress = context.progress
    # the rows to read, as far as the table says before they are read (for progress only)
    expected = result.rows + max(0, (getattr(table, "lines", None) or 0) - heading_row)

    kind = plan.target.name
    records, rejected = result.records, result.rejected
    national_ids = context.national_ids
    cadres = kind == "cadres"
    held = context.held() if cadres else {}

    def read(batch: list[tuple[int, list[Any]]]) -> None:
        """Read the rows of ``batch`` into ``result``; a fault reading one is a :class:`_Fault`
        at its row, once the rows above it are in."""
        rows = reader.read_many(batch)
        number = 0
        try:
            for number, _cells in batch:  # noqa: B007 (the row a fault is at, after)
                summary.rows += 1
                result.rows += 1
                row: RowResult = next(rows)
                record: Any = row.record
                if record is None:
                    summary.rejected += 1
                    rejected.append(Rejected(row.problems, row.source))
                else:
                    key = (
                        record.id
                        if keyed
                        else kind_of.key_of(record)
                        if kind_of
                        else str(record.id)
                    )
                    source = row.source
                    # (its location: worked out when asked for)
                    item = Imported(kind, key, record, None, source, plan)
                    national_id = record.national_id if cadres else None
                    if (
                        national_id
                        and national_id not in national_ids
                        and ((other := held.get(national_id)) is None or other.id == key)
                    ):  # (the common case of _duplicate: an ID number seen first, no one else's)
                        national_ids[national_id] = item
                        records.append(item)
                    elif (duplicate := _duplicate(item, context)) is not None:
                        summary.rejected += 1
                        rejected.append(Rejected([duplicate], source))
                    else:
                        records.append(item)
                if progress and summary.rows % 1000 == 0:
                    progress("read", result.rows, max(expected, result.rows))
        except Exception as exc:
            raise _Fault(number, exc) from exc

    def fault(exc: Exception, after: int) -> None:
        if isinstance(exc, TableError):
            where = Location(table.file, None, None, table.sheet)
            result.problems.append(Problem(where, exc.message))
        else:
            result.problems.append(_unreadable(table, after, exc))

    # The rows are read a batch at a time (a column at a time within it: see RowReader.
    # read_many), into the same records, problems and notes, in the same order, as one at a
    # time; a fault (a malformed CSV line, a bug) ends the sheet where it happened, after the
    # rows above it.
    number = heading_row
    batch: list[tuple[int, list[Any]]] = []
    first = reader.fields[0][0].index if reader.fields else -1
    header_names = reader.header_names
    try:
        for number, cells, skipped in data_rows(plan, table.rows, head):
            if skipped is None:
                # (the first field's cell, letters and digits that are no heading's: plainly no
                # repeated heading, as is_repeated_header would say, without asking it)
                cell = cells[first] if -1 < first < len(cells) else None
                if not (
                    type(cell) is str
                    and cell.isascii()
                    and cell.isalnum()
                    and cell.lower() not in header_names
                ) and reader.is_repeated_header(cells):
                    skipped = "row.repeated_header"
            if skipped == "row.blank":
                blanks.append(number)  # noted only when a row follows: not the sheet's tail
                continue
            if blanks:
                result.notes += [_skipped(plan, n, "row.blank") for n in blanks]
                blanks = []
            if skipped is not None:
                result.notes.append(_skipped(plan, number, skipped))
                continue
            batch.append((number, cells))
            if len(batch) == READ_BATCH:
                read(batch)
                batch = []
        read(batch)
    except _Fault as row_fault:
        fault(row_fault.exc, row_fault.number)
    except Exception as exc:  # reading the table, or telling what a row is
        try:
            read(batch)  # the rows above it first
        except _Fault as row_fault:
            fault(row_fault.exc, row_fault.number)
        else:
            fault(exc, number)
    context.birth_from_id += reader.birth_from_id
    if progress:  # (the table's rows are read: blank and skipped ones were counted too)
        progress("read", result.rows, result.rows)
    return 1


#: How many rows are read at once (see :meth:`RowReader.read_many`).
READ_BATCH = 1024


class _Fault(Exception):
    """A row whose reading raised ``exc`` (not a problem of the row: a fault)."""

    def __init__(self, number: int, exc: Exception) -> None:
        super().__init__(number, exc)
        self.number = number
        self.exc = exc


def _skipped(plan: TablePlan, number: int, code: str) -> Problem:
    return Problem(
        Location(plan.table.file, number, None, plan.table.sheet), SKIPPED[code], code=code
    )


def _service_order(table: Any) -> list[str]:
    """The order of service records that an exported workbook's hidden sheet keeps."""
    order = []
    try:
        for number, cells in table.rows:
            if number > 1 and len(cells) > 3 and isinstance(cells[3], str):
                order.append(cells[3])
    except Exception:
        return []
    return order


def _apply_service_order(records: list[Imported], first: int, order: list[str]) -> None:
    """Put one file's service records back in the ledger's order (their sheets group by type)."""
    rank = {key: i for i, key in enumerate(order)}
    slots = [i for i in range(first, len(records)) if records[i].kind == "service_records"]
    ordered = sorted((records[i] for i in slots), key=lambda item: rank.get(item.key, len(rank)))
    for slot, item in zip(slots, ordered, strict=True):
        records[slot] = item


def _unreadable(table: Any, after: int | None, exc: Exception) -> Problem:
    if isinstance(exc, TableError):  # the reader's own words: a limit, a malformed line
        return Problem(
            Location(table.file, None, None, table.sheet), exc.message, code="table.unreadable"
        )
    where = f"（第 {after} 行之后）" if after else ""
    where_en = f" after row {after}" if after else ""
    return Problem(
        Location(table.file, None, None, table.sheet),
        Text(
            f"无法读取工作表{where}：{type(exc).__name__}: {exc}",
            f"cannot read the sheet{where_en}: {type(exc).__name__}: {exc}",
        ),
    )


def _read_folder(path: Path, name: str, registry: Registry, result: ReadResult) -> None:
    from .folder import load_ledger

    try:
        ledger = load_ledger(path, registry=registry)
    except LedgerError as exc:
        result.problems.extend(exc.problems)
        return
    where = Location(name)
    result.records.append(
        Imported(JURISDICTION, ledger.jurisdiction.id, ledger.jurisdiction, where)
    )
    summary = TableSummary(name, None, "ledger folder")
    for kind in RECORD_KINDS:
        for record in ledger.records(kind.name):
            result.records.append(Imported(kind.name, kind.key_of(record), record, where))
            summary.rows += 1
    result.rows += summary.rows
    result.tables.append(summary)


def _read_with_plugin(path: Path, name: str, registry: Registry, result: ReadResult) -> bool:
    """Let a plugin's importer read its department's own file; True if one did."""
    from functools import partial

    from ..plugins import call_plugin, plugin_timeout
    from .importers import ImportBatch

    budget = plugin_timeout()
    for importer in registry.importers:
        try:
            # a plugin's code: under the plugins' time budget, and checked for what it returns
            sniff, read = importer.sniff, importer.read
            if path.suffix.lower() not in importer.suffixes or not call_plugin(
                partial(sniff, path), {}, timeout=budget, key=id(sniff)
            ):
                continue
            batch = call_plugin(partial(read, path, registry), {}, timeout=budget, key=id(read))
            if not isinstance(batch, ImportBatch):
                raise TypeError(f"read() returned {type(batch).__name__}, expected ImportBatch")
        except Exception as exc:
            owner = registry.importers.owner(importer.key)
            result.problems.append(
                Problem(
                    Location(name),
                    Text(
                        f"插件 {owner} 的导入器 {importer.key} 出错：{exc}",
                        f"importer {importer.key!r} of plugin {owner!r} failed: {exc}",
                    ),
                )
            )
            return True
        summary = TableSummary(name, None, f"importer {importer.key}")
        for kind_name, records in batch.records.items():
            kind = KINDS_BY_NAME.get(kind_name)
            for record in records:
                key = kind.key_of(record) if kind else str(getattr(record, "id", ""))
                result.records.append(Imported(kind_name, key, record, Location(name)))
                summary.rows += 1
        for problem in batch.problems:
            result.rejected.append(Rejected([problem]))
        summary.rejected = len(batch.problems)
        result.rows += summary.rows + summary.rejected
        result.tables.append(summary)
        return True
    return False


# =============================================================================================
# Merging
# =============================================================================================


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


@collector_paused_during  # (the collector's pass over the records made once, after)
def import_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    base: Ledger | None = None,
    registry: Registry | None = None,
    keep_good: bool = False,
    kind: str | None = None,
    progress: Progress | None = None,
    unit: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportOutcome:
    """Read ``paths`` and merge them into ``base`` (see the module's docstring); ``unit``: an
    import for that unit only (see :func:`merge`), whose county a roster without a county
    column is; ``mapping``: a bureau's own reading of its headings (:mod:`.mapping`).

    Nothing is written: the outcome holds the merged ledger (or why there is none).
    """
    registry = registry or (base.registry if base is not None else None)
    read = read_files(
        paths,
        base=base,
        registry=registry,
        kind=kind,
        progress=progress,
        unit=unit,
        mapping=mapping,
    )
    return merge(read, base, registry=registry, keep_good=keep_good, unit=unit)


# =============================================================================================
# Rejected rows, to fix and import again
# =============================================================================================


def _reason(rejected: Rejected, lang: Lang | None = None) -> str:
    parts = []
    for problem in rejected.problems:
        where = " ".join(x for x in (problem.location.column, problem.location.field) if x)
        said = problem.message(lang)
        parts.append(f"{where}: {said}" if where else said)
    return "; ".join(parts)


def write_rejects(
    outcome: ImportOutcome,
    target: str | os.PathLike[str] | None = None,
    *,
    lang: Lang | None = None,
) -> list[Path]:
    """Write the rejected rows for fixing: their original columns and a reason column.

    One file per source file: ``<name>.rejects.xlsx`` (or ``.csv`` for a CSV source) beside it,
    or in the folder ``target``; a ``target`` ending in ``.xlsx`` or ``.csv`` is one file
    (several sources then go to one workbook, a sheet each). Returns the files written.
    """
    groups: dict[str, dict[tuple[str | None, int], tuple[TablePlan, list[Rejected]]]] = {}
    for rejected in outcome.rejected:
        if rejected.source is None:
            continue
        plan = rejected.source.plan
        by_table = groups.setdefault(plan.table.file, {})
        by_table.setdefault((plan.table.sheet, id(plan)), (plan, []))[1].append(rejected)
    if not groups:
        return []
    out = Path(target) if target is not None else None
    written: list[Path] = []
    if out is not None and out.suffix.lower() in (".xlsx", ".csv"):
        tables = [t for by_table in groups.values() for t in by_table.values()]
        if out.suffix.lower() == ".csv" and len(tables) == 1:
            _write_csv_rejects(out, *tables[0], lang)
        else:
            out = out.with_suffix(".xlsx")
            _write_xlsx_rejects(out, tables, lang)
        return [out]
    for file, by_table in groups.items():
        source = Path(file)
        folder = out if out is not None else source.parent
        folder.mkdir(parents=True, exist_ok=True)
        tables = list(by_table.values())
        if source.suffix.lower() in CSV_SUFFIXES and len(tables) == 1:
            path = folder / f"{source.stem}.rejects.csv"
            _write_csv_rejects(path, *tables[0], lang)
        else:
            path = folder / f"{source.stem}.rejects.xlsx"
            _write_xlsx_rejects(path, tables, lang)
        written.append(path)
    return written


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _heading_rows(plan: TablePlan) -> list[list[Any]]:
    """The heading's rows as the file had them (both levels), or the header as one row."""
    rows = [list(r) for r in plan.heading_rows] or [plan.headers]
    width = max(len(plan.headers), *(len(r) for r in rows))
    return [r + [None] * (width - len(r)) for r in rows]


def _runs(cells: list[Any]) -> list[tuple[int, int, Any]]:
    """A row's filled cells as (first, last, value): a value repeated over neighbouring cells
    (a merged cell, filled in when read) once."""
    runs: list[tuple[int, int, Any]] = []
    for i, value in enumerate(cells):
        if value is None or value == "":
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], i, value)
        else:
            runs.append((i, i, value))
    return runs


def _write_csv_rejects(
    path: Path, plan: TablePlan, rows: list[Rejected], lang: Lang | None = None
) -> None:
    headings = _heading_rows(plan)
    width = len(headings[0])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for _number, cells in plan.preamble:
            writer.writerow([_csv_cell(c) for c in cells])
        for level, heading in enumerate(headings):
            reason = REASON_HEADER if level == 0 else ""
            writer.writerow([_csv_cell(h) for h in heading] + [reason])
        for rejected in rows:
            assert rejected.source is not None
            cells = list(rejected.source.cells[:width]) + [None] * (
                width - len(rejected.source.cells)
            )
            writer.writerow([_csv_cell(c) for c in cells] + [protect(_reason(rejected, lang))])


def _csv_cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return protect(value)
    return str(value)


def _write_xlsx_rejects(
    path: Path, tables: list[tuple[TablePlan, list[Rejected]]], lang: Lang | None = None
) -> None:
    """The rejected rows under the lines above the heading and the heading itself, both levels,
    merged as the file had them, so that the file imports as the original did once fixed."""
    from openpyxl import Workbook

    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    names: set[str] = set()
    for plan, rows in tables:
        sheet = workbook.create_sheet(
            _sheet_title(plan.table.sheet or Path(plan.table.file).stem, names)
        )
        headings = _heading_rows(plan)
        width = len(headings[0])
        row = 1
        for _number, cells in plan.preamble:
            for first, last, value in _runs(cells[:width]):
                _set(sheet, row, first + 1, value)
                if last > first:
                    sheet.merge_cells(
                        start_row=row, start_column=first + 1, end_row=row, end_column=last + 1
                    )
            row += 1
        depth = len(headings)
        for column in range(width):
            levels = [h[column] for h in headings]
            down = 1
            while down < depth and levels[down] == levels[0]:
                down += 1  # a heading merged down over the rows below it
            if levels[0] not in (None, ""):
                _set(sheet, row, column + 1, levels[0])
            for level in range(down, depth):
                if levels[level] not in (None, ""):
                    _set(sheet, row + level, column + 1, levels[level])
            if down > 1 and levels[0] not in (None, ""):
                sheet.merge_cells(
                    start_row=row,
                    start_column=column + 1,
                    end_row=row + down - 1,
                    end_column=column + 1,
                )
        for level in range(depth - 1):  # a parent merged across its children
            for first, last, _value in _runs(headings[level]):
                below = [headings[level + 1][i] for i in range(first, last + 1)]
                if last > first and any(b != headings[level][first] for b in below):
                    sheet.merge_cells(
                        start_row=row + level,
                        start_column=first + 1,
                        end_row=row + level,
                        end_column=last + 1,
                    )
        _set(sheet, row, width + 1, REASON_HEADER)
        if depth > 1:
            sheet.merge_cells(
                start_row=row, start_column=width + 1, end_row=row + depth - 1, end_column=width + 1
            )
        row += depth
        for rejected in rows:
            assert rejected.source is not None
            cells = list(rejected.source.cells[:width]) + [None] * (
                width - len(rejected.source.cells)
            )
            for column, value in enumerate([*cells, _reason(rejected, lang)], start=1):
                _set(sheet, row, column, value)
            row += 1
    workbook.save(path)


def _set(sheet: Any, row: int, column: int, value: Any) -> None:
    """A cell as the source held it: text kept as text (an ID number stays digits), a date a
    date."""
    value = _plain(value)
    if value is None:
        return
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = put(sheet, row, column, datetime(value.year, value.month, value.day))
        cell.number_format = "yyyy-mm-dd"
    else:
        put(sheet, row, column, value)


def _sheet_title(name: str, taken: set[str]) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Sheet"
    title, n = cleaned, 2
    while title in taken:
        suffix = f"~{n}"
        title, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


# =============================================================================================
# Into a store
# =============================================================================================


def import_into_store(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    actor: str | None = None,
    dry_run: bool = False,
    keep_good: bool = False,
    rejects: str | os.PathLike[str] | None = None,
    ledger_id: str | None = None,
    registry: Registry | None = None,
    kind: str | None = None,
    progress: Progress | None = None,
    unit: str | None = None,
    mapping: ColumnMapping | None = None,
    lang: Lang | None = None,
) -> ImportOutcome:
    """Import ``paths`` into the store's ledger, in one transaction (nothing on failure).

    The ledger is ``ledger_id``, else the one the files name (a workbook's 管辖 sheet, a ledger
    folder), else the store's only ledger. ``dry_run`` works everything out and writes nothing
    (no rejects file either). With ``keep_good`` the rejected rows go to ``rejects`` (see
    :func:`write_rejects`). ``unit``: an import for that unit only, into a ledger the store
    holds (a county's bureau importing into the city's store): a row that would add or change a
    record that is not the unit's own is rejected (see :func:`merge`); a roster without a
    county column is that unit's county's. ``mapping``: a bureau's own reading of its headings.
    ``lang``: the language of the reasons a rejects file gives (else ``CADRECORE_LANG``'s).
    """
    from ..plugins import get_registry

    registry = registry or get_registry()
    paths = list(paths)
    held = store.ledger_ids()
    target = ledger_id or (held[0] if len(held) == 1 else None)

    def read_into(base: Ledger | None) -> ReadResult:
        return read_files(
            paths,
            base=base,
            registry=registry,
            kind=kind,
            progress=progress,
            unit=unit,
            mapping=mapping,
        )

    base = store.load(target, registry=registry) if target in held else None
    read = read_into(base)
    named = read.jurisdiction.key if read.jurisdiction else None
    if ledger_id is None and named is not None and named != target:
        # The files are another jurisdiction's ledger: import into that one (new, or held).
        target = named
        base = store.load(target, registry=registry) if target in held else None
        read = read_into(base)
    if target is None and len(held) > 1:
        outcome = ImportOutcome(None, keep_good, rows=read.rows, tables=read.tables)
        outcome.problems.append(
            Problem(
                Location(store.url),
                Text(
                    f"数据库中有多个账册（{'、'.join(held)}），请用 --ledger 指定",
                    f"the store holds several ledgers ({', '.join(held)}): name one with --ledger",
                ),
            )
        )
        return outcome
    outcome = merge(read, base, registry=registry, keep_good=keep_good, unit=unit)
    outcome.dry_run = dry_run
    if dry_run:
        return outcome
    if keep_good and outcome.rejected:
        outcome.rejects_files = write_rejects(outcome, rejects, lang=lang)
    if outcome.ledger is not None and (
        outcome.accepted or base is None or outcome.ledger.jurisdiction != base.jurisdiction
    ):
        # based on the ledger read before the files were merged in (or on its absence, for a
        # new one): what someone else saved meanwhile is kept, or the import is refused as a
        # conflict, never overwritten
        outcome.saved = store.save(
            outcome.ledger, actor=actor, progress=progress, based_on=base, as_new=base is None
        )
    return outcome
