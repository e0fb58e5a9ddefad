"""Exporting a ledger to .xlsx and back, and cells no spreadsheet runs as formulas."""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cadrecore import Ledger, Registry
from cadrecore.io.cell_text import (
    FORMULA_STARTS,
    from_sheet_text,
    protect,
    to_sheet_text,
    unprotect,
)
from cadrecore.io.importing import import_files
from cadrecore.io.xlsx import JURISDICTION_SHEET, META_SHEET, export_xlsx
from cadrecore.models import RECORD_KINDS, Waiver
from cadrecore.sample import small_ledger

try:
    from cadrecore import strategies as cst
except ImportError:  # pragma: no cover - strategies are optional
    cst = None  # type: ignore[assignment]

PLUGINS = ("cadrecore_medicine_kits", "cadrecore_family_doctor", "cadrecore_art_academy")


def first_difference(a: Ledger, b: Ledger) -> str:
    """Where two ledgers differ first, to read in a failure."""
    for name in type(a).model_fields:
        left, right = getattr(a, name), getattr(b, name)
        if left == right:
            continue
        if not isinstance(left, tuple):
            return f"{name}: {left!r} != {right!r}"
        if len(left) != len(right):
            return f"{name}: {len(left)} records != {len(right)}"
        for x, y in zip(left, right, strict=True):
            if x != y:
                fields = [f for f in type(x).model_fields if getattr(x, f) != getattr(y, f)]
                return f"{name}: {[(f, getattr(x, f), getattr(y, f)) for f in fields]}"
    return ""


def round_trip(ledger: Ledger, path: Path, registry: Registry | None = None) -> Ledger:
    export_xlsx(ledger, path, unmask=True)
    outcome = import_files([path], registry=registry or ledger.registry)
    notes = [n.render("en") for n in outcome.notes]
    assert outcome.ok, ([p.render("en") for p in outcome.problems[:5]], notes)
    assert outcome.ledger is not None
    assert not notes, notes
    return outcome.ledger


def test_the_sample_ledger_round_trips(tmp_path: Path) -> None:
    ledger = small_ledger(2022)
    assert round_trip(ledger, tmp_path / "ledger.xlsx") == ledger


def test_a_sheet_per_kind_with_chinese_headers(tmp_path: Path) -> None:
    path = export_xlsx(small_ledger(2022), tmp_path / "ledger.xlsx")
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == [
        JURISDICTION_SHEET,
        *(k.label.zh for k in RECORD_KINDS if k.name != "service_records"),
        META_SHEET,
    ]
    cadres = workbook["老干部"]
    header = next(cadres.iter_rows(max_row=1, values_only=True))
    assert header[:5] == ("编号", "姓名", "性别", "民族", "出生日期")  # (姓名, as on a roster)
    first = next(cadres.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[header.index("离退休类型")] == "退休"  # a closed set by its Chinese name
    assert workbook[META_SHEET].sheet_state == "hidden"


def test_every_kind_has_distinct_headers_that_map_back() -> None:
    from cadrecore.io.spreadsheet import header_index, normalize_header
    from cadrecore.io.xlsx import PERSON_KINDS, header_of

    for kind in RECORD_KINDS:
        person = kind.name in PERSON_KINDS
        headers = [header_of(name, person=person) for name in kind.model.model_fields]
        assert len(set(headers)) == len(headers), kind.name
        index = header_index(kind.name)
        assert [index[normalize_header(h)] for h in headers] == list(kind.model.model_fields)


def test_importing_an_export_into_the_same_ledger_changes_nothing(tmp_path: Path) -> None:
    ledger = small_ledger(2022)
    path = export_xlsx(ledger, tmp_path / "ledger.xlsx", unmask=True)
    outcome = import_files([path], base=ledger)
    assert outcome.ledger == ledger
    assert outcome.summary()["unchanged"] == sum(ledger.counts().values())


@pytest.fixture
def plugin_registry(
    register_plugin: Callable[..., str], cadrecore_registry: Registry, cadrecore_pm: Any
) -> Registry:
    """The built-ins and the bundled department plugins that bring service types."""
    from cadrecore import get_registry

    for name in PLUGINS:
        try:
            register_plugin(importlib.import_module(name), name=name)
        except ImportError:  # pragma: no cover - the plugins are installed with the tests
            continue
    return get_registry(cadrecore_pm)


@pytest.mark.skipif(cst is None, reason="cadrecore.strategies is not available")
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_ledger_round_trips(tmp_path: Path, plugin_registry: Registry, data: Any) -> None:
    ledger = data.draw(cst.ledgers(plugin_registry))
    back = round_trip(ledger, tmp_path / "ledger.xlsx", plugin_registry)
    assert not first_difference(ledger, back), first_difference(ledger, back)


# ---------------------------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------------------------

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "'=1", "'", "=HYPERLINK()"]


