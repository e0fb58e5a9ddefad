"""The typed domain model of veteran cadre work: one module per concept.

Each name is imported from its module when first used, so that ``cadrecore.models.common``
(all that the registry needs) does not cost every model class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .activities import Activity, LeaderPresence
    from .assessments import SIX_GOODS, BranchAssessment
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
    from .party_groups import PartyGroup
    from .plans import Checklist, ChecklistEntry, Plan, PlanTarget, Theme
    from .policy import ParameterOverride, Waiver
    from .programmes import Programme, Project, ProjectField, ProjectResult, ResultMetric
    from .recognitions import Recognition, RecognitionKind, RecognitionLevel
    from .services import (
        ServiceEvent,
        ServiceRecord,
        ServiceRole,
        ServiceState,
        details_of,
        plain_details,
        typed_details,
        typed_details_model,
    )
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

_LAZY = {
    "Activity": "activities",
    "LeaderPresence": "activities",
    "SIX_GOODS": "assessments",
    "BranchAssessment": "assessments",
    "Cadre": "cadres",
    "PartyStatus": "cadres",
    "ResidenceKind": "cadres",
    "RetirementKind": "cadres",
    "RevolutionPeriod": "cadres",
    "Date": "common",
    "KeyOf": "common",
    "LabelledEnum": "common",
    "LeadingBody": "common",
    "MonthDay": "common",
    "Record": "common",
    "RecordId": "common",
    "Sensitive": "common",
    "Sensitivity": "common",
    "split_cell": "common",
    "Jurisdiction": "jurisdiction",
    "KINDS_BY_NAME": "kinds",
    "RECORD_KINDS": "kinds",
    "RecordKind": "kinds",
    "Opinion": "opinions",
    "Branch": "party",
    "Membership": "party",
    "PartyOrg": "party",
    "PartyOrgKind": "party",
    "Tie": "party",
    "PartyGroup": "party_groups",
    "Checklist": "plans",
    "ChecklistEntry": "plans",
    "Plan": "plans",
    "PlanTarget": "plans",
    "Theme": "plans",
    "ParameterOverride": "policy",
    "Waiver": "policy",
    "Programme": "programmes",
    "Project": "programmes",
    "ProjectField": "programmes",
    "ProjectResult": "programmes",
    "ResultMetric": "programmes",
    "Recognition": "recognitions",
    "RecognitionKind": "recognitions",
    "RecognitionLevel": "recognitions",
    "ServiceEvent": "services",
    "ServiceRecord": "services",
    "ServiceRole": "services",
    "ServiceState": "services",
    "details_of": "services",
    "plain_details": "services",
    "typed_details": "services",
    "typed_details_model": "services",
    "TreatmentGrant": "treatment",
    "TreatmentStandard": "treatment",
    "AppointmentBasis": "units",
    "Assignment": "units",
    "Establishment": "units",
    "EstablishmentKind": "units",
    "LeadershipPost": "units",
    "PostGrade": "units",
    "PostTier": "units",
    "StaffMember": "units",
    "Unit": "units",
    "UnitKind": "units",
    "UnitLevel": "units",
}


__all__ = [
    "KINDS_BY_NAME",
    "RECORD_KINDS",
    "SIX_GOODS",
    "Activity",
    "AppointmentBasis",
    "Assignment",
    "Branch",
    "BranchAssessment",
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
    "PartyGroup",
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
    "details_of",
    "plain_details",
    "split_cell",
    "typed_details",
    "typed_details_model",
]

__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
