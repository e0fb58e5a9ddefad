"""Vocabularies through plugin hooks: built-ins, duplicates, wrong types, loading switches."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

import pytest
from pydantic import ValidationError

import cadrecore.plugins
from cadrecore import (
    BranchType,
    Ledger,
    PluginError,
    Registry,
    Text,
    build_registry,
    describe_plugins,
    get_registry,
    hookimpl,
    new_plugin_manager,
)
from cadrecore.errors import DuplicateKeyError, UnknownKeyError
from cadrecore.models import Branch
from cadrecore.plugins import PluginManager
from cadrecore.testing import registered

VOCABULARY_PLUGIN = "cadrecore.builtin.vocabulary"
SIX_ONES = (
    "six_ones.report_hearing",
    "six_ones.situation_briefing",
    "six_ones.coordination_meeting",
    "six_ones.party_spirit_education",
    "six_ones.observation_tour",
    "six_ones.visits_condolences",
)
MEETINGS = (
    "general_meeting",
    "committee_meeting",
    "group_meeting",
    "party_lecture",
    "themed_party_day",
    "org_life_meeting",
    "democratic_appraisal",
    "heart_to_heart",
)


def branch_type_plugin(*keys: str) -> object:
    """A plugin (a module) that registers one branch type per key."""
    module = types.ModuleType("branch_type_plugin")

    @hookimpl
    def register_branch_types(register: Callable[[BranchType], None]) -> None:
        for key in keys:
            register(BranchType(key=key, label=Text(f"{key}支部", f"{key} branch")))

    module.register_branch_types = register_branch_types  # type: ignore[attr-defined]
    return module


# ---------------------------------------------------------------------------------------------
# Built-ins
# ---------------------------------------------------------------------------------------------


def test_builtin_branch_types(cadrecore_registry: Registry) -> None:
    keys = {entry.key for entry in cadrecore_registry.branch_types}
    assert keys == {"team", "mobile", "online_publicity", "community", "rural"}
    assert cadrecore_registry.branch_types.get("team").label.zh == "团队支部"
    assert cadrecore_registry.branch_types.owner("rural") == VOCABULARY_PLUGIN


def test_builtin_six_ones(cadrecore_registry: Registry) -> None:
    items = list(cadrecore_registry.checklist_items)
    assert tuple(item.key for item in items) == SIX_ONES
    for item in items:
        evidence = cadrecore_registry.activity_kinds.get(item.evidence_kind)
        assert evidence.scope == "unit"
    briefing = cadrecore_registry.checklist_items.get("six_ones.situation_briefing")
    assert len(briefing.required_bodies) == 4


def test_builtin_meeting_kinds(cadrecore_registry: Registry) -> None:
    for key in MEETINGS:
        kind = cadrecore_registry.activity_kinds.get(key)
        assert kind.scope == "branch"
        assert kind.organizational_life
    assert cadrecore_registry.activity_kinds.get("theme_activity").scope == "any"
    assert not cadrecore_registry.activity_kinds.get("election").organizational_life


def test_an_unknown_key_suggests_close_ones(cadrecore_registry: Registry) -> None:
    with pytest.raises(UnknownKeyError, match="did you mean 'general_meeting'"):
        cadrecore_registry.activity_kinds.get("general_meting")
    with pytest.raises(UnknownKeyError, match="no vocabulary named 'colours'"):
        cadrecore_registry.vocabulary("colours")


# ---------------------------------------------------------------------------------------------
# Plugins that register
# ---------------------------------------------------------------------------------------------


def test_a_duplicate_key_names_both_plugins(cadrecore_pm: PluginManager) -> None:
    cadrecore_pm.register(branch_type_plugin("team"), name="dept.copycat")
    with pytest.raises(DuplicateKeyError) as exc:
        build_registry(cadrecore_pm)
    message = str(exc.value)
    assert "'team'" in message
    assert VOCABULARY_PLUGIN in message
    assert "dept.copycat" in message


def test_a_duplicate_between_two_outside_plugins(cadrecore_pm: PluginManager) -> None:
    cadrecore_pm.register(branch_type_plugin("coal"), name="dept.one")
    cadrecore_pm.register(branch_type_plugin("coal"), name="dept.two")
    with pytest.raises(DuplicateKeyError, match=r"dept\.one.*dept\.two|dept\.two.*dept\.one"):
        build_registry(cadrecore_pm)


def test_registering_the_wrong_type_names_the_plugin(cadrecore_pm: PluginManager) -> None:
    class WrongType:
        @staticmethod
        @hookimpl
        def register_branch_types(register: Callable[[Any], None]) -> None:
            register("coal")

    cadrecore_pm.register(WrongType, name="dept.sloppy")
    with pytest.raises(PluginError) as exc:
        build_registry(cadrecore_pm)
    assert "dept.sloppy" in str(exc.value)
    assert "BranchType" in str(exc.value)


def test_a_plugin_that_raises_while_registering_is_named(cadrecore_pm: PluginManager) -> None:
    class Broken:
        @staticmethod
        @hookimpl
        def register_branch_types(register: Callable[[Any], None]) -> None:
            raise RuntimeError("boom")

    cadrecore_pm.register(Broken, name="dept.broken")
    with pytest.raises(PluginError, match=r"dept\.broken.*register_branch_types.*boom"):
        build_registry(cadrecore_pm)


def test_an_entry_with_a_bad_key_is_refused() -> None:
    with pytest.raises(ValueError, match="lower-case words"):
        BranchType(key="Coal Branch", label=Text("煤炭支部", "coal branch"))


def test_a_plugin_adds_a_branch_type_and_a_ledger_accepts_it(
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    mini: Callable[..., Ledger],
) -> None:
    plain = get_registry(cadrecore_pm)
    data = {
        "id": "b9",
        "name": "煤炭系统支部",
        "branch_type": "coal_retirees",
        "tie": "业缘",
        "org_id": "org",
        "county_id": "xinfu",
    }
    with pytest.raises(ValidationError, match="unknown branch type 'coal_retirees'"):
        Branch.model_validate(data, context={"registry": plain})

    register_plugin(branch_type_plugin("coal_retirees"), name="dept.coal")
    registry = get_registry(cadrecore_pm)
    assert registry is not plain
    assert registry.branch_types.owner("coal_retirees") == "dept.coal"
    branch = Branch.model_validate(data, context={"registry": registry})
    base = mini()
    ledger = Ledger(
        registry=registry,
        **{name: getattr(base, name) for name in type(base).model_fields},
    ).replace(branches=(*base.branches, branch))
    assert ledger.branches_of_type("coal_retirees") == (branch,)


def test_the_registry_follows_the_plugins(cadrecore_pm: PluginManager) -> None:
    before = get_registry(cadrecore_pm)
    assert get_registry(cadrecore_pm) is before  # cached while nothing changes
    with registered(cadrecore_pm, branch_type_plugin("coal_retirees"), name="dept.coal"):
        assert "coal_retirees" in get_registry(cadrecore_pm).branch_types
    assert "coal_retirees" not in get_registry(cadrecore_pm).branch_types


def test_describe_plugins_lists_what_each_registered(cadrecore_pm: PluginManager) -> None:
    cadrecore_pm.register(branch_type_plugin("coal_retirees", "art"), name="dept.coal")
    infos = {info.name: info for info in describe_plugins(cadrecore_pm)}
    assert infos["dept.coal"].registered == {"branch_types": ("coal_retirees", "art")}
    assert infos["dept.coal"].hooks == ("register_branch_types",)
    assert infos["dept.coal"].version is None
    builtin = infos[VOCABULARY_PLUGIN].registered
    assert builtin["branch_types"] == ("team", "mobile", "online_publicity", "community", "rural")
    assert builtin["checklist_items"] == SIX_ONES
    assert set(MEETINGS) <= set(builtin["activity_kinds"])
    assert "register_branch_types" in infos[VOCABULARY_PLUGIN].hooks


# ---------------------------------------------------------------------------------------------
# Installed plugins: entry points and the environment switches
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three installed plugins: ``good`` and ``other`` work, ``broken`` cannot be imported."""
    monkeypatch.setitem(sys.modules, "cadrecore_fake_good", branch_type_plugin("good_type"))
    monkeypatch.setitem(sys.modules, "cadrecore_fake_other", branch_type_plugin("other_type"))
    entry_points = [
        metadata.EntryPoint("good", "cadrecore_fake_good", "cadrecore"),
        metadata.EntryPoint("broken", "cadrecore_fake_missing_module_xyz", "cadrecore"),
        metadata.EntryPoint("other", "cadrecore_fake_other", "cadrecore"),
    ]

    def fake(**params: Any) -> list[metadata.EntryPoint]:
        return [ep for ep in entry_points if ep.group == params.get("group")]

    monkeypatch.setattr(cadrecore.plugins.metadata, "entry_points", fake)
    monkeypatch.delenv("CADRECORE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("CADRECORE_DISABLE_PLUGINS", raising=False)
    yield


def branch_types_of(pm: PluginManager) -> set[str]:
    return {entry.key for entry in build_registry(pm).branch_types}


@pytest.mark.usefixtures("fake_entry_points")
def test_installed_plugins_load_and_a_broken_one_is_skipped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pm = new_plugin_manager()
    assert pm.has_plugin("good")
    assert pm.has_plugin("other")
    assert not pm.has_plugin("broken")
    assert [f.name for f in pm.load_failures] == ["broken"]
    assert "ModuleNotFoundError" in pm.load_failures[0].error
    assert "'broken' failed to load and was skipped" in capsys.readouterr().err
    assert {"good_type", "other_type", "team"} <= branch_types_of(pm)


@pytest.mark.usefixtures("fake_entry_points")
def test_load_plugins_names_the_only_ones_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", " good , broken")
    pm = new_plugin_manager()
    assert pm.has_plugin("good")
    assert not pm.has_plugin("other")
    assert [f.name for f in pm.load_failures] == ["broken"]
    assert "good_type" in branch_types_of(pm)
    assert "other_type" not in branch_types_of(pm)


@pytest.mark.usefixtures("fake_entry_points")
def test_empty_load_plugins_loads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "")
    pm = new_plugin_manager()
    assert not pm.has_plugin("good")
    assert not pm.has_plugin("other")
    assert pm.load_failures == []
    assert branch_types_of(pm) == {"team", "mobile", "online_publicity", "community", "rural"}


