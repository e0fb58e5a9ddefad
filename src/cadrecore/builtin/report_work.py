"""The annual report's built-in sections on the year's work: the plan's venues and
demonstration points against its targets (order 40), the theme and programmes (50), exemplars
and their results (60), services by type (70; the departments' own follow from their plugins)
and opinions and how they were answered (80).

It imports the layers below the built-ins (models, ledger, rules' findings, the reports'
figures, labels and sections) and :mod:`.report_common`; never the store, io or the CLI, nor
:mod:`.report`, which imports it.
"""

from __future__ import annotations

from collections import Counter

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..models import ServiceState
from ..reports import figures as count
from ..reports.labels import NO_VALUE, status_label
from ..reports.narrative import en_quantity, zh_quantity
from ..reports.sections import Chart, ReportSection, Table
from ..rules.findings import Report
from .report_common import Row, T, iso, occurrences_by_subject, unit_name

# =============================================================================================
# 40: the plan: standardized venues and demonstration points against the targets
# =============================================================================================


def plans(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    held = occurrences_by_subject(report, "plan.targets")
    goals = {m.subject.id: m.denominator for m in report.measures if m.name == "plan_progress"}
    rows: list[Row] = []
    paragraphs: list[Text] = []
    for plan in ledger.plans:
        if plan.from_year > year:
            continue
        paragraphs.append(
            T(
                f"{plan.name}（{plan.from_year}—{plan.to_year}年，{unit_name(ledger, plan.owner_unit_id)}）。",
                f"{plan.name} ({plan.from_year}–{plan.to_year}, {unit_name(ledger, plan.owner_unit_id)}).",
            )
        )
        for target in plan.targets:
            metric = ledger.registry.plan_metrics.get(target.metric)
            subject_id = f"{plan.id}:{target.metric}"
            for y in range(plan.from_year, min(plan.to_year, year) + 1):
                done = metric.measure(ledger, y)
                goal = target.per_year if target.per_year is not None else None
                if goal is None and y == year:
                    goal = goals.get(subject_id)
                if y == year and subject_id in held:
                    status = status_label(held[subject_id].status)(lang)
                elif goal is None:
                    status = NO_VALUE
                else:
                    status = (T("达标", "met") if done >= goal else T("未达标", "missed"))(lang)
                rows.append(
                    (
                        plan.name,
                        metric.label(lang),
                        y,
                        goal if goal is not None else NO_VALUE,
                        done,
                        status,
                    )
                )
    built: list[Row] = [
        (
            b.name,
            unit_name(ledger, b.county_id),
            b.venue or NO_VALUE,
            "✓" if b.venue_standardized_year == year else "",
            "✓" if b.demonstration_year == year else "",
        )
        for b in ledger.branches
        if b.venue_standardized_year == year or b.demonstration_year == year
    ]
    tables = []
    if rows:
        tables.append(
            Table(
                T("规划年度目标完成情况", "Plan targets, year by year"),
                (
                    T("规划", "plan"),
                    T("指标", "metric"),
                    T("年度", "year"),
                    T("目标", "target"),
                    T("完成", "done"),
                    T("状态", "status"),
                ),
                tuple(rows),
            )
        )
    if built:
        tables.append(
            Table(
                T(
                    f"{year}年建成的标准化活动场所和示范点",
                    f"Venues and demonstration points of {year}",
                ),
                (
                    T("党支部", "branch"),
                    T("县（市、区）", "county"),
                    T("活动场所", "venue"),
                    T("标准化活动场所", "standardized venue"),
                    T("“三基建设”示范点", "demonstration point"),
                ),
                tuple(built),
            )
        )
    if not paragraphs:
        paragraphs.append(T("账册中没有规划。", "The ledger holds no plan."))
    return ReportSection(
        key="builtin.plans",
        title=T("标准化活动场所与“三基建设”示范点", "Standardized venues and demonstration points"),
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
    )


# =============================================================================================
# 50: the year's theme and programmes
# =============================================================================================


def themes(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    theme = ledger.theme_of(year)
    rows: list[Row] = []
    # how many activities each theme had (by a column: a province holds millions)
    themed = [t for t in sorted(ledger.themes, key=lambda t: (t.year, t.id)) if t.year <= year]
    held_by_theme = (
        Counter(
            ledger.column_values(
                "activities", "theme_id", where={"theme_id": {t.id for t in themed}}
            )[0]
        )
        if themed
        else {}
    )
    for t in themed:
        programmes = [p.name for p in ledger.programmes if p.theme_id == t.id]
        held = held_by_theme.get(t.id, 0)
        rows.append(
            (t.year, t.title, unit_name(ledger, t.owner_unit_id), "；".join(programmes), held)
        )
    programmes_of_year = [p for p in ledger.programmes if p.year == year]
    paragraph = (
        T(
            f"{year}年主题：“{theme.title}”；系列活动{len(programmes_of_year)}项。",
            f"The theme of {year}: {theme.title}; {len(programmes_of_year)} programme(s).",
        )
        if theme
        else T(f"{year}年未确定主题。", f"No theme is recorded for {year}.")
    )
    return ReportSection(
        key="builtin.themes",
        title=T("精神富养：一年一个主题", "Spiritual enrichment: a theme a year"),
        paragraphs=(paragraph,),
        tables=(
            Table(
                T("历年主题与系列活动", "Themes and programmes by year"),
                (
                    T("年度", "year"),
                    T("主题", "theme"),
                    T("确定单位", "set by"),
                    T("系列活动", "programmes"),
                    T("主题活动记录", "activities recorded"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )


# =============================================================================================
# 60: exemplars and their results
# =============================================================================================


def exemplars(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    rows: list[Row] = []
    for project in ledger.projects:
        if project.from_year > year:
            continue
        if lang == "en":
            results = "; ".join(
                f"{r.metric.value.replace('_', ' ')}: {en_quantity(r.value, r.unit, r.at_least)}"
                for r in project.results
            )
        else:
            results = "；".join(
                f"{r.metric.zh}{zh_quantity(r.value, r.unit, r.at_least)}" for r in project.results
            )
        rows.append(
            (
                ledger.cadre(project.leader_id).name,
                unit_name(ledger, project.county_id),
                project.field.zh if lang == "zh" else project.field.value.replace("_", " "),
                project.name,
                ledger.branch(project.branch_id).name if project.branch_id else NO_VALUE,
                project.from_year,
                results,
            )
        )
    return ReportSection(
        key="builtin.exemplars",
        title=T("老有所为：杰出带头人", "Doing something in old age: exemplars"),
        paragraphs=(
            T(f"杰出带头人及其项目{len(rows)}个。", f"{len(rows)} exemplar project(s).")
            if rows
            else T("账册中没有杰出带头人的项目。", "The ledger holds no exemplar's project."),
        ),
        tables=(
            Table(
                T("杰出带头人及其成果", "Exemplars and their results"),
                (
                    T("带头人", "exemplar"),
                    T("县（市、区）", "county"),
                    T("领域", "field"),
                    T("项目", "project"),
                    T("所在支部", "branch"),
                    T("起始年份", "since"),
                    T("成果", "results"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )


# =============================================================================================
# 70: services by type (the departments' own sections follow, from their plugins)
# =============================================================================================


def services(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    rows: list[Row] = []
    for service_type in ledger.registry.service_types:
        records = ledger.service_records_of(service_type.key)
        if not records:
            continue
        ratings = [r.rating for r in records if r.rating is not None]
        states = Counter(r.state for r in records)
        spread = ("；" if lang == "zh" else "; ").join(
            f"{s.zh if lang == 'zh' else s.value} {states[s]}" for s in ServiceState if states[s]
        )
        rows.append(
            (
                service_type.label(lang),
                service_type.department(lang),
                ledger.registry.service_types.owner(service_type.key),
                sum(1 for r in records if r.requested.year == year),
                sum(1 for r in records if r.delivered is not None and r.delivered.year == year),
                len(records),
                len({r.cadre_id for r in records}),
                round(sum(ratings) / len(ratings), 2) if ratings else NO_VALUE,
                spread,
            )
        )
    return ReportSection(
        key="builtin.services",
        title=T("“五化”建设：服务", 'Services: the "five-ization" construction'),
        paragraphs=(
            T(
                f"{len(rows)}类服务，各由其部门的插件提供；部门插件自己的章节另列。",
                f"{len(rows)} service type(s), each shipped by its department's plugin; the "
                "departments' plugins add sections of their own.",
            )
            if rows
            else T("账册中没有服务记录。", "The ledger holds no service record."),
        ),
        tables=(
            Table(
                T("服务：按类型", "Services by type"),
                (
                    T("服务类型", "service"),
                    T("部门", "department"),
                    T("插件", "plugin"),
                    T(f"{year}年受理", f"requested in {year}"),
                    T(f"{year}年完成服务", f"delivered in {year}"),
                    T("累计记录", "on file"),
                    T("服务人数", "cadres served"),
                    T("平均评价", "mean rating"),
                    T("状态分布", "by state"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
        charts=(
            Chart(
                T(f"{year}年各类服务受理量", f"Service volumes, {year}"),
                "bar",
                tuple(str(r[0]) for r in rows),
                tuple(float(r[3] or 0) for r in rows),
            ),
        )
        if rows
        else (),
    )


# =============================================================================================
# 80: opinions and suggestions and how they were answered
# =============================================================================================


def opinions(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year, day = report.year, report.as_of
    held = occurrences_by_subject(report, "opinions.answered")
    figures = count.opinions(ledger, year, day)
    rows: list[Row] = []
    for o in sorted(ledger.opinions, key=lambda o: (o.raised, o.id)):
        if o.raised.year != year or o.raised > day:
            continue
        answered = o.answered if o.answered and o.answered <= day else None
        occurrence = held.get(o.id)
        feedback = {True: T("满意", "satisfied"), False: T("不满意", "not satisfied")}
        rows.append(
            (
                o.id,
                o.raised.isoformat(),
                o.raised_by or NO_VALUE,
                o.content,
                o.category or NO_VALUE,
                unit_name(ledger, o.assigned_unit_id),
                iso(answered),
                (answered - o.raised).days if answered else NO_VALUE,
                status_label(occurrence.status if occurrence else None)(lang),
                feedback[o.satisfied](lang) if o.satisfied is not None else NO_VALUE,
            )
        )
    return ReportSection(
        key="builtin.opinions",
        title=T("意见建议办理", "Opinions and suggestions"),
        paragraphs=(
            T(
                f"{year}年收集意见建议{figures['raised']}条，已答复{figures['answered']}条，"
                f"尚未答复{figures['unanswered']}条；满意{figures['satisfied']}条，"
                f"不满意{figures['unsatisfied']}条，尚未反馈{figures['no_feedback']}条。",
                f"{figures['raised']} raised in {year}, {figures['answered']} answered, "
                f"{figures['unanswered']} unanswered; {figures['satisfied']} satisfied, "
                f"{figures['unsatisfied']} not satisfied, {figures['no_feedback']} without feedback.",
            ),
        ),
        tables=(
            Table(
                T("意见建议及答复", "Opinions and their answers"),
                (
                    T("编号", "id"),
                    T("提出日期", "raised"),
                    T("提出人", "raised by"),
                    T("内容", "content"),
                    T("类别", "category"),
                    T("承办单位", "assigned to"),
                    T("答复日期", "answered"),
                    T("用时（天）", "days"),
                    T("状态", "status"),
                    T("满意度", "feedback"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )
