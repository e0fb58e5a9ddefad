"""The enrolment service type: its details, its lifecycle, and the academy's activity kinds."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from cadrecore import ActivityKind, BilingualValueError, ServiceType, Text
from cadrecore.models import LabelledEnum, ServiceState
from cadrecore.plugins import qualified_key
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline

from .parameters import REVIEW_WITHIN_WORKING_DAYS

NAMESPACE = "art_academy"
"""The plugin's name, said once (its entry point's too): the host registers its keys as
``art_academy.<key>`` and its rules as ``art_academy::<key>``."""

DEPARTMENT = Text("市供销社", "city supply and marketing cooperative")


class Discipline(LabelledEnum):
    """What a class teaches. Chinese labels are accepted on input (``国画``)."""

    CHINESE_PAINTING = "chinese_painting"
    CALLIGRAPHY = "calligraphy"
    OIL_PAINTING = "oil_painting"
    WATERCOLOUR = "watercolour"
    SEAL_CARVING = "seal_carving"
    PHOTOGRAPHY = "photography"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "chinese_painting": "国画",
            "calligraphy": "书法",
            "oil_painting": "油画",
            "watercolour": "水彩",
            "seal_carving": "篆刻",
            "photography": "摄影",
        }


#: A term such as ``2022春`` (spring) or ``2022秋`` (autumn).
Term = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(19|20)\d{2}(春|夏|秋|冬)$")
]
ClassName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


def term_year(term: str) -> int:
    """The year a term belongs to (``2022秋`` → 2022; an autumn term ending in January too)."""
    return int(term[:4])


class EnrolmentDetails(BaseModel):
    """What an enrolment record carries beyond the common service columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    class_name: ClassName = Field(validation_alias=AliasChoices("class_name", "班级"))
    discipline: Discipline = Field(validation_alias=AliasChoices("discipline", "专业"))
    term: Term = Field(validation_alias=AliasChoices("term", "学期"))
    capacity: int = Field(gt=0, le=500, validation_alias=AliasChoices("capacity", "班额"))
    sessions_planned: int = Field(
        ge=0, le=400, validation_alias=AliasChoices("sessions_planned", "计划课次")
    )
    sessions_attended: int = Field(
        default=0, ge=0, le=400, validation_alias=AliasChoices("sessions_attended", "出勤课次")
    )

    @model_validator(mode="after")
    def _attended_within_planned(self) -> Self:
        if self.sessions_attended > self.sessions_planned:
            raise BilingualValueError(
                Text(
                    f"出勤课次（{self.sessions_attended}）多于计划课次（{self.sessions_planned}）",
                    f"sessions_attended ({self.sessions_attended}) exceeds sessions_planned "
                    f"({self.sessions_planned})",
                ),
                "art_academy.attended_over_planned",
            )
        return self

    @property
    def attendance_rate(self) -> float | None:
        """Share of the planned sessions attended; None when none were planned."""
        if self.sessions_planned == 0:
            return None
        return self.sessions_attended / self.sessions_planned


#: requested → accepted (admitted) → scheduled (placed in a class) → delivered (term finished)
#: → rated; the review of an enrolment has a deadline in working days (a parameter).
LIFECYCLE = DEFAULT_LIFECYCLE.with_deadlines(
    Deadline(
        ServiceState.REQUESTED,
        REVIEW_WITHIN_WORKING_DAYS,
        Text("报名审核时限", "enrolment review deadline"),
    )
)

ENROLMENT = ServiceType(
    key="enrolment",
    label=Text("画院分院学员报名", "art academy enrolment"),
    description=Text(
        "山西国际文化交流画院忻州分院的书画班报名与出勤",
        "enrolment and attendance in the art academy branch's painting and calligraphy classes",
    ),
    department=DEPARTMENT,
    details=EnrolmentDetails,
    lifecycle=LIFECYCLE,
)

EXHIBITION = ActivityKind(
    key="art_academy.exhibition",
    label=Text("画院作品展", "art academy exhibition"),
    scope="unit",
)

CLASS_SESSION = ActivityKind(
    key="art_academy.class_session",
    label=Text("画院授课", "art academy class session"),
    scope="unit",
)

#: The key of ENROLMENT as registered, what records and ledger folders hold (``art_academy.enrolment``).
ENROLMENT_KEY = qualified_key(ENROLMENT.key, NAMESPACE)
