"""A ledger folder that says one thing twice is refused, naming where (issue 20, item 8).

PyYAML's safe loader keeps the last of two equal keys in a mapping and drops the other without a
word, and a CSV header that names a field twice (``name`` twice, or ``name`` and its Chinese
``姓名``) kept one of the two cells of every row: a clerk who corrected a value in one place
and not the other got a ledger holding either, silently. Both are now problems that name the
file and the line (the key) or the columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cadrecore
from cadrecore.cli import app
from cadrecore.errors import LedgerError
from cadrecore.io.folder import RepeatedYAMLKey, load_ledger, safe_yaml
from cadrecore.plugins import PluginManager
from cadrecore.sample import small_ledger

from .xinzhou_fixtures import xinzhou_pm

__all__ = ["xinzhou_pm"]

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        return small_ledger(2022).save(tmp_path / "sample")


def problems_of(folder: Path, registry: cadrecore.Registry | None = None) -> list[str]:
    with pytest.raises(LedgerError) as raised:
        load_ledger(folder, registry=registry)
    return [p.render("en") for p in raised.value.problems]


# ---------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------


def test_a_key_given_twice_in_a_record_names_the_file_the_line_and_the_key(folder: Path) -> None:
    units = folder / "units.yaml"
    text = units.read_text(encoding="utf-8")
    # both names are valid: before, the ledger loaded with the second and said nothing
    units.write_text(text.replace("  name: 东县\n", "  name: 东县\n  name: 西县\n", 1), "utf-8")
    line = text.splitlines().index("  name: 东县") + 2
    assert problems_of(folder) == [
        f"sample/units.yaml, row {line}: the key 'name' is repeated (first on line {line - 1}): "
        "a key may be written once in a mapping; refused"
    ]


def test_ledger_yaml_at_the_top_and_inside_the_jurisdiction(folder: Path) -> None:
    header = folder / "ledger.yaml"
    original = header.read_text(encoding="utf-8")
    header.write_text(original + "format: 1\n", encoding="utf-8")
    assert problems_of(folder)[0].startswith("sample/ledger.yaml, row 7: the key 'format' ")
    header.write_text(
        original.replace("  name: 样例市\n", "  name: 样例市\n  name: 别的市\n"), "utf-8"
    )
    (problem,) = problems_of(folder)
    assert "row 5: the key 'name' is repeated (first on line 4)" in problem


def test_in_chinese_by_default_and_through_the_command_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    themes = folder / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    assert text.splitlines()[2] == "  title: 培育时代老人"
    themes.write_text(text + "  title: 另一个主题\n", "utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "sample/themes.yaml 第 5 行：键 'title' 重复（第 3 行已有）" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setenv("CADRECORE_LANG", "en")
    result = runner.invoke(app, ["validate", str(folder)])
    assert "sample/themes.yaml, row 5: the key 'title' is repeated (first on line 3)" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("text", "line", "first"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1),
        ("{a: 1, a: 2}\n", 1, 1),
        ("- x: {p: 1}\n  y: 2\n  x: 3\n", 3, 1),
        ("1: a\n01: b\n", 2, 1),  # the same key however it is written
        ("? a\n: 1\n? a\n: 2\n", 3, 1),
    ],
)
def test_safe_yaml_refuses_every_repeated_key(text: str, line: int, first: int) -> None:
    with pytest.raises(RepeatedYAMLKey) as raised:
        safe_yaml(text)
    assert raised.value.line == line
    assert f"(first on line {first})" in raised.value.text.en


def test_merge_keys_are_not_repeats() -> None:
    """``<<`` splices another mapping in, whose keys a mapping may override: not a repeat,
    whether the merged mapping is used once or again elsewhere."""
    text = (
        "base: &b {a: 1, b: 1}\n"
        "one: &m\n  <<: *b\n  a: 2\n"
        "two:\n  <<: *m\n  b: 3\n"
        "three: *m\n"
        "four: {<<: [*b, *m], c: 4}\n"
    )
    import yaml

    assert safe_yaml(text) == yaml.safe_load(text)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def add_column(file: Path, header: str, copy_of: str, value: str | None = None) -> None:
    """Append a column named ``header`` holding ``copy_of``'s cells (or ``value``)."""
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
    source = rows[0].index(copy_of)
    rows[0].append(header)
    for row in rows[1:]:
        row.append(value if value is not None else row[source])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    file.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("phone", "column 7 'phone', column 34 'phone'"),
        ("联系电话", "column 7 'phone', column 34 '联系电话'"),
        (" phone ", "column 7 'phone', column 34 'phone'"),
    ],
)
def test_a_field_given_two_columns_names_the_file_and_the_columns(
    folder: Path, header: str, shown: str
) -> None:
    cadres = folder / "cadres.csv"
    assert cadres.read_text(encoding="utf-8").splitlines()[0].split(",")[6] == "phone"
    # a different, valid phone in the second column: before, it replaced the first silently
    add_column(cadres, header, "phone", value="13900000000")
    assert problems_of(folder) == [
        f"sample/cadres.csv, row 1: {shown} are the same field 'phone': a field takes one "
        "column; remove the others"
    ]


def test_two_columns_of_one_field_in_chinese(folder: Path) -> None:
    add_column(folder / "cadres.csv", "姓名", "name")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert (
        "sample/cadres.csv 第 1 行：第 2 列“name”、第 34 列“姓名” 是同一字段 name：每个字段只能有一列"
        in result.stderr
    )


def test_a_service_detail_given_two_columns(tmp_path: Path, xinzhou_pm: PluginManager) -> None:
    registry = cadrecore.get_registry(xinzhou_pm)
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        folder = small_ledger(2022).save(tmp_path / "sample")
    services = folder / "services"
    services.mkdir()
    order = services / "order_service.order.csv"
    order.write_text(
        "id,cadre_id,provider_unit_id,state,requested,menu_item,accepted\n"
        "o1,c000,east.vcb,requested,2022-03-01,escort,2022-03-01\n",
        encoding="utf-8",
    )
    assert len(load_ledger(folder, registry=registry).service_records) == 1
    add_column(order, "服务项目", "menu_item", value="repair")  # menu_item's Chinese name
    assert problems_of(folder, registry) == [
        "sample/services/order_service.order.csv, row 1: column 6 'menu_item', column 8 "
        "'服务项目' are the same field 'menu_item': a field takes one column; remove the others"
    ]
    # a column that no detail field has, given twice
    order.write_text(
        "id,cadre_id,provider_unit_id,state,requested,menu_item,note,note\n"
        "o1,c000,east.vcb,requested,2022-03-01,escort,a,b\n",
        encoding="utf-8",
    )
    assert (
        "column 7 'note', column 8 'note' are the same field 'note'"
        in problems_of(folder, registry)[0]
    )
