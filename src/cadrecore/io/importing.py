"""Importing files into a ledger: spreadsheets, CSV, ledger folders, and plugins' own formats.

An import reads every file (:func:`read_files`), then merges the records into a base ledger
(:func:`merge`): a record whose id is already there replaces it, a new one is added. The merged
ledger must hold together, so its cross-checks run, and a row that breaks a cross-reference is
rejected with its file, sheet, row and column, like a row whose cells are wrong.

By default an import is all or nothing: one problem anywhere and nothing is imported. With
``keep_good=True`` the good rows are imported and the rejected ones can be written to a file
(:func:`write_rejects`): the original columns plus ``错误原因 / reason``, to fix and import again.
:func:`import_into_store` does all of this against a store, in one transaction.

This module reads the files and runs an import; the result types are :mod:`cadrecore.io.imported`,
merging :mod:`cadrecore.io.merging` and the rejects file :mod:`cadrecore.io.rejects`, whose
names are offered here as they always were. Layer: ``io``, the top of it: it may use the store
(:func:`import_into_store`) but must not import the reports or the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._gc import collector_paused_during
from ..errors import LedgerError, Location, Problem
from ..i18n import Lang, Text
from ..ledger import Ledger
from ..models import KINDS_BY_NAME, RECORD_KINDS
from ..models.common import Sensitivity
from ..models.labels import zh_label
from ..privacy import mask_value
from ..progress import Progress
from ..registry import Registry
from .headings import ColumnMapping
from .imported import Imported as Imported
from .imported import ImportOutcome as ImportOutcome
from .imported import ReadResult as ReadResult
from .imported import Rejected as Rejected
from .imported import TableSummary as TableSummary
from .matching import ID_PREFIXES, IdGiver, Names
from .merging import OWNER_FIELDS as OWNER_FIELDS
from .merging import merge as merge
from .rejects import write_rejects as write_rejects
from .roster import SKIPPED, Counties, filer_text, title_text
from .spreadsheet import (
    JURISDICTION,
    RowReader,
    RowResult,
    TablePlan,
    data_rows,
    head_rows,
    plan_table,
    unknown_columns,
)
from .tables import TableError, read_tables
from .xlsx import META_SHEET

if TYPE_CHECKING:
    from ..store import Store


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
# Reading and merging (merge itself: cadrecore.io.merging)
# =============================================================================================


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
