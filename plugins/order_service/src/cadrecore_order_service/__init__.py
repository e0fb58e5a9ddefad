"""忻府区's "you order, we serve" (您点单、我服务), as a cadrecore plugin.

忻府区开展了“您点单、我服务”直通车进家门活动. A retiree orders a service from a menu and it comes
to the door. Each order is a service record of type ``order_service.order``; its details name the
menu item ordered, when the order was accepted and the area to go to. The menu is data
(:data:`MENU`): each item has a Chinese label and the number of working days within which the
service must reach the door.

What it contributes, hook by hook: the service type (a lifecycle without a separate
appointment, and the deadline for accepting an order); a parameter per menu item for its
response deadline and four more; three rules (served within the item's deadline, ratings of
each item, stuck orders); and its section of the annual report.
"""

from __future__ import annotations

from collections.abc import Callable

from cadrecore import ServiceType, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Parameter, Report, Rule, SectionContext

from .parameters import (
    MIN_AVERAGE_RATING,
    MIN_RATINGS,
    PARAMETERS,
    RESPONSE_PARAMETERS,
    STUCK_AFTER_DAYS,
)
from .rules import RULES, Response, response_of
from .section import order_service_section
from .service import (
    ACCEPT_WITHIN_WORKING_DAYS,
    LIFECYCLE,
    MENU,
    NAMESPACE,
    ORDER,
    ORDER_KEY,
    RESPOND_WITHIN_PREFIX,
    MenuItem,
    OrderDetails,
    menu_item,
)

__all__ = [
    "ACCEPT_WITHIN_WORKING_DAYS",
    "LIFECYCLE",
    "MENU",
    "MIN_AVERAGE_RATING",
    "MIN_RATINGS",
    "NAMESPACE",
    "ORDER",
    "ORDER_KEY",
    "PARAMETERS",
    "RESPOND_WITHIN_PREFIX",
    "RESPONSE_PARAMETERS",
    "RULES",
    "STUCK_AFTER_DAYS",
    "MenuItem",
    "OrderDetails",
    "Response",
    "menu_item",
    "register_parameters",
    "register_rules",
    "register_service_types",
    "report_sections",
    "response_of",
]


@hookimpl
def register_service_types(register: Callable[[ServiceType], None]) -> None:
    register(ORDER)


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
    return order_service_section(ledger, report, lang, ctx)
