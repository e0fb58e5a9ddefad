"""Importing rosters (花名册) and activity ledgers (台账) as bureaus really keep them."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cadrecore import Ledger
from cadrecore.io.importing import import_files, import_into_store, write_rejects
from cadrecore.io.spreadsheet import REASON_HEADER
from cadrecore.models.cadres import national_id_check_char
from cadrecore.sample import small_ledger
from cadrecore.store import Store, open_store

TITLE = "样例市离退休干部花名册"
HEADER = [
    "序号",
    "编号",
    "姓  名",
    "性别",
    "出生年月",
    "身份证号码",
    "参加工作时间",
    "离退休类型",
    "离退休时间",
    "所在县区",
]


def national_id(birth: date, sequence: int = 123) -> str:
    first17 = f"110101{birth:%Y%m%d}{sequence:03d}"
    return first17 + national_id_check_char(first17)


def good_rows() -> list[list[Any]]:
    """Three cadres, written the ways people write them."""
    return [
        # full-width spaces inside a two-character name, a month for a birth date, a date cell
        [
            1,
            "n001",
            "张　三",
            "男",
            "1950.03",
            national_id(date(1950, 3, 1)),
            "1970-9-1",
            "退休",
            datetime(2010, 6, 1),
            "东县",
            "正式党员",
            "1976年7月",
        ],
        # full-width id, stray spaces, an Excel serial number, a lower-case x check character
        [
            2,
            "ｎ００２",
            " 李四 ",
            "女",
            18323,
            national_id(date(1950, 3, 1), 58)[:17] + "x"
            if national_id(date(1950, 3, 1), 58).endswith("X")
            else national_id(date(1950, 3, 1), 58),
            "1970年9月",
            "退休",
            "2010.06",
            "east",
            None,
            None,
        ],
        # 1950.03 typed into a number cell, an ISO date, the county by id
        [
            3,
            "n003",
            "王五",
            "男",
            1950.03,
            None,
            "1970-09-01",
            "离休" if False else "退休",
            "2010-06-01",
            "west",
            None,
            None,
        ],
    ]


def write_roster(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A roster as bureaus keep it: two title rows, a two-row header with merged cells."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:L1")
    sheet["A2"] = "填报单位：样例市老干部局                 2022年12月"
    sheet.merge_cells("A2:L2")
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(3, column, text)
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet.cell(3, 11, "党员情况")
    sheet.merge_cells("K3:L3")
    sheet.cell(4, 11, "党员身份")
    sheet.cell(4, 12, "入党时间")
    number = 5
    for row in rows:
        for column, value in enumerate(row, start=1):
            sheet.cell(number, column, value)
        number += 2 if row and row[0] == 1 else 1  # a blank row after the first
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow([*HEADER, "党员身份", "入党时间"])
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


@pytest.fixture
def base() -> Ledger:
    return small_ledger(2022)


def by_id(ledger: Ledger) -> dict[str, Any]:
    return {c.id: c for c in ledger.cadres}


# ---------------------------------------------------------------------------------------------
# A roster that lands
# ---------------------------------------------------------------------------------------------


def test_a_real_roster_lands(tmp_path: Path, base: Ledger) -> None:
    path = write_roster(tmp_path / "roster.xlsx", good_rows())
    outcome = import_files([path], base=base)
    assert outcome.ok, [p.render() for p in outcome.problems]
    assert outcome.summary() == {
        "rows": 3,
        "accepted": 3,
        "rejected": 0,
        "inserted": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert outcome.ledger is not None
    cadres = by_id(outcome.ledger)
    zhang, li, wang = cadres["n001"], cadres["n002"], cadres["n003"]
    assert zhang.name == "张三" and li.name == "李四"
    assert zhang.birth_date == li.birth_date == wang.birth_date == date(1950, 3, 1)
    assert zhang.county_id == "east"  # 东县, by name
    assert zhang.party_status is not None and zhang.party_joined == date(1976, 7, 1)
    assert li.joined_work == date(1970, 9, 1) and li.retirement_date == date(2010, 6, 1)
    assert li.national_id == national_id(date(1950, 3, 1), 58)
    # the blank row after the first is noted; 1950.03 agreed with the ID number, whose full
    # date was taken (one note for the whole import)
    assert [(n.code, n.location.row) for n in outcome.notes] == [
        ("row.blank", 6),
        ("birth.month_from_id", None),
    ]
    assert outcome.ledger.cadres[: len(base.cadres)] == base.cadres


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk(tmp_path: Path, base: Ledger, encoding: str) -> None:
    rows = [[c.isoformat() if isinstance(c, datetime) else c for c in row] for row in good_rows()]
    path = write_csv(tmp_path / "roster.csv", rows, encoding)
    outcome = import_files([path], base=base)
    assert outcome.ok, [p.render() for p in outcome.problems]
    assert outcome.ledger is not None
    assert by_id(outcome.ledger)["n001"].name == "张三"
    assert outcome.summary()["inserted"] == 3


def test_importing_the_same_roster_again_changes_nothing(tmp_path: Path, base: Ledger) -> None:
    path = write_roster(tmp_path / "roster.xlsx", good_rows())
    first = import_files([path], base=base)
    assert first.ledger is not None
    again = import_files([path], base=first.ledger)
    assert again.summary()["unchanged"] == 3 and again.ledger == first.ledger


def test_a_roster_without_an_id_column_gets_ids_matched_or_new(
    tmp_path: Path, base: Ledger
) -> None:
    rows = [[r[0], *r[2:]] for r in good_rows()]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([h for h in HEADER if h != "编号"] + ["党员身份", "入党时间"])
    known = base.cadres[0]
    sheet.append(
        [
            9,
            known.name,
            "",
            known.birth_date.isoformat(),
            None,
            "1970-09-01",
            "退休",
            "2010-06-01",
            "east",
            "正式党员",
            "1976-07-01",
        ]
    )
    for row in rows:
        sheet.append(row)
    workbook.save(tmp_path / "no_ids.xlsx")
    outcome = import_files([tmp_path / "no_ids.xlsx"], base=base)
    assert outcome.ledger is not None, [p.render() for p in outcome.problems]
    new = [c for c in outcome.ledger.cadres if c.id not in {b.id for b in base.cadres}]
    assert [c.id for c in new] == ["c000018", "c000019", "c000020"]
    # the known cadre, matched by name and birth date: the sheet's empty 性别 cell clears it
    assert outcome.summary()["updated"] == 1
    assert outcome.ledger.cadre(known.id).gender == ""
    again = import_files([tmp_path / "no_ids.xlsx"], base=outcome.ledger)
    assert again.ledger == outcome.ledger


# ---------------------------------------------------------------------------------------------
# Rows that do not land: each reported where it is and why
# ---------------------------------------------------------------------------------------------


def bad_rows() -> list[list[Any]]:
    rows = good_rows()
    wrong_check = national_id(date(1950, 3, 1))[:17] + (
        "0" if national_id(date(1950, 3, 1)).endswith("1") else "1"
    )
    rows.append(
        [
            4,
            "n004",
            "赵六",
            "男",
            "1950-03-01",
            wrong_check,
            "1970-09-01",
            "退休",
            "2010-06-01",
            "east",
            None,
            None,
        ]
    )
    rows.append(
        [
            5,
            "n005",
            "钱七",
            "男",
            1950.1,
            None,
            "1970-09-01",
            "退休",
            "2010-06-01",
            "east",
            None,
            None,
        ]
    )
    rows.append(
        [
            6,
            "n006",
            "孙八",
            "男",
            "1950-03-01",
            None,
            "1970-09-01",
            "退休",
            "2010-06-01",
            "北县",
            None,
            None,
        ]
    )
    rows.append(
        [
            7,
            "n001",
            "周九",
            "男",
            "1950-03-01",
            None,
            "1970-09-01",
            "退休",
            "2010-06-01",
            "east",
            None,
            None,
        ]
    )
    return rows


def where(outcome: Any) -> set[tuple[Any, ...]]:
    return {
        (p.location.file, p.location.sheet, p.location.row, p.location.column)
        for p in outcome.problems
    }


def test_every_bad_row_is_reported_with_sheet_row_column_and_reason(
    tmp_path: Path, base: Ledger
) -> None:
    path = write_roster(tmp_path / "roster.xlsx", bad_rows())
    outcome = import_files([path], base=base)
    assert not outcome.ok and outcome.ledger is None
    file = str(path)
    # row 5 is the first data row, then a blank row, so the bad rows are 9, 10, 11, 12
    assert where(outcome) == {
        (file, "花名册", 9, "F"),  # check character
        (file, "花名册", 10, "E"),  # 1950.1: January or October?
        (file, "花名册", 11, "J"),  # 北县 is no county in the ledger
        (file, "花名册", 12, "B"),  # n001 twice
    }
    reasons = {p.location.row: p.message.en for p in outcome.problems}
    assert "check character" in reasons[9]
    assert "January or October" in reasons[10]
    assert "北县" in reasons[11] and "units" in reasons[11]
    assert "twice" in reasons[12]
    assert outcome.summary()["rejected"] == 4
    assert all(p.message.zh for p in outcome.problems)


def test_keep_good_imports_the_good_rows_and_the_rest_can_be_fixed(
    tmp_path: Path, base: Ledger
) -> None:
    path = write_roster(tmp_path / "roster.xlsx", bad_rows())
    outcome = import_files([path], base=base, keep_good=True)
    assert outcome.ledger is not None
    assert outcome.summary()["inserted"] == 3 and len(outcome.rejected) == 4
    (rejects,) = write_rejects(outcome)
    assert rejects == tmp_path / "roster.rejects.xlsx"
    workbook = load_workbook(rejects)
    sheet = workbook["花名册"]
    # the title and 填报单位 lines, then the heading's two rows as the roster had them
    assert sheet["A1"].value == TITLE and str(sheet["A2"].value).startswith("填报单位")
    header = [c.value for c in sheet[3]]
    assert header[-1] == REASON_HEADER and header[:2] == ["序号", "编号"]
    assert [c.value for c in sheet[4]][10:12] == ["党员身份", "入党时间"]
    assert "K3:L3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.max_row == 8
    # fix them as a person would, and import the file again
    fixes = {
        "n004": {"F": None},
        "n005": {"E": "1950.10"},
        "n006": {"J": "西县"},
        "n001": {"B": "n007"},
    }
    for row in sheet.iter_rows(min_row=5):
        for letter, value in fixes[row[1].value].items():
            sheet[f"{letter}{row[0].row}"] = value
    workbook.save(rejects)
    fixed = import_files([rejects], base=outcome.ledger)
    assert fixed.ok, [p.render() for p in fixed.problems]
    assert fixed.ledger is not None
    cadres = by_id(fixed.ledger)
    assert cadres["n005"].birth_date == date(1950, 10, 1)
    assert cadres["n006"].county_id == "west"
    assert {"n004", "n007"} <= set(cadres)


def test_rejects_of_a_csv_go_to_a_csv(tmp_path: Path, base: Ledger) -> None:
    rows = [[c.isoformat() if isinstance(c, datetime) else c for c in row] for row in bad_rows()]
    path = write_csv(tmp_path / "roster.csv", rows, "gbk")
    outcome = import_files([path], base=base, keep_good=True)
    # the text "1950.1" in a CSV is January: only a number cell is ambiguous
    assert [r.source.cells[1] for r in outcome.rejected if r.source] == ["n004", "n006", "n001"]
    (rejects,) = write_rejects(outcome, tmp_path / "out")
    assert rejects == tmp_path / "out" / "roster.rejects.csv"
    text = rejects.read_text(encoding="utf-8-sig")
    assert REASON_HEADER in text and "北县" in text
    again = import_files([rejects], base=outcome.ledger, keep_good=True)
    # unfixed, the check character and 北县 are still wrong; n001 is now an update
    assert [r.source.cells[1] for r in again.rejected if r.source] == ["n004", "n006"]
    assert again.summary()["updated"] == 1


def test_a_row_breaking_a_cross_reference_is_rejected_in_its_place(
    tmp_path: Path, base: Ledger
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "支部成员"
    sheet.append(["老干部编号", "支部编号", "加入日期"])
    sheet.append(["c017", "b.west", "2022-01-01"])  # c017 is not a party member
    sheet.append(["c999", "b.west", "2022-01-01"])  # not on the roster
    workbook.save(tmp_path / "members.xlsx")
    outcome = import_files([tmp_path / "members.xlsx"], base=base, keep_good=True)
    assert outcome.ledger is not None and outcome.ledger.memberships == base.memberships
    assert {(p.location.row, p.location.column) for p in outcome.problems} == {(2, "A"), (3, "A")}


def test_a_row_whose_change_breaks_other_records_is_the_one_rejected(
    tmp_path: Path, base: Ledger
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["编号", "党员身份", "入党时间", "联系电话"])
    sheet.append(["c001", None, None, "13800000001"])  # a branch member, no longer a party member
    sheet.append(["c002", "正式党员", "1977-07-01", "13800000002"])
    workbook.save(tmp_path / "update.xlsx")
    outcome = import_files([tmp_path / "update.xlsx"], base=base, keep_good=True)
    assert outcome.ledger is not None
    assert [(p.location.row, p.record_kind) for p in outcome.problems] == [(2, "memberships")]
    assert "because of this row" in outcome.problems[0].message.en
    assert outcome.ledger.cadre("c002").phone == "13800000002"
    assert outcome.ledger.cadre("c002").name == base.cadre("c002").name  # not in the sheet: kept
    assert outcome.ledger.cadre("c001") == base.cadre("c001")


# ---------------------------------------------------------------------------------------------
# The activity ledger (台账)
# ---------------------------------------------------------------------------------------------


def test_an_activity_ledger_with_names_and_labels(tmp_path: Path, base: Ledger) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "2023年活动台账"
    sheet["A1"] = "2023年党支部活动台账"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["序号", "活动日期", "活动类型", "党支部", "活动名称", "参加人数"])
    sheet.append([1, "2023.3.15", "党员大会", "东城社区党支部", "学习会", "１２"])
    sheet.append([2, datetime(2023, 4, 10), "themed_party_day", "b.west", "植树", 8])
    sheet.append([None, None, None, None, None, None])
    sheet.append([3, "2023年5月", "主题党日", "书画团队党支部", "书画交流", 9])
    workbook.save(tmp_path / "台账.xlsx")
    outcome = import_files([tmp_path / "台账.xlsx"], base=base)
    assert outcome.ok, [p.render() for p in outcome.problems]
    assert outcome.ledger is not None
    new = outcome.ledger.activities[len(base.activities) :]
    assert [(a.activity_kind, a.date, a.branch_id, a.headcount) for a in new] == [
        ("general_meeting", date(2023, 3, 15), "b.east", 12),
        ("themed_party_day", date(2023, 4, 10), "b.west", 8),
        ("themed_party_day", date(2023, 5, 1), "b.team", 9),
    ]
    assert new[2].title == "书画交流"
    assert [a.id for a in new] == ["a000001", "a000002", "a000003"]


# ---------------------------------------------------------------------------------------------
# Files that are not what they should be
# ---------------------------------------------------------------------------------------------


def test_files_that_cannot_be_read_are_reported(tmp_path: Path, base: Ledger) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "notes.csv").write_text("随便写点什么\n没有表头\n", encoding="utf-8")
    paths = [tmp_path / n for n in ("old.xls", "broken.xlsx", "notes.csv", "missing.xlsx")]
    outcome = import_files(paths, base=base, keep_good=True)
    assert outcome.ledger is None
    assert {p.location.file for p in outcome.problems} == {str(p) for p in paths}
    messages = " ".join(p.message.en for p in outcome.problems)
    assert "cannot open the .xls workbook" in messages and "no such file" in messages


def test_unknown_columns_and_sheets_are_noted_not_imported(tmp_path: Path, base: Ledger) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "填表说明"
    sheet.append(["请按下列要求填写"])
    sheet.append(["日期写作 1950-03-01"])
    roster = workbook.create_sheet("花名册")
    roster.append(
        [
            "编号",
            "姓名",
            "出生日期",
            "参加工作时间",
            "离退休类型",
            "离退休时间",
            "所在县区编号",
            "爱好特长",
        ]
    )
    roster.append(["n1", "甲", "1950-01-01", "1970-01-01", "退休", "2010-01-01", "east", "书法"])
    workbook.save(tmp_path / "roster.xlsx")
    outcome = import_files([tmp_path / "roster.xlsx"], base=base)
    assert outcome.ok
    noted = {(n.location.sheet, n.location.column) for n in outcome.notes}
    assert noted == {("填表说明", None), ("花名册", "H")}


def test_an_import_into_an_empty_ledger_needs_the_jurisdiction(tmp_path: Path) -> None:
    path = write_roster(tmp_path / "roster.xlsx", good_rows())
    outcome = import_files([path])
    assert outcome.ledger is None
    assert "import a whole ledger first" in outcome.problems[0].message.en


# ---------------------------------------------------------------------------------------------
# Into a store: all or nothing, dry runs
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path, base: Ledger) -> Iterator[Store]:
    opened = open_store(tmp_path / "store.sqlite")
    opened.save(base)
    yield opened
    opened.close()


def test_a_failed_import_writes_nothing(tmp_path: Path, store: Store, base: Ledger) -> None:
    entries = len(store.audit_entries())
    outcome = import_into_store(store, [write_roster(tmp_path / "r.xlsx", bad_rows())])
    assert not outcome.ok and outcome.saved is None
    assert store.load() == base and len(store.audit_entries()) == entries


def test_a_dry_run_writes_nothing(tmp_path: Path, store: Store, base: Ledger) -> None:
    outcome = import_into_store(
        store, [write_roster(tmp_path / "r.xlsx", bad_rows())], dry_run=True, keep_good=True
    )
    assert outcome.ok and outcome.summary()["inserted"] == 3 and outcome.dry_run
    assert store.load() == base
    assert not (tmp_path / "r.rejects.xlsx").exists()


def test_keep_good_into_a_store(tmp_path: Path, store: Store) -> None:
    outcome = import_into_store(
        store,
        [write_roster(tmp_path / "r.xlsx", bad_rows())],
        keep_good=True,
        rejects=tmp_path / "fix-me.xlsx",
        actor="王科长",
    )
    assert outcome.saved is not None and outcome.saved.summary()["inserted"] == 3
    assert outcome.rejects_files == [tmp_path / "fix-me.xlsx"]
    assert {"n001", "n002", "n003"} <= set(by_id(store.load()))
    assert {e.actor for e in store.audit_entries(kind="cadres")[-3:]} == {"王科长"}


def test_a_data_row_holding_a_field_name_is_no_second_header(tmp_path: Path, base: Ledger) -> None:
    """Found by the round-trip property: a title "details" under a heading that is no field."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "年度主题"
    sheet.append(["编号", "年度", "标题", "责任单位编号", "说明"])
    sheet.append(["t2030", 2030, "主题", "city", "title"])
    workbook.save(tmp_path / "themes.xlsx")
    outcome = import_files([tmp_path / "themes.xlsx"], base=base)
    assert outcome.ledger is not None and outcome.summary()["inserted"] == 1
