"""The command line as people who know ruff, pytest and sqlite-utils expect it (issue #21 items
2-4 and 9): ``--version``, ``-h``, completion, ``NO_COLOR``, help without Python types, "did you
mean", dates as the ledger files write them, the settings file (``cadrecore.toml``), a store
holding several ledgers, a year with no records, and ``--format json`` for scripts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import cadrecore
from cadrecore.cli import app
from cadrecore.sample import small_ledger
from cadrecore.synth import synthesize

runner = CliRunner()

#: Every command line with its own help (the groups and each command).
COMMANDS = [
    [],
    *[[name] for name in typer.main.get_command(app).commands if name != "audit"],  # type: ignore[attr-defined]
    ["audit"],
    ["audit", "verify"],
    ["audit", "checkpoint"],
    ["audit", "new-key"],
]


def cadrecore_cli(
    *args: str, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """The installed command, in its own process (as a clerk's shell runs it)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CADRECORE_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from cadrecore.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        check=False,
    )


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_ledger().save(tmp_path_factory.mktemp("sample") / "ledger")


@pytest.fixture(scope="module")
def two_ledgers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding two jurisdictions' ledgers."""
    path = tmp_path_factory.mktemp("two") / "two.sqlite"
    with cadrecore.open_store(path) as store:
        store.save(synthesize(120, 1), actor="test")
        store.save(synthesize(150, 2), actor="test")
        assert store.ledger_ids() == ("synth120", "synth150")
    return path


