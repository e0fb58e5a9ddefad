"""The plugin author's kit: fixtures and the conformance check catch what they should."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict

from cadrecore import BranchType, ServiceType, Text, get_registry, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.plugins import PluginManager
from cadrecore.rules import Rule, evaluate
from cadrecore.testing import plugin_conformance_problems


class GoodDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    visits: tuple[date, ...] = ()
    note: str = ""


class Good:
    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="good.visit",
                label=Text("探访", "visit"),
                department=Text("局", "bureau"),
                details=GoodDetails,
            )
        )

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule(key="visits", title=Text("探访", "visits"), check=lambda ctx: iter(())))


class LooseDetails(BaseModel):
    nested: dict[str, int] = {}


class Bad:
    @hookimpl
    def register_branch_types(self, register: Callable[[BranchType], None]) -> None:
        register(BranchType(key="flat", label=Text("", "flat")))

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="bad.thing",
                label=Text("坏", "bad"),
                department=Text("局", "bureau"),
                details=LooseDetails,
            )
        )

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        def boom(ctx: object) -> object:
            raise ValueError("boom")

        register(Rule(key="boom", title=Text("坏", "bad"), check=boom))  # type: ignore[arg-type]


class Misspelt:
    @hookimpl
    def register_servce_types(self, register: object) -> None:
        """A typo in a hook name."""


def test_a_good_plugin_conforms() -> None:
    assert plugin_conformance_problems(Good(), "good") == []


def test_a_bad_plugin_gets_every_problem_named() -> None:
    problems = "\n".join(plugin_conformance_problems(Bad(), "bad"))
    assert "branch_types key 'flat' is not namespaced" in problems
    assert "needs a Chinese and an English label" in problems
    assert "should be frozen" in problems and "extra='forbid'" in problems
    assert "'nested' does not store as a CSV cell" in problems
    assert "rule 'bad::boom' raised" in problems


def test_a_misspelt_hook_is_refused() -> None:
    problems = plugin_conformance_problems(Misspelt(), "misspelt")
    assert len(problems) == 1 and "register_servce_types" in problems[0]


def test_fixtures_give_a_ledger_checked_against_the_test_plugins(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str], cadrecore_ledger: Ledger
) -> None:
    assert evaluate(cadrecore_ledger, year=2022).success
    assert "good.visit" not in get_registry(cadrecore_pm).service_types
    register_plugin(Good(), name="good")
    assert "good.visit" in get_registry(cadrecore_pm).service_types
