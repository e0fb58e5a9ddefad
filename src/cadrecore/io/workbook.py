"""The one way cadrecore puts a value into a cell of a workbook it writes with openpyxl (the
export, a rejects file, the roster template; the annual report's workbook is written by
XlsxWriter, its text by the same rule: :func:`.cell_text.protect`).

Text that begins like a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+``, ``-``,
``@``) is written as text that no spreadsheet runs, and characters XML cannot hold are written
the way Excel does (see :mod:`.cell_text`); every other value goes in as it is. A unit's name or
a theme's title is data from people, so a workbook that put it in a cell untouched would let
whoever typed it run a formula on the machine of whoever opens the file.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    sheet: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None
) -> Cell | MergedCell:
    """Write ``value`` into ``sheet``'s cell (1-based) and return the cell. A date (not a
    datetime) is a date cell shown as :data:`DATE_FORMAT` unless ``number_format`` says
    otherwise; ``number_format`` is how a number shows (:data:`PERCENT_FORMAT` for a rate)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = to_sheet_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
        if number_format is not None:
            cell.number_format = number_format
        elif isinstance(value, date) and not isinstance(value, datetime):
            cell.number_format = DATE_FORMAT
    return cell


def text_cell(sheet: WriteOnlyWorksheet, text: str, *, exact: bool = False) -> Any:
    """A write-only sheet's cell holding ``text`` as text, never a formula; ``exact``: read back
    as it is, zero-width ends included (a ledger's export, see :func:`.cell_text.exact_sheet_text`)."""
    cell = WriteOnlyCell(sheet, value=exact_sheet_text(text) if exact else to_sheet_text(text))
    cell.data_type = "s"
    return cell


__all__ = ["DATE_FORMAT", "PERCENT_FORMAT", "put", "text_cell"]
