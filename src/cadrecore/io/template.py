"""A blank roster workbook (花名册模板) for clerks, which imports with no column mapping.

The importer reads rosters as bureaus write them (``ROSTERS.md``); a bureau starting a roster
afresh is better served by a file that cannot go wrong in the usual ways. So the template:

- heads its columns with names the importer knows (:func:`.headings.header_index`), so no
  ``--map`` is needed and no column is left aside as not understood;
- formats the ID number, the phone and the date columns as text: typed into a number cell, an
  ID number shows as 1.40902E+17 and loses its last digits (Excel keeps 15), and 1950.10
  becomes 1950.1, which the importer must refuse (January or October?);
- offers drop-down lists only of words the importer reads (:data:`.roster.VOCABULARIES`, and
  the ledger's county names for 所在县区), kept on a hidden sheet 选项 because a list written
  into the validation itself may hold no more than 255 characters;
- says in each heading's comment, and on the sheet 填写说明, what goes where and what is
  required, in the clerk's language.

``write_template("花名册.xlsx", ledger=ledger)`` adds the 所在县区 column when the ledger has
counties; without one, the county comes from ``cadrecore import --unit`` at import time.

This module reads nothing and imports only the ledger and models below it and its siblings
:mod:`.headings` and :mod:`.roster`: never the store, the reports or the CLI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .roster import DEMOCRATIC_PARTIES, NON_PARTY, Counties
from .workbook import put

if TYPE_CHECKING:
    from ..ledger import Ledger

SHEET = "花名册"
OPTIONS_SHEET = "选项"
HELP_SHEET = "填写说明"
TITLE = "离退休干部花名册"
#: The rows of the roster sheet: title, 填报 line, heading, then the data.
TITLE_ROW, FILER_ROW, HEADING_ROW = 1, 2, 3
FIRST_DATA_ROW = 4
#: How many rows get text formats and drop-down lists (a county's roster, with room to spare).
DATA_ROWS = 1000
LAST_DATA_ROW = FIRST_DATA_ROW + DATA_ROWS - 1
COMMENT_AUTHOR = "cadrecore"
COUNTY_HEADING = "所在县区"
TEXT_FORMAT = "@"

DATE_FORMS = "1950.03、1950年3月 或 1950-03-01"

#: The words of each drop-down list, by its name on the sheet 选项 (the county list is the
#: ledger's). Each word is one the importer reads (see :data:`.roster.VOCABULARIES`).
CHOICES: dict[str, tuple[str, ...]] = {
    "性别": ("男", "女"),
    "离退休类型": ("离休", "退休"),
    "党员身份": ("中共党员", "中共预备党员", "群众", NON_PARTY, *DEMOCRATIC_PARTIES),
}


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its heading, what a clerk writes there (the heading's
    comment), how wide it is, and whether its cells are dates, text, or chosen from a list."""

    heading: str
    note: str
    width: float
    required: bool = False
    date: bool = False
    text: bool = False
    choices: str | None = None

    @property
    def comment(self) -> str:
        parts = [self.note]
        if self.date:
            parts.append(f"日期可写作 {DATE_FORMS}。")
        if self.choices:
            parts.append("请从下拉列表中选择。")
        return "".join(parts)


