"""`cadrecore check` and `cadrecore rules`: exit codes, formats, filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cadrecore.cli import app
from cadrecore.sample import small_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_ledger().save(tmp_path_factory.mktemp("sample") / "ledger")


@pytest.fixture(scope="module")
def failing_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ledger = small_ledger()
    ledger = ledger.replace(
        activities=tuple(
            a
            for a in ledger.activities
            if a.activity_kind not in ("org_life_meeting", "party_lecture")
        )
    )
    return ledger.save(tmp_path_factory.mktemp("failing") / "ledger")


def test_check_passes_with_exit_0(sample_folder: Path) -> None:
    result = runner.invoke(app, ["check", str(sample_folder), "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert "通过" in result.output


def test_check_with_errors_exits_1_and_lists_them(failing_folder: Path) -> None:
    result = runner.invoke(app, ["check", str(failing_folder), "--year", "2022", "--lang", "en"])
    assert result.exit_code == 1
    assert "builtin::org_life.org_life_meeting" in result.output
    assert "fail" in result.output


def test_min_severity_hides_lower_findings_but_not_the_exit_code(failing_folder: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(failing_folder),
            "--year",
            "2022",
            "--min-severity",
            "error",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["findings"] and {f["severity"] for f in data["findings"]} == {"error"}
    assert data["counts"]["warning"] > 0


def test_rule_option_runs_only_those_rules(failing_folder: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(failing_folder),
            "--year",
            "2022",
            "--format",
            "json",
            "--rule",
            "builtin::org_life.party_lecture",
        ],
    )
    data = json.loads(result.output)
    assert data["rules_run"] == ["builtin::org_life.party_lecture"]
    assert result.exit_code == 0  # lectures missed are warnings


def test_as_of_and_bad_input_exit_2(sample_folder: Path, tmp_path: Path) -> None:
    ok = runner.invoke(
        app, ["check", str(sample_folder), "--as-of", "2022-07-18", "--format", "json"]
    )
    assert ok.exit_code == 0 and json.loads(ok.output)["as_of"] == "2022-07-18"
    assert runner.invoke(app, ["check", str(sample_folder), "--as-of", "18/07/2022"]).exit_code == 2
    assert runner.invoke(app, ["check", str(sample_folder)]).exit_code == 2
    assert runner.invoke(app, ["check", str(tmp_path / "missing"), "--year", "2022"]).exit_code == 2
    assert (
        runner.invoke(
            app, ["check", str(sample_folder), "--year", "2022", "--rule", "nope"]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app, ["check", str(sample_folder), "--year", "2022", "--min-severity", "x"]
        ).exit_code
        == 2
    )


def test_rules_lists_every_rule_with_dated_parameters() -> None:
    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    catalog = json.loads(result.output)
    ids = [r["id"] for r in catalog["rules"]]
    assert "builtin::branch.formation" in ids and "builtin::org_life.general_meeting" in ids
    term = catalog["parameters"]["branch.term_years"]
    assert [(v["value"], v["from"], v["status"]) for v in term["versions"]] == [
        (3, "2018-10-28", "confirmed"),
        (5, "2022-10-22", "unverified"),
    ]
    assert "builtin::branch.term" in term["used_by"]
    text = runner.invoke(app, ["rules"])
    assert text.exit_code == 0 and "branch.min_full_members = 3" in text.output


def test_workers_share_the_rules_out_and_change_nothing(
    failing_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CADRECORE_WORKERS", raising=False)
    outputs = []
    for workers in ([], ["--workers", "1"], ["--workers", "2"]):
        result = runner.invoke(
            app, ["check", str(failing_folder), "--year", "2022", "--format", "json", *workers]
        )
        assert result.exit_code == 1, result.output
        outputs.append(json.loads(result.output))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0]["findings"]
    refused = runner.invoke(
        app, ["check", str(failing_folder), "--year", "2022", "--workers", "-1"]
    )
    assert refused.exit_code == 2
    monkeypatch.setenv("CADRECORE_WORKERS", "lots")  # a broken setting is named, not a traceback
    broken = runner.invoke(app, ["check", str(failing_folder), "--year", "2022"])
    assert broken.exit_code == 2
    assert "CADRECORE_WORKERS='lots'" in broken.output


def test_the_command_uses_every_cpu_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    from cadrecore.cli_report import workers_of

    monkeypatch.delenv("CADRECORE_WORKERS", raising=False)
    assert workers_of(None) == 0  # one per CPU
    assert workers_of(3) == 3
    monkeypatch.setenv("CADRECORE_WORKERS", "1")
    assert workers_of(None) is None  # the setting decides


_SCRIPT = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
    "from cadrecore.cli import main\n"
    "sys.argv = ['cadrecore', *sys.argv[1:]]\n"
    "main()\n"
)


@pytest.mark.parametrize("folder", ["sample_folder", "failing_folder"])
def test_the_script_ends_a_check_without_tearing_it_down(
    folder: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Through the console script, a check ends once its output is out (``os._exit``: a
    million cadres' objects are not freed one by one): the whole output, the same exit code,
    no exit handlers run. A command that is not a check or report exits as usual."""
    import subprocess
    import sys

    path = request.getfixturevalue(folder)
    args = ["check", str(path), "--year", "2022", "--format", "json"]
    in_process = runner.invoke(app, args)
    out = tmp_path / "out.json"
    with out.open("w") as stdout:  # (a file, as a redirected output: flushed before the end)
        script = subprocess.run(
            [sys.executable, "-c", _SCRIPT, *args], stdout=stdout, stderr=subprocess.PIPE, text=True
        )
    assert script.returncode == in_process.exit_code
    assert json.loads(out.read_text("utf-8")) == json.loads(in_process.output)
    assert "torn down" not in script.stderr
    listed = subprocess.run(
        [sys.executable, "-c", _SCRIPT, "rules"], capture_output=True, text=True, check=True
    )
    assert "builtin::org_life.org_life_meeting" in listed.stdout
    assert "torn down" in listed.stderr
