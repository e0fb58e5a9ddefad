"""The renderers: text, Markdown, HTML (offline, escaped), Excel (the assessment table) and JSON;
and the same ledger giving the same bytes in every format, in one process and across two."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrecore import Text, hookimpl, new_plugin_manager, using_plugin_manager
from cadrecore.ledger import Ledger
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import (
    FORMATS,
    AnnualReport,
    build_annual_report,
    format_of,
    render_annual_report,
    write_annual_report,
)
from cadrecore.reports.html import FONT_STACK
from cadrecore.reports.jsondoc import dumps
from cadrecore.reports.sections import Chart, ReportSection, Table
from cadrecore.reports.terminal import display_width, shorten
from cadrecore.reports.xlsx import _width
from cadrecore.rules import Report
from cadrecore.sample import small_ledger

WHEN = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pm() -> Iterator[PluginManager]:
    manager = new_plugin_manager(load_installed=False)
    with using_plugin_manager(manager):
        yield manager


@pytest.fixture(scope="module")
def ledger(pm: PluginManager) -> Ledger:
    return small_ledger(2022)


@pytest.fixture(scope="module")
def annual(ledger: Ledger, pm: PluginManager) -> AnnualReport:
    return build_annual_report(ledger, 2022, pm=pm, generated_at=WHEN)


# ---------------------------------------------------------------------------------------------
# Same ledger, same bytes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_two_builds_of_the_same_ledger_give_the_same_bytes(
    fmt: str, ledger: Ledger, pm: PluginManager, annual: AnnualReport
) -> None:
    again = build_annual_report(ledger, 2022, pm=pm, generated_at=WHEN)
    first, second = render_annual_report(annual, fmt), render_annual_report(again, fmt)
    assert first == second
    assert len(first) > 1000


SCRIPT = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from cadrecore.reports.annual import FORMATS, build_annual_report, write_annual_report
from cadrecore.sample import small_ledger
out = Path(sys.argv[1])
annual = build_annual_report(small_ledger(2022), 2022, generated_at=datetime(2023, 1, 5, 9, tzinfo=timezone.utc))
for fmt, suffix in FORMATS.items():
    write_annual_report(annual, out / ("report" + suffix), fmt)
"""


def test_two_processes_give_the_same_bytes(tmp_path: Path) -> None:
    """Separate processes hash strings differently (PYTHONHASHSEED): no output may depend on
    the order of a set or on the clock."""
    folders = []
    for seed in ("1", "2"):
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "CADRECORE_LOAD_PLUGINS": ""}
        subprocess.run(
            [sys.executable, "-c", SCRIPT, str(folder)], check=True, env=env, cwd=tmp_path
        )
        folders.append(folder)
    names = sorted(p.name for p in folders[0].iterdir())
    assert names == sorted(f"report{suffix}" for suffix in FORMATS.values())
    for name in names:
        assert (folders[0] / name).read_bytes() == (folders[1] / name).read_bytes(), name


def test_only_the_generation_time_changes_with_the_generation_time(
    ledger: Ledger, pm: PluginManager, annual: AnnualReport
) -> None:
    later = build_annual_report(
        ledger, 2022, pm=pm, generated_at=datetime(2024, 2, 6, 10, 30, tzinfo=UTC)
    )
    for fmt in ("text", "md", "html", "json"):
        first = render_annual_report(annual, fmt).decode()
        second = render_annual_report(later, fmt).decode()
        assert first != second
        assert first == (
            second.replace("2024-02-06T10:30:00+00:00", "2023-01-05T09:00:00+00:00").replace(
                "2024-02-06 18:30:00+08:00", "2023-01-05 17:00:00+08:00"
            )
        )


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------

REMOTE = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_the_html_page_loads_nothing_from_elsewhere(annual: AnnualReport) -> None:
    page = render_annual_report(annual, "html").decode()
    head = page.partition("</head>")[0]
    markup = re.sub(r"url\(#[\w-]+\)", "", page)  # a drawing's own clip paths
    assert not REMOTE.search(markup)
    assert "<link" not in markup and "@import" not in markup and "url(" not in markup
    assert "<script" not in page  # charts are inline SVG: nothing runs, nothing loads
    assert '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in head
    assert FONT_STACK in head
    for font in ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC"):
        assert font in FONT_STACK


