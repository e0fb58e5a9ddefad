"""Session-wide fixtures for the Xinzhou example: the four department plugins registered
explicitly (tests never autoload installed plugins) and the ledger loaded once."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import cadrecore
from cadrecore.plugins import PluginManager

ROOT = Path(__file__).resolve().parents[1]
XINZHOU = ROOT / "examples" / "xinzhou"
DEPARTMENT_PLUGINS = {
    "art_academy": "cadrecore_art_academy",
    "medicine_kits": "cadrecore_medicine_kits",
    "family_doctor": "cadrecore_family_doctor",
    "order_service": "cadrecore_order_service",
}


def department_pm() -> PluginManager:
    manager = cadrecore.new_plugin_manager(load_installed=False)
    for name, module_name in DEPARTMENT_PLUGINS.items():
        manager.register(importlib.import_module(module_name), name=name)
    manager.check_pending()
    return manager


@pytest.fixture(scope="session")
def xinzhou_pm() -> PluginManager:
    return department_pm()


@pytest.fixture(scope="session")
def xinzhou(xinzhou_pm: PluginManager) -> cadrecore.Ledger:
    return cadrecore.load_ledger(XINZHOU, registry=cadrecore.get_registry(xinzhou_pm))
