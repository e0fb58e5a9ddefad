"""The adoption examples in examples/ (issue #22) run as a bureau's developer runs them: from the
repository root, on the example data, with the installed department plugins, writing into
temporary folders; and the two small APIs they brought (``Ledger.with_records``,
``cadrecore.export_cadres``) do what their docstrings say.

Each script is checked by what it prints, the files it writes (opened with openpyxl or csv) and
its exit status. ``committee_months.py`` and ``six_ones_table.py`` also run on a copy of the
Xinzhou ledger changed the way a bureau's would be (a committee meeting missing, a county's own
checklist), since the example itself has neither.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from openpyxl import load_workbook

import cadrecore
from cadrecore import Ledger, LedgerError
from cadrecore.io.folder import OutputPathError
from cadrecore.models import Activity, Cadre, ParameterOverride
from cadrecore.models.cadres import national_id_check_char
from cadrecore.privacy import id_candidates
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
XINZHOU = EXAMPLES / "xinzhou"
SKELETON = EXAMPLES / "plugin_skeleton"
YEAR_END = date(2022, 12, 31)


def run(*args: str, status: int = 0, cwd: Path = ROOT) -> str:
    """Run a Python script as a user does (installed plugins loaded, Chinese unless asked)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("CADRECORE_LOAD_PLUGINS", "CADRECORE_LANG")
    }
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == status, done.stdout + done.stderr
    return done.stdout


