"""Plugin faults (issue #8): a plugin that raises, returns the wrong type or runs too long in
any hook, or in one of its rules, is named in the failure; its results are left out; the
core's data is untouched; and the other plugins' (and the built-ins') results are exactly
those of a run without it.

Every hook in ``cadrecore.hookspecs`` and a rule's ``check`` are run with a faulty plugin
next to a well-behaved department plugin (``good``) and the built-ins, once per fault.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError
from typer.testing import CliRunner

import cadrecore
from cadrecore import (
    ActivityKind,
    BranchType,
    ChecklistItem,
    PlanMetric,
    PluginError,
    ServiceType,
    Text,
    get_registry,
    hookimpl,
    hookspecs,
)
from cadrecore.cli import app
from cadrecore.errors import DuplicateKeyError
from cadrecore.io.importers import ImportBatch
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceEvent, ServiceRecord
from cadrecore.plugins import (
    DEFAULT_TIMEOUT,
    Hooks,
    PluginManager,
    build_registry,
    call_plugin,
    plugin_timeout,
)
from cadrecore.registry import Importer, Registry
from cadrecore.reports.annual import build_annual_report, render_annual_report
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Parameter, ParameterVersion, PluginOverride, Report, Rule, RuleContext
from cadrecore.rules.engine import RuleBook, build_rulebook, evaluate, get_rulebook
from cadrecore.sample import small_ledger
from cadrecore.services import request, transition

T = TypeVar("T")

#: The time budget of one plugin call in these tests, in seconds: some forty times what the
#: slowest built-in hook or rule takes on the sample ledger.
TIMEOUT = 0.3
#: How long a slow plugin waits to be released: far past the budget, never reached.
STUCK = 20.0
GENERATED_AT = datetime(2023, 1, 5, tzinfo=UTC)

FAULTS = ("raises", "wrong_type", "too_slow")
#: What the failure says for each fault.
SAYS = {
    "raises": "raised RuntimeError: faulty broke",
    "wrong_type": "expected",
    "too_slow": f"timed out after {TIMEOUT:g} s",
}
FAULT_FIELD = {"raises": "raised", "wrong_type": "wrong_type", "too_slow": "timed_out"}

VOCABULARY_HOOKS = {
    "register_branch_types": "branch_types",
    "register_activity_kinds": "activity_kinds",
    "register_checklist_items": "checklist_items",
    "register_service_types": "service_types",
    "register_plan_metrics": "plan_metrics",
    "register_importers": "importers",
}
RULEBOOK_HOOKS = ("register_parameters", "register_rules", "parameter_overrides")
EVENT_HOOKS = ("validate_service_record", "after_service_transition", "report_sections")
#: Not a hook: a plugin's rule, run by ``evaluate``.
RULE_CHECK = "rule.check"
HOOKS = (*VOCABULARY_HOOKS, *RULEBOOK_HOOKS, *EVENT_HOOKS, RULE_CHECK)


# =============================================================================================
# The well-behaved department plugin: one entry in every vocabulary, a parameter, a rule, an
# override, a validator, a listener and a report section
# =============================================================================================


class VisitDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    note: str = ""


def count_visits(ledger: Ledger, year: int) -> int:
    return sum(1 for r in ledger.service_records if r.requested.year == year)


def never_sniff(path: Path) -> bool:
    return False


def read_nothing(path: Path, registry: Registry) -> ImportBatch:
    return ImportBatch()


def good_check(ctx: RuleContext) -> Iterator[Any]:
    yield ctx.finding(
        ("units", "city.vcb"),
        "visits_counted",
        Text("已统计走访", "visits counted"),
        expected=ctx.param("good.visits_per_year"),
        actual=count_visits(ctx.ledger, ctx.year),
    )
    yield ctx.measure("visits", ("units", "city.vcb"), count_visits(ctx.ledger, ctx.year), 4)


GOOD_ENTRIES: dict[str, object] = {
    "register_branch_types": BranchType(key="good.branch", label=Text("好支部", "good branch")),
    "register_activity_kinds": ActivityKind(
        key="good.visit_day", label=Text("走访日", "visit day")
    ),
    "register_checklist_items": ChecklistItem(
        key="good.item", label=Text("走访", "visits"), evidence_kind="good.visit_day"
    ),
    "register_service_types": ServiceType(
        key="good.visit",
        label=Text("走访", "visit"),
        department=Text("好部门", "good department"),
        details=VisitDetails,
    ),
    "register_plan_metrics": PlanMetric(
        key="good.visits", label=Text("走访", "visits"), measure=count_visits
    ),
    "register_importers": Importer(
        key="good.importer",
        label=Text("走访表", "visit sheet"),
        suffixes=(".xlsx",),
        sniff=never_sniff,
        read=read_nothing,
    ),
    "register_parameters": Parameter(
        key="good.visits_per_year",
        label=Text("每年走访次数", "visits a year"),
        versions=(ParameterVersion(2, date(2019, 1, 1), "好部门通知", "local"),),
    ),
    "register_rules": Rule(
        key="visits.counted",
        title=Text("统计走访", "visits counted"),
        check=good_check,
        parameters=("good.visits_per_year",),
    ),
}


class GoodDepartment:
    """Registers one entry through every register_* hook and answers every event hook."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _register(self, hook: str, register: Callable[[Any], None]) -> None:
        register(GOOD_ENTRIES[hook])

    @hookimpl
    def register_branch_types(self, register: Callable[[Any], None]) -> None:
        self._register("register_branch_types", register)

    @hookimpl
    def register_activity_kinds(self, register: Callable[[Any], None]) -> None:
        self._register("register_activity_kinds", register)

    @hookimpl
    def register_checklist_items(self, register: Callable[[Any], None]) -> None:
        self._register("register_checklist_items", register)

    @hookimpl
    def register_service_types(self, register: Callable[[Any], None]) -> None:
        self._register("register_service_types", register)

    @hookimpl
    def register_plan_metrics(self, register: Callable[[Any], None]) -> None:
        self._register("register_plan_metrics", register)

    @hookimpl
    def register_importers(self, register: Callable[[Any], None]) -> None:
        self._register("register_importers", register)

    @hookimpl
    def register_parameters(self, register: Callable[[Any], None]) -> None:
        self._register("register_parameters", register)

    @hookimpl
    def register_rules(self, register: Callable[[Any], None]) -> None:
        self._register("register_rules", register)

    @hookimpl
    def parameter_overrides(self) -> list[PluginOverride]:
        return [PluginOverride("good.visits_per_year", 3, date(2021, 1, 1), "好部门补充通知")]

    @hookimpl
    def validate_service_record(
        self, record: ServiceRecord, service_type: ServiceType, ledger: Ledger
    ) -> list[Text]:
        if record.id.startswith("probe"):
            return [Text("好部门：待核实", "good: to be confirmed")]
        return []

    @hookimpl
    def after_service_transition(
        self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
    ) -> None:
        self.seen.append(f"{record.id}->{event.to_state.value}")

    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
        visits = count_visits(ledger, report.year)
        return [
            ReportSection(
                key="good.visits",
                title=Text("走访", "visits"),
                order=75,
                paragraphs=(Text(f"走访{visits}次", f"{visits} visit(s)"),),
            )
        ]


