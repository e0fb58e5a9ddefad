"""The calendar's edges, with the expected values written out by hand (never worked out with the
functions tested): a period holds both its ends, a quarter starts in month 1, 4, 7 or 10, a
half-year in month 1 or 7, a period cut to a span keeps its label.

REGULATIONS.md, "Organizational life": a general meeting once a quarter, a committee meeting and
a themed party day once a month, an organizational life meeting once a year. The periods below
are the calendar's quarters, months and years those obligations fall in.
"""

from __future__ import annotations

from datetime import date

import pytest

from cadrecore.calendar import (
    FREQUENCIES,
    Period,
    add_working_days,
    period_label,
    periods_in,
    working_days_between,
)

# --- Period ----------------------------------------------------------------------------------


def test_a_period_holds_both_its_ends_and_nothing_outside() -> None:
    q2 = Period(date(2022, 4, 1), date(2022, 6, 30))
    assert date(2022, 4, 1) in q2  # the first day
    assert date(2022, 6, 30) in q2  # the last day
    assert date(2022, 5, 15) in q2
    assert date(2022, 3, 31) not in q2  # the day before
    assert date(2022, 7, 1) not in q2  # the day after
    assert "2022-05-15" not in q2  # only dates are in a period


def test_a_period_of_one_day_and_one_that_ends_before_it_starts() -> None:
    one = Period(date(2022, 1, 1), date(2022, 1, 1))
    assert one.days == 1 and date(2022, 1, 1) in one
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2022, 1, 2), date(2022, 1, 1))


@pytest.mark.parametrize(("year", "days"), [(2022, 365), (2024, 366), (2100, 365), (2000, 366)])
def test_the_year(year: int, days: int) -> None:
    whole = Period.year(year)
    assert (whole.start, whole.end) == (date(year, 1, 1), date(year, 12, 31))
    assert whole.days == days
    assert str(whole) == str(year)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2022, 1, 1), date(2022, 3, 31)),
        (2, date(2022, 4, 1), date(2022, 6, 30)),
        (3, date(2022, 7, 1), date(2022, 9, 30)),
        (4, date(2022, 10, 1), date(2022, 12, 31)),
    ],
)
def test_the_four_quarters(quarter: int, start: date, end: date) -> None:
    assert Period.quarter(2022, quarter) == Period(start, end)


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_there_is_no_fifth_quarter(quarter: int) -> None:
    with pytest.raises(ValueError, match=r"^quarter is 1 to 4$"):
        Period.quarter(2022, quarter)


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [
        (2022, 1, date(2022, 1, 31)),
        (2022, 2, date(2022, 2, 28)),
        (2024, 2, date(2024, 2, 29)),
        (2022, 4, date(2022, 4, 30)),
        (2022, 12, date(2022, 12, 31)),
    ],
)
def test_a_month_ends_on_its_last_day(year: int, month: int, last: date) -> None:
    assert Period.month(year, month) == Period(date(year, month, 1), last)


def test_the_days_of_a_period_count_both_ends() -> None:
    assert Period(date(2022, 3, 1), date(2022, 3, 2)).days == 2
    assert Period.quarter(2022, 1).days == 90  # 31 + 28 + 31
    assert Period.quarter(2024, 1).days == 91  # 31 + 29 + 31


def test_clip_keeps_the_part_up_to_a_day() -> None:
    q3 = Period(date(2022, 7, 1), date(2022, 9, 30))
    assert q3.clip(date(2022, 8, 15)) == Period(date(2022, 7, 1), date(2022, 8, 15))
    assert q3.clip(date(2022, 7, 1)) == Period(date(2022, 7, 1), date(2022, 7, 1))  # its first day
    assert q3.clip(date(2022, 6, 30)) is None  # the day before it starts
    assert q3.clip(date(2022, 9, 30)) == q3  # its last day: whole
    assert q3.clip(date(2022, 10, 1)) == q3  # after: whole


