"""The art academy plugin: its registrations, its details model, and a ledger round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import cadrecore_art_academy as plugin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import cadrecore
from cadrecore.io.cells import to_cell
from cadrecore.models import Cadre, Jurisdiction, ServiceRecord, Unit
from cadrecore.plugins import PluginManager
from cadrecore.testing import assert_plugin_conforms

KEY = "art_academy.enrolment"

VALID: dict[str, Any] = {
    "class_name": "山水画提高班",
    "discipline": "国画",
    "term": "2022春",
    "capacity": 30,
    "sessions_planned": 24,
    "sessions_attended": 20,
}


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


def test_the_plugin_conforms() -> None:
    assert_plugin_conforms(plugin)


def test_registers_its_keys_stamped_with_its_name(registry: cadrecore.Registry) -> None:
    assert registry.service_types.owner(KEY) == "art_academy"
    service_type = registry.service_types.get(KEY)
    assert service_type.details is plugin.EnrolmentDetails
    assert service_type.department.zh == "市供销社"
    assert registry.activity_kinds.keys_of("art_academy") == (
        "art_academy.exhibition",
        "art_academy.class_session",
    )
    assert registry.activity_kinds.get("art_academy.exhibition").scope == "unit"
    assert registry.activity_kinds.get("art_academy.class_session").scope == "unit"


def test_without_the_plugin_the_key_is_unknown(cadrecore_registry: cadrecore.Registry) -> None:
    assert KEY not in cadrecore_registry.service_types
    with pytest.raises(cadrecore.UnknownKeyError, match=KEY):
        cadrecore_registry.service_types.get(KEY)


def test_valid_details_validate_with_chinese_labels_and_aliases() -> None:
    details = plugin.EnrolmentDetails.model_validate(VALID)
    assert details.discipline is plugin.Discipline.CHINESE_PAINTING
    assert details.attendance_rate == pytest.approx(20 / 24)
    by_chinese_columns = plugin.EnrolmentDetails.model_validate(
        {"班级": "楷书基础班", "专业": "书法", "学期": "2022秋", "班额": "25", "计划课次": "20"}
    )
    assert by_chinese_columns.discipline is plugin.Discipline.CALLIGRAPHY
    assert by_chinese_columns.sessions_attended == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sessions_attended": 25}, "sessions_attended \\(25\\) exceeds sessions_planned \\(24\\)"),
        ({"capacity": 0}, "greater than 0"),
        ({"term": "2022年"}, "should match pattern"),
        ({"discipline": "雕塑"}, "discipline"),
        ({"class_name": ""}, "at least 1 character"),
        ({"teacher": "王老师"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_details_fail_with_a_clear_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plugin.EnrolmentDetails.model_validate(VALID | change)


def test_details_dump_to_csv_scalars() -> None:
    dumped = plugin.EnrolmentDetails.model_validate(VALID).model_dump(mode="json")
    assert all(isinstance(v, str | int) for v in dumped.values())


@given(
    planned=st.integers(min_value=0, max_value=400),
    data=st.data(),
    discipline=st.sampled_from(list(plugin.Discipline)),
)
def test_details_survive_the_csv_cells(
    planned: int, data: st.DataObject, discipline: plugin.Discipline
) -> None:
    attended = data.draw(st.integers(min_value=0, max_value=planned))
    details = plugin.EnrolmentDetails(
        class_name="花鸟画班",
        discipline=discipline,
        term="2021秋",
        capacity=40,
        sessions_planned=planned,
        sessions_attended=attended,
    )
    cells = {k: to_cell(v) for k, v in details.model_dump(mode="json").items()}
    assert plugin.EnrolmentDetails.model_validate(cells) == details


def _ledger(registry: cadrecore.Registry) -> cadrecore.Ledger:
    context = {"registry": registry}
    units = (
        Unit(id="c", name="某市", level="city", kind="government"),
        Unit(id="c.coop", name="市供销社", level="city", kind="department", parent_id="c"),
    )
    cadre = Cadre(
        id="c.0001",
        name="测试甲",
        birth_date=date(1950, 3, 1),
        joined_work=date(1968, 9, 1),
        retirement_kind="tuixiu",
        retirement_date=date(2010, 3, 1),
        former_unit="市供销社",
        county_id="c",
        synthetic=True,
    )
    records = tuple(
        ServiceRecord.model_validate(data, context=context)
        for data in (
            {
                "id": "aa.0001",
                "service_type": KEY,
                "cadre_id": "c.0001",
                "provider_unit_id": "c.coop",
                "state": "rated",
                "requested": "2022-02-20",
                "delivered": "2022-06-30",
                "rating": 5,
                "details": plugin.EnrolmentDetails.model_validate(VALID).model_dump(mode="json"),
            },
            {
                "id": "aa.0002",
                "service_type": KEY,
                "cadre_id": "c.0001",
                "provider_unit_id": "c.coop",
                "state": "cancelled",
                "requested": "2022-08-20",
                "reason": "住院",
                "details": plugin.EnrolmentDetails.model_validate(
                    VALID | {"term": "2022秋", "sessions_attended": 0}
                ).model_dump(mode="json"),
            },
        )
    )
    return cadrecore.Ledger(
        registry=registry,
        jurisdiction=Jurisdiction(id="c", name="某市", root_unit_id="c", synthetic=True),
        units=units,
        cadres=(cadre,),
        service_records=records,
    )


def test_a_ledger_round_trips_through_a_folder(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    ledger = _ledger(registry)
    folder = ledger.save(tmp_path / "ledger")
    assert (folder / "services" / f"{KEY}.csv").read_text(encoding="utf-8").startswith("id,")
    loaded = cadrecore.load_ledger(folder, registry=registry)
    assert loaded.service_records == ledger.service_records
    rated = loaded.service_records_of(KEY)[0]
    assert plugin.EnrolmentDetails.model_validate(rated.details).sessions_attended == 20


def test_a_folder_with_bad_details_names_the_file_row_and_field(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    folder = _ledger(registry).save(tmp_path / "ledger")
    csv_file = folder / "services" / f"{KEY}.csv"
    csv_file.write_text(
        csv_file.read_text(encoding="utf-8").replace(",20\n", ",99\n"), encoding="utf-8"
    )
    with pytest.raises(cadrecore.LedgerError, match=r"第 2 行.*出勤课次（99）多于计划课次（24）"):
        cadrecore.load_ledger(folder, registry=registry)
