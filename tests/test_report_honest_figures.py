"""Honest figures and a workbook that prints (issue #21 items 5, 7 and part of 8).

A rate is never shown as 100% while something is missing (1999 of 2000 is 99.9%), and one rate
has one shown form in the narrative, the text and Markdown tables, the check's summary and the
workbook (a number formatted ``0.0%``). The workbook prints A4 landscape, one page wide, its
heading rows repeated; its dates are date cells; its generation time is in the bureau's zone.
The assessment table names its evidence by title and date, never by a record id.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from cadrecore import new_plugin_manager, using_plugin_manager
from cadrecore.i18n import Text, percent, shown_ratio
from cadrecore.ledger import Ledger
from cadrecore.models import Cadre, Membership
from cadrecore.plugins import PluginManager
from cadrecore.reports.annual import AnnualReport, build_annual_report, render_annual_report
from cadrecore.reports.labels import (
    NO_VALUE,
    Rate,
    cell_text,
    evidence_text,
    rate_cell,
    shown_time,
)
from cadrecore.reports.markdown import md_cell, render_markdown
from cadrecore.reports.sections import Table
from cadrecore.reports.terminal import render_text, table_lines
from cadrecore.reports.text import render_check
from cadrecore.reports.xlsx import LINE_HEIGHT, MAX_WIDTH, Sheet, Styles, render_xlsx, write_table
from cadrecore.rules import evaluate
from cadrecore.rules.findings import Occurrence, Subject
from cadrecore.sample import small_ledger

WHEN = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
RULE = "builtin::checklist.items"


@pytest.fixture(scope="module")
def pm() -> Iterator[PluginManager]:
    manager = new_plugin_manager(load_installed=False)
    with using_plugin_manager(manager):
        yield manager


def _with_2000_party_members(ledger: Ledger) -> Ledger:
    """The sample with party members added in the east county up to 2000, all in a branch but
    the last one: coverage is 1999 of 2000, 99.95%."""
    members = ledger.party_members(on=date(2022, 12, 31))
    model = members[0]
    branch_id = ledger.memberships[0].branch_id
    more = 2000 - len(members)
    cadres = [
        model.model_copy(update={"id": f"x{n:04d}", "county_id": "east"}) for n in range(more)
    ]
    memberships = [
        Membership(cadre_id=c.id, branch_id=branch_id, since=date(2019, 1, 1)) for c in cadres[:-1]
    ]
    assert isinstance(cadres[0], Cadre)
    return ledger.replace(
        cadres=(*ledger.cadres, *cadres), memberships=(*ledger.memberships, *memberships)
    )


@pytest.fixture(scope="module")
def nearly(pm: PluginManager) -> AnnualReport:
    """A year where 1999 of 2000 party members are in a branch and 1999 of 2000 obligations
    of one rule were met: every rate is 99.95%."""
    with using_plugin_manager(pm):
        ledger = _with_2000_party_members(small_ledger(2022))
        evaluation = evaluate(ledger, year=2022, pm=pm)
        occurrences = tuple(
            Occurrence(
                RULE,
                Subject("checklist_items", f"c:{n}"),
                "2022",
                date(2022, 12, 31),
                "done" if n else "overdue",
                done_on=date(2022, 6, 1) if n else None,
            )
            for n in range(2000)
        )
        evaluation = replace(evaluation, occurrences=occurrences)
        assert evaluation.compliance() == 0.9995
        return build_annual_report(ledger, 2022, pm=pm, generated_at=WHEN, evaluation=evaluation)


@pytest.fixture(scope="module")
def sample(pm: PluginManager) -> AnnualReport:
    with using_plugin_manager(pm):
        return build_annual_report(small_ledger(2022), 2022, pm=pm, generated_at=WHEN)


def _book(annual: AnnualReport, **options: object) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(annual, **options)))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# 1999 of 2000 is 99.9%, wherever it is shown
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_narrative_says_99_9_not_100(nearly: AnnualReport, lang: str) -> None:
    text = "\n".join(p(lang) for p in nearly.narrative)  # type: ignore[arg-type]
    assert ("履职率99.9%" if lang == "zh" else "compliance 99.9%") in text
    assert "100.0%" not in text and "100%" not in text


def test_the_text_and_markdown_tables_say_99_9(nearly: AnnualReport) -> None:
    for rendered in (render_text(nearly), render_markdown(nearly)):
        coverage_total = next(
            line for line in rendered.splitlines() if "合计" in line and "2000" in line
        )
        assert "1999" in coverage_total and "99.9%" in coverage_total
        obligations = next(
            line for line in rendered.splitlines() if line.lstrip("| ").startswith("年度工作清单")
        )
        assert "2000" in obligations and "99.9%" in obligations
        assert "履职率99.9%" in rendered  # the narrative and the findings section
        assert "100.0%" not in coverage_total + obligations


def test_the_workbook_stores_the_rate_it_shows(nearly: AnnualReport) -> None:
    book = _book(nearly)
    sheet = book["履职情况"]
    heading = [c.value for c in sheet[2]]
    rate_column = heading.index("履职率")
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "年度工作清单事项按时完成")
    cell = row[rate_column]
    assert cell.data_type == "n" and cell.value == 0.999 and cell.number_format == "0.0%"
    coverage = next(name for name in book.sheetnames if "老干部党组织" in name)
    totals = [
        r
        for r in book[coverage].iter_rows(values_only=False)
        if r[0].value == "合计" and r[2].value
    ]
    (total,) = [r for r in totals if r[2].value == 2000]
    assert total[4].value == 0.999 and total[4].number_format == "0.0%"


def test_the_check_summary_and_the_json_say_the_same(nearly: AnnualReport) -> None:
    assert "履职率 99.9%" in render_check(nearly.evaluation, lang="zh")
    assert "compliance 99.9%" in render_check(nearly.evaluation, lang="en")
    doc = json.loads(render_annual_report(nearly, "json"))
    rates = {row[0]: row[-1] for row in doc["obligations"]["rows"]}
    assert rates["年度工作清单事项按时完成"] == "99.9%"  # JSON keeps the text it always had


# ---------------------------------------------------------------------------------------------
# The property: never 100% below 1, the same digits in every output
# ---------------------------------------------------------------------------------------------

counts = st.integers(min_value=1, max_value=10**7).flatmap(
    lambda total: st.tuples(st.integers(min_value=0, max_value=total), st.just(total))
)


@given(st.floats(min_value=0, max_value=1, allow_nan=False, exclude_max=True))
def test_a_rate_below_one_is_never_shown_as_100(ratio: float) -> None:
    assert percent(ratio) != "100.0%"
    assert not percent(ratio).startswith("100")
    assert shown_ratio(ratio) < 1


@given(counts)
def test_a_rate_has_one_shown_form_in_every_output(numerator_total: tuple[int, int]) -> None:
    numerator, total = numerator_total
    shown = percent(numerator / total)
    cell = rate_cell(numerator, total)
    assert isinstance(cell, Rate)
    assert cell_text(cell) == str(cell) == shown  # text, HTML (cell_text), narrative (percent)
    assert md_cell(cell) == shown
    assert cell.value == shown_ratio(numerator / total)
    assert percent(cell.value) == shown  # the number the workbook stores reads back the same
    table = Table(Text("率", "rate"), (Text("率", "rate"),), ((cell,),))
    assert list(table_lines(table, "zh"))[-1].strip() == shown
    stored = _written_cell(table, row=3, column=1)
    assert stored.number_format == "0.0%"
    # Excel shows a 0.0% cell as the value times 100 rounded to one decimal
    assert f"{round(stored.value * 100, 1):.1f}%" == shown
    if numerator < total:
        assert shown != "100.0%"


def _column_width(sheet: Any, column: int) -> float:
    """A column's width as the file sets it (a run of columns alike is one entry, keyed by its
    first column's letter)."""
    (width,) = [d.width for d in sheet.column_dimensions.values() if d.min <= column <= d.max]
    return float(width)


