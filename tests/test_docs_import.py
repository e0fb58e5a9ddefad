"""The roster import pages (docs/import.md, docs/zh/import.md) cannot drift from the importer.

- their generated tables are what ``docs/gen_import_headings.py`` writes now;
- every heading they list is accepted (``header_index("cadres")``) for the field listed beside
  it, every heading accepted is listed, and every synonym of a cadre's field is on both pages;
- the two-level headings, sub-headings and date parts they list are read as they say
  (``plan_table``), the words they list for 政治面貌/离退休类型/性别 too, and the dates;
- the reason codes they list are codes the code gives, and include every code the roster
  corpus expects; the options they list are the options of ``cadrecore import``;
- the example rosters shipped in ``examples/rosters/`` import exactly as their keys say (the
  corpus's own check, ``tests/rosters/check.py``), and are what ``examples/build_rosters.py``
  writes (the CSV byte for byte; the workbook, which holds the time it was saved, by importing).

The pages' Python samples run in ``tests/test_docs.py``, as every page's do.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cadrecore.io.dates import CellError, cell_date, is_month_only
from cadrecore.io.headings import (
    DATE_PARTS,
    SUB_HEADINGS,
    SYNONYMS,
    TablePlan,
    header_index,
    normalize_header,
    plan_table,
)
from cadrecore.io.importing import import_files
from cadrecore.io.roster import SKIPPED, VOCABULARIES
from cadrecore.io.tables import RawTable
from cadrecore.models import Cadre

from .rosters.check import key_failures
from .rosters.corpus import Roster, baode_2022, jingle_gbk_by_former_unit
from .test_roster_corpus import ROW_CODES, SKIP_CODES
from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"en": ROOT / "docs" / "import.md", "zh": ROOT / "docs" / "zh" / "import.md"}
LANGS = sorted(PAGES)
EXAMPLES = ROOT / "examples" / "rosters"
#: The rosters shipped in examples/rosters/ (examples/build_rosters.py writes them).
SHIPPED: list[Callable[[], Roster]] = [baode_2022, jingle_gbk_by_former_unit]
BACKTICKED = re.compile(r"`([^`]+)`")
CODE = re.compile(r"^[a-z_]+\.[a-z_0-9]+$")


def text(lang: str) -> str:
    return PAGES[lang].read_text(encoding="utf-8")


def block(lang: str, name: str) -> str:
    """The text between ``<!-- generated: NAME ... -->`` (or ``<!-- NAME -->``) and its end."""
    page = text(lang)
    found = re.search(
        rf"<!-- (?:generated: )?{name}\b[^\n]*-->\n(.*?)<!-- end (?:generated: )?{name} -->",
        page,
        re.S,
    )
    assert found is not None, f"{PAGES[lang].name}: no {name} block"
    return found[1]


def _separator(line: str) -> bool:
    return line.startswith("|") and set(line) <= set("|-: ")


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``markdown``, as lists of cells."""
    lines = markdown.splitlines()
    rows = []
    for i, line in enumerate(lines):
        if not line.startswith("|") or _separator(line):
            continue
        if i + 1 < len(lines) and _separator(lines[i + 1]):
            continue  # a table's heading row
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def items(cell: str) -> list[str]:
    """The headings or words a generated cell lists, each as code."""
    return BACKTICKED.findall(cell)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_import_headings", ROOT / "docs" / "gen_import_headings.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# =============================================================================================
# The generated tables, and what they say
# =============================================================================================


def test_the_generated_tables_are_up_to_date() -> None:
    for path, expected in generator().pages().items():
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.relative_to(ROOT)} is out of date: run `python docs/gen_import_headings.py` "
            "from the repository root"
        )


def listed_headings(lang: str) -> dict[str, list[str]]:
    """Each field of the headings table, with the headings the page lists for it."""
    listed: dict[str, list[str]] = {}
    for cells in table_rows(block(lang, "headings")):
        (field,) = BACKTICKED.findall(cells[0])
        listed[field] = items(cells[-1])
    return listed


