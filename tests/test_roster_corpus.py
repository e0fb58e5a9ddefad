"""The roster corpus (``tests/rosters``): files as county bureaus write them, imported into the
Xinzhou example, must give exactly what each roster's key says, row by row.

Two kinds of test here:

- ``test_import_gives_the_key``: the importer against the key (imported rows and their fields,
  rejected rows and their reason codes, skipped rows and their notes, column notes, whole-file
  problems, and no full ID number in any message), checked by ``rosters/check.py``, which
  ``test_docs_import.py`` holds the copies shipped in ``examples/rosters/`` to as well;
- the corpus's own sanity tests: the files read back with openpyxl, xlrd and csv directly (never
  cadrecore), to show that each key points at the rows it means and that the cadres hold
  together, so a failure of the first kind is the importer's and not the corpus's.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from cadrecore.io.importing import import_files
from cadrecore.models.cadres import national_id_check_char

from .rosters.check import key_failures
from .rosters.corpus import ROSTERS, Roster, RowKey
from .rosters.people import COUNTIES, LIXIU_CUTOFF
from .xinzhou_fixtures import XINZHOU, xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

CASES = [pytest.param(make, id=make.__name__) for make in ROSTERS]
ROW_CODES = {
    "value.not_understood",
    "sex.id_mismatch",
    "birth.id_mismatch",
    "id.check_char",
    "id.as_number",
    "lixiu.revolution_date",
    "dates.order",
    "date.unreadable",
    "required.missing",
    "county.undecided",
    "duplicate.national_id",
}
SKIP_CODES = {
    "row.total",
    "row.signature",
    "row.blank",
    "row.repeated_header",
    "row.column_numbers",
}
ID_HEADINGS = {"公民身份号码", "身份证号", "身份证号码"}


# =============================================================================================
# The importer against the key
# =============================================================================================


@pytest.mark.parametrize("make", CASES)
def test_import_gives_the_key(make: Callable[[], Roster], xinzhou: Any, tmp_path: Path) -> None:
    roster = make()
    path = roster.build(tmp_path)
    outcome = import_files([path], base=xinzhou, keep_good=True, unit=roster.unit)
    failures = key_failures(roster, outcome)
    assert not failures, f"{roster.name}:\n" + "\n".join(failures)


# =============================================================================================
# Sanity: the corpus as a whole
# =============================================================================================


def _all() -> list[Roster]:
    return [make() for make in ROSTERS]


def test_the_corpus_covers_every_format_and_code() -> None:
    rosters = _all()
    assert len(rosters) >= 12
    assert len({r.name for r in rosters}) == len(rosters)
    assert len({r.path_suffix for r in rosters}) == len(rosters)
    formats = Counter((Path(r.path_suffix).suffix, r.encoding) for r in rosters if r.path_suffix)
    assert formats[(".xlsx", None)] >= 3
    assert formats[(".xls", None)] >= 2
    assert formats[(".csv", "gbk")] >= 2
    assert formats[(".csv", "utf-8-sig")] >= 2
    keys = [k for r in rosters for k in r.rows]
    assert {k.code for k in keys if k.outcome == "rejected"} == ROW_CODES
    assert {k.code for k in keys if k.outcome == "skipped"} == SKIP_CODES
    assert {c for r in rosters for c, _ in r.column_notes} == {"column.unknown"}
    assert {c for r in rosters for c in r.file_problems} == {"column.missing"}
    # one roster holds a row of every rejection code, and every kind of skipped row
    assert any(
        {k.code for k in r.rows if k.outcome == "rejected"} == ROW_CODES
        and {k.code for k in r.rows if k.outcome == "skipped"} == SKIP_CODES
        for r in rosters
    )
    # imports without a unit: decided by 填报单位, by a county column, by the former unit
    assert sum(1 for r in rosters if r.unit is None) >= 3
    # most rows of most rosters are good
    good = sum(
        1
        for r in rosters
        if sum(k.outcome == "imported" for k in r.rows)
        > 0.8 * sum(k.outcome != "skipped" for k in r.rows)
    )
    assert good >= len(rosters) - 3


def test_rosters_are_deterministic(tmp_path: Path) -> None:
    """The same call gives the same key, and the same bytes for a CSV (a workbook holds the
    time it was saved)."""
    for make in ROSTERS:
        first, second = make(), make()
        assert first.rows == second.rows
        if Path(first.path_suffix).suffix != ".csv":
            continue
        built = []
        for roster, folder in ((first, "a"), (second, "b")):
            (tmp_path / roster.name / folder).mkdir(parents=True)
            built.append(roster.build(tmp_path / roster.name / folder).read_bytes())
        assert built[0] == built[1]


def test_names_and_id_numbers_are_unique_and_none_is_the_examples() -> None:
    names: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    for roster in _all():
        for key in roster.rows:
            if key.outcome in ("imported", "unread") and key.written_name is not None:
                names[_squeeze(key.written_name)] += 1
            if key.outcome == "imported":
                numbers[key.fields["national_id"]] += 1
    assert [n for n, c in names.items() if c > 1] == []
    assert [n for n, c in numbers.items() if c > 1] == []
    with (XINZHOU / "cadres.csv").open(encoding="utf-8") as handle:
        examples = {row["name"] for row in csv.DictReader(handle)}
    assert names.keys() & examples == set()


@pytest.mark.parametrize("make", CASES)
def test_imported_rows_are_consistent_cadres(make: Callable[[], Roster]) -> None:
    roster = make()
    data = [k for k in roster.rows if k.outcome != "skipped"]
    assert 15 <= len(data) <= 40, len(data)
    codes = {c: county for county, (_, c) in COUNTIES.items()}
    for key in roster.rows:
        if key.outcome != "imported":
            continue
        f = key.fields
        for name in ("name", "national_id", "birth_date", "gender", "county_id"):
            assert name in f, (key.row, name)
        for name in ("retirement_kind", "party_status", "retirement_date"):
            assert name in f, (key.row, name)
        number = f["national_id"]
        assert len(number) == 18 and number == number.upper()
        assert number[17] == national_id_check_char(number[:17])
        assert codes[number[:6]] == f["county_id"]
        born = f["birth_date"]
        assert number[6:14] == f"{born:%Y%m%d}"
        assert (int(number[16]) % 2 == 1) == (f["gender"] == "男")
        assert f["county_id"] in COUNTIES
        assert f["retirement_kind"] in ("lixiu", "tuixiu")
        assert f["party_status"] in (None, "full", "probationary")
        assert born < f["retirement_date"] <= date(2023, 6, 30)
        work = f.get("joined_work")
        if work is not None:
            assert work >= born.replace(year=born.year + 14), key.row
            assert f["retirement_date"] > work
            if f["retirement_kind"] == "lixiu":
                assert work <= LIXIU_CUTOFF
        revolution = f.get("joined_revolution")
        if revolution is not None:
            assert f["retirement_kind"] == "lixiu"
            assert born.replace(year=born.year + 14) <= revolution <= LIXIU_CUTOFF
        if f.get("party_joined") is not None:
            assert f["party_status"] is not None and f["party_joined"] > born
        if f["party_status"] is not None and "other_party" in f:
            assert f["other_party"] == ""
        assert f["name"] == _squeeze(f["name"])


# =============================================================================================
# Sanity: each file read back, and its key pointing at the right rows
# =============================================================================================

Grid = list[list[Any]]  # rows (index 0 is row 1) of cells, None for an empty one
Merges = list[tuple[int, int, int, int]]  # r1, c1, r2, c2: 1-based, inclusive


def _squeeze(text: Any) -> str:
    """Text with every kind of space removed (how headings and names are compared)."""
    return re.sub(r"\s+", "", str(text or ""))


def _read(path: Path, encoding: str | None) -> dict[str | None, tuple[Grid, Merges]]:
    """Each sheet's cells and merged ranges, read with openpyxl, xlrd or csv."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        sheets: dict[str | None, tuple[Grid, Merges]] = {}
        for ws in book.worksheets:
            grid = [
                list(r)
                for r in ws.iter_rows(
                    min_row=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True
                )
            ]
            merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            sheets[ws.title] = (grid, merges)
        return sheets
    if suffix == ".xls":
        import xlrd

        book = xlrd.open_workbook(str(path), formatting_info=True)
        sheets = {}
        for sh in book.sheets():
            grid = []
            for r in range(sh.nrows):
                row = []
                for c in range(sh.ncols):
                    cell = sh.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or cell.value == "":
                        row.append(None)
                    elif cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                    else:
                        row.append(cell.value)
                grid.append(row)
            merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sh.merged_cells]
            sheets[sh.name] = (grid, merges)
        return sheets
    assert encoding is not None
    text = path.read_bytes().decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return {None: ([[c if c != "" else None for c in r] for r in rows], [])}


