"""The importer's value parsing at its edges (io/dates.py, io/cells.py), the expected values
written by hand from the modules' documentation:

- a number in a date column is an Excel serial day from 1 (1900-01-01) to 2958465
  (9999-12-31, the largest Excel shows as a date); ``1950.01`` to ``1950.12`` typed as numbers
  are months (``1950.1`` is refused: January or October); a year alone is refused;
- a cell quoted in a message is cut to 12 characters (11 and an ellipsis);
- yes/no cells are written ``true``/``false`` and read in either language, in any case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cadrecore.i18n import Text
from cadrecore.io.cells import normalize_bool_cell, to_cell
from cadrecore.io.dates import MAX_SERIAL, SHORT, CellError, cell_date, is_month_only, short

# --- serial numbers: 1 to 2958465 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (1, date(1900, 1, 1)),  # the first serial day
        (2958465, date(9999, 12, 31)),  # the last (MAX_SERIAL)
        (19501, date(1953, 5, 22)),  # 18323 is 1950-03-01; 1,178 days later
        (Decimal(18323), date(1950, 3, 1)),
    ],
)
def test_serial_days_from_the_first_to_the_last(value: object, day: date) -> None:
    assert cell_date(value) == day
    assert MAX_SERIAL == 2958465


@pytest.mark.parametrize("value", [0.5, 2958466, 2958465.5])
def test_no_serial_day_outside_them(value: float) -> None:
    with pytest.raises(CellError) as caught:
        cell_date(value)
    assert caught.value.code == "date.unreadable"
    assert caught.value.message.en == (f"{value} is not an Excel date serial number (1 to 2958465)")


# --- months typed as numbers: 1950.01 to 1950.12 ------------------------------------------------


@pytest.mark.parametrize(
    ("number", "day"),
    [(1950.01, date(1950, 1, 1)), (1950.02, date(1950, 2, 1)), (1950.12, date(1950, 12, 1))],
)
def test_the_months_typed_as_numbers(number: float, day: date) -> None:
    assert cell_date(number) == day
    assert is_month_only(number)


@pytest.mark.parametrize("number", [1950.13, 1950.001, 1950.99])
def test_no_thirteenth_month_and_no_three_decimals(number: float) -> None:
    with pytest.raises(CellError) as caught:
        cell_date(number)
    assert caught.value.message == Text(
        f"无法识别的日期 {number}，请写作 1950-03-01、1950.3.1、1950年3月1日、1950.03、1950年3月",
        f"cannot read a date from {number}; write 1950-03-01 or 1950.03",
    )


def test_a_year_alone_says_so() -> None:
    for value in (1950, 1950.0, "1950", "１９５０"):
        with pytest.raises(CellError) as caught:
            cell_date(value)
        assert caught.value.message == Text(
            "只有年份 1950，没有月日",
            "1950 is only a year; give the month too (1950.03) or the day (1950-03-01)",
        ), value


# --- text -------------------------------------------------------------------------------------


def test_a_full_width_timestamp_is_read_as_its_day() -> None:
    assert cell_date("１９５０－０３－０１ ００：００：００") == date(1950, 3, 1)


@pytest.mark.parametrize("text", ["1950年", "三月一日", "1950年3月1日下午"])
def test_text_of_four_or_five_characters_is_not_a_serial_or_a_year(text: str) -> None:
    """Only digits are a serial (five) or a year (four)."""
    with pytest.raises(CellError) as caught:
        cell_date(text)
    assert caught.value.code == "date.unreadable"
    assert caught.value.message.zh == (
        f"无法识别的日期“{short(text)}”，请写作 1950-03-01、1950.3.1、1950年3月1日、1950.03、1950年3月"
    )
    assert caught.value.message.en.startswith(f"cannot read a date from {short(text)!r}; write")


def test_what_a_date_of_no_such_day_says() -> None:
    with pytest.raises(CellError) as caught:
        cell_date("1950-02-30")
    assert caught.value.message.zh.startswith("日期无效 1950-02-30：")
    assert caught.value.message.en.startswith("no such date 1950-02-30: ")


def test_a_yes_or_no_cell_is_no_date() -> None:
    with pytest.raises(CellError) as caught:
        cell_date(False)
    assert (caught.value.code, caught.value.message) == (
        "date.unreadable",
        Text("不是日期：False", "not a date: False"),
    )


def test_a_cell_error_reads_as_its_english_and_has_a_code() -> None:
    error = CellError(Text("错", "wrong"))
    assert (str(error), error.code, error.message) == ("wrong", "cell.invalid", Text("错", "wrong"))
    assert CellError(Text("错", "wrong"), "value.not_understood").code == "value.not_understood"


# --- what a message quotes: at most 12 characters -------------------------------------------------


def test_a_quoted_cell_is_cut_after_eleven_characters() -> None:
    assert SHORT == 12
    assert short("123456789012") == "123456789012"  # 12: whole
    assert short("1234567890123") == "12345678901…"  # 13: 11 and an ellipsis
    assert short(1950.5) == "1950.5"
    with pytest.raises(CellError) as caught:
        cell_date("1950年3月1日下午三点整")
    assert "“1950年3月1日下午…”" in caught.value.message.zh  # (11: 1950年3月1日下午)


# --- month-only cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "month_only"),
    [
        (date(1950, 3, 1), False),
        (None, False),
        (True, False),
        (195003, True),  # six digits, a year of 1900-2100 first
        (195003.0, True),
        (250003, False),  # no such year
        (19500301, False),  # a day
        (1950.5, True),  # 1950.5: May 1950
        (3000.5, False),
        ("1950.03", True),
        ("1950-3", True),
        ("1950年3月", True),
        ("195003", True),
        (" １９５０．０３ ", True),
        ("1950-03-01", False),
        ("19500301", False),
        ("三月", False),
    ],
)
def test_which_cells_give_only_a_month(value: object, month_only: bool) -> None:
    assert is_month_only(value) is month_only


# --- yes/no cells -------------------------------------------------------------------------------


def test_yes_and_no_are_written_true_and_false() -> None:
    assert (to_cell(True), to_cell(False)) == ("true", "false")
    assert to_cell(None) == ""
    assert to_cell(["书法", "绘画"]) == "书法;绘画"
    assert to_cell([True, 2]) == "true;2"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        (" Yes ", True),
        ("y", True),
        ("是", True),
        ("√", True),
        ("false", False),
        ("NO", False),
        ("否", False),
        ("×", False),
        ("也许", "也许"),  # left to validation
    ],
)
def test_yes_and_no_are_read_in_either_language_and_any_case(text: str, value: object) -> None:
    assert normalize_bool_cell(text) == value