def rows_of(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    assert len(book.worksheets) == 1
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def copy_of_xinzhou(tmp_path: Path) -> Path:
    return Path(shutil.copytree(XINZHOU, tmp_path / "xinzhou"))


# ---------------------------------------------------------------------------------------------
# (a) import a county's roster and show what was rejected
# ---------------------------------------------------------------------------------------------


def test_import_roster_shows_and_writes_the_rejected_row(tmp_path: Path) -> None:
    out = run("examples/import_roster.py", "--rejects", str(tmp_path))
    assert out.startswith("读取 18 行：接收 17 行，拒收 1 行（新增 17，更新 0）\n")
    assert "静乐县离退休干部.csv 第 14 行 I 列“原工作单位”：无法确定所在县区" in out
    assert "  静乐县：14 人\n  宁武县：3 人\n" in out
    rejects = tmp_path / "静乐县离退休干部.rejects.csv"
    assert f"拒收的行已写入 {rejects}" in out
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        heading, *rows = list(csv.reader(handle))
    assert heading[8] == "原工作单位" and heading[-1] == "错误原因 / reason"
    assert len(rows) == 1 and rows[0][8] == "忻州市水利局" and "所在县区" in rows[0][-1]
    assert not list((EXAMPLES / "rosters").glob("*.rejects.*"))  # nothing beside the roster


def test_import_roster_of_a_clean_workbook_in_english(tmp_path: Path) -> None:
    roster = "examples/rosters/保德县离退休干部花名册（2022年）.xlsx"
    args = ("--unit", "xz.baode", "--rejects", str(tmp_path), "--lang", "en")
    out = run("examples/import_roster.py", roster, *args)
    assert out.startswith("26 rows read: 26 accepted, 0 rejected (26 new, 0 updated)\n")
    assert "row 35: a total row, skipped (not a record)" in out  # a note, not a rejection
    assert "✗" not in out and out.rstrip().endswith("保德县: 26")
    assert list(tmp_path.iterdir()) == []  # no rejects file when nothing was rejected


# ---------------------------------------------------------------------------------------------
# (b) the monthly check: a findings workbook, exit 1 on an error finding
# ---------------------------------------------------------------------------------------------

PLANTED = [
    ("错误", "builtin::org_life.general_meeting", "河曲县文笔镇团结社区老干部党支部"),
    ("警告", "builtin::opinions.answered", "xz.op.2022.07（希望急救药箱药品过期后及时更换）"),
    ("警告", "builtin::org_life.themed_party_day", "保德县杨家湾镇南堡村老干部党支部"),
    ("警告", "builtin::org_life.themed_party_day", "宁武县老干部太极拳团队党支部"),
    ("警告", "builtin::party_dues.paid", "温国宝"),
    ("警告", "builtin::party_dues.paid", "续勇"),
    ("警告", "builtin::party_dues.paid", "弓慧彩"),
    ("警告", "medicine_kits::kit.expiring", "xz.kit.0218"),
    ("警告", "order_service::order.response_time", "xz.order.0191"),
    ("警告", "order_service::order.stuck", "xz.order.0191"),
    ("提示", "family_doctor::contract.coverage", "忻府区"),
]


def test_monthly_check_writes_the_findings_and_exits_1_on_an_error(tmp_path: Path) -> None:
    target = tmp_path / "findings.xlsx"
    out = run("examples/monthly_check.py", "--as-of", "2022-12-31", "--out", str(target), status=1)
    assert out == f"2022-12-31 检查：错误 1，警告 9，提示 1；已写入 {target}\n"
    heading, *rows = rows_of(target)
    assert heading == ("严重程度", "规则", "对象", "期间", "问题", "应", "实", "怎么改")
    assert [row[:3] for row in rows] == [tuple(p) for p in PLANTED]
    error = rows[0]
    assert error[3:4] == ("2022",) and error[5:7] == (4, 3)  # expected and actual, as numbers
    assert "2022-Q3(未过半)" in str(error[4]) and "补开党员大会" in str(error[7])


def test_monthly_check_without_an_error_exits_0_in_english(tmp_path: Path) -> None:
    target = tmp_path / "august.xlsx"
    out = run(
        "examples/monthly_check.py",
        "examples/xinzhou",
        "--as-of",
        "2022-08-31",
        "--out",
        str(target),
        "--lang",
        "en",
    )
    assert out.startswith("checked as of 2022-08-31: error 0, warning ")
    heading, *rows = rows_of(target)
    assert heading[:3] == ("severity", "rule", "subject")
    assert rows and {row[0] for row in rows} <= {"warning", "info"}
    # the general meeting of Q3 is not yet due on 31 August: no finding, not an error
    assert not [row for row in rows if row[1] == "builtin::org_life.general_meeting"]


# ---------------------------------------------------------------------------------------------
# (c) branches whose committee missed a month
# ---------------------------------------------------------------------------------------------


def test_committee_months_on_the_example_and_with_a_meeting_missing(tmp_path: Path) -> None:
    assert run("examples/committee_months.py") == "2022 年各支部支委会没有缺月\n"
    folder = copy_of_xinzhou(tmp_path)
    activities = folder / "activities.csv"
    lines = activities.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("xz.hequ.b10.cm.2022-05,")]
    assert len(kept) == len(lines) - 1
    activities.write_text("".join(kept), encoding="utf-8")
    out = run("examples/committee_months.py", str(folder))
    assert out == "河曲县（1 个支部）\n  河曲县文笔镇团结社区老干部党支部：支委会缺 2022-05\n"


def test_committee_months_of_another_duty_and_day_in_english() -> None:
    out = run("examples/committee_months.py", "--kind", "themed_party_day")
    assert out == (
        "宁武县（1 个支部）\n  宁武县老干部太极拳团队党支部：主题党日缺 2022-08\n"
        "保德县（1 个支部）\n  保德县杨家湾镇南堡村老干部党支部：主题党日缺 2022-11\n"
    )
    out = run(
        "examples/committee_months.py",
        "--kind",
        "themed_party_day",
        "--as-of",
        "2022-09-30",
        "--lang",
        "en",
    )
    assert (
        out
        == "宁武县 (1 branches)\n  宁武县老干部太极拳团队党支部: no themed party day in 2022-08\n"
    )


