"""The kinds of records a ledger holds, in one table that the ledger, loaders and schema share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import Text
from .activities import Activity
from .assessments import BranchAssessment
from .cadres import Cadre
from .common import Record
from .dues import DuesReduction, PartyDues
from .opinions import Opinion
from .party import Branch, Membership, PartyOrg
from .party_groups import PartyGroup
from .plans import Checklist, Plan, Theme
from .policy import ParameterOverride, Waiver
from .programmes import Programme, Project
from .recognitions import Recognition
from .services import ServiceEvent, ServiceRecord
from .treatment import TreatmentGrant, TreatmentStandard
from .units import Assignment, Establishment, LeadershipPost, StaffMember, Unit


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: the Ledger attribute, its model, and how a ledger folder stores it.

    ``storage`` is ``yaml`` for structured records people edit by hand and ``csv`` for long
    tables. ``key_fields`` identify a record within the ledger: ``("id",)`` for most kinds
    (``keyed``), a natural key for link tables such as memberships.
    """

    name: str
    model: type[Record]
    storage: Literal["yaml", "csv"]
    label: Text
    key_fields: tuple[str, ...] = ("id",)

    @property
    def keyed(self) -> bool:
        """Whether records of this kind have an ``id`` of their own."""
        return self.key_fields == ("id",)

    @property
    def filename(self) -> str:
        """The file of this kind in a ledger folder (``cadres.csv``, ``units.yaml``)."""
        return f"{self.name}.{self.storage}"

    def key_of(self, record: Record) -> str:
        """The record's identity within its kind: its id, or its key fields joined by ``@``."""
        if self.key_fields == ("id",):
            key = record.id  # type: ignore[attr-defined]
            return key if type(key) is str else key_part(key)
        return KEY_GLUE.join(key_part(getattr(record, name)) for name in self.key_fields)


#: What joins the parts of a key made of several fields (``c001@b.team@2019-01-01``).
KEY_GLUE = "@"


def key_part(value: object) -> str:
    """A field's value as a part of a record's key: its text, None as empty."""
    return "" if value is None else str(value)


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("units", Unit, "yaml", Text("单位", "units")),
    RecordKind("establishments", Establishment, "yaml", Text("编制", "establishments")),
    RecordKind("leadership_posts", LeadershipPost, "yaml", Text("领导职数", "leadership posts")),
    RecordKind("staff", StaffMember, "csv", Text("工作人员", "staff")),
    RecordKind("assignments", Assignment, "csv", Text("任职", "assignments")),
    RecordKind("cadres", Cadre, "csv", Text("老干部", "cadres")),
    RecordKind("party_orgs", PartyOrg, "yaml", Text("党组织", "party organizations")),
    RecordKind("branches", Branch, "yaml", Text("党支部", "branches")),
    RecordKind(
        "memberships",
        Membership,
        "csv",
        Text("支部成员", "memberships"),
        key_fields=("cadre_id", "branch_id", "since"),
    ),
    RecordKind("party_groups", PartyGroup, "yaml", Text("党小组", "party groups")),
    RecordKind("activities", Activity, "csv", Text("活动记录", "activities")),
    RecordKind(
        "branch_assessments", BranchAssessment, "yaml", Text("示范党支部评定", "branch assessments")
    ),
    RecordKind(
        "party_dues",
        PartyDues,
        "csv",
        Text("党费交纳", "party dues"),
        key_fields=("cadre_id", "year", "month"),
    ),
    RecordKind("dues_reductions", DuesReduction, "yaml", Text("党费减免", "dues reductions")),
    RecordKind("checklists", Checklist, "yaml", Text("工作清单", "checklists")),
    RecordKind("plans", Plan, "yaml", Text("规划", "plans")),
    RecordKind("themes", Theme, "yaml", Text("年度主题", "themes")),
    RecordKind("programmes", Programme, "yaml", Text("主题活动", "programmes")),
    RecordKind("projects", Project, "yaml", Text("带头人项目", "projects")),
    RecordKind("service_records", ServiceRecord, "csv", Text("服务记录", "service records")),
    RecordKind(
        "service_events",
        ServiceEvent,
        "csv",
        Text("服务流转记录", "service events"),
        key_fields=("record_id", "seq"),
    ),
    RecordKind("opinions", Opinion, "csv", Text("意见建议", "opinions")),
    RecordKind(
        "treatment_standards", TreatmentStandard, "yaml", Text("待遇标准", "treatment standards")
    ),
    RecordKind("treatment_grants", TreatmentGrant, "csv", Text("待遇发放", "treatment grants")),
    RecordKind("recognitions", Recognition, "yaml", Text("荣誉表彰", "recognitions")),
    RecordKind("parameters", ParameterOverride, "yaml", Text("参数调整", "parameter overrides")),
    RecordKind("waivers", Waiver, "yaml", Text("豁免", "waivers")),
)
"""Every kind of record a ledger holds, in the order of a ledger folder's files: its
attribute, model, file format and label."""

KINDS_BY_NAME: dict[str, RecordKind] = {kind.name: kind for kind in RECORD_KINDS}
""":data:`RECORD_KINDS` by name (``cadres``, ``branches``...)."""
