"""`cadrecore plugins`: each installed plugin with its version and everything it registered,
vocabulary entries, rules and rule parameters, as text and as JSON.

The four department plugins are loaded here through their entry points (group ``cadrecore``),
as an installation finds them, so that their distributions' versions are known.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

import pytest
from typer.testing import CliRunner

import cadrecore
from cadrecore.cli import app
from cadrecore.plugins import PluginManager

runner = CliRunner()

DEPARTMENTS = {
    "art_academy": "cadrecore-art-academy",
    "medicine_kits": "cadrecore-medicine-kits",
    "family_doctor": "cadrecore-family-doctor",
    "order_service": "cadrecore-order-service",
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginManager]:
    """A manager that loaded the four department plugins from their entry points, in use."""
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", ",".join(DEPARTMENTS))
    monkeypatch.delenv("CADRECORE_DISABLE_PLUGINS", raising=False)
    pm = cadrecore.new_plugin_manager()
    assert pm.load_failures == []
    with cadrecore.using_plugin_manager(pm):
        yield pm


def plugins_json() -> dict[str, Any]:
    result = runner.invoke(app, ["plugins", "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_json_lists_each_department_plugin_with_its_version(installed: PluginManager) -> None:
    data = plugins_json()
    assert data["failed"] == []
    by_name = {p["name"]: p for p in data["plugins"]}
    for name, distribution in DEPARTMENTS.items():
        assert by_name[name]["version"] == metadata.version(distribution)
        assert {
            "register_service_types",
            "register_parameters",
            "register_rules",
            "report_sections",
        } <= set(by_name[name]["hooks"])
    assert by_name["cadrecore.builtin.rules"]["version"] == metadata.version("cadrecore")


def test_json_lists_what_each_registered_rules_and_parameters_included(
    installed: PluginManager,
) -> None:
    by_name = {p["name"]: p["registered"] for p in plugins_json()["plugins"]}
    assert by_name["art_academy"] == {
        "activity_kinds": ["art_academy.exhibition", "art_academy.class_session"],
        "service_types": ["art_academy.enrolment"],
        "rules": [
            "art_academy::enrolment.capacity",
            "art_academy::enrolment.attendance",
            "art_academy::exhibitions.yearly",
        ],
        "parameters": [
            "art_academy.review_within_working_days",
            "art_academy.min_attendance_share",
            "art_academy.exhibitions_per_year",
        ],
    }
    assert by_name["medicine_kits"]["rules"] == [
        "medicine_kits::kit.expired",
        "medicine_kits::kit.expiring",
        "medicine_kits::kit.checked",
        "medicine_kits::kit.coverage",
    ]
    assert by_name["family_doctor"]["parameters"] == [
        "family_doctor.accept_within_working_days",
        "family_doctor.min_age",
        "family_doctor.visit_grace_days",
        "family_doctor.renewal_notice_days",
    ]
    orders = by_name["order_service"]
    assert orders["service_types"] == ["order_service.order"]
    assert "order_service.respond_within_working_days.escort" in orders["parameters"]
    assert len(orders["rules"]) == 3
    # the built-ins register like any plugin: their rules and parameters are listed too
    assert "builtin::branch.formation" in by_name["cadrecore.builtin.rules"]["rules"]
    assert "branch.min_full_members" in by_name["cadrecore.builtin.parameters"]["parameters"]
    assert "rules" not in by_name["cadrecore.builtin.vocabulary"]


def test_text_shows_versions_and_registrations(installed: PluginManager) -> None:
    result = runner.invoke(app, ["plugins"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    version = metadata.version("cadrecore-medicine-kits")
    at = lines.index(f"medicine_kits {version}")
    block = lines[at + 1 : at + 4]
    assert block == [
        "  service_types: medicine_kits.kit",
        "  rules: medicine_kits::kit.expired, medicine_kits::kit.expiring, "
        "medicine_kits::kit.checked, medicine_kits::kit.coverage",
        "  parameters: medicine_kits.accept_within_working_days, "
        "medicine_kits.deliver_within_working_days, medicine_kits.expiry_warning_days, "
        "medicine_kits.check_every_months",
    ]


def test_without_installed_plugins_only_the_built_ins_are_listed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "")
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager()):
        names = [p["name"] for p in plugins_json()["plugins"]]
    assert names and all(name.startswith("cadrecore.builtin.") for name in names)


class BrokenRules:
    """Registers a branch type, then fails while registering its rules."""

    @cadrecore.hookimpl
    def register_branch_types(self, register: Callable[[cadrecore.BranchType], None]) -> None:
        register(cadrecore.BranchType(key="broken.type", label=cadrecore.Text("坏", "broken")))

    @cadrecore.hookimpl
    def register_rules(self, register: Callable[[object], None]) -> None:
        raise RuntimeError("no rules today")


def test_a_plugin_whose_rules_fail_is_still_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADRECORE_LOAD_PLUGINS", "")
    pm = cadrecore.new_plugin_manager()
    pm.register(BrokenRules(), name="broken")
    infos = {info.name: info for info in cadrecore.describe_plugins(pm)}
    assert infos["broken"].registered == {"branch_types": ("broken.type",)}
    # the rule book is built without the broken plugin: the others' rules stand
    assert "builtin::branch.formation" in infos["cadrecore.builtin.rules"].registered["rules"]
    with cadrecore.using_plugin_manager(pm):
        data = plugins_json()
        assert "broken" in [p["name"] for p in data["plugins"]]
        (failed,) = data["failed"]
        assert (failed["name"], failed["hook"], failed["fault"]) == (
            "broken",
            "register_rules",
            "raised",
        )
        assert "no rules today" in failed["error"]
        text = runner.invoke(app, ["plugins"]).output
        assert "broken：加载失败：register_rules raised RuntimeError" in text