@pytest.mark.parametrize("lang", LANGS)
def test_every_heading_listed_is_accepted_for_its_field(lang: str) -> None:
    index = header_index("cadres")
    listed = listed_headings(lang)
    assert list(listed) == list(Cadre.model_fields)
    for field, headings in listed.items():
        assert headings, field
        for heading in headings:
            assert index.get(normalize_header(heading)) == field, (lang, heading, field)
    # and nothing accepted is left out
    shown = {normalize_header(h) for headings in listed.values() for h in headings}
    assert set(index) <= shown


@pytest.mark.parametrize("lang", LANGS)
def test_every_synonym_of_a_cadre_field_is_on_the_page(lang: str) -> None:
    listed = listed_headings(lang)
    for heading, field in SYNONYMS.items():
        if field in Cadre.model_fields:
            assert heading in listed[field], (lang, heading, field)


def _plan(rows: list[list[Any]]) -> TablePlan:
    table = RawTable("roster.xlsx", "花名册", iter(list(enumerate(rows, 1))))
    plan = plan_table(table, list(enumerate(rows, 1)))
    assert isinstance(plan, TablePlan), plan
    return plan


def two_level_headings(lang: str) -> list[tuple[str, list[str], list[str]]]:
    """(parent, children, fields) of each row of the page's table of two-level headings."""
    over = " over " if lang == "en" else " 下分 "
    found = []
    for line in text(lang).splitlines():
        if line.startswith("| ") and over in line.split(" | ")[0]:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            parent, children = cells[0].split(over)
            found.append((parent, children.split(" \\| "), BACKTICKED.findall(cells[1])))
    return found


def _two_level_cases() -> list[Any]:
    cases = []
    for lang in LANGS:
        for parent, children, fields in two_level_headings(lang):
            for merged in (True, False):
                cases.append(
                    pytest.param(
                        parent,
                        children,
                        fields,
                        merged,
                        id=f"{lang}-{parent}-{'merged' if merged else 'written once'}",
                    )
                )
    return cases


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_list_the_two_level_headings_of_rosters_md(lang: str) -> None:
    listed = two_level_headings(lang)
    assert {parent for parent, _, _ in listed} == {"离退休", "出生", "联系方式", "党员情况"}
    assert listed == two_level_headings("en")  # the same on both pages


@pytest.mark.parametrize(("parent", "children", "fields", "merged"), _two_level_cases())
def test_the_two_level_headings_listed_are_read_as_the_pages_say(
    parent: str, children: list[str], fields: list[str], merged: bool
) -> None:
    """Merged across the children (and the other columns down both rows), or written once
    over the first child (and the other columns in the top row only)."""
    width = len(children)
    upper = ["姓名", "性别", parent, *([parent if merged else None] * (width - 1)), "民族"]
    lower = ["姓名" if merged else None, "性别" if merged else None, *children]
    lower.append("民族" if merged else None)
    plan = _plan([["××县离退休干部花名册"], upper, lower, ["张三", "男", *["1"] * width, "汉族"]])
    read = {c.header: c.field for c in plan.columns}
    expected = fields if len(fields) == width else fields * width
    for child, field in zip(children, expected, strict=True):
        assert read.get(f"{parent}/{child}") == field, (parent, child, read)


