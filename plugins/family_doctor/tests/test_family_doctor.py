"""The family doctor plugin: its registration, its details model, and a ledger round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cadrecore_family_doctor as plugin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import cadrecore
from cadrecore.io.cells import to_cell
from cadrecore.models import Cadre, Jurisdiction, ServiceRecord, Unit
from cadrecore.plugins import PluginManager
from cadrecore.testing import assert_plugin_conforms

KEY = "family_doctor.contract"

VALID: dict[str, Any] = {
    "doctor": "测试医生",
    "clinic": "某社区卫生服务中心",
    "contract_start": "2022-01-01",
    "contract_end": "2022-12-31",
    "visit_every_months": 3,
    "visits": "2022-06-28;2022-03-30;2022-09-27",
}


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


def test_the_plugin_conforms() -> None:
    assert_plugin_conforms(plugin)


def test_registers_its_key_stamped_with_its_name(registry: cadrecore.Registry) -> None:
    assert registry.service_types.keys_of("family_doctor") == (KEY,)
    assert registry.service_types.owner(KEY) == "family_doctor"
    service_type = registry.service_types.get(KEY)
    assert service_type.details is plugin.ContractDetails
    assert service_type.department.zh == "市委老干部局"


def test_without_the_plugin_the_key_is_unknown(cadrecore_registry: cadrecore.Registry) -> None:
    assert KEY not in cadrecore_registry.service_types


def test_valid_details_validate_and_visits_come_in_order() -> None:
    details = plugin.ContractDetails.model_validate(VALID)
    assert details.visits == (date(2022, 3, 30), date(2022, 6, 28), date(2022, 9, 27))
    assert details.model_dump(mode="json")["visits"] == ["2022-03-30", "2022-06-28", "2022-09-27"]
    chinese = plugin.ContractDetails.model_validate(
        {
            "签约医生": "测试医生",
            "医疗机构": "某卫生院",
            "签约起始日期": "2022年3月1日",
            "签约截止日期": "2023.2.28",
            "随访间隔月数": "1",
        }
    )
    assert chinese.visits == ()
    assert chinese.contract_end == date(2023, 2, 28)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"contract_end": "2021-12-31"}, "contract_end \\(2021-12-31\\) must be after"),
        ({"contract_end": "2022-01-01"}, "must be after contract_start"),
        ({"visits": "2023-01-05"}, "visits 2023-01-05 fall outside the contract"),
        ({"visits": "2022-03-30;2022-03-30"}, "the same date twice"),
        ({"visit_every_months": 0}, "greater than or equal to 1"),
        ({"doctor": ""}, "at least 1 character"),
        ({"visits": "下周"}, "visits.0"),
    ],
)
def test_invalid_details_fail_with_a_clear_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plugin.ContractDetails.model_validate(VALID | change)


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    length=st.integers(min_value=1, max_value=3 * 366),
    offsets=st.sets(st.integers(min_value=0, max_value=3 * 366), max_size=12),
)
def test_details_survive_the_csv_cells(start: date, length: int, offsets: set[int]) -> None:
    end = start + timedelta(days=length)
    details = plugin.ContractDetails(
        doctor="医生",
        clinic="卫生院",
        contract_start=start,
        contract_end=end,
        visit_every_months=2,
        visits=tuple(start + timedelta(days=o) for o in offsets if o <= length),
    )
    cells = {k: to_cell(v) for k, v in details.model_dump(mode="json").items() if v != []}
    assert plugin.ContractDetails.model_validate(cells) == details


def _ledger(registry: cadrecore.Registry) -> cadrecore.Ledger:
    context = {"registry": registry}
    cadre = Cadre(
        id="c.0001",
        name="测试丙",
        birth_date=date(1936, 1, 9),
        joined_work=date(1954, 9, 1),
        retirement_kind="tuixiu",
        retirement_date=date(1996, 1, 9),
        county_id="c",
        synthetic=True,
    )
    contracts = (
        ("fd.0001", "delivered", VALID),
        (
            "fd.0002",
            "requested",
            VALID | {"contract_start": "2023-01-01", "contract_end": "2023-12-31", "visits": ""},
        ),
    )
    records = tuple(
        ServiceRecord.model_validate(
            {
                "id": record_id,
                "service_type": KEY,
                "cadre_id": cadre.id,
                "provider_unit_id": "c.vcb",
                "state": state,
                "requested": "2021-12-20",
                "delivered": "2022-01-01" if state == "delivered" else None,
                "details": plugin.ContractDetails.model_validate(data).model_dump(mode="json"),
            },
            context=context,
        )
        for record_id, state, data in contracts
    )
    return cadrecore.Ledger(
        registry=registry,
        jurisdiction=Jurisdiction(id="c", name="某市", root_unit_id="c", synthetic=True),
        units=(
            Unit(id="c", name="某市", level="city", kind="government"),
            Unit(
                id="c.vcb",
                name="市委老干部局",
                level="city",
                kind="veteran_cadre_bureau",
                parent_id="c",
            ),
        ),
        cadres=(cadre,),
        service_records=records,
    )


def test_a_ledger_round_trips_through_a_folder(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    ledger = _ledger(registry)
    folder = ledger.save(tmp_path / "ledger")
    loaded = cadrecore.load_ledger(folder, registry=registry)
    assert loaded.service_records == ledger.service_records
    first, second = (
        plugin.ContractDetails.model_validate(r.details) for r in loaded.service_records_of(KEY)
    )
    assert len(first.visits) == 3
    assert second.visits == ()


def test_a_folder_with_a_visit_outside_the_contract_names_the_row(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    folder = _ledger(registry).save(tmp_path / "ledger")
    csv_file = folder / "services" / f"{KEY}.csv"
    csv_file.write_text(
        csv_file.read_text(encoding="utf-8").replace("2022-09-27", "2023-09-27"), encoding="utf-8"
    )
    with pytest.raises(cadrecore.LedgerError, match=r"第 2 行.*不在签约期"):
        cadrecore.load_ledger(folder, registry=registry)
