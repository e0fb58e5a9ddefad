"""The conformance check is strong (issue #25, item 6): it runs a plugin's rules and sections on
random ledgers holding its records, and catches a round trip that loses data, a rule that says
something else the second time, and a ratio that rises when evidence is taken away."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from cadrecore import ServiceType, Text, hookimpl
from cadrecore.rules import Measure, Rule, RuleContext
from cadrecore.testing import assert_plugin_conforms, plugin_property_problems


class VisitDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    visits: int = Field(ge=0, le=12)


def _plugin(check: Callable[[RuleContext], Iterator[Measure]]) -> object:
    class Visits:
        NAMESPACE = "visits"

        @hookimpl
        def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
            register(
                ServiceType(
                    key="visit",
                    label=Text("走访", "visit"),
                    department=Text("老干部局", "bureau"),
                    details=VisitDetails,
                )
            )

        @hookimpl
        def register_rules(self, register: Callable[[Rule], None]) -> None:
            register(Rule(key="covered", title=Text("走访覆盖", "visited"), check=check))

    return Visits()


def visited_share(ctx: RuleContext) -> Iterator[Measure]:
    visited = {r.cadre_id for r in ctx.ledger.service_records_of("visits.visit")}
    cadres = [cadre_id for (cadre_id,) in ctx.ledger.columns("cadres", "id")]
    yield ctx.measure(
        "visited",
        ("jurisdictions", ctx.ledger.jurisdiction.id),
        sum(1 for c in cadres if c in visited),
        len(cadres),
    )


def unvisited_share(ctx: RuleContext) -> Iterator[Measure]:  # wrong way up: fewer is better
    visited = {r.cadre_id for r in ctx.ledger.service_records_of("visits.visit")}
    cadres = [cadre_id for (cadre_id,) in ctx.ledger.columns("cadres", "id")]
    yield ctx.measure(
        "visited",
        ("jurisdictions", ctx.ledger.jurisdiction.id),
        sum(1 for c in cadres if c not in visited),
        len(cadres),
    )


COUNTER = itertools.count()


def changing(ctx: RuleContext) -> Iterator[Measure]:
    yield ctx.measure("calls", ("jurisdictions", ctx.ledger.jurisdiction.id), next(COUNTER), 10**9)


def test_a_sound_plugin_conforms_with_its_own_strategies() -> None:
    visits = st.fixed_dictionaries({"visits": st.integers(0, 12)})
    assert_plugin_conforms(_plugin(visited_share), details={"visit": visits}, examples=10)


def test_a_ratio_that_rises_when_evidence_goes_is_caught() -> None:
    (problem,) = plugin_property_problems(_plugin(unvisited_share), "visits", examples=30)
    assert "evidence taken away must never raise a ratio" in problem


def test_a_rule_that_says_something_else_the_second_time_is_caught() -> None:
    (problem,) = plugin_property_problems(_plugin(changing), "visits", examples=5)
    assert "differently" in problem


def test_the_check_fails_with_the_problem() -> None:
    with pytest.raises(AssertionError, match="never raise a ratio"):
        assert_plugin_conforms(_plugin(unvisited_share), examples=30)