@pytest.mark.parametrize("lang", LANGS)
def test_the_sub_headings_and_date_parts_listed_are_read_so(lang: str) -> None:
    rows = table_rows(block(lang, "parts"))
    sub = [r for r in rows if r[1] in ("时间", "类别")]
    parts = [r for r in rows if r not in sub]
    listed_sub = {w: r[1] for r in sub for w in items(r[0])}
    assert listed_sub == SUB_HEADINGS
    fields = {"时间": "retirement_date", "类别": "retirement_kind"}
    for word, meaning in listed_sub.items():  # under 离退休, merged over both
        children = ["类别", word] if meaning == "时间" else [word, "时间"]
        upper = ["姓名", "性别", "离退休", "离退休", "民族"]
        plan = _plan(
            [upper, ["姓名", "性别", *children, "民族"], ["张三", "男", "退休", "1", "汉族"]]
        )
        assert {c.header: c.field for c in plan.columns}[f"离退休/{word}"] == fields[meaning]
    listed_parts = {w: BACKTICKED.findall(r[1])[0] for r in parts for w in items(r[0])}
    assert set(listed_parts) == set(DATE_PARTS)
    for heading, field in listed_parts.items():
        assert DATE_PARTS[heading][0] == field
    for parent, child in (("出生", "年"), ("出生", "月")):
        upper = ["姓名", "性别", parent, parent, "民族"]
        plan = _plan(
            [upper, ["姓名", "性别", "年", "月", "民族"], ["张三", "男", "1950", "3", "汉族"]]
        )
        column = {c.header: c for c in plan.columns}[f"{parent}/{child}"]
        assert (column.field, column.part) == DATE_PARTS[parent + child]


@pytest.mark.parametrize("lang", LANGS)
def test_the_words_listed_are_read_as_the_page_says(lang: str) -> None:
    listed: dict[str, set[str]] = {field: set() for field in VOCABULARIES}
    for cells in table_rows(block(lang, "words")):
        field = BACKTICKED.findall(cells[0])[0]
        row = items(cells[1])
        readings = [VOCABULARIES[field].read(word) for word in row]
        assert all(r == readings[0] for r in readings), (lang, field, row)
        listed[field] |= set(row)
    for field, vocabulary in VOCABULARIES.items():
        assert listed[field] == set(vocabulary.words), field


#: The text forms the pages list, and what they are read as.
DAYS = ("1950-03-17", "1950-3-17", "1950.3.17", "1950/03/17", "1950年3月17日", "19500317")
MONTHS = ("1950.03", "1950.3", "1950-3", "1950/03", "1950年3月", "195003", "１９５０．０３")
REFUSED = ("1950", "1950-02-30", "1950.13", "1950年3月17号")


@pytest.mark.parametrize("lang", LANGS)
def test_the_dates_listed_are_read_as_the_page_says(lang: str) -> None:
    page = text(lang)
    for form in DAYS + MONTHS + REFUSED:
        assert f"`{form}`" in page, (lang, form)
    for form in DAYS:
        assert cell_date(form) == date(1950, 3, 17)
    for form in MONTHS:
        assert cell_date(form) == date(1950, 3, 1) and is_month_only(form)
    for number in (1950.03, 195003):
        assert cell_date(number) == date(1950, 3, 1)
    assert cell_date(19500317) == cell_date("18339") == cell_date(18339) == date(1950, 3, 17)
    for refused in (*REFUSED, 1950.1, 1950):
        with pytest.raises(CellError) as raised:
            cell_date(refused)
        assert raised.value.code == "date.unreadable"


@pytest.mark.parametrize("lang", LANGS)
def test_the_rows_numbering_the_columns_listed_are_passed_over(lang: str) -> None:
    from cadrecore.io.roster import is_column_numbers

    forms = {"1": "{}", "(1)": "({})", "（1）": "（{}）", "①": None}
    page = text(lang)
    for first, form in forms.items():
        assert f"`{first}`" in page, (lang, first)
        row = ["①", "②", "③"] if form is None else [form.format(n) for n in (1, 2, 3)]
        assert is_column_numbers(row), row
    assert is_column_numbers([1, 2, 3]) and not is_column_numbers([1, 2])


@pytest.mark.parametrize("lang", LANGS)
def test_the_gaps_the_pages_own_to_are_still_gaps(lang: str) -> None:
    """What "not covered" says, held to the code: when one of these starts to fail, the importer
    covers it, and the pages must say so (and this test change)."""
    page = text(lang)
    assert "`共青团员`" in page
    with pytest.raises(CellError):
        VOCABULARIES["party_status"].read("共青团员")
    assert "`王明（已故）`" in page


