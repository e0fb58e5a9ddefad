"""A large sheet is read a batch of rows at a time, a column at a time within a batch (each
distinct cell of a column read once): with the same outcome, to the last problem, note and
record, as reading it row by row and cell by cell. And the shortcuts taken for the common case
(an ID number's check character, a cadre whose fields hold together, a row that is plainly
data) answer as the long way does."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, datetime
from operator import mul
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from pydantic import ValidationError

import cadrecore.io.importing as importing
import cadrecore.io.spreadsheet as spreadsheet
import cadrecore.io.values as values
import cadrecore.models.cadres as cadres
from cadrecore import Ledger
from cadrecore.io.cell_text import protect, unprotect
from cadrecore.io.importing import ImportOutcome, import_files
from cadrecore.io.roster import (
    _SIGNATURE,
    _TOTAL,
    is_column_numbers,
    normalize_word,
    skipped_row,
)
from cadrecore.io.spreadsheet import RowReader, _Remembered
from cadrecore.io.tables import _csv_rows
from cadrecore.models.cadres import (
    Cadre,
    PartyStatus,
    RetirementKind,
    RevolutionPeriod,
    inconsistencies,
    national_id_birth_date,
    national_id_check_char,
)
from cadrecore.plugins import get_registry
from cadrecore.sample import small_ledger

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def base() -> Ledger:
    return small_ledger(2022)


def _id(birth: date, sequence: int) -> str:
    first17 = f"140902{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + national_id_check_char(first17)


# ---------------------------------------------------------------------------------------------
# Whole imports: in batches, and row by row
# ---------------------------------------------------------------------------------------------


def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as before batches: each row on its own, each cell read every time."""

    def read_many(self: RowReader, rows: Any) -> Iterator[Any]:
        for number, cells in rows:
            yield self.read(number, cells)

    monkeypatch.setattr(RowReader, "read_many", read_many)
    monkeypatch.setattr(_Remembered, "__call__", lambda self, value: self.read(value))


def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches, remembering and the column without repeats, at a size a test can reach."""
    monkeypatch.setattr(importing, "READ_BATCH", 4)
    monkeypatch.setattr(spreadsheet, "REMEMBERED", 5)
    monkeypatch.setattr(spreadsheet, "DISTINCT_AFTER", 3)


def facts(outcome: ImportOutcome) -> dict[str, Any]:
    """Everything an import's outcome says, to compare two."""
    return {
        "ok": outcome.ok,
        "summary": outcome.summary(),
        "problems": outcome.problems,
        "notes": outcome.notes,
        "rejected": [
            (r.problems, r.source and (r.source.number, r.source.cells)) for r in outcome.rejected
        ],
        "imported": [
            (
                i.kind,
                i.key,
                i.location,
                i.source and i.source.number,
                i.record,
                list(i.record.__dict__),
                i.record.__pydantic_fields_set__,
            )
            for i in outcome.imported
        ],
        "tables": [
            (t.file, t.sheet, t.kind, t.rows, t.accepted, t.rejected) for t in outcome.tables
        ],
        "ledger": outcome.ledger,
    }


