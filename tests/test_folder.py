"""The ledger folder: errors name file, row and field; saving and loading lose nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cadrecore import Ledger, LedgerError, Problem, ServiceType, Text, get_registry, hookimpl
from cadrecore import load_ledger as _load_ledger
from cadrecore import save_ledger as _save_ledger
from cadrecore.models import ServiceRecord
from cadrecore.plugins import PluginManager

Build = Callable[..., Ledger]


@pytest.fixture
def folder(mini: Build, tmp_path: Path) -> Path:
    """The mini ledger saved as a ledger folder."""
    return _save_ledger(mini(), tmp_path / "xinzhou")


@pytest.fixture
def load(cadrecore_pm: PluginManager) -> Callable[[Path], Ledger]:
    """``load_ledger`` with the test's own plugins (the registry of ``cadrecore_pm``)."""

    def loader(path: Path) -> Ledger:
        return _load_ledger(path, registry=get_registry(cadrecore_pm))

    return loader


def problems_of(load: Callable[[Path], Ledger], path: Path) -> list[Problem]:
    with pytest.raises(LedgerError) as exc:
        load(path)
    return list(exc.value.problems)


def read_rows(file: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))


def write_rows(file: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    file.write_bytes(out.getvalue().encode(encoding))


def set_cell(file: Path, row: int, column: str, value: str) -> None:
    """Set one cell: ``row`` counts as an editor does (the header is row 1)."""
    rows = read_rows(file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(file, rows)


# ---------------------------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------------------------


def test_save_then_load_is_the_same_ledger(mini: Build, folder: Path, load: Any) -> None:
    loaded = load(folder)
    assert loaded == mini()
    assert loaded.cadre("c3").retirement_kind.zh == "离休"
    assert (folder / "cadres.csv").exists()
    assert (folder / "units.yaml").exists()
    assert not (folder / "plans.yaml").exists()  # no plans, no file
    assert "忻州市" in (folder / "ledger.yaml").read_text(encoding="utf-8")  # not escaped


def test_saving_over_a_folder_keeps_readme_and_git(
    mini: Build, folder: Path, load: Any, tmp_path: Path
) -> None:
    (folder / "README.md").write_text("# 忻州市账册\n", encoding="utf-8")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (folder / "notes.txt").write_text("备忘", encoding="utf-8")
    smaller = mini(treatment_grants=(), opinions=())
    _save_ledger(smaller, folder)
    assert (folder / "README.md").read_text(encoding="utf-8") == "# 忻州市账册\n"
    assert (folder / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"
    assert (folder / "notes.txt").exists()
    assert not (folder / "treatment_grants.csv").exists()  # a stale file does not survive
    assert load(folder) == smaller
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xinzhou"]  # no staging left behind


# ---------------------------------------------------------------------------------------------
# Errors name file, row and field
# ---------------------------------------------------------------------------------------------


def test_a_bad_date_names_file_row_and_field(folder: Path, load: Any) -> None:
    set_cell(folder / "cadres.csv", 3, "birth_date", "1950-02-30")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/cadres.csv"
    assert problem.location.row == 3
    assert problem.location.field == "birth_date"
    # a birth date is personal data: the message says what is wrong without quoting it
    assert "no such date" in problem.message("en") and "1950-02-30" not in problem.render("en")
    assert "2 月没有 30 日" in problem.message("zh") and problem.code == "date.unreadable"
    assert "xinzhou/cadres.csv, row 3, field 'birth_date'" in problem.render("en")


def test_every_bad_row_is_reported(folder: Path, load: Any) -> None:
    set_cell(folder / "cadres.csv", 2, "retirement_kind", "半休")
    set_cell(folder / "memberships.csv", 4, "since", "someday")
    found = {(p.location.file, p.location.row, p.location.field) for p in problems_of(load, folder)}
    assert found == {
        ("xinzhou/cadres.csv", 2, "retirement_kind"),
        ("xinzhou/memberships.csv", 4, "since"),
    }


def test_an_unknown_column(folder: Path, load: Any) -> None:
    rows = read_rows(folder / "cadres.csv")
    rows[0].append("hobby")
    write_rows(folder / "cadres.csv", rows)
    [problem] = problems_of(load, folder)
    assert (problem.location.file, problem.location.row, problem.location.field) == (
        "xinzhou/cadres.csv",
        1,
        "hobby",
    )
    assert "birth_date" in problem.message("en")  # lists the known columns


def test_a_row_longer_than_the_header(folder: Path, load: Any) -> None:
    rows = read_rows(folder / "opinions.csv")
    rows[1].append("extra")
    write_rows(folder / "opinions.csv", rows)
    [problem] = problems_of(load, folder)
    assert (problem.location.file, problem.location.row) == ("xinzhou/opinions.csv", 2)


def test_an_unknown_file(folder: Path, load: Any) -> None:
    (folder / "cadre.csv").write_text("id\n", encoding="utf-8")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/cadre.csv"
    assert "cadres.csv" in problem.message("en")


def test_a_yaml_syntax_error_names_its_line(folder: Path, load: Any) -> None:
    text = (folder / "units.yaml").read_text(encoding="utf-8").splitlines()
    text.insert(3, "  name: [未闭合")
    (folder / "units.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/units.yaml"
    assert problem.location.row is not None
    assert 4 <= problem.location.row <= 6
    assert "YAML" in problem.message("en")


def test_a_yaml_record_error_names_the_line_of_its_item(folder: Path, load: Any) -> None:
    lines = (folder / "branches.yaml").read_text(encoding="utf-8").splitlines()
    second = [i for i, line in enumerate(lines) if line.startswith("- ")][1]
    lines.insert(second + 1, "  支部类型: picnic")
    lines = [line for i, line in enumerate(lines) if not (i > second + 1 and "branch_type" in line)]
    (folder / "branches.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/branches.yaml"
    assert problem.location.row == second + 1
    assert problem.location.field == "支部类型"  # as the file names it
    assert "unknown branch type 'picnic'" in problem.message("en")


def test_a_cross_reference_error_is_located_at_its_record(folder: Path, load: Any) -> None:
    set_cell(folder / "memberships.csv", 5, "branch_id", "b9")  # c3's membership
    set_cell(folder / "activities.csv", 3, "theme_id", "t1999")  # a2
    found = {
        (p.location.file, p.location.row, p.location.field, p.record_kind)
        for p in problems_of(load, folder)
    }
    assert ("xinzhou/memberships.csv", 5, "branch_id", "memberships") in found
    assert ("xinzhou/activities.csv", 3, "theme_id", "activities") in found
    # c3 was b2's secretary: now not a member of b2, found in branches.yaml on its item's line
    lines = (folder / "branches.yaml").read_text(encoding="utf-8").splitlines()
    b2_line = next(i for i, line in enumerate(lines, 1) if line.startswith("- ") and "b2" in line)
    assert ("xinzhou/branches.yaml", b2_line, "secretary_id", "branches") in found


def test_a_jurisdiction_error_is_located_in_ledger_yaml(folder: Path, load: Any) -> None:
    text = (folder / "ledger.yaml").read_text(encoding="utf-8")
    (folder / "ledger.yaml").write_text(text.replace("root_unit_id: city", "root_unit_id: cty"))
    [problem] = problems_of(load, folder)
    assert (problem.location.file, problem.location.field) == ("ledger.yaml", "root_unit_id")


def test_a_file_that_is_not_utf8(folder: Path, load: Any) -> None:
    rows = read_rows(folder / "cadres.csv")
    write_rows(folder / "cadres.csv", rows, encoding="gbk")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/cadres.csv"
    assert "UTF-8" in problem.message("en")


def test_a_utf8_bom_is_accepted(mini: Build, folder: Path, load: Any) -> None:
    file = folder / "cadres.csv"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    assert load(folder) == mini()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda f: (f / "ledger.yaml").unlink(), "ledger.yaml is missing"),
        (lambda f: (f / "ledger.yaml").write_text("- 1\n"), "expected a mapping"),
        (lambda f: (f / "ledger.yaml").write_text("format: 2\njurisdiction: {}\n"), "format"),
    ],
)
def test_a_bad_header(folder: Path, load: Any, setup: Any, message: str) -> None:
    setup(folder)
    assert any(message in p.message("en") for p in problems_of(load, folder))


def test_not_a_folder(tmp_path: Path, load: Any) -> None:
    [problem] = problems_of(load, tmp_path / "nowhere")
    assert "no ledger folder" in problem.message("en")


# ---------------------------------------------------------------------------------------------
# What people type: Chinese headers, 是/否, separators
# ---------------------------------------------------------------------------------------------


def test_chinese_headers_and_yes_no_words(folder: Path, load: Any) -> None:
    table = """
    编号 姓名 出生日期 参加工作时间 离退休类型 离退休时间 所在县区编号 党员身份 异地居住 因病免于参加 兴趣爱好
    c1 王建国 1950.3.1 1968年9月1日 退休 2010/3/1 xinfu 正式党员 是 否 书法、绘画
    c2 李秀英 1950-03-01 1968-09-01 退休 2010-03-01 xinfu 正式党员 否 是 -
    c3 张志强 1928-05-04 1945-08-01 离休 1988-06-01 daixian 正式党员 - - -
    c4 刘文华 1950-03-01 1968-09-01 退休 2010-03-01 daixian - - - -
    c5 陈玉兰 1950-03-01 1968-09-01 退休 2010-03-01 xinfu 预备党员 - - -
    """
    rows = [line.split() for line in table.strip().splitlines()]
    write_rows(folder / "cadres.csv", [[c if c != "-" else "" for c in row] for row in rows])
    ledger = load(folder)
    c1, c2 = ledger.cadre("c1"), ledger.cadre("c2")
    assert (c1.living_away, c1.health_exempt) == (True, False)
    assert (c2.living_away, c2.health_exempt) == (False, True)
    assert c1.interests == ("书法", "绘画")
    assert c1.birth_date == date(1950, 3, 1)
    assert ledger.cadre("c4").party_status is None


def test_a_yes_no_cell_that_is_neither(folder: Path, load: Any) -> None:
    set_cell(folder / "cadres.csv", 2, "living_away", "也许")
    [problem] = problems_of(load, folder)
    assert (problem.location.row, problem.location.field) == (2, "living_away")


def test_blank_rows_are_skipped(mini: Build, folder: Path, load: Any) -> None:
    rows = read_rows(folder / "cadres.csv")
    rows.insert(2, [""] * len(rows[0]))
    rows.append([])
    write_rows(folder / "cadres.csv", rows)
    assert load(folder) == mini()


# ---------------------------------------------------------------------------------------------
# Service records: one file per service type, the type's own columns
# ---------------------------------------------------------------------------------------------


class KitDetails(BaseModel):
    kit_no: str
    medicines: int
    checked: date | None = None


class KitPlugin:
    @staticmethod
    @hookimpl
    def register_service_types(register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="coal.medicine_kit",
                label=Text("急救药箱", "medicine kit"),
                department=Text("市煤炭局", "city coal bureau"),
                details=KitDetails,
            )
        )


def test_service_records_round_trip_in_their_own_file(
    mini: Build,
    cadrecore_pm: PluginManager,
    register_plugin: Callable[..., str],
    tmp_path: Path,
    load: Any,
) -> None:
    register_plugin(KitPlugin, name="coal")
    registry = get_registry(cadrecore_pm)
    base = mini()
    record = ServiceRecord.model_validate(
        {
            "id": "sv1",
            "service_type": "coal.medicine_kit",
            "cadre_id": "c1",
            "provider_unit_id": "city.lgb",
            "state": "delivered",
            "requested": "2022-03-01",
            "delivered": "2022-03-05",
            "details": KitDetails(kit_no="K-001", medicines=12).model_dump(mode="json"),
        },
        context={"registry": registry},
    )
    ledger = Ledger(
        registry=registry,
        **{**{n: getattr(base, n) for n in type(base).model_fields}, "service_records": (record,)},
    )
    path = _save_ledger(ledger, tmp_path / "with_services")
    file = path / "services" / "coal.medicine_kit.csv"
    assert read_rows(file)[0][-3:] == ["kit_no", "medicines", "checked"]
    assert load(path) == ledger

    set_cell(file, 2, "medicines", "许多")
    [problem] = problems_of(load, path)
    assert problem.location.file == "with_services/services/coal.medicine_kit.csv"
    assert problem.location.row == 2
    assert problem.location.field == "medicines"  # the column, as the file names it


def test_a_service_file_of_an_unregistered_type(folder: Path, load: Any) -> None:
    (folder / "services").mkdir()
    (folder / "services" / "medicine_kit.csv").write_text("id\n", encoding="utf-8")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/services/medicine_kit.csv"
    assert "registered: none" in problem.message("en")


def test_a_service_file_of_a_plugin_not_installed_is_read_unchecked(
    folder: Path, load: Any
) -> None:
    # (the namespace names a plugin that is not here: its records load as they are, see
    # tests/test_plugins_per_ledger.py; this file lacks the common columns, and says so)
    (folder / "services").mkdir()
    (folder / "services" / "coal.medicine_kit.csv").write_text("id\n", encoding="utf-8")
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/services/coal.medicine_kit.csv"
    assert "missing required column(s): cadre_id" in problem.message("en")


# ---------------------------------------------------------------------------------------------
# Input that once broke the loader: it must end in a LedgerError, never another exception
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "format: " + "1" * 5000 + "\n",  # int() refuses more than 4300 digits
        "format: 0b" + "1" * 20000 + "\n",  # a binary literal: a huge int whose repr fails
        "format: 1\njurisdiction:\n  id: " + "9" * 5000 + "\n",
        "[" * 5000 + "]" * 5000 + "\n",  # nested deeper than the recursion limit
    ],
)
def test_hostile_yaml_ends_in_a_ledger_error(folder: Path, load: Any, text: str) -> None:
    (folder / "ledger.yaml").write_text(text, encoding="utf-8")
    assert problems_of(load, folder)


