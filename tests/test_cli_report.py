"""``cadrecore report`` and ``cadrecore demo`` through the CLI, and :func:`cadrecore.demo.run_demo` on the Xinzhou example."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

import cadrecore
import cadrecore.demo
from cadrecore.demo import DemoError, check_plugins, install_hint, run_demo
from cadrecore.plugins import PluginManager
from cadrecore.sample import small_ledger

from .xinzhou_fixtures import XINZHOU, xinzhou_pm

__all__ = ["xinzhou_pm"]

WHEN = "2023-01-05T09:00:00+08:00"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from cadrecore.cli import app as cli

    return cli


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        return small_ledger(2022).save(tmp_path_factory.mktemp("ledger") / "sample")


def test_report_prints_text_by_default(app: typer.Typer, runner: CliRunner, folder: Path) -> None:
    result = runner.invoke(app, ["report", str(folder), "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert "样例市2022年度老干部工作报告" in result.stdout
    assert "【“六个一”工作机制（2022年）】" in result.stdout


def test_report_takes_the_format_from_the_file_name(
    app: typer.Typer, runner: CliRunner, folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(folder), "--year", "2022", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "已写出" in result.stderr


def test_report_with_a_fixed_time_writes_the_same_bytes(
    app: typer.Typer, runner: CliRunner, folder: Path, tmp_path: Path
) -> None:
    written = []
    for n in (1, 2):
        target = tmp_path / f"assessment{n}.xlsx"
        args = ["report", str(folder), "--year", "2022", "-o", str(target), "--generated-at", WHEN]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        written.append(target.read_bytes())
    assert written[0] == written[1]
    book = openpyxl.load_workbook(io.BytesIO(written[0]))
    assert book.sheetnames[0] == "考核表"
    with zipfile.ZipFile(io.BytesIO(written[0])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 1, 5, 1, 0, 0)}  # in UTC


def test_report_as_json_in_english(app: typer.Typer, runner: CliRunner, folder: Path) -> None:
    args = ["report", str(folder), "--year", "2022", "--format", "json", "--lang", "en"]
    result = runner.invoke(app, [*args, "--generated-at", "2023-01-05"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["lang"] == "en"
    # (a time without a zone is the bureau's: Asia/Shanghai unless the settings say otherwise)
    assert document["generated_at"] == "2023-01-05T00:00:00+08:00"
    assert document["sections"][0]["title"] == 'The "six ones" mechanism'


def test_report_reads_a_store(
    app: typer.Typer, runner: CliRunner, folder: Path, tmp_path: Path
) -> None:
    from cadrecore.store import open_store

    store_file = tmp_path / "cadrecore.sqlite"
    with open_store(store_file) as store:
        store.save(cadrecore.load_ledger(folder), actor="test")
    result = runner.invoke(app, ["report", str(store_file), "--year", "2022", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# 样例市2022年度老干部工作报告")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "xlsx"], "请用 -o 指定文件"),
        (["--generated-at", "soon"], "--generated-at"),
        (["--as-of", "2021-06-30"], "不在报告年度 2022 年内"),
        (["--as-of", "June"], "--as-of"),
        (["-o", "report.pdf"], "看出格式"),
    ],
)
def test_report_refuses_bad_input_with_exit_2(
    app: typer.Typer,
    runner: CliRunner,
    folder: Path,
    extra: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", str(folder), "--year", "2022", *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_report_of_something_that_is_not_a_ledger(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["report", str(stray), "--year", "2022"])
    assert result.exit_code == 2
    assert "不是账册目录，也不是数据库" in result.stderr


# ---------------------------------------------------------------------------------------------
# The demo
# ---------------------------------------------------------------------------------------------


def test_the_demo_says_which_plugins_to_install(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    # tests load no installed plugin: the default manager lacks the four departments
    result = runner.invoke(app, ["demo", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        "pip install ./plugins/art_academy ./plugins/family_doctor ./plugins/medicine_kits "
        "./plugins/order_service" in result.stderr
    )
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_install_hint_names_each_plugin_once() -> None:
    hint = install_hint(["medicine_kits.kit", "medicine_kits.refill", "art_academy.enrolment"])
    assert hint.endswith("pip install ./plugins/art_academy ./plugins/medicine_kits")
    registry = cadrecore.get_registry(cadrecore.new_plugin_manager(load_installed=False))
    with pytest.raises(DemoError, match=r"medicine_kits\.kit"):
        check_plugins(registry, XINZHOU)


def test_the_demo_builds_stores_checks_and_reports(
    app: typer.Typer,
    runner: CliRunner,
    xinzhou_pm: PluginManager,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cadrecore.demo, "get_plugin_manager", lambda: xinzhou_pm)
    result = runner.invoke(app, ["demo", str(tmp_path), "--generated-at", WHEN])
    assert result.exit_code == 0, result.output
    report_path = tmp_path / "xinzhou-2022-report.html"
    assert f"年度报告：{report_path}" in result.stdout
    assert report_path.resolve().as_uri() in result.stdout
    assert result.stdout.count("✓") == 5
    assert (tmp_path / "xinzhou" / "ledger.yaml").is_file()
    assert (tmp_path / "cadrecore.sqlite").is_file()
    page = report_path.read_text(encoding="utf-8")
    assert "忻州市2022年度老干部工作报告" in page
    assert "生成于 2023-01-05 09:00:00+08:00" in page

    assert "✓ 存入数据库" in result.stdout and "saved it into the store" not in result.stdout
    english = runner.invoke(
        app, ["demo", str(tmp_path / "en"), "--lang", "en", "--generated-at", WHEN]
    )
    assert english.exit_code == 0, english.output
    assert "saved it into the store" in english.stdout and "存入数据库" not in english.stdout

    from cadrecore.store import open_store

    with open_store(tmp_path / "cadrecore.sqlite", create=False) as store:
        assert store.ledger_ids() == ("xz",)


def test_run_demo_refuses_a_folder_that_does_not_exist(
    xinzhou_pm: PluginManager, tmp_path: Path
) -> None:
    with pytest.raises(DemoError, match="不是目录"):
        run_demo(tmp_path / "nowhere", pm=xinzhou_pm)