def _written_cell(table: Table, *, row: int, column: int) -> Any:
    """The cell at ``row``, ``column`` of a workbook holding only ``table`` as the report writes
    it, read back by openpyxl."""
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(raw, {"in_memory": True})
    write_table(Sheet(book.add_worksheet(), Styles(book)), 1, table, "zh")
    book.close()
    sheet = openpyxl.load_workbook(io.BytesIO(raw.getvalue())).active
    assert sheet is not None
    return sheet.cell(row=row, column=column)


def test_no_total_is_a_dash() -> None:
    assert rate_cell(0, 0) == NO_VALUE
    assert percent(None) == NO_VALUE


# ---------------------------------------------------------------------------------------------
# The workbook prints
# ---------------------------------------------------------------------------------------------


def test_every_sheet_prints_a4_landscape_one_page_wide(sample: AnnualReport) -> None:
    book = _book(sample)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9  # A4
        # (a fitToWidth left out is 1, the file format's default: XlsxWriter leaves it out)
        assert (int(setup.fitToWidth or 1), int(setup.fitToHeight)) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows, sheet.title
        assert "&P" in sheet.oddFooter.center.text
    assert book["考核表"].print_title_rows == "$5:$5"  # the heading row of the assessment
    assert book["履职情况"].print_title_rows == "$2:$2"
    widths = [d.width for d in book["考核表"].column_dimensions.values() if d.width]
    # (the file holds a width as Excel shows it plus the cell's padding, 5 pixels of 7)
    assert widths and max(widths) <= MAX_WIDTH + 5 / 7