def both_ways(
    monkeypatch: pytest.MonkeyPatch, paths: list[Path], base: Ledger, **kwargs: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    with monkeypatch.context() as patch:
        small_batches(patch)
        batched = facts(import_files(paths, base=base, **kwargs))
    with monkeypatch.context() as patch:
        row_by_row(patch)
        reference = facts(import_files(paths, base=base, **kwargs))
    return batched, reference


HEADER = [
    "序号",
    "编号",
    "姓名",
    "性别",
    "出生年月",
    "身份证号",
    "参加工作时间",
    "离退休类型",
    "离退休时间",
    "所在县区",
    "政治面貌",
    "入党时间",
    "联系电话",
]


def good_row(i: int) -> list[Any]:
    birth = date(1930 + i % 30, 1 + i % 12, 1)
    number = _id(birth, i)
    return [
        i + 1,
        f"n{i:05d}",
        "张三" if i % 3 else "李　四",
        "男" if int(number[16]) % 2 else "女",
        birth.strftime("%Y.%m") if i % 2 else birth.isoformat(),
        number,
        f"{birth.year + 20}-09-01",
        "退休",
        f"{birth.year + 60}.{birth.month:02d}",
        "东县" if i % 2 else "west",
        "中共党员" if i % 4 else "群众",
        f"{birth.year + 25}-07-01" if i % 4 else None,
        f"1390000{i % 7:04d}",
    ]


#: Cells that a column refuses, or that make a row something else, by column.
BAD: dict[int, list[Any]] = {
    1: ["n 1!", "", None],
    2: ["", "王明（已故）"],
    3: ["男人", "", "f"],
    4: ["1950.1", "1950-02-30", "1950", "", "1999.03"],
    5: ["110101195003011231", "1.40902E+17", "14090219500301", "139****5678", ""],
    6: ["1940-13-01", "", "1929-01-01"],
    7: ["离休", "其他", "退 休", ""],
    8: ["1960-01-01", "18323", ""],
    9: ["北县", "nowhere", ""],
    10: ["九三学社社员", "党员?", "是", ""],
    11: ["1901-01-01", "1976年7月", ""],
    12: ["139****5678", "", "0350-1234567"],
}
SPECIAL_ROWS = [
    ["合计", "30人"],
    ["填表人：张三", None, "审核人：李四"],
    [None, "  ", "\u200b"],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    HEADER,
    [],
]


@st.composite
def roster_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Good rows with bad cells, the rows that are no records, repeated ID numbers and ids."""
    count = draw(st.integers(1, 14))
    rows = [good_row(draw(st.integers(0, 40))) for _ in range(count)]
    for row in rows:
        for column, bad in BAD.items():
            if draw(st.integers(0, 9)) == 0:
                row[column] = draw(st.sampled_from(bad))
    for special in draw(st.lists(st.sampled_from(SPECIAL_ROWS), max_size=3)):
        rows.insert(draw(st.integers(0, len(rows))), list(special))
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["样例市离退休干部花名册"])
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["样例市离退休干部花名册"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@SETTINGS
@given(rows=roster_rows(), drop=st.sets(st.sampled_from([1, 3, 9, 10, 12]), max_size=2))
def test_a_roster_reads_in_batches_as_row_by_row(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base: Ledger,
    rows: list[list[Any]],
    drop: set[int],
) -> None:
    # (dropping 编号 gives ids from the IdGiver; dropping 所在县区, the county from the rows)
    keep = [i for i in range(len(HEADER)) if i not in drop]
    header = [HEADER[i] for i in keep]
    cut = [
        [row[i] if i < len(row) else None for i in keep] if len(row) == len(HEADER) else row
        for row in rows
    ]
    path = write_csv(tmp_path / "roster.csv", header, cut)
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference


@SETTINGS
@given(
    cells=st.lists(
        st.one_of(
            st.none(),
            st.sampled_from([1, 1.0, True, 0, 0.0, -0.0, False, 1950.03, 1950.1, 18323]),
            st.sampled_from(["1", "1.0", "是", "1950.03", " 1950.03", "男", "退休", "东县"]),
            st.sampled_from([date(1950, 3, 1), datetime(1950, 3, 1), datetime(1950, 3, 1, 12)]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_cells_equal_in_python_but_not_in_a_sheet_are_read_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger, cells: list[Any]
) -> None:
    # 1, 1.0 and True are equal in Python, and -0.0 and 0.0: each is read as itself
    rows = []
    for i, cell in enumerate(cells):
        row = good_row(i)
        row[4] = row[6] = cell  # 出生年月 and 参加工作时间
        row[3] = row[10] = cell  # 性别 and 政治面貌 (vocabularies)
        rows.append(row)
    path = write_xlsx(tmp_path / "roster.xlsx", HEADER, rows)
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference


def big_roster(count: int) -> list[list[Any]]:
    return [good_row(i) for i in range(count)]


def test_a_bad_row_deep_in_a_large_batch_is_reported_at_its_own_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    rows = big_roster(3000)
    rows[1500][4] = "1950-02-30"  # 出生年月: no such day
    rows[2100][7] = "其他"  # 离退休类型 not understood
    rows[2500] = [2501, "n99999", *rows[10][2:]]  # row 10's cadre again, under another id
    rows[2600][8] = "1921-01-01"  # retired before born: the model's own checks
    path = write_csv(tmp_path / "roster.csv", HEADER, rows)
    outcome = import_files([path], base=base, keep_good=True)
    assert outcome.ok
    # the file's rows: a title, the heading, then the data from row 3
    found = sorted((p.location.row, p.location.column, p.code) for p in outcome.problems)
    assert found == [
        (1503, "E", "date.unreadable"),
        (2103, "H", "value.not_understood"),
        (2503, "F", "duplicate.national_id"),
        (2603, "I", "dates.order"),
        (2603, "I", "dates.order"),
    ]
    assert outcome.summary()["rejected"] == 4
    assert outcome.summary()["inserted"] == 2996
    duplicate = next(p for p in outcome.problems if p.code == "duplicate.national_id")
    assert "第 13 行" in duplicate.message.zh and "row 13" in duplicate.message.en
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference == facts(outcome)


def test_a_fault_inside_a_batch_ends_the_sheet_at_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    rows = big_roster(30)
    rows[17][6] = "BOOM"  # 参加工作时间
    path = write_csv(tmp_path / "roster.csv", HEADER, rows)
    cell_date = values.cell_date  # (a cell's value is read in cadrecore.io.values)

    def faulty(value: Any, epoch: Any = None) -> Any:
        if value == "BOOM":
            raise RuntimeError("a fault")
        return cell_date(value, epoch) if epoch is not None else cell_date(value)

    monkeypatch.setattr(values, "cell_date", faulty)
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference
    assert batched["summary"]["rows"] == 18
    (fault,) = [p for p in batched["problems"] if "RuntimeError" in p.message.en]
    assert "after row 20" in fault.message.en  # the 18th data row


def test_a_fault_in_validation_inside_a_batch_ends_the_sheet_at_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    rows = big_roster(30)
    rows[21][2] = "出错"
    path = write_csv(tmp_path / "roster.csv", HEADER, rows)
    holds = cadres._holds_together

    def faulty(cadre: Cadre) -> bool:
        if cadre.name == "出错":
            raise RuntimeError("a fault")
        return holds(cadre)

    monkeypatch.setattr(cadres, "_holds_together", faulty)
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference
    assert batched["summary"]["rows"] == 22


def test_a_malformed_line_after_many_rows_keeps_the_rows_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    path = write_csv(tmp_path / "roster.csv", HEADER, big_roster(50))
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("51,n9," + "x" * 200_000 + "\n52,n10\n")  # a cell beyond csv's limit
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference
    assert batched["summary"]["rows"] == 50
    assert any("malformed CSV" in p.message.en for p in batched["problems"])


def test_rows_without_ids_get_the_same_ids_and_notes_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    keep = [i for i in range(len(HEADER)) if i != 1]  # no 编号 column
    rows = [[row[i] for i in keep] for row in big_roster(40)]
    rows[7] = rows[3]  # the same cadre twice: the same id, then a duplicate
    path = write_csv(tmp_path / "roster.csv", [HEADER[i] for i in keep], rows)
    batched, reference = both_ways(monkeypatch, [path], base, keep_good=True)
    assert batched == reference
    assert any(n.code == "birth.month_from_id" for n in batched["notes"])


# ---------------------------------------------------------------------------------------------
# The shortcuts answer as the long way does
# ---------------------------------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@given(st.text(st.sampled_from("0123456789０１２３４５６７８９"), min_size=17, max_size=17))
def test_the_check_character_is_the_weighted_sum(first17: str) -> None:
    assert (
        national_id_check_char(first17)
        == "10X98765432"[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]
    )


@given(st.text(st.sampled_from("0123456789０１２ +x"), min_size=14, max_size=18))
def test_the_birth_date_of_an_id_number_as_its_three_parts_give_it(number: str) -> None:
    try:
        expected: date | None = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        expected = None
    assert national_id_birth_date(number) == expected


def _full_inconsistencies(cadre: Cadre, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patch:
        patch.setattr(cadres, "_holds_together", lambda c: False)
        return inconsistencies(cadre)


_DAYS = st.dates(date(1900, 1, 1), date(2030, 12, 31))


@st.composite
def any_cadres(draw: st.DrawFn) -> Cadre:
    """Cadres whose fields may contradict each other in every way, built without the checks."""
    birth = draw(_DAYS)
    sequence = draw(st.integers(0, 999))
    born = draw(st.sampled_from([birth, draw(_DAYS)]))
    first17 = f"140902{born:%Y%m%d}{sequence:03d}"
    check = draw(st.sampled_from([national_id_check_char(first17), *"0123456789X"]))
    return Cadre.model_construct(
        id="c1",
        name="张三",
        gender=draw(st.sampled_from(["", "男", "女"])),
        birth_date=birth,
        national_id=draw(st.sampled_from([None, first17 + check])),
        joined_work=draw(_DAYS),
        joined_revolution=draw(st.none() | _DAYS),
        retirement_kind=draw(st.sampled_from(RetirementKind)),
        retirement_date=draw(_DAYS),
        revolution_period=draw(st.none() | st.sampled_from(RevolutionPeriod)),
        party_status=draw(st.none() | st.sampled_from(PartyStatus)),
        party_joined=draw(st.none() | _DAYS),
        county_id="east",
        living_away=draw(st.booleans()),
        away_since=draw(st.none() | _DAYS),
        deceased=draw(st.none() | _DAYS),
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cadre=any_cadres())
def test_a_cadre_holds_together_only_when_no_check_objects(
    monkeypatch: pytest.MonkeyPatch, cadre: Cadre
) -> None:
    assert inconsistencies(cadre) == _full_inconsistencies(cadre, monkeypatch)


def test_every_inconsistency_is_still_found() -> None:
    # one of each, through the model: the fast path gives way to the full checks
    registry = get_registry()
    birth = date(1950, 3, 1)
    good = {
        "id": "c1",
        "name": "张三",
        "gender": "男",
        "birth_date": birth,
        "national_id": _id(birth, 1),
        "joined_work": date(1970, 9, 1),
        "retirement_kind": "tuixiu",
        "retirement_date": date(2010, 3, 1),
        "county_id": "east",
    }
    Cadre.model_validate(good, context={"registry": registry})
    changes = [
        ({"retirement_date": date(1940, 1, 1)}, "dates.order"),
        ({"joined_revolution": date(1940, 1, 1)}, "dates.order"),
        ({"deceased": date(2000, 1, 1)}, "dates.order"),
        ({"retirement_kind": "lixiu"}, "lixiu.revolution_date"),
        ({"revolution_period": "resistance_war"}, "lixiu.period"),
        ({"party_joined": date(1976, 7, 1)}, "party.joined_not_member"),
        ({"away_since": date(2015, 1, 1)}, "away.since_not_away"),
        (
            {
                "national_id": _id(birth, 1)[:17] + "0"
                if not _id(birth, 1).endswith("0")
                else _id(birth, 1)[:17] + "1"
            },
            "id.check_char",
        ),
        ({"national_id": _id(date(1950, 3, 2), 1)}, "birth.id_mismatch"),
        ({"gender": "女"}, "sex.id_mismatch"),
    ]
    for change, code in changes:
        with pytest.raises(ValidationError) as caught:
            Cadre.model_validate({**good, **change}, context={"registry": registry})
        (error,) = caught.value.errors()
        assert error["type"] == cadres.INCONSISTENT
        assert code in [p.code for p in error["ctx"]["problems"]]


def _skipped_row_before(cells: list[Any]) -> str | None:
    """skipped_row as it was first written (every cell normalized)."""
    filled = [normalize_word(c) for c in cells if c is not None and str(c).strip()]
    if not filled:
        return "row.blank"
    if any(_TOTAL.match(text) for text in filled[:3]):
        return "row.total"
    if _SIGNATURE.match(filled[0]):
        return "row.signature"
    return None


def _is_column_numbers_before(cells: list[Any]) -> bool:
    numbers = []
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        text = normalize_word(cell).strip("()")
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


ROW_CELLS = st.one_of(
    st.none(),
    st.integers(-5, 20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.sampled_from(
        [
            "合计",
            "总 计",
            "⼩计",
            "　合计：30人",
            "小计",
            "共计",
            "填表人：张三",
            "审核人",
            "制表",
            "备注：无",
            "注：",
            "说明:",
            "单位负责人：",
            "联系人:李",
            "（1）",
            "(2)",
            "⑪",
            "①",
            "１",
            "3",
            "王明",
            "张　三",
            "n001",
            "¨合计",
            "\u200b合计",
            "合",
            "填",
            "㊟",
            "\u3000",
            " ",
            "",
        ]
    ),
    st.text(max_size=4),
)


@settings(max_examples=500)
@given(st.lists(ROW_CELLS, max_size=6))
def test_rows_are_told_apart_as_before(cells: list[Any]) -> None:
    assert skipped_row(cells) == _skipped_row_before(cells)
    try:
        expected: Any = _is_column_numbers_before(cells)
    except ValueError:
        expected = ValueError
    try:
        found: Any = is_column_numbers(cells)
    except ValueError:
        found = ValueError
    assert found == expected


@given(st.lists(st.lists(st.text(max_size=5).map(protect) | st.text(max_size=5), max_size=5)))
def test_csv_cells_come_back_as_written(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    read = [cells for _, cells in _csv_rows(out.getvalue(), ",")]
    expected = [[unprotect(c) for c in cells] for cells in csv.reader(io.StringIO(out.getvalue()))]
    assert read == expected


@st.composite
def cadre_data(draw: st.DrawFn) -> dict[str, Any]:
    names = list(Cadre.model_fields)
    values = st.one_of(
        st.none(),
        st.sampled_from(["", "x", "tuixiu", "男", "east", "1950-03-01", "1950.1", " c1 "]),
        st.dates(date(1900, 1, 1), date(2030, 1, 1)),
        st.integers(-3, 3),
        st.booleans(),
    )
    data = draw(st.dictionaries(st.sampled_from(names), values, max_size=12))
    if draw(st.booleans()):
        data["extra"] = 1
    return data


@settings(max_examples=200)
@given(data=cadre_data())
def test_validating_under_the_fields_names_reports_the_same(data: dict[str, Any]) -> None:
    context = {"registry": get_registry()}

    def outcome(**kwargs: Any) -> Any:
        try:
            return Cadre.model_validate(data, context=context, **kwargs)
        except ValidationError as exc:
            return [(e["type"], e["loc"], e["msg"], e.get("input")) for e in exc.errors()]

    assert outcome(by_alias=False, by_name=True) == outcome()


def test_a_large_csv_in_one_batch_and_in_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Ledger
) -> None:
    rng = random.Random(7)
    rows = big_roster(1200)
    for row in rng.sample(rows, 60):
        column = rng.choice(list(BAD))
        row[column] = rng.choice(BAD[column])
    path = write_csv(tmp_path / "roster.csv", HEADER, rows)
    with monkeypatch.context() as patch:
        patch.setattr(importing, "READ_BATCH", 5000)
        one = facts(import_files([path], base=base, keep_good=True))
    many = facts(import_files([path], base=base, keep_good=True))
    with monkeypatch.context() as patch:
        row_by_row(patch)
        reference = facts(import_files([path], base=base, keep_good=True))
    assert one == many == reference


class _Marked(str):
    """Text of a kind of its own (as cell_text's ExactText is)."""


@pytest.mark.parametrize("size", [1, 600])
def test_a_column_reads_equal_cells_of_different_kinds_apart(size: int) -> None:
    def read(value: Any) -> Any:
        return f"{type(value).__name__}:{value!r}"

    cells = [1, 1.0, True, "1", _Marked("1"), -0.0, 0.0, 0, None, date(1950, 3, 1)] * size
    reader = _Remembered(read)
    assert reader.column(list(cells)) == [read(c) for c in cells]
    assert [reader(c) for c in cells] == [read(c) for c in cells]
    text = ["a", _Marked("a"), "b"] * size
    assert _Remembered(read).column(text) == [read(c) for c in text]