def test_text_that_a_spreadsheet_would_run_is_written_as_text(tmp_path: Path) -> None:
    ledger = small_ledger(2022)
    waivers = tuple(
        Waiver.model_validate(
            {
                "id": f"w{i}",
                "rule": "builtin::*",
                "effective_from": "2022-01-01",
                "reason": "理由" + text,
                "approved_by": text,
            }
        )  # validated: the model strips a tab or carriage return off the ends
        for i, text in enumerate(DANGEROUS)
    )
    changed = ledger.replace(waivers=waivers)
    path = export_xlsx(changed, tmp_path / "ledger.xlsx")
    sheet = load_workbook(path)["豁免"]
    for row in range(2, len(DANGEROUS) + 2):
        written = sheet[f"H{row}"]
        assert written.data_type == "s"
        assert not written.value or str(written.value)[0] not in FORMULA_STARTS
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)
    back = round_trip(changed, tmp_path / "again.xlsx")
    assert [w.approved_by for w in back.waivers] == [w.approved_by for w in waivers]
    assert back == changed


@given(st.text())
def test_protecting_cell_text_is_undone_exactly(text: str) -> None:
    assert unprotect(protect(text)) == text
    assert from_sheet_text(to_sheet_text(text)) == text
    assert not protect(text) or protect(text)[0] not in FORMULA_STARTS


# ---------------------------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------------------------


def with_personal_data(ledger: Ledger) -> Ledger:
    from cadrecore.models.cadres import national_id_check_char

    first = ledger.cadres[0]
    first17 = f"140902{first.birth_date:%Y%m%d}{124 if first.gender == '女' else 123}"
    cadre = type(first).model_validate(
        {
            **first.model_dump(),
            "national_id": first17 + national_id_check_char(first17),
            "phone": "13912345678",
            "address": "忻州市忻府区和平街道3号楼",
        }
    )
    return ledger.replace(cadres=(cadre, *ledger.cadres[1:]))


def test_personal_data_is_masked_unless_asked_for(tmp_path: Path) -> None:
    ledger = with_personal_data(small_ledger(2022))
    masked = export_xlsx(ledger, tmp_path / "masked.xlsx")
    sheet = load_workbook(masked, read_only=True)["老干部"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    first = ledger.cadres[0]
    assert row["身份证号"] == "140902" + "*" * 12  # the region code only (see privacy.py)
    assert row["出生日期"] == f"{first.birth_date:%Y-%m}-**"
    assert row["联系电话"] == "139****5678"
    assert row["离退休时间"] == f"{first.retirement_date:%Y-%m}-**"  # (retired on a birthday?)
    # a masked workbook cannot be imported back over the clear values
    outcome = import_files([masked], base=ledger)
    assert not outcome.ok
    headings = ("出生日期", "身份证号", "联系电话", "住址", "离退休时间")
    letters = {get_column_letter(header.index(h) + 1) for h in headings}
    assert {p.location.column for p in outcome.problems} == letters
    assert all("masked" in p.message.en for p in outcome.problems)
    assert round_trip(ledger, tmp_path / "clear.xlsx") == ledger
