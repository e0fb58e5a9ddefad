"""The rule engine: selection, errored rules, waivers, parameters and their origins, stability."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from cadrecore import PluginError, Text, UnknownKeyError, hookimpl
from cadrecore.models import ParameterOverride, Waiver
from cadrecore.plugins import PluginManager
from cadrecore.rules import (
    Parameter,
    ParameterVersion,
    PluginOverride,
    Rule,
    RuleContext,
    Severity,
    evaluate,
)
from cadrecore.rules.engine import Outcome
from cadrecore.sample import small_ledger

from .rules_helpers import changed


def test_sample_ledger_passes_every_rule() -> None:
    report = evaluate(small_ledger(), year=2022)
    assert report.rules_run, "no rule ran"
    assert report.findings == ()
    assert report.success
    assert report.compliance() == 1.0
    assert len(report.rules_run) >= 20


def test_year_means_31_december_and_as_of_sets_the_year() -> None:
    ledger = small_ledger()
    assert evaluate(ledger, year=2022).as_of == date(2022, 12, 31)
    assert evaluate(ledger, as_of=date(2022, 5, 1)).year == 2022


def test_same_ledger_same_report() -> None:
    ledger = changed(
        small_ledger(), "activities", lambda a: None if a.activity_kind == "party_lecture" else a
    )
    first, second = evaluate(ledger, year=2022), evaluate(ledger, year=2022)
    assert first.findings, "the change should produce findings"
    assert first.to_json() == second.to_json()


def test_rule_selection_by_id_pattern_and_unknown() -> None:
    ledger = small_ledger()
    report = evaluate(ledger, year=2022, rules=["builtin::org_life.*"])
    assert report.rules_run and all(r.startswith("builtin::org_life.") for r in report.rules_run)
    assert evaluate(ledger, year=2022, rules=["branch.formation"]).rules_run == (
        "builtin::branch.formation",
    )
    with pytest.raises(UnknownKeyError, match="no rule matches"):
        evaluate(ledger, year=2022, rules=["builtin::nope"])


class _Broken:
    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        def boom(ctx: RuleContext) -> Iterator[Outcome]:
            raise RuntimeError("kaput")
            yield  # pragma: no cover

        def wrong(ctx: RuleContext) -> Iterator[Outcome]:
            yield "not a finding"  # type: ignore[misc]

        register(Rule(key="broken.boom", title=Text("坏", "broken"), check=boom))
        register(Rule(key="broken.wrong_type", title=Text("坏", "broken"), check=wrong))


def test_a_rule_that_raises_is_errored_and_the_rest_still_run(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(_Broken(), name="brokenplugin")
    ledger = changed(
        small_ledger(), "activities", lambda a: None if a.activity_kind == "party_lecture" else a
    )
    report = evaluate(ledger, year=2022, pm=cadrecore_pm)
    errored = {e.rule_id: e for e in report.errored}
    assert set(errored) == {"brokenplugin::broken.boom", "brokenplugin::broken.wrong_type"}
    assert errored["brokenplugin::broken.boom"].plugin == "brokenplugin"
    assert "RuntimeError: kaput" in errored["brokenplugin::broken.boom"].error
    assert "TypeError" in errored["brokenplugin::broken.wrong_type"].error
    assert report.findings_of("builtin::org_life.party_lecture"), "other rules must still report"
    assert not report.success


def test_waiver_moves_findings_to_their_own_tally() -> None:
    ledger = changed(
        small_ledger(), "activities", lambda a: None if a.id == "b.west.party_lecture.2" else a
    )
    before = evaluate(ledger, year=2022, rules=["builtin::org_life.party_lecture"])
    assert [f.subject.id for f in before.findings] == ["b.west"]
    waiver = Waiver(
        id="w1",
        rule="builtin::org_life.*",
        subject_kind="branches",
        subject_id="b.west",
        effective_from=date(2022, 7, 1),
        effective_to=date(2022, 9, 30),
        reason="书记住院，三季度党课顺延",
    )
    after = evaluate(
        ledger.replace(waivers=(waiver,)), year=2022, rules=["builtin::org_life.party_lecture"]
    )
    assert after.findings == ()
    assert [(f.subject.id, f.waived_by) for f in after.waived] == [("b.west", "w1")]
    assert after.to_dict()["counts"]["waived"] == 1
    other_branch = waiver.model_copy(update={"subject_id": "b.east"})
    unaffected = evaluate(
        ledger.replace(waivers=(other_branch,)),
        year=2022,
        rules=["builtin::org_life.party_lecture"],
    )
    assert len(unaffected.findings) == 1 and not unaffected.waived


def test_parameter_values_depend_on_the_date_judged() -> None:
    ledger = small_ledger()
    report = evaluate(ledger, as_of=date(2021, 6, 1), rules=["builtin::branch.term"])
    term = {p.key: p for p in report.parameters}["branch.term_years"]
    assert (
        term.value == 3
        and term.status == "confirmed"
        and term.origin == "plugin:cadrecore.builtin.parameters"
    )
    later = evaluate(ledger, as_of=date(2023, 6, 1), rules=["builtin::branch.term"])
    term_later = {p.key: p for p in later.parameters}["branch.term_years"]
    assert term_later.value == 5 and term_later.status == "unverified"


def test_a_ledger_override_wins_and_the_report_says_so() -> None:
    override = ParameterOverride(
        id="p1",
        key="branch.min_full_members",
        value=5,
        effective_from=date(2022, 1, 1),
        unit_id="west",
        source="西县组发〔2022〕1号",
    )
    ledger = small_ledger().replace(parameters=(override,))
    report = evaluate(ledger, year=2022, rules=["builtin::branch.formation"])
    assert [(f.subject.id, f.expected, f.actual) for f in report.findings] == [("b.west", 5, 4)]
    resolved = {(p.key, p.unit_id): p for p in report.parameters}
    assert resolved[("branch.min_full_members", "west")].origin == "ledger"
    assert resolved[("branch.min_full_members", "west")].source == "西县组发〔2022〕1号"
    assert resolved[("branch.min_full_members", None)].value == 3
    # before the override's date, the regulation's value holds
    assert (
        evaluate(ledger, as_of=date(2021, 12, 31), rules=["builtin::branch.formation"]).findings
        == ()
    )


class _Local:
    @hookimpl
    def register_parameters(self, register: Callable[[Parameter], None]) -> None:
        register(
            Parameter(
                key="local.extra",
                label=Text("额外", "extra"),
                versions=(ParameterVersion(1, date(2020, 1, 1), "test"),),
            )
        )

    @hookimpl
    def parameter_overrides(self) -> list[PluginOverride]:
        return [PluginOverride("branch.max_members", 8, date(2022, 1, 1), "某市规定")]


def test_a_plugin_can_add_parameters_and_override_builtins(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(_Local(), name="local")
    report = evaluate(
        small_ledger(), year=2022, rules=["builtin::branch.formation"], pm=cadrecore_pm
    )
    assert [(f.reason, f.subject.id, f.expected, f.actual) for f in report.findings] == [
        ("above_maximum", "b.team", 8, 9)
    ]
    assert report.findings[0].severity is Severity.WARNING
    origin = {p.key: p.origin for p in report.parameters}
    assert origin["branch.max_members"] == "plugin:local"


class _BadOverride:
    @hookimpl
    def parameter_overrides(self) -> list[PluginOverride]:
        return [PluginOverride("no.such.key", 1, date(2022, 1, 1), "x")]


def test_overriding_an_unknown_parameter_names_the_plugin(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(_BadOverride(), name="badoverride")
    with pytest.raises(PluginError, match=r"badoverride.*no\.such\.key"):
        evaluate(small_ledger(), year=2022, pm=cadrecore_pm)


class _NeedsParam:
    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(
            Rule(
                key="x",
                title=Text("x", "x"),
                check=lambda ctx: iter(()),
                parameters=("missing.param",),
            )
        )


def test_a_rule_reading_an_unregistered_parameter_is_refused(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(_NeedsParam(), name="needsparam")
    with pytest.raises(PluginError, match=r"needsparam.*missing\.param"):
        evaluate(small_ledger(), year=2022, pm=cadrecore_pm)


def test_report_json_shape_is_stable() -> None:
    ledger = changed(
        small_ledger(), "activities", lambda a: None if a.id == "b.west.party_lecture.2" else a
    )
    data = evaluate(ledger, year=2022).to_dict("en")
    assert list(data) == [
        "format",
        "jurisdiction",
        "year",
        "as_of",
        "success",
        "counts",
        "rules_run",
        "findings",
        "waived",
        "errored",
        "occurrences",
        "measures",
        "parameters",
    ]
    finding = data["findings"][0]
    assert list(finding) == [
        "rule_id",
        "severity",
        "subject",
        "period",
        "reason",
        "expected",
        "actual",
        "message",
        "message_zh",
        "message_en",
        "fix",
        "evidence",
        "waived_by",
    ]
    assert data["counts"] == {"info": 0, "warning": 1, "error": 0, "waived": 0, "errored": 0}


def test_findings_are_ordered_by_severity_then_rule() -> None:
    ledger = small_ledger()
    ledger = changed(
        ledger,
        "activities",
        lambda a: None if a.activity_kind in ("party_lecture", "org_life_meeting") else a,
    )
    report = evaluate(ledger, year=2022)
    keys = [(-f.severity, f.rule_id, f.subject.id) for f in report.findings]
    assert keys == sorted(keys)
    assert report.findings[0].severity is Severity.ERROR
