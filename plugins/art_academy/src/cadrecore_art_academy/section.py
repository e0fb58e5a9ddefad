"""The art academy's section of the annual report: classes, attendance, exhibitions."""

from __future__ import annotations

from collections import Counter

from cadrecore import Text
from cadrecore.i18n import shown_ratio
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.rules import Finding, Report, SectionContext

from .rules import FINISHED, STOPPED, classes_of_year, enrolments, exhibitions_held
from .service import ENROLMENT, Discipline, term_year

#: Where the section goes: after the built-in sections, among the departments' services.
ORDER = 230


def own_findings(ctx: SectionContext, record_ids: set[str]) -> list[Finding]:
    """This plugin's findings, and the lifecycle deadline findings about its records."""
    own = set(map(id, ctx.findings))  # (the report's own findings, not copies)
    return [
        f
        for f in ctx.report.findings
        if id(f) in own or (f.subject.kind == "service_records" and f.subject.id in record_ids)
    ]


def _percent(numerator: int, denominator: int) -> float | None:
    # cut, not rounded: 1999 of 2000 is 99.9, never 100.0 while one is missing
    return None if denominator == 0 else round(shown_ratio(numerator / denominator) * 100, 1)


def art_academy_section(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection]:
    """The section for ``report.year``, as the ledger stood on ``report.as_of``."""
    year, as_of = report.year, report.as_of
    parsed = enrolments(ledger)  # (each record's details taken once, for all below)
    records = [(r, d) for r, d in parsed if term_year(d.term) == year and r.requested <= as_of]
    held = exhibitions_held(ledger, year, as_of)
    if not records and not held:
        return []
    en = lang == "en"
    classes = classes_of_year(ledger, year, as_of, parsed)
    rows = []
    for key, students in classes.items():
        details = students[0][1]
        finished = [d for r, d in students if r.state in FINISHED]
        attended = sum(d.sessions_attended for d in finished)
        planned = sum(d.sessions_planned for d in finished)
        rows.append(
            (
                key.term,
                key.class_name,
                details.discipline.value if en else details.discipline.zh,
                min(d.capacity for _, d in students),
                len(students),
                len(finished),
                _percent(attended, planned),
            )
        )
    by_discipline = Counter(
        d.discipline for r, d in records if r.state not in STOPPED and r.state.value != "requested"
    )
    enrolled = sum(len(s) for s in classes.values())
    finished_all = [d for r, d in records if r.state in FINISHED]
    attended = sum(d.sessions_attended for d in finished_all)
    planned = sum(d.sessions_planned for d in finished_all)
    rate = _percent(attended, planned)
    exhibitions = [a for unit in sorted(held) for a in held[unit]]
    findings = own_findings(ctx, {r.id for r, _ in parsed})
    rate_text = f"{rate}%" if rate is not None else "-"
    summary = Text(
        f"{year} 年各学期在册学员 {enrolled} 人次，结业 {len(finished_all)} 人次，结业学员平均出勤率 "
        f"{rate_text}；举办学员作品展 {len(exhibitions)} 次。规则检查发现 {len(findings)} 条问题。",
        f"In the terms of {year}, {enrolled} student places were taken and {len(finished_all)} "
        f"finished, attending {rate_text} of the planned sessions; {len(exhibitions)} student "
        f"exhibition(s) were held. The rules found {len(findings)} issue(s).",
    )
    tables = [
        Table(
            Text("各班级学员与出勤", "Classes: students and attendance"),
            (
                Text("学期", "term"),
                Text("班级", "class"),
                Text("专业", "discipline"),
                Text("班额", "capacity"),
                Text("在册学员", "students"),
                Text("结业", "finished"),
                Text("出勤率（%）", "attendance (%)"),
            ),
            tuple(rows),
        ),
        Table(
            Text("学员作品展", "Student exhibitions"),
            (Text("日期", "date"), Text("名称", "title"), Text("参观人次", "visitors")),
            tuple((a.date.isoformat(), a.title, a.headcount) for a in exhibitions),
        ),
    ]
    if findings:
        tables.append(
            Table(
                Text("需要关注的问题", "Issues found"),
                (Text("规则", "rule"), Text("对象", "subject"), Text("说明", "message")),
                tuple(
                    (f.rule_id, f.subject.id, f.message.en if en else f.message.zh)
                    for f in findings
                ),
            )
        )
    chart = Chart(
        Text("各专业报名人次", "Enrolments by discipline"),
        "bar",
        tuple(d.value if en else d.zh for d in Discipline if by_discipline[d]),
        tuple(float(by_discipline[d]) for d in Discipline if by_discipline[d]),
    )
    return [
        ReportSection(
            key=ENROLMENT.key,
            title=Text("画院忻州分院书画班", "The art academy branch's classes"),
            order=ORDER,
            paragraphs=(summary,),
            tables=tuple(tables),
            charts=(chart,),
        )
    ]
