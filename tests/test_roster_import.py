"""A county's roster through the command a clerk types: the dry run's column mapping, a mapping
saved once and reused, the rejected rows fixed in their own file and imported again, one
language per run; and properties of the heading, value and row readers (hypothesis).

The rosters come from the corpus (``tests/rosters``), written as bureaus write them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

import cadrecore
from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.io.dates import CellError
from cadrecore.io.headings import (
    SUB_HEADINGS,
    SYNONYMS,
    header_index,
    normalize_header,
    plan_table,
)
from cadrecore.io.importing import import_files
from cadrecore.io.mapping import load_mapping, mapping_text
from cadrecore.io.roster import VOCABULARIES, skipped_row
from cadrecore.io.tables import RawTable
from cadrecore.store import open_store

from .rosters.corpus import ROSTERS, Roster, baode_2022
from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def department_plugins(xinzhou_pm: Any) -> Any:
    """The command runs with the four department plugins, whose records the example holds."""
    with cadrecore.using_plugin_manager(xinzhou_pm):
        yield


@pytest.fixture(scope="module")
def city_store(tmp_path_factory: pytest.TempPathFactory, xinzhou: Ledger) -> Path:
    """A store holding the Xinzhou example, copied by each test that writes to it."""
    path = tmp_path_factory.mktemp("city") / "city.sqlite"
    with open_store(path) as store:
        store.save(xinzhou, actor="setup")
    return path


@pytest.fixture
def store(city_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "city.sqlite"
    shutil.copy(city_store, copy)
    return copy


def cadres_in(path: Path) -> dict[str, Any]:
    with open_store(path) as opened:
        return {c.national_id: c for c in opened.load().cadres if c.national_id}


# =============================================================================================
# The dry run and the mapping file
# =============================================================================================


def test_the_dry_run_prints_each_column_and_writes_nothing(store: Path, tmp_path: Path) -> None:
    roster = baode_2022()
    path = roster.build(tmp_path)
    before = cadres_in(store)
    done = runner.invoke(
        app, ["import", str(path), "--store", str(store), "--unit", "xz.baode", "--dry-run"]
    )
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert "  G 离退休/类别 → retirement_kind（离退休类型）" in lines
    assert "  H 离退休/时间 → retirement_date（离退休时间）" in lines
    assert "  P 籍贯 → 未识别" in lines
    # the column not understood comes first, once, before any row's note
    unknown = lines.index("未识别的列（1）：")
    assert unknown < lines.index(next(line for line in lines if line.startswith("提示")))
    assert sum("“籍贯”" in line for line in lines) == 1
    assert "试运行，未写入" in done.output
    assert cadres_in(store) == before


def test_a_roster_with_headings_of_its_own_imports_with_a_saved_mapping(
    store: Path, tmp_path: Path
) -> None:
    """A bureau whose roster says 人员类别 and 退休年月: the dry run says what is missing and
    writes a mapping; the clerk fills in the two lines once; the import then goes through.

    (The sheet repeats its heading lower down unrenamed, as it was printed: that copy names
    more fields than the real heading, and still the real heading is the one read, so that the
    rows between are not lost.)"""
    path = baode_2022().build(tmp_path)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    renamed = 0
    for row in sheet.iter_rows(min_row=3, max_row=4):
        for cell in row:
            if cell.value == "类别":
                cell.value, renamed = "人员类别", renamed + 1
            elif cell.value == "时间":
                cell.value, renamed = "退休年月", renamed + 1
    assert renamed >= 2
    workbook.save(path)
    saved = tmp_path / "保德县映射.yaml"
    args = ["import", str(path), "--store", str(store), "--unit", "xz.baode"]
    dry = runner.invoke(app, [*args, "--dry-run", "--save-map", str(saved)])
    assert dry.exit_code == 2, dry.output
    assert "缺少列：离退休类型、离退休时间" in dry.output
    assert dry.output.count("缺少列") == 2  # the dry run's table, and the one problem
    text = saved.read_text(encoding="utf-8")
    assert "离退休/人员类别:" in text and "  姓名: name" in text
    edited = text.replace("离退休/人员类别: ", "离退休/人员类别: 离退休类型").replace(
        "离退休/退休年月: ", "离退休/退休年月: retirement_date"
    )
    saved.write_text(edited, encoding="utf-8")
    done = runner.invoke(app, [*args, "--map", str(saved)])
    assert done.exit_code == 0, done.output
    roster = baode_2022()
    imported = [k for k in roster.rows if k.outcome == "imported"]
    cadres = cadres_in(store)
    for key in imported:
        cadre = cadres[key.fields["national_id"]]
        assert cadre.retirement_kind.value == key.fields["retirement_kind"]
        assert cadre.retirement_date == key.fields["retirement_date"]
        assert cadre.county_id == "xz.baode"


def test_a_mapping_that_names_no_field_is_refused_naming_the_heading(
    store: Path, tmp_path: Path
) -> None:
    path = baode_2022().build(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  离退休/类别: 退休种类\n  姓名: name\n", encoding="utf-8")
    before = cadres_in(store)
    done = runner.invoke(app, ["import", str(path), "--store", str(store), "--map", str(bad)])
    assert done.exit_code == 2
    assert "“离退休/类别”" in done.output and "“退休种类”不是老干部的字段" in done.output
    assert cadres_in(store) == before


def test_a_mapping_that_gives_a_heading_twice_is_refused_naming_the_lines(
    store: Path, tmp_path: Path
) -> None:
    path = baode_2022().build(tmp_path)
    twice = tmp_path / "twice.yaml"
    twice.write_text("columns:\n  姓名: name\n  籍贯:\n  姓名: gender\n", encoding="utf-8")
    done = runner.invoke(app, ["import", str(path), "--store", str(store), "--map", str(twice)])
    assert done.exit_code == 2
    assert "'姓名' 重复（第 2 行已有）" in done.output and "账册" not in done.output


def test_the_saved_mapping_reads_every_corpus_roster_as_the_importer_did(
    tmp_path: Path, xinzhou: Ledger
) -> None:
    """Saving the mapping and importing with it changes nothing, for every layout."""
    for make in ROSTERS:
        roster: Roster = make()
        (tmp_path / roster.name).mkdir()
        path = roster.build(tmp_path / roster.name)
        first = import_files([path], base=xinzhou, keep_good=True, unit=roster.unit)
        mapping_file = tmp_path / f"{roster.name}.yaml"
        mapping_file.write_text(mapping_text(first.plans), encoding="utf-8")
        again = import_files(
            [path],
            base=xinzhou,
            keep_good=True,
            unit=roster.unit,
            mapping=load_mapping(mapping_file),
        )
        assert [i.record for i in again.imported] == [i.record for i in first.imported]
        assert [(p.code, p.location) for p in again.problems] == [
            (p.code, p.location) for p in first.problems
        ], roster.name


# =============================================================================================
# Rejected rows, fixed in their own file
# =============================================================================================


def test_rejected_rows_are_fixed_in_the_rejects_file_and_imported_as_it_is(
    store: Path, tmp_path: Path
) -> None:
    roster = baode_2022()
    path = roster.build(tmp_path)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    heading = {c.value: c.column_letter for row in (3, 4) for c in sheet[row] if c.value}
    people = [k for k in roster.rows if k.outcome == "imported"]
    wrong_party, wrong_sex = people[2], people[5]
    sheet[f"{heading['政治面貌']}{wrong_party.row}"] = "党员？"
    sex = sheet[f"{heading['性别']}{wrong_sex.row}"]
    sex.value = "女" if sex.value == "男" else "男"
    workbook.save(path)
    args = ["import", str(path), "--store", str(store), "--unit", "xz.baode"]
    done = runner.invoke(app, [*args, "--keep-good", "--rejects", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert "有误 2 行" in done.output
    rejects = tmp_path / "out" / f"{path.stem}.rejects.xlsx"
    assert rejects.is_file()
    fixed = load_workbook(rejects)
    sheet = fixed.active
    assert sheet is not None
    # the title, the 填报单位 line, and both levels of the heading, merged as the roster was
    assert str(sheet["A1"].value).startswith("保德县离退休干部花名册")
    assert str(sheet["A2"].value).startswith("填报单位")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"G3:H3", "K3:L3", "A3:A4", "B3:B4"} <= merged
    assert sheet["G4"].value == "类别" and sheet["H4"].value == "时间"
    assert sheet.max_row == 6
    top = {cell.value: cell.column_letter for cell in sheet[3] if cell.value}
    below = {cell.value: cell.column_letter for cell in sheet[4] if cell.value}
    # the reasons, in Chinese, naming the heading as written
    reasons = [sheet.cell(r, sheet.max_column).value for r in (5, 6)]
    assert any("党员情况/政治面貌" in str(r) and "不能识别的政治面貌" in str(r) for r in reasons)
    assert any("性别" in str(r) and "第 17 位" in str(r) for r in reasons)
    for row in (5, 6):
        if sheet[f"{below['政治面貌']}{row}"].value == "党员？":
            sheet[f"{below['政治面貌']}{row}"] = "中共党员"
        else:
            national_id = str(sheet[f"{top['公民身份号码']}{row}"].value)
            sheet[f"{top['性别']}{row}"] = "男" if int(national_id[16]) % 2 else "女"
    fixed.save(rejects)
    again = runner.invoke(
        app, ["import", str(rejects), "--store", str(store), "--unit", "xz.baode"]
    )
    assert again.exit_code == 0, again.output
    assert "导入 2 行（新增 2" in again.output
    cadres = cadres_in(store)
    assert all(k.fields["national_id"] in cadres for k in people)
    assert cadres[wrong_party.fields["national_id"]].party_status is not None


# =============================================================================================
# One language per run
# =============================================================================================


def test_english_runs_say_everything_in_english(
    store: Path, tmp_path: Path, xinzhou: Ledger
) -> None:
    roster = next(make() for make in ROSTERS if make.__name__ == "xinfu_bad_values")
    path = roster.build(tmp_path)
    done = runner.invoke(
        app, ["import", str(path), "--store", str(store), "--keep-good", "--lang", "en"]
    )
    assert done.exit_code == 0, done.output
    # what may stay Chinese: the file's own text (its name, sheet, headings and cells, quoted)
    # and the words a clerk is to type (中共党员, 退休, 男), which an English message lists
    words = {w for v in VOCABULARIES.values() for w in v.words} | set(header_index("cadres"))
    words |= {u.name for u in xinzhou.units}
    words = {w for w in words if CJK.search(w)}
    for line in done.output.splitlines():
        shown = line.replace(str(path), "").replace(path.stem, "").replace("花名册", "")
        shown = re.sub(r"“[^”]*”|'[^']*'|\"[^\"]*\"|\([^)]*\)|\d+年\d+月(\d+日)?", "", shown)
        for word in sorted(words, key=len, reverse=True):
            shown = shown.replace(word, "")
        assert not CJK.search(shown), line
    assert "columns not understood (2):" in done.output
    assert "is not understood: expected" in done.output
    assert "total:" in done.output


def test_the_rejects_file_speaks_the_run_s_language(store: Path, tmp_path: Path) -> None:
    roster = next(make() for make in ROSTERS if make.__name__ == "xinfu_bad_values")
    path = roster.build(tmp_path)
    out = tmp_path / "out"
    done = runner.invoke(
        app,
        [
            "import",
            str(path),
            "--store",
            str(store),
            "--keep-good",
            "--rejects",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert done.exit_code == 0, done.output
    (rejects,) = out.iterdir()
    sheet = load_workbook(rejects).active
    assert sheet is not None
    reasons = [str(r[-1]) for r in sheet.iter_rows(min_row=5, values_only=True) if r[-1]]
    assert any("is not understood: expected" in r for r in reasons)
    assert not any(word in r for r in reasons for word in ("不能识别", "缺少", "不符", "重复"))


def test_chinese_is_the_default(store: Path, tmp_path: Path) -> None:
    roster = next(make() for make in ROSTERS if make.__name__ == "xinfu_bad_values")
    path = roster.build(tmp_path)
    done = runner.invoke(app, ["import", str(path), "--store", str(store), "--dry-run"])
    assert "合计：" in done.output and "total:" not in done.output
    assert " / " not in "\n".join(
        line for line in done.output.splitlines() if not line.startswith("  ")
    )


# =============================================================================================
# Properties
# =============================================================================================

SPACES = st.sampled_from([" ", "\u3000", "\n", "\u00a0", ""])


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """``word`` as people type it: spaces, full-width spaces and line breaks between its
    characters, full-width forms of ASCII."""
    out = draw(SPACES)
    for ch in word:
        if ch.isascii() and ch.isprintable() and ch != " " and draw(st.booleans()):
            ch = chr(ord(ch) + 0xFEE0)  # its full-width form
        out += ch + draw(SPACES)
    return out


CADRE_HEADINGS = sorted(h for h in header_index("cadres"))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_heading_is_read_however_it_is_spaced(data: st.DataObject) -> None:
    heading = data.draw(st.sampled_from(CADRE_HEADINGS))
    written = data.draw(spelled(heading))
    assert header_index("cadres")[normalize_header(written)] == header_index("cadres")[heading]


def test_every_synonym_of_a_cadre_field_is_known() -> None:
    from cadrecore.models import Cadre

    for heading, name in SYNONYMS.items():
        if name in Cadre.model_fields:
            assert header_index("cadres")[normalize_header(heading)] == name


def _table(rows: list[list[Any]]) -> RawTable:
    return RawTable("roster.xlsx", "花名册", iter(list(enumerate(rows, 1))))


@settings(max_examples=100, deadline=None)
@given(
    kind_word=st.sampled_from(["类别", *(k for k, v in SUB_HEADINGS.items() if v == "类别")]),
    date_word=st.sampled_from(["时间", *(k for k, v in SUB_HEADINGS.items() if v == "时间")]),
    merged=st.booleans(),
    title=st.booleans(),
)
def test_a_parent_heading_combines_with_whatever_its_children_say(
    kind_word: str, date_word: str, merged: bool, title: bool
) -> None:
    """离退休 over 类别|时间 (or 类型|日期, 性质|年月...), merged or written once."""
    parent = ["姓名", "性别", "离退休", "离退休" if merged else None, "出生年月"]
    child = ["姓名" if merged else None, "性别" if merged else None, kind_word, date_word]
    child.append("出生年月" if merged else None)
    data = ["张三", "男", "退休", "2010.03", "1950.03"]
    rows = ([["××县离退休干部花名册"] * 5] if title else []) + [parent, child, data]
    plan = plan_table(_table(rows), list(enumerate(rows, 1)))
    assert not isinstance(plan, type(None)) and not hasattr(plan, "zh"), plan
    fields = {c.header: c.field for c in plan.columns}  # type: ignore[union-attr]
    assert fields[f"离退休/{kind_word}"] == "retirement_kind"
    assert fields[f"离退休/{date_word}"] == "retirement_date"
    assert fields["姓名"] == "name" and fields["出生年月"] == "birth_date"
    assert plan.header_rows == ((2, 3) if title else (1, 2))  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_words_clerks_write_are_read_however_spaced(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(sorted(VOCABULARIES)))
    vocabulary = VOCABULARIES[field]
    word = data.draw(st.sampled_from(sorted(vocabulary.words)))
    written = data.draw(spelled(word))
    assert vocabulary.read(written) == vocabulary.words[word]


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(sorted(VOCABULARIES)), text=st.text(min_size=1, max_size=8))
def test_a_word_not_understood_is_refused_listing_what_is_accepted(field: str, text: str) -> None:
    vocabulary = VOCABULARIES[field]
    if normalize_header(text).replace("*", "") in vocabulary.words or not text.strip():
        return
    try:
        vocabulary.read(text)
    except CellError as exc:
        assert exc.code == "value.not_understood"
        assert vocabulary.accepted.zh in exc.message.zh
    else:
        from cadrecore.io.roster import normalize_word

        assert normalize_word(text) in vocabulary.words


@settings(max_examples=200, deadline=None)
@given(
    word=st.sampled_from(["合计", "总计", "小计", "共计"]),
    spaces=SPACES,
    tail=st.text(max_size=6),
    first_empty=st.booleans(),
)
def test_total_rows_are_never_records(word: str, spaces: str, tail: str, first_empty: bool) -> None:
    cells: list[Any] = [None] if first_empty else []
    cells += [word[0] + spaces + word[1:], tail or None, None]
    assert skipped_row(cells) == "row.total"


@settings(max_examples=200, deadline=None)
@given(
    seq=st.integers(1, 5000),
    name=st.text(alphabet="王李张刘陈杨赵黄周吴建国秀英玉兰志强　 ", min_size=2, max_size=5),
)
def test_a_data_row_is_never_skipped(seq: int, name: str) -> None:
    if not name.strip():
        return
    assert skipped_row([seq, name, "男", "1950.03", "退休"]) is None
