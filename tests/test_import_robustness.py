"""Whatever a spreadsheet holds, an import ends cleanly or says where it is wrong, and a failed
import into a store writes nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cadrecore import Ledger
from cadrecore.io.importing import import_files, import_into_store
from cadrecore.sample import small_ledger
from cadrecore.store import Store, open_store

HEADERS = [
    "编号",
    "姓名",
    "出生日期",
    "出生年月",
    "参加工作时间",
    "离退休类型",
    "离退休时间",
    "所在县区编号",
    "所在县区",
    "身份证号",
    "党员身份",
    "入党时间",
    "活动类型",
    "日期",
    "支部编号",
    "单位编号",
    "序号",
    "老干部编号",
    "标题",
    "管辖",
    "id",
    "name",
    "服务类型",
]
VALUES = [
    "c001",
    "c900",
    "n1",
    "张三",
    "1950.03",
    "1950年3月",
    "1950-3-1",
    "1950.1",
    "19500301",
    "退休",
    "离休",
    "east",
    "东县",
    "北县",
    "正式党员",
    "110101195003011232",
    "110101195003011231",
    "general_meeting",
    "党员大会",
    "b.east",
    "=1+1",
    "'",
    "是",
    "  ",
    "１２",
    "2010-06-01",
]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
CELLS = st.one_of(
    st.none(),
    st.sampled_from(HEADERS),
    st.sampled_from(VALUES),
    TEXT,
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.booleans(),
)
#: Roster columns: values that make a good row (in the forms people write them), and bad ones.
ROSTER = {
    "编号": (["n1", "n2", "n3", "c001", "ｎ４", " n5 "], ["c 9!"]),
    "姓名": (["张三", "李　四", " 王五 "], [""]),
    "出生日期": (["1950-03-01", "1950.03", "1950年3月", 18323, 1950.03], [1950.1, "1950-02-30"]),
    "参加工作时间": (["1970-09-01", "1970.9", datetime(1970, 9, 1)], ["1940-13-01"]),
    "离退休类型": (["退休", "tuixiu"], ["离休", "其他"]),
    "离退休时间": (["2010-06-01", "2010.06", 40330], ["1960-01-01"]),
    "所在县区编号": (["east", "west", "东县"], ["北县", "nowhere"]),
    "身份证号": (["110101195003011232", None], ["110101195003011231", 110101195003011232]),
    "党员身份": (["正式党员", "预备党员"], []),
    "入党时间": (["1976-07-01"], ["1940-01-01"]),
}


def _cell(column: str) -> st.SearchStrategy[Any]:
    good, bad = ROSTER[column]
    return st.one_of(st.sampled_from(good), st.sampled_from(bad or good), CELLS)


@st.composite
def rosters(draw: st.DrawFn) -> list[list[Any]]:
    """Title rows, a header of roster columns, rows of plausible values mixed with anything."""
    titles = draw(st.lists(st.lists(CELLS, max_size=3), max_size=2))
    columns = draw(st.permutations(list(ROSTER)))
    columns = columns[: draw(st.integers(len(columns) - 3, len(columns)))]
    good = st.tuples(*(st.sampled_from(ROSTER[c][0]) for c in columns)).map(list)
    mixed = st.tuples(*(_cell(c) for c in columns)).map(list)
    rows = draw(st.lists(good | mixed, max_size=6))
    return [*titles, list(columns), *rows]


GRIDS = st.lists(st.lists(CELLS, max_size=9), max_size=8) | rosters()
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def write_xlsx(path: Path, grid: list[list[Any]], merge: tuple[int, int] | None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "花名册"
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, date):
                value = datetime(value.year, value.month, value.day)
            if isinstance(value, str) and value.startswith("="):
                value = "'" + value  # the test writes data, not formulas
            sheet.cell(r, c, value)
    if merge and grid:
        sheet.merge_cells(start_row=1, start_column=1, end_row=merge[0], end_column=merge[1])
    workbook.save(path)


def write_csv(path: Path, grid: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in row] for row in grid])


def check(outcome: Any, path: Path) -> None:
    if outcome.ok:
        assert outcome.ledger is not None
        assert not outcome.problems or outcome.keep_good
        return
    assert outcome.ledger is None
    assert outcome.problems, "a failed import says why"
    for problem in outcome.problems:
        assert problem.location.file in (str(path), "ledger sample", None)
        assert problem.message.zh and problem.message.en
    for rejected in outcome.rejected:
        assert all(p.location.row is not None for p in rejected.problems)


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(2022)


@SETTINGS
@given(
    grid=GRIDS,
    merge=st.none() | st.tuples(st.integers(1, 3), st.integers(1, 4)),
    keep_good=st.booleans(),
)
def test_any_workbook_imports_cleanly_or_says_where_it_is_wrong(
    tmp_path: Path, base: Ledger, grid: list[list[Any]], merge: Any, keep_good: bool
) -> None:
    path = tmp_path / "roster.xlsx"
    write_xlsx(path, grid, merge)
    check(import_files([path], base=base, keep_good=keep_good), path)


@SETTINGS
@given(grid=GRIDS, keep_good=st.booleans())
def test_any_csv_imports_cleanly_or_says_where_it_is_wrong(
    tmp_path: Path, base: Ledger, grid: list[list[Any]], keep_good: bool
) -> None:
    path = tmp_path / "roster.csv"
    write_csv(path, grid)
    check(import_files([path], base=base, keep_good=keep_good), path)


@given(data=st.binary(max_size=200), suffix=st.sampled_from([".xlsx", ".csv", ".tsv"]))
@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
def test_any_bytes_import_cleanly_or_say_why(
    tmp_path: Path, base: Ledger, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(data)
    check(import_files([path], base=base), path)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, base: Ledger) -> Iterator[Store]:
    opened = open_store(tmp_path_factory.mktemp("store") / "store.sqlite")
    opened.save(base)
    yield opened
    opened.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grid=GRIDS, keep_good=st.booleans(), dry_run=st.booleans())
def test_a_failed_import_never_writes_part_of_itself(
    tmp_path: Path, store: Store, grid: list[list[Any]], keep_good: bool, dry_run: bool
) -> None:
    path = tmp_path / "roster.xlsx"
    write_xlsx(
        path,
        [
            [
                "编号",
                "姓名",
                "出生日期",
                "参加工作时间",
                "离退休类型",
                "离退休时间",
                "所在县区编号",
            ],
            *grid,
        ],
        None,
    )
    before = store.load()
    entries = len(store.audit_entries())
    outcome = import_into_store(store, [path], keep_good=keep_good, dry_run=dry_run)
    after = store.load()
    if not outcome.ok or dry_run:
        assert after == before and len(store.audit_entries()) == entries
    else:
        assert after == outcome.ledger
        assert store.verify_audit().ok