# =============================================================================================
# The faulty plugin: one hook (or its rule) raises, returns the wrong type or is too slow
# =============================================================================================


class Gate:
    """Holds a slow plugin until the test releases it, and records what it did then."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()
        self.late_error: BaseException | None = None
        self.seen: list[str] = []

    def wait_then(self, action: Callable[[], T]) -> T:
        self.release.wait(STUCK)
        try:
            return action()
        except BaseException as exc:
            self.late_error = exc
            raise
        finally:
            self.finished.set()


def misbehave(fault: str, gate: Gate, normal: Callable[[], T], wrong: Callable[[], T]) -> T:
    """Do ``normal`` and raise; or do ``wrong``; or do ``normal`` too late."""
    if fault == "raises":
        normal()  # whatever it did before it raised must not count
        raise RuntimeError("faulty broke")
    if fault == "wrong_type":
        return wrong()
    return gate.wait_then(normal)


FAULTY_ENTRIES: dict[str, object] = {
    "register_branch_types": BranchType(key="faulty.branch", label=Text("坏", "faulty")),
    "register_activity_kinds": ActivityKind(key="faulty.kind", label=Text("坏", "faulty")),
    "register_checklist_items": ChecklistItem(
        key="faulty.item", label=Text("坏", "faulty"), evidence_kind="theme_activity"
    ),
    "register_service_types": ServiceType(
        key="faulty.service",
        label=Text("坏", "faulty"),
        department=Text("坏部门", "faulty department"),
        details=VisitDetails,
    ),
    "register_plan_metrics": PlanMetric(
        key="faulty.metric", label=Text("坏", "faulty"), measure=count_visits
    ),
    "register_importers": Importer(
        key="faulty.importer",
        label=Text("坏", "faulty"),
        suffixes=(".csv",),
        sniff=never_sniff,
        read=read_nothing,
    ),
    "register_parameters": Parameter(
        key="faulty.param",
        label=Text("坏", "faulty"),
        versions=(ParameterVersion(1, date(2019, 1, 1), "无", "unverified"),),
    ),
}


def faulty_check(fault: str, gate: Gate) -> Callable[[RuleContext], Iterator[Any]]:
    def check(ctx: RuleContext) -> Iterator[Any]:
        yield ctx.finding(("units", "city"), "faulty", Text("坏规则", "faulty rule"))
        if fault == "raises":
            raise RuntimeError("faulty broke")
        if fault == "wrong_type":
            yield "not a finding"
        else:
            gate.release.wait(STUCK)
            gate.finished.set()
            yield ctx.finding(("units", "city"), "late", Text("迟到", "late"))

    return check


def faulty_plugin(hook: str, fault: str, gate: Gate) -> object:
    """A plugin whose ``hook`` (or whose rule, for :data:`RULE_CHECK`) has ``fault``."""
    plugin = types.SimpleNamespace()

    def section() -> ReportSection:
        return ReportSection(key="faulty.section", title=Text("坏", "faulty"), order=76)

    if hook in FAULTY_ENTRIES or hook == "register_rules":
        entry = FAULTY_ENTRIES.get(hook) or Rule(
            key="faulty.rule", title=Text("坏", "faulty"), check=lambda ctx: iter(())
        )

        def register_hook(register: Callable[[object], None]) -> None:
            def wrong() -> None:
                register(entry)
                register("not an entry")

            misbehave(fault, gate, lambda: register(entry), wrong)

        implementation: Callable[..., Any] = register_hook
    elif hook == "parameter_overrides":

        def parameter_overrides() -> list[Any]:
            own = [PluginOverride("branch.max_members", 99, date(2020, 1, 1), "坏")]
            return misbehave(fault, gate, lambda: own, lambda: ["not an override"])

        implementation = parameter_overrides
    elif hook == "validate_service_record":

        def validate_service_record(
            record: ServiceRecord, service_type: ServiceType, ledger: Ledger
        ) -> list[Any]:
            problem = Text("坏部门：有问题", "faulty: a problem")
            return misbehave(fault, gate, lambda: [problem], lambda: [problem, "not a Text"])

        implementation = validate_service_record
    elif hook == "after_service_transition":

        def after_service_transition(
            ledger: Ledger, record: ServiceRecord, event: ServiceEvent
        ) -> Any:
            return misbehave(
                fault, gate, lambda: gate.seen.append(event.to_state.value), lambda: "done"
            )

        implementation = after_service_transition
    elif hook == "report_sections":

        def report_sections(ledger: Ledger, report: Report, lang: str) -> list[Any]:
            return misbehave(fault, gate, lambda: [section()], lambda: [section(), "not a section"])

        implementation = report_sections
    else:
        assert hook == RULE_CHECK
        rule = Rule(key="faulty.rule", title=Text("坏", "faulty"), check=faulty_check(fault, gate))

        def register_rules(register: Callable[[object], None]) -> None:
            register(rule)

        hook, implementation = "register_rules", register_rules
    setattr(plugin, hook, hookimpl(implementation))
    return plugin


# =============================================================================================
# Observing each hook: the results that must stand, and the failures
# =============================================================================================

Failure = tuple[str, str, str | None]  # plugin, message, fault (None where not structured)


def vocabularies(registry: Registry) -> dict[str, list[tuple[str, str, object]]]:
    return {
        name: [
            (e.key, registry.vocabulary(name).owner(e.key), e) for e in registry.vocabulary(name)
        ]
        for name in VOCABULARY_HOOKS.values()
    }


def rulebook(book: RuleBook) -> tuple[object, ...]:
    return (
        {rule_id: (r.plugin, r.rule) for rule_id, r in book.rules.items()},
        dict(book.parameters.parameters),
        dict(book.parameters.owners),
        list(book.parameters.overrides),
    )


def outcomes(report: Report, without: str = "faulty") -> tuple[object, ...]:
    """A report's outcomes, leaving out the rules of plugin ``without``."""
    return (
        tuple(r for r in report.rules_run if not r.startswith(f"{without}::")),
        report.findings,
        report.waived,
        report.occurrences,
        report.measures,
        report.parameters,
        tuple(e for e in report.errored if e.plugin != without),
    )