# ---------------------------------------------------------------------------------------------
# (d) a county's cadres aged 80 and over, masked
# ---------------------------------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_export_aged_writes_the_county_masked(tmp_path: Path) -> None:
    target = tmp_path / "aged.xlsx"
    out = run("examples/export_aged.py", "忻府区", "--as-of", "2022-12-31", "--out", str(target))
    # the oracle: the ledger folder's own CSV, in clear
    with (XINZHOU / "cadres.csv").open(encoding="utf-8") as handle:
        clear = {
            row["id"]: row
            for row in csv.DictReader(handle)
            if row["county_id"] == "xz.xinfu"
            and (not row["deceased"] or date.fromisoformat(row["deceased"]) > YEAR_END)
            and age_on(date.fromisoformat(row["birth_date"]), YEAR_END) >= 80
        }
    assert (
        out
        == f"忻府区：2022-12-31 年满 80 岁的老干部 {len(clear)} 人，已写入 {target}（个人信息已脱敏）\n"
    )
    heading, *rows = rows_of(target)
    assert load_workbook(target).sheetnames == ["老干部"]
    column = {
        name: heading.index(name) for name in ("编号", "出生日期", "身份证号", "性别", "住址")
    }
    assert sorted(str(row[column["编号"]]) for row in rows) == sorted(clear)
    with_id = 0
    for row in rows:
        person = clear[str(row[column["编号"]])]
        birth, national_id = row[column["出生日期"]], row[column["身份证号"]]
        assert birth == person["birth_date"][:7] + "-**"
        if person["national_id"]:
            with_id += 1
            assert national_id == person["national_id"][:6] + "*" * 12
            assert (
                id_candidates(str(national_id), str(birth), str(row[column["性别"]]), limit=1000)
                >= 1000
            )
        else:
            assert national_id is None
        if person["address"]:
            assert row[column["住址"]] == person["address"][:6] + "***"
    assert with_id > 50  # a third of them have an ID number on file
    # neither an ID number nor a birth date appears in clear anywhere in the workbook
    shown = {str(v) for row in rows for v in row if v is not None}
    assert not shown & {p["national_id"] for p in clear.values() if p["national_id"]}
    assert not shown & {p["birth_date"] for p in clear.values()}


def test_export_aged_refuses_an_unknown_county(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "examples/export_aged.py", "东县", "--out", str(tmp_path / "x.xlsx")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("CADRECORE_LOAD_PLUGINS", "CADRECORE_LANG")
        },
    )
    assert done.returncode == 1 and done.stderr.startswith("没有“东县”；可选：忻府区、原平市")
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------------------------------------
# (e) record an activity in Python, save it to the store, check again
# ---------------------------------------------------------------------------------------------


def test_record_activity_saves_it_and_the_finding_goes(tmp_path: Path) -> None:
    store = tmp_path / "xinzhou.sqlite"
    out = run("examples/record_activity.py", str(store))
    assert out.startswith("补录前：\n  支部“宁武县老干部太极拳团队党支部”主题党日应每月一次：")
    assert "缺 1 次（2022-08）" in out
    assert (
        "已保存： {'inserted': 1, 'updated': 0, 'deleted': 0," in out
        and "'audit_entries': 1}" in out
    )
    assert out.endswith("补录后：\n  无问题\n")
    again = run("examples/record_activity.py", str(store), "--lang", "en")  # already there
    assert again.startswith("before:\n  nothing to report\nsaved: {'inserted': 0, 'updated': 0")
    # the monthly check on the store (as a bureau schedules it) no longer lists the branch
    target = tmp_path / "findings.xlsx"
    run(
        "examples/monthly_check.py",
        str(store),
        "--as-of",
        "2022-12-31",
        "--out",
        str(target),
        status=1,
    )
    subjects = [row[2] for row in rows_of(target)[1:]]
    assert "宁武县老干部太极拳团队党支部" not in subjects
    assert subjects == [p[2] for p in PLANTED if p[2] != "宁武县老干部太极拳团队党支部"]


# ---------------------------------------------------------------------------------------------
# (f) the six ones across counties as one table
# ---------------------------------------------------------------------------------------------

COUNTY_CHECKLIST = """\
- id: xz.baode.two_ones
  name: 保德县“两个一”
  owner_unit_id: xz.baode
  from_year: 2022
  items:
  - item: six_ones.report_hearing
  - item: six_ones.observation_tour
"""