#: The template's columns, in order; 所在县区 is written only for a ledger with counties.
COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("序号", "行序号（1、2、3……），可不填，不导入。", 6),
    TemplateColumn("姓名", "必填。老干部的姓名，不要加注（如“（已故）”），写在备注里。", 10, True),
    TemplateColumn(
        "性别",
        "选填：男 或 女；须与公民身份号码第 17 位一致（奇数为男，偶数为女）。",
        6,
        choices="性别",
    ),
    TemplateColumn("民族", "选填，如 汉族、回族。", 8),
    TemplateColumn(
        "出生年月",
        "必填（填了公民身份号码也要填）。只写年月即可，如 1950.03，日按公民身份号码；"
        "年月须与身份证号中的出生日期一致。",
        11,
        True,
        date=True,
        text=True,
    ),
    TemplateColumn(
        "公民身份号码",
        "选填，建议填写：18 位身份证号，末位可为 X。本列已设为文本格式，请直接输入完整号码，"
        "不要改为数字格式（否则会显示为 1.40902E+17 并丢失末几位）。",
        21,
        text=True,
    ),
    TemplateColumn(
        "参加工作时间",
        "必填。离休干部如不填，按参加革命工作时间。",
        12,
        True,
        date=True,
        text=True,
    ),
    TemplateColumn(
        "参加革命工作时间",
        "离休干部填写（1949年9月30日及以前）；退休干部不填。",
        12,
        date=True,
        text=True,
    ),
    TemplateColumn("离退休类型", "必填：离休 或 退休。", 10, True, choices="离退休类型"),
    TemplateColumn("离退休时间", "必填。离休或退休的时间。", 11, True, date=True, text=True),
    TemplateColumn(
        "党员身份",
        "选填：中共党员、中共预备党员、群众、无党派人士，或民主党派成员（如 民盟盟员）；"
        "不填按群众。",
        13,
        choices="党员身份",
    ),
    TemplateColumn("入党时间", "中共党员填写入党时间；非中共党员不填。", 11, date=True, text=True),
    TemplateColumn("原工作单位", "选填：离退休前的工作单位，如 保德县交通局。", 22),
    TemplateColumn("原职级", "选填：如 正科级、副县级。", 10),
    TemplateColumn("享受待遇", "选填：如 副县级待遇。", 12),
    TemplateColumn(
        COUNTY_HEADING,
        "现居住的县（市、区），须为下拉列表中的名称。必填，除非导入时用 --unit 指定县区"
        "（整表同属一个县区）。",
        10,
        True,
        choices=COUNTY_HEADING,
    ),
    TemplateColumn("乡镇街道", "选填：现居住的乡镇或街道，如 东关镇。", 12),
    TemplateColumn("社区村", "选填：现居住的社区或村，如 育才社区。", 12),
    TemplateColumn("现居住地址", "选填：详细住址。", 28),
    TemplateColumn(
        "联系电话",
        "选填：手机或座机（如 0350-1234567）；本列已设为文本格式，号码开头的 0 不会丢失。",
        16,
        text=True,
    ),
    TemplateColumn("健康状况", "选填：如 良好、一般、长期卧床。", 10),
    TemplateColumn("备注", "选填：其他需要说明的情况。", 20),
)

_BOLD = Font(bold=True)
_REQUIRED = Font(bold=True, color="C00000")
_HEADING_FILL = PatternFill("solid", start_color="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def template_columns(*, county: bool) -> list[TemplateColumn]:
    """The columns of the template, with or without the 所在县区 column."""
    return [c for c in COLUMNS if county or c.heading != COUNTY_HEADING]


def write_template(path: str | os.PathLike[str], *, ledger: Ledger | None = None) -> Path:
    """Write a blank roster workbook to ``path`` (replacing any file there) and return its path.

    With a ``ledger`` that has counties, the sheet has a 所在县区 column whose drop-down list
    names them; without, a filled-in roster is imported with ``--unit``.
    """
    counties = Counties(ledger).by_id if ledger is not None else {}
    columns = template_columns(county=bool(counties))
    choices = dict(CHOICES)
    if counties:
        choices[COUNTY_HEADING] = tuple(counties.values())
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    sources = _write_options(workbook.create_sheet(OPTIONS_SHEET), choices)
    _write_roster(sheet, columns, sources)
    _write_help(workbook.create_sheet(HELP_SHEET, 1), columns, counties)
    workbook.active = 0
    target = Path(path)
    workbook.save(target)
    return target


def _write_roster(sheet: Worksheet, columns: list[TemplateColumn], sources: dict[str, str]) -> None:
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    title = put(sheet, TITLE_ROW, 1, TITLE)
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 30
    # 填报单位 at the left, 填报日期 towards the right, each with room to write in
    sheet.merge_cells(start_row=FILER_ROW, start_column=1, end_row=FILER_ROW, end_column=5)
    put(sheet, FILER_ROW, 1, "填报单位：")
    date_column = max(len(columns) - 3, 7)
    sheet.merge_cells(
        start_row=FILER_ROW,
        start_column=date_column,
        end_row=FILER_ROW,
        end_column=len(columns),
    )
    put(sheet, FILER_ROW, date_column, "填报日期：")
    sheet.row_dimensions[HEADING_ROW].height = 32
    for number, column in enumerate(columns, 1):
        letter = get_column_letter(number)
        heading = put(sheet, HEADING_ROW, number, column.heading)
        heading.font = _REQUIRED if column.required else _BOLD
        heading.fill = _HEADING_FILL
        heading.border = _BOX
        heading.alignment = _CENTRED
        comment = Comment(column.comment, COMMENT_AUTHOR)
        comment.width, comment.height = 260, 120
        heading.comment = comment
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
                sheet.cell(row, number).number_format = TEXT_FORMAT
        if column.choices is not None:
            sheet.add_data_validation(_drop_down(column, sources[column.choices], letter))
    # keep the heading, and who each row is, in view while scrolling
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _drop_down(column: TemplateColumn, source: str, letter: str) -> DataValidation:
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=f"{column.heading}填写有误",
        error=f"“{column.heading}”请从下拉列表中选择，不要手工输入其他内容。",
    )
    validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}")
    return validation


