"""China's working days: cadrecore's answers are the ``holidays`` package's, day for day, whether
the days off come from a fresh computation or from the file kept in the cache folder; and with
that file, a check does not import ``holidays`` (its 250 country modules) at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrecore import calendar
from cadrecore.calendar import add_working_days, is_working_day, working_days_between

CHINA = holidays.country_holidays("CN")
DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A calendar that has read nothing yet, its cache in an empty folder (returned)."""
    monkeypatch.setenv("CADRECORE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(calendar, "_CHINA", calendar._ChinaCalendar())
    return tmp_path


def test_every_day_of_twenty_years_is_judged_as_holidays_judges_it(fresh: Path) -> None:
    day, last = date(2010, 1, 1), date(2030, 12, 31)
    while day <= last:
        assert is_working_day(day) == CHINA.is_working_day(day), day
        day += timedelta(days=1)
    # the adjusted days are there: the Saturday worked before the Spring Festival of 2022
    assert is_working_day(date(2022, 1, 29)) and not is_working_day(date(2022, 2, 1))


@settings(max_examples=200, deadline=None)
@given(start=DAYS, count=st.integers(0, 40), span=st.integers(-5, 400))
def test_deadlines_and_counts_are_the_packages(start: date, count: int, span: int) -> None:
    expected = start if count == 0 else CHINA.get_nth_working_day(start, count)
    assert add_working_days(start, count) == expected
    end = start + timedelta(days=span)
    counted = 0 if end <= start else CHINA.get_working_days_count(start + timedelta(days=1), end)
    assert working_days_between(start, end) == counted


def test_the_days_off_are_kept_for_that_version_of_holidays(fresh: Path) -> None:
    assert not is_working_day(date(2024, 10, 1))  # National Day
    (kept,) = fresh.glob("china-days-off-*.json")
    assert holidays.__version__ in kept.name
    years = json.loads(kept.read_text("utf-8"))
    assert "2024-10-01" in years["2024"] and "2024-10-08" not in years["2024"]
    # a fresh process reads them from there and never imports holidays
    code = (
        "import sys\nfrom datetime import date\n"
        "from cadrecore.calendar import add_working_days, is_working_day\n"
        "print(is_working_day(date(2024, 10, 1)), add_working_days(date(2024, 9, 30), 1))\n"
        "print('holidays' in sys.modules)\n"
    )
    # (the cadrecore this test imported, not whichever is installed: under mutation testing,
    # the mutated copy)
    here = str(Path(calendar.__file__).resolve().parents[1])
    env = {**os.environ, "CADRECORE_CACHE_DIR": str(fresh), "PYTHONPATH": here}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == [
        "False",
        str(CHINA.get_nth_working_day(date(2024, 9, 30), 1)),
        "False",
    ]


def test_a_year_not_kept_is_worked_out_and_added(fresh: Path) -> None:
    assert is_working_day(date(2024, 10, 8))
    calendar._CHINA = calendar._ChinaCalendar()  # (a new process: the file has 2014-2034)
    assert not is_working_day(date(2050, 1, 1))  # worked out from holidays, then kept
    (kept,) = fresh.glob("china-days-off-*.json")
    years = json.loads(kept.read_text("utf-8"))
    assert {"2024", "2050"} <= years.keys()


@pytest.mark.parametrize("content", ["not json", '{"2024": [1, 2]}', '["2024"]', ""])
def test_a_damaged_file_is_ignored_and_written_again(fresh: Path, content: str) -> None:
    is_working_day(date(2024, 1, 2))
    (kept,) = fresh.glob("china-days-off-*.json")
    kept.write_text(content, "utf-8")
    calendar._CHINA = calendar._ChinaCalendar()
    assert not is_working_day(date(2024, 10, 1))
    assert is_working_day(date(2024, 9, 29))  # a Sunday worked instead (调休)
    assert "2024" in json.loads(kept.read_text("utf-8"))


def test_without_a_cache_folder_the_days_are_worked_out_each_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # (where the cache would go, else)
    monkeypatch.setenv("CADRECORE_CACHE_DIR", "off")
    monkeypatch.setattr(calendar, "_CHINA", calendar._ChinaCalendar())
    assert not is_working_day(date(2024, 10, 1))
    assert list(tmp_path.iterdir()) == []
    # (and the same day with the setting cleared is kept there: the test above can fail)
    monkeypatch.delenv("CADRECORE_CACHE_DIR")
    monkeypatch.setattr(calendar, "_CHINA", calendar._ChinaCalendar())
    assert not is_working_day(date(2024, 10, 1))
    assert list(tmp_path.rglob("china-days-off-*.json"))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(1, 1, 2), True),  # a Tuesday of the first year a date can hold
        (date(1, 1, 6), False),  # a Saturday
        (date(9999, 12, 29), True),  # a Wednesday of the last
        (date(9999, 12, 25), False),  # a Saturday
    ],
)
def test_the_first_and_last_years_a_date_can_hold(fresh: Path, day: date, working: bool) -> None:
    """The years worked out around the one asked for stop at year 1 and year 9999 and never
    leave out the year asked for."""
    assert is_working_day(day) is working
    kept = json.loads(next(fresh.glob("china-days-off-*.json")).read_text("utf-8"))
    assert str(day.year) in kept


def test_a_year_worked_out_once_is_not_worked_out_again(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The class's promise: a year's days off are worked out once (holidays is asked once)."""
    assert not is_working_day(date(2024, 10, 1))

    def asked_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("holidays asked again for a year already worked out")

    monkeypatch.setattr(holidays, "country_holidays", asked_again)
    assert not is_working_day(date(2024, 10, 2))
    assert is_working_day(date(2024, 10, 8))