def test_six_ones_table_of_the_city_and_a_county_of_its_own(tmp_path: Path) -> None:
    folder = copy_of_xinzhou(tmp_path)
    with (folder / "checklists.yaml").open("a", encoding="utf-8") as handle:
        handle.write(COUNTY_CHECKLIST)
    with (folder / "activities.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "xz.baode.two_ones.2022.report_hearing,report_hearing,2022-04-01,"
            "保德县委听取老干部工作汇报,,xz.baode,,9,,,\n"
        )
    target = tmp_path / "six.xlsx"
    out = run("examples/six_ones_table.py", str(folder), "--out", str(target))
    lines = out.splitlines()
    assert lines[0] == "【2022 年“六个一”落实情况】"
    assert lines[1].split() == [
        "地区",
        "清单",
        "听取一次汇报",
        "召开一次情况通报会",
        "组织一次领导组协调会",
        "安排一次党性教育",
        "部署一次观摩活动",
        "开展一次集中走访慰问",
    ]
    by_area = {line.split()[0]: line.split()[1:] for line in lines[3:]}
    assert list(by_area) == [
        "忻州市",
        "忻府区",
        "原平市",
        "定襄县",
        "五台县",
        "代县",
        "繁峙县",
        "宁武县",
        "静乐县",
        "神池县",
        "五寨县",
        "岢岚县",
        "河曲县",
        "保德县",
        "偏关县",
    ]
    assert by_area["忻州市"] == [
        "市委“六个一”工作机制",
        "2022-03-29",
        "2022-06-28",
        "2022-04-26",
        "2022-06-30",
        "2022-09-21",
        "2022-01-20",
    ]
    assert by_area["保德县"] == ["保德县“两个一”", "2022-04-01", "—", "—", "—", "逾期未完成", "—"]
    assert by_area["忻府区"] == ["—"] * 7
    (baode,) = [row for row in rows_of(target) if row[0] == "保德县"]
    assert baode[:3] == ("保德县", "保德县“两个一”", datetime(2022, 4, 1))  # a date cell
    assert baode[6] == "逾期未完成"


def test_six_ones_table_before_the_due_dates_in_english() -> None:
    out = run("examples/six_ones_table.py", "--as-of", "2022-05-01", "--lang", "en")
    city = next(line for line in out.splitlines() if line.startswith("忻州市"))
    assert re.sub(r"\s{2,}", "|", city) == (
        "忻州市|市委“六个一”工作机制|2022-03-29|pending|2022-04-26|pending|pending|2022-01-20"
    )


# ---------------------------------------------------------------------------------------------
# (g) a department's plugin skeleton, installable as it is
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def skeleton(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(SKELETON))
    sys.modules.pop("cadrecore_mydept", None)
    module = importlib.import_module("cadrecore_mydept")
    assert Path(str(module.__file__)).is_relative_to(SKELETON)
    yield module
    sys.modules.pop("cadrecore_mydept", None)


def test_the_skeletons_rule_runs_on_a_new_plugin_manager(skeleton: ModuleType) -> None:
    pm = cadrecore.new_plugin_manager(load_installed=False)
    pm.register(skeleton, name="mydept")
    registry = cadrecore.get_registry(pm)
    assert "mydept.visit" in registry.service_types
    ledger = small_ledger(2022, registry=registry)
    assert evaluate(ledger, year=2022, pm=pm, rules=["mydept::*"]).findings == ()  # none is 90
    younger = ledger.with_records(
        ParameterOverride(
            id="p.visit",
            key="mydept.min_age",
            value=72,
            effective_from=date(2022, 1, 1),
            source="本局通知",
        )
    )
    report = evaluate(younger, year=2022, pm=pm, rules=["mydept::*"])
    old = [c for c in ledger.cadres if c.age_on(YEAR_END) >= 72]
    assert [f.subject.id for f in report.findings] == [c.id for c in old] != []
    assert report.findings[0].rule_id == "mydept::visit.yearly"
    assert (
        report.findings[0].message.zh
        == f"{old[0].name}（{old[0].age_on(YEAR_END)} 岁）2022 年未上门探望"
    )


