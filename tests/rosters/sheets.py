"""Laying rosters out as bureaus do, and writing them with openpyxl, xlwt and csv directly.

A roster is first laid out on :class:`Sheet` grids (cells and merged ranges, nothing written),
which also gives every row its number for the key; :func:`write_book` then writes the grids as
``.xlsx``, ``.xls`` or CSV. cadrecore's own writers are never used: the corpus is what the
importer meets in the field, not what it would write itself.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .key import RowKey
from .people import Person

# ---------------------------------------------------------------------------------------------
# How dates are written
# ---------------------------------------------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789.-/", "０１２３４５６７８９．－／")


@dataclass(frozen=True)
class XDate:
    """A real Excel date cell holding ``day``, shown with the number format ``fmt``."""

    day: date
    fmt: str = "yyyy.mm"


def dot2(d: date) -> str:
    return f"{d.year}.{d.month:02d}"  # 1950.03


def dot1(d: date) -> str:
    return f"{d.year}.{d.month}"  # 1950.3, as text


def ym_cn(d: date) -> str:
    return f"{d.year}年{d.month}月"


def ymd_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def dash(d: date) -> str:
    return f"{d.year}-{d.month}-{d.day}"  # 1950-3-1


def slash(d: date) -> str:
    return f"{d.year}/{d.month:02d}/{d.day:02d}"  # 1950/03/01


def ym6(d: date) -> str:
    return f"{d.year}{d.month:02d}"  # 195003


def ymd8(d: date) -> str:
    return f"{d:%Y%m%d}"  # 19500301


def full_width(d: date) -> str:
    return dot2(d).translate(_FULL_WIDTH)  # １９５０．０３


def maybe(write: Callable[[date], Any]) -> Callable[[date | None], Any]:
    """``write`` for a date that may be missing (an empty cell)."""
    return lambda d: None if d is None else write(d)


# ---------------------------------------------------------------------------------------------
# Grids
# ---------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet's cells (row, column: 1-based) and merged ranges (r1, c1, r2, c2)."""

    name: str | None
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    last_row: int = 0

    def next_row(self) -> int:
        self.last_row += 1
        return self.last_row

    def put(self, row: int, column: int, value: Any) -> None:
        if value is not None and value != "":
            self.cells[row, column] = value

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any) -> None:
        self.put(r1, c1, value)
        self.merges.append((r1, c1, r2, c2))

    @property
    def width(self) -> int:
        return max(c for _, c in self.cells)


@dataclass(frozen=True)
class Col:
    """A column: what it holds (``key``: a :class:`Person` field, ``seq``, or ``x:...`` for a
    column no field maps to), its heading as written, the parent heading merged over it, and
    how a person's value is written (default: :data:`WRITERS`)."""

    key: str
    heading: str
    parent: str | None = None
    write: Callable[[Person], Any] | None = None


WRITERS: dict[str, Callable[[Person], Any]] = {
    "name": lambda p: p.written_name,
    "gender": lambda p: p.gender,
    "ethnicity": lambda p: p.ethnicity,
    "birth": lambda p: dot2(p.birth),
    "birth_y": lambda p: p.birth.year,
    "birth_m": lambda p: p.birth.month,
    "work": lambda p: dot2(p.joined_work),
    "revolution": lambda p: maybe(dot2)(p.joined_revolution),
    "kind": lambda p: "离休" if p.kind == "lixiu" else "退休",
    "retire": lambda p: dot2(p.retirement),
    "unit": lambda p: p.former_unit,
    "rank": lambda p: p.former_rank,
    "party": lambda p: p.party,
    "party_joined": lambda p: maybe(dot2)(p.party_joined),
    "id": lambda p: p.national_id,
    "phone": lambda p: p.phone,
    "address": lambda p: p.address,
    "health": lambda p: p.health,
    "notes": lambda p: p.notes,
    "treatment": lambda p: p.treatment,
    "county": lambda p: p.county_name,
}


def expected_fields(p: Person, keys: set[str]) -> dict[str, Any]:
    """The fields an imported record of ``p`` must have, from a file with columns ``keys``."""
    fields: dict[str, Any] = {
        "name": p.name,
        "gender": p.gender,
        "birth_date": p.birth,
        "county_id": p.county_id,
        "retirement_kind": p.kind,
        "retirement_date": p.retirement,
        "party_status": p.party_status,
    }
    if "id" in keys:
        fields["national_id"] = p.national_id.upper()
    simple = {
        "ethnicity": ("ethnicity", p.ethnicity),
        "work": ("joined_work", p.joined_work),
        "revolution": ("joined_revolution", p.joined_revolution),
        "unit": ("former_unit", p.former_unit),
        "rank": ("former_rank", p.former_rank),
        "party_joined": ("party_joined", p.party_joined),
        "phone": ("phone", p.phone),
        "address": ("address", p.address),
        "health": ("health", p.health),
        "notes": ("note", p.notes),
        "treatment": ("treatment_level", p.treatment),
    }
    for key, (name, value) in simple.items():
        if key in keys:
            fields[name] = value
    if "party" in keys:
        fields["other_party"] = p.other_party
    return fields


