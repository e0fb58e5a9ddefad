"""Data quality: ages and dates that a single record allows but that are implausible in a
ledger judged at a date."""

from __future__ import annotations

from collections.abc import Iterator

from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity


def check_cadres(ctx: RuleContext) -> Iterator[Outcome]:
    oldest = ctx.param("data.max_age")
    youngest_retiree = ctx.param("data.min_retirement_age")
    youngest_member = ctx.param("data.min_party_age")
    for cadre in ctx.ledger.cadres:
        subject = ("cadres", cadre.id)
        if cadre.alive_on(ctx.as_of) and cadre.age_on(ctx.as_of) > oldest:
            yield ctx.finding(
                subject,
                "implausible_age",
                Text(
                    f"{cadre.name} 按出生日期已 {cadre.age_on(ctx.as_of)} 岁且未登记去世，请核实",
                    f"{cadre.name} would be {cadre.age_on(ctx.as_of)} and is not recorded as deceased",
                ),
                expected=oldest,
                actual=cadre.age_on(ctx.as_of),
            )
        retired_at = cadre.age_on(cadre.retirement_date)
        if retired_at < youngest_retiree:
            yield ctx.finding(
                subject,
                "early_retirement",
                Text(
                    f"{cadre.name} {retired_at} 岁离退休，请核实出生或离退休日期",
                    f"{cadre.name} retired at {retired_at}: check the birth and retirement dates",
                ),
                severity=Severity.WARNING,
                expected=youngest_retiree,
                actual=retired_at,
            )
        if cadre.retirement_date > ctx.as_of:
            yield ctx.finding(
                subject,
                "not_yet_retired",
                Text(
                    f"{cadre.name} 的离退休日期 {cadre.retirement_date} 晚于评估日期",
                    f"{cadre.name} retires on {cadre.retirement_date}, after the date judged",
                ),
                severity=Severity.WARNING,
                expected=ctx.as_of.isoformat(),
                actual=cadre.retirement_date.isoformat(),
            )
        if cadre.party_joined and cadre.age_on(cadre.party_joined) < youngest_member:
            yield ctx.finding(
                subject,
                "joined_too_young",
                Text(
                    f"{cadre.name} 入党时 {cadre.age_on(cadre.party_joined)} 岁，不满 {youngest_member} 岁",
                    f"{cadre.name} joined the party at {cadre.age_on(cadre.party_joined)}, under "
                    f"{youngest_member}",
                ),
                expected=youngest_member,
                actual=cadre.age_on(cadre.party_joined),
            )


def check_attendance(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    for act in ledger.activities_of(period=ctx.period):
        if act.date > ctx.as_of:
            continue
        for cadre_id in act.attendee_ids:
            cadre = ledger.cadre(cadre_id)
            if not cadre.alive_on(act.date):
                yield ctx.finding(
                    ("activities", act.id),
                    "deceased_attendee",
                    Text(
                        f"{act.date} 的活动出席名单含已去世的 {cadre.name}",
                        f"the attendance of {act.date} lists {cadre.name}, who had died",
                    ),
                    evidence=[cadre.id],
                )


RULES = (
    Rule(
        key="data.cadres",
        title=Text("老干部信息合理", "cadre records plausible"),
        check=check_cadres,
        parameters=("data.max_age", "data.min_retirement_age", "data.min_party_age"),
        cites=("党章第一条",),
        topic="data quality",
    ),
    Rule(
        key="data.attendance",
        title=Text("出席记录合理", "attendance records plausible"),
        check=check_attendance,
        topic="data quality",
    ),
)
