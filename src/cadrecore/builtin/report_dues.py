"""The annual report's section on retired members' party dues (党费): each branch's totals.

Built like the other built-in sections (:mod:`cadrecore.builtin.report` places it after party
groups): from the measures the rule ``builtin::party_dues.paid`` gives each branch it judged, so
that the report says exactly what the check counted. Amounts are counted in fen (whole numbers)
and shown in yuan to the fen, from ``Decimal``: never through a float.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..models import FEN
from ..reports.sections import Cell, ReportSection, Table
from ..rules.findings import Measure, Report

T = Text
Row = tuple[Cell, ...]

DUES_RULE = "builtin::party_dues.paid"


def yuan(fen: int) -> str:
    """An amount counted in fen, in yuan to the fen (``2550`` is ``25.50``)."""
    return str(Decimal(fen).scaleb(-2).quantize(FEN))


def party_dues(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    """Each branch judged: its members, the months due and paid, what was due and paid, the
    shortfall, and the members with a hardship reduction; a total row last."""
    year = report.year
    found: defaultdict[str, dict[str, Measure]] = defaultdict(dict)
    for m in report.measures:
        if m.rule_id == DUES_RULE and m.subject.kind == "branches":
            found[m.subject.id][m.name] = m
    rows: list[Row] = []
    sums = [0] * 7
    for branch in ledger.branches:
        measures = found.get(branch.id)
        if measures is None:
            continue
        months, amounts, short = (
            measures["dues_months"],
            measures["dues_paid_fen"],
            measures["dues_short_fen"],
        )
        in_full, reduced = measures["dues_members_in_full"], measures["dues_members_reduced"]
        figures = (
            in_full.denominator,
            months.denominator,
            months.numerator,
            amounts.denominator,
            amounts.numerator,
            short.numerator,
            reduced.numerator,
        )
        sums = [a + b for a, b in zip(sums, figures, strict=True)]
        rows.append(_row(branch.name, figures))
    if not rows:
        return ReportSection(
            key="builtin.party_dues",
            title=T("党费收缴", "Party dues"),
            paragraphs=(
                T(
                    f"账册中没有 {year} 年的党费交纳记录。",
                    f"The ledger records no party dues for {year}.",
                ),
            ),
        )
    members, due, paid_months, expected, paid, short_fen, reductions = sums
    rows.append(_row(T("合计", "total")(lang), tuple(sums)))
    return ReportSection(
        key="builtin.party_dues",
        title=T("党费收缴", "Party dues"),
        paragraphs=(
            T(
                f"{year} 年登记党费交纳情况的支部 {len(rows) - 1} 个，党员 {members} 名：应交 "
                f"{due} 个月，已交 {paid_months} 个月；应交 {yuan(expected)} 元，实交 "
                f"{yuan(paid)} 元，少交欠交 {yuan(short_fen)} 元；经支部研究减免的党员 "
                f"{reductions} 名。",
                f"In {year}, {len(rows) - 1} branch(es) record party dues for {members} "
                f"member(s): {paid_months} of {due} month(s) paid; {yuan(paid)} yuan paid of "
                f"{yuan(expected)} due, {yuan(short_fen)} short or unpaid; {reductions} "
                "member(s) with a reduction the branch decided.",
            ),
            T(
                "应交金额按各月的计算基数（基本离退休费或基本养老金，不含津补贴）和当月适用的比例"
                "计算，所在档的比例适用于全部基数，减免按支部决定；未登记计算基数的月份不计入应交。",
                "What is due is worked out from each month's pension base (the basic pension, "
                "allowances excluded) at the rate then in force, the band's rate on the whole "
                "base, less any reduction the branch decided; months with no base recorded are "
                "not counted in what is due.",
            ),
        ),
        tables=(
            Table(
                T(f"{year}年各支部党费收缴", f"Party dues by branch, {year}"),
                (
                    T("支部", "branch"),
                    T("党员", "members"),
                    T("应交月数", "months due"),
                    T("已交月数", "months paid"),
                    T("应交（元）", "due (yuan)"),
                    T("实交（元）", "paid (yuan)"),
                    T("少交欠交（元）", "short or unpaid (yuan)"),
                    T("减免（人）", "reductions (members)"),
                ),
                tuple(rows),
            ),
        ),
    )


def _row(name: str, figures: tuple[int, ...]) -> Row:
    members, due, paid_months, expected, paid, short, reduced = figures
    return (name, members, due, paid_months, yuan(expected), yuan(paid), yuan(short), reduced)