def test_a_long_cell_wraps_in_a_row_tall_enough_to_print_it(pm: PluginManager) -> None:
    ledger = small_ledger(2022)
    long = "会议纪要：" + "听取老干部工作汇报，研究部署年度工作" * 4
    with using_plugin_manager(pm):
        annual = build_annual_report(
            ledger.replace(
                activities=tuple(
                    a.model_copy(update={"evidence": long}) if a.id.startswith("six.") else a
                    for a in ledger.activities
                )
            ),
            2022,
            pm=pm,
            generated_at=WHEN,
        )
    sheet = _book(annual)["考核表"]
    cell = next(c for r in sheet.iter_rows(min_row=6) for c in r if c.value == long)
    assert cell.alignment.wrap_text
    width = _column_width(sheet, cell.column)
    lines = sheet.row_dimensions[cell.row].height / LINE_HEIGHT
    shown = width - 5 / 7  # (as Excel shows it: the file's width holds the cell's padding)
    assert lines * (shown - 1) >= 2 * len(long)  # room for every (double-width) character


def test_a_column_is_as_wide_as_its_widest_text_up_to_the_most() -> None:
    """Each column of a table its widest text and a character's margin each side wide, at most
    MAX_WIDTH, whatever order its texts come in (a column is measured until it is as wide as
    it is made)."""
    columns = [
        ("a" * 6, "a" * 10, "a" * 3),  # 10 wide: 12
        ("a" * 25, "a" * 26, "a"),  # 26 after 25: the most
        ("a" * 24, "a" * 25, "忻" * 2),  # 25: 27
        ("a" * 40, "a" * 5, "a"),
    ]
    table = Table(
        Text("表", "table"),
        tuple(Text(f"列{n}", f"c{n}") for n in range(len(columns))),
        tuple(zip(*columns, strict=True)),
    )
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(raw, {"in_memory": True})
    sheet = Sheet(book.add_worksheet(), Styles(book))
    write_table(sheet, 1, table, "zh")
    sheet.lay_out("zh", None)
    book.close()
    written = openpyxl.load_workbook(io.BytesIO(raw.getvalue())).active
    assert written is not None
    widths = [_column_width(written, n + 1) for n in range(len(columns))]
    shown = [round(w - 5 / 7) for w in widths]  # (the file's width holds the cell's padding)
    assert shown == [12, MAX_WIDTH, 27, MAX_WIDTH]


def test_the_same_text_in_a_narrower_column_takes_more_lines() -> None:
    """A row is made tall enough for its text in its own column's room, the same text
    counted again in a column of another width (the lines of each text are remembered)."""
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(raw, {"in_memory": True})
    sheet = Sheet(book.add_worksheet(), Styles(book))
    text = "忻" * 20  # 40 characters wide
    sheet.widths.update({1: 26, 2: 10})  # columns of 28 and 12 characters, 27 and 11 of room
    sheet.put(1, 1, text, sheet.styles.wrap, wraps=True)
    sheet.put(2, 2, text, sheet.styles.wrap, wraps=True)
    sheet.put(3, 1, text, sheet.styles.wrap, wraps=True)
    sheet.lay_out("zh", None)
    book.close()
    written = openpyxl.load_workbook(io.BytesIO(raw.getvalue())).active
    assert written is not None
    # (a height is kept in whole pixels: 32 and 64 points come back a little off)
    heights = [round(written.row_dimensions[row].height / LINE_HEIGHT) for row in (1, 2, 3)]
    assert heights == [2, 4, 2]  # ceil(40 / 27), ceil(40 / 11)


def test_dates_are_date_cells_and_the_heading_is_text(sample: AnnualReport) -> None:
    sheet = _book(sample)["考核表"]
    heading = [c.value for c in sheet[5]]
    due, done_on = heading.index("时限") + 1, heading.index("完成日期") + 1
    first = 6
    for column in (due, done_on):
        cell = sheet.cell(row=first, column=column)
        assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=first, column=done_on).value == datetime(2022, 1, 10)
    # a plan target has no completion date: its cell says so, in text
    last = first + len(sample.assessment) - 1
    assert sheet.cell(row=last, column=done_on).value == NO_VALUE


def test_the_generation_time_is_in_the_bureaus_zone(sample: AnnualReport) -> None:
    line = _book(sample)["考核表"]["A2"].value
    assert "生成于 2023-01-05 17:00:00+08:00" in line
    assert "生成于 2023-01-05 17:00:00+08:00" in render_text(sample)
    assert "生成于 2023-01-05 17:00:00+08:00" in render_markdown(sample)
    utc = ZoneInfo("UTC")
    assert "2023-01-05 09:00:00+00:00" in _book(sample, tz=utc)["考核表"]["A2"].value
    assert "2023-01-05 09:00:00+00:00" in render_text(sample, tz=utc)
    assert "2023-01-05 09:00:00+00:00" in render_markdown(sample, tz=utc)
    # the document properties stay in UTC, as the format wants
    assert _book(sample).properties.modified == datetime(2023, 1, 5, 9, 0)


