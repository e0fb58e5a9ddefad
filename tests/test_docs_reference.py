"""Docs that cannot drift: the rules and CLI references are generated from the rule registry
and the command tree; the committed pages must equal what the generator writes now."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_reference", ROOT / "docs" / "gen_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["reference/rules.md", "reference/cli.md", "zh/reference/cli.md"])
def test_generated_reference_is_up_to_date(name: str) -> None:
    pages = generator().pages()
    path = ROOT / "docs" / name
    expected = pages[path]
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    assert committed == expected, (
        f"docs/{name} is out of date: run `python docs/gen_reference.py` "
        "from the repository root and commit the result"
    )


def test_references_name_every_rule_and_command() -> None:
    text = (ROOT / "docs" / "reference" / "rules.md").read_text(encoding="utf-8")
    assert "### `builtin::branch.formation`" in text
    assert "`branch.term_years`" in text
    cli = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert "### `cadrecore check`" in cli and "--exit-zero" in cli
    zh = (ROOT / "docs" / "zh" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert "### `cadrecore check`" in zh and "有错误也以 0 退出" in zh and "report only" not in zh