def test_a_period_prints_as_a_year_only_when_it_is_one() -> None:
    assert str(Period(date(2022, 1, 1), date(2022, 12, 31))) == "2022"
    assert str(Period(date(2022, 1, 2), date(2022, 12, 31))) == "2022-01-02..2022-12-31"
    assert str(Period(date(2022, 2, 1), date(2022, 12, 31))) == "2022-02-01..2022-12-31"
    assert str(Period(date(2022, 1, 1), date(2022, 12, 30))) == "2022-01-01..2022-12-30"
    assert str(Period(date(2022, 1, 1), date(2023, 12, 31))) == "2022-01-01..2023-12-31"


def test_periods_are_ordered_by_start_then_end() -> None:
    early = Period(date(2022, 1, 1), date(2022, 3, 31))
    late = Period(date(2022, 4, 1), date(2022, 6, 30))
    shorter = Period(date(2022, 1, 1), date(2022, 1, 31))
    assert sorted([late, early, shorter]) == [shorter, early, late]


# --- periods_in ------------------------------------------------------------------------------


def _p(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def test_the_frequencies_known() -> None:
    assert FREQUENCIES == ("monthly", "quarterly", "half_yearly", "yearly")
    with pytest.raises(ValueError, match="unknown frequency 'weekly'"):
        periods_in("weekly", Period.year(2022))


def test_the_quarters_of_a_whole_year() -> None:
    assert periods_in("quarterly", Period.year(2022)) == (
        _p("2022-01-01", "2022-03-31"),
        _p("2022-04-01", "2022-06-30"),
        _p("2022-07-01", "2022-09-30"),
        _p("2022-10-01", "2022-12-31"),
    )


def test_the_half_years_and_the_year_of_a_whole_year() -> None:
    assert periods_in("half_yearly", Period.year(2022)) == (
        _p("2022-01-01", "2022-06-30"),
        _p("2022-07-01", "2022-12-31"),
    )
    assert periods_in("yearly", Period.year(2022)) == (_p("2022-01-01", "2022-12-31"),)


def test_the_months_of_a_leap_year() -> None:
    months = periods_in("monthly", Period.year(2024))
    assert len(months) == 12
    assert months[0] == _p("2024-01-01", "2024-01-31")
    assert months[1] == _p("2024-02-01", "2024-02-29")
    assert months[2] == _p("2024-03-01", "2024-03-31")
    assert months[11] == _p("2024-12-01", "2024-12-31")


def test_a_span_starting_mid_quarter_cuts_the_first_quarter() -> None:
    """A branch formed on 15 May owes the second quarter from then: the quarter is cut, and the
    periods still begin where the calendar's do (1 July, 1 October)."""
    within = _p("2022-05-15", "2022-12-31")
    assert periods_in("quarterly", within) == (
        _p("2022-05-15", "2022-06-30"),
        _p("2022-07-01", "2022-09-30"),
        _p("2022-10-01", "2022-12-31"),
    )
    assert periods_in("half_yearly", within) == (
        _p("2022-05-15", "2022-06-30"),
        _p("2022-07-01", "2022-12-31"),
    )
    assert periods_in("monthly", within)[:2] == (
        _p("2022-05-15", "2022-05-31"),
        _p("2022-06-01", "2022-06-30"),
    )
    assert periods_in("yearly", within) == (within,)


@pytest.mark.parametrize(
    ("start", "first"),
    [
        ("2022-03-31", _p("2022-03-31", "2022-03-31")),  # the last day of Q1: Q1 still owed
        ("2022-04-01", _p("2022-04-01", "2022-06-30")),  # the first day of Q2: Q2 whole
        ("2022-04-02", _p("2022-04-02", "2022-06-30")),
        ("2022-06-30", _p("2022-06-30", "2022-06-30")),
        ("2022-07-01", _p("2022-07-01", "2022-09-30")),
        ("2022-10-01", _p("2022-10-01", "2022-12-31")),
        ("2022-12-31", _p("2022-12-31", "2022-12-31")),
    ],
)
def test_the_first_quarter_of_a_span_at_each_edge(start: str, first: Period) -> None:
    quarters = periods_in("quarterly", _p(start, "2022-12-31"))
    assert quarters[0] == first
    assert quarters[-1].end == date(2022, 12, 31)


def test_a_span_ending_mid_period_cuts_the_last() -> None:
    assert periods_in("quarterly", _p("2022-01-01", "2022-08-15")) == (
        _p("2022-01-01", "2022-03-31"),
        _p("2022-04-01", "2022-06-30"),
        _p("2022-07-01", "2022-08-15"),
    )
    # a span ending on the first day of a quarter has that quarter, one day of it
    assert periods_in("quarterly", _p("2022-01-01", "2022-04-01"))[-1] == _p(
        "2022-04-01", "2022-04-01"
    )
    # and one ending the day before has not
    assert periods_in("quarterly", _p("2022-01-01", "2022-03-31")) == (
        _p("2022-01-01", "2022-03-31"),
    )


def test_a_span_across_two_years() -> None:
    assert periods_in("half_yearly", _p("2022-11-01", "2023-08-31")) == (
        _p("2022-11-01", "2022-12-31"),
        _p("2023-01-01", "2023-06-30"),
        _p("2023-07-01", "2023-08-31"),
    )
    assert periods_in("yearly", _p("2022-11-01", "2023-02-28")) == (
        _p("2022-11-01", "2022-12-31"),
        _p("2023-01-01", "2023-02-28"),
    )


def test_a_span_of_one_day() -> None:
    day = _p("2022-08-08", "2022-08-08")
    for frequency in FREQUENCIES:
        assert periods_in(frequency, day) == (day,)


# --- period_label ----------------------------------------------------------------------------

#: Each month's quarter and half-year, written out.
QUARTER_OF = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 3, 8: 3, 9: 3, 10: 4, 11: 4, 12: 4}
HALF_OF = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 2, 11: 2, 12: 2}


