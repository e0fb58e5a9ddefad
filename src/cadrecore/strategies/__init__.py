"""Hypothesis strategies for cadrecore's records and whole ledgers: public, for plugin authors.

Every strategy produces only *valid* records, and :func:`ledgers` only *consistent* ledgers (a
:class:`~cadrecore.Ledger` that builds without :class:`~cadrecore.LedgerError`). Each one that
draws vocabulary keys takes the registry to draw them from (default:
:func:`cadrecore.get_registry`), so a plugin author passes the registry that holds their own
branch types or service types::

    from hypothesis import given
    from cadrecore import strategies as cst

    @given(cst.ledgers(registry))
    def test_my_rule_never_crashes(ledger): ...

Records with vocabulary keys are built with ``model_validate(..., context={"registry": r})``, so
keys are checked against the registry given, never against the process's default one.
Strategies whose records point at other records (a cadre's county, a membership's branch) take
strategies for those ids, so that callers can tie them together as :func:`ledgers` does.

Requires hypothesis (``pip install cadrecore[strategies]``).

The strategies are written in private modules, one for each part of a ledger, and every one is
offered here, where plugin authors import them from (the modules themselves are not API, and
plugins may not import them): the building blocks (text, ids, dates, the registry to draw keys
from) in ``_common``; the unit tree and its staffing in ``_units``; cadres and their party life
(branches, memberships, party groups, assessments, dues) in ``_cadres``; the year's work
(activities, checklists, plans, themes, programmes, projects) in ``_activities``; services in
``_services``; opinions, treatment and recognitions in ``_care``; parameter overrides and waivers
in ``_policy``; and whole ledgers in ``_ledgers``, the only one that imports all the others.

Layer: ``strategies``, above ``builtin``. The package imports the models, the registry,
``services``, ``policy``, the ledger and (for the registry in force) ``plugins``; it never imports
``cadrecore.testing`` (which imports it) or the CLI.
"""

from __future__ import annotations

# The imports marked `noqa: F401` keep names the module offered before it was a package, having
# imported them for its own use (the models' classes, the registry's types, CJK, DetailsInputs):
# still offered, so that no import of them breaks (tests/public_names.txt), but not in __all__.
from ..ledger import Ledger  # noqa: F401
from ..models import (  # noqa: F401
    SIX_GOODS,
    Activity,
    AppointmentBasis,
    Assignment,
    Branch,
    BranchAssessment,
    Cadre,
    Checklist,
    ChecklistEntry,
    DuesReduction,
    Establishment,
    EstablishmentKind,
    Jurisdiction,
    LeaderPresence,
    LeadershipPost,
    LeadingBody,
    Membership,
    MonthDay,
    Opinion,
    ParameterOverride,
    PartyDues,
    PartyGroup,
    PartyOrg,
    PartyOrgKind,
    PartyStatus,
    Plan,
    PlanTarget,
    PostGrade,
    PostTier,
    Programme,
    Project,
    ProjectField,
    ProjectResult,
    Recognition,
    RecognitionKind,
    RecognitionLevel,
    Record,
    ResidenceKind,
    ResultMetric,
    RetirementKind,
    RevolutionPeriod,
    ServiceEvent,
    ServiceRecord,
    ServiceRole,
    ServiceState,
    StaffMember,
    Theme,
    Tie,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
    UnitKind,
    UnitLevel,
    Waiver,
    split_cell,
)
from ..models.cadres import national_id_check_char  # noqa: F401
from ..models.dues import month_end  # noqa: F401
from ..policy import LIXIU_CUTOFF  # noqa: F401
from ..registry import Registry, ServiceType  # noqa: F401
from ..services import Lifecycle  # noqa: F401
from ._activities import (
    activities,
    checklist_entries,
    checklists,
    leader_presences,
    plan_targets,
    plans,
    programmes,
    project_results,
    projects,
    themes,
)
from ._cadres import (
    branch_assessments,
    branches,
    cadres,
    dues_reductions,
    memberships,
    party_dues,
    party_groups,
    party_orgs,
    pension_bases,
)
from ._care import opinions, recognitions, treatment_grants, treatment_standards
from ._common import (
    CJK,  # noqa: F401
    FIRST_DAY,
    LAST_DAY,
    NAME_ALPHABET,
    TEXT_ALPHABET,
    month_days,
    names,
    national_ids,
    nonempty_texts,
    record_ids,
    tags,
    texts,
)
from ._ledgers import ledgers
from ._policy import json_values, parameter_keys, parameter_overrides, waivers
from ._services import (
    DetailsInputs,  # noqa: F401
    service_details,
    service_events,
    service_histories,
    service_records,
)
from ._units import (
    assignments,
    establishments,
    jurisdictions,
    leadership_posts,
    staff_members,
    units,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "NAME_ALPHABET",
    "TEXT_ALPHABET",
    "activities",
    "assignments",
    "branch_assessments",
    "branches",
    "cadres",
    "checklist_entries",
    "checklists",
    "dues_reductions",
    "establishments",
    "json_values",
    "jurisdictions",
    "leader_presences",
    "leadership_posts",
    "ledgers",
    "memberships",
    "month_days",
    "names",
    "national_ids",
    "nonempty_texts",
    "opinions",
    "parameter_keys",
    "parameter_overrides",
    "party_dues",
    "party_groups",
    "party_orgs",
    "pension_bases",
    "plan_targets",
    "plans",
    "programmes",
    "project_results",
    "projects",
    "recognitions",
    "record_ids",
    "service_details",
    "service_events",
    "service_histories",
    "service_records",
    "staff_members",
    "tags",
    "texts",
    "themes",
    "treatment_grants",
    "treatment_standards",
    "units",
    "waivers",
]
