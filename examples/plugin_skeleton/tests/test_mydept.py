"""The plugin's own tests, with cadrecore's pytest fixtures (cadrecore_pm, register_plugin)."""

from datetime import date

import cadrecore_mydept as plugin
import pytest

import cadrecore
from cadrecore.models import ParameterOverride, ServiceRecord
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger
from cadrecore.testing import assert_plugin_conforms

YEAR_END = date(2022, 12, 31)


@pytest.fixture
def ledger(cadrecore_pm, register_plugin):
    """The sample ledger, whose oldest cadres are in their seventies: visits due from 70."""
    register_plugin(plugin, name="mydept")
    sample = small_ledger(2022, registry=cadrecore.get_registry(cadrecore_pm))
    return sample.with_records(
        ParameterOverride(
            id="p.min_age",
            key="mydept.min_age",
            value=70,
            effective_from=date(2022, 1, 1),
            source="测试",
        )
    )


def test_the_plugin_conforms():
    assert_plugin_conforms(plugin, "mydept")


def test_the_oldest_without_a_visit_are_found(ledger):
    old = [c.id for c in ledger.cadres if c.alive_on(YEAR_END) and c.age_on(YEAR_END) >= 70]
    report = evaluate(ledger, year=2022, rules=["mydept::*"])
    assert sorted(f.subject.id for f in report.findings) == sorted(old) != []
    assert evaluate(ledger, as_of=date(2022, 6, 30), rules=["mydept::*"]).findings == ()


def test_a_visit_in_the_year_is_enough(ledger):
    old = [c.id for c in ledger.cadres if c.alive_on(YEAR_END) and c.age_on(YEAR_END) >= 70]
    visits = [
        ServiceRecord(
            id=f"v.{n}",
            service_type="mydept.visit",
            cadre_id=cadre_id,
            provider_unit_id=ledger.root.id,
            state="delivered",
            requested=date(2022, 3, 1),
            delivered=date(2022, 3, 8),
            details={"visitor": "王干事"},
        )
        for n, cadre_id in enumerate(old)
    ]
    visited = ledger.with_records(*visits)
    assert evaluate(visited, year=2022, rules=["mydept::*"]).findings == ()
