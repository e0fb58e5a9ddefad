"""Dates as spreadsheets hold them: date cells, Excel serial numbers, ``1950.03`` typed as a number.

Text dates are the models' business (:func:`cadrecore.models.common.parse_date` reads
``1950-03-01``, ``1950.3.1``, ``1950年3月1日``, ``19500301``, and the months ``1950.03``,
``1950-3``, ``1950年3月``, ``195003`` as the first of that month). What only a spreadsheet
produces is read here:

- a date cell (openpyxl gives a ``datetime``): its day;
- a number in a date column: an Excel serial day number (``18323`` is 1950-03-01), counted from
  the workbook's epoch (1900, or 1904 for old Mac workbooks), or, when it looks like a year and
  a month (``1950.03``, ``195003``, typed into a cell Excel took as a number), that month's
  first day, or a day written as digits (``19500301``);
- ``1950.1`` as a number is refused: Excel keeps 1950.10 (October) as 1950.1, so it may be
  January or October; a year alone (``1950``) is refused too, as no day can be read from it.
- a five-digit text (``18323``): a serial number, as CSV exports of date columns hold them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from ..i18n import Text
from ..models.common import parse_date

#: The largest serial number Excel shows as a date (9999-12-31).
MAX_SERIAL = 2958465
#: Years that a bare number in a date column is taken to be (not serials: those are 1905).
YEARS = range(1900, 2101)

FORMS = "1950-03-01、1950.3.1、1950年3月1日、1950.03、1950年3月"


class CellError(ValueError):
    """A cell whose value cannot be read as its column requires; ``message`` says why, ``code``
    is the stable reason (``date.unreadable``, ``value.not_understood``...)."""

    def __init__(self, message: Text, code: str = "cell.invalid") -> None:
        super().__init__(message.en)
        self.message = message
        self.code = code


def cell_date(value: Any, epoch: datetime = CALENDAR_WINDOWS_1900) -> date | None:
    """The date a spreadsheet cell holds (None for an empty cell); :class:`CellError` if none."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(Text(f"不是日期：{value!r}", f"not a date: {value!r}"), "date.unreadable")
    if isinstance(value, int | float | Decimal):
        return _number_date(value, epoch)
    text = str(value)
    text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 5:
        return _number_date(int(text), epoch)
    if text.isdigit() and len(text) == 4:
        raise _year_only(text)
    try:
        parsed = parse_date(text)
    except ValueError as exc:  # 1950-02-30: the right form, but no such day
        raise CellError(
            Text(f"日期无效 {short(value)}：{exc}", f"no such date {short(value)}: {exc}"),
            "date.unreadable",
        ) from None
    if isinstance(parsed, date):
        return parsed
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        if moment.time() == datetime.min.time():
            return moment.date()
    raise CellError(
        Text(
            f"无法识别的日期“{short(value)}”，请写作 {FORMS}",
            f"cannot read a date from {short(value)!r}; write 1950-03-01, 1950.3.1, 1950年3月1日, "
            "or a month as 1950.03 or 1950年3月",
        ),
        "date.unreadable",
    )


def _year_only(value: object) -> CellError:
    return CellError(
        Text(
            f"只有年份 {value}，没有月日",
            f"{value} is only a year; give the month too (1950.03) or the day (1950-03-01)",
        ),
        "date.unreadable",
    )


#: The most of a cell's text a message quotes.
SHORT = 12


def short(value: object) -> str:
    """A cell's text as a message may quote it: at most :data:`SHORT` characters."""
    text = str(value)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def is_month_only(value: Any) -> bool:
    """Whether a date cell gives only a year and a month (``1950.03``, ``1950年3月``, ``195003``,
    the number 1950.03), so that its day is not known."""
    if isinstance(value, date) or value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if number == int(number):
            return len(str(int(number))) == 6 and int(str(int(number))[:4]) in YEARS
        return int(number) in YEARS
    text = str(value)
    text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    return bool(_MONTH_ONLY.match(text))


_MONTH_ONLY = re.compile(r"^\d{4}(?:[.\-/]\d{1,2}|年\d{1,2}月?|\d{2})$")


def _number_date(value: int | float | Decimal, epoch: datetime) -> date:
    number = float(value)
    whole = int(number)
    if number == whole:
        if whole in YEARS:
            raise _year_only(whole)
        digits = str(whole)
        # 197609 or 19760901 typed into a number cell: a month or a day, not a serial number
        # (as serials they would fall after the year 2400)
        if len(digits) in (6, 8) and int(digits[:4]) in YEARS:
            parsed = parse_date(digits)
            if isinstance(parsed, date):
                return parsed
    elif whole in YEARS:
        fraction = repr(number).split(".", 1)[1] if "." in repr(number) else ""
        if fraction == "1":
            raise CellError(
                Text(
                    f"{number} 含义不明：可能是 {whole} 年 1 月，也可能是 10 月（数字格式会去掉末尾的 0）；"
                    "请将该列设为文本格式或写作 1950-10-01",
                    f"{number} is ambiguous: January or October {whole} (a number cell drops "
                    "the trailing 0 of 1950.10); format the column as text or write 1950-10-01",
                ),
                "date.unreadable",
            )
        if len(fraction) <= 2 and fraction.isdigit() and 1 <= int(fraction) <= 12:
            return date(whole, int(fraction), 1)
        raise CellError(
            Text(
                f"无法识别的日期 {number}，请写作 {FORMS}",
                f"cannot read a date from {number}; write 1950-03-01 or 1950.03",
            ),
            "date.unreadable",
        )
    if not 1 <= number <= MAX_SERIAL:
        raise CellError(
            Text(
                f"{value} 不是日期序号（1 至 {MAX_SERIAL}）",
                f"{value} is not an Excel date serial number (1 to {MAX_SERIAL})",
            ),
            "date.unreadable",
        )
    moment = from_excel(number, epoch)
    assert isinstance(moment, datetime)
    return moment.date()