def probe(ledger: Ledger) -> ServiceRecord:
    return ServiceRecord(
        id="probe.1",
        service_type="good.visit",
        cadre_id=ledger.cadres[0].id,
        provider_unit_id="city.vcb",
        requested=date(2022, 5, 1),
    )


def observe(
    hook: str, pm: PluginManager, ledger: Ledger, good: GoodDepartment
) -> tuple[Callable[[], object], Sequence[Failure]]:
    """Run ``hook``: a function giving the results that must stand (called again once a slow
    plugin has finished, to see that nothing it did late got in), and the failures."""
    if hook in VOCABULARY_HOOKS:
        registry = get_registry(pm)
        failures = [(f.name, f.error, f.fault) for f in registry.load_failures]
        assert [f for f in pm.load_failures if f.hook == hook] == list(registry.load_failures)
        return lambda: vocabularies(registry), failures
    if hook in RULEBOOK_HOOKS:
        book = get_rulebook(pm)
        report = evaluate(ledger, year=2022, pm=pm)
        failures = [(f.name, f.error, f.fault) for f in book.load_failures]
        assert [f for f in pm.load_failures if f.hook == hook] == list(book.load_failures)
        return lambda: (rulebook(book), outcomes(report)), failures
    if hook == "validate_service_record":
        record = probe(ledger)
        service_type = ledger.registry.service_types.get("good.visit")
        found = Hooks(pm).validate_service_record(record, service_type, ledger)
        stand = [(p, t) for p, t in found if p != "faulty"]
        failures = [(p, f"{t.en} / {t.zh}", None) for p, t in found if p == "faulty"]
        return lambda: stand, failures
    if hook == "after_service_transition":
        good.seen.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            moved = transition(
                ledger, "sv.1", "accepted", actor="李干事", role="provider", on=date(2022, 3, 2)
            )
        messages = [str(w.message) for w in caught]
        failures = [
            (m.group(1), message, None)
            for message in messages
            if (m := re.search(r"plugin '([^']+)'", message))
        ]
        seen = list(good.seen)
        return lambda: (moved.model_dump(), seen), failures
    if hook == "report_sections":
        annual = build_annual_report(ledger, 2022, pm=pm, generated_at=GENERATED_AT)
        failures = [(f.plugin, f.error, f.fault) for f in annual.failures]
        if failures:  # every format lists it
            assert "faulty" in render_annual_report(annual, "text").decode()
        sections = [(s.plugin, s) for s in annual.sections]
        return lambda: (sections, annual.narrative, annual.assessment), failures
    assert hook == RULE_CHECK
    report = evaluate(ledger, year=2022, pm=pm)
    failures = [(e.plugin, f"{e.rule_id}: {e.error}", None) for e in report.errored]
    return lambda: outcomes(report), failures