def _heading(grid: Grid) -> tuple[int, int, int | None]:
    """The first heading row (1-based), the 姓名 column and the ID number's (0-based)."""
    for r, row in enumerate(grid, 1):
        texts = [_squeeze(v) for v in row]
        if "姓名" in texts:
            ids = [c for c, t in enumerate(texts) if t in ID_HEADINGS]
            return r, texts.index("姓名"), (ids[0] if ids else None)
    raise AssertionError("no heading 姓名")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _check_skipped(key: RowKey, grid: Grid, heading_rows: list[int]) -> None:
    cells = grid[key.row - 1]
    filled = [v for v in cells if v is not None]
    where = f"{key.sheet} row {key.row}"
    if key.code == "row.blank":
        assert filled == [], where
    elif key.code == "row.total":
        assert any(re.match(r"(合计|总计|小计)", _squeeze(v)) for v in filled), where
    elif key.code == "row.signature":
        assert re.match(r"(填表人|审核人|制表|备注|说明)", _squeeze(filled[0])), where
    elif key.code == "row.repeated_header":
        assert key.row not in heading_rows
        assert any(cells == grid[h - 1] for h in heading_rows), where
    elif key.code == "row.column_numbers":
        assert [int(v) for v in filled] == list(range(1, len(filled) + 1)), where
        assert len(filled) == len(cells), where
    else:
        raise AssertionError(f"{where}: unknown code {key.code}")


