"""Opinions and suggestions (意见建议): each answered within its deadline in working days."""

from __future__ import annotations

from collections.abc import Iterator

from ...calendar import add_working_days
from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity

SOURCE = Text(
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18：当面听取意见建议；答复时限按地方惯例",
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18: hear opinions face to face; the answer's deadline as local practice sets it",
)


def check_answered(ctx: RuleContext) -> Iterator[Outcome]:
    for opinion in ctx.ledger.opinions:
        if opinion.raised > ctx.as_of or opinion.raised.year > ctx.year:
            continue
        answered = opinion.answered if opinion.answered and opinion.answered <= ctx.as_of else None
        if opinion.raised.year < ctx.year and answered is not None and answered.year < ctx.year:
            continue  # settled in an earlier year
        days = ctx.param("opinions.reply_within_working_days", opinion.assigned_unit_id)
        due = add_working_days(opinion.raised, days)
        subject = ("opinions", opinion.id)
        period = str(opinion.raised.year)
        if answered is not None:
            status = "done" if answered <= due else "late"
            yield ctx.occurrence(
                subject, period, due, status, satisfied_by=opinion.id, done_on=answered
            )
            if status == "late":
                yield ctx.finding(
                    subject,
                    "answered_late",
                    Text(
                        f"意见建议于 {opinion.raised} 提出，应在 {due} 前答复（{days} 个工作日），实际 {answered} 答复",
                        f"raised {opinion.raised}, due by {due} ({days} working days), answered {answered}",
                    ),
                    severity=Severity.WARNING,
                    period=period,
                    expected=due.isoformat(),
                    actual=answered.isoformat(),
                    fix=Text(
                        f"若答复日期登记有误，在 opinions.csv 中更正；否则承办单位 "
                        f"{opinion.assigned_unit_id} 今后须在 {days} 个工作日内答复",
                        f"if the answer's date was recorded wrongly, correct it in opinions.csv; "
                        f"otherwise {opinion.assigned_unit_id} must answer within {days} "
                        "working days from now on",
                    ),
                )
        elif ctx.as_of >= due:
            yield ctx.occurrence(subject, period, due, "overdue")
            yield ctx.finding(
                subject,
                "unanswered",
                Text(
                    f"意见建议于 {opinion.raised} 提出，答复时限 {due} 已过，尚未答复（承办：{opinion.assigned_unit_id}）",
                    f"raised {opinion.raised}, due by {due}, still unanswered (assigned to "
                    f"{opinion.assigned_unit_id})",
                ),
                period=period,
                expected=due.isoformat(),
                fix=Text(
                    "承办单位答复并在 opinions.csv 记录答复日期和内容",
                    "have the assigned unit answer, and record the date and answer in opinions.csv",
                ),
            )
        else:
            yield ctx.occurrence(subject, period, due, "pending")


RULES = (
    Rule(
        key="opinions.answered",
        title=Text("意见建议按期答复", "opinions answered on time"),
        check=check_answered,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(SOURCE,),
        parameters=("opinions.reply_within_working_days",),
        topic="opinions",
    ),
)
