"""Units and their staffing: the tree of bodies, establishment (编制) and leadership posts (职数)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import Field, model_validator

from ..errors import BilingualValueError
from ..i18n import Text
from .cadres import NationalId
from .common import Date, LabelledEnum, Name, Record, RecordId, Sensitive, Sensitivity


class UnitLevel(LabelledEnum):
    """The administrative level of a unit: province, city, county or township."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}


class UnitKind(LabelledEnum):
    """What a unit is. ``other`` covers bodies outside the veteran cadre system."""

    PARTY_COMMITTEE = "party_committee"
    ORGANIZATION_DEPARTMENT = "organization_department"
    VETERAN_CADRE_BUREAU = "veteran_cadre_bureau"
    WORKING_COMMITTEE = "working_committee"
    DEPARTMENT = "department"
    PUBLIC_INSTITUTION = "public_institution"
    GOVERNMENT = "government"
    OTHER = "other"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "party_committee": "党委",
            "organization_department": "组织部",
            "veteran_cadre_bureau": "老干部局",
            "working_committee": "老干部工委",
            "department": "部门",
            "public_institution": "事业单位",
            "government": "政府",
            "other": "其他",
        }


class Unit(Record):
    """A body in the jurisdiction's tree: the city, a county, a bureau, a department."""

    id: RecordId
    name: Name
    level: UnitLevel
    kind: UnitKind
    parent_id: RecordId | None = None
    established: Date | None = None
    abolished: Date | None = None
    note: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.established and self.abolished and self.abolished < self.established:
            raise BilingualValueError(
                Text("撤销日期早于设立日期", "abolished is before established"), "dates.order"
            )
        if self.parent_id == self.id:
            raise BilingualValueError(
                Text("单位不能是自己的上级", "a unit cannot be its own parent"), "unit.own_parent"
            )
        return self

    def active_on(self, day: date) -> bool:
        """Whether the unit exists on ``day``."""
        return (self.established is None or self.established <= day) and (
            self.abolished is None or day < self.abolished
        )


class EstablishmentKind(LabelledEnum):
    """Kinds of staff establishment (编制); never mixed."""

    ADMINISTRATIVE = "administrative"
    PUBLIC_INSTITUTION = "public_institution"
    POLITICAL_LEGAL = "political_legal"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "administrative": "行政编制",
            "public_institution": "事业编制",
            "political_legal": "政法专项编制",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "administrative": "administrative establishment",
            "public_institution": "public institution establishment",
            "political_legal": "political-legal establishment",
        }


class PostTier(LabelledEnum):
    """Tiers of leadership posts (领导职数)."""

    TOWNSHIP_SECTION = "section"
    COUNTY_DIVISION = "division"
    BUREAU = "bureau"
    MINISTRY = "ministry"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"section": "乡科级", "division": "县处级", "bureau": "厅局级", "ministry": "省部级"}

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "section": "township/section level",
            "division": "county/division level",
            "bureau": "department/bureau level",
            "ministry": "province/ministry level",
        }


class PostGrade(LabelledEnum):
    """The grade of a leadership post: chief (正职) or deputy (副职)."""

    CHIEF = "chief"
    DEPUTY = "deputy"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {"chief": "正职", "deputy": "副职"}


NonNegative = Annotated[int, Field(ge=0)]


class Establishment(Record):
    """Approved staff establishment of one kind for a unit, from a date (编制).

    ``part_of_parent`` marks an establishment allocated out of the parent unit's own (an
    internal body's posts): the sub-units' allocations must fit within the parent's.
    """

    id: RecordId
    unit_id: RecordId
    kind: EstablishmentKind
    approved: NonNegative
    effective_from: Date
    effective_to: Date | None = None
    part_of_parent: bool = False
    source: str = ""

    def holds_on(self, day: date) -> bool:
        """Whether this establishment (编制) is in force on ``day``, both ends included."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class LeadershipPost(Record):
    """Approved leadership posts of one tier (and grade, if set) for a unit (领导职数)."""

    id: RecordId
    unit_id: RecordId
    tier: PostTier
    grade: PostGrade | None = None
    approved: NonNegative
    effective_from: Date
    effective_to: Date | None = None
    source: str = ""

    def holds_on(self, day: date) -> bool:
        """Whether these leadership posts (职数) are in force on ``day``, both ends included."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class AppointmentBasis(LabelledEnum):
    """Why an appointment may be made while a unit is over quota (reported in writing first)."""

    ORDINARY = "ordinary"
    DEMOBILIZED_OFFICER = "demobilized_officer"
    INSTITUTIONAL_REFORM = "institutional_reform"
    ELECTION = "election"

    @classmethod
    def zh_labels(cls) -> dict[str, str]:
        return {
            "ordinary": "正常任用",
            "demobilized_officer": "军转干部安置",
            "institutional_reform": "机构改革",
            "election": "换届选举",
        }

    @classmethod
    def en_labels(cls) -> dict[str, str]:
        return {
            "ordinary": "ordinary appointment",
            "demobilized_officer": "placement of a demobilized officer",
            "institutional_reform": "institutional reform",
            "election": "election",
        }


class StaffMember(Record):
    """A veteran cadre worker (老干部工作者): staff of a bureau or committee."""

    id: RecordId
    name: Name
    gender: str = ""
    birth_date: Annotated[Date | None, Sensitive(Sensitivity.BIRTH_DATE)] = None
    national_id: Annotated[NationalId | None, Sensitive(Sensitivity.ID_NUMBER)] = None
    synthetic: bool = False


class Assignment(Record):
    """A staff member holding a place in a unit's establishment, and possibly a leadership post.

    ``promotion`` marks an appointment that was a promotion (提拔), which the bureau reports.
    """

    id: RecordId
    staff_id: RecordId
    unit_id: RecordId
    establishment_kind: EstablishmentKind
    post: str = ""
    tier: PostTier | None = None
    grade: PostGrade | None = None
    start: Date
    end: Date | None = None
    promotion: bool = False
    appointment_basis: AppointmentBasis = AppointmentBasis.ORDINARY

    def holds_on(self, day: date) -> bool:
        """Whether the staff member holds this place on ``day`` (from ``start``, until before
        ``end``)."""
        return self.start <= day and (self.end is None or day < self.end)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.end and self.end < self.start:
            raise BilingualValueError(
                Text("结束日期早于开始日期", "end is before start"), "dates.order"
            )
        if self.grade and not self.tier:
            raise BilingualValueError(
                Text("填写了正副职，须同时填写职级层次", "a grade needs a tier"),
                "value.needs_other",
            )
        return self
