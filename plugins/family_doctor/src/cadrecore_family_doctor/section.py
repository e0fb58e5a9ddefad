"""The family-doctor section of the annual report: coverage by county, visits by clinic."""

from __future__ import annotations

from collections import Counter

from cadrecore import Text
from cadrecore.i18n import shown_ratio
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.rules import Finding, Report, SectionContext

from .parameters import MIN_AGE, VISIT_GRACE_DAYS
from .rules import contracts, coverage, in_force, signed_by, visit_schedule
from .service import CONTRACT

#: Where the section goes: after the built-in sections, first among the departments' services.
ORDER = 210


def own_findings(ctx: SectionContext, record_ids: set[str]) -> list[Finding]:
    """This plugin's findings, and the lifecycle deadline findings about its records."""
    own = set(ctx.findings)
    return [
        f
        for f in ctx.report.findings
        if f in own or (f.subject.kind == "service_records" and f.subject.id in record_ids)
    ]


def _percent(numerator: int, denominator: int) -> float | None:
    # cut, not rounded: 1999 of 2000 is 99.9, never 100.0 while one is missing
    return None if denominator == 0 else round(shown_ratio(numerator / denominator) * 100, 1)


def family_doctor_section(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection]:
    """The section for ``report.year``, as the ledger stood on ``report.as_of``."""
    year, as_of = report.year, report.as_of
    records = contracts(ledger)
    if not records:
        return []
    del lang  # every cell is a name or a number; titles carry both languages
    counties = sorted(set(ledger.column_values("cadres", "county_id")[0]))  # (by a column)
    min_age_of = {c: int(ctx.param(MIN_AGE, c)) for c in counties}
    by_county = coverage(ledger, as_of, min_age_of)
    names = {u.id: u.name for u in ledger.units}
    coverage_rows = tuple(
        (
            names.get(c.county_id, c.county_id),
            len(c.aged),
            len(c.covered),
            _percent(len(c.covered), len(c.aged)),
            len(c.refused),
            len(c.uncovered) if c.in_programme else None,
        )
        for c in sorted(by_county, key=lambda c: (-len(c.covered), -len(c.aged), c.county_id))
    )
    in_force_now: Counter[str] = Counter()
    visits: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    for record, details in records:
        if in_force(record, details, as_of):
            in_force_now[details.clinic] += 1
        if not signed_by(record, as_of):
            continue
        visits[details.clinic] += sum(1 for v in details.visits if v.year == year and v <= as_of)
        grace = int(ctx.param(VISIT_GRACE_DAYS, record.provider_unit_id))
        for item in visit_schedule(details, as_of, grace):
            if item.due.year == year and item.status in ("done", "late", "overdue"):
                judged[details.clinic] += 1
                on_time[details.clinic] += item.status == "done"
    clinics = sorted(set(in_force_now) | set(visits), key=lambda c: (-in_force_now[c], c))
    clinic_rows = tuple(
        (c, in_force_now[c], visits[c], _percent(on_time[c], judged[c])) for c in clinics
    )
    aged = sum(len(c.aged) for c in by_county)
    covered = sum(len(c.covered) for c in by_county)
    findings = own_findings(ctx, {r.id for r, _ in records})
    ages = sorted(set(min_age_of.values()))
    age = str(ages[0]) if len(ages) == 1 else f"{ages[0]}–{ages[-1]}"
    summary = Text(
        f"截至 {as_of}，{age} 岁以上在世老干部 {aged} 人，与家庭医生签约在约 {covered} 人"
        f"（{_percent(covered, aged)}%）；{year} 年家庭医生上门随访 {sum(visits.values())} 次。"
        f"规则检查发现 {len(findings)} 条问题。",
        f"On {as_of}, {covered} of {aged} living cadres aged {age} or over had a family doctor "
        f"({_percent(covered, aged)}%); doctors made {sum(visits.values())} follow-up visits in "
        f"{year}. The rules found {len(findings)} issue(s).",
    )
    tables = (
        Table(
            Text("各县（市、区）高龄老干部签约情况", "Coverage of the oldest cadres by county"),
            (
                Text("县（市、区）", "county"),
                Text(f"{age} 岁以上", f"aged {age}+"),
                Text("签约在约", "with a contract"),
                Text("签约率（%）", "coverage (%)"),
                Text("本人谢绝", "refused"),
                Text("待跟进", "to follow up"),
            ),
            coverage_rows,
        ),
        Table(
            Text("各医疗机构签约与随访", "Contracts and visits by clinic"),
            (
                Text("医疗机构", "clinic"),
                Text("签约在约", "contracts in force"),
                Text(f"{year} 年随访次数", f"visits in {year}"),
                Text("按时随访率（%）", "visits on time (%)"),
            ),
            clinic_rows,
        ),
    )
    shown = [c for c in by_county if c.covered]
    chart = Chart(
        Text("各县（市、区）签约率（%）", "Coverage by county (%)"),
        "bar",
        tuple(names.get(c.county_id, c.county_id) for c in shown),
        tuple(float(_percent(len(c.covered), len(c.aged)) or 0.0) for c in shown),
    )
    return [
        ReportSection(
            key=CONTRACT.key,
            title=Text("关爱行动·健康进百家：家庭医生签约", "Care action: family-doctor contracts"),
            order=ORDER,
            paragraphs=(summary,),
            tables=tables,
            charts=(chart,),
        )
    ]
