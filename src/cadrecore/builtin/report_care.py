"""The annual report's built-in sections on treatment and bodies: the higher standard of
treatment (order 90), bodies, quotas and staff (100) and recognitions (110).

It imports the layers below the built-ins (models, ledger, rules' findings, the reports'
figures, labels and sections) and :mod:`.report_common`; never the store, io or the CLI, nor
:mod:`.report`, which imports it.
"""

from __future__ import annotations

from collections import Counter

from ..i18n import Lang
from ..ledger import Ledger
from ..reports import figures as count
from ..reports.labels import NO_VALUE
from ..reports.sections import ReportSection, Table
from ..rules.findings import Report
from .report_common import Row, T, unit_name

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
                unit_name(ledger, e.unit_id),
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
                unit_name(ledger, p.unit_id),
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
                f"{unit_name(ledger, before.unit_id)} {before.post}".strip()
                if before
                else NO_VALUE,
                f"{unit_name(ledger, a.unit_id)} {a.post}".strip(),
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
