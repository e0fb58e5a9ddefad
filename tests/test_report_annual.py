"""The annual report as data: its sections (built-in and plugins'), failures that never stop it,
the narrative, the assessment table and the generation time. On the small sample ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrecore import Text, hookimpl
from cadrecore.errors import CadrecoreError
from cadrecore.ledger import Ledger
from cadrecore.plugins import DEFAULT_PLUGINS, PluginManager
from cadrecore.reports.annual import (
    AnnualReport,
    build_annual_report,
    render_annual_report,
    resolve_generated_at,
)
from cadrecore.reports.narrative import en_quantity, zh_quantity
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.rules import Report, evaluate

BUILTIN = "cadrecore.builtin.report"
WHEN = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
BUILTIN_KEYS = [
    "builtin.six_ones",
    "builtin.party_orgs",
    "builtin.org_life",
    "builtin.party_groups",
    "builtin.party_dues",
    "builtin.plans",
    "builtin.model_branches",
    "builtin.themes",
    "builtin.exemplars",
    "builtin.services",
    "builtin.opinions",
    "builtin.treatment",
    "builtin.staffing",
    "builtin.recognitions",
    "builtin.findings",
]


def build(ledger: Ledger, pm: PluginManager, **options: object) -> AnnualReport:
    return build_annual_report(ledger, 2022, pm=pm, generated_at=WHEN, **options)  # type: ignore[arg-type]


def test_the_built_in_sections_come_from_an_ordinary_plugin(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    assert BUILTIN in DEFAULT_PLUGINS
    assert cadrecore_pm.has_plugin(BUILTIN)
    annual = build(cadrecore_ledger, cadrecore_pm)
    assert [s.key for s in annual.sections] == BUILTIN_KEYS
    assert [s.order for s in annual.sections] == sorted([*range(10, 120, 10), 35, 38, 45, 900])
    assert {s.plugin for s in annual.sections} == {BUILTIN}
    assert annual.failures == ()


def test_the_report_uses_the_plugins_the_ledger_was_checked_against(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    annual = build_annual_report(cadrecore_ledger, 2022, generated_at=WHEN)
    assert (
        annual.evaluation.rules_run
        == evaluate(cadrecore_ledger, year=2022, pm=cadrecore_pm).rules_run
    )
    assert len(annual.sections) == len(BUILTIN_KEYS)


class Haircuts:
    """A department's section, placed among the built-ins by its order."""

    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
        return [
            ReportSection(
                key="haircuts.volume",
                title=Text("上门理发", "haircuts at home"),
                order=75,
                paragraphs=(Text(f"{report.year}年上门理发", f"haircuts in {report.year}"),),
                tables=(Table(Text("服务量", "volume"), (Text("次数", "count"),), ((42,),)),),
                charts=(Chart(Text("按月", "by month"), "bar", ("1月", "2月"), (20.0, 22.0)),),
            )
        ]


class Broken:
    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
        raise RuntimeError("the department's database is down")


class BadChart:
    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
        return [
            ReportSection(
                key="bad.chart",
                title=Text("坏图", "bad chart"),
                charts=(Chart(Text("图", "chart"), "bar", ("a", "b"), (1.0,)),),
            ),
            ReportSection(
                key="bad.kind",
                title=Text("坏图", "bad chart"),
                charts=(Chart(Text("图", "chart"), "radar", ("a",), (1.0,)),),
            ),
        ]


class WrongType:
    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[str]:
        return ["not a section"]


