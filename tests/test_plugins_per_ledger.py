"""Plugins chosen per ledger, and nothing lost when one is off (issue #25, items 3 and 4).

A ledger names the plugins it uses (``plugins:`` in ledger.yaml, the store's ledger record);
by default every plugin installed, as before. A service type whose plugin is disabled, missing
or not chosen loads as opaque records: their cells kept as they are through a folder and a
store, counted in a warning, never judged; checked again once the plugin is back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

import cadrecore
from cadrecore import Ledger, ServiceType, Text, hookimpl
from cadrecore.models import ServiceState, plain_details
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Finding, Rule, RuleContext, evaluate
from cadrecore.sample import small_ledger
from cadrecore.services import DEFAULT_LIFECYCLE
from cadrecore.store import open_store


class ExamDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hospital: str
    score: int = 0


def every_exam(ctx: RuleContext) -> Iterator[Finding]:
    for record in ctx.ledger.service_records_of(ctx.key("exam")):
        assert isinstance(record.details, ExamDetails)
        yield ctx.finding(("service_records", record.id), "seen", Text("见", "seen"))


class Health:
    NAMESPACE = "health"

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="exam",
                label=Text("体检", "exam"),
                department=Text("卫健委", "health commission"),
                details=ExamDetails,
                lifecycle=DEFAULT_LIFECYCLE.without(ServiceState.SCHEDULED),
            )
        )

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule(key="every", title=Text("每条", "every"), check=every_exam))

    @hookimpl
    def report_sections(self, ledger: Any, report: Any, lang: str) -> list[ReportSection]:
        return [ReportSection(key="summary", title=Text("体检", "Exams"))]


def with_exams(registry: cadrecore.Registry, plugins: tuple[str, ...] | None = None) -> Ledger:
    base = small_ledger(2022, registry=registry)
    unit = base.units[0].id
    records = [
        {
            "id": f"ex.{n}",
            "service_type": "health.exam",
            "cadre_id": cadre.id,
            "provider_unit_id": unit,
            "state": "delivered",
            "requested": "2022-03-01",
            "delivered": "2022-03-02",
            "details": {"hospital": f"医院{n}", "score": n},
        }
        for n, cadre in enumerate(base.cadres[:3])
    ]
    events = [
        {"record_id": f"ex.{n}", "seq": seq, "to_state": state, "at": at, "actor": "a", "role": r}
        for n in range(3)
        for seq, state, at, r in (
            (1, "requested", "2022-03-01", "cadre"),
            (2, "accepted", "2022-03-01", "bureau"),
            (3, "delivered", "2022-03-02", "provider"),  # (no "scheduled": health's lifecycle)
        )
    ]
    jurisdiction = base.jurisdiction.model_copy(update={"plugins": plugins})
    return base.replace(jurisdiction=jurisdiction, service_records=records, service_events=events)


@pytest.fixture
def health_pm(cadrecore_pm: PluginManager, register_plugin: Callable[..., str]) -> PluginManager:
    register_plugin(Health())
    return cadrecore_pm


@pytest.fixture
def without_health() -> PluginManager:
    return cadrecore.new_plugin_manager(load_installed=False)


def checked(ledger: Ledger, pm: PluginManager) -> list[str]:
    report = evaluate(ledger, year=2022, pm=pm, rules=["health::*"] if _has_rules(pm) else None)
    return sorted(f.subject.id for f in report.findings if f.rule_id.startswith("health::"))


def _has_rules(pm: PluginManager) -> bool:
    return any(r.startswith("health::") for r in cadrecore.rules.get_rulebook(pm).rules)


# ---------------------------------------------------------------------------------------------
# Disabled or missing: opaque records through a folder
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["missing", "disabled"])
def test_a_folder_with_records_of_a_plugin_that_is_off_loads_and_keeps_them(
    health_pm: PluginManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    ledger = with_exams(cadrecore.get_registry(health_pm))
    folder = ledger.save(tmp_path / "ledger")
    written = (folder / "services" / "health.exam.csv").read_bytes()
    if how == "disabled":
        monkeypatch.setenv("CADRECORE_DISABLE_PLUGINS", "health")
    bare = cadrecore.new_plugin_manager(load_installed=False)
    loaded = cadrecore.load_ledger(folder, registry=cadrecore.get_registry(bare))
    assert [plain_details(r) for r in loaded.service_records] == [
        {"hospital": f"医院{n}", "score": str(n)} for n in range(3)
    ]
    (warning,) = loaded.unchecked()
    said = {"missing": "未安装的插件 health", "disabled": "已停用插件 health"}[how]
    assert warning.zh.startswith(f"{said} 的 3 条记录未检查")
    assert "3 record(s)" in warning.en
    assert evaluate(loaded, year=2022, pm=bare).errored == ()
    again = loaded.save(tmp_path / "again")
    assert (again / "services" / "health.exam.csv").read_bytes() == written
    monkeypatch.delenv("CADRECORE_DISABLE_PLUGINS", raising=False)
    back = cadrecore.load_ledger(again, registry=cadrecore.get_registry(health_pm))
    assert back == ledger and back.unchecked() == []
    assert checked(back, health_pm) == ["ex.0", "ex.1", "ex.2"]


def test_a_key_of_one_word_or_of_a_plugin_in_use_is_still_refused(
    health_pm: PluginManager, tmp_path: Path
) -> None:
    folder = with_exams(cadrecore.get_registry(health_pm)).save(tmp_path / "ledger")
    (folder / "services" / "health.exam.csv").rename(folder / "services" / "health.exma.csv")
    with pytest.raises(cadrecore.LedgerError, match="已注册的服务类型"):
        cadrecore.load_ledger(folder, registry=cadrecore.get_registry(health_pm))


# ---------------------------------------------------------------------------------------------
# ... and through a store, on both backends
# ---------------------------------------------------------------------------------------------


def test_a_store_with_records_of_a_plugin_that_is_off_loads_and_keeps_them(
    health_pm: PluginManager, without_health: PluginManager, store_url: str, tmp_path: Path
) -> None:
    ledger = with_exams(cadrecore.get_registry(health_pm))
    bare = cadrecore.get_registry(without_health)
    with open_store(store_url) as store:
        store.save(ledger, actor="test")
        loaded = store.load(registry=bare)
        opened = store.open(registry=bare)
        for read in (loaded, opened):
            assert [plain_details(r) for r in read.service_records] == [
                plain_details(r) for r in ledger.service_records
            ]
            assert len(read.unchecked()) == 1
        assert store.save(loaded, actor="test").changes == 0  # nothing lost, nothing changed
        folder = loaded.save(tmp_path / "exported")  # an export keeps them too
        back = store.load(registry=cadrecore.get_registry(health_pm))
        assert back == ledger and back.unchecked() == []
    exported = cadrecore.load_ledger(folder, registry=cadrecore.get_registry(health_pm))
    assert exported == ledger


# ---------------------------------------------------------------------------------------------
# Chosen per ledger
# ---------------------------------------------------------------------------------------------


def test_a_ledger_that_does_not_choose_a_plugin_is_not_judged_by_it(
    health_pm: PluginManager,
) -> None:
    registry = cadrecore.get_registry(health_pm)
    everyone = with_exams(registry)
    assert checked(everyone, health_pm) == ["ex.0", "ex.1", "ex.2"]
    assert with_exams(registry, ("health",)).unchecked() == []
    others = with_exams(registry, ())  # (its jurisdiction names none)
    assert checked(others, health_pm) == []
    (warning,) = others.unchecked()
    assert warning.zh.startswith("本账册未选用的插件 health 的 3 条记录未检查")
    report = evaluate(others, year=2022, pm=health_pm)
    hooks = others.registry.hooks
    assert hooks is not None
    sections, _ = hooks.report_sections(others, report, "zh")
    assert not [s for s in sections if s.plugin == "health"]


def test_the_choice_travels_with_the_ledger(
    health_pm: PluginManager, store_url: str, tmp_path: Path
) -> None:
    registry = cadrecore.get_registry(health_pm)
    chosen = with_exams(registry, ("health",))
    folder = chosen.save(tmp_path / "ledger")
    assert "plugins:\n- health\n" in (folder / "ledger.yaml").read_text(encoding="utf-8")
    loaded = cadrecore.load_ledger(folder, registry=registry)
    assert loaded.jurisdiction.plugins == ("health",) and loaded.registry.in_use == {"health"}
    with open_store(store_url) as store:
        store.save(loaded, actor="test")
        for read in (store.load(registry=registry), store.open(registry=registry)):
            assert read.jurisdiction.plugins == ("health",)
            assert read.registry.in_use == {"health"}
    nobody = with_exams(registry, ()).save(tmp_path / "none")
    assert cadrecore.load_ledger(nobody, registry=registry).unchecked()


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def test_cadrecore_plugins_says_which_apply_to_a_ledger_and_why(
    health_pm: PluginManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cadrecore.cli import app

    monkeypatch.setenv("CADRECORE_LANG", "en")
    registry = cadrecore.get_registry(health_pm)
    folder = with_exams(registry, ("other",)).save(tmp_path / "ledger")
    result = CliRunner().invoke(app, ["plugins", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    (health,) = [p for p in shown["plugins"] if p["name"] == "health"]
    assert health["used"] is False and "do not list health" in health["why"]
    assert shown["plugins_named"] == ["other"]
    assert shown["unchecked"] and "3 record(s)" in shown["unchecked"][0]
    text = CliRunner().invoke(app, ["plugins", str(folder)])
    assert "health  does not apply" in text.stdout
    checked_ = CliRunner().invoke(app, ["check", str(folder), "--year", "2022", "--exit-zero"])
    assert checked_.exit_code == 0, checked_.output
    assert "3 record(s) of the plugin health" in checked_.stderr
    assert "health::" not in checked_.stdout
