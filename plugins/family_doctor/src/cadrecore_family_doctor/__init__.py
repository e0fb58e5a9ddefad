"""The city veteran cadre bureau's family-doctor contracts, as a cadrecore plugin.

市委老干部局实施“关爱行动”，启动“健康进百家·家庭医生签约”服务. A contract between a retiree
and a family doctor is a service record of type ``family_doctor.contract``: its details name
the doctor and the clinic, the contract's span, how often the doctor must visit and the dates
of the follow-up visits made.

What it contributes, hook by hook: the service type (with its lifecycle and the deadline for
accepting a request); four parameters; three rules (coverage of the oldest cadres, visits on
the contract's schedule, renewals); and its section of the annual report.
"""

from __future__ import annotations

from collections.abc import Callable

from cadrecore import ServiceType, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Parameter, Report, Rule, SectionContext

from .parameters import (
    ACCEPT_WITHIN_WORKING_DAYS,
    MIN_AGE,
    PARAMETERS,
    RENEWAL_NOTICE_DAYS,
    VISIT_GRACE_DAYS,
)
from .rules import RULES, DueVisit, add_months, visit_schedule
from .section import family_doctor_section
from .service import CONTRACT, CONTRACT_KEY, LIFECYCLE, NAMESPACE, ContractDetails

__all__ = [
    "ACCEPT_WITHIN_WORKING_DAYS",
    "CONTRACT",
    "CONTRACT_KEY",
    "LIFECYCLE",
    "MIN_AGE",
    "NAMESPACE",
    "PARAMETERS",
    "RENEWAL_NOTICE_DAYS",
    "RULES",
    "VISIT_GRACE_DAYS",
    "ContractDetails",
    "DueVisit",
    "add_months",
    "register_parameters",
    "register_rules",
    "register_service_types",
    "report_sections",
    "visit_schedule",
]


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(CONTRACT)


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
    return family_doctor_section(ledger, report, lang, ctx)
