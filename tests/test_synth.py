"""The synthetic jurisdiction: deterministic, consistent, in the Xinzhou example's proportions."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cadrecore
from cadrecore import Registry
from cadrecore.cli_synth import is_store_target
from cadrecore.plugins import PluginManager
from cadrecore.rules import evaluate
from cadrecore.synth import BRANCH_TYPE_WEIGHTS, branch_count, county_count, synthesize


@pytest.fixture(scope="module")
def ledger_1000() -> cadrecore.Ledger:
    pm = cadrecore.new_plugin_manager(load_installed=False)
    return synthesize(1000, 7, registry=cadrecore.get_registry(pm))


def test_same_seed_same_ledger(cadrecore_registry: Registry) -> None:
    assert synthesize(300, 3, registry=cadrecore_registry) == synthesize(
        300, 3, registry=cadrecore_registry
    )


def test_different_seed_different_ledger(cadrecore_registry: Registry) -> None:
    assert synthesize(300, 3, registry=cadrecore_registry) != synthesize(
        300, 4, registry=cadrecore_registry
    )


def test_builtin_rules_run_without_errors(ledger_1000: cadrecore.Ledger) -> None:
    pm = cadrecore.new_plugin_manager(load_installed=False)
    report = evaluate(ledger_1000, year=2022, pm=pm)
    assert report.errored == ()
    # realistic gaps, but only a few: organizational life mostly complete
    rules = Counter(f.rule_id for f in report.findings)
    assert rules["builtin::coverage.full"] == 0
    assert sum(rules.values()) < len(ledger_1000.branches)


def test_proportions_hold(ledger_1000: cadrecore.Ledger) -> None:
    ledger = ledger_1000
    day = ledger.branches[0].committee_elected
    assert day is not None
    assert len(ledger.branches) == branch_count(1000)
    assert 0.80 < len(ledger.party_members()) / len(ledger.cadres) < 0.92
    # every living party member in exactly one branch
    alive = ledger.party_members(on=ledger.activities[-1].date)
    for cadre in alive:
        assert ledger.branch_of(cadre.id) is not None
    held = Counter(m.cadre_id for m in ledger.memberships if m.until is None)
    assert max(held.values()) == 1
    types = Counter(b.branch_type for b in ledger.branches)
    assert set(types) == {t for t, _ in BRANCH_TYPE_WEIGHTS}
    assert types["team"] > types["online_publicity"]
    counties = [u for u in ledger.units if u.level == "county" and u.kind == "government"]
    assert len(counties) == county_count(1000)
    # a year of organizational life: about 34 records a branch, as in Xinzhou
    assert 25 < len(ledger.activities) / len(ledger.branches) < 40
    assert ledger.service_records == ()  # no service type registered


def test_sizes_scale(cadrecore_registry: Registry) -> None:
    small = synthesize(200, 1, registry=cadrecore_registry).counts()
    large = synthesize(2000, 1, registry=cadrecore_registry).counts()
    assert small["cadres"] == 200
    assert large["cadres"] == 2000
    for kind in ("branches", "memberships", "activities"):
        assert 7 < large[kind] / small[kind] < 13


def test_service_records_of_registered_plugins(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    try:
        module = importlib.import_module("cadrecore_art_academy")
    except ModuleNotFoundError:
        pytest.skip("the art_academy plugin is not installed")
    register_plugin(module, name="art_academy")
    registry = cadrecore.get_registry(cadrecore_pm)
    ledger = synthesize(500, 2, registry=registry)
    assert ledger.service_records
    assert {r.service_type for r in ledger.service_records} == {"art_academy.enrolment"}


def test_cli_writes_a_folder_and_a_store(tmp_path: Path) -> None:

    from cadrecore.cli import app

    runner = CliRunner()
    folder = tmp_path / "ledger"
    args = ["synth", "--cadres", "150", "--seed", "1", "--out"]
    result = runner.invoke(app, [*args, str(folder)])
    assert result.exit_code == 0, result.output
    assert cadrecore.load_ledger(folder).counts()["cadres"] == 150
    db = tmp_path / "s.sqlite"
    result = runner.invoke(app, [*args, f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    with cadrecore.open_store(db, create=False) as store:
        assert store.load().counts()["cadres"] == 150
    assert is_store_target("x.db") and is_store_target("sqlite:///x") and not is_store_target("x")


def test_records_of_a_kind_share_one_fields_set(ledger_1000: cadrecore.Ledger) -> None:
    """Memory at a million cadres (issue #26): the cadres, memberships, activities and grants
    a synthesis builds hold one fields-set per kind and set of fields, not a set each, and
    each record still says which fields were given, as a record built alone does."""
    from cadrecore.models import Cadre

    for kind in ("cadres", "memberships", "activities", "treatment_grants"):
        records = ledger_1000.records(kind)
        objects = {id(r.__pydantic_fields_set__) for r in records}
        contents = {frozenset(r.__pydantic_fields_set__) for r in records}
        assert len(records) > 100
        assert len(objects) == len(contents) < 10, (kind, len(objects), len(contents))
    cadre = ledger_1000.records("cadres")[0]
    alone = Cadre.model_validate(cadre.model_dump(exclude_unset=True))
    assert alone.__pydantic_fields_set__ == cadre.__pydantic_fields_set__
    assert alone == cadre


def test_shared_fields_sets_leave_an_unfrozen_model_alone() -> None:
    from pydantic import BaseModel

    from cadrecore.models.construct import SharedFieldsSets

    class Loose(BaseModel):
        a: int = 0

    share = SharedFieldsSets().share
    first, second = Loose(a=1), Loose(a=2)
    assert share(first) is first and share(second) is second
    assert first.__pydantic_fields_set__ is not second.__pydantic_fields_set__
    second.a = 3  # (an unfrozen record may change; its set is its own)
    assert first.__pydantic_fields_set__ == {"a"}
