"""Periods of time the rules and reports speak of: a year, a quarter, a month, a span of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("quarter is 1 to 4")
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, start + relativedelta(months=3) - timedelta(days=1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
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
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"