@pytest.mark.parametrize("month", range(1, 13))
def test_the_label_of_a_period_starting_in_each_month(month: int) -> None:
    period = Period(date(2022, month, 1), date(2022, month, 28))
    assert period_label(period, "quarterly") == f"2022-Q{QUARTER_OF[month]}"
    assert period_label(period, "half_yearly") == f"2022-H{HALF_OF[month]}"
    assert period_label(period, "monthly") == f"2022-{month:02d}"
    assert period_label(period, "yearly") == "2022"


def test_labels_written_out() -> None:
    assert period_label(_p("2022-03-31", "2022-03-31"), "quarterly") == "2022-Q1"
    assert period_label(_p("2022-04-01", "2022-06-30"), "quarterly") == "2022-Q2"
    assert period_label(_p("2022-06-30", "2022-06-30"), "half_yearly") == "2022-H1"
    assert period_label(_p("2022-07-01", "2022-12-31"), "half_yearly") == "2022-H2"
    assert period_label(_p("2022-10-01", "2022-12-31"), "quarterly") == "2022-Q4"
    assert period_label(_p("2022-09-01", "2022-09-30"), "monthly") == "2022-09"
    assert period_label(_p("2022-11-01", "2022-11-30"), "monthly") == "2022-11"
    assert period_label(_p("2023-05-15", "2023-06-30"), "yearly") == "2023"


def test_labels_of_a_cut_span_are_the_calendar_periods() -> None:
    labels = [
        period_label(p, "quarterly")
        for p in periods_in("quarterly", _p("2022-05-15", "2022-12-31"))
    ]
    assert labels == ["2022-Q2", "2022-Q3", "2022-Q4"]


# --- working days backwards ------------------------------------------------------------------


def test_working_days_counted_backwards() -> None:
    """National Day 2022: 1-7 October off, Saturday 8 and Sunday 9 October worked instead (调休,
    the State Council's notice for 2022)."""
    assert add_working_days(date(2022, 10, 10), -1) == date(2022, 10, 9)  # a Sunday worked
    assert add_working_days(date(2022, 10, 8), -1) == date(2022, 9, 30)  # over the holiday
    assert add_working_days(date(2022, 10, 8), -2) == date(2022, 9, 29)
    assert add_working_days(date(2022, 10, 8), 0) == date(2022, 10, 8)
    assert add_working_days(date(2022, 10, 1), 0) == date(2022, 10, 1)  # a day off, 0 days on
    assert add_working_days(date(2022, 9, 30), 1) == date(2022, 10, 8)
    assert working_days_between(date(2022, 9, 30), date(2022, 10, 8)) == 1
    assert working_days_between(date(2022, 10, 8), date(2022, 10, 8)) == 0
    assert working_days_between(date(2022, 10, 9), date(2022, 10, 8)) == 0
