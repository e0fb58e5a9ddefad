"""The annual report as an Excel workbook: the assessment table (考核表) first, then the year's
obligations rule by rule, the narrative, and a sheet for each section's tables and charts.

Every sheet prints as a bureau files it: A4 landscape, one page wide (as many pages long as it
takes), its heading row repeated on every page, the pages numbered. Dates are date cells shown
``yyyy-mm-dd`` and rates are numbers shown ``0.0%``, holding the value the text outputs print
(:class:`~cadrecore.reports.labels.Rate`), so a sheet sorts and sums them and still shows the
same digits. The generation time is printed in the bureau's time zone (``tz``).

Written by XlsxWriter, which writes a cell in about a third of openpyxl's time and keeps far less
for each (a province's per-branch tables are hundreds of thousands of cells; issue #26). Text
goes in with ``write_string`` only, so no cell is ever a formula, and text that begins like one
(``=``, ``+``, ``-``, ``@``...) gets the leading apostrophe every writer of cadrecore gives it
(:func:`~cadrecore.io.cell_text.protect`); XlsxWriter writes the characters XML cannot hold in
the ``_xHHHH_`` form Excel uses.

The workbook is deterministic: the document properties carry the report's generation time,
and every entry of the zip archive is dated the same.
"""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..i18n import Lang, Text
from ..io.cell_text import protect
from ..io.workbook import DATE_FORMAT, PERCENT_FORMAT
from .assessment import assessment_table
from .document import AnnualReport
from .labels import NO_VALUE, Rate, cell_text, plugin_note, shown_time
from .sections import Cell, Chart, Table

HEADER_FILL = "#DCE3EA"
STATUS_FILLS = {
    "done": "#D8EFD9",
    "late": "#FFF1C7",
    "pending": "#EEF1F4",
    "overdue": "#F8D4D1",
    "invalid": "#F8D4D1",
}
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NARROW_RUNS = re.compile("[^\u2e80-\U0010ffff]+")
#: Characters XML 1.0 cannot hold that XlsxWriter leaves as they are: shown as U+FFFD.
_NON_CHARACTERS = re.compile("[\ufffe\uffff]")
#: The widest a column is made, in characters (a Chinese character counts two): a longer cell
#: wraps, its row made as tall as its lines (fit to one page wide, a wider column would only
#: shrink every other one).
MAX_WIDTH = 28
#: A column whose widest text is this wide is made :data:`MAX_WIDTH` wide whatever else it
#: holds (its width is its widest text's and a character's margin each side, at most that).
WIDE_ENOUGH = MAX_WIDTH - 2
#: The width of a column no table has set, in characters (Excel's default).
DEFAULT_WIDTH = 8.43
#: The narrowest a table's column is made, in characters.
MIN_WIDTH = 8
#: The least room for text in a column (the narrowest less a character's margin): a cell of
#: at most half as many characters never wraps.
MIN_ROOM = MIN_WIDTH - 1
#: The height of a line of wrapped text, in points (11-point type, Chinese glyphs included).
LINE_HEIGHT = 16
#: Page margins, in inches (left, right, top, bottom; header and footer).
MARGINS = (0.4, 0.4, 0.6, 0.6)
HEADER_FOOTER_MARGIN = 0.3
PAGE_FOOTER = Text("第 &P 页，共 &N 页", "Page &P of &N")
A4 = 9  # (the paper size's number in the file format)
#: Zip entries cannot be dated before 1980.
_ZIP_EPOCH = datetime(1980, 1, 1)
#: A zip entry's system (Unix) and permissions (rw-------), as its central record stores them.
_UNIX, _OWNER_ONLY = 3, 0o600 << 16
#: A central directory record's signature and the length of its fixed part.
_CENTRAL_RECORD, _CENTRAL_SIZE = b"PK\x01\x02", 46
#: Names no worksheet may take (Excel keeps "History" for itself).
_RESERVED_TITLES = frozenset({"history"})


