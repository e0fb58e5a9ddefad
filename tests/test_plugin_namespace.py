"""The name said once (issue #25, item 2): a plugin that declares ``NAMESPACE`` writes its keys
locally and the host qualifies them; rule ids, parameter keys and section keys follow the
namespace, not the entry point's name; the testing kit takes the plugin without a second name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

import cadrecore
from cadrecore import ServiceType, Text, hookimpl
from cadrecore.models import ServiceState
from cadrecore.plugins import PluginManager, qualified_key
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Finding, Parameter, Rule, RuleContext, evaluate, local_default
from cadrecore.sample import small_ledger
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline
from cadrecore.testing import assert_plugin_conforms, name_of_plugin


class ExamDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hospital: str = ""


def oldest(ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.param("min_age")  # a local key: this plugin's health.min_age
    assert ctx.namespace == "health" and ctx.key("exam") == "health.exam"
    for cadre_id, born in ctx.ledger.columns("cadres", "id", "birth_date"):
        if ctx.year - born.year >= limit:
            yield ctx.finding(("cadres", cadre_id), "old", Text("年长", "old"))


class Health:
    NAMESPACE = "health"

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        lifecycle = DEFAULT_LIFECYCLE.with_deadlines(
            Deadline(ServiceState.REQUESTED, "accept_days", Text("受理时限", "accepted within"))
        )
        register(
            ServiceType(
                key="exam",
                label=Text("体检", "exam"),
                department=Text("卫健委", "health commission"),
                details=ExamDetails,
                lifecycle=lifecycle,
            )
        )

    @hookimpl
    def register_parameters(self, register: Callable[[Parameter], None]) -> None:
        register(Parameter(key="min_age", label=Text("年龄", "age"), versions=local_default(70)))
        register(Parameter(key="accept_days", label=Text("天", "days"), versions=local_default(5)))

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule(key="old", title=Text("年长", "old"), check=oldest, parameters=("min_age",)))

    @hookimpl
    def report_sections(self, ledger: Any, report: Any, lang: str) -> list[ReportSection]:
        return [ReportSection(key="summary", title=Text("体检", "Exams"))]


def test_local_keys_are_qualified_with_the_declared_namespace(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    assert register_plugin(Health()) == "health"  # no second name
    registry = cadrecore.get_registry(cadrecore_pm)
    exam = registry.service_types.get("health.exam")
    assert registry.service_types.owner("health.exam") == "health"
    assert exam.lifecycle.deadlines[0].working_days == "health.accept_days"
    book = cadrecore.rules.get_rulebook(cadrecore_pm)
    assert book.rules["health::old"].rule.parameters == ("health.min_age",)
    assert {"health.min_age", "health.accept_days"} <= set(book.parameters.parameters)
    ledger = small_ledger(2022, registry=registry)
    report = evaluate(ledger, year=2022, rules=["health::*"])
    assert report.errored == () and report.findings
    sections, failures = registry.hooks.report_sections(ledger, report, "zh")  # type: ignore[union-attr]
    assert failures == [] and [s.key for s in sections if s.plugin == "health"] == [
        "health.summary"
    ]


def test_renaming_the_entry_point_changes_no_key(cadrecore_pm: PluginManager) -> None:
    cadrecore_pm.register(Health(), name="health_commission_v2")
    registry = cadrecore.get_registry(cadrecore_pm)
    assert "health.exam" in registry.service_types
    book = cadrecore.rules.get_rulebook(cadrecore_pm)
    assert (
        "health::old" in book.rules and book.rules["health::old"].plugin == "health_commission_v2"
    )


def test_a_plugin_without_a_namespace_keeps_its_keys_as_written(
    cadrecore_pm: PluginManager,
) -> None:
    class Legacy:
        @hookimpl
        def register_parameters(self, register: Callable[[Parameter], None]) -> None:
            register(Parameter(key="plain", label=Text("值", "value"), versions=local_default(1)))

    cadrecore_pm.register(Legacy(), name="legacy")
    assert "plain" in cadrecore.rules.get_rulebook(cadrecore_pm).parameters.parameters


def test_qualified_keys() -> None:
    assert qualified_key("exam", "health") == "health.exam"
    assert qualified_key("health.exam", "health") == "health.exam"
    assert qualified_key("other.exam", "health") == "other.exam"  # a full key stays as written
    assert qualified_key("team", "builtin") == "team"


def test_the_kit_takes_the_plugin_by_its_own_name() -> None:
    assert name_of_plugin(Health()) == "health"
    assert_plugin_conforms(Health())
    with pytest.raises(AssertionError, match="declares no NAMESPACE"):
        assert_plugin_conforms(object())