@pytest.mark.parametrize("make", CASES)
def test_the_key_points_at_the_right_rows(make: Callable[[], Roster], tmp_path: Path) -> None:
    roster = make()
    path = roster.build(tmp_path)
    assert path == tmp_path / roster.path_suffix and path.is_file()
    raw = path.read_bytes()
    if path.suffix == ".xlsx":
        assert raw[:4] == b"PK\x03\x04"
    elif path.suffix == ".xls":
        assert raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 (BIFF) workbook
    elif roster.encoding == "gbk":
        assert not raw.startswith(codecs.BOM_UTF8)
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    else:
        assert roster.encoding == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8)

    sheets = _read(path, roster.encoding)
    assert {k.sheet for k in roster.rows} <= set(sheets)
    keyed = {(k.sheet, k.row): k for k in roster.rows}
    for sheet, (grid, merges) in sheets.items():
        first, name_col, id_col = _heading(grid)
        two_level = any(r1 == first and r2 == first + 1 for r1, _, r2, _ in merges)
        heading_rows = [first, first + 1] if two_level else [first]
        if path.suffix == ".csv":
            assert first == 1
            assert raw.count(b"\r\n") == len(grid)  # one line per row: line numbers are rows

        for key in (k for k in roster.rows if k.sheet == sheet):
            assert key.row > heading_rows[-1], key
            cells = grid[key.row - 1]
            if key.outcome == "skipped":
                _check_skipped(key, grid, heading_rows)
                continue
            name = cells[name_col]
            assert _text(name) == key.written_name, (key, name)
            number = cells[id_col] if id_col is not None else None
            if key.outcome == "imported":
                assert _squeeze(name) == key.fields["name"], key
                assert _text(number).strip().upper() == key.fields["national_id"], key
            if key.code == "id.as_number":
                assert isinstance(number, float) and number > 1e17, key
            if key.code == "duplicate.national_id":
                assert key.same_id_as is not None and key.same_id_as < key.row
                assert number == grid[key.same_id_as - 1][id_col], key
                assert keyed[sheet, key.same_id_as].outcome == "imported"
            if key.code == "required.missing" and key.written_name == "":
                assert name is None

        # every row below the headings that is not empty is in the key (for a file with a
        # whole-file problem: every row holding an ID number)
        for r in range(heading_rows[-1] + 1, len(grid) + 1):
            cells = grid[r - 1]
            if roster.file_problems:
                must = id_col is not None and cells[id_col] is not None
            else:
                must = any(v is not None for v in cells)
            if must:
                assert (sheet, r) in keyed, f"{sheet} row {r} is not in the key: {cells}"

        _check_features(roster, sheet, grid, merges, first, two_level)