class Styles:
    """The workbook's cell formats, each made once (XlsxWriter keeps a format per object)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        add = book.add_format
        wrap = {"text_wrap": True, "valign": "top"}
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.plain = add()
        self.heading = add({**wrap, "bold": True, "pattern": 1, "bg_color": HEADER_FILL})
        self.wrap = add(wrap)
        #: a cell with no value (``—``) sits in the middle of its column, apart from its neighbours
        self.empty = add({**wrap, "align": "center"})
        self.rate = add({**wrap, "num_format": PERCENT_FORMAT})
        self.day = add({**wrap, "num_format": DATE_FORMAT})
        self._filled: dict[tuple[str, str], Format] = {}
        self._add = add

    def body(self, stored: object, number_format: str | None) -> Format:
        """A table cell's format: wrapped text, a rate, a date, or the centred empty mark."""
        if number_format is not None:
            return self.rate
        if type(stored) is date:
            return self.day
        return self.empty if stored == NO_VALUE else self.wrap

    def filled(self, status: str, stored: object, number_format: str | None) -> Format:
        """A status cell of the assessment: its body format on the status's colour."""
        key = (status, "rate" if number_format else "day" if type(stored) is date else "text")
        found = self._filled.get(key)
        if found is None:
            options: dict[str, Any] = {"text_wrap": True, "valign": "top", "pattern": 1}
            options["bg_color"] = STATUS_FILLS[status]
            if number_format is not None:
                options["num_format"] = number_format
            elif type(stored) is date:
                options["num_format"] = DATE_FORMAT
            elif stored == NO_VALUE:
                options["align"] = "center"
            found = self._filled[key] = self._add(options)
        return found


@dataclass
class Sheet:
    """A worksheet being written, its rows and columns counted from 1 as Excel shows them; it
    remembers each column's widest text and each wrapped cell, to lay them out when done."""

    ws: Worksheet
    styles: Styles
    #: each column's widest text, in characters (a Chinese character counts two), as far as it
    #: matters: a table's column is not measured further once it is :data:`WIDE_ENOUGH`
    widths: dict[int, int] = field(default_factory=dict)
    #: the set widths, in characters, of columns laid out by hand (the narrative's)
    fixed: dict[int, float] = field(default_factory=dict)
    #: (row, column, text) of every cell whose text wraps
    wrapped: list[tuple[int, int, str]] = field(default_factory=list)

    def put(
        self, row: int, column: int, value: object, style: Format, *, wraps: bool = False
    ) -> None:
        """Write ``value`` (text, a number, a date, or None for an empty cell) at ``row``,
        ``column`` in ``style``; ``wraps``: its text is to wrap (the row made tall enough)."""
        r, c = row - 1, column - 1
        if isinstance(value, str):
            self.put_text(row, column, value, style, wraps=wraps)
        elif value is None:
            self.ws.write_blank(r, c, None, style)
        elif type(value) is bool:
            self.ws.write_boolean(r, c, value, style)
        elif isinstance(value, datetime):
            self.ws.write_datetime(r, c, value, style)
        elif isinstance(value, date):  # (the day's serial number, as a datetime at midnight)
            self.ws.write_datetime(r, c, datetime(value.year, value.month, value.day), style)
        elif isinstance(value, int | float):
            self.ws.write_number(r, c, value, style)
        else:
            self.put(row, column, str(value), style, wraps=wraps)

    def put_text(self, row: int, column: int, text: str, style: Format, *, wraps: bool) -> None:
        """Write ``text`` at ``row``, ``column`` in ``style`` (see :meth:`put`)."""
        shown, stored, may_wrap = _text_cell(text)
        self.ws.write_string(row - 1, column - 1, stored, style)
        if wraps and may_wrap:
            self.wrapped.append((row, column, shown))

    def lay_out(self, lang: Lang, title_rows: tuple[int, int] | None) -> None:
        """Set the columns' widths and the wrapped rows' heights; print on A4 landscape, one
        page wide, rows ``title_rows`` (first, last) repeated on every page."""
        ws = self.ws
        rooms: dict[int, float] = {}
        for column, width in self.widths.items():
            shown: float = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
            ws.set_column(column - 1, column - 1, shown)
            rooms[column] = shown
        for column, fixed in self.fixed.items():
            ws.set_column(column - 1, column - 1, fixed)
            rooms[column] = fixed
        lines_of: dict[int, int] = {}
        #: each text's lines in each room it is given (a province's findings repeat their texts)
        counted: dict[tuple[str, float], int] = {}
        #: the room for text in each column: its width less a character's margin
        room_of: dict[int, float] = {}
        for row, column, text in self.wrapped:
            room = room_of.get(column)
            if room is None:
                room = room_of[column] = max(rooms.get(column, DEFAULT_WIDTH) - 1, 1)
            if "\n" not in text and math.ceil(2 * len(text) / room) <= lines_of.get(row, 1):
                continue  # (no more lines than its row has already, however wide its characters)
            lines = counted.get((text, room))
            if lines is None:
                lines = counted[text, room] = sum(
                    max(1, math.ceil(_width(part) / room)) for part in text.split("\n")
                )
            if lines > lines_of.get(row, 1):
                lines_of[row] = lines
        for row, lines in lines_of.items():
            ws.set_row(row - 1, LINE_HEIGHT * lines)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # one page wide, as many pages long as it takes
        ws.set_margins(*MARGINS)
        ws.set_header("", {"margin": HEADER_FOOTER_MARGIN})
        ws.set_footer(f"&C{PAGE_FOOTER(lang)}", {"margin": HEADER_FOOTER_MARGIN})
        ws.center_horizontally()
        if title_rows is not None:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)


