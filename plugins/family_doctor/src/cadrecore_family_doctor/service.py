"""The contract service type: its details (doctor, span, visits) and its lifecycle."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from cadrecore import BilingualValueError, ServiceType, Text
from cadrecore.models import Date, ServiceState, split_cell
from cadrecore.plugins import qualified_key
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline

from .parameters import ACCEPT_WITHIN_WORKING_DAYS

NAMESPACE = "family_doctor"
"""The plugin's name, said once (its entry point's too): the host registers its keys as
``family_doctor.<key>`` and its rules as ``family_doctor::<key>``."""

DEPARTMENT = Text("市委老干部局", "city veteran cadre bureau")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


def _in_order(visits: tuple[date, ...]) -> tuple[date, ...]:
    if len(set(visits)) != len(visits):
        raise BilingualValueError(
            Text("随访日期重复", "visits lists the same date twice"), "family_doctor.visit_twice"
        )
    return tuple(sorted(visits))


Visits = Annotated[tuple[Date, ...], BeforeValidator(split_cell), AfterValidator(_in_order)]


class ContractDetails(BaseModel):
    """What a contract record carries beyond the common service columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doctor: Name = Field(validation_alias=AliasChoices("doctor", "签约医生"))
    clinic: Name = Field(validation_alias=AliasChoices("clinic", "医疗机构"))
    contract_start: Date = Field(validation_alias=AliasChoices("contract_start", "签约起始日期"))
    contract_end: Date = Field(validation_alias=AliasChoices("contract_end", "签约截止日期"))
    visit_every_months: int = Field(
        ge=1, le=12, validation_alias=AliasChoices("visit_every_months", "随访间隔月数")
    )
    visits: Visits = Field(default=(), validation_alias=AliasChoices("visits", "随访日期"))

    @model_validator(mode="after")
    def _within_contract(self) -> Self:
        if self.contract_end <= self.contract_start:
            raise BilingualValueError(
                Text(
                    f"签约截止日期（{self.contract_end}）须晚于起始日期（{self.contract_start}）",
                    f"contract_end ({self.contract_end}) must be after contract_start "
                    f"({self.contract_start})",
                ),
                "dates.order",
            )
        outside = [v for v in self.visits if not self.contract_start <= v <= self.contract_end]
        if outside:
            shown = ", ".join(v.isoformat() for v in outside)
            raise BilingualValueError(
                Text(
                    f"随访日期 {shown} 不在签约期 {self.contract_start}至{self.contract_end} 内",
                    f"visits {shown} fall outside the contract {self.contract_start}..."
                    f"{self.contract_end}",
                ),
                "family_doctor.visit_outside_contract",
            )
        return self

    def in_force_on(self, day: date) -> bool:
        """Whether ``day`` falls within the contract's span (its record must be signed too)."""
        return self.contract_start <= day <= self.contract_end


#: requested → accepted → scheduled (an appointment to sign) → delivered (signed: in force)
#: → rated; a request is accepted within a deadline in working days (a parameter).
LIFECYCLE = DEFAULT_LIFECYCLE.with_deadlines(
    Deadline(
        ServiceState.REQUESTED,
        ACCEPT_WITHIN_WORKING_DAYS,
        Text("签约申请受理时限", "contract request acceptance deadline"),
    )
)

CONTRACT = ServiceType(
    key="contract",
    label=Text("家庭医生签约", "family-doctor contract"),
    description=Text(
        "关爱行动·健康进百家：离退休干部与家庭医生签约，按约定间隔上门随访",
        "care action: a retiree's contract with a family doctor, who visits at a fixed interval",
    ),
    department=DEPARTMENT,
    details=ContractDetails,
    lifecycle=LIFECYCLE,
)

#: The key of CONTRACT as registered, what records and ledger folders hold (``family_doctor.contract``).
CONTRACT_KEY = qualified_key(CONTRACT.key, NAMESPACE)
