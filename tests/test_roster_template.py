"""The blank roster (``cadrecore template``, :func:`cadrecore.io.template.write_template`): the
workbook a clerk fills in, and the promise that matters, that a roster filled in from it
imports into the ledger with no column mapping.

The filled-in roster is written here with openpyxl cell by cell, as a clerk would type it
(words from the drop-down lists, ID numbers as text, 出生年月 to the month), never by
cadrecore's own writer.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from cadrecore.cli import app
from cadrecore.io.headings import IGNORED_HEADERS, header_index, normalize_header
from cadrecore.io.importing import import_files
from cadrecore.io.roster import DEMOCRATIC_PARTIES, VOCABULARIES, Counties
from cadrecore.io.template import COLUMNS, write_template
from cadrecore.models import Cadre
from cadrecore.models.cadres import national_id_birth_date, national_id_check_char
from cadrecore.store import open_store

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

runner = CliRunner()

#: The headings, in order, as the template promises them.
HEADINGS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "公民身份号码",
    "参加工作时间",
    "参加革命工作时间",
    "离退休类型",
    "离退休时间",
    "党员身份",
    "入党时间",
    "原工作单位",
    "原职级",
    "享受待遇",
    "所在县区",
    "乡镇街道",
    "社区村",
    "现居住地址",
    "联系电话",
    "健康状况",
    "备注",
]
WITHOUT_COUNTY = [h for h in HEADINGS if h != "所在县区"]
DATE_HEADINGS = ["出生年月", "参加工作时间", "参加革命工作时间", "离退休时间", "入党时间"]
REQUIRED = ["姓名", "出生年月", "参加工作时间", "离退休类型", "离退休时间", "所在县区"]
PARTY_WORDS = ["中共党员", "中共预备党员", "群众", "无党派人士", *DEMOCRATIC_PARTIES]
FIRST, LAST = 4, 1003


def roster_sheet(path: Path) -> Worksheet:
    sheet = load_workbook(path)["花名册"]
    assert isinstance(sheet, Worksheet)
    return sheet


def headings(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[3]]


def letter_of(sheet: Worksheet, heading: str) -> str:
    return get_column_letter(headings(sheet).index(heading) + 1)


def drop_downs(path: Path) -> dict[str, tuple[Any, list[str]]]:
    """Each drop-down list of the roster sheet, by the heading of its column: the validation
    and the words its source range holds on the options sheet."""
    book = load_workbook(path)
    sheet = book["花名册"]
    assert isinstance(sheet, Worksheet)
    found: dict[str, tuple[Any, list[str]]] = {}
    for validation in sheet.data_validations.dataValidation:
        ranges = str(validation.sqref).split()
        assert len(ranges) == 1, ranges
        letter = re.match(r"[A-Z]+", ranges[0])
        assert letter is not None
        heading = sheet[f"{letter.group(0)}3"].value
        source = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", validation.formula1)
        assert source is not None, validation.formula1
        name, first_col, first_row, last_col, last_row = source.groups()
        assert first_col == last_col
        options = book[name]
        words = [
            str(options[f"{first_col}{row}"].value)
            for row in range(int(first_row), int(last_row) + 1)
        ]
        found[str(heading)] = (validation, words)
    return found


# =============================================================================================
# The workbook
# =============================================================================================


def test_every_heading_names_a_cadre_field() -> None:
    index = header_index("cadres")
    assert [c.heading for c in COLUMNS] == HEADINGS
    for heading in HEADINGS:
        if heading == "序号":
            assert normalize_header(heading) in IGNORED_HEADERS
            continue
        name = index.get(normalize_header(heading))
        assert name in Cadre.model_fields, f"{heading} is no heading the importer knows"
    fields = [index[normalize_header(h)] for h in HEADINGS if h != "序号"]
    assert len(fields) == len(set(fields)), "two headings for one field"


def test_the_template_opens_with_its_sheets_and_headings(tmp_path: Path, xinzhou: Any) -> None:
    path = write_template(tmp_path / "花名册.xlsx", ledger=xinzhou)
    assert path == tmp_path / "花名册.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["花名册", "填写说明", "选项"]
    assert book.active is not None and book.active.title == "花名册"
    assert book["填写说明"].sheet_state == "visible"
    assert book["选项"].sheet_state == "hidden"

    sheet = roster_sheet(path)
    assert headings(sheet) == HEADINGS
    assert sheet["A1"].value == "离退休干部花名册"
    assert f"A1:{letter_of(sheet, '备注')}1" in {str(r) for r in sheet.merged_cells.ranges}
    row2 = [c.value for c in sheet[2] if c.value]
    assert row2 == ["填报单位：", "填报日期："]
    filed_at = next(c for c in sheet[2] if c.value == "填报日期：")
    assert filed_at.column >= 12, "填报单位 and 填报日期 are far apart"
    assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("4")
    for number, cell in enumerate(sheet[3], 1):
        assert cell.font.bold, cell.value
        width = sheet.column_dimensions[get_column_letter(number)].width
        assert width and width >= 6, cell.value
    assert sheet.column_dimensions[letter_of(sheet, "公民身份号码")].width >= 20
    assert sheet.max_row == LAST  # formatted rows only: nothing written below the heading
    assert all(c.value is None for row in sheet.iter_rows(min_row=FIRST) for c in row)


def test_without_a_ledger_there_is_no_county_column(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    assert headings(roster_sheet(path)) == WITHOUT_COUNTY
    assert "所在县区" not in drop_downs(path)
    help_text = "\n".join(str(c.value) for c in load_workbook(path)["填写说明"]["A"] if c.value)
    assert "--unit" in help_text and "没有“所在县区”列" in help_text


def test_id_phone_and_date_cells_are_text(tmp_path: Path, xinzhou: Any) -> None:
    sheet = roster_sheet(write_template(tmp_path / "t.xlsx", ledger=xinzhou))
    for heading in ["公民身份号码", "联系电话", *DATE_HEADINGS]:
        letter = letter_of(sheet, heading)
        formats = {sheet[f"{letter}{row}"].number_format for row in range(FIRST, LAST + 1)}
        assert formats == {"@"}, heading
    assert sheet[f"{letter_of(sheet, '姓名')}{FIRST}"].number_format == "General"


def test_the_drop_down_lists(tmp_path: Path, xinzhou: Any) -> None:
    path = write_template(tmp_path / "t.xlsx", ledger=xinzhou)
    sheet = roster_sheet(path)
    found = drop_downs(path)
    expected = {
        "性别": ["男", "女"],
        "离退休类型": ["离休", "退休"],
        "党员身份": PARTY_WORDS,
        "所在县区": list(Counties(xinzhou).by_id.values()),
    }
    assert set(found) == set(expected)
    for heading, words in expected.items():
        validation, listed = found[heading]
        letter = letter_of(sheet, heading)
        assert validation.type == "list"
        assert str(validation.sqref) == f"{letter}{FIRST}:{letter}{LAST}"
        assert validation.formula1.startswith("'选项'!$")
        assert validation.showErrorMessage and validation.allow_blank
        assert validation.error and re.search(r"[\u4e00-\u9fff]", validation.error)
        assert not validation.showDropDown  # (True would hide the arrow)
        assert listed == words, heading


def test_the_options_sheet_holds_the_ledgers_counties(tmp_path: Path, xinzhou: Any) -> None:
    book = load_workbook(write_template(tmp_path / "t.xlsx", ledger=xinzhou))
    options = book["选项"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in options.columns}
    counties = columns["选项：所在县区"]
    assert counties == list(Counties(xinzhou).by_id.values())
    assert len(counties) == 14 and "忻府区" in counties and "保德县" in counties
    # no row of it reads as a roster heading (it would be imported as one)
    index = header_index("cadres")
    assert not any(normalize_header(h) in index for h in columns)


def test_each_heading_has_a_comment(tmp_path: Path, xinzhou: Any) -> None:
    sheet = roster_sheet(write_template(tmp_path / "t.xlsx", ledger=xinzhou))
    for cell in sheet[3]:
        assert cell.comment is not None, cell.value
        assert cell.comment.author == "cadrecore"
        text = cell.comment.text
        assert len(text) > 4
        if cell.value in REQUIRED:
            assert "必填" in text, cell.value
        if cell.value in DATE_HEADINGS:
            for form in ("1950.03", "1950年3月", "1950-03-01"):
                assert form in text, (cell.value, form)
    county = sheet[f"{letter_of(sheet, '所在县区')}3"].comment
    assert county is not None and "--unit" in county.text


def test_the_help_sheet(tmp_path: Path, xinzhou: Any) -> None:
    book = load_workbook(write_template(tmp_path / "t.xlsx", ledger=xinzhou))
    lines = [str(c.value) for c in book["填写说明"]["A"] if c.value]
    text = "\n".join(lines)
    assert "cadrecore import 花名册.xlsx --unit" in text
    assert "文本" in text and "1.40902E+17" in text
    assert "合计" in text and "填表人" in text
    for heading in HEADINGS:
        assert any(line.startswith(f"{heading}：") for line in lines), heading
    assert "保德县：xz.baode" in lines


def test_every_drop_down_word_is_accepted_by_the_importer(tmp_path: Path, xinzhou: Any) -> None:
    index = header_index("cadres")
    found = drop_downs(write_template(tmp_path / "t.xlsx", ledger=xinzhou))
    for heading, (_validation, words) in found.items():
        field = index[normalize_header(heading)]
        if field == "county_id":
            continue  # a name, read against the ledger's units: the import test below
        vocabulary = VOCABULARIES[field]
        for word in words:
            assert vocabulary.read(word), (heading, word)
    party = VOCABULARIES["party_status"]
    assert party.read("中共党员")["party_status"] == "full"
    assert party.read("中共预备党员")["party_status"] == "probationary"
    assert party.read("民盟盟员") == {"party_status": None, "other_party": "民盟盟员"}


# =============================================================================================
# Filled in and imported
# =============================================================================================


def national_id(area: str, birth: date, sequence: int, male: bool) -> str:
    """An 18-digit ID number: the 17th digit odd for a man, even for a woman."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:02d}{1 if male else 2}"
    return first17 + national_id_check_char(first17)


