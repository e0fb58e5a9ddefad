"""Opinions and suggestions (意见建议) raised by veteran cadres, and how each was answered."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

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
            raise ValueError("answered is before raised")
        if self.answered and not self.answer:
            raise ValueError("answered is set but the answer is empty")
        if self.satisfied is not None and not self.answered:
            raise ValueError("satisfied is set but the opinion is not answered")
        return self
