"""The rejected rows, written to fix and import again (:func:`write_rejects`): the original
columns, headings and title rows as the file had them, plus ``错误原因 / reason``; a CSV file or
an xlsx workbook with a sheet per table, personal data masked as the rest of the output is.

Layer: ``io``, above the result types (:mod:`cadrecore.io.imported`); offered by
:mod:`cadrecore.io.importing`, which it must not import, nor the store, the reports or the CLI.
"""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import Lang
from .cell_text import protect
from .imported import ImportOutcome, Rejected
from .spreadsheet import (
    REASON_HEADER,
    TablePlan,
)
from .tables import CSV_SUFFIXES
from .workbook import put

if TYPE_CHECKING:
    pass


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
