"""Dates as people write them, and as spreadsheets store them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel
from pydantic import TypeAdapter, ValidationError

from cadrecore.io.dates import CellError, cell_date
from cadrecore.models.common import Date, parse_date

DAY = date(1950, 3, 1)
DATE = TypeAdapter(Date)


@pytest.mark.parametrize(
    "text",
    [
        "1950-03-01",
        "1950-3-1",
        "1950.3.1",
        "1950/03/01",
        "1950年3月1日",
        "1950 年 3 月 1 日",
        "19500301",
        "１９５０年３月１日",
        "１９５０－０３－０１",
    ],
)
def test_a_day_in_the_forms_rosters_use(text: str) -> None:
    assert parse_date(text) == DAY
    assert DATE.validate_python(text) == DAY


@pytest.mark.parametrize("text", ["1950.03", "1950.3", "1950年3月", "1950-3", "1950/03", "195003"])
def test_a_month_means_its_first_day(text: str) -> None:
    assert DATE.validate_python(text) == DAY


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_iso_dates_validate_as_they_always_did(day: date) -> None:
    assert DATE.validate_python(day.isoformat()) == day
    assert DATE.validate_python(day) == day


@pytest.mark.parametrize("text", ["1950-02-30", "1950-13", "abc", "1950", "not 1950-03-01"])
def test_what_is_not_a_date_is_still_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        DATE.validate_python(text)


def test_other_values_pass_through_to_pydantic() -> None:
    assert parse_date(DAY) == DAY
    assert parse_date(12) == 12
    assert DATE.validate_python("2022-07-18T00:00:00") == date(2022, 7, 18)


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        datetime(1950, 3, 1),
        DAY,
        18323,
        18323.5,
        "18323",
        1950.03,
        1950.3,
        "1950.03",
        "1950年3月",
        "1950-3-1",
        "１９５０．０３",
        "1950-03-01 00:00:00",
    ],
)
def test_a_cell_holding_1950_03_01(value: object) -> None:
    assert cell_date(value) == DAY


def test_serial_numbers_follow_the_workbook_calendar() -> None:
    serial = to_excel(datetime(1950, 3, 1), CALENDAR_MAC_1904)
    assert cell_date(serial, CALENDAR_MAC_1904) == DAY
    assert cell_date(int(serial)) != DAY


def _reads_as_digits(day: date) -> bool:
    """Whether ``day``'s serial number is also a year and month (197601) or a day (19760101)
    written as digits, which a date column holds them as."""
    digits = str(int(to_excel(datetime(day.year, day.month, day.day))))
    if len(digits) not in (6, 8) or not 1900 <= int(digits[:4]) <= 2100:
        return False
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8] or 1))
    except ValueError:
        return False
    return True


@given(
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)).filter(
        lambda day: not date(1905, 3, 14) <= day <= date(1905, 9, 30) and not _reads_as_digits(day)
    )
)
def test_any_serial_number_reads_back_as_its_day(day: date) -> None:
    """Except serials 1900 to 2100 (days of 1905), which a date column holds as years, and
    those that are a year and month or a day written as digits (days after the year 2400)."""
    serial = to_excel(datetime(day.year, day.month, day.day))
    assert cell_date(serial) == day


@pytest.mark.parametrize(
    ("number", "expected"),
    [(197601, date(1976, 1, 1)), (19760915, date(1976, 9, 15)), (197613, None)],
)
def test_a_month_or_a_day_typed_as_a_number_is_read_as_one(
    number: int, expected: date | None
) -> None:
    """197601 typed into a date column is January 1976, not a serial of the year 2441; a
    number that is no month (197613) is still a serial number."""
    if expected is None:
        assert cell_date(number).year > 2400
    else:
        assert cell_date(number) == expected
        assert cell_date(float(number)) == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (1950.1, "January or October"),
        (1950, "only a year"),
        ("1950", "only a year"),
        (0, "serial number"),
        (-5, "serial number"),
        (1950.123, "cannot read"),
        ("1950-02-30", "no such date"),
        ("三月", "cannot read"),
        (True, "not a date"),
    ],
)
def test_a_cell_that_is_no_date_says_why(value: object, says: str) -> None:
    with pytest.raises(CellError) as caught:
        cell_date(value)
    assert says in caught.value.message.en
    assert caught.value.message.zh


def test_an_empty_cell_is_no_date() -> None:
    assert cell_date(None) is None
    assert cell_date("  ") is None