def _text_cell(text: str) -> tuple[str, str, bool]:
    """A text cell's text as shown (XML's non-characters as U+FFFD), as stored (never a
    formula: :func:`~cadrecore.io.cell_text.protect`), and whether it may need more than one
    line in the narrowest column (a cell of at most half as many characters never wraps)."""
    if "\ufffe" in text or "\uffff" in text:
        text = _NON_CHARACTERS.sub("\ufffd", text)
    return text, protect(text), 2 * len(text) > MIN_ROOM or "\n" in text


def _xlsx_value(cell: Cell) -> tuple[Cell | date, str | None]:
    """What a table cell is stored as, and its number format: a rate as its number shown
    ``0.0%``; an ISO date (``2022-03-15``, as tables carry them) as a date cell."""
    if isinstance(cell, Rate):
        return cell.value, PERCENT_FORMAT
    if isinstance(cell, str) and len(cell) == 10 and _ISO_DATE.fullmatch(cell):
        try:
            return date.fromisoformat(cell), None
        except ValueError:  # 2022-02-30 stays the text it is
            return cell, None
    if cell is None or isinstance(cell, str | int | float):
        return cell, None
    return cell_text(cell), None


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unused worksheet name (31 characters at most, none of ``[]:*?/\\``, not
    beginning or ending with an apostrophe, not Excel's own "History")."""
    base = _BAD_TITLE.sub(" ", title).strip().strip("'").strip() or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in taken or name.lower() in _RESERVED_TITLES:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _width(text: str) -> int:
    """``text``'s width in characters, a Chinese character (from U+2E80 on) counting two."""
    if text.isascii():
        return len(text)
    # (twice its length less its narrow characters, found in runs: a run a call, not a match
    # a wide character)
    return 2 * len(text) - len("".join(_NARROW_RUNS.findall(text)))


def write_table(sheet: Sheet, row: int, table: Table, lang: Lang) -> int:
    """Write ``table`` from ``row`` (title, heading, rows); the next free row after a gap."""
    styles, widths = sheet.styles, sheet.widths
    sheet.put(row, 1, table.title(lang), styles.bold)
    row += 1
    for col, heading in enumerate(table.columns, start=1):
        text = heading(lang)
        sheet.put(row, col, text, styles.heading, wraps=True)
        width = _width(text)
        if width > widths.get(col, 0):
            widths[col] = width
    body, write_string, wrapped = styles.body, sheet.ws.write_string, sheet.wrapped
    #: each distinct text cell as shown, as stored, whether it may wrap, and its format (a
    #: province's findings repeat their rules, periods and fixes over tens of thousands of rows)
    texts: dict[str, tuple[str, str, bool, Format]] = {}
    for values in table.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            if type(value) is str and len(value) != 10:  # text (most cells), not an ISO date
                known = texts.get(value)
                if known is None:
                    known = texts[value] = (*_text_cell(value), body(value, None))
                shown, written, may_wrap, style = known
                write_string(row - 1, col - 1, written, style)  # (as Sheet.put_text writes it)
                if may_wrap:
                    wrapped.append((row, col, shown))
                text = value
            else:
                stored, number_format = _xlsx_value(value)
                sheet.put(row, col, stored, body(stored, number_format), wraps=True)
                text = value if type(value) is str else cell_text(value)
            widest = widths.get(col, 0)
            if widest >= WIDE_ENOUGH or 2 * len(text) <= widest:
                continue  # (the column is as wide as it is made, or the text no wider)
            width = _width(text)
            if width > widest:
                widths[col] = width
    return row + 2


def _chart_table(chart: Chart, lang: Lang) -> Table:
    return Table(
        Text(f"图：{chart.title.zh}", f"Chart: {chart.title.en}"),
        (Text("项目", "label"), Text("数值", "value")),
        tuple(zip(chart.labels, chart.values, strict=True)),
    )


def _assessment_sheet(sheet: Sheet, annual: AnnualReport, tz: tzinfo | None) -> None:
    lang, styles = annual.lang, sheet.styles
    generated = shown_time(annual.generated_at, tz)
    sheet.put(1, 1, annual.title(lang), styles.title)
    as_of = Text(
        f"截至 {annual.as_of}；生成于 {generated}", f"as of {annual.as_of}; generated {generated}"
    )
    sheet.put(2, 1, as_of(lang), styles.plain)
    table = assessment_table(annual.assessment, annual.year)
    write_table(sheet, 4, table, lang)  # title on row 4, heading on row 5
    status_column = 1 + [c.en for c in table.columns].index("status")
    for offset, (assessed, values) in enumerate(zip(annual.assessment, table.rows, strict=True)):
        if assessed.status in STATUS_FILLS:  # the status cell again, on its colour
            stored, number_format = _xlsx_value(values[status_column - 1])
            style = styles.filled(assessed.status, stored, number_format)
            sheet.put(6 + offset, status_column, stored, style)
    sheet.ws.freeze_panes(5, 2)  # below the heading, right of the item's number and category
    if annual.assessment:
        sheet.ws.autofilter(4, 0, 4 + len(annual.assessment), len(table.columns) - 1)
    sheet.lay_out(lang, (5, 5))


def render_xlsx(annual: AnnualReport, *, tz: tzinfo | None = None) -> bytes:
    """The workbook as the bytes of an .xlsx file; its generation time printed in ``tz``
    (default Asia/Shanghai: :func:`~cadrecore.reports.labels.default_timezone`)."""
    lang = annual.lang
    t = Text
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(
        raw,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    styles = Styles(book)
    taken: set[str] = set()

    def new_sheet(title: str) -> Sheet:
        return Sheet(book.add_worksheet(sheet_title(title, taken)), styles)

    _assessment_sheet(new_sheet(t("考核表", "Assessment")(lang)), annual, tz)

    sheet = new_sheet(t("履职情况", "Obligations")(lang))
    write_table(sheet, 1, annual.obligations, lang)
    sheet.lay_out(lang, (2, 2))

    sheet = new_sheet(t("综述", "Summary")(lang))
    sheet.put(1, 1, annual.title(lang), styles.title)
    for n, paragraph in enumerate(annual.narrative, start=3):
        sheet.put(n, 1, paragraph(lang), styles.wrap, wraps=True)
    sheet.fixed[1] = 120
    sheet.lay_out(lang, (1, 1))

    for number, section in enumerate(annual.sections, start=1):
        sheet = new_sheet(f"{number} {section.title(lang)}")
        sheet.put(1, 1, f"{number}. {section.title(lang)}", styles.title)
        row = 2
        note = plugin_note(section.plugin)
        if note:
            sheet.put(row, 1, note(lang), styles.plain)
            row += 1
        for paragraph in section.paragraphs:
            sheet.put(row, 1, paragraph(lang), styles.plain)
            row += 1
        row += 1
        for table in (*section.tables, *(_chart_table(c, lang) for c in section.charts)):
            row = write_table(sheet, row, table, lang)
        sheet.lay_out(lang, (1, 1))

    if annual.failures:
        sheet = new_sheet(t("未能生成的章节", "Failed sections")(lang))
        write_table(
            sheet,
            1,
            Table(
                t("未能生成的插件章节", "Plugin sections that failed"),
                (t("插件", "plugin"), t("钩子", "hook"), t("错误", "error")),
                tuple((f.plugin, f.hook, f.error) for f in annual.failures),
            ),
            lang,
        )
        sheet.lay_out(lang, (2, 2))
    stamp = _naive_utc(annual.generated_at)
    book.set_properties({"author": "cadrecore", "created": stamp})
    book.close()
    return _dated(raw.getvalue(), stamp)


def tables_workbook(
    tables: Sequence[Table], lang: Lang, *, title: str = "", generated_at: datetime | None = None
) -> bytes:
    """A workbook of one sheet holding ``tables`` one below the other, written as the annual
    report writes its tables (dates as date cells, rates as numbers shown ``0.0%``, text never a
    formula, printed A4 landscape one page wide): the bytes of an .xlsx file. ``title`` names
    the sheet; ``generated_at`` dates the file (default: the start of 1980, so that the same
    tables give the same bytes)."""
    raw = io.BytesIO()
    book = xlsxwriter.Workbook(
        raw,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = Sheet(book.add_worksheet(sheet_title(title or "Sheet", set())), Styles(book))
    row = 1
    for table in tables:
        row = write_table(sheet, row, table, lang)
    sheet.lay_out(lang, None)
    stamp = _naive_utc(generated_at) if generated_at is not None else _ZIP_EPOCH
    book.set_properties({"author": "cadrecore", "created": stamp})
    book.close()
    return _dated(raw.getvalue(), stamp)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _dated(data: bytes, stamp: datetime) -> bytes:
    """The archive ``data`` with every entry dated ``stamp`` and, unpacked, readable and
    writable by its owner only: the same bytes for the same report, whenever it is written.

    What is changed sits in the entries' headers, outside what is compressed and checked: each
    entry's local header and its central directory record are rewritten in place (the format's
    APPNOTE, sections 4.3.7 and 4.3.12), not compressed a second time."""
    when = max(stamp, _ZIP_EPOCH)
    dos_time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    dos_date = ((when.year - 1980) << 9) | (when.month << 5) | when.day
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        record = archive.start_dir
        for info in archive.infolist():
            struct.pack_into("<HH", out, info.header_offset + 10, dos_time, dos_date)
            if out[record : record + 4] != _CENTRAL_RECORD:
                raise ValueError("the workbook's zip directory is not where it says")
            out[record + 5] = _UNIX  # (the permissions below are Unix ones)
            struct.pack_into("<HH", out, record + 12, dos_time, dos_date)
            struct.pack_into("<I", out, record + 38, _OWNER_ONLY)
            names, extra, comment = struct.unpack_from("<HHH", out, record + 28)
            record += _CENTRAL_SIZE + names + extra + comment
    return bytes(out)