def test_a_plugin_section_is_placed_by_its_order_and_stamped_with_its_plugin(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(Haircuts(), name="haircuts")
    annual = build(cadrecore_ledger, cadrecore_pm)
    keys = [s.key for s in annual.sections]
    assert (
        keys.index("builtin.services")
        < keys.index("haircuts.volume")
        < keys.index("builtin.opinions")
    )
    (section,) = [s for s in annual.sections if s.key == "haircuts.volume"]
    assert section.plugin == "haircuts"
    text = render_annual_report(annual, "text").decode()
    assert "本节由插件 haircuts 提供" in text
    assert "2022年上门理发" in text


def test_a_failing_plugin_is_named_and_the_report_stands(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(Broken(), name="broken_department")
    register_plugin(Haircuts(), name="haircuts")
    annual = build(cadrecore_ledger, cadrecore_pm)
    (failure,) = annual.failures
    assert failure.plugin == "broken_department"
    assert "database is down" in failure.error
    assert "haircuts.volume" in [s.key for s in annual.sections]
    assert [s.key for s in annual.sections if s.plugin == BUILTIN] == BUILTIN_KEYS
    for fmt in ("text", "md", "html", "json"):
        assert "broken_department" in render_annual_report(annual, fmt).decode(), fmt


def test_sections_the_renderers_cannot_draw_are_refused_with_the_plugin_named(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(BadChart(), name="bad_charts")
    register_plugin(WrongType(), name="wrong_type")
    annual = build(cadrecore_ledger, cadrecore_pm)
    found = {(f.plugin, f.error.split(":")[0]) for f in annual.failures}
    assert found == {
        ("bad_charts", "section 'bad.chart'"),
        ("bad_charts", "section 'bad.kind'"),
        ("wrong_type", "returned str, expected ReportSection"),
    }
    assert not {"bad.chart", "bad.kind"} & {s.key for s in annual.sections}
    assert "2 labels for 1 values" in " ".join(f.error for f in annual.failures)


def test_the_narrative_is_written_from_the_ledger(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    annual = build(cadrecore_ledger, cadrecore_pm)
    zh = "\n".join(p.zh for p in annual.narrative)
    assert "建立团队支部1个、社区支部2个，共3个党支部" in zh
    assert "在世党员17人全部编入支部，实现党组织全覆盖" in zh
    assert "6项全部按时完成" in zh
    assert "四大班子相关领导全部参加" in zh
    assert "标准化活动场所1个（目标1个）" in zh
    assert "2022年主题为“培育时代老人”" in zh
    en = "\n".join(p.en for p in annual.narrative)
    assert "team branch 1, community branch 2, 3 in all" in en
    assert "all 6 items were done on time" in en


def test_a_missing_briefing_shows_in_the_narrative_the_section_and_the_assessment(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    briefing = "six.2022.situation_briefing"
    ledger = cadrecore_ledger.replace(
        activities=tuple(a for a in cadrecore_ledger.activities if a.id != briefing),
        opinions=tuple(
            o.model_copy(update={"raised_at_id": None}) for o in cadrecore_ledger.opinions
        ),
    )
    annual = build(ledger, cadrecore_pm)
    assert "6项完成5项，未完成：召开一次情况通报会" in annual.narrative[0].zh
    row = next(r for r in annual.assessment if r.item == "召开一次情况通报会")
    assert (row.status, row.status_label, row.evidence_id) == ("overdue", "逾期未完成", None)
    assert (row.expected, row.actual, row.severity) == (1, 0, "错误")
    assert "已过时限" in row.findings[0]
    assert "老干部情况通报会" in row.fixes[0] and "situation_briefing" not in row.fixes[0]
    (table,) = annual.sections[0].tables
    (briefing_row,) = [r for r in table.rows if r[0] == "召开一次情况通报会"]
    assert briefing_row[3] == "逾期未完成"


def test_the_assessment_has_a_row_per_checklist_item_and_plan_target(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    annual = build(cadrecore_ledger, cadrecore_pm)
    checklist = [r for r in annual.assessment if r.rule_id == "builtin::checklist.items"]
    targets = [r for r in annual.assessment if r.rule_id == "builtin::plan.targets"]
    assert len(checklist) == 6 and len(targets) == 2
    assert all(r.status == "done" and r.evidence_id and r.done_on for r in checklist)
    assert all(r.evidence_id.startswith("six.2022.") for r in checklist if r.evidence_id)
    assert [(r.expected, r.actual, r.status) for r in targets] == [(1, 1, "done")] * 2
    assert not any(r.findings for r in annual.assessment)


def test_an_evaluation_of_another_year_is_refused(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    other = evaluate(cadrecore_ledger, year=2021, pm=cadrecore_pm)
    with pytest.raises(CadrecoreError, match="2021"):
        build(cadrecore_ledger, cadrecore_pm, evaluation=other)


def test_the_generation_time_comes_from_the_caller_or_source_date_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert resolve_generated_at(WHEN) == WHEN
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1672909200")
    assert resolve_generated_at() == datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(CadrecoreError, match="SOURCE_DATE_EPOCH"):
        resolve_generated_at()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert resolve_generated_at().tzinfo is UTC


def test_an_english_report_has_english_words(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    annual = build(cadrecore_ledger, cadrecore_pm, lang="en")
    text = render_annual_report(annual, "text").decode()
    assert "Summary" in text and 'The "six ones" mechanism' in text
    assert "Branches by type" in text
    assert annual.assessment[0].status_label == "done"


def test_an_unknown_format_is_refused(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager
) -> None:
    annual = build(cadrecore_ledger, cadrecore_pm)
    with pytest.raises(CadrecoreError, match="pdf"):
        render_annual_report(annual, "pdf")


# ---------------------------------------------------------------------------------------------
# Quantities as a Chinese report writes them
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "at_least", "zh", "en"),
    [
        (420_000, "元", False, "42万元", "420,000 yuan"),
        (500_000, "元", True, "50多万元", "over 500,000 yuan"),
        (19_000_000, "元", True, "1900多万元", "over 19,000,000 yuan"),
        (48_000, "人次", True, "4.8万余人次", "over 48,000 person-times"),
        (300, "人次", True, "300多人次", "over 300 person-times"),
        (470, "亩", False, "470亩", "470 mu"),
        (108, "名", False, "108名", "108"),
        (12_345, "元", False, "12345元", "12,345 yuan"),
    ],
)
def test_quantities(value: int, unit: str, at_least: bool, zh: str, en: str) -> None:
    assert zh_quantity(value, unit, at_least) == zh
    assert en_quantity(value, unit, at_least) == en


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["元", "人次", "亩", ""]))
def test_a_quantity_in_wan_means_the_same_number(value: int, unit: str) -> None:
    text = zh_quantity(value, unit)
    assert text.endswith(unit)
    number = text[: len(text) - len(unit)]
    if number.endswith("万"):
        assert round(float(number[:-1]) * 10_000) == value
    else:
        assert int(number) == value


def test_the_figures_of_the_sample(cadrecore_ledger: Ledger) -> None:
    from cadrecore.reports.figures import figure_lines, figures

    counted = figures(cadrecore_ledger, 2022)
    assert counted["branches"]["by_type"] == {
        "team": 1,
        "mobile": 0,
        "online_publicity": 0,
        "community": 2,
        "rural": 0,
    }
    assert counted["six_ones"]["done"] == 6
    assert counted["coverage"]["in_no_branch"] == 0
    assert counted["cadres"] == len(cadrecore_ledger.cadres) > 0
    assert any("团队支部：1 个" in line for line in figure_lines(counted))
    assert f"老干部 {len(cadrecore_ledger.cadres)} 人" in next(figure_lines(counted))