def test_a_huge_number_in_a_record(folder: Path, load: Any) -> None:
    text = (folder / "themes.yaml").read_text(encoding="utf-8")
    (folder / "themes.yaml").write_text(text.replace("year: 2022", "year: 0b" + "1" * 20000, 1))
    [problem] = problems_of(load, folder)
    assert problem.location.field == "year"


def test_a_folder_where_a_file_should_be(folder: Path, load: Any) -> None:
    (folder / "opinions.csv").unlink()
    (folder / "opinions.csv").mkdir()
    [problem] = problems_of(load, folder)
    assert problem.location.file == "xinzhou/opinions.csv"


def test_a_carriage_return_in_a_cell_round_trips(mini: Build, tmp_path: Path, load: Any) -> None:
    base = mini()
    cadres = tuple(
        c.model_copy(update={"address": "东街\r3号\r\n二单元"}) if c.id == "c1" else c
        for c in base.cadres
    )
    ledger = base.replace(cadres=cadres)
    assert load(_save_ledger(ledger, tmp_path / "cr")) == ledger


@pytest.mark.parametrize("column", ["retirement_kind", "name"])
def test_a_missing_required_column_is_one_message_for_the_file(tmp_path: Path, column: str) -> None:
    """A ledger folder's CSV without a column every record needs: one message naming the
    column (not one per row), and none of its rows read."""
    from cadrecore.sample import small_ledger

    folder = small_ledger().save(tmp_path / "ledger")
    rows = list(csv.reader((folder / "cadres.csv").open(encoding="utf-8")))
    index = rows[0].index(column)
    assert len(rows) > 3
    with (folder / "cadres.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([row[:index] + row[index + 1 :] for row in rows])
    with pytest.raises(LedgerError) as raised:
        _load_ledger(folder)
    (problem,) = raised.value.problems
    assert problem.code == "column.missing"
    assert problem.location.file == "ledger/cadres.csv" and problem.location.row == 1
    assert column in problem.message("en") and "缺少必填列" in problem.message("zh")