def id_ending_in_x(area: str, birth: date, male: bool) -> str:
    for sequence in range(100):
        number = national_id(area, birth, sequence, male)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives a check character X")


ROWS: list[dict[str, Any]] = [
    {
        "姓名": "籍守仁",
        "性别": "男",
        "民族": "汉族",
        "born": date(1950, 3, 12),
        "出生年月": "1950.03",
        "参加工作时间": "1968.09",
        "离退休类型": "退休",
        "离退休时间": "2010年3月",
        "党员身份": "中共党员",
        "入党时间": "1975-07-01",
        "原工作单位": "保德县交通局",
        "原职级": "正科级",
        "所在县区": "保德县",
        "乡镇街道": "东关镇",
        "社区村": "育才社区",
        "联系电话": "0350-1234567",
        "expected": ("xz.baode", "tuixiu", "full", ""),
    },
    {
        "姓名": "闻淑贞",
        "性别": "女",
        "born": date(1955, 11, 2),
        "出生年月": "1955年11月",
        "参加工作时间": "1974-08-01",
        "离退休类型": "退休",
        "离退休时间": "2010.11",
        "党员身份": "民盟盟员",
        "所在县区": "忻府区",
        "健康状况": "良好",
        "expected": ("xz.xinfu", "tuixiu", None, "民盟盟员"),
    },
    {
        "姓名": "甄国栋",
        "性别": "男",
        "born": date(1928, 5, 4),
        "出生年月": "1928.05",
        "参加革命工作时间": "1945.08",
        "离退休类型": "离休",
        "离退休时间": "1988-06-01",
        "党员身份": "中共党员",
        "入党时间": "1946年7月",
        "享受待遇": "副县级待遇",
        "所在县区": "河曲县",
        "expected": ("xz.hequ", "lixiu", "full", ""),
    },
    {
        "姓名": "卜秀兰",
        "性别": "女",
        "born": date(1958, 10, 20),
        "出生年月": "1958.10",
        "参加工作时间": "1976年9月",
        "离退休类型": "退休",
        "离退休时间": "2013.10",
        "党员身份": "群众",
        "所在县区": "代县",
        "备注": "异地居住",
        "expected": ("xz.daixian", "tuixiu", None, ""),
    },
]


