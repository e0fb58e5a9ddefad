"""The city supply and marketing cooperative's art academy branch, as a cadrecore plugin.

市供销社创办“山西国际文化交流画院忻州分院”，满足老同志精神文化需求. The cooperative enrols
retirees in painting and calligraphy classes; each enrolment is a service record of type
``art_academy.enrolment`` whose details say which class, which term and how many sessions the
cadre attended. The academy's exhibitions and class sessions are activities held by the
providing unit.

What it contributes, hook by hook: the service type (with its lifecycle and review deadline)
and two activity kinds; three parameters; three rules (classes within capacity, attendance,
exhibitions a year); and its section of the annual report.
"""

from __future__ import annotations

from collections.abc import Callable

from cadrecore import ActivityKind, ServiceType, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Parameter, Report, Rule, SectionContext

from .parameters import (
    EXHIBITIONS_PER_YEAR,
    MIN_ATTENDANCE_SHARE,
    PARAMETERS,
    REVIEW_WITHIN_WORKING_DAYS,
)
from .rules import RULES
from .section import art_academy_section
from .service import (
    CLASS_SESSION,
    ENROLMENT,
    ENROLMENT_KEY,
    EXHIBITION,
    LIFECYCLE,
    NAMESPACE,
    Discipline,
    EnrolmentDetails,
    term_year,
)

__all__ = [
    "CLASS_SESSION",
    "ENROLMENT",
    "ENROLMENT_KEY",
    "EXHIBITION",
    "EXHIBITIONS_PER_YEAR",
    "LIFECYCLE",
    "MIN_ATTENDANCE_SHARE",
    "NAMESPACE",
    "PARAMETERS",
    "REVIEW_WITHIN_WORKING_DAYS",
    "RULES",
    "Discipline",
    "EnrolmentDetails",
    "register_activity_kinds",
    "register_parameters",
    "register_rules",
    "register_service_types",
    "report_sections",
    "term_year",
]


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(ENROLMENT)


@hookimpl
def register_activity_kinds(register: Callable[[ActivityKind], None]) -> None:
    register(EXHIBITION)
    register(CLASS_SESSION)


@hookimpl
def register_parameters(register: Callable[[Parameter], None]) -> None:
    for parameter in PARAMETERS:
        register(parameter)


@hookimpl
def register_rules(register: Callable[[Rule], None]) -> None:
    for rule in RULES:
        register(rule)


@hookimpl
def report_sections(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection]:
    return art_academy_section(ledger, report, lang, ctx)
