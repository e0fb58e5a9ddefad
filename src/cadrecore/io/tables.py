"""Reading the tables in a spreadsheet file as it really is: every sheet of an .xlsx workbook or
an old .xls one (Excel 97-2003, read with xlrd), or a CSV file in UTF-8 (with or without a BOM),
GBK/GB18030 or UTF-16.

A :class:`RawTable` is a sheet's rows as cell values, numbered as the spreadsheet numbers them,
with merged cells unmerged (every cell of a merged range holds the range's value, so a county
written once down a merged column is read on every row) and the cell text that cadrecore's
writers protect (see :mod:`.cell_text`) restored. Finding the header and what the columns mean
is :mod:`.spreadsheet`'s work.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from ..i18n import Text
from .cell_text import QUOTE, from_sheet_text, unprotect
from .limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_XLS_BYTES,
    LimitError,
    check_file_size,
    check_merges,
    check_row,
    check_workbook_parts,
)

XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Excel 97-2003 workbooks, still common in bureaus: read with xlrd.
XLS_SUFFIXES = (".xls",)
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
#: The largest CSV file read whole into memory.

Row = tuple[int, list[Any]]


class TableError(ValueError):
    """A file that cannot be read as a table at all; ``message`` says why."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass
class RawTable:
    """One sheet (or a CSV file): its rows as ``(row number, cells)``, merged cells filled.

    ``rows`` is an iterator, consumed once; ``epoch`` is the workbook's date system, for
    serial numbers; ``hidden`` marks a sheet hidden in the workbook. ``lines`` is how many
    rows it has as far as is known before reading them (a CSV file's lines, an .xls sheet's
    rows, the dimension an .xlsx sheet states), for progress only.
    """

    file: str
    sheet: str | None
    rows: Iterator[Row]
    epoch: datetime = CALENDAR_WINDOWS_1900
    hidden: bool = False
    encoding: str | None = None
    notes: list[Text] = field(default_factory=list)
    lines: int | None = None


def read_tables(path: Path, display: str | None = None) -> list[RawTable]:
    """The tables of the spreadsheet file at ``path`` (``display`` is how problems name it)."""
    name = display or str(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return list(_xlsx_tables(path, name))
    if suffix in CSV_SUFFIXES:
        return [_csv_table(path, name)]
    if suffix in XLS_SUFFIXES:
        return list(_xls_tables(path, name))
    raise TableError(
        Text(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：可导入 .xlsx、.xls 或 .csv",
            f"cannot import {suffix or 'a file without an extension'}: use .xlsx, .xls or .csv",
        )
    )


# ---------------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------------


def _xlsx_tables(path: Path, name: str) -> Iterator[RawTable]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as parts:
            check_workbook_parts(parts)  # before openpyxl reads the shared strings whole
    except LimitError as exc:
        raise TableError(exc.message) from None
    except (zipfile.BadZipFile, OSError):
        pass  # openpyxl says what is wrong with the file, below
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(
            Text(f"无法打开工作簿：{exc}", f"cannot open the workbook: {exc}")
        ) from None
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):  # pragma: no cover - openpyxl opened it just now
        archive = None
    for sheet in workbook.worksheets:
        merges = _merged_ranges(archive, getattr(sheet, "_worksheet_path", None))
        try:
            check_merges(merges)
        except LimitError as exc:
            raise TableError(
                Text(
                    f"工作表“{sheet.title}”：{exc.message.zh}",
                    f"sheet {sheet.title!r}: {exc.message.en}",
                )
            ) from None
        stated = sheet.max_row  # (before _sheet_rows lets go of the stated dimension)
        yield RawTable(
            file=name,
            sheet=sheet.title,
            rows=_sheet_rows(sheet, merges),
            epoch=workbook.epoch,
            hidden=sheet.sheet_state != "visible",
            lines=stated if isinstance(stated, int) else None,
        )


def _sheet_rows(sheet: Any, merges: list[tuple[int, int, int, int]]) -> Iterator[Row]:
    sheet.reset_dimensions()  # a workbook's stated dimensions may be wrong; read what is there
    rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    return _unmerged(
        _bounded(
            [from_sheet_text(v) if isinstance(v, str) else v for v in values] for values in rows
        ),
        merges,
    )


def _bounded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Rows as read, refusing (:class:`TableError`) one too wide or a cell too long."""
    for number, cells in enumerate(rows, 1):
        if len(cells) > MAX_COLUMNS or any(
            type(c) is str and len(c) > MAX_CELL_CHARS for c in cells
        ):
            try:
                check_row(number, cells)
            except LimitError as exc:
                raise TableError(exc.message) from None
        yield cells


def _unmerged(rows: Iterator[list[Any]], merges: list[tuple[int, int, int, int]]) -> Iterator[Row]:
    """Rows numbered from 1, every cell of a merged range (min_col, min_row, max_col,
    max_row; 1-based) holding the range's value."""
    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for box in merges:
        starts.setdefault(box[1], []).append(box)
    active: list[tuple[int, int, int, Any]] = []  # (first col, last col, last row, value)
    for number, cells in enumerate(rows, 1):
        for min_col, _min_row, max_col, max_row in starts.pop(number, ()):
            value = cells[min_col - 1] if min_col - 1 < len(cells) else None
            active.append((min_col, max_col, max_row, value))
        if active:
            for min_col, max_col, _max_row, value in active:
                if len(cells) < max_col:
                    cells.extend([None] * (max_col - len(cells)))
                for col in range(min_col - 1, max_col):
                    cells[col] = value
            active = [m for m in active if m[2] > number]
        yield number, cells


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')