@pytest.fixture
def good(register_plugin: Callable[..., str]) -> GoodDepartment:
    plugin = GoodDepartment()
    register_plugin(plugin, name="good")
    return plugin


@pytest.fixture
def ledger(cadrecore_pm: PluginManager, good: GoodDepartment) -> Ledger:
    """The sample ledger with one of the good department's visits, requested."""
    base = small_ledger(2022, registry=get_registry(cadrecore_pm))
    record = probe(base).model_copy(update={"id": "sv.1", "requested": date(2022, 3, 1)})
    return request(base, record, actor="王建国")


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> Callable[[float | None], None]:
    def set_budget(seconds: float | None) -> None:
        if seconds is None:
            monkeypatch.delenv("CADRECORE_PLUGIN_TIMEOUT", raising=False)
        else:
            monkeypatch.setenv("CADRECORE_PLUGIN_TIMEOUT", str(seconds))

    set_budget(None)
    return set_budget


# =============================================================================================
# The matrix: every hook x every fault
# =============================================================================================


def test_the_matrix_covers_every_hook() -> None:
    specs = {name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "cadrecore_spec")}
    assert specs == set(HOOKS) - {RULE_CHECK}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("hook", HOOKS)
def test_a_faulty_plugin_is_named_and_everything_else_stands(
    hook: str,
    fault: str,
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    good: GoodDepartment,
    ledger: Ledger,
    budget: Callable[[float | None], None],
) -> None:
    before = ledger.model_dump()
    # the run without the faulty plugin, with the default budget (the first run of a rule may
    # import what it needs)
    results, failures = observe(hook, cadrecore_pm, ledger, good)
    assert failures == []
    expected = results()

    gate = Gate()
    register_plugin(faulty_plugin(hook, fault, gate), name="faulty")
    budget(TIMEOUT)
    started = time.monotonic()
    try:
        results, failures = observe(hook, cadrecore_pm, ledger, good)
    finally:
        gate.release.set()
    elapsed = time.monotonic() - started

    # named, once, saying what went wrong
    assert [plugin for plugin, _, _ in failures] == ["faulty"], failures
    ((_, message, fault_field),) = failures
    assert SAYS[fault] in message, message
    if fault_field is not None:
        assert fault_field == FAULT_FIELD[fault]
    if hook in ("validate_service_record", "after_service_transition"):
        assert "'faulty'" in message
    # the others' results are those of a run without the faulty plugin
    assert results() == expected
    # the core's data is untouched
    assert ledger.model_dump() == before
    if fault == "too_slow":
        assert elapsed < STUCK / 2  # it did not wait for the plugin
        assert gate.finished.wait(5)
        # what it did late is discarded: a late register() is refused, a late return ignored
        assert results() == expected
        assert ledger.model_dump() == before
        if hook in VOCABULARY_HOOKS or hook in ("register_parameters", "register_rules"):
            assert isinstance(gate.late_error, PluginError)
        if hook == "after_service_transition":
            assert gate.seen == ["accepted"]  # it ran, late, and nobody waited for it