def test_each_chart_gets_a_numbered_element_and_a_drawing(annual: AnnualReport) -> None:
    page = render_annual_report(annual, "html").decode()
    charts = sum(len(s.charts) for s in annual.sections)
    assert charts >= 3
    ids = re.findall(r'<div id="(chart-\d+)" class="chart-box"', page)
    assert ids == [f"chart-{n}" for n in range(1, charts + 1)]
    for element_id in ids:
        assert f'<div id="{element_id}" class="chart-box"><svg ' in page


class Mischief:
    """A plugin whose words would be markup if the template did not escape them."""

    @hookimpl
    def report_sections(self, ledger: Ledger, report: Report, lang: str) -> list[ReportSection]:
        evil = "</script><script>alert(1)</script>"
        return [
            ReportSection(
                key="mischief.section",
                title=Text("<b>标题</b>", "<b>title</b>"),
                paragraphs=(Text(evil, evil),),
                tables=(Table(Text("表|格", "ta|ble"), (Text("<i>列</i>", "col"),), ((evil,),)),),
                charts=(Chart(Text(evil, evil), "pie", (evil, "b|c"), (1.0, 2.0)),),
            )
        ]


def test_plugin_text_is_escaped_everywhere(
    cadrecore_ledger: Ledger, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(Mischief(), name="mischief")
    annual = build_annual_report(cadrecore_ledger, 2022, pm=cadrecore_pm, generated_at=WHEN)
    page = render_annual_report(annual, "html").decode()
    assert "alert(1)" in page
    assert "<script>alert(1)" not in page
    assert "<b>标题</b>" not in page and "&lt;b&gt;标题&lt;/b&gt;" in page
    markdown = render_annual_report(annual, "md").decode()
    assert "<script>" not in markdown
    assert "| 表\\|格" not in markdown and "**表|格**" in markdown
    assert "b\\|c" in markdown


def test_an_english_page_says_so(ledger: Ledger, pm: PluginManager) -> None:
    annual = build_annual_report(ledger, 2022, pm=pm, generated_at=WHEN, lang="en")
    page = render_annual_report(annual, "html").decode()
    assert '<html lang="en">' in page
    assert "Findings and what to fix" in page


# ---------------------------------------------------------------------------------------------
# Excel: the assessment table
# ---------------------------------------------------------------------------------------------


def test_the_workbook_opens_on_the_assessment_table(annual: AnnualReport) -> None:
    data = render_annual_report(annual, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == ["考核表", "履职情况", "综述"]
    assert len(book.sheetnames) == 3 + len(annual.sections)
    sheet = book["考核表"]
    headings = [c.value for c in sheet[5]]
    assert headings[:9] == [
        "序号",
        "类别",
        "考核事项",
        "责任单位",
        "时限",
        "状态",
        "完成日期",
        "佐证记录",
        "佐证材料",
    ]
    assert {"问题", "整改建议", "目标", "完成"} <= set(headings)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6) if row[0].value]
    assert len(rows) == len(annual.assessment) == 8
    briefing = next(r for r in rows if r[2] == "召开一次情况通报会")
    assert briefing[5] == "已完成"
    assert briefing[7] == "老干部情况通报会 2022-01-11"  # the evidence by title and date
    assert briefing[6] == datetime(2022, 1, 11)  # a date cell


def test_the_workbook_carries_the_generation_time_not_the_clock(annual: AnnualReport) -> None:
    data = render_annual_report(annual, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 1, 5, 9, 0, 0)}
        # every entry whole (its CRC checked), readable by its owner once unpacked
        assert archive.testzip() is None
        assert {(i.create_system, i.external_attr >> 16) for i in archive.infolist()} == {
            (3, 0o600)
        }
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2023-01-05T09:00:00Z") == 2  # created and modified
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.properties.modified == datetime(2023, 1, 5, 9, 0)


# ---------------------------------------------------------------------------------------------
# JSON, Markdown, text
# ---------------------------------------------------------------------------------------------


