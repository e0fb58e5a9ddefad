"""The store commands: init, import, export, and check/validate reading a store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from cadrecore import load_ledger
from cadrecore.cli import app
from cadrecore.io.xlsx import export_xlsx
from cadrecore.sample import small_ledger
from cadrecore.store import open_store
from cadrecore.store.migrate import head

runner = CliRunner()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return export_xlsx(small_ledger(2022), tmp_path / "ledger.xlsx", unmask=True)


def roster(path: Path, *rows: list[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "花名册"
    sheet.append(["样例市离退休干部花名册"])
    sheet.append(
        ["编号", "姓名", "出生日期", "参加工作时间", "离退休类型", "离退休时间", "所在县区"]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = ["n1", "甲", "1950.03", "1970-09-01", "退休", "2010年6月", "东县"]
BAD = ["n2", "乙", 1950.1, "1970-09-01", "退休", "2010-06-01", "东县"]


def test_init_import_export_check(tmp_path: Path, workbook: Path) -> None:
    store = tmp_path / "store.sqlite"
    created = runner.invoke(app, ["init", str(store)])
    assert created.exit_code == 0, created.output
    assert store.is_file() and f"结构版本 {head()}" in created.output

    imported = runner.invoke(
        app, ["import", str(workbook), "--store", str(store), "--actor", "王科长"]
    )
    assert imported.exit_code == 0, imported.output
    assert "165" in imported.output and "新增 165" in imported.output

    with open_store(store) as opened:
        assert opened.load() == small_ledger(2022)
        assert {e.actor for e in opened.audit_entries()} == {"王科长"}

    out = tmp_path / "out.xlsx"
    exported = runner.invoke(app, ["export", "--store", str(store), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "老干部" in load_workbook(out, read_only=True).sheetnames

    folder = tmp_path / "folder"
    assert runner.invoke(app, ["export", "--store", str(store), "-o", str(folder)]).exit_code == 0
    assert load_ledger(folder) == small_ledger(2022)

    for source in (str(store), f"sqlite:///{store}"):
        checked = runner.invoke(app, ["check", source, "--year", "2022"])
        assert checked.exit_code == 0, checked.output
        validated = runner.invoke(app, ["validate", source])
        assert validated.exit_code == 0 and "样例市" in validated.output


def test_a_bad_import_exits_2_and_writes_nothing(tmp_path: Path, workbook: Path) -> None:
    store = tmp_path / "store.sqlite"
    assert runner.invoke(app, ["import", str(workbook), "--store", str(store)]).exit_code == 0
    path = roster(tmp_path / "roster.xlsx", GOOD, BAD)
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(app, ["import", str(path), "--store", str(store), *extra])
        assert result.exit_code == 2
        assert "roster.xlsx 工作表“花名册” 第 4 行 C 列" in result.output
    with open_store(store) as opened:
        assert opened.load() == small_ledger(2022)


def test_keep_good_imports_the_good_rows_and_writes_the_rejects(
    tmp_path: Path, workbook: Path
) -> None:
    store = tmp_path / "store.sqlite"
    runner.invoke(app, ["import", str(workbook), "--store", str(store)])
    path = roster(tmp_path / "roster.xlsx", GOOD, BAD)
    dry = runner.invoke(
        app, ["import", str(path), "--store", str(store), "--keep-good", "--dry-run"]
    )
    assert dry.exit_code == 0 and "试运行，未写入" in dry.output
    assert not (tmp_path / "roster.rejects.xlsx").exists()
    result = runner.invoke(
        app, ["import", str(path), "--store", str(store), "--keep-good", "--rejects", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "roster.rejects.xlsx").is_file()
    with open_store(store) as opened:
        cadre = opened.load().cadre("n1")
    assert cadre.birth_date == date(1950, 3, 1) and cadre.county_id == "east"


def test_commands_on_a_missing_store_say_so(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    for args in (
        ["export", "--store", str(missing), "-o", str(tmp_path / "x.xlsx")],
        ["check", str(missing), "--year", "2022"],
        ["audit", "verify", "--store", str(missing)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "此处没有数据库" in result.output, args
    assert not missing.exists()


def test_an_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    runner.invoke(app, ["init", str(store)])
    result = runner.invoke(app, ["export", "--store", str(store), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "请先导入" in result.output


def test_an_unmasked_export_is_recorded_in_the_audit_trail(tmp_path: Path, workbook: Path) -> None:
    store = tmp_path / "store.sqlite"
    runner.invoke(app, ["import", str(workbook), "--store", str(store)])
    out = tmp_path / "clear.xlsx"
    result = runner.invoke(
        app, ["export", "--store", str(store), "-o", str(out), "--unmask", "--actor", "李干事"]
    )
    assert result.exit_code == 0, result.output
    with open_store(store) as opened:
        last = opened.audit_entries()[-1]
        assert (last.action, last.actor, last.record_id) == ("export_unmasked", "李干事", "sample")
        assert str(out.resolve()) in (last.after or "")
        assert opened.verify_audit().ok