def fill(path: Path, out: Path) -> dict[int, dict[str, Any]]:
    """Type ``ROWS`` into the template at ``path`` as a clerk would; save as ``out``."""
    book = load_workbook(path)
    sheet = book["花名册"]
    assert isinstance(sheet, Worksheet)
    columns = {h: i + 1 for i, h in enumerate(headings(sheet))}
    sheet["A2"] = "填报单位：忻州市委老干部局（盖章）"
    sheet.cell(
        2, next(c.column for c in sheet[2] if c.value == "填报日期："), "填报日期：2023年1月5日"
    )
    typed: dict[int, dict[str, Any]] = {}
    for offset, row in enumerate(ROWS):
        number = FIRST + offset
        male = row["性别"] == "男"
        if offset == len(ROWS) - 1:  # one ID number ends in X, as some do
            typed_id = id_ending_in_x("140931", row["born"], male)
        else:
            typed_id = national_id("140931", row["born"], offset + 1, male)
        values: dict[str, Any] = {"序号": offset + 1, "公民身份号码": typed_id}
        values |= {k: v for k, v in row.items() if k in columns}
        for heading, value in values.items():
            sheet.cell(number, columns[heading], value)  # every cell as text, as typed
        typed[number] = row | {"公民身份号码": typed_id}
    below = FIRST + len(ROWS) + 1  # a blank row, then what bureaus write under a roster
    sheet.cell(below, 1, "合计")
    sheet.cell(below, 2, f"{len(ROWS)}人")
    sheet.cell(below + 1, 1, "填表人：王丽    审核人：李强")
    book.save(out)
    return typed