def _check_features(
    roster: Roster, sheet: str | None, grid: Grid, merges: Merges, first: int, two_level: bool
) -> None:
    width = max(len(r) for r in grid)
    if "title" in roster.features:
        assert (1, 1, 1, width) in merges, sheet
        assert "花名册" in _text(grid[0][0])
    if "filer" in roster.features:
        rows = [
            row for row in grid[: first - 1] if any(_text(v).startswith("填报单位：") for v in row)
        ]
        assert rows, sheet
        cells = [i for i, v in enumerate(rows[0]) if v is not None]
        assert _text(rows[0][cells[0]]).startswith("填报单位：")
        assert _text(rows[0][cells[-1]]).startswith("填报日期：")
        assert cells[-1] - cells[0] >= 5
    if "two_level" in roster.features:
        assert two_level, sheet
        parents = [m for m in merges if m[0] == m[2] == first and m[3] > m[1]]
        assert parents, sheet
        for _, c1, _, c2 in parents:  # a parent over its children
            assert all(grid[first][c - 1] is not None for c in range(c1, c2 + 1))
        heights = [m for m in merges if m[0] == first and m[2] == first + 1]
        assert len(heights) + sum(m[3] - m[1] + 1 for m in parents) == width
    if roster.encoding is not None:
        assert roster.features == frozenset() and merges == []


def test_two_level_headings_named_in_the_brief_are_there(tmp_path: Path) -> None:
    """离退休 over 类别|时间, 出生 over 年|月, 联系方式 over 电话|住址, 党员情况 over
    政治面貌|入党时间: each in at least one file, as a parent merged over its children."""
    found: set[tuple[str, tuple[str, ...]]] = set()
    for roster in _all():
        if Path(roster.path_suffix).suffix == ".csv":
            continue
        folder = tmp_path / roster.name
        folder.mkdir()
        for grid, merges in _read(roster.build(folder), None).values():
            for r1, c1, r2, c2 in merges:
                if r1 == r2 and c2 > c1 and r1 < len(grid) and grid[r1 - 1][c1 - 1]:
                    children = tuple(_squeeze(grid[r1][c - 1]) for c in range(c1, c2 + 1))
                    found.add((_squeeze(grid[r1 - 1][c1 - 1]), children))
    assert {
        ("离退休", ("类别", "时间")),
        ("出生", ("年", "月")),
        ("联系方式", ("电话", "住址")),
        ("党员情况", ("政治面貌", "入党时间")),
    } <= found


def test_dates_come_in_every_form_the_bureaus_use(tmp_path: Path) -> None:
    """Across the corpus the date cells hold every form ROSTERS.md lists."""
    forms = {
        "1950.03": r"^\d{4}\.\d{2}$",
        "1950.3": r"^\d{4}\.[1-9]$",
        "1950年3月": r"^\d{4}年\d{1,2}月$",
        "1950年3月1日": r"^\d{4}年\d{1,2}月\d{1,2}日$",
        "1950-3-1": r"^\d{4}-\d{1,2}-\d{1,2}$",
        "1950/03/01": r"^\d{4}/\d{2}/\d{2}$",
        "195003": r"^\d{6}$",
        "19500301": r"^\d{8}$",
        "１９５０．０３": r"^[０-９]{4}．[０-９]{2}$",
    }
    seen: set[str] = set()
    date_cells = 0
    number_months = 0
    for roster in _all():
        folder = tmp_path / roster.name
        folder.mkdir()
        for grid, _ in _read(roster.build(folder), roster.encoding).values():
            for row in grid:
                for value in row:
                    if isinstance(value, datetime):
                        date_cells += 1
                    elif isinstance(value, int) and 190001 <= value <= 202312:
                        number_months += 1
                    elif isinstance(value, str):
                        seen |= {f for f, p in forms.items() if re.match(p, value)}
    assert seen == set(forms)
    assert date_cells > 0 and number_months > 0


def test_values_come_in_every_form_the_bureaus_use(tmp_path: Path) -> None:
    """Party status, retirement kind and sex as ROSTERS.md lists them, names padded with
    full-width spaces, an ID number ending in a lower-case x."""
    cells: set[str] = set()
    for roster in _all():
        folder = tmp_path / roster.name
        folder.mkdir()
        for grid, _ in _read(roster.build(folder), roster.encoding).values():
            cells |= {v for row in grid for v in row if isinstance(v, str)}
    wanted = {
        *("中共党员", "中共预备党员", "群众", "民革党员", "九三学社社员", "无党派人士"),
        *("是", "否", "离休", "退休", "离休干部", "退休干部", "退 休", "男", "女"),
    }
    assert wanted <= cells
    assert any(re.fullmatch(r"[^\s]\u3000[^\s]", v) for v in cells)  # 朱　珍
    assert any(re.fullmatch(r"[0-9]{17}x", v) for v in cells)
    assert any("\n" in v for v in cells)  # 参加工作\n时间
