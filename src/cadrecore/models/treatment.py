"""Treatment standards and grants: where several standards apply, the higher one is granted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, NamedTuple, Self

from pydantic import Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .cadres import Cadre, RetirementKind
from .common import Date, Name, Record, RecordId

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class TreatmentStandard(Record):
    """A standard for one treatment item (a yearly allowance, a health check), for whom it holds.

    Empty ``applies_to_*`` fields mean "everyone"; several standards can apply to one cadre,
    and then the higher amount is due (待遇就高不就低).
    """

    id: RecordId
    name: Name
    treatment_item: Annotated[str, Field(min_length=1)]
    amount_yuan: Money
    applies_to_retirement_kind: RetirementKind | None = None
    applies_to_rank: str = ""
    applies_to_unit_id: RecordId | None = None
    effective_from: Date
    effective_to: Date | None = None
    source: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.effective_to and self.effective_to < self.effective_from:
            raise BilingualValueError(
                Text("截止日期早于起始日期", "effective_to is before effective_from"), "dates.order"
            )
        return self

    def applies_to(self, cadre: Cadre | StandardTerms, day: date) -> bool:
        """Whether this standard holds for ``cadre`` on ``day``."""
        if day < self.effective_from or (self.effective_to and day > self.effective_to):
            return False
        if (
            self.applies_to_retirement_kind
            and cadre.retirement_kind is not self.applies_to_retirement_kind
        ):
            return False
        if self.applies_to_rank and cadre.former_rank != self.applies_to_rank:
            return False
        return not (self.applies_to_unit_id and cadre.county_id != self.applies_to_unit_id)


class StandardTerms(NamedTuple):
    """What :meth:`TreatmentStandard.applies_to` looks at of a cadre, read by columns: it
    stands in for the cadre record (an attribute it lacks would fail loudly, not judge
    differently)."""

    retirement_kind: RetirementKind
    former_rank: str
    county_id: str


class TreatmentGrant(Record):
    """What a cadre was granted for one treatment item in a year, and under which standard."""

    id: RecordId
    cadre_id: RecordId
    treatment_item: Annotated[str, Field(min_length=1)]
    year: Annotated[int, Field(ge=1949, le=2200)]
    standard_id: RecordId
    amount_yuan: Money