# =============================================================================================
# Codes and options
# =============================================================================================


def _source_strings() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "src" / "cadrecore").rglob("*.py")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_codes_listed_are_the_codes_given(lang: str) -> None:
    listed = {c for c in BACKTICKED.findall(block(lang, "codes")) if CODE.match(c)}
    source = _source_strings()
    for code in listed:
        assert f'"{code}"' in source, f"{code} is listed on the {lang} page but never given"
    corpus = ROW_CODES | SKIP_CODES | {"column.unknown", "column.missing"}
    corpus |= {"birth.month_from_id", "county.from_filer"} | set(SKIPPED)
    assert corpus <= listed, corpus - listed


@pytest.mark.parametrize("lang", LANGS)
def test_every_row_passed_over_is_on_the_page(lang: str) -> None:
    for code in SKIPPED:
        assert f"| `{code}` |" in text(lang), code


@pytest.mark.parametrize("lang", LANGS)
def test_the_options_listed_are_those_of_cadrecore_import(lang: str) -> None:
    import typer.main

    from cadrecore.cli import app

    command = typer.main.get_command(app).commands["import"]  # type: ignore[attr-defined]
    options = {p.opts[0] for p in command.params if p.param_type_name == "option"}
    listed = set()
    for line in text(lang).splitlines():
        found = re.match(r"^\| `(--[a-z-]+)[^`]*` \|", line)
        if found:
            listed.add(found[1])
    assert listed == options


# =============================================================================================
# The example rosters
# =============================================================================================


@pytest.mark.parametrize("make", SHIPPED, ids=lambda m: m.__name__)
def test_the_shipped_rosters_import_as_their_keys_say(
    make: Callable[[], Roster], xinzhou: Any
) -> None:
    roster = make()
    path = EXAMPLES / roster.path_suffix
    assert path.is_file(), f"{path} is missing: run python examples/build_rosters.py"
    outcome = import_files([path], base=xinzhou, keep_good=True, unit=roster.unit)
    failures = key_failures(roster, outcome)
    assert not failures, f"{path.name}:\n" + "\n".join(failures)


def _read(path: Path, base: Any, unit: str | None) -> tuple[Any, ...]:
    """What importing ``path`` gives, with the file's own name left out."""
    outcome = import_files([path], base=base, keep_good=True, unit=unit)

    def said(problems: list[Any]) -> list[tuple[Any, ...]]:
        shown = str(path)
        return [
            (
                p.code,
                p.location.sheet,
                p.location.row,
                p.location.column,
                p.location.field,
                p.message.zh.replace(shown, ""),
                p.message.en.replace(shown, ""),
            )
            for p in problems
        ]

    return (
        outcome.summary(),
        [
            (i.kind, i.key, i.record, i.source.number if i.source else None)
            for i in outcome.imported
        ],
        said(outcome.problems),
        said(outcome.notes),
    )


def test_the_shipped_rosters_are_what_the_script_writes(tmp_path: Path, xinzhou: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CADRECORE_LOAD_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "examples/build_rosters.py", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in EXAMPLES.iterdir() if p.name != "README.md")
    assert built == sorted(make().path_suffix for make in SHIPPED)
    for make in SHIPPED:
        roster = make()
        fresh, shipped = tmp_path / roster.path_suffix, EXAMPLES / roster.path_suffix
        if fresh.suffix == ".csv":
            assert fresh.read_bytes() == shipped.read_bytes(), roster.path_suffix
        else:
            assert _read(fresh, xinzhou, roster.unit) == _read(shipped, xinzhou, roster.unit)


def test_the_pages_and_the_readme_name_the_shipped_rosters() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for make in SHIPPED:
        name = make().path_suffix
        assert name in readme
        for lang in LANGS:
            assert f"examples/rosters/{name}" in text(lang), (lang, name)
