"""Yearly checklists (the "six ones"), multi-year plans with yearly targets, and yearly themes."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import KeyOf, MonthDayField, Name, Record, RecordId

Year = Annotated[int, Field(ge=1949, le=2200)]


class ChecklistEntry(Record):
    """One item of a checklist, with the ledger's own due date and owner when they differ."""

    item: Annotated[str, KeyOf("checklist_items")]
    due: MonthDayField | None = None
    owner_unit_id: RecordId | None = None


class Checklist(Record):
    """A yearly checklist a unit runs (the city's "six ones"; a county may run its own).

    It holds from ``from_year`` to ``to_year`` (open-ended when empty); ``owner_unit_id`` is the
    unit whose activity records close its items, unless an entry names another.
    """

    id: RecordId
    name: Name
    owner_unit_id: RecordId
    from_year: Year
    to_year: Year | None = None
    items: tuple[ChecklistEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        keys = [entry.item for entry in self.items]
        if len(set(keys)) != len(keys):
            raise BilingualValueError(
                Text("同一事项列了两次", "a checklist lists the same item twice"), "value.repeated"
            )
        if self.to_year is not None and self.to_year < self.from_year:
            raise BilingualValueError(
                Text("截止年度早于起始年度", "to_year is before from_year"), "dates.order"
            )
        return self

    def holds_in(self, year: int) -> bool:
        """Whether the checklist is in force in ``year`` (from ``from_year``, to ``to_year`` if
        set)."""
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


class PlanTarget(Record):
    """A yearly target for one metric (``standardized_venues``: 10 a year).

    Without ``per_year`` the target is the parameter ``plan.target.<metric>`` in force, which a
    county may override for itself.
    """

    metric: Annotated[str, KeyOf("plan_metrics")]
    per_year: Annotated[int, Field(ge=0)] | None = None


class Plan(Record):
    """A multi-year plan (the three-year plan for retirees' party organizations, 3年规划)."""

    id: RecordId
    name: Name
    owner_unit_id: RecordId
    from_year: Year
    to_year: Year
    targets: tuple[PlanTarget, ...] = Field(min_length=1)
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.to_year < self.from_year:
            raise BilingualValueError(
                Text("截止年度早于起始年度", "to_year is before from_year"), "dates.order"
            )
        metrics = [t.metric for t in self.targets]
        if len(set(metrics)) != len(metrics):
            raise BilingualValueError(
                Text("同一指标设了两次", "a plan sets the same metric twice"), "value.repeated"
            )
        return self

    def covers(self, year: int) -> bool:
        """Whether ``year`` is one of the plan's years."""
        return self.from_year <= year <= self.to_year


class Theme(Record):
    """The year's theme of spiritual enrichment (一年一个主题), such as 人生设计."""

    id: RecordId
    year: Year
    title: Name
    owner_unit_id: RecordId
    note: str = ""
