"""The order service's section of the annual report: orders by menu item and by month."""

from __future__ import annotations

from collections import Counter, defaultdict

from cadrecore import Text
from cadrecore.i18n import shown_ratio
from cadrecore.ledger import Ledger
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.rules import Finding, Report, SectionContext

from .rules import CLOSED, orders, response_of, served_on
from .service import MENU, ORDER, menu_item

#: Where the section goes: after the built-in sections, among the departments' services.
ORDER_IN_REPORT = 220


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


def order_service_section(
    ledger: Ledger, report: Report, lang: str, ctx: SectionContext
) -> list[ReportSection]:
    """The section for ``report.year``, as the ledger stood on ``report.as_of``."""
    year, as_of = report.year, report.as_of
    every = orders(ledger)
    of_year = [(r, d) for r, d in every if r.requested.year == year and r.requested <= as_of]
    if not of_year:
        return []
    en = lang == "en"
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    ratings: dict[str, list[int]] = defaultdict(list)
    months: dict[int, Counter[str]] = {m: Counter() for m in range(1, 13)}
    for record, details in of_year:
        item = details.menu_item
        month = months[record.requested.month]
        counts[item]["orders"] += 1
        month["orders"] += 1
        if record.state in CLOSED:
            counts[item]["closed"] += 1
            month["closed"] += 1
            continue
        if served_on(record, as_of) is not None:
            counts[item]["served"] += 1
            month["served"] += 1
        key = menu_item(item).parameter_key
        days = int(ctx.param(key, record.provider_unit_id))
        response = response_of(record, days, as_of)
        if response is not None and response.status in ("done", "late", "overdue"):
            counts[item]["judged"] += 1
            counts[item]["on_time"] += response.status == "done"
        if record.rating is not None:
            ratings[item].append(record.rating)
    item_rows = []
    for entry in MENU:
        c = counts.get(entry.key)
        if not c:
            continue
        values = ratings.get(entry.key, [])
        item_rows.append(
            (
                entry.label.en if en else entry.label.zh,
                c["orders"],
                c["served"],
                c["closed"],
                _percent(c["on_time"], c["judged"]),
                round(sum(values) / len(values), 2) if values else None,
                len(values),
            )
        )
    month_rows = tuple(
        (f"{year}-{m:02d}", c["orders"], c["served"], c["closed"])
        for m, c in months.items()
        if c["orders"]
    )
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    all_ratings = [v for values in ratings.values() for v in values]
    average = round(sum(all_ratings) / len(all_ratings), 2) if all_ratings else None
    findings = own_findings(ctx, {r.id for r, _ in every})
    on_time = _percent(total["on_time"], total["judged"])
    summary = Text(
        f"{year} 年老干部点单 {total['orders']} 次，上门服务 {total['served']} 次，按时 {on_time}%；"
        f"取消或婉拒 {total['closed']} 次；{len(all_ratings)} 条评价平均 {average} 分。"
        f"规则检查发现 {len(findings)} 条问题。",
        f"In {year}, cadres placed {total['orders']} orders; {total['served']} were served at "
        f"the door, {on_time}% on time; {total['closed']} were cancelled or declined; "
        f"{len(all_ratings)} ratings average {average}. The rules found {len(findings)} issue(s).",
    )
    tables = (
        Table(
            Text("各服务项目", "By menu item"),
            (
                Text("服务项目", "menu item"),
                Text("点单", "orders"),
                Text("已服务", "served"),
                Text("取消/婉拒", "cancelled or declined"),
                Text("按时率（%）", "on time (%)"),
                Text("平均评价", "average rating"),
                Text("评价数", "ratings"),
            ),
            tuple(item_rows),
        ),
        Table(
            Text("各月点单", "By month"),
            (
                Text("月份", "month"),
                Text("点单", "orders"),
                Text("已服务", "served"),
                Text("取消/婉拒", "cancelled or declined"),
            ),
            month_rows,
        ),
    )
    chart = Chart(
        Text("各月点单数", "Orders by month"),
        "line",
        tuple(row[0] for row in month_rows),
        tuple(float(row[1]) for row in month_rows),
    )
    return [
        ReportSection(
            key=ORDER.key,
            title=Text("忻府区“您点单、我服务”", "Xinfu's 'you order, we serve'"),
            order=ORDER_IN_REPORT,
            paragraphs=(summary,),
            tables=tables,
            charts=(chart,),
        )
    ]