@pytest.fixture(autouse=True)
def _no_settings_around(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test runs where no cadrecore.toml is found and no setting is in the environment."""
    for name in list(os.environ):
        if name.startswith("CADRECORE_") and name not in ("CADRECORE_PLUGIN_CACHE",):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------------------------------------
# --version, -h, completion, NO_COLOR, help without Python types
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = runner.invoke(app, [flag])
    assert result.exit_code == 0
    assert result.output.strip() == f"cadrecore {cadrecore.__version__}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cadrecore")
def test_help_is_short_h_in_one_language_without_python_types(
    command: list[str], lang: str
) -> None:
    result = runner.invoke(app, [*command, "-h", "--lang", lang])
    assert result.exit_code == 0, result.output
    text = result.output
    assert ("用法：" if lang == "zh" else "Usage: ") in text
    # no Python type names as placeholders (<list[Path]>, <str>, <int>)
    assert not re.search(r"<(?:list\[|str|int|Path|bool|float)", text), text
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", text.replace("花名册", "")), text
    else:
        assert "Show this message" not in text and "Options:" not in text


def test_shell_completion_completes_commands_and_options() -> None:
    shown = cadrecore_cli("--show-completion", "bash")
    assert shown.returncode == 0 and "_CADRECORE_COMPLETE" in shown.stdout
    command = cadrecore_cli(
        _CADRECORE_COMPLETE="complete_bash", COMP_WORDS="cadrecore ch", COMP_CWORD="1"
    )
    assert command.stdout.split() == ["check"]
    option = cadrecore_cli(
        _CADRECORE_COMPLETE="complete_bash", COMP_WORDS="cadrecore check --ye", COMP_CWORD="2"
    )
    assert option.stdout.split() == ["--year"]


def test_no_color_means_no_escape_codes(sample_folder: Path) -> None:
    for args in (["check", str(sample_folder), "--year", "2022"], ["chek"], ["check", "--yeer"]):
        result = cadrecore_cli(*args, NO_COLOR="1", FORCE_COLOR="1", TERM="xterm-256color")
        assert "\x1b[" not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# Did you mean, dates as the ledger files write them
# ---------------------------------------------------------------------------------------------


def test_a_mistyped_command_option_or_rule_gets_the_nearest_names(sample_folder: Path) -> None:
    command = runner.invoke(app, ["chek"])
    assert command.exit_code == 2 and "是不是要 check" in command.output
    option = runner.invoke(app, ["check", str(sample_folder), "--yeer", "2022"])
    assert option.exit_code == 2 and "--year" in option.output and "是不是要" in option.output
    rule = runner.invoke(
        app, ["check", str(sample_folder), "--year", "2022", "--rule", "chekclist.items"]
    )
    assert rule.exit_code == 2
    assert "是不是要 builtin::checklist.items" in rule.output
    english = runner.invoke(
        app,
        [
            "check",
            str(sample_folder),
            "--year",
            "2022",
            "--rule",
            "chekclist.items",
            "--lang",
            "en",
        ],
    )
    assert "Did you mean builtin::checklist.items" in english.output


@pytest.mark.parametrize("written", ["2022/07/18", "2022.7.18", "2022年7月18日", "20220718"])
def test_dates_on_the_command_line_as_the_ledger_files_write_them(
    sample_folder: Path, written: str
) -> None:
    result = runner.invoke(
        app, ["check", str(sample_folder), "--as-of", written, "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["as_of"] == "2022-07-18"


def test_a_date_that_is_none_says_the_forms_it_takes(sample_folder: Path) -> None:
    result = runner.invoke(app, ["check", str(sample_folder), "--as-of", "18th July"])
    assert result.exit_code == 2
    assert "2022/07/18" in result.output and "不是日期" in result.output


# ---------------------------------------------------------------------------------------------
# The settings: cadrecore.toml, [tool.cadrecore], the environment, the options
# ---------------------------------------------------------------------------------------------


def test_the_config_file_is_found_above_and_shown_with_its_sources(
    tmp_path: Path, two_ledgers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cadrecore.toml").write_text(
        f'store = "{two_ledgers}"\nledger = "synth150"\nlang = "en"\ntimezone = "Asia/Urumqi"\n',
        encoding="utf-8",
    )
    below = tmp_path / "county" / "2022"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    shown = runner.invoke(app, ["config", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    settings = json.loads(shown.stdout)
    assert settings["file"] == str(tmp_path / "cadrecore.toml")
    assert settings["settings"]["ledger"] == {
        "value": "synth150",
        "source": "file",
        "where": str(tmp_path / "cadrecore.toml"),
    }
    assert settings["settings"]["plugins"]["source"] == "default"
    # the file's language and store and ledger are the run's
    text = runner.invoke(app, ["config"]).output
    assert "config file" in text and "synth150" in text
    checked = runner.invoke(app, ["validate", "--format", "json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["counts"]["cadres"] == 150
    # the environment wins over the file, the option over both
    monkeypatch.setenv("CADRECORE_LEDGER", "synth120")
    monkeypatch.setenv("CADRECORE_LANG", "zh")
    text = runner.invoke(app, ["config"]).output
    assert "环境变量 (CADRECORE_LEDGER)" in text and "synth120" in text
    chosen = runner.invoke(app, ["validate", "--ledger", "synth150", "--format", "json"])
    assert json.loads(chosen.stdout)["counts"]["cadres"] == 150
    english = runner.invoke(app, ["config", "--lang", "en"]).output
    assert "command-line option" in english and "环境变量" not in english


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "bureau-scripts"\n\n[tool.cadrecore]\nlang = "en"\n'
        'plugins = ["supply_coop"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert "config file: " + str(tmp_path / "pyproject.toml") in result.output
    assert re.search(r"plugins\s+supply_coop\s+\[config file", result.output)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('lang = "fr"\n', "zh 或 en"),
        ('timezone = "Mars/Olympus"\n', "Asia/Shanghai"),
        ('stor = "x.sqlite"\n', "不认识的设置 stor"),
        ("lang = \n", "不是有效的 TOML"),
    ],
)
def test_a_bad_config_file_is_one_clear_message(tmp_path: Path, content: str, says: str) -> None:
    (tmp_path / "cadrecore.toml").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output


def test_the_config_timezone_is_the_reports(tmp_path: Path, sample_folder: Path) -> None:
    (tmp_path / "cadrecore.toml").write_text('timezone = "Asia/Urumqi"\n', encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "report",
            str(sample_folder),
            "--year",
            "2022",
            "--generated-at",
            "2023-01-05T01:00:00+00:00",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2023-01-05 07:00:00+06:00" in result.stdout


# ---------------------------------------------------------------------------------------------
# Several ledgers in a store; a year with no records
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["check", "{store}", "--year", "2022"],
        ["validate", "{store}"],
        ["report", "{store}", "--year", "2022"],
        ["export", "--store", "{store}", "-o", "out.xlsx"],
        ["template", "t.xlsx", "--store", "{store}"],
    ],
    ids=lambda c: c[0],
)
def test_a_store_with_several_ledgers_says_them_and_the_option(
    command: list[str], two_ledgers: Path
) -> None:
    args = [part.format(store=two_ledgers) for part in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "synth120" in result.output and "synth150" in result.output
    assert "--ledger" in result.output
    chosen = runner.invoke(app, [*args, "--ledger", "synth120"])
    assert chosen.exit_code in (0, 1), chosen.output


def test_a_year_without_records_says_so_first(sample_folder: Path) -> None:
    result = runner.invoke(app, ["check", str(sample_folder), "--year", "2010"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "2010 年没有任何活动记录，账册覆盖 2022 年：请检查 --year（要照样检查，加 --force）"
    ]
    forced = runner.invoke(app, ["check", str(sample_folder), "--year", "2010", "--force"])
    assert forced.exit_code == 1 and "2010" in forced.output
    english = runner.invoke(app, ["report", str(sample_folder), "--year", "2010", "--lang", "en"])
    assert english.exit_code == 2
    assert "there are no activity records in 2010; the ledger covers 2022" in english.output


def test_synth_will_not_add_a_second_ledger_unless_asked(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    first = runner.invoke(app, ["synth", "--cadres", "100", "--seed", "1", "--out", str(store)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["synth", "--cadres", "110", "--seed", "1", "--out", str(store)])
    assert second.exit_code == 2 and "synth100" in second.output and "--add" in second.output
    with cadrecore.open_store(store, create=False) as opened:
        assert opened.ledger_ids() == ("synth100",)
    added = runner.invoke(
        app, ["synth", "--cadres", "110", "--seed", "1", "--out", str(store), "--add"]
    )
    assert added.exit_code == 0, added.output
    with cadrecore.open_store(store, create=False) as opened:
        assert opened.ledger_ids() == ("synth100", "synth110")


# ---------------------------------------------------------------------------------------------
# --format json for scripts
# ---------------------------------------------------------------------------------------------


def test_json_for_scripts(tmp_path: Path, sample_folder: Path) -> None:
    store = tmp_path / "s.sqlite"
    synth = runner.invoke(
        app,
        ["synth", "--cadres", "100", "--seed", "3", "--out", str(store), "--format", "json", "-q"],
    )
    assert synth.exit_code == 0, synth.output
    assert json.loads(synth.stdout)["counts"]["cadres"] == 100

    imported = runner.invoke(
        app,
        ["import", str(sample_folder), "--store", str(tmp_path / "t.sqlite"), "--format", "json"],
    )
    assert imported.exit_code == 0, imported.output
    outcome = json.loads(imported.stdout)
    assert outcome["ok"] and outcome["summary"]["accepted"] > 0 and outcome["problems"] == []

    exported = runner.invoke(
        app, ["export", "--store", str(store), "-o", str(tmp_path / "x.xlsx"), "--format", "json"]
    )
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.stdout)
    assert document["masked"] is True and document["counts"]["cadres"] == 100

    validated = runner.invoke(app, ["validate", str(store), "--format", "json"])
    assert json.loads(validated.stdout)["valid"] is True


def test_import_json_names_each_problem_with_its_code_and_place(
    tmp_path: Path, sample_folder: Path
) -> None:
    store = tmp_path / "s.sqlite"
    assert runner.invoke(app, ["import", str(sample_folder), "--store", str(store)]).exit_code == 0
    roster = tmp_path / "花名册.csv"
    roster.write_text("姓名,性别,出生年月,离退休类型\n张三,男,1940.03,离休\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(roster), "--store", str(store), "--format", "json"])
    assert result.exit_code == 2
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is False
    assert outcome["problems"] and all(p["code"] for p in outcome["problems"])
    assert all(p["where"].get("file") for p in outcome["problems"])


def test_the_plugins_the_config_file_enables_are_the_ones_loaded(tmp_path: Path) -> None:
    (tmp_path / "cadrecore.toml").write_text('plugins = ["art_academy"]\n', encoding="utf-8")
    for _ in range(2):  # (the second listing may come from the cache: the same answer)
        listed = cadrecore_cli("plugins", "--format", "json", cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        names = {p["name"] for p in json.loads(listed.stdout)["plugins"]}
        assert "art_academy" in names and "family_doctor" not in names


def test_a_unit_without_records_says_so_first(sample_folder: Path) -> None:
    result = runner.invoke(
        app, ["check", str(sample_folder), "--year", "2022", "--unit", "east.vcb"]
    )
    assert result.exit_code == 2
    assert "单位 east.vcb 及其下级没有任何活动记录" in result.output
    judged = runner.invoke(app, ["check", str(sample_folder), "--year", "2022", "--unit", "east"])
    assert judged.exit_code == 0, judged.output