class Layout:
    """Lays a roster out on a sheet, row by row, and keys each row.

    ``keys`` collects the :class:`RowKey` of every row that the key must hold; ``features``
    the layout traits used.
    """

    def __init__(self, sheet: Sheet, columns: Sequence[Col], keys: list[RowKey]) -> None:
        self.sheet = sheet
        self.columns = list(columns)
        self.keys = keys
        self.features: set[str] = set()
        self.heading_rows: list[int] = []
        self.numbers_row: int | None = None
        self.seq = 0
        self.people = 0
        self._keys = {c.key for c in self.columns}

    @property
    def width(self) -> int:
        return len(self.columns)

    def col(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns, 1) if c.key == key)

    # above the headings ----------------------------------------------------------------------

    def title(self, text: str) -> None:
        row = self.sheet.next_row()
        self.sheet.merge(row, 1, row, self.width, text)
        self.features.add("title")

    def filer(self, left: str, right: str, span: int = 4) -> None:
        """填报单位：… at the left and 填报日期：… at the right of one row."""
        row = self.sheet.next_row()
        self.sheet.merge(row, 1, row, span, left)
        self.sheet.merge(row, self.width - span + 1, row, self.width, right)
        self.features.add("filer")

    # headings ----------------------------------------------------------------------------------

    def headings(self, numbers: bool = False) -> None:
        """The heading rows (two when a column has a parent), then perhaps the column numbers."""
        first = self._write_headings()
        self.heading_rows = list(range(first, self.sheet.last_row + 1))
        if numbers:
            self.numbers_row = self._write_numbers()
            self.keys.append(
                RowKey(self.sheet.name, self.numbers_row, "skipped", "row.column_numbers")
            )
            self.features.add("column_numbers")

    def repeat_headings(self) -> None:
        """The headings again, as a printed layout repeats them on every page."""
        first = self._write_headings()
        for row in range(first, self.sheet.last_row + 1):
            self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.repeated_header"))
        if self.numbers_row is not None:
            row = self._write_numbers()
            self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.column_numbers"))
        self.features.add("repeated_header")

    def _write_headings(self) -> int:
        two_level = any(c.parent for c in self.columns)
        top = self.sheet.next_row()
        if not two_level:
            for i, c in enumerate(self.columns, 1):
                self.sheet.put(top, i, c.heading)
            return top
        bottom = self.sheet.next_row()
        i = 1
        while i <= self.width:
            c = self.columns[i - 1]
            if c.parent is None:
                self.sheet.merge(top, i, bottom, i, c.heading)
                i += 1
                continue
            j = i
            while j < self.width and self.columns[j].parent == c.parent:
                j += 1
            self.sheet.merge(top, i, top, j, c.parent)
            for k in range(i, j + 1):
                self.sheet.put(bottom, k, self.columns[k - 1].heading)
            i = j + 1
        self.features.add("two_level")
        return top

    def _write_numbers(self) -> int:
        row = self.sheet.next_row()
        for i in range(1, self.width + 1):
            self.sheet.put(row, i, i)
        return row

    # data --------------------------------------------------------------------------------------

    def _write_person(self, p: Person, over: dict[str, Any]) -> int:
        row = self.sheet.next_row()
        self.seq += 1
        self.people += 1
        for i, c in enumerate(self.columns, 1):
            if c.key in over:
                value = over[c.key]
            elif c.key == "seq":
                value = self.seq
            else:
                value = (c.write or WRITERS[c.key])(p)
            self.sheet.put(row, i, value)
        return row

    def person(self, p: Person, **over: Any) -> int:
        """A good row: ``over`` rewrites cells (by column key) without changing their meaning."""
        row = self._write_person(p, over)
        self.keys.append(
            RowKey(
                self.sheet.name,
                row,
                "imported",
                fields=expected_fields(p, self._keys),
                written_name=over.get("name", (self._name_col().write or WRITERS["name"])(p)),
            )
        )
        return row

    def reject(
        self,
        p: Person,
        code: str,
        *,
        message_has: tuple[str, ...] = (),
        same_id_as: int | None = None,
        **over: Any,
    ) -> int:
        """A row kept out for ``code``: ``over`` writes what is wrong with it."""
        row = self._write_person(p, over)
        self.keys.append(
            RowKey(
                self.sheet.name,
                row,
                "rejected",
                code,
                written_name=over.get("name", (self._name_col().write or WRITERS["name"])(p)),
                message_has=message_has,
                message_lacks=(p.national_id, str(over.get("id", p.national_id))),
                same_id_as=same_id_as,
            )
        )
        return row

    def unread(self, p: Person) -> int:
        row = self._write_person(p, {})
        self.keys.append(RowKey(self.sheet.name, row, "unread", written_name=p.written_name))
        return row

    def _name_col(self) -> Col:
        return self.columns[self.col("name") - 1]

    # between and below the data ----------------------------------------------------------------

    def blank(self) -> None:
        row = self.sheet.next_row()
        self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.blank"))
        self.features.add("blank_rows")

    def gap(self) -> None:
        """An empty row below the data (not keyed: no data follows it)."""
        self.sheet.next_row()

    def total(self, cells: dict[str, Any], merge_to: str | None = None) -> None:
        """A 合计 / 总计 / 小计 row: ``cells`` by column key; ``merge_to``: the first cell merged
        over to that column."""
        row = self.sheet.next_row()
        for key, value in cells.items():
            self.sheet.put(row, self.col(key), value)
        if merge_to is not None:
            first = min(self.col(k) for k in cells)
            self.sheet.merges.append((row, first, row, self.col(merge_to)))
        self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.total"))
        self.features.add("total")

    def signature(self, *parts: tuple[int, str]) -> None:
        """填表人：… 审核人：… at these columns of one row."""
        row = self.sheet.next_row()
        for column, text in parts:
            self.sheet.put(row, column, text)
        self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.signature"))
        self.features.add("signature")

    def note_line(self, text: str) -> None:
        """备注：… or 说明：… merged across the sheet."""
        row = self.sheet.next_row()
        self.sheet.merge(row, 1, row, self.width, text)
        self.keys.append(RowKey(self.sheet.name, row, "skipped", "row.signature"))
        self.features.add("signature")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_book(sheets: Sequence[Sheet], path: Path, encoding: str | None = None) -> Path:
    """Write ``sheets`` to ``path`` as its suffix says (a CSV in ``encoding``)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(sheets, path)
    elif suffix == ".xls":
        _write_xls(sheets, path)
    elif suffix == ".csv":
        (sheet,) = sheets
        assert encoding is not None
        _write_csv(sheet, path, encoding)
    else:
        raise ValueError(path)
    return path


def _write_xlsx(sheets: Sequence[Sheet], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        for (row, column), value in sorted(sheet.cells.items()):
            cell = ws.cell(row, column)
            if isinstance(value, XDate):
                cell.value = datetime(value.day.year, value.day.month, value.day.day)
                cell.number_format = value.fmt
            else:
                cell.value = value
            if isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    book.save(path)


def _write_xls(sheets: Sequence[Sheet], path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}

    def style_of(value: Any) -> Any:
        fmt = value.fmt if isinstance(value, XDate) else "General"
        if fmt not in styles:
            styles[fmt] = xlwt.easyxf(num_format_str=fmt)
        return styles[fmt]

    def plain(value: Any) -> Any:
        if isinstance(value, XDate):
            return datetime(value.day.year, value.day.month, value.day.day)
        return value

    for sheet in sheets:
        ws = book.add_sheet(sheet.name)
        merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in sheet.merges}
        for r1, c1, r2, c2 in sheet.merges:
            value = sheet.cells.get((r1, c1), "")
            ws.write_merge(r1 - 1, r2 - 1, c1 - 1, c2 - 1, plain(value), style_of(value))
        for (row, column), value in sorted(sheet.cells.items()):
            if (row, column) not in merged:
                ws.write(row - 1, column - 1, plain(value), style_of(value))
    book.save(str(path))


def _write_csv(sheet: Sheet, path: Path, encoding: str) -> None:
    assert not sheet.merges, "a CSV has no merged cells"
    width = sheet.width
    rows = []
    for row in range(1, sheet.last_row + 1):
        cells = []
        for column in range(1, width + 1):
            value = sheet.cells.get((row, column), "")
            assert not isinstance(value, XDate), "a CSV holds no date cells"
            cells.append(str(value))
        rows.append(cells)
    for cells in rows:
        assert not any("\n" in c for c in cells), "line numbers are row numbers"
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
