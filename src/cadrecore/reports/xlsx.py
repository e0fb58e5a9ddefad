"""The annual report as an Excel workbook: the assessment table (考核表) first, then the year's
obligations rule by rule, the narrative, and a sheet for each section's tables and charts.

Every sheet prints as a bureau files it: A4 landscape, one page wide (as many pages long as it
takes), its heading row repeated on every page, the pages numbered. Dates are date cells shown
``yyyy-mm-dd`` and rates are numbers shown ``0.0%``, holding the value the text outputs print
(:class:`~cadrecore.reports.labels.Rate`), so a sheet sorts and sums them and still shows the
same digits. The generation time is printed in the bureau's time zone (``tz``).

The workbook is deterministic: the document properties carry the report's generation time
(openpyxl would write the clock's), and every entry of the zip archive is dated the same.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..i18n import Lang, Text
from ..io.workbook import PERCENT_FORMAT, put
from .assessment import assessment_table
from .document import AnnualReport
from .labels import NO_VALUE, Rate, cell_text, plugin_note, shown_time
from .sections import Cell, Chart, Table

HEADER_FILL = PatternFill("solid", fgColor="DCE3EA")
STATUS_FILLS = {
    "done": PatternFill("solid", fgColor="D8EFD9"),
    "late": PatternFill("solid", fgColor="FFF1C7"),
    "pending": PatternFill("solid", fgColor="EEF1F4"),
    "overdue": PatternFill("solid", fgColor="F8D4D1"),
    "invalid": PatternFill("solid", fgColor="F8D4D1"),
}
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
#: A cell with no value (``—``) sits in the middle of its column, apart from its neighbours.
EMPTY = Alignment(wrap_text=True, vertical="top", horizontal="center")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WIDE = re.compile("[\u2e80-\U0010ffff]")
#: The widest a column is made, in characters (a Chinese character counts two): a longer cell
#: wraps, its row made as tall as its lines (fit to one page wide, a wider column would only
#: shrink every other one).
MAX_WIDTH = 28
#: The height of a line of wrapped text, in points (11-point type, Chinese glyphs included).
LINE_HEIGHT = 16
MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
PAGE_FOOTER = Text("第 &P 页，共 &N 页", "Page &P of &N")
#: Zip entries cannot be dated before 1980.
_ZIP_EPOCH = datetime(1980, 1, 1)


def _xlsx_value(cell: Cell) -> tuple[Cell | date, str | None]:
    """What a table cell is stored as, and its number format: a rate as its number shown
    ``0.0%``; an ISO date (``2022-03-15``, as tables carry them) as a date cell."""
    if isinstance(cell, Rate):
        return cell.value, PERCENT_FORMAT
    if isinstance(cell, str) and _ISO_DATE.fullmatch(cell):
        try:
            return date.fromisoformat(cell), None
        except ValueError:  # 2022-02-30 stays the text it is
            return cell, None
    if cell is None or isinstance(cell, str | int | float):
        return cell, None
    return cell_text(cell), None


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unused worksheet name (31 characters at most, none of ``[]:*?/\\``)."""
    base = _BAD_TITLE.sub(" ", title).strip() or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _width(text: str) -> int:
    """``text``'s width in characters, a Chinese character (from U+2E80 on) counting two."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))


def write_table(ws: Worksheet, row: int, table: Table, lang: Lang, widths: dict[int, int]) -> int:
    """Write ``table`` from ``row`` (title, heading, rows); the next free row after a gap."""
    put(ws, row, 1, table.title(lang)).font = BOLD
    row += 1
    for col, heading in enumerate(table.columns, start=1):
        cell = put(ws, row, col, heading(lang))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        widths[col] = max(widths.get(col, 0), _width(heading(lang)))
    # A cell's style (its number format and alignment) is looked up in the workbook's lists by
    # openpyxl each time it is set, hashing the style: the first cell of each kind is styled so,
    # and the others of its kind take a copy of its style's indexes, as openpyxl's own copy of
    # a worksheet does (the per-branch tables of a province have hundreds of thousands of cells).
    styled: dict[tuple[str | None, bool, bool], Any] = {}
    for values in table.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            stored, number_format = _xlsx_value(value)
            kind = (
                number_format,
                type(stored) is date,  # (put shows a date as a date)
                stored == NO_VALUE,
            )
            first = styled.get(kind)
            if first is None:
                cell = put(ws, row, col, stored, number_format=number_format)
                cell.alignment = EMPTY if kind[2] else WRAP
                styled[kind] = cell
            else:
                put(ws, row, col, stored, like=first)
            widths[col] = max(widths.get(col, 0), _width(cell_text(value)))
    return row + 2


def _chart_table(chart: Chart, lang: Lang) -> Table:
    return Table(
        Text(f"图：{chart.title.zh}", f"Chart: {chart.title.en}"),
        (Text("项目", "label"), Text("数值", "value")),
        tuple(zip(chart.labels, chart.values, strict=True)),
    )


def _set_widths(ws: Worksheet, widths: dict[int, int], cap: int = MAX_WIDTH) -> None:
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), cap)


def _fit_rows(ws: Worksheet) -> None:
    """Make each row with wrapped text as tall as its longest cell's lines: neither Excel nor
    LibreOffice sizes the rows of a file they did not lay out, and a cut cell prints cut."""
    # (the alignments that wrap, by their index in the workbook's list: what a cell's style
    # holds; openpyxl's cell.alignment would make a copy of the alignment for each cell)
    wrapping = {
        number
        for number, alignment in enumerate(cast(Any, ws.parent)._alignments)
        if alignment.wrap_text
    }
    rooms: dict[int, float] = {}
    for number, cells in enumerate(ws.iter_rows(min_row=1), start=1):
        lines = 1
        for cell in cells:
            value = cell.value
            if not (value and isinstance(value, str)):
                continue
            style = cast(Any, cell)._style  # (None: the default style, which does not wrap)
            if style is None or style.alignmentId not in wrapping:
                continue
            room = rooms.get(cell.column)  # type: ignore[arg-type]
            if room is None:
                letter = get_column_letter(cell.column)  # type: ignore[arg-type]
                room = max((ws.column_dimensions[letter].width or 8.43) - 1, 1)
                rooms[cell.column] = room  # type: ignore[index]
            lines = max(
                lines,
                sum(max(1, math.ceil(_width(part) / room)) for part in value.split("\n")),
            )
        if lines > 1:
            ws.row_dimensions[number].height = LINE_HEIGHT * lines


def _print_setup(ws: Worksheet, lang: Lang, title_rows: str | None = None) -> None:
    """Print ``ws`` on A4 landscape, one page wide, ``title_rows`` (``"5:5"``) on every page;
    its rows as tall as their wrapped text."""
    _fit_rows(ws)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = MARGINS
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter
    assert footer is not None  # (openpyxl makes every sheet's)
    footer.center.text = PAGE_FOOTER(lang)
    if title_rows is not None:
        ws.print_title_rows = title_rows


def _assessment_sheet(ws: Worksheet, annual: AnnualReport, tz: tzinfo | None) -> None:
    lang = annual.lang
    generated = shown_time(annual.generated_at, tz)
    put(ws, 1, 1, annual.title(lang)).font = TITLE_FONT
    put(
        ws,
        2,
        1,
        Text(
            f"截至 {annual.as_of}；生成于 {generated}",
            f"as of {annual.as_of}; generated {generated}",
        )(lang),
    )
    widths: dict[int, int] = {}
    table = assessment_table(annual.assessment, annual.year)
    write_table(ws, 4, table, lang, widths)  # title on row 4, heading on row 5
    status_column = 1 + [c.en for c in table.columns].index("status")
    for offset, row in enumerate(annual.assessment):
        fill = STATUS_FILLS.get(row.status or "")
        if fill is not None:
            ws.cell(row=6 + offset, column=status_column).fill = fill
    ws.freeze_panes = "C6"
    if annual.assessment:
        ws.auto_filter.ref = (
            f"A5:{get_column_letter(len(table.columns))}{5 + len(annual.assessment)}"
        )
    _set_widths(ws, widths)
    _print_setup(ws, lang, "5:5")


def render_xlsx(annual: AnnualReport, *, tz: tzinfo | None = None) -> bytes:
    """The workbook as the bytes of an .xlsx file; its generation time printed in ``tz``
    (default Asia/Shanghai: :func:`~cadrecore.reports.labels.default_timezone`)."""
    lang = annual.lang
    t = Text
    wb = Workbook()
    taken: set[str] = set()
    first = wb.active
    assert first is not None
    ws: Worksheet = first
    ws.title = sheet_title(t("考核表", "Assessment")(lang), taken)
    _assessment_sheet(ws, annual, tz)

    ws = wb.create_sheet(sheet_title(t("履职情况", "Obligations")(lang), taken))
    widths: dict[int, int] = {}
    write_table(ws, 1, annual.obligations, lang, widths)
    _set_widths(ws, widths)
    _print_setup(ws, lang, "2:2")

    ws = wb.create_sheet(sheet_title(t("综述", "Summary")(lang), taken))
    put(ws, 1, 1, annual.title(lang)).font = TITLE_FONT
    for n, paragraph in enumerate(annual.narrative, start=3):
        put(ws, n, 1, paragraph(lang)).alignment = WRAP
    ws.column_dimensions["A"].width = 120
    _print_setup(ws, lang, "1:1")

    for number, section in enumerate(annual.sections, start=1):
        ws = wb.create_sheet(sheet_title(f"{number} {section.title(lang)}", taken))
        put(ws, 1, 1, f"{number}. {section.title(lang)}").font = TITLE_FONT
        row = 2
        note = plugin_note(section.plugin)
        if note:
            put(ws, row, 1, note(lang))
            row += 1
        for paragraph in section.paragraphs:
            put(ws, row, 1, paragraph(lang))
            row += 1
        row += 1
        widths = {}
        for table in (*section.tables, *(_chart_table(c, lang) for c in section.charts)):
            row = write_table(ws, row, table, lang, widths)
        _set_widths(ws, widths)
        _print_setup(ws, lang, "1:1")

    if annual.failures:
        ws = wb.create_sheet(sheet_title(t("未能生成的章节", "Failed sections")(lang), taken))
        widths = {}
        write_table(
            ws,
            1,
            Table(
                t("未能生成的插件章节", "Plugin sections that failed"),
                (t("插件", "plugin"), t("钩子", "hook"), t("错误", "error")),
                tuple((f.plugin, f.hook, f.error) for f in annual.failures),
            ),
            lang,
            widths,
        )
        _set_widths(ws, widths)
        _print_setup(ws, lang, "2:2")
    return _save(wb, annual.generated_at)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _save(wb: Workbook, moment: datetime) -> bytes:
    """Save ``wb`` with its properties and every zip entry dated ``moment``: same bytes for the
    same report, whenever it is written."""
    stamp = _naive_utc(moment)
    wb.properties.creator = "cadrecore"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # unlike Workbook.save, keeps our `modified`
    when = max(stamp, _ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