def _merged_ranges(
    archive: zipfile.ZipFile | None, member: str | None
) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet, as (min_col, min_row, max_col, max_row).

    openpyxl's read-only mode, the only one fast enough for large sheets, does not report them;
    they sit at the end of the sheet's XML, after the cells, so a byte scan finds them.
    """
    if archive is None or member is None:
        return []
    try:
        handle = archive.open(member.lstrip("/"))
    except KeyError:
        return []
    tail = b""
    found = bytearray()
    with handle:
        while chunk := handle.read(1 << 20):
            window = tail + chunk
            if found or b"<mergeCell" in window or b":mergeCell" in window:
                found += chunk if found else window
            tail = window[-32:]
    boxes: list[tuple[int, int, int, int]] = []
    for match in _MERGE_RE.finditer(bytes(found)):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
        except ValueError:
            continue
        if min_col and min_row and max_col and max_row:
            boxes.append((min_col, min_row, max_col, max_row))
    return boxes


# ---------------------------------------------------------------------------------------------
# .xls
# ---------------------------------------------------------------------------------------------


def _xls_tables(path: Path, name: str) -> Iterator[RawTable]:
    import xlrd
    from xlrd.biffh import XLRDError

    try:
        check_file_size(path.stat().st_size, MAX_XLS_BYTES)
    except LimitError as exc:
        raise TableError(exc.message) from None
    except OSError:
        pass  # xlrd says what is wrong with the file, below
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except (XLRDError, OSError, ValueError, AssertionError, KeyError, IndexError) as exc:
        raise TableError(
            Text(f"无法打开 .xls 工作簿：{exc}", f"cannot open the .xls workbook: {exc}")
        ) from None
    epoch = CALENDAR_WINDOWS_1900 if book.datemode == 0 else CALENDAR_MAC_1904
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        merges = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
        yield RawTable(
            file=name,
            sheet=sheet.name,
            rows=_unmerged(_xls_rows(sheet, 1 if book.datemode else 0), merges),
            epoch=epoch,
            hidden=getattr(sheet, "visibility", 0) != 0,
            lines=sheet.nrows,
        )


def _xls_rows(sheet: Any, datemode: Literal[0, 1]) -> Iterator[list[Any]]:
    """A .xls sheet's rows as cell values: text, numbers, booleans, and datetimes for date cells
    (xlrd gives those as serial numbers, with the workbook's date system)."""
    import xlrd

    for r in range(sheet.nrows):
        values: list[Any] = []
        for cell in sheet.row(r):
            kind = cell.ctype
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                values.append(None)
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
                except (xlrd.xldate.XLDateError, OverflowError, ValueError):
                    values.append(cell.value)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif kind == xlrd.XL_CELL_ERROR:
                values.append(None)
            else:
                values.append(cell.value)
        yield values


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def sniff_encoding(data: bytes) -> str:
    """UTF-8 (a BOM, or text that decodes as UTF-8), UTF-16 (a BOM), else GB18030 (GBK's
    superset, which Chinese Excel writes as "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the very end of a sample is still UTF-8.
        if exc.start < len(data) - 3 or exc.reason != "unexpected end of data":
            return "gb18030"
    return "utf-8"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_table(path: Path, name: str) -> RawTable:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise TableError(
            Text(
                f"文件有 {size:,} 字节，超过上限 {MAX_CSV_BYTES:,} 字节，拒绝读取",
                f"the file is {size:,} bytes, over the limit of {MAX_CSV_BYTES:,}: refused",
            )
        )
    data = path.read_bytes()
    encoding = sniff_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TableError(
            Text(
                f"无法识别的编码（第 {exc.start} 字节）：请另存为 UTF-8 或 GBK",
                f"cannot decode the file (byte {exc.start}): save it as UTF-8 or GBK",
            )
        ) from None
    text = text.replace("\x00", "")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(first)
    return RawTable(
        file=name,
        sheet=None,
        rows=_csv_rows(text, delimiter),
        encoding="gbk" if encoding == "gb18030" else encoding,
        lines=text.count("\n") + (not text.endswith("\n")),
    )


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    try:
        if QUOTE not in text:  # (most files: no cell to look at twice)
            for number, cells in enumerate(reader, 1):
                yield number, cells
            return
        for cells in reader:
            number += 1
            # (a cell that begins with an apostrophe is rare: most rows are given as read)
            yield number, [unprotect(c) for c in cells] if QUOTE in "".join(cells) else cells
    except csv.Error as exc:
        raise TableError(
            Text(
                f"第 {number + 1} 行之后无法读取：CSV 格式错误（{exc}）",
                f"cannot read past row {number + 1}: malformed CSV ({exc})",
            )
        ) from None