# =============================================================================================
# Around the matrix
# =============================================================================================


def test_a_plugin_whose_registration_fails_is_left_out_of_that_build_entirely(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], good: GoodDepartment
) -> None:
    """Its branch type registered fine, its importers did not: neither is used (a half
    registered plugin could refer to its own missing keys), and it is a load failure that
    ``cadrecore plugins`` shows."""

    class HalfBroken:
        @hookimpl
        def register_branch_types(self, register: Callable[[BranchType], None]) -> None:
            register(BranchType(key="half.branch", label=Text("半", "half")))

        @hookimpl
        def register_importers(self, register: Callable[[Importer], None]) -> None:
            raise OSError("the template file is missing")

    expected = vocabularies(get_registry(cadrecore_pm))
    register_plugin(HalfBroken(), name="half")
    registry = get_registry(cadrecore_pm)
    assert vocabularies(registry) == expected
    (failure,) = registry.load_failures
    assert (failure.name, failure.hook, failure.fault) == ("half", "register_importers", "raised")
    assert "the template file is missing" in failure.error
    result = CliRunner().invoke(app, ["plugins", "--format", "json"])
    assert result.exit_code == 0, result.output
    (shown,) = json.loads(result.output)["failed"]
    assert (shown["name"], shown["hook"], shown["fault"]) == (
        "half",
        "register_importers",
        "raised",
    )


