"""Services: each record moved on within its service type's deadlines (in working days), and
given only to eligible cadres."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from ...calendar import add_working_days
from ...i18n import Text
from ...ledger import Ledger
from ...models import Cadre, ServiceEvent, ServiceRecord
from ...models.construct import construct
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ...services import Deadline


def _spans(
    record: ServiceRecord, events: list[ServiceEvent]
) -> list[tuple[str, date, date | None]]:
    """(state, entered, left) for each state the record has been in; ``left`` None if still in it."""
    if not events:
        # without a history only a record still waiting since its request can be timed
        return (
            [(record.state.value, record.requested, None)]
            if record.state.value == "requested"
            else []
        )
    ordered = sorted(events, key=lambda e: e.seq)
    spans = []
    for i, event in enumerate(ordered):
        left = ordered[i + 1].at if i + 1 < len(ordered) else None
        spans.append((event.to_state.value, event.at, left))
    return spans


def check_deadlines(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    events: dict[str, list[ServiceEvent]] = defaultdict(list)
    for event in ledger.service_events:
        events[event.record_id].append(event)
    for record in ledger.service_records:
        service_type = ctx.registry.service_types.get(record.service_type)
        deadlines: dict[str, Deadline] = {
            d.state.value: d for d in service_type.lifecycle.deadlines
        }
        if not deadlines:
            continue
        for state, entered, left in _spans(record, events.get(record.id, [])):
            deadline = deadlines.get(state)
            if deadline is None or entered > ctx.as_of or entered.year > ctx.year:
                continue
            if left is not None and left.year < ctx.year:
                continue
            days = deadline.working_days
            if isinstance(days, str):
                days = int(ctx.param(days, record.provider_unit_id))
            due = add_working_days(entered, days)
            subject = ("service_records", record.id)
            left_by_now = left if left is not None and left <= ctx.as_of else None
            period = str(entered.year)
            if left_by_now is not None:
                status = "done" if left_by_now <= due else "late"
                yield ctx.occurrence(
                    subject, period, due, status, done_on=left_by_now, note=deadline.label
                )
                if status == "late":
                    yield ctx.finding(
                        subject,
                        "late",
                        Text(
                            f"{deadline.label.zh}为 {days} 个工作日（至 {due}），实际 {left_by_now} 办结",
                            f"{deadline.label.en}: {days} working days (by {due}); done {left_by_now}",
                        ),
                        severity=Severity.WARNING,
                        period=period,
                        expected=due.isoformat(),
                        actual=left_by_now.isoformat(),
                        fix=Text(
                            f"若办结日期登记有误，更正流转记录；否则今后在 {days} 个工作日内办理",
                            f"if the date was recorded wrongly, correct the record's events; "
                            f"otherwise move such records on within {days} working days",
                        ),
                    )
            elif ctx.as_of >= due:
                yield ctx.occurrence(subject, period, due, "overdue", note=deadline.label)
                yield ctx.finding(
                    subject,
                    "overdue",
                    Text(
                        f"{deadline.label.zh}为 {days} 个工作日，{entered} 起至今（{ctx.as_of}）"
                        f"仍为“{deadline.state.zh}”",
                        f"{deadline.label.en}: {days} working days from {entered}; still "
                        f"{deadline.state.en!r} on {ctx.as_of}",
                    ),
                    period=period,
                    expected=due.isoformat(),
                    fix=Text(
                        "尽快办理并记录流转（cadrecore.services.transition）",
                        "move the record on and record it (cadrecore.services.transition)",
                    ),
                )
            else:
                yield ctx.occurrence(subject, period, due, "pending", note=deadline.label)


def _cadres(ledger: Ledger, ids: set[str]) -> dict[str, Cadre]:
    """The cadres with ``ids``, by id, built from their columns: one read for them all (on a
    ledger opened on a store, ``ledger.cadre(id)`` is a query each)."""
    fields = tuple(Cadre.model_fields)
    rows = ledger.columns("cadres", *fields, where={"id": ids})
    # (values as the store decodes them: built as a load builds a record, without pydantic's
    # model_construct, which costs about 50 us a record)
    built = (construct(Cadre, dict(zip(fields, row, strict=True))) for row in rows)
    return {cadre.id: cadre for cadre in built}


def check_eligibility(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    types = ctx.registry.service_types
    judged = [
        record
        for record in ledger.service_records
        if record.requested.year == ctx.year
        and record.requested <= ctx.as_of
        and types.get(record.service_type).unchecked is None  # (its plugin not in use)
    ]
    cadres = _cadres(ledger, {record.cadre_id for record in judged})
    for record in judged:
        service_type = ctx.registry.service_types.get(record.service_type)
        cadre = cadres[record.cadre_id]
        if not service_type.is_eligible(cadre, record.requested):
            yield ctx.finding(
                ("service_records", record.id),
                "not_eligible",
                Text(
                    f"{cadre.name} 不符合“{service_type.label.zh}”的服务条件",
                    f"{cadre.name} is not eligible for {service_type.label.en!r}",
                ),
                severity=Severity.WARNING,
                period=str(record.requested.year),
                fix=Text(
                    "核对该老干部的信息（花名册）是否有误；确不符合条件的，取消或拒绝该服务并写明原因",
                    "check the cadre's details on the roster; if they are not eligible, cancel or "
                    "decline the service with a reason",
                ),
            )


RULES = (
    Rule(
        key="services.deadlines",
        title=Text("服务按时限办理", "services moved on within their deadlines"),
        check=check_deadlines,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(Text("各服务类型的办理时限", "each service type's deadlines"),),
        topic="services",
    ),
    Rule(
        key="services.eligibility",
        title=Text("服务对象符合条件", "services given to eligible cadres"),
        check=check_eligibility,
        severity=Severity.WARNING,
        topic="services",
    ),
)
