"""The annual report's built-in sections on the branches' work: the yearly checklist ("six
ones", order 10), party organizations (20: branches by type and tie, coverage by county) and
organizational life (30: activity by month, each rule's occurrences).

It imports the layers below the built-ins (models, ledger, rules' findings, the reports'
figures, labels and sections) and :mod:`.report_common`; never the store, io or the CLI, nor
:mod:`.report`, which imports it.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress

from ..i18n import Lang, Text, shown_ratio
from ..ledger import Ledger
from ..models import Activity, PartyOrgKind, Tie
from ..reports import figures as count
from ..reports.assessment import OBLIGATION_COLUMNS, obligation_rows, rule_titles
from ..reports.labels import NO_VALUE, evidence_text, rate_cell, status_label
from ..reports.sections import Chart, ReportSection, Table
from ..rules.findings import Report
from .report_common import Row, T, findings_by_subject, iso, occurrences_by_subject, unit_name

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
    held = occurrences_by_subject(report, "checklist.items")
    findings = findings_by_subject(report)
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
                    unit_name(ledger, entry.owner_unit_id or checklist.owner_unit_id),
                    due.isoformat(),
                    status_label(occurrence.status if occurrence else None)(lang),
                    iso(occurrence.done_on if occurrence else None),
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
