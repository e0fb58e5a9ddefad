"""The order service's rules: each order served within its menu item's deadline, the ratings
of each item, and no order left stuck.

An order is *served* on its ``delivered`` date (state ``delivered`` or ``rated``). Cancelled
and declined orders are closed: they are neither late nor stuck. The lifecycle's acceptance
deadline is checked by ``builtin::services.deadlines``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from cadrecore import Text
from cadrecore.calendar import add_working_days
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceRecord, ServiceState, details_of
from cadrecore.rules import Finding, Measure, Occurrence, Rule, RuleContext, Severity

from .parameters import (
    MIN_AVERAGE_RATING,
    MIN_RATINGS,
    RESPONSE_PARAMETERS,
    STUCK_AFTER_DAYS,
)
from .service import ORDER_KEY, OrderDetails, menu_item

Outcome = Finding | Occurrence | Measure

SERVED = frozenset({ServiceState.DELIVERED, ServiceState.RATED})
CLOSED = frozenset({ServiceState.CANCELLED, ServiceState.DECLINED})
#: States in which the provider owes the next move.
OPEN = frozenset({ServiceState.REQUESTED, ServiceState.ACCEPTED, ServiceState.SCHEDULED})

#: The subject kind of measures and findings about one menu item at one providing unit.
ITEM_SUBJECT = "order_service.menu_items"


def orders(ledger: Ledger) -> list[tuple[ServiceRecord, OrderDetails]]:
    """Every order with its details (checked once, when the ledger was built), in ledger order."""
    return [
        (record, details_of(record, OrderDetails))
        for record in ledger.service_records_of(ORDER_KEY)
    ]


def served_on(record: ServiceRecord, day: date) -> date | None:
    """The day the order was served, if it was by ``day``."""
    if record.state in SERVED and record.delivered is not None and record.delivered <= day:
        return record.delivered
    return None


@dataclass(frozen=True)
class Response:
    """An order's response deadline and how it stood on the day judged."""

    due: date
    working_days: int
    served: date | None
    status: str  # done, late, pending or overdue


def response_of(record: ServiceRecord, working_days: int, day: date) -> Response | None:
    """How ``record`` stood on ``day`` against its deadline; None for a closed order."""
    served = served_on(record, day)
    if served is None and record.state in CLOSED:
        return None
    due = add_working_days(record.requested, working_days)
    if served is not None:
        status = "done" if served <= due else "late"
    else:
        status = "overdue" if day >= due else "pending"
    return Response(due, working_days, served, status)


# ---------------------------------------------------------------------------------------------
# Response deadlines, by menu item
# ---------------------------------------------------------------------------------------------


def check_response_time(ctx: RuleContext) -> Iterator[Outcome]:
    for record, details in orders(ctx.ledger):
        if record.requested.year != ctx.year or record.requested > ctx.as_of:
            continue
        item = menu_item(details.menu_item)
        days = int(ctx.param(item.parameter_key, record.provider_unit_id))
        response = response_of(record, days, ctx.as_of)
        if response is None:
            continue
        subject = ("service_records", record.id)
        yield ctx.occurrence(
            subject,
            str(ctx.year),
            response.due,
            response.status,
            satisfied_by=record.id if response.served else None,
            done_on=response.served,
            note=item.label,
        )
        if response.status == "late":
            assert response.served is not None
            yield ctx.finding(
                subject,
                "served_late",
                Text(
                    f"“{item.label.zh}”应在点单后 {days} 个工作日内（{response.due} 前）上门，"
                    f"实际 {response.served} 上门",
                    f"{item.label.en}: due within {days} working days (by {response.due}); "
                    f"served on {response.served}",
                ),
                expected=response.due.isoformat(),
                actual=response.served.isoformat(),
            )
        elif response.status == "overdue":
            yield ctx.finding(
                subject,
                "not_served",
                Text(
                    f"“{item.label.zh}”应在点单后 {days} 个工作日内（{response.due} 前）上门，"
                    f"至今（{ctx.as_of}）尚未服务",
                    f"{item.label.en}: due within {days} working days (by {response.due}); not "
                    f"served by {ctx.as_of}",
                ),
                expected=response.due.isoformat(),
                fix=Text(
                    "尽快上门服务，或与老干部商定后取消并说明原因",
                    "serve the order soon, or agree with the cadre to cancel it, with the reason",
                ),
            )


# ---------------------------------------------------------------------------------------------
# Satisfaction
# ---------------------------------------------------------------------------------------------


def ratings_of_year(ledger: Ledger, year: int, day: date) -> dict[tuple[str, str], list[int]]:
    """The ratings of orders served in ``year`` by ``day``, by (providing unit, menu item)."""
    ratings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for record, details in orders(ledger):
        served = served_on(record, day)
        if served is None or served.year != year or record.rating is None:
            continue
        ratings[(record.provider_unit_id, details.menu_item)].append(record.rating)
    return dict(sorted(ratings.items()))


