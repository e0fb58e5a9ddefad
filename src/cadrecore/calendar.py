"""Periods of time the rules and reports speak of: a year, a quarter, a month, a span of days."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A closed span of days ``[start, end]``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year``, 1 January to 31 December."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Quarter ``quarter`` (1 to 4) of ``year``: the span a quarterly obligation (a branch's
        general meeting in 三会一课) falls in."""
        if not 1 <= quarter <= 4:
            raise ValueError("quarter is 1 to 4")
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, start + relativedelta(months=3) - timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """Month ``month`` of ``year``, its first day to its last."""
        start = date(year, month, 1)
        return cls(start, start + relativedelta(months=1) - timedelta(days=1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def clip(self, last: date) -> Period | None:
        """The part of this period up to ``last``; None when the period starts after it."""
        if last < self.start:
            return None
        return Period(self.start, min(self.end, last))

    @property
    def days(self) -> int:
        """How many days the period holds, both ends counted."""
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


# ---------------------------------------------------------------------------------------------
# Recurrence: the periods a recurring obligation falls in
# ---------------------------------------------------------------------------------------------

FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")
_MONTHS_PER = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@lru_cache(maxsize=4096)
def periods_in(frequency: str, within: Period) -> tuple[Period, ...]:
    """The calendar periods of ``frequency`` (monthly, quarterly, ...) that overlap ``within``.

    Each period is cut to ``within``: a branch formed on 15 May has a May that starts then.
    Cached: every branch of a year asks for the same periods.
    """
    from dateutil.rrule import MONTHLY, rrule

    if frequency not in _MONTHS_PER:
        raise ValueError(
            f"unknown frequency {frequency!r}; expected one of {', '.join(FREQUENCIES)}"
        )
    step = _MONTHS_PER[frequency]
    first_month = ((within.start.month - 1) // step) * step + 1
    anchor = date(within.start.year, first_month, 1)
    result = []
    for start in rrule(MONTHLY, interval=step, dtstart=anchor, until=within.end):
        day = start.date()
        period = Period(day, day + relativedelta(months=step) - timedelta(days=1))
        cut = Period(max(period.start, within.start), min(period.end, within.end))
        result.append(cut)
    return tuple(result)


def period_label(period: Period, frequency: str) -> str:
    """A short stable label: ``2022``, ``2022-Q3``, ``2022-H1``, ``2022-07``."""
    year = period.start.year
    if frequency == "yearly":
        return str(year)
    if frequency == "quarterly":
        return f"{year}-Q{(period.start.month - 1) // 3 + 1}"
    if frequency == "half_yearly":
        return f"{year}-H{(period.start.month - 1) // 6 + 1}"
    return f"{year}-{period.start.month:02d}"


# ---------------------------------------------------------------------------------------------
# Working days: China's public holidays and adjusted working days (调休), from `holidays`
# ---------------------------------------------------------------------------------------------


class _ChinaCalendar:
    """China's days off, year by year, as the ``holidays`` package gives them (weekends,
    public holidays, and the weekend days worked instead: 调休), kept in a small file in
    cadrecore's cache folder (``$CADRECORE_CACHE_DIR``, see :mod:`cadrecore.plugin_cache`)
    for that version of ``holidays``.

    ``holidays`` imports every country it knows (some 250 modules, about 0.25 s) to give one:
    a third of the time of checking a city's ledger. So the days off of the years asked for
    are worked out once, with ``holidays.country_holidays("CN").is_working_day`` for each day,
    and read from the file after that. A file that cannot be read or written is ignored.
    """

    #: Years worked out around a year asked for, once ``holidays`` is imported anyway.
    AROUND = 10

    def __init__(self) -> None:
        self._off: dict[int, frozenset[date]] = {}
        self._path: str | None = None
        self._read = False

    def _cache_path(self) -> str | None:
        from importlib.metadata import PackageNotFoundError, version

        from .plugin_cache import cache_dir

        folder = cache_dir()
        if folder is None:
            return None
        try:
            installed = version("holidays")
        except PackageNotFoundError:
            return None
        return os.path.join(folder, f"china-days-off-v1-holidays-{installed}.json")

    def _read_cache(self) -> None:
        self._read = True
        self._path = self._cache_path()
        if self._path is None:
            return
        try:
            with open(self._path, encoding="utf-8") as file:
                data = json.load(file)
            self._off.update(
                {int(year): frozenset(map(date.fromisoformat, days)) for year, days in data.items()}
            )
        except Exception:  # none yet, unreadable or corrupt: worked out afresh
            self._off.clear()

    def off(self, year: int) -> frozenset[date]:
        """The days of ``year`` that are not working days."""
        found = self._off.get(year)
        if found is not None:
            return found
        if not self._read:
            self._read_cache()
            found = self._off.get(year)
            if found is not None:
                return found
        import holidays

        china = holidays.country_holidays("CN")
        for each in range(max(1, year - self.AROUND), min(9999, year + self.AROUND) + 1):
            if each not in self._off:
                first = date(each, 1, 1)
                days = (date(each, 12, 31) - first).days + 1
                self._off[each] = frozenset(
                    day
                    for day in (first + timedelta(days=n) for n in range(days))
                    if not china.is_working_day(day)
                )
        if self._path is not None:
            from .plugin_cache import write_json

            write_json(
                self._path,
                {str(y): sorted(d.isoformat() for d in days) for y, days in self._off.items()},
            )
        return self._off[year]

    def is_working_day(self, day: date) -> bool:
        return day not in self.off(day.year)


_CHINA = _ChinaCalendar()


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in mainland China, adjusted weekend workdays included."""
    return _CHINA.is_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (deadlines "within N working days")."""
    if count == 0:
        return day
    # (as holidays' get_nth_working_day: step a day at a time, count the working ones)
    step = timedelta(days=1 if count > 0 else -1)
    for _ in range(abs(count)):
        day += step
        while not _CHINA.is_working_day(day):
            day += step
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    first = start + timedelta(days=1)
    return sum(
        1 for n in range((end - first).days + 1) if _CHINA.is_working_day(first + timedelta(days=n))
    )