def test_the_skeletons_own_tests_pass() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CADRECORE_LOAD_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(SKELETON), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=SKELETON,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_the_skeleton_builds_a_wheel_that_installs_and_loads(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip"]
    # offline when hatchling is here; else pip fetches it, as `python -m build` does in CI
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    dist, site = tmp_path / "dist", tmp_path / "site"
    built = subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", *isolation, "-w", str(dist), str(SKELETON)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == "cadrecore_mydept-0.1.0-py3-none-any.whl"
    installed = subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert not list(SKELETON.glob("build")) and not list(SKELETON.glob("*.egg-info"))
    env = dict(os.environ, CADRECORE_LOAD_PLUGINS="mydept")
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cadrecore.cli import main; main()",
            "plugins",
            "--format",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["failed"] == []
    (mydept,) = [p for p in data["plugins"] if p["name"] == "mydept"]
    assert mydept["version"] == "0.1.0"
    assert mydept["registered"] == {
        "service_types": ["mydept.visit"],
        "rules": ["mydept::visit.yearly"],
        "parameters": ["mydept.min_age"],
    }


# ---------------------------------------------------------------------------------------------
# The APIs the examples brought
# ---------------------------------------------------------------------------------------------


def test_with_records_adds_to_each_kind_and_replaces_by_id() -> None:
    ledger = small_ledger(2022)
    first = ledger.cadres[0]
    meeting = Activity(
        id="b.east.extra",
        activity_kind="committee_meeting",
        date=date(2022, 5, 9),
        branch_id=ledger.branches[0].id,
    )
    changed = ledger.with_records(meeting, first.model_copy(update={"phone": "13800000000"}))
    assert changed.activities == (*ledger.activities, meeting)
    assert changed.cadres[0].phone == "13800000000" and changed.cadres[1:] == ledger.cadres[1:]
    assert ledger.cadre(first.id).phone == ""  # the ledger itself is unchanged
    assert ledger.with_records() == ledger
    with pytest.raises(LedgerError, match="nowhere"):
        ledger.with_records(meeting.model_copy(update={"branch_id": "nowhere"}))
    with pytest.raises(TypeError, match="no records of type Ledger"):
        ledger.with_records(ledger)  # type: ignore[arg-type]


def cadre_with_id(ledger: Ledger) -> Cadre:
    cadre = ledger.cadres[0]  # 女, born 1950-01-01
    first17 = f"140902{cadre.birth_date:%Y%m%d}002"
    return cadre.model_copy(
        update={"national_id": first17 + national_id_check_char(first17), "phone": "13912345678"}
    )


def test_export_cadres_masks_unless_asked(tmp_path: Path) -> None:
    ledger = small_ledger(2022)
    cadre = cadre_with_id(ledger)
    path = cadrecore.export_cadres([cadre, ledger.cadres[1]], tmp_path / "two.xlsx")
    assert load_workbook(path).sheetnames == ["老干部"]
    heading, *rows = rows_of(path)
    row = dict(zip(heading, rows[0], strict=True))
    assert (row["编号"], row["身份证号"], row["出生日期"]) == (
        cadre.id,
        "140902" + "*" * 12,
        "1950-01-**",
    )
    assert row["联系电话"] == "139****5678" and len(rows) == 2
    clear = cadrecore.export_cadres([cadre], tmp_path / "clear.xlsx", unmask=True)
    row = dict(zip(*rows_of(clear), strict=True))
    assert row["身份证号"] == cadre.national_id and row["出生日期"].date() == cadre.birth_date
    # the same cells as the whole ledger's export gives its sheet of cadres
    whole = cadrecore.export_xlsx(ledger.with_records(cadre), tmp_path / "all.xlsx")
    sheet = load_workbook(whole)["老干部"]
    assert next(sheet.iter_rows(min_row=2, values_only=True)) == rows[0]
    with pytest.raises(OutputPathError):
        cadrecore.export_cadres([cadre], tmp_path)
