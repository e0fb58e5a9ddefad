"""The typed domain model of veteran cadre work: one module per concept."""

from .activities import Activity, LeaderPresence
from .cadres import Cadre, PartyStatus, ResidenceKind, RetirementKind, RevolutionPeriod
from .common import (
    Date,
    KeyOf,
    LabelledEnum,
    LeadingBody,
    MonthDay,
    Record,
    RecordId,
    Sensitive,
    Sensitivity,
    split_cell,
)
from .jurisdiction import Jurisdiction
from .kinds import KINDS_BY_NAME, RECORD_KINDS, RecordKind
from .opinions import Opinion
from .party import Branch, Membership, PartyOrg, PartyOrgKind, Tie
from .plans import Checklist, ChecklistEntry, Plan, PlanTarget, Theme
from .policy import ParameterOverride, Waiver
from .programmes import Programme, Project, ProjectField, ProjectResult, ResultMetric
from .recognitions import Recognition, RecognitionKind, RecognitionLevel
from .services import ServiceEvent, ServiceRecord, ServiceRole, ServiceState
from .treatment import TreatmentGrant, TreatmentStandard
from .units import (
    AppointmentBasis,
    Assignment,
    Establishment,
    EstablishmentKind,
    LeadershipPost,
    PostGrade,
    PostTier,
    StaffMember,
    Unit,
    UnitKind,
    UnitLevel,
)

__all__ = [
    "KINDS_BY_NAME",
    "RECORD_KINDS",
    "Activity",
    "AppointmentBasis",
    "Assignment",
    "Branch",
    "Cadre",
    "Checklist",
    "ChecklistEntry",
    "Date",
    "Establishment",
    "EstablishmentKind",
    "Jurisdiction",
    "KeyOf",
    "LabelledEnum",
    "LeaderPresence",
    "LeadershipPost",
    "LeadingBody",
    "Membership",
    "MonthDay",
    "Opinion",
    "ParameterOverride",
    "PartyOrg",
    "PartyOrgKind",
    "PartyStatus",
    "Plan",
    "PlanTarget",
    "PostGrade",
    "PostTier",
    "Programme",
    "Project",
    "ProjectField",
    "ProjectResult",
    "Recognition",
    "RecognitionKind",
    "RecognitionLevel",
    "Record",
    "RecordId",
    "RecordKind",
    "ResidenceKind",
    "ResultMetric",
    "RetirementKind",
    "RevolutionPeriod",
    "Sensitive",
    "Sensitivity",
    "ServiceEvent",
    "ServiceRecord",
    "ServiceRole",
    "ServiceState",
    "StaffMember",
    "Theme",
    "Tie",
    "TreatmentGrant",
    "TreatmentStandard",
    "Unit",
    "UnitKind",
    "UnitLevel",
    "Waiver",
    "split_cell",
]
