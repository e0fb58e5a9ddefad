"""The annual report of the Xinzhou example restates the source document from data.

The numbers typed here are the source document's (``seed/000_a91272de37b786cb.txt``); the
report's narrative and sections count them from the example ledger.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest

import cadrecore
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import AnnualReport, build_annual_report, render_annual_report
from cadrecore.reports.sections import ReportSection, Table

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

WHEN = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def annual(xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager) -> AnnualReport:
    return build_annual_report(xinzhou, 2022, pm=xinzhou_pm, generated_at=WHEN)


def section(annual: AnnualReport, key: str) -> ReportSection:
    return next(s for s in annual.sections if s.key == key)


def column(table: Table, heading: str) -> list[object]:
    index = [c.zh for c in table.columns].index(heading)
    return [row[index] for row in table.rows]


def test_the_narrative_restates_the_source_documents_figures(annual: AnnualReport) -> None:
    zh = "\n".join(p.zh for p in annual.narrative)
    expected = [
        # 建立“六个一”工作机制，每年听取一次汇报、召开一次情况通报会……
        "听取一次汇报",
        "召开一次情况通报会",
        "组织一次领导组协调会",
        "安排一次党性教育",
        "部署一次观摩活动",
        "开展一次集中走访慰问",
        "6项全部按时完成",
        "老干部情况通报会，四大班子相关领导全部参加，当面听取意见建议",
        # 市、县15个老干部局全部保留；增设老干部工委、配备编制2名、科级职数1名
        "市、县15个老干部局全部保留",
        "配备编制2名、科级职数1名",
        # 提拔市委老干部局1名副局长担任事业单位一把手，2名优秀老干部工作者提拔重用
        "提拔市委老干部局副局长担任事业单位一把手1名",
        "优秀老干部工作者提拔重用2名",
        # 借助“地缘”“趣缘”“业缘”，建立团队支部62个、流动支部27个、网宣支部23个、社区支部53个、农村支部48个
        "借助“地缘”“趣缘”“业缘”",
        "建立团队支部62个、流动支部27个、网宣支部23个、社区支部53个、农村支部48个",
        "实现党组织全覆盖",
        # 每年打造10个标准化活动场所和10个“三基建设”示范点
        "标准化活动场所10个（目标10个）",
        "“三基建设”示范点10个（目标10个）",
        # 一年一个主题：“人生设计”“乐龄行动计划”“行动学习法”“培育时代老人”
        "连续开展“人生设计”“乐龄行动计划”“行动学习法”“培育时代老人”等系列活动",
        # 孵化出一批脱贫攻坚、助学解困、创业扶弱等杰出带头人
        "脱贫攻坚",
        "助学解困",
        "创业扶弱",
        # 张文翰：108名、42万元、470亩、6座大棚、29名“专家”、4个小分队
        "岢岚县张文翰",
        "108名",
        "42万元",
        "470亩",
        "6座",
        "29名",
        "小分队4个",
        # 郎文：筹资50多万元，培训绣娘300多人次
        "代县郎文",
        "50多万元",
        "300多人次",
        # 石建华：14年，1900多万元，4.8万余人次
        "原平市石建华",
        "1900多万元",
        "4.8万余人次",
        "14年",
        # “五化”建设：关爱行动·家庭医生签约；您点单、我服务；画院忻州分院；急救药箱
        "家庭医生签约",
        "您点单、我服务",
        "画院",
        "急救药箱",
        # 2016年底全国老干部工作先进集体
        "2016年全国老干部工作先进集体",
    ]
    missing = [phrase for phrase in expected if phrase not in zh]
    assert not missing, f"the narrative lacks {missing}:\n{zh}"


def test_the_english_narrative_has_the_same_figures(annual: AnnualReport) -> None:
    en = "\n".join(p.en for p in annual.narrative)
    for phrase in (
        "team branch 62, mobile branch 27, online-publicity branch 23, community branch 53, "
        "rural branch 48, 213 in all",
        "15 veteran cadre bureaus (1 city, 14 county), all kept",
        "10 standardized activity venues (target 10)",
        "people mobilized 108, funds raised 420,000 yuan, land reclaimed 470 mu",
        "over 19,000,000 yuan",
        "all 6 items were done on time",
    ):
        assert phrase in en


def test_the_six_ones_with_dates_and_evidence(annual: AnnualReport) -> None:
    (table,) = section(annual, "builtin.six_ones").tables
    assert len(table.rows) == 6
    assert set(column(table, "状态")) == {"已完成"}
    # the evidence by its title and date, never a record id
    evidence = [str(e) for e in column(table, "佐证记录")]
    assert all(re.fullmatch(r"\S.* 2022-\d\d-\d\d", e) for e in evidence), evidence
    assert not any(e.startswith("xz.") for e in evidence)
    assert all(str(d).startswith("2022-") for d in column(table, "完成日期"))
    leaders = " ".join(str(c) for c in column(table, "出席领导"))
    assert "李俊明（党委）" in leaders and "郑连生（政府）" in leaders


def test_branches_by_type_and_coverage_by_county(annual: AnnualReport) -> None:
    by_type, by_county = section(annual, "builtin.party_orgs").tables
    counts = dict(zip(column(by_type, "支部类型"), column(by_type, "支部数"), strict=True))
    assert counts == {
        "团队支部": 62,
        "流动支部": 27,
        "网宣支部": 23,
        "社区支部": 53,
        "农村支部": 48,
        "合计": 213,
    }
    assert len(by_county.rows) == 14 + 1  # 14 counties and the total
    assert set(column(by_county, "覆盖率")) == {"100.0%"}
    pie, bars = section(annual, "builtin.party_orgs").charts
    assert pie.values == (62, 27, 23, 53, 48)
    assert len(bars.labels) == 14


def test_services_opinions_and_findings(annual: AnnualReport) -> None:
    (services,) = section(annual, "builtin.services").tables
    assert set(column(services, "部门")) == {"市供销社", "市煤炭局", "市委老干部局", "忻府区"}
    assert {"art_academy", "medicine_kits", "family_doctor", "order_service"} == set(
        column(services, "插件")
    )
    (opinions,) = section(annual, "builtin.opinions").tables
    assert len(opinions.rows) == 18
    statuses = dict(zip(column(opinions, "编号"), column(opinions, "状态"), strict=True))
    assert statuses.pop("xz.op.2022.07") == "逾期完成"  # the planted late answer
    assert set(statuses.values()) == {"已完成"}
    findings = section(annual, "builtin.findings")
    subjects = " ".join(str(row[1]) for table in findings.tables for row in table.rows)
    for planted in ("宁武县老干部太极拳团队党支部", "河曲县文笔镇团结社区老干部党支部"):
        assert planted in subjects


def test_the_assessment_table_of_2022(annual: AnnualReport) -> None:
    statuses = [(r.rule_id.split("::")[1], r.status) for r in annual.assessment]
    assert statuses == [("checklist.items", "done")] * 6 + [("plan.targets", "done")] * 2
    assert [(r.expected, r.actual) for r in annual.assessment[6:]] == [(10, 10), (10, 10)]
    book = openpyxl.load_workbook(io.BytesIO(render_annual_report(annual, "xlsx")))
    rows = [r for r in book["考核表"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert [r[5] for r in rows] == ["已完成"] * 8
    assert rows[1][7] == "2022年全市老干部情况通报会 2022-06-28"


def test_the_xinzhou_report_is_the_same_bytes_twice(
    annual: AnnualReport, xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager
) -> None:
    again = build_annual_report(
        xinzhou, 2022, pm=xinzhou_pm, generated_at=WHEN, evaluation=annual.evaluation
    )
    for fmt in ("text", "md", "html", "xlsx", "json"):
        assert render_annual_report(annual, fmt) == render_annual_report(again, fmt), fmt