def test_a_filled_in_template_imports_with_no_mapping(tmp_path: Path, xinzhou: Any) -> None:
    template = write_template(tmp_path / "template.xlsx", ledger=xinzhou)
    path = tmp_path / "花名册.xlsx"
    typed = fill(template, path)
    assert typed[FIRST + len(ROWS) - 1]["公民身份号码"].endswith("X")
    for row in typed.values():  # the clerk's IDs hold together
        assert national_id_birth_date(row["公民身份号码"]) == row["born"]
        assert int(row["公民身份号码"][16]) % 2 == (1 if row["性别"] == "男" else 0)

    outcome = import_files([path], base=xinzhou)

    assert outcome.ok, [p.render("zh") for p in outcome.problems]
    assert not outcome.problems and not outcome.rejected
    assert not [n for n in outcome.notes if n.code == "column.unknown"]
    assert not [n for n in outcome.notes if (n.code or "").startswith("column.")]
    skipped = {n.code for n in outcome.notes if n.location.sheet == "花名册"}
    assert {"row.total", "row.signature"} <= skipped
    assert outcome.inserted.get("cadres") == len(ROWS)
    by_row = {item.source.number: item.record for item in outcome.imported if item.source}
    assert set(by_row) == set(typed)
    for number, row in typed.items():
        cadre = by_row[number]
        county, kind, party, other = row["expected"]
        assert cadre.name == row["姓名"]
        assert cadre.county_id == county
        assert cadre.retirement_kind.value == kind
        assert (cadre.party_status.value if cadre.party_status else None) == party
        assert cadre.other_party == other
        assert cadre.national_id == row["公民身份号码"]
        assert cadre.birth_date == row["born"]  # the day from the ID number
        assert cadre.gender == row["性别"]
    baode = by_row[FIRST]
    assert baode.phone == "0350-1234567"
    assert (baode.township, baode.community, baode.former_rank) == ("东关镇", "育才社区", "正科级")
    assert baode.party_joined == date(1975, 7, 1)
    lixiu = by_row[FIRST + 2]
    assert lixiu.joined_revolution == date(1945, 8, 1)
    assert lixiu.joined_work == date(1945, 8, 1)  # from the revolution date
    assert lixiu.treatment_level == "副县级待遇"


