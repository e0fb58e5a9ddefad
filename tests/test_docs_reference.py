"""Docs that cannot drift: the rules and CLI references, in English and Chinese, are generated
from the rule registry and the command tree; the committed pages must equal what the generator
writes now."""

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


@pytest.mark.parametrize(
    "name",
    ["reference/rules.md", "zh/reference/rules.md", "reference/cli.md", "zh/reference/cli.md"],
)
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


def test_each_rules_reference_is_in_its_own_language() -> None:
    """The English page cites and sources in English where a rule gives both, the Chinese one in
    Chinese, and the two name the same rules and parameters in the same order."""
    en = (ROOT / "docs" / "reference" / "rules.md").read_text(encoding="utf-8")
    zh = (ROOT / "docs" / "zh" / "reference" / "rules.md").read_text(encoding="utf-8")
    assert "(the Xinzhou veteran cadre bureau, 2022-7-18)" in en
    assert "（忻州市老干部局，2022-7-18）：市供销社创办画院忻州分院" in zh
    assert "the supply cooperative's art academy" not in zh
    assert "**支部成立条件**" in zh and "branch formation: full members" not in zh
    assert "- 依据：" in zh and "- cites:" not in zh
    assert "严重程度：错误（`error`）" in zh
    assert "| 取值 | 生效日期 | 状态 | 依据 |" in zh

    def headings(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("### ")]

    assert headings(zh) == headings(en) and len(headings(en)) > 40
