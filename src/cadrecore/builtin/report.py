"""The annual report's built-in sections, contributed through ``report_sections`` like any
plugin's: the "six ones", party organizations, organizational life, the plan, themes, exemplars,
services, opinions, treatment, bodies and staff, recognitions, and the findings with what to fix.

Sections carry both languages in their titles, headings and paragraphs; chart labels and table
cells that are words follow ``lang``. Built-ins use orders 10, 20, …, 110 (35 for party groups
and 45 for model branches, :mod:`.report_groups`) and 900 (findings
last), so a plugin places its own section among them by its ``order``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from itertools import compress
from typing import Any

from ..i18n import Lang, Text, in_lang, percent, shown_ratio
from ..ledger import Ledger
from ..models import Activity, PartyOrgKind, ServiceState, Tie
from ..plugins import hookimpl
from ..reports import figures as count
from ..reports.assessment import OBLIGATION_COLUMNS, obligation_rows, rule_titles
from ..reports.labels import NO_VALUE, evidence_text, rate_cell, status_label, subject_name
from ..reports.narrative import en_quantity, zh_quantity
from ..reports.sections import Cell, Chart, ReportSection, Table
from ..rules.findings import Finding, Occurrence, Report, ResolvedParameter, Severity
from . import report_dues, report_groups

T = Text
Row = tuple[Cell, ...]


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "zh"


def _occurrences(report: Report, rule_key: str) -> dict[str, Occurrence]:
    """Occurrences of one built-in rule (``checklist.items``) by subject id."""
    return {o.subject.id: o for o in report.occurrences if o.rule_id == f"builtin::{rule_key}"}


def _findings_by_subject(report: Report) -> dict[tuple[str, str], list[Finding]]:
    found: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        found[(f.subject.kind, f.subject.id)].append(f)
    return found


def _unit_name(ledger: Ledger, unit_id: str | None) -> str:
    if unit_id is None:
        return NO_VALUE
    try:
        return ledger.unit(unit_id).name
    except KeyError:
        return unit_id


def _iso(day: date | None) -> str:
    return day.isoformat() if day else NO_VALUE


# =============================================================================================
# 10: the yearly checklist ("six ones")
# =============================================================================================


def _leaders(activity: Activity, lang: Lang) -> str:
    if not activity.leaders:
        return ""
    if lang == "en":
        return "; ".join(f"{p.name} ({p.body.en})" for p in activity.leaders)
    return "；".join(f"{p.name}（{p.body.zh}）" for p in activity.leaders)


def six_ones(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    held = _occurrences(report, "checklist.items")
    findings = _findings_by_subject(report)
    paragraphs: list[Text] = []
    tables: list[Table] = []
    for checklist in ledger.checklists:
        if not checklist.holds_in(year):
            continue
        rows: list[Row] = []
        done = 0
        for entry in checklist.items:
            item = ledger.registry.checklist_items.get(entry.item)
            due = (entry.due or item.default_due).in_year(year)
            subject_id = f"{checklist.id}:{entry.item}"
            occurrence = held.get(subject_id)
            activity = (
                ledger.get("activities", occurrence.satisfied_by)
                if occurrence is not None and occurrence.satisfied_by
                else None
            )
            done += occurrence is not None and occurrence.satisfied
            problems = findings.get(("checklist_items", subject_id), [])
            rows.append(
                (
                    item.label(lang),
                    _unit_name(ledger, entry.owner_unit_id or checklist.owner_unit_id),
                    due.isoformat(),
                    status_label(occurrence.status if occurrence else None)(lang),
                    _iso(occurrence.done_on if occurrence else None),
                    evidence_text(ledger, activity.id if activity else None, lang),
                    (activity.evidence if activity else "") or NO_VALUE,
                    _leaders(activity, lang) if activity else "",
                    "；".join(f.message(lang) for f in problems),
                )
            )
        paragraphs.append(
            T(
                f"{checklist.name}：{year}年应完成{len(rows)}项，已完成{done}项。",
                f"{checklist.name}: {done} of {len(rows)} items done in {year}.",
            )
        )
        tables.append(
            Table(
                T(f"{checklist.name}（{year}年）", f"{checklist.name} ({year})"),
                (
                    T("事项", "item"),
                    T("责任单位", "owner"),
                    T("时限", "due"),
                    T("状态", "status"),
                    T("完成日期", "done on"),
                    T("佐证记录", "evidence record"),
                    T("佐证材料", "evidence"),
                    T("出席领导", "leaders present"),
                    T("问题", "finding"),
                ),
                tuple(rows),
            )
        )
    if not tables:
        paragraphs.append(
            T(f"{year}年没有适用的年度工作清单。", f"No yearly checklist holds in {year}.")
        )
    return ReportSection(
        key="builtin.six_ones",
        title=T("“六个一”工作机制", 'The "six ones" mechanism'),
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
    )


# =============================================================================================
# 20: party organizations: branches by type and tie, coverage by county
# =============================================================================================


def party_orgs(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    day = report.as_of
    orgs = Counter(o.kind for o in ledger.party_orgs)
    org_text_zh = "、".join(f"{k.zh}{orgs[k]}个" for k in PartyOrgKind if orgs[k])
    org_text_en = ", ".join(
        f"{orgs[k]} {k.value.replace('_', ' ')}" for k in PartyOrgKind if orgs[k]
    )
    # the memberships holding on the day, per branch (``members_of(branch, on=day)``), by columns
    _, branch_ids, holding = count.holding_on(ledger, day)
    members_by_branch = Counter(compress(branch_ids, holding))
    type_rows: list[Row] = []
    for branch_type in ledger.registry.branch_types:
        of_type = ledger.branches_of_type(branch_type.key)
        if not of_type:
            continue
        ties = Counter(b.tie for b in of_type)
        type_rows.append(
            (
                branch_type.label(lang),
                len(of_type),
                *(ties.get(tie, 0) for tie in Tie),
                sum(members_by_branch[b.id] for b in of_type),
                sum(1 for b in of_type if b.has_committee),
            )
        )
    all_ties = Counter(b.tie for b in ledger.branches)
    type_rows.append(
        (
            T("合计", "total")(lang),
            len(ledger.branches),
            *(all_ties.get(tie, 0) for tie in Tie),
            sum(members_by_branch.values()),
            sum(1 for b in ledger.branches if b.has_committee),
        )
    )
    by_county = count.coverage_by_county(ledger, day)
    county_rows: list[Row] = [
        (
            c["name"],
            c["branches"],
            c["party_members"],
            c["covered"],
            rate_cell(c["covered"], c["party_members"]),
        )
        for c in by_county
    ]
    total = count.coverage(ledger, day)
    covered = total["party_members"] - total["in_no_branch"]
    county_rows.append(
        (
            T("合计", "total")(lang),
            len(ledger.branches),
            total["party_members"],
            covered,
            rate_cell(covered, total["party_members"]),
        )
    )
    tie_label = {t: T(t.zh, f"tie: {t.value}") for t in Tie}
    charts = [
        Chart(
            T("党支部类型", "Branches by type"),
            "pie",
            tuple(str(r[0]) for r in type_rows[:-1]),
            tuple(float(r[1] or 0) for r in type_rows[:-1]),
        ),
        Chart(
            T("各县（市、区）党组织覆盖率（%）", "Coverage by county (%)"),
            "bar",
            tuple(c["name"] for c in by_county if c["party_members"]),
            tuple(
                round(100 * shown_ratio(c["covered"] / c["party_members"]), 1)
                for c in by_county
                if c["party_members"]
            ),
        ),
    ]
    return ReportSection(
        key="builtin.party_orgs",
        title=T("老干部党组织", "Party organizations of retired cadres"),
        paragraphs=(
            T(
                f"老干部党组织：{org_text_zh or '无'}；党支部{len(ledger.branches)}个。"
                f"截至{day}，在世党员{total['party_members']}人，编入一个支部{total['in_one_branch']}人，"
                f"未编入{total['in_no_branch']}人，重复编入{total['in_several']}人。",
                f"Party organizations: {org_text_en or 'none'}; {len(ledger.branches)} branches. "
                f"On {day}: {total['party_members']} living party members, {total['in_one_branch']} "
                f"in one branch, {total['in_no_branch']} in none, {total['in_several']} in several.",
            ),
        ),
        tables=(
            Table(
                T("党支部：按类型和组建纽带", "Branches by type and tie"),
                (
                    T("支部类型", "branch type"),
                    T("支部数", "branches"),
                    *(tie_label[t] for t in Tie),
                    T("党员数", "members"),
                    T("设支委会", "with committee"),
                ),
                tuple(type_rows),
            ),
            Table(
                T("党组织覆盖：按县（市、区）", "Coverage by county"),
                (
                    T("县（市、区）", "county"),
                    T("支部数", "branches"),
                    T("在世党员", "living party members"),
                    T("已编入支部", "in a branch"),
                    T("覆盖率", "coverage"),
                ),
                tuple(county_rows),
            ),
        ),
        charts=tuple(charts),
    )


# =============================================================================================
# 30: organizational life: activity by month, each rule's occurrences
# =============================================================================================

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def org_life(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    months = count.activities_by_month(ledger, year)
    rows = obligation_rows(
        report, rule_titles(ledger), lang, lambda rule_id: "::org_life." in rule_id
    )
    return ReportSection(
        key="builtin.org_life",
        title=T("组织生活", "Organizational life"),
        paragraphs=(
            T(
                f"{year}年各党支部开展组织生活{sum(months)}次（党员大会、支委会、党课、主题党日等）。",
                f"In {year} the branches held {sum(months)} meetings of organizational life "
                "(general meetings, committee meetings, lectures, themed party days…).",
            ),
        ),
        tables=(
            Table(
                T("组织生活制度落实情况", "Organizational life: obligations met"),
                OBLIGATION_COLUMNS,
                rows,
            ),
        )
        if rows
        else (),
        charts=(
            Chart(
                T(f"{year}年组织生活按月开展次数", f"Organizational life by month, {year}"),
                "line",
                _MONTHS_EN if lang == "en" else tuple(f"{m}月" for m in range(1, 13)),
                tuple(float(n) for n in months),
            ),
        ),
    )


# =============================================================================================
# 40: the plan: standardized venues and demonstration points against the targets
# =============================================================================================


def plans(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    held = _occurrences(report, "plan.targets")
    goals = {m.subject.id: m.denominator for m in report.measures if m.name == "plan_progress"}
    rows: list[Row] = []
    paragraphs: list[Text] = []
    for plan in ledger.plans:
        if plan.from_year > year:
            continue
        paragraphs.append(
            T(
                f"{plan.name}（{plan.from_year}—{plan.to_year}年，{_unit_name(ledger, plan.owner_unit_id)}）。",
                f"{plan.name} ({plan.from_year}–{plan.to_year}, {_unit_name(ledger, plan.owner_unit_id)}).",
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
            _unit_name(ledger, b.county_id),
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
            (t.year, t.title, _unit_name(ledger, t.owner_unit_id), "；".join(programmes), held)
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
                _unit_name(ledger, project.county_id),
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
    held = _occurrences(report, "opinions.answered")
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
                _unit_name(ledger, o.assigned_unit_id),
                _iso(answered),
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


# =============================================================================================
# 90: treatment: the higher standard
# =============================================================================================


def treatment(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    year = report.year
    # the year's grants by columns, each item's counted once (see figures.treatment_by_item)
    by_item = count.treatment_by_item(ledger, year)
    rows: list[Row] = [
        (item, found.grants, found.several_standards, found.higher, float(found.total_yuan))
        for item, found in sorted(by_item.items())
    ]
    return ReportSection(
        key="builtin.treatment",
        title=T("待遇保障：就高不就低", "Treatment: the higher standard"),
        paragraphs=(
            T(
                "多项标准适用时按较高标准发放（待遇就高不就低）。",
                "Where several standards apply, the higher one is granted.",
            ),
        ),
        tables=(
            Table(
                T(f"{year}年待遇发放", f"Treatment granted in {year}"),
                (
                    T("待遇项目", "item"),
                    T("发放笔数", "grants"),
                    T("适用多项标准", "several standards"),
                    T("按较高标准", "at the higher"),
                    T("金额合计（元）", "total (yuan)"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )


# =============================================================================================
# 100: bodies, quotas and staff
# =============================================================================================


def staffing(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    day, year = report.as_of, report.year
    b = count.bureaus(ledger, day)
    w = count.working_committee(ledger, day)
    occupied: Counter[tuple[str, str]] = Counter()
    for a in ledger.assignments:
        if a.holds_on(day):
            occupied[(a.unit_id, a.establishment_kind.value)] += 1
    establishment_rows: list[Row] = []
    for e in ledger.establishments:
        if not e.holds_on(day):
            continue
        used = occupied.get((e.unit_id, e.kind.value), 0)
        establishment_rows.append(
            (
                _unit_name(ledger, e.unit_id),
                e.kind.zh if lang == "zh" else e.kind.value.replace("_", " "),
                e.approved,
                used,
                e.approved - used,
            )
        )
    posts_used: Counter[tuple[str, str, str]] = Counter()
    for a in ledger.assignments:
        if a.tier is not None and a.holds_on(day):
            posts_used[(a.unit_id, a.tier.value, a.grade.value if a.grade else "*")] += 1
            posts_used[(a.unit_id, a.tier.value, "*")] += a.grade is not None
    post_rows: list[Row] = []
    for p in ledger.leadership_posts:
        if not p.holds_on(day):
            continue
        grade = p.grade.value if p.grade else "*"
        post_rows.append(
            (
                _unit_name(ledger, p.unit_id),
                p.tier.zh if lang == "zh" else p.tier.value,
                (p.grade.zh if lang == "zh" else p.grade.value) if p.grade else NO_VALUE,
                p.approved,
                posts_used.get((p.unit_id, p.tier.value, grade), 0),
            )
        )
    first = min((a.start.year for a in ledger.assignments if a.promotion), default=year)
    promoted = count.promotions(ledger, first, year)
    promotion_rows: list[Row] = []
    for assignment_id in promoted["assignments"]:
        a = ledger.get("assignments", assignment_id)
        before = count.previous_assignment(ledger, a)
        promotion_rows.append(
            (
                ledger.get("staff", a.staff_id).name,
                f"{_unit_name(ledger, before.unit_id)} {before.post}".strip()
                if before
                else NO_VALUE,
                f"{_unit_name(ledger, a.unit_id)} {a.post}".strip(),
                a.start.isoformat(),
            )
        )
    staff_now = len({a.staff_id for a in ledger.assignments if a.holds_on(day)})
    paragraph = T(
        f"老干部局{b['total']}个（市级{b['city']}个、县级{b['county']}个），截至{day}保留{b['kept']}个；"
        + (
            f"{w['units'][0]}编制{w['establishment']}名、科级职数{w['section_posts']}名；"
            if w["units"]
            else ""
        )
        + f"在岗老干部工作者{staff_now}人"
        + (f"；{first}—{year}年提拔{len(promotion_rows)}人次。" if promotion_rows else "。"),
        f"{b['total']} veteran cadre bureaus ({b['city']} city, {b['county']} county), {b['kept']} "
        f"existing on {day}; "
        + (
            f"{w['units'][0]}: establishment {w['establishment']}, section-level posts "
            f"{w['section_posts']}; "
            if w["units"]
            else ""
        )
        + f"{staff_now} staff in post"
        + (f"; {len(promotion_rows)} promotion(s) {first}–{year}." if promotion_rows else "."),
    )
    tables = [
        Table(
            T("编制：核定与实有", "Establishment: approved and occupied"),
            (
                T("单位", "unit"),
                T("编制类型", "kind"),
                T("核定", "approved"),
                T("实有", "occupied"),
                T("空编（负数为超编）", "vacant (negative: over)"),
            ),
            tuple(establishment_rows),
        ),
        Table(
            T("领导职数：核定与实配", "Leadership posts: approved and occupied"),
            (
                T("单位", "unit"),
                T("层级", "tier"),
                T("正副职", "grade"),
                T("核定", "approved"),
                T("实配", "occupied"),
            ),
            tuple(post_rows),
        ),
    ]
    if promotion_rows:
        tables.append(
            Table(
                T("提拔任用", "Promotions"),
                (T("人员", "staff"), T("原任", "from"), T("新任", "to"), T("任职日期", "since")),
                tuple(promotion_rows),
            )
        )
    return ReportSection(
        key="builtin.staffing",
        title=T("机构、编制与队伍建设", "Bodies, quotas and staff"),
        paragraphs=(paragraph,),
        tables=tuple(t for t in tables if t.rows),
    )


# =============================================================================================
# 110: recognitions
# =============================================================================================


def recognitions(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    found = count.recognitions(ledger, up_to=report.as_of)
    rows: list[Row] = [
        (
            r["date"],
            r["level_label"] if lang == "zh" else r["level"],
            r["kind_label"] if lang == "zh" else r["kind"].replace("_", " "),
            r["title"],
            r["recipient"] or NO_VALUE,
            r["source"] or NO_VALUE,
        )
        for r in found
    ]
    return ReportSection(
        key="builtin.recognitions",
        title=T("荣誉与报道", "Recognition"),
        paragraphs=(
            T(
                f"荣誉、现场会、批示与报道共{len(rows)}项。",
                f"{len(rows)} recognition(s) on record.",
            )
            if rows
            else T("账册中没有荣誉与报道记录。", "The ledger records no recognition."),
        ),
        tables=(
            Table(
                T("荣誉与报道", "Recognition"),
                (
                    T("日期", "date"),
                    T("级别", "level"),
                    T("类别", "kind"),
                    T("名称", "title"),
                    T("对象", "recipient"),
                    T("来源", "source"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )


# =============================================================================================
# 900: findings grouped by severity, with what to fix
# =============================================================================================

_FINDING_COLUMNS = (
    T("规则", "rule"),
    T("对象", "subject"),
    T("期间", "period"),
    T("问题", "finding"),
    T("应为", "expected"),
    T("实为", "actual"),
    T("整改建议", "what to fix"),
)


def _finding_row(ledger: Ledger, f: Finding, lang: Lang) -> Row:
    def scalar(value: Any) -> Cell:
        if value is None:
            return NO_VALUE
        if isinstance(value, bool):
            return str(value).lower()
        return value  # type: ignore[no-any-return]

    return (
        f.rule_id,
        subject_name(ledger, f.subject, lang),
        f.period,
        f.message(lang),
        scalar(f.expected),
        scalar(f.actual),
        f.fix(lang) if f.fix else NO_VALUE,
    )


_PARAMETER_COLUMNS = (
    T("参数", "parameter"),
    T("适用的值", "values applied"),
    T("生效日期", "from"),
    T("依据", "source"),
    T("状态", "status"),
    T("来自", "origin"),
)

_PARAMETER_STATUS = {
    "confirmed": T("已确认", "confirmed"),
    "local": T("本地做法", "local"),
    "unverified": T("待核实", "unverified"),
}


def _value_text(value: object, lang: Lang) -> str:
    """A parameter's value in words: a list's items joined (``community、rural``), a mapping's
    as ``key=value`` (a band of rates: ``up_to=5000.00, rate=0.005``), a list of mappings one
    after the other (``up_to=5000.00, rate=0.005; rate=0.01``)."""
    if isinstance(value, Mapping):
        comma = "，" if lang == "zh" else ", "
        return comma.join(f"{k}={_value_text(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        if any(isinstance(item, Mapping) for item in value):
            glue = "；" if lang == "zh" else "; "
        else:
            glue = "、" if lang == "zh" else ", "
        return glue.join(_value_text(item, lang) for item in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _parameter_value(ledger: Ledger, p: ResolvedParameter, lang: Lang) -> str:
    """A value as the table shows it, with the unit it is for and whether it held on the day
    judged or only for an earlier one (a committee's election day)."""
    text = _value_text(p.value, lang)
    notes = [] if p.unit_id is None else [_unit_name(ledger, p.unit_id)]
    if not p.current:
        notes.append(T("用于此前日期", "for an earlier day")(lang))
    if not notes:
        return text
    return f"{text}（{'，'.join(notes)}）" if lang == "zh" else f"{text} ({', '.join(notes)})"


def parameter_rows(ledger: Ledger, report: Report, lang: Lang) -> tuple[Row, ...]:
    """One row per parameter the check applied, each value it applied in the row's cells, in
    the same order in each column (the value, the date it holds from, its source...)."""
    by_key: dict[str, list[ResolvedParameter]] = defaultdict(list)
    for p in report.parameters:
        by_key[p.key].append(p)
    glue = "；" if lang == "zh" else "; "
    rows: list[Row] = []
    for key in sorted(by_key):
        cells = [
            (
                _parameter_value(ledger, p, lang),
                _iso(p.effective_from),
                in_lang(p.source, lang),
                _PARAMETER_STATUS.get(p.status, T(p.status, p.status))(lang),
                p.origin,
            )
            for p in by_key[key]
        ]
        columns = zip(*cells, strict=True)
        # (a column whose cells are all the same says it once)
        rows.append((key, *(c[0] if len(set(c)) == 1 else glue.join(c) for c in columns)))
    return tuple(rows)


def findings(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    counts = report.counts
    compliance = report.compliance()
    tables: list[Table] = []
    for severity in sorted(Severity, reverse=True):
        group = [f for f in report.findings if f.severity == severity]
        if group:
            tables.append(
                Table(
                    T(
                        f"{severity.label.zh}（{len(group)}）",
                        f"{severity.label.en} ({len(group)})",
                    ),
                    _FINDING_COLUMNS,
                    tuple(_finding_row(ledger, f, lang) for f in group),
                )
            )
    if report.waived:
        tables.append(
            Table(
                T(f"已豁免（{len(report.waived)}）", f"Waived ({len(report.waived)})"),
                (*_FINDING_COLUMNS[:4], T("豁免依据", "waiver")),
                tuple(
                    (*_finding_row(ledger, f, lang)[:4], f.waived_by or NO_VALUE)
                    for f in report.waived
                ),
            )
        )
    if report.errored:
        tables.append(
            Table(
                T("运行出错的规则", "Rules that failed to run"),
                (T("规则", "rule"), T("插件", "plugin"), T("错误", "error")),
                tuple((e.rule_id, e.plugin, e.error) for e in report.errored),
            )
        )
    if report.parameters:
        tables.append(
            Table(
                T("检查所依据的参数", "Parameters the check applied"),
                _PARAMETER_COLUMNS,
                parameter_rows(ledger, report, lang),
            )
        )
    ratio = percent(compliance, none=NO_VALUE)
    verdict = T("通过", "pass") if report.success else T("未通过", "fail")
    return ReportSection(
        key="builtin.findings",
        title=T("问题清单与整改建议", "Findings and what to fix"),
        paragraphs=(
            T(
                f"按{len(report.rules_run)}条规则检查（截至{report.as_of}）：{verdict.zh}；错误{counts['error']}项，"
                f"警告{counts['warning']}项，提示{counts['info']}项，豁免{len(report.waived)}项，"
                f"出错规则{len(report.errored)}条；履职率{ratio}。",
                f"Checked against {len(report.rules_run)} rules as of {report.as_of}: {verdict.en}; "
                f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, "
                f"{len(report.waived)} waived, {len(report.errored)} rule(s) errored; compliance {ratio}.",
            ),
        )
        + (() if report.findings else (T("未发现问题。", "No finding."),)),
        tables=tuple(tables),
    )


# =============================================================================================

Builder = Callable[[Ledger, Report, Lang], ReportSection]

#: Each built-in section's builder and its order (findings last, after any plugin's section).
BUILDERS: tuple[tuple[int, Builder], ...] = (
    (10, six_ones),
    (20, party_orgs),
    (30, org_life),
    (35, report_groups.party_groups),
    (38, report_dues.party_dues),
    (40, plans),
    (45, report_groups.model_branches),
    (50, themes),
    (60, exemplars),
    (70, services),
    (80, opinions),
    (90, treatment),
    (100, staffing),
    (110, recognitions),
    (900, findings),
)


@hookimpl
def report_sections(ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The built-in sections of the annual report, in order."""
    chosen = _lang(lang)
    sections = []
    for order, build in BUILDERS:
        try:
            section = build(ledger, report, chosen)
        except Exception as exc:  # one broken section must not take the others with it
            error = f"{type(exc).__name__}: {exc}"
            section = ReportSection(
                key=f"builtin.{build.__name__}",
                title=T(
                    f"未能生成的章节：{build.__name__}", f"Section that failed: {build.__name__}"
                ),
                paragraphs=(T(f"本节生成时出错：{error}", f"This section failed: {error}"),),
            )
        sections.append(replace(section, order=order))
    return sections