@pytest.mark.usefixtures("fake_entry_points")
def test_disable_plugins_skips_installed_and_builtin_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADRECORE_DISABLE_PLUGINS", f"other,broken,{VOCABULARY_PLUGIN}")
    pm = new_plugin_manager()
    assert pm.has_plugin("good")
    assert not pm.has_plugin("other")
    assert not pm.has_plugin(VOCABULARY_PLUGIN)
    assert pm.load_failures == []
    assert branch_types_of(pm) == {"good_type"}


@pytest.mark.usefixtures("fake_entry_points")
def test_load_installed_false_ignores_entry_points() -> None:
    pm = new_plugin_manager(load_installed=False)
    assert not pm.has_plugin("good")
    assert pm.load_failures == []


@pytest.mark.usefixtures("fake_entry_points")
def test_a_plugin_that_fails_to_register_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = types.ModuleType("cadrecore_fake_bad_hook")

    @hookimpl
    def register_branch_types(wrong_argument: Any) -> None:  # not in the hook's signature
        raise AssertionError("never called")

    bad.register_branch_types = register_branch_types  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cadrecore_fake_bad_hook", bad)
    eps = [
        metadata.EntryPoint("bad_hook", "cadrecore_fake_bad_hook", "cadrecore"),
        metadata.EntryPoint("good", "cadrecore_fake_good", "cadrecore"),
    ]
    monkeypatch.setattr(cadrecore.plugins.metadata, "entry_points", lambda **params: eps)
    pm = new_plugin_manager()
    assert not pm.has_plugin("bad_hook")
    assert [f.name for f in pm.load_failures] == ["bad_hook"]
    assert "wrong_argument" in pm.load_failures[0].error
    assert "good_type" in branch_types_of(pm)


def test_trace_plugins_writes_hook_calls_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CADRECORE_TRACE_PLUGINS", "1")
    pm = new_plugin_manager(load_installed=False)
    pm.hook.register_branch_types(register=lambda entry: None)
    assert "register_branch_types" in capsys.readouterr().err
