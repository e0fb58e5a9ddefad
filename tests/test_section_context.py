"""Sections and rules share what they need (issue #25, item 5): a report section receives the
evaluation context: the parameters resolved for each unit, its own plugin's name and namespace,
and the report's outcomes of its own rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import cadrecore
from cadrecore import Ledger, Text, hookimpl
from cadrecore.models import ParameterOverride
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import (
    Finding,
    Parameter,
    Report,
    Rule,
    RuleContext,
    SectionContext,
    evaluate,
    local_default,
)
from cadrecore.sample import small_ledger

SEEN: list[SectionContext] = []


def one(ctx: RuleContext) -> Iterator[Finding]:
    yield ctx.finding(("units", ctx.ledger.units[0].id), "one", Text("一", "one"))


class Counted:
    NAMESPACE = "counted"

    @hookimpl
    def register_parameters(self, register: Callable[[Parameter], None]) -> None:
        register(Parameter(key="limit", label=Text("上限", "limit"), versions=local_default(3)))

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule(key="one", title=Text("一", "one"), check=one, parameters=("limit",)))

    @hookimpl
    def report_sections(
        self, ledger: Ledger, report: Report, lang: str, ctx: SectionContext
    ) -> list[ReportSection]:
        SEEN.append(ctx)
        return [ReportSection(key="counted", title=Text("计", "counted"))]


class Old:  # a hook written before ctx: called without it
    @hookimpl
    def report_sections(self, ledger: Any, report: Any, lang: str) -> list[ReportSection]:
        return [ReportSection(key="old.section", title=Text("旧", "old"))]


def test_a_section_reads_parameters_its_plugin_and_its_rules_findings(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(Counted(), name="counted_entry_point")
    register_plugin(Old(), name="old")
    base = small_ledger(2022, registry=cadrecore.get_registry(cadrecore_pm))
    county = next(u for u in base.units if u.parent_id is not None)
    override = ParameterOverride(
        id="p1",
        key="counted.limit",
        value=5,
        effective_from="2020-01-01",
        unit_id=county.id,
        source="县委文件",
    )
    ledger = base.replace(parameters=(override,))
    report = evaluate(ledger, year=2022)
    SEEN.clear()
    hooks = ledger.registry.hooks
    assert hooks is not None
    sections, failures = hooks.report_sections(ledger, report, "zh")
    assert failures == []
    assert {s.key for s in sections} >= {"counted.counted", "old.section"}
    (ctx,) = SEEN
    assert ctx.plugin == "counted_entry_point" and ctx.namespace == "counted"
    assert ctx.param("limit") == 3 and ctx.param("limit", county.id) == 5
    assert [f.rule_id for f in ctx.findings] == ["counted::one"]
    assert ctx.year == 2022 and ctx.as_of == report.as_of