def test_a_register_hook_that_returns_its_entries_is_told_to_call_register(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    class Returns:
        @hookimpl
        def register_branch_types(self, register: Callable[[BranchType], None]) -> Any:
            return [BranchType(key="lost.branch", label=Text("丢", "lost"))]

    register_plugin(Returns(), name="returns")
    (failure,) = get_registry(cadrecore_pm).load_failures
    assert failure.fault == "wrong_type"
    assert "returned list, expected None (call register(entry) for each entry)" in failure.error


@pytest.mark.parametrize("fault", FAULTS)
def test_strict_builds_raise_naming_the_plugin(
    fault: str, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    """What a plugin's own tests (and ``assert_plugin_conforms``) want: the first fault stops."""
    gate, rules_gate = Gate(), Gate()
    register_plugin(faulty_plugin("register_branch_types", fault, gate), name="faulty")
    register_plugin(faulty_plugin("register_rules", fault, rules_gate), name="faulty_rules")
    try:
        with pytest.raises(PluginError, match=r"plugin 'faulty': register_branch_types") as exc:
            build_registry(cadrecore_pm, timeout=TIMEOUT)
        assert SAYS[fault] in str(exc.value)
        with pytest.raises(PluginError, match=r"plugin 'faulty_rules': register_rules"):
            build_rulebook(cadrecore_pm, timeout=TIMEOUT)
    finally:
        gate.release.set()
        rules_gate.release.set()


def test_two_plugins_registering_one_key_is_still_an_error(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], good: GoodDepartment
) -> None:
    """A clash is no one plugin's fault: it is refused, naming both (the documented rule)."""

    class Copycat:
        @hookimpl
        def register_branch_types(self, register: Callable[[BranchType], None]) -> None:
            register(BranchType(key="good.branch", label=Text("抄", "copy")))

    register_plugin(Copycat(), name="copycat")
    with pytest.raises(DuplicateKeyError, match=r"plugin 'copycat' and again by plugin 'good'"):
        get_registry(cadrecore_pm)


def test_a_rule_that_returns_no_iterable_or_forges_another_rules_finding_is_errored(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], ledger: Ledger
) -> None:
    def returns_none(ctx: RuleContext) -> Any:
        return None

    def forges(ctx: RuleContext) -> Iterator[Any]:
        finding = ctx.finding(("units", "city"), "forged", Text("伪造", "forged"))
        yield replace(finding, rule_id="builtin::branch.formation")

    class Odd:
        @hookimpl
        def register_rules(self, register: Callable[[Rule], None]) -> None:
            register(Rule(key="none", title=Text("无", "none"), check=returns_none))
            register(Rule(key="forges", title=Text("伪", "forges"), check=forges))

    expected = outcomes(evaluate(ledger, year=2022), without="odd")
    register_plugin(Odd(), name="odd")
    report = evaluate(ledger, year=2022)
    errored = {e.rule_id: e for e in report.errored}
    assert set(errored) == {"odd::none", "odd::forges"}
    assert "returned the wrong type: NoneType, expected an iterable" in errored["odd::none"].error
    assert "of rule 'builtin::branch.formation'" in errored["odd::forges"].error
    assert outcomes(report, without="odd") == expected


