"""The one way cadrecore puts a value into a workbook cell, whichever workbook it writes (the
export, a rejects file, the annual report, the roster template).

Text that begins like a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+``, ``-``,
``@``) is written as text that no spreadsheet runs, and characters XML cannot hold are written
the way Excel does (see :mod:`.cell_text`); every other value goes in as it is. A unit's name or
a theme's title is data from people, so a workbook that put it in a cell untouched would let
whoever typed it run a formula on the machine of whoever opens the file.
"""

from __future__ import annotations

from copy import copy
from datetime import date, datetime
from typing import Any, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .cell_text import exact_sheet_text, to_sheet_text

#: How a date cell shows: the ISO date every clerk's system reads, whatever Excel's locale.
DATE_FORMAT = "yyyy-mm-dd"
#: How a rate cell shows: a percentage with one decimal, the digits the text outputs print
#: when the cell holds :func:`cadrecore.i18n.shown_ratio`'s value.
PERCENT_FORMAT = "0.0%"


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    number_format: str | None = None,
    like: Cell | MergedCell | None = None,
) -> Cell | MergedCell:
    """Write ``value`` into ``sheet``'s cell (1-based) and return the cell. A date (not a
    datetime) is a date cell shown as :data:`DATE_FORMAT` unless ``number_format`` says
    otherwise; ``number_format`` is how a number shows (:data:`PERCENT_FORMAT` for a rate).

    ``like``: a cell of the same sheet whose whole style (number format, font, fill,
    alignment) the cell takes as it is, instead of ``number_format``: a copy of its style's
    indexes, as openpyxl copies a worksheet, where setting each part looks the style up in the
    workbook's lists again (a table's thousands of cells alike)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = to_sheet_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
        if like is not None:
            pass
        elif number_format is not None:
            cell.number_format = number_format
        elif isinstance(value, date) and not isinstance(value, datetime):
            cell.number_format = DATE_FORMAT
    if like is not None:
        cast(Any, cell)._style = copy(cast(Any, like)._style)  # (openpyxl's stubs omit it)
    return cell


def text_cell(sheet: WriteOnlyWorksheet, text: str, *, exact: bool = False) -> Any:
    """A write-only sheet's cell holding ``text`` as text, never a formula; ``exact``: read back
    as it is, zero-width ends included (a ledger's export, see :func:`.cell_text.exact_sheet_text`)."""
    cell = WriteOnlyCell(sheet, value=exact_sheet_text(text) if exact else to_sheet_text(text))
    cell.data_type = "s"
    return cell


__all__ = ["DATE_FORMAT", "PERCENT_FORMAT", "put", "text_cell"]
