"""Every English page of the docs has its Chinese page under docs/zh/ at the same path, and the
reverse; the two keep in step: the same headings, level by level, in the same order (a section
in one language only fails here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZH = DOCS / "zh"
HEADING = re.compile(r"^(#{1,6}) +\S", re.MULTILINE)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1", re.MULTILINE | re.DOTALL)


def english_pages() -> list[Path]:
    return sorted(p.relative_to(DOCS) for p in DOCS.rglob("*.md") if ZH not in p.parents)


def chinese_pages() -> list[Path]:
    return sorted(p.relative_to(ZH) for p in ZH.rglob("*.md"))


def levels(page: Path) -> list[int]:
    """The levels of a page's headings, in order (headings inside code blocks are code)."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [len(match.group(1)) for match in HEADING.finditer(text)]


def test_every_english_page_has_its_chinese_page() -> None:
    missing = [str(p) for p in english_pages() if not (ZH / p).is_file()]
    assert missing == [], f"no Chinese page under docs/zh/ for: {missing}"


def test_every_chinese_page_has_its_english_page() -> None:
    missing = [str(p) for p in chinese_pages() if not (DOCS / p).is_file()]
    assert missing == [], f"no English page for docs/zh/: {missing}"


@pytest.mark.parametrize("page", english_pages(), ids=str)
def test_the_two_languages_have_the_same_sections(page: Path) -> None:
    chinese = ZH / page
    if not chinese.is_file():
        pytest.skip("no Chinese page yet (the test above fails for it)")
    assert levels(chinese) == levels(DOCS / page), (
        f"docs/{page} and docs/zh/{page} differ in their headings: a section is in one "
        "language only, or at another level"
    )


def test_the_heading_check_sees_a_missing_section(tmp_path: Path) -> None:
    english = tmp_path / "en.md"
    english.write_text("# Title\n\n## One\n\n```md\n## not a heading\n```\n\n## Two\n", "utf-8")
    chinese = tmp_path / "zh.md"
    chinese.write_text("# 标题\n\n## 一\n", encoding="utf-8")
    assert levels(english) == [1, 2, 2] and levels(chinese) == [1, 2]
