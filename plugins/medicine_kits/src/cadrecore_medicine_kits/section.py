"""The medicine kits' section of the annual report: kits by county, medicines to replace."""

from __future__ import annotations

from collections import Counter

from cadrecore import Text
from cadrecore.i18n import shown_ratio
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceState
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.rules import Finding, Report, SectionContext

from .parameters import CHECK_EVERY_MONTHS, EXPIRY_WARNING_DAYS
from .rules import (
    add_months,
    eligible_cadres,
    kit_status,
    kits,
    kits_in_homes,
    last_checked,
)
from .service import KIT

#: Where the section goes: after the built-in sections, among the departments' services.
ORDER = 240


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


def medicine_kits_section(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection]:
    """The section for ``report.year``, as the ledger stood on ``report.as_of``; the
    parameters as the rules read them (``ctx``)."""
    as_of = report.as_of
    records = kits(ledger)
    if not records:
        return []
    en = lang == "en"
    warning_days = int(ctx.param(EXPIRY_WARNING_DAYS))
    months = int(ctx.param(CHECK_EVERY_MONTHS))
    status = kit_status(ledger, as_of)
    in_homes = kits_in_homes(ledger, as_of)
    eligible = Counter(c.county_id for c in eligible_cadres(ledger, as_of))
    # the county and name of the cadres with a kit record only, by columns (a province's
    # cadres are a million; its kits some thousands)
    county_of: dict[str, str] = {}
    cadre_name: dict[str, str] = {}
    for cadre_id, county_id, name in ledger.columns(
        "cadres", "id", "county_id", "name", where={"id": {r.cadre_id for r, _ in records}}
    ):
        county_of[cadre_id] = county_id
        cadre_name[cadre_id] = name
    covered = Counter(county_of[c] for c, s in status.items() if s == "in_home" and c in county_of)
    checked = Counter(
        county_of[r.cadre_id]
        for r, d in in_homes
        if add_months(last_checked(r, d) or as_of, months) > as_of
    )
    expired = Counter(county_of[r.cadre_id] for r, d in in_homes if d.expired_on(as_of))
    expiring = Counter(
        county_of[r.cadre_id] for r, d in in_homes if d.expiring_within(as_of, warning_days)
    )
    names = {u.id: u.name for u in ledger.units}
    counties = sorted(set(eligible) | set(covered), key=lambda c: (-eligible[c], c))
    rows = tuple(
        (
            names.get(c, c),
            eligible[c],
            covered[c],
            _percent(covered[c], eligible[c]),
            checked[c],
            expired[c],
            expiring[c],
        )
        for c in counties
    )
    to_replace = []
    for record, details in in_homes:
        for medicine in details.medicines:
            if medicine.expired_on(as_of):
                what = Text("已过期", "expired")
            elif medicine.expires_within(as_of, warning_days):
                what = Text("临期", "expiring soon")
            else:
                continue
            to_replace.append(
                (
                    details.kit_no,
                    cadre_name.get(record.cadre_id, record.cadre_id),
                    medicine.name,
                    medicine.expires.isoformat(),
                    what.en if en else what.zh,
                )
            )
    findings = own_findings(ctx, {r.id for r, _ in records})
    states = Counter(r.state for r, _ in records if r.requested <= as_of)
    total_eligible = sum(eligible.values())
    share = _percent(sum(covered.values()), total_eligible)
    summary = Text(
        f"截至 {as_of}，在世的煤炭系统离退休干部 {total_eligible} 人，家中配有急救药箱 "
        f"{len(in_homes)} 个（配置率 {share}%）；{sum(checked.values())} 个药箱在 {months} 个月内检查过；"
        f"需更换药品 {len(to_replace)} 种次。规则检查发现 {len(findings)} 条问题。",
        f"On {as_of}, {total_eligible} living coal-system retirees, {len(in_homes)} kits in their "
        f"homes ({share}%); {sum(checked.values())} checked within {months} months; "
        f"{len(to_replace)} medicine(s) to replace. The rules found {len(findings)} issue(s).",
    )
    tables = [
        Table(
            Text("各县（市、区）药箱配置与检查", "Kits by county"),
            (
                Text("县（市、区）", "county"),
                Text("符合条件", "eligible"),
                Text("药箱在家", "kits at home"),
                Text("配置率（%）", "coverage (%)"),
                Text(f"{months} 个月内检查", f"checked within {months} months"),
                Text("含过期药品", "with expired medicine"),
                Text(f"含 {warning_days} 天内到期药品", f"expiring within {warning_days} days"),
            ),
            rows,
        ),
        Table(
            Text("需更换的药品", "Medicines to replace"),
            (
                Text("药箱编号", "kit"),
                Text("老干部", "retiree"),
                Text("药品", "medicine"),
                Text("有效期至", "expires"),
                Text("情况", "status"),
            ),
            tuple(to_replace),
        ),
    ]
    shown = [s for s in ServiceState if states[s]]
    chart = Chart(
        Text("药箱服务记录状态", "Kit records by state"),
        "pie",
        tuple(s.value if en else s.zh for s in shown),
        tuple(float(states[s]) for s in shown),
    )
    return [
        ReportSection(
            key=KIT.key,  # (the host makes it medicine_kits.kit)
            title=Text("市煤炭局急救药箱", "The coal bureau's first-aid kits"),
            order=ORDER,
            paragraphs=(summary,),
            tables=tuple(tables),
            charts=(chart,),
        )
    ]
