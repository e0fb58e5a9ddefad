"""Typed details (issue #25, item 1): a service type's records reach every hook and rule with
their details as its model's instance, checked once when the ledger is built (from records, a
folder or a store); their stored form is the model's JSON form, as before."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field

import cadrecore
from cadrecore import Ledger, ServiceType, Text, hookimpl
from cadrecore.io.xlsx import export_xlsx
from cadrecore.models import ServiceRecord, details_of, plain_details
from cadrecore.plugins import PluginManager
from cadrecore.rules import Finding, Rule, RuleContext, evaluate
from cadrecore.sample import small_ledger
from cadrecore.store import open_store


class ExamDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hospital: str = Field(min_length=1, title="体检医院")
    booked: date | None = None


SEEN: list[Any] = []


def booked_late(ctx: RuleContext) -> Iterator[Finding]:
    for record in ctx.ledger.service_records_of(ctx.key("exam")):
        SEEN.append(record.details)
        details = details_of(record, ExamDetails)  # (as it is: typed for mypy)
        if details.booked is not None and details.booked > record.requested:
            yield ctx.finding(("service_records", record.id), "late", Text("晚", "late"))


class Health:
    NAMESPACE = "health"

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="exam",
                label=Text("体检", "exam"),
                department=Text("卫健委", "health commission"),
                details=ExamDetails,
            )
        )

    @hookimpl
    def register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule(key="booked", title=Text("预约", "booked"), check=booked_late))

    @hookimpl
    def validate_service_record(
        self, record: ServiceRecord, service_type: ServiceType, ledger: Ledger
    ) -> list[Text] | None:
        SEEN.append(record.details)
        return None


@pytest.fixture
def ledger(cadrecore_pm: PluginManager, register_plugin: Callable[..., str]) -> Ledger:
    register_plugin(Health())
    base = small_ledger(2022, registry=cadrecore.get_registry(cadrecore_pm))
    cadres = [c.id for c in base.cadres][:3]
    unit = base.units[0].id
    records = [
        {
            "id": f"ex.{n}",
            "service_type": "health.exam",
            "cadre_id": cadre,
            "provider_unit_id": unit,
            "requested": "2022-03-01",
            "details": {"hospital": "市人民医院", "booked": f"2022-03-0{n + 1}"},
        }
        for n, cadre in enumerate(cadres)
    ]
    return base.replace(service_records=records)


def test_details_are_the_models_instance_checked_once(ledger: Ledger) -> None:
    SEEN.clear()
    report = evaluate(ledger, year=2022, rules=["health::*"])
    assert report.errored == ()
    assert [f.subject.id for f in report.findings] == ["ex.1", "ex.2"]
    assert SEEN and all(isinstance(d, ExamDetails) for d in SEEN)
    first = ledger.service_records[0]
    assert isinstance(first.details, ExamDetails) and first.details.booked == date(2022, 3, 1)
    assert details_of(first, ExamDetails) is first.details
    assert ExamDetails.model_validate(first.details) is first.details  # nothing checked again
    assert plain_details(first) == {"hospital": "市人民医院", "booked": "2022-03-01"}
    assert first.model_dump(mode="json")["details"] == plain_details(first)
    assert ledger.replace().service_records[0].details is first.details  # kept as it is


def test_details_the_model_refuses_are_problems_naming_the_field(ledger: Ledger) -> None:
    bad = ledger.service_records[0].model_copy(update={"details": {"hospital": ""}})
    with pytest.raises(cadrecore.LedgerError) as exc:
        ledger.replace(service_records=(bad,))
    assert any(p.location.field == "details.hospital" for p in exc.value.problems)


def test_details_read_as_a_dict_still_work_with_a_deprecation_warning(ledger: Ledger) -> None:
    details: Any = ledger.service_records[0].details
    with pytest.warns(DeprecationWarning, match=r"record.details.<field>"):
        assert details["booked"] == "2022-03-01"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert details.get("missing", 1) == 1 and "hospital" in details


def test_typed_through_a_folder_and_a_store(ledger: Ledger, tmp_path: Path) -> None:
    folder = ledger.save(tmp_path / "ledger")
    loaded = cadrecore.load_ledger(folder, registry=ledger.registry)
    assert loaded == ledger
    assert all(isinstance(r.details, ExamDetails) for r in loaded.service_records)
    with open_store(tmp_path / "store.sqlite") as store:
        store.save(ledger, actor="test")
        assert store.save(store.load(registry=ledger.registry), actor="test").changes == 0
        for read in (store.load(registry=ledger.registry), store.open(registry=ledger.registry)):
            assert all(isinstance(r.details, ExamDetails) for r in read.service_records)
            assert [plain_details(r) for r in read.service_records] == [
                plain_details(r) for r in ledger.service_records
            ]
        one = store.open(registry=ledger.registry).get("service_records", "ex.0")
        assert isinstance(one.details, ExamDetails)
        columns = store.open(registry=ledger.registry).columns("service_records", "id", "details")
        assert columns == ledger.columns("service_records", "id", "details")
        assert all(isinstance(details, ExamDetails) for _, details in columns)


def test_the_workbook_heads_a_detail_with_its_chinese_label(ledger: Ledger, tmp_path: Path) -> None:
    book = load_workbook(export_xlsx(ledger, tmp_path / "ledger.xlsx", unmask=True))
    sheet = next(s for s in book.worksheets if "health.exam" in s.title)
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "体检医院" in header and "booked" in header
