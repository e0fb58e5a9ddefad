"""A plugin written for today's hooks keeps working unchanged (issue #25, item 9).

``tests/fixtures/legacy_checkup`` is the plugin of the tutorial as it stood before the second
round of plugin work (hand-typed namespaces, ``register_plugin(plugin, name=...)``, details read
as the tutorial then read them). Its own tests pass, and it conforms.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadrecore.testing import assert_plugin_conforms

FOLDER = Path(__file__).resolve().parent / "fixtures" / "legacy_checkup"


@pytest.fixture
def legacy(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.syspath_prepend(str(FOLDER))
    sys.modules.pop("cadrecore_checkup", None)
    module = importlib.import_module("cadrecore_checkup")
    assert Path(str(module.__file__)).is_relative_to(FOLDER)
    yield module
    sys.modules.pop("cadrecore_checkup", None)


def test_the_legacy_plugin_conforms(legacy: object) -> None:
    assert_plugin_conforms(legacy, "checkup")


def test_the_legacy_plugins_own_tests_pass(tmp_path: Path) -> None:
    folder = tmp_path / "legacy_checkup"  # (away from this repository's conftest)
    shutil.copytree(FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__"))
    env_path = [str(folder), *sys.path]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(env_path),
            "CADRECORE_LOAD_PLUGINS": "",
        },
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
