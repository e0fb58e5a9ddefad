"""How large a spreadsheet may be before cadrecore refuses to read it, checked before the cells.

A workbook is a zip of XML parts, so a few kilobytes can stand for gigabytes: a merged range
over a whole sheet (16,384 columns by 1,048,576 rows, which the reader would fill cell by cell),
or one shared string of 400 million characters (which openpyxl holds whole in memory). So the
reader checks, from the zip's directory and the merged ranges alone, what it is about to read:

- the uncompressed size of the workbook's parts (:data:`MAX_PART_BYTES` each, the shared
  strings :data:`MAX_SHARED_STRINGS_BYTES`, the whole :data:`MAX_WORKBOOK_BYTES`), and a part
  that claims to be smaller than it is stops at its claimed size (Python's zip reader does not
  read past it);
- the cells a merged range covers (:data:`MAX_MERGED_CELLS` for all of a sheet's together);
- how wide a row is (:data:`MAX_COLUMNS`) and how long one cell's text is
  (:data:`MAX_CELL_CHARS`, Excel's own limit), as the rows are read;
- the size of a CSV or .xls file (:data:`MAX_CSV_BYTES`, :data:`MAX_XLS_BYTES`).

A county's roster is far inside every limit: a 100,000-row roster is a 14 MB CSV, or an .xlsx
of 8 MB whose largest part is 60 MB. Each refusal says which limit, where, and by how much, and
quotes at most :data:`QUOTE` characters of a cell.
"""

from __future__ import annotations

import zipfile

from ..i18n import Text

#: The largest part of an .xlsx workbook (a sheet's XML) read, uncompressed.
MAX_PART_BYTES = 512 * 1024 * 1024
#: The shared strings, which openpyxl reads whole into memory.
MAX_SHARED_STRINGS_BYTES = 48 * 1024 * 1024
#: All the parts of a workbook together, uncompressed.
MAX_WORKBOOK_BYTES = 1024 * 1024 * 1024
#: The cells all the merged ranges of one sheet cover together.
MAX_MERGED_CELLS = 1_000_000
#: The widest row read (a roster has about 25 columns; Excel allows 16,384).
MAX_COLUMNS = 1024
#: The longest text of one cell (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: The largest CSV file read (it is read whole).
MAX_CSV_BYTES = 256 * 1024 * 1024
#: The largest .xls workbook read (xlrd reads it whole; Excel 97-2003 holds 65,536 rows a sheet).
MAX_XLS_BYTES = 128 * 1024 * 1024
#: The most of a cell a message quotes.
QUOTE = 100


class LimitError(ValueError):
    """A file beyond one of the limits; ``message`` says which, where and by how much."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def check_workbook_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts, uncompressed, exceed the limits (from the zip's
    directory alone, before any part is read)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        limit = (
            MAX_SHARED_STRINGS_BYTES
            if info.filename.lower().endswith("sharedstrings.xml")
            else MAX_PART_BYTES
        )
        if info.file_size > limit:
            raise LimitError(
                Text(
                    f"工作簿的 {info.filename} 解压后有 {_mb(info.file_size)}，超过上限 "
                    f"{_mb(limit)}：不是正常的花名册，拒绝读取",
                    f"the workbook's part {info.filename} is {_mb(info.file_size)} uncompressed, "
                    f"over the limit of {_mb(limit)}: refused",
                )
            )
    if total > MAX_WORKBOOK_BYTES:
        raise LimitError(
            Text(
                f"工作簿解压后共 {_mb(total)}，超过上限 {_mb(MAX_WORKBOOK_BYTES)}，拒绝读取",
                f"the workbook is {_mb(total)} uncompressed, over the limit of "
                f"{_mb(MAX_WORKBOOK_BYTES)}: refused",
            )
        )


def check_merges(boxes: list[tuple[int, int, int, int]]) -> None:
    """Refuse a sheet whose merged ranges (min_col, min_row, max_col, max_row) cover more than
    :data:`MAX_MERGED_CELLS` cells together."""
    covered = 0
    for min_col, min_row, max_col, max_row in boxes:
        covered += (max_col - min_col + 1) * (max_row - min_row + 1)
        if covered > MAX_MERGED_CELLS:
            where = f"{min_col},{min_row}:{max_col},{max_row}"
            raise LimitError(
                Text(
                    f"合并单元格覆盖超过 {MAX_MERGED_CELLS:,} 个单元格（如第 {min_row} 至 "
                    f"{max_row} 行的合并区域），拒绝读取",
                    f"merged cells cover more than {MAX_MERGED_CELLS:,} cells (such as the "
                    f"range {where}, rows {min_row} to {max_row}): refused",
                )
            )


def check_row(number: int, cells: list[object]) -> None:
    """Refuse a row wider than :data:`MAX_COLUMNS` or a cell longer than
    :data:`MAX_CELL_CHARS` (quoting at most :data:`QUOTE` characters of it)."""
    if len(cells) > MAX_COLUMNS:
        raise LimitError(
            Text(
                f"第 {number} 行有 {len(cells):,} 列，超过上限 {MAX_COLUMNS:,} 列，拒绝读取",
                f"row {number} has {len(cells):,} columns, over the limit of {MAX_COLUMNS:,}: "
                "refused",
            )
        )
    for column, cell in enumerate(cells, 1):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            shown = cell[:QUOTE]
            raise LimitError(
                Text(
                    f"第 {number} 行第 {column} 列的内容有 {len(cell):,} 个字，超过上限 "
                    f"{MAX_CELL_CHARS:,}（开头：{shown}…），拒绝读取",
                    f"row {number}, column {column} holds {len(cell):,} characters, over the "
                    f"limit of {MAX_CELL_CHARS:,} (it begins {shown!r}…): refused",
                )
            )


def check_file_size(size: int, limit: int) -> None:
    """Refuse a file of ``size`` bytes over ``limit``."""
    if size > limit:
        raise LimitError(
            Text(
                f"文件有 {_mb(size)}，超过上限 {_mb(limit)}，拒绝读取",
                f"the file is {_mb(size)}, over the limit of {_mb(limit)}: refused",
            )
        )


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_MERGED_CELLS",
    "MAX_PART_BYTES",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_WORKBOOK_BYTES",
    "MAX_XLS_BYTES",
    "QUOTE",
    "LimitError",
    "check_file_size",
    "check_merges",
    "check_row",
    "check_workbook_parts",
]
