"""The city coal bureau's first-aid medicine kits for retirees' homes, as a cadrecore plugin.

市煤炭局为老干部设置“急救药箱”，提供健康保障. A kit placed in a retiree's home is a service
record of type ``medicine_kits.kit``: the record's common ``delivered`` date is the day the kit
was issued, and its details list the medicines in it, each with its expiry date, and when the
kit was last checked. Only retirees of the coal system receive one.

What it contributes, hook by hook: the service type (eligibility, a lifecycle without a
separate appointment, deadlines for accepting and delivering); four parameters; four rules
(expired medicine, medicine expiring soon, regular checks, every eligible retiree offered a
kit); and its section of the annual report.
"""

from __future__ import annotations

from collections.abc import Callable

from cadrecore import ServiceType, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Parameter, Report, Rule, SectionContext

from .parameters import (
    ACCEPT_WITHIN_WORKING_DAYS,
    CHECK_EVERY_MONTHS,
    DELIVER_WITHIN_WORKING_DAYS,
    EXPIRY_WARNING_DAYS,
    PARAMETERS,
)
from .rules import RULES, add_months
from .section import medicine_kits_section
from .service import (
    COAL_SYSTEM_MARK,
    KIT,
    KIT_KEY,
    LIFECYCLE,
    NAMESPACE,
    KitDetails,
    Medicine,
    eligible,
)

__all__ = [
    "ACCEPT_WITHIN_WORKING_DAYS",
    "CHECK_EVERY_MONTHS",
    "COAL_SYSTEM_MARK",
    "DELIVER_WITHIN_WORKING_DAYS",
    "EXPIRY_WARNING_DAYS",
    "KIT",
    "KIT_KEY",
    "LIFECYCLE",
    "NAMESPACE",
    "PARAMETERS",
    "RULES",
    "KitDetails",
    "Medicine",
    "add_months",
    "eligible",
    "register_parameters",
    "register_rules",
    "register_service_types",
    "report_sections",
]


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(KIT)


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
    return medicine_kits_section(ledger, report, lang, ctx)
