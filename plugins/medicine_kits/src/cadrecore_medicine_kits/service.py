"""The kit service type: its details (medicines and their expiry), eligibility, lifecycle."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_serializer,
    model_validator,
)

from cadrecore import BilingualValueError, ServiceType, Text
from cadrecore.models import Cadre, Date, ServiceState, split_cell
from cadrecore.plugins import qualified_key
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline

from .parameters import ACCEPT_WITHIN_WORKING_DAYS, DELIVER_WITHIN_WORKING_DAYS

NAMESPACE = "medicine_kits"
"""The plugin's name, said once (its entry point's too): the host registers its keys as
``medicine_kits.<key>`` and its rules as ``medicine_kits::<key>``."""

DEPARTMENT = Text("市煤炭局", "city coal bureau")

#: A cadre whose former unit contains this word retired from the coal system.
COAL_SYSTEM_MARK = "煤炭"

#: A medicine's name: no list separators and no colon, so that ``name:expiry`` items fit a cell,
#: and no control characters (a spreadsheet cannot hold them, and Python's ``str.strip`` and
#: pydantic's whitespace stripping disagree on some of them).
MedicineName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=40,
        pattern=r"^[^;；、,，|:：\x00-\x1f\x7f-\x9f]+$",
    ),
]


class Medicine(BaseModel):
    """One medicine in a kit and its expiry date.

    Written in a cell as ``name:expiry`` (``硝酸甘油:2023-05-31``) and a list of them as
    ``硝酸甘油:2023-05-31;速效救心丸:2024-01-31``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: MedicineName
    expires: Date

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            name, sep, expires = value.replace("：", ":").partition(":")
            if not sep:
                raise BilingualValueError(
                    Text(
                        "应写作“药名:有效期”，如“硝酸甘油:2023-05-31”",
                        "expected 'name:expiry date', such as 'nitroglycerin:2023-05-31'",
                    ),
                    "medicine_kits.medicine_form",
                )
            return {"name": name.strip(), "expires": expires.strip()}
        return value

    @model_serializer(mode="plain")
    def _to_text(self) -> str:
        return f"{self.name}:{self.expires.isoformat()}"

    def expired_on(self, day: date) -> bool:
        """Whether the medicine is past its expiry date on ``day`` (it may be used on that day)."""
        return day > self.expires

    def expires_within(self, day: date, days: int) -> bool:
        """Whether the medicine is still good on ``day`` but expires within ``days`` after it."""
        return not self.expired_on(day) and (self.expires - day).days <= days


Medicines = Annotated[tuple[Medicine, ...], BeforeValidator(split_cell)]
KitNo = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]{0,31}$")
]


class KitDetails(BaseModel):
    """What a kit record carries beyond the common service columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kit_no: KitNo = Field(validation_alias=AliasChoices("kit_no", "药箱编号"))
    medicines: Medicines = Field(min_length=1, validation_alias=AliasChoices("medicines", "药品"))
    last_checked: Date | None = Field(
        default=None, validation_alias=AliasChoices("last_checked", "最近检查日期")
    )

    @model_validator(mode="after")
    def _one_line_per_medicine(self) -> Self:
        names = [m.name for m in self.medicines]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise BilingualValueError(
                Text(
                    f"药品重复：{'、'.join(twice)}",
                    f"medicines lists {', '.join(twice)} more than once",
                ),
                "value.repeated",
            )
        return self

    def expired_on(self, day: date) -> tuple[Medicine, ...]:
        """The medicines past their expiry date on ``day``."""
        return tuple(m for m in self.medicines if m.expired_on(day))

    def expiring_within(self, day: date, days: int) -> tuple[Medicine, ...]:
        """The medicines still good on ``day`` that expire within ``days`` after it."""
        return tuple(m for m in self.medicines if m.expires_within(day, days))


def eligible(cadre: Cadre, day: date) -> bool:
    """Retirees of the coal system (former unit contains 煤炭), alive on ``day``."""
    return COAL_SYSTEM_MARK in cadre.former_unit and cadre.alive_on(day)


#: requested → accepted → delivered (handed over at home: no separate appointment) → rated;
#: deadlines in working days for accepting a request and for delivering an accepted kit.
LIFECYCLE = DEFAULT_LIFECYCLE.without(ServiceState.SCHEDULED).with_deadlines(
    Deadline(
        ServiceState.REQUESTED,
        ACCEPT_WITHIN_WORKING_DAYS,
        Text("药箱申请受理时限", "kit request acceptance deadline"),
    ),
    Deadline(
        ServiceState.ACCEPTED,
        DELIVER_WITHIN_WORKING_DAYS,
        Text("药箱配送时限", "kit delivery deadline"),
    ),
)

KIT = ServiceType(
    key="kit",
    label=Text("急救药箱", "first-aid medicine kit"),
    description=Text(
        "市煤炭局为煤炭系统离退休干部家中配置的急救药箱；发放日期即服务记录的服务日期",
        "a first-aid kit placed in the home of a coal-system retiree; issued on the record's "
        "delivered date",
    ),
    department=DEPARTMENT,
    details=KitDetails,
    eligible=eligible,
    lifecycle=LIFECYCLE,
)

#: The kit's key as registered, what records and ledger folders hold (``medicine_kits.kit``).
KIT_KEY = qualified_key(KIT.key, NAMESPACE)
