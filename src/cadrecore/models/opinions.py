"""Opinions and suggestions (意见建议) raised by veteran cadres, and how each was answered."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, Record, RecordId


class Opinion(Record):
    """An opinion or suggestion, where it was raised, who handles it and the answer.

    ``raised_at_id`` is the activity (usually the yearly briefing) where it was raised.
    """

    id: RecordId
    raised: Date
    raised_at_id: RecordId | None = None
    raised_by: str = ""
    content: Annotated[str, Field(min_length=1)]  # empty in a CSV cell reads as missing
    category: str = ""
    assigned_unit_id: RecordId
    answered: Date | None = None
    answer: str = ""
    satisfied: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.answered and self.answered < self.raised:
            raise BilingualValueError(
                Text("答复日期早于提出日期", "answered is before raised"), "dates.order"
            )
        if self.answered and not self.answer:
            raise BilingualValueError(
                Text("填写了答复日期，但答复内容为空", "answered is set but the answer is empty"),
                "value.needs_other",
            )
        if self.satisfied is not None and not self.answered:
            raise BilingualValueError(
                Text(
                    "填写了是否满意，但意见尚未答复",
                    "satisfied is set but the opinion is not answered",
                ),
                "value.needs_other",
            )
        return self