def _write_options(sheet: Worksheet, choices: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Write each list in its own column of the hidden sheet and return the range of each.

    The first row names the list as 选项：性别, never as the field itself: a row of headings
    the importer knows would make it read this sheet as a roster.
    """
    sheet.sheet_state = "hidden"
    sources: dict[str, str] = {}
    for number, (name, words) in enumerate(choices.items(), 1):
        letter = get_column_letter(number)
        put(sheet, 1, number, f"选项：{name}")
        for row, word in enumerate(words, 2):
            put(sheet, row, number, word)  # a ledger's name is text, whatever it begins with
        sheet.column_dimensions[letter].width = 16
        last = len(words) + 1
        sources[name] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"
    return sources


def _write_help(sheet: Worksheet, columns: list[TemplateColumn], counties: dict[str, str]) -> None:
    """The instructions, one per line: the rules of the sheet, then each column's comment,
    then the counties' ids that ``--unit`` takes."""
    has_county = any(c.heading == COUNTY_HEADING for c in columns)
    example = next(iter(counties), "xz.baode")
    lines = [
        "离退休干部花名册填写说明",
        "",
        f"1. 在“{SHEET}”工作表第 {FIRST_DATA_ROW} 行起逐行填写，每人一行；"
        "第 1 至 3 行（标题、填报单位和填报日期、表头）保留，填报单位和填报日期写在冒号后。",
        "2. 不要改动第 3 行的表头，不要删除、插入或调换列；用不到的列留空即可。",
        "3. 必填：姓名、出生年月、参加工作时间（离休干部可只填参加革命工作时间）、离退休类型、"
        "离退休时间"
        + ("；所在县区也必填，除非导入时用 --unit 指定县区。" if has_county else "。")
        + "表头为红色的列必填；鼠标停在表头上可看到该列的填写要求。",
        "4. 公民身份号码按文本输入：该列已设为文本格式，直接输入 18 位号码（末位可为 X），"
        "不要改为数字格式，否则会显示为 1.40902E+17 并丢失末几位。"
        "从其他表格粘贴时请用“选择性粘贴 → 值”，或在号码前加英文单引号 '。",
        f"5. 日期可写作 {DATE_FORMS}；日期列已设为文本格式（数字格式会把 1950.10 变成 1950.1）。"
        "出生年月只写年月即可，日按公民身份号码。",
        "6. 性别、离退休类型、党员身份"
        + ("、所在县区" if has_county else "")
        + " 请从下拉列表中选择。",
        "7. 数据下方的 合计、小计 行，以及 填表人、审核人、制表、备注 等行，导入时自动跳过，"
        "可照常填写。",
        f"8. 导入：cadrecore import 花名册.xlsx --unit <县区编号>（如 --unit {example}）；"
        "可先加 --dry-run 只检查、不写入。"
        + (
            "有“所在县区”列且每行都已填写时，可不加 --unit。"
            if has_county
            else "本表没有“所在县区”列，须用 --unit 指定县区。"
        ),
        "9. 有错误的行：导入时加 --keep-good 先导入无误的行，错误行另存为文件（--rejects），"
        "改正后再导入。",
        "",
        "各列说明：",
        *(f"{c.heading}：{c.comment}" for c in columns),
    ]
    if counties:
        lines += ["", "县区编号（导入时 --unit 用）："]
        lines += [f"{name}：{county_id}" for county_id, name in counties.items()]
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(lines, 1):
        if not line:
            continue
        cell = put(sheet, row, 1, line)  # (a county's name is the ledger's text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)


__all__ = [
    "CHOICES",
    "COLUMNS",
    "COUNTY_HEADING",
    "DATA_ROWS",
    "FIRST_DATA_ROW",
    "HEADING_ROW",
    "HELP_SHEET",
    "LAST_DATA_ROW",
    "OPTIONS_SHEET",
    "SHEET",
    "TemplateColumn",
    "template_columns",
    "write_template",
]