def test_a_plugin_trying_to_change_the_ledger_is_refused_and_named(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], ledger: Ledger
) -> None:
    """Records and the ledger are frozen: an attempt raises, and is reported like any fault."""

    class Meddler:
        @hookimpl
        def after_service_transition(
            self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
        ) -> None:
            record.state = event.to_state  # type: ignore[misc]

    before = ledger.model_dump()
    register_plugin(Meddler(), name="meddler")
    with pytest.warns(UserWarning, match=r"plugin 'meddler'.*raised ValidationError"):
        moved = transition(
            ledger, "sv.1", "accepted", actor="李干事", role="provider", on=date(2022, 3, 2)
        )
    assert ledger.model_dump() == before
    assert moved.get("service_records", "sv.1").state.value == "accepted"
    with pytest.raises(ValidationError):
        ledger.cadres[0].name = "改名"  # type: ignore[misc]


def test_a_validator_that_cannot_run_keeps_the_ledger_from_loading_and_is_named(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    ledger: Ledger,
    budget: Callable[[float | None], None],
) -> None:
    """A check that could not run has not passed: the record's problem names the plugin."""
    gate = Gate()
    register_plugin(faulty_plugin("validate_service_record", "too_slow", gate), name="faulty")
    budget(TIMEOUT)
    try:
        with pytest.raises(
            cadrecore.LedgerError, match=r"插件 faulty 校验超时|plugin 'faulty' failed to validate"
        ) as exc:
            ledger.replace(service_records=ledger.service_records)
    finally:
        gate.release.set()
    assert "sv.1" in str(exc.value)


def test_a_stuck_plugin_costs_one_budget_not_one_per_call(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    ledger: Ledger,
    budget: Callable[[float | None], None],
) -> None:
    """While a call that overran is still running, the same hook of the same plugin is not
    started again: failed at once, so a stuck validator does not cost a budget per record
    (nor leave a thread per record behind)."""
    gate = Gate()
    register_plugin(faulty_plugin("validate_service_record", "too_slow", gate), name="faulty")
    budget(TIMEOUT)
    hooks = Hooks(cadrecore_pm)
    record = probe(ledger)
    service_type = ledger.registry.service_types.get("good.visit")
    started = time.monotonic()
    try:
        found = [
            dict(hooks.validate_service_record(record, service_type, ledger))["faulty"].en
            for _ in range(5)
        ]
    finally:
        gate.release.set()
    assert time.monotonic() - started < 4 * TIMEOUT
    assert f"timed out after {TIMEOUT:g} s" in found[0]
    assert all("still running" in message for message in found[1:])
    assert gate.finished.wait(5)
    for _ in range(100):  # the worker marks the call finished just after the plugin returns
        again = dict(hooks.validate_service_record(record, service_type, ledger))["faulty"]
        if "still running" not in again.en:
            break
        time.sleep(0.01)
    assert again.en == "faulty: a problem"  # called again once it has returned


def test_plugin_calls_run_in_a_worker_with_the_callers_plugin_manager(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    ledger: Ledger,
    budget: Callable[[float | None], None],
) -> None:
    seen: list[tuple[str, object]] = []

    def where(ctx: RuleContext) -> Iterator[Any]:
        seen.append((threading.current_thread().name, cadrecore.get_plugin_manager()))
        return iter(())

    class Where:
        @hookimpl
        def register_rules(self, register: Callable[[Rule], None]) -> None:
            register(Rule(key="where", title=Text("哪", "where"), check=where))

    register_plugin(Where(), name="where")
    evaluate(ledger, year=2022, rules=["where::where"])
    evaluate(ledger, year=2022, rules=["where::where"], timeout=0)
    assert seen == [
        ("cadrecore-plugin-call", cadrecore_pm),  # a worker, seeing the manager in use
        (threading.current_thread().name, cadrecore_pm),  # no budget: inline, no thread
    ]