def check_satisfaction(ctx: RuleContext) -> Iterator[Outcome]:
    ratings = ratings_of_year(ctx.ledger, ctx.year, ctx.as_of)
    by_unit: dict[str, list[int]] = defaultdict(list)
    label = Text("平均评价（1–5 分）", "average rating (1-5)")
    for (unit_id, key), values in ratings.items():
        by_unit[unit_id].extend(values)
        item = menu_item(key)
        subject = (ITEM_SUBJECT, f"{unit_id}:{key}")
        yield ctx.measure("average_rating", subject, sum(values), len(values), label)
        least = float(ctx.param(MIN_AVERAGE_RATING, unit_id))
        needed = int(ctx.param(MIN_RATINGS, unit_id))
        average = sum(values) / len(values)
        if len(values) >= needed and average < least:
            yield ctx.finding(
                subject,
                "low_rating",
                Text(
                    f"“{item.label.zh}”{ctx.year} 年 {len(values)} 条评价平均 {average:.2f} 分，低于 {least} 分",
                    f"{item.label.en}: {len(values)} ratings in {ctx.year} average "
                    f"{average:.2f}, below {least}",
                ),
                expected=least,
                actual=round(average, 2),
                fix=Text(
                    "回访低分订单，查找原因并改进该项服务",
                    "call back the low-rated orders, find out why and improve the service",
                ),
            )
    for unit_id, values in sorted(by_unit.items()):
        yield ctx.measure("average_rating", ("units", unit_id), sum(values), len(values), label)


# ---------------------------------------------------------------------------------------------
# Stuck orders
# ---------------------------------------------------------------------------------------------


def last_moved(record: ServiceRecord, details: OrderDetails, history: list[date]) -> date:
    """The day an open order last changed: its last event, else its acceptance or request."""
    if history:
        return max(history)
    if record.state is not ServiceState.REQUESTED and details.accepted is not None:
        return max(details.accepted, record.requested)
    return record.requested


def check_stuck(ctx: RuleContext) -> Iterator[Outcome]:
    history: dict[str, list[date]] = defaultdict(list)
    for event in ctx.ledger.service_events:
        if event.at <= ctx.as_of:
            history[event.record_id].append(event.at)
    for record, details in orders(ctx.ledger):
        if record.state not in OPEN or record.requested > ctx.as_of:
            continue
        days = int(ctx.param(STUCK_AFTER_DAYS, record.provider_unit_id))
        since = last_moved(record, details, history.get(record.id, []))
        idle = (ctx.as_of - since).days
        if idle <= days:
            continue
        item = menu_item(details.menu_item)
        yield ctx.finding(
            ("service_records", record.id),
            "stuck",
            Text(
                f"“{item.label.zh}”订单自 {since} 起停留在“{record.state.zh}”已 {idle} 天（超过 {days} 天）",
                f"{item.label.en}: the order has been {record.state.value!r} since {since}, "
                f"{idle} days (more than {days})",
            ),
            expected=days,
            actual=idle,
            fix=Text(
                "联系服务单位推进，或与老干部商定后取消并说明原因",
                "have the provider move it on, or agree with the cadre to cancel it, with the "
                "reason",
            ),
        )


CITES = (
    Text(
        "《用责任和担当下好老干部工作“一盘棋”》（忻州市老干部局，2022-7-18）：忻府区“您点单、我服务”直通车进家门",
        "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): Xinfu district's 'you order, we serve' home service",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        key="order.response_time",
        title=Text("按服务项目时限上门服务", "orders served within their menu item's deadline"),
        check=check_response_time,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=tuple(p.key for p in RESPONSE_PARAMETERS),
        topic="services",
        description=Text(
            "自点单之日起，按服务项目的时限（工作日，法定节假日和调休按国家安排）上门服务",
            "from the order, each menu item is served within its deadline in working days "
            "(China's public holidays and adjusted working days counted)",
        ),
    ),
    Rule(
        key="order.satisfaction",
        title=Text("服务项目评价不低于下限", "menu items rated well enough"),
        check=check_satisfaction,
        severity=Severity.WARNING,
        cites=(
            *CITES,
            Text(
                "《用责任和担当下好老干部工作“一盘棋”》（忻州市老干部局，2022-7-18）：工作成效以党委和老干部满意为检验",
                "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): "
                "the work is judged by the satisfaction of the party committee and the veteran cadres",
            ),
        ),
        parameters=(MIN_AVERAGE_RATING, MIN_RATINGS),
        topic="services",
    ),
    Rule(
        key="order.stuck",
        title=Text("订单不停滞", "no order left stuck"),
        check=check_stuck,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(STUCK_AFTER_DAYS,),
        topic="services",
        description=Text(
            "已申请、已受理或已安排的订单，超过规定天数未推进即为停滞（已服务待评价的不算）",
            "an order requested, accepted or scheduled that has not moved for too long is stuck "
            "(served orders awaiting a rating are not)",
        ),
    ),
)

#: The local keys of this plugin's rules (their ids add the plugin's namespace).
RULE_KEYS = frozenset(rule.key for rule in RULES)