def test_a_template_without_counties_imports_with_unit(tmp_path: Path, xinzhou: Any) -> None:
    template = write_template(tmp_path / "template.xlsx")
    path = tmp_path / "花名册.xlsx"
    typed = fill(template, path)
    outcome = import_files([path], base=xinzhou, unit="xz.baode")
    assert outcome.ok, [p.render("zh") for p in outcome.problems]
    assert not [n for n in outcome.notes if (n.code or "").startswith("column.")]
    assert {item.record.county_id for item in outcome.imported} == {"xz.baode"}
    assert len(outcome.imported) == len(typed)


# =============================================================================================
# The command
# =============================================================================================


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with no store in it, and no store named by the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CADRECORE_STORE", raising=False)
    return tmp_path


def test_the_command_writes_a_template_and_will_not_overwrite(workdir: Path) -> None:
    result = runner.invoke(app, ["template", "roster.xlsx"])
    assert result.exit_code == 0, result.output
    path = workdir / "roster.xlsx"
    assert "花名册模板已写入 roster.xlsx" in result.output
    assert "所在县区" in result.output and "--unit" in result.output
    assert headings(roster_sheet(path)) == WITHOUT_COUNTY

    path.write_bytes(b"a clerk's own roster")
    again = runner.invoke(app, ["template", "roster.xlsx"])
    assert again.exit_code == 2
    assert "已存在" in again.output and "already exists" not in again.output
    english = runner.invoke(app, ["template", "roster.xlsx", "--lang", "en"])
    assert english.exit_code == 2 and "already exists" in english.output
    assert "--force" in again.output
    assert path.read_bytes() == b"a clerk's own roster"

    forced = runner.invoke(app, ["template", "roster.xlsx", "--force", "--lang", "en"])
    assert forced.exit_code == 0, forced.output
    assert "roster template written to roster.xlsx" in forced.output
    assert "花名册模板已写入" not in forced.output and "未找到" not in forced.output
    assert headings(roster_sheet(path)) == WITHOUT_COUNTY


def test_the_command_takes_the_counties_from_a_store(workdir: Path, xinzhou: Any) -> None:
    store = workdir / "xinzhou.sqlite"
    with open_store(store, create=True) as opened:
        opened.save(xinzhou)
    result = runner.invoke(app, ["template", "out.xlsx", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "14 个县区" in result.output
    found = drop_downs(workdir / "out.xlsx")
    assert found["所在县区"][1] == list(Counties(xinzhou).by_id.values())
    assert headings(roster_sheet(workdir / "out.xlsx")) == HEADINGS

    # the store in the working folder is the default one
    store.rename(workdir / "cadrecore.sqlite")
    default = runner.invoke(app, ["template", "default.xlsx", "--ledger", "xz"])
    assert default.exit_code == 0, default.output
    assert "所在县区" in drop_downs(workdir / "default.xlsx")


def test_the_command_refuses_a_store_that_is_not_there(workdir: Path) -> None:
    result = runner.invoke(app, ["template", "out.xlsx", "--store", "nowhere.sqlite"])
    assert result.exit_code == 2
    assert not (workdir / "out.xlsx").exists()
    no_store = runner.invoke(app, ["template", "out.xlsx", "--ledger", "xz"])
    assert no_store.exit_code == 2 and "--store" in no_store.output
    assert not (workdir / "out.xlsx").exists()