def test_a_time_without_a_zone_is_taken_as_utc() -> None:
    assert shown_time(datetime(2023, 1, 5, 9, 0)) == "2023-01-05 17:00:00+08:00"
    assert shown_time(datetime(2023, 7, 1, 0, 0, tzinfo=UTC), ZoneInfo("Europe/Berlin")) == (
        "2023-07-01 02:00:00+02:00"
    )


# ---------------------------------------------------------------------------------------------
# The evidence by its title and date
# ---------------------------------------------------------------------------------------------


def test_the_evidence_is_named_by_title_and_date_in_every_format(sample: AnnualReport) -> None:
    record = "six.2022.situation_briefing"
    shown = "老干部情况通报会 2022-01-11"
    (row,) = [r for r in sample.assessment if r.evidence_id == record]
    assert row.evidence_record == shown
    for fmt in ("text", "md", "html"):
        rendered = render_annual_report(sample, fmt).decode()
        assert shown in rendered, fmt
        assert record not in rendered, fmt
    cells = [
        c
        for r in _book(sample)["考核表"].iter_rows(values_only=True)
        for c in r
        if isinstance(c, str)
    ]
    assert shown in cells and record not in cells


def test_an_untitled_activity_is_named_by_its_kind(sample: AnnualReport) -> None:
    ledger = small_ledger(2022)
    activity = ledger.get("activities", "six.2022.situation_briefing")
    untitled = ledger.replace(
        activities=tuple(
            a.model_copy(update={"title": ""}) if a.id == activity.id else a
            for a in ledger.activities
        )
    )
    zh = evidence_text(untitled, activity.id, "zh")
    en = evidence_text(untitled, activity.id, "en")
    assert re.fullmatch(r"\S+ 2022-01-11", zh) and activity.id not in zh
    assert en.endswith(" 2022-01-11") and activity.id not in en and en != zh
    assert evidence_text(ledger, None) == NO_VALUE
    assert evidence_text(ledger, "no.such.record") == "no.such.record"


def test_each_status_cell_is_on_its_colour_and_keeps_its_value(sample: AnnualReport) -> None:
    """The assessment's status cells are coloured by status (done green, overdue red...), the
    other cells of the row are not, and the coloured cell still holds its status's text."""
    sheet = _book(sample)["考核表"]
    heading = [c.value for c in sheet[5]]
    status_column = heading.index("状态") + 1
    colours = {"done": "D8EFD9", "late": "FFF1C7", "pending": "EEF1F4", "overdue": "F8D4D1"}
    for offset, row in enumerate(sample.assessment):
        cell = sheet.cell(row=6 + offset, column=status_column)
        assert cell.value and cell.alignment.wrap_text
        if row.status in colours:
            assert cell.fill.fgColor.rgb.endswith(colours[row.status]), (row.status, cell.fill)
        beside = sheet.cell(row=6 + offset, column=status_column - 1)
        assert beside.fill.fill_type in (None, "none")


def test_awkward_titles_and_text_give_a_workbook_excel_opens(pm: PluginManager) -> None:
    """Worksheet names Excel refuses (beginning or ending with an apostrophe, "History", too
    long, with ``[]:*?/\\``) are made valid; text that begins like a formula is text with the
    leading apostrophe; control characters and U+FFFE are written so that XML holds them."""
    from cadrecore.reports.xlsx import sheet_title

    taken: set[str] = set()
    names = [sheet_title(t, taken) for t in ("'引号'", "History", "a/b:c" * 20, "history")]
    assert names[0] == "引号"
    assert names[1] == "History (2)" and names[3] == "history (3)"
    assert len(names[2]) <= 31 and not set("[]:*?/\\") & set(names[2])
    table = Table(
        Text("表", "table"),
        (Text("列", "column"),),
        (("=HYPERLINK(1)",), ("响\x07铃\ufffe",), ("_x0041_",)),
    )
    assert _written_cell(table, row=3, column=1).value == "'=HYPERLINK(1)"
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(raw, {"in_memory": True})
    write_table(Sheet(book.add_worksheet(), Styles(book)), 1, table, "zh")
    book.close()
    with zipfile.ZipFile(raw) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8")
    # (as Excel writes them: a control character as _xHHHH_, a literal _xHHHH_ with its
    # underscore escaped; U+FFFE, which XML cannot hold at all, as the replacement character)
    assert "响_x0007_铃\ufffd" in strings
    assert "_x005F_x0041_" in strings