def test_the_json_document_has_its_documented_shape(annual: AnnualReport) -> None:
    document = json.loads(render_annual_report(annual, "json"))
    assert list(document) == [
        "format",
        "format_version",
        "jurisdiction",
        "year",
        "as_of",
        "generated_at",
        "lang",
        "title",
        "narrative",
        "sections",
        "failures",
        "assessment",
        "obligations",
        "figures",
        "evaluation",
    ]
    assert (document["format"], document["format_version"]) == ("cadrecore.annual_report", 1)
    assert document["generated_at"] == "2023-01-05T09:00:00+00:00"
    # (35, 38 and 45: the party groups, the party dues and the model branches, beside the
    # branches' sections)
    assert [s["order"] for s in document["sections"]] == sorted(
        [*range(10, 120, 10), 35, 38, 45, 900]
    )
    assert set(document["sections"][0]) == {
        "key",
        "title",
        "order",
        "plugin",
        "paragraphs",
        "tables",
        "charts",
    }
    row = document["assessment"][0]
    assert (row["status"], row["expected"], row["actual"]) == ("done", 1, 1)
    assert "occurrences" not in document["evaluation"]
    assert document["evaluation"]["success"] is True
    docs = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    for key in document:
        assert f"`{key}`" in docs, f"docs/report.md does not describe {key!r}"


def test_markdown_has_a_heading_per_section_and_tables(annual: AnnualReport) -> None:
    markdown = render_annual_report(annual, "md").decode()
    headings = re.findall(r"^## (\d+)\. (.+)$", markdown, flags=re.M)
    assert [int(n) for n, _ in headings] == list(range(1, len(annual.sections) + 1))
    assert "| 事项 | 责任单位 | 时限 | 状态 |" in markdown
    assert "## 附录：考核表与履职情况" in markdown


def test_terminal_tables_line_up_chinese_text(annual: AnnualReport) -> None:
    assert display_width("团队a") == 5
    assert shorten("老干部" * 30, 10) == "老干部老…"
    text = render_annual_report(annual, "text").decode()
    table = text.split("【党支部：按类型和组建纽带】\n", 1)[1].split("\n\n", 1)[0].splitlines()
    heading, rule, *rows = table
    assert heading.startswith("支部类型") and set(rule) == {"-", " "}
    # the last column holds numbers, right-aligned: every row ends where the rule ends
    assert len(rows) == 3
    assert {display_width(line) for line in rows} == {display_width(rule)}


def test_the_format_follows_the_file_name(annual: AnnualReport, tmp_path: Path) -> None:
    assert format_of("report.HTML") == "html" and format_of("a.markdown") == "md"
    assert format_of("a.pdf") is None
    written = write_annual_report(annual, tmp_path / "report.xlsx")
    assert zipfile.is_zipfile(written)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_a_cells_width_counts_a_chinese_character_as_two(text: str) -> None:
    """The workbook's column widths and row heights (issue #26: counted by a regular
    expression) as defined: each character from U+2E80 on counts two, any other one."""
    assert _width(text) == sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


@given(
    st.text(alphabet=st.sampled_from("ab 1\n\t老干部ｗ—…é"), max_size=60),
    st.integers(min_value=2, max_value=45),
)
def test_a_cell_is_shortened_as_its_characters_count(text: str, width: int) -> None:
    """The terminal's shortening (issue #26: its quick ways for short and ASCII cells) against
    the plain rule: spaces collapsed; kept whole when it fits in ``width`` columns, else as many
    characters as fit in ``width - 1`` columns and an ellipsis; a wide character counts two."""

    def columns(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    plain = " ".join(text.split())
    if columns(plain) <= width:
        expected = plain
    else:
        kept = ""
        for ch in plain:
            if columns(kept + ch) > width - 1:
                break
            kept += ch
        expected = kept + "…"
    assert shorten(text, width) == expected


json_documents = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: "e" not in repr(f))
    | st.text()
    | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers(0, 99), inner, max_size=4)
    ),
    max_leaves=15,
)


@given(json_documents)
def test_the_json_report_is_written_as_the_standard_library_writes_it(document: object) -> None:
    """The JSON report's writer (issue #26: orjson) against json.dumps(ensure_ascii=False,
    indent=2, default=str): the same text (numbers with an exponent aside, which the report
    has not: the docstring says how they differ)."""
    expected = json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    assert dumps(document) == expected