def test_the_timeout_keywords_win_over_the_setting(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    ledger: Ledger,
    budget: Callable[[float | None], None],
) -> None:
    # once, with no budget to speak of: the first run of a rule may import what it needs
    build_annual_report(ledger, 2022, pm=cadrecore_pm, generated_at=GENERATED_AT)
    rule_gate, section_gate = Gate(), Gate()
    register_plugin(faulty_plugin(RULE_CHECK, "too_slow", rule_gate), name="faulty")
    register_plugin(faulty_plugin("report_sections", "too_slow", section_gate), name="slowpages")
    budget(3600)
    try:
        annual = build_annual_report(
            ledger, 2022, pm=cadrecore_pm, generated_at=GENERATED_AT, timeout=TIMEOUT
        )
    finally:
        rule_gate.release.set()
        section_gate.release.set()
    assert [(e.plugin, e.error.split(";")[0]) for e in annual.evaluation.errored] == [
        ("faulty", f"timed out after {TIMEOUT:g} s")
    ]
    assert [(f.plugin, f.fault) for f in annual.failures] == [("slowpages", "timed_out")]


@pytest.mark.parametrize(
    ("setting", "keyword", "expected"),
    [
        (None, None, DEFAULT_TIMEOUT),
        ("2.5", None, 2.5),
        (" 0 ", None, None),
        ("off", None, None),
        ("2.5", 0.2, 0.2),
        ("off", 0.2, 0.2),
        ("2.5", 0, None),
    ],
)
def test_the_time_budget_setting(
    setting: str | None,
    keyword: float | None,
    expected: float | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if setting is None:
        monkeypatch.delenv("CADRECORE_PLUGIN_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("CADRECORE_PLUGIN_TIMEOUT", setting)
    assert plugin_timeout(keyword) == expected


@pytest.mark.parametrize("setting", ["soon", "-1", "nan"])
def test_a_bad_time_budget_setting_is_refused(
    setting: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CADRECORE_PLUGIN_TIMEOUT", setting)
    with pytest.raises(cadrecore.CadrecoreError, match="seconds"):
        plugin_timeout()


def _nap(seconds: float) -> None:
    time.sleep(seconds)


def _budgeted_call_seconds() -> float:
    started = time.monotonic()
    call_plugin(_nap, {"seconds": 0}, timeout=5)
    return time.monotonic() - started


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_process_gets_its_own_worker() -> None:
    """The parent's worker thread does not exist in a forked child: the child starts its own
    instead of waiting out the budget on a queue nobody reads."""
    assert _budgeted_call_seconds() < 5  # this process now has a worker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork of a threaded process
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_budgeted_call_seconds) < 1


# ---------------------------------------------------------------------------------------------
# A department's importer: its sniff and read are plugin code too
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["raises", "wrong_type", "too_slow"])
def test_a_faulty_importer_is_named_and_nothing_is_imported(
    fault: str,
    tmp_path: Path,
    register_plugin: Callable[..., str],
    cadrecore_pm: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cadrecore import get_registry
    from cadrecore.io.importing import import_files
    from cadrecore.sample import small_ledger

    release = threading.Event()

    def read(path: Path, registry: Any) -> Any:
        if fault == "raises":
            raise RuntimeError("the sheet has no header")
        if fault == "too_slow":
            release.wait(5)
        return ["not", "a", "batch"]

    class Faulty:
        @hookimpl
        def register_importers(self, register: Callable[[Any], None]) -> None:
            register(
                Importer(
                    key="faulty.importer",
                    label=Text("坏表", "bad sheet"),
                    suffixes=(".xlsx",),
                    sniff=lambda path: True,
                    read=read,
                )
            )

    register_plugin(Faulty(), name="faulty")
    monkeypatch.setenv("CADRECORE_PLUGIN_TIMEOUT", "0.3")
    sheet = tmp_path / "visits.xlsx"
    sheet.write_bytes(b"not really a workbook")
    base = small_ledger()
    before = base.model_dump()
    try:
        outcome = import_files([sheet], base=base, registry=get_registry(cadrecore_pm))
    finally:
        release.set()
    messages = " ".join(p.message.en for p in outcome.problems)
    assert "'faulty.importer' of plugin 'faulty' failed" in messages
    expected = {
        "raises": "the sheet has no header",
        "wrong_type": "returned list, expected ImportBatch",
        "too_slow": "timed out",
    }[fault]
    assert expected in messages
    assert outcome.accepted == 0
    assert outcome.ledger is None
    assert base.model_dump() == before
