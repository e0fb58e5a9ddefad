"""Records with which a ledger adjusts how it is judged: parameter overrides and waivers."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, JsonValue, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .common import Date, Record, RecordId


class ParameterOverride(Record):
    """A ledger's own value for a rule parameter from a date (a county's own target, say).

    ``unit_id`` limits it to that unit and the units below it; empty means the whole ledger.
    ``source`` says on what authority (a document number), and is shown in every report.
    """

    id: RecordId
    key: Annotated[str, Field(min_length=1, pattern=r"^[a-z][a-z0-9_.]*$")]
    value: JsonValue
    effective_from: Date
    unit_id: RecordId | None = None
    source: Annotated[str, Field(min_length=1)]


class Waiver(Record):
    """A named exemption from a rule for a subject and a span of time, with its reason.

    ``rule`` is a rule id (``builtin::org_life.general_meeting``) or a pattern with ``*``
    (``builtin::org_life.*``). A finding it covers is counted as waived, never dropped.
    """

    id: RecordId
    rule: Annotated[str, Field(min_length=1)]
    subject_kind: str = ""
    subject_id: str = ""
    effective_from: Date
    effective_to: Date | None = None
    reason: Annotated[str, Field(min_length=1)]
    approved_by: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.effective_to and self.effective_to < self.effective_from:
            raise BilingualValueError(
                Text("截止日期早于起始日期", "effective_to is before effective_from"), "dates.order"
            )
        if self.subject_id and not self.subject_kind:
            raise BilingualValueError(
                Text("填写了对象编号，须同时填写对象类别", "subject_id needs subject_kind"),
                "value.needs_other",
            )
        return self
