"""Plan targets: the yearly targets of multi-year plans (10 standardized venues and 10
demonstration points a year; model branches, 示范党支部, where a plan sets them), judged in full
at year end and pro rata before it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity

SOURCE = Text(
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18：老干部党组织建设3年规划，"
    "每年建设10个标准化活动场所、10个“三基建设”示范点",
    "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): the "
    "three-year plan for retirees' party organizations, 10 standardized venues and 10 "
    "demonstration points a year",
)
MODEL_BRANCHES = Text(
    "中共中央组织部《关于加强新时代离退休干部党的建设工作的意见》（2022-05-15）：创建示范党支部，“六好”标准",
    "关于加强新时代离退休干部党的建设工作的意见 (the 2022-05-15 central opinion on party building "
    "among retired cadres): model branches meeting the six criteria",
)


def check_targets(ctx: RuleContext) -> Iterator[Outcome]:
    if ctx.elapsed is None:
        return
    for plan in ctx.ledger.plans:
        if not plan.covers(ctx.year):
            continue
        for target in plan.targets:
            metric = ctx.registry.plan_metrics.get(target.metric)
            goal = target.per_year
            if goal is None:
                goal = ctx.param(f"plan.target.{target.metric}", plan.owner_unit_id)
            actual = metric.measure(ctx.ledger, ctx.year)
            subject = ("plans", f"{plan.id}:{target.metric}")
            yield ctx.measure("plan_progress", subject, min(actual, goal), goal, metric.label)
            year_over = ctx.as_of >= ctx.period.end
            if year_over:
                yield ctx.occurrence(
                    subject, str(ctx.year), ctx.period.end, "done" if actual >= goal else "overdue"
                )
                if actual < goal:
                    yield ctx.finding(
                        subject,
                        "target_missed",
                        Text(
                            f"{plan.name}：{ctx.year} 年{metric.label.zh}目标 {goal} 个，完成 {actual} 个",
                            f"{plan.name}: {ctx.year} target of {goal} {metric.label.en}, achieved {actual}",
                        ),
                        expected=goal,
                        actual=actual,
                        fix=Text(
                            f"在 {metric.recorded_in} 记录本年建成的{metric.label.zh}",
                            f"record this year's {metric.label.en} in {metric.recorded_in}",
                        ),
                    )
                continue
            grace = ctx.param("plan.pro_rata_grace_days", plan.owner_unit_id)
            judged = ctx.as_of - timedelta(days=grace)
            fraction = max(0, (judged - ctx.period.start).days + 1) / ctx.period.days
            expected_now = math.floor(goal * fraction)
            status = "done" if actual >= goal else "pending"
            yield ctx.occurrence(
                subject,
                str(ctx.year),
                ctx.period.end,
                status,
                note=Text(f"按进度应完成 {expected_now} 个", f"{expected_now} expected by now"),
            )
            if actual < expected_now:
                yield ctx.finding(
                    subject,
                    "behind_schedule",
                    Text(
                        f"{plan.name}：{metric.label.zh}按进度应完成 {expected_now} 个，已完成 {actual} 个"
                        f"（全年 {goal} 个）",
                        f"{plan.name}: {expected_now} {metric.label.en} expected by now, {actual} done "
                        f"(target {goal} for the year)",
                    ),
                    severity=Severity.WARNING,
                    expected=expected_now,
                    actual=actual,
                    fix=Text(
                        f"加快建设，年底前完成 {goal} 个；已建成的在 branches.yaml 中记录",
                        f"speed up to reach {goal} by the year's end; record those built in "
                        "branches.yaml",
                    ),
                )


RULES = (
    Rule(
        key="plan.targets",
        title=Text("规划年度目标", "plan targets for the year"),
        check=check_targets,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(SOURCE, MODEL_BRANCHES),
        parameters=(
            "plan.target.standardized_venues",
            "plan.target.demonstration_points",
            "plan.target.model_branches",
            "plan.pro_rata_grace_days",
        ),
        topic="plans",
    ),
)
