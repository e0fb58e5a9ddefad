"""Every Python sample in the docs and the README runs, in order, one namespace per page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_python_samples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a user would: in the repository, with the installed plugins loaded."""
    import cadrecore.plugins

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CADRECORE_LOAD_PLUGINS", raising=False)
    monkeypatch.setattr(cadrecore.plugins, "_default_pm", None)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.relative_to(ROOT)} (block {number})", "exec")
        exec(code, namespace)


def test_there_are_samples_to_run() -> None:
    assert sum(len(python_blocks(p)) for p in PAGES) >= 3
    assert os.path.isdir(ROOT / "docs")
