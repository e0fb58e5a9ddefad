"""The medicine kit plugin: its registration, its details model, eligibility, a round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cadrecore_medicine_kits as plugin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import cadrecore
from cadrecore.io.cells import to_cell
from cadrecore.models import Cadre, Jurisdiction, ServiceRecord, Unit, details_of
from cadrecore.plugins import PluginManager
from cadrecore.testing import assert_plugin_conforms

KEY = "medicine_kits.kit"

VALID: dict[str, Any] = {
    "kit_no": "MT-2022-001",
    "medicines": "硝酸甘油:2023-05-31;速效救心丸:2024-01-31;创可贴:2025-12-31",
    "last_checked": "2022-09-15",
}


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


def _cadre(**changes: Any) -> Cadre:
    data: dict[str, Any] = {
        "id": "c.0001",
        "name": "测试乙",
        "birth_date": date(1948, 5, 2),
        "joined_work": date(1966, 7, 1),
        "retirement_kind": "tuixiu",
        "retirement_date": date(2008, 5, 2),
        "former_unit": "市煤炭局",
        "county_id": "c",
        "synthetic": True,
    }
    return Cadre.model_validate(data | changes)


def test_the_plugin_conforms() -> None:
    assert_plugin_conforms(plugin)


def test_registers_its_key_stamped_with_its_name(registry: cadrecore.Registry) -> None:
    assert registry.service_types.keys_of("medicine_kits") == (KEY,)
    assert registry.service_types.owner(KEY) == "medicine_kits"
    service_type = registry.service_types.get(KEY)
    assert service_type.details is plugin.KitDetails
    assert service_type.department.zh == "市煤炭局"
    assert service_type.eligible is plugin.eligible


def test_without_the_plugin_the_key_is_unknown(cadrecore_registry: cadrecore.Registry) -> None:
    assert KEY not in cadrecore_registry.service_types


def test_only_living_coal_system_retirees_are_eligible() -> None:
    day = date(2022, 6, 1)
    assert plugin.eligible(_cadre(), day)
    assert plugin.eligible(_cadre(former_unit="轩岗煤电公司煤炭运销处"), day)
    assert not plugin.eligible(_cadre(former_unit="市供销社"), day)
    assert not plugin.eligible(_cadre(deceased=date(2021, 1, 5)), day)
    assert plugin.eligible(_cadre(deceased=date(2022, 6, 2)), day)


def test_valid_details_parse_medicines_and_their_expiry() -> None:
    details = plugin.KitDetails.model_validate(VALID)
    assert [m.name for m in details.medicines] == ["硝酸甘油", "速效救心丸", "创可贴"]
    assert details.medicines[0].expires == date(2023, 5, 31)
    day = date(2023, 6, 1)
    assert [m.name for m in details.expired_on(day)] == ["硝酸甘油"]
    assert [m.name for m in details.expiring_within(day, 244)] == ["速效救心丸"]
    assert details.model_dump(mode="json")["medicines"] == [
        "硝酸甘油:2023-05-31",
        "速效救心丸:2024-01-31",
        "创可贴:2025-12-31",
    ]
    chinese = plugin.KitDetails.model_validate(
        {"药箱编号": "MT-7", "药品": "硝酸甘油：2023年5月31日、藿香正气水:2023.8.1"}
    )
    assert chinese.medicines[1].expires == date(2023, 8, 1)
    assert chinese.last_checked is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"medicines": "硝酸甘油"}, "expected 'name:expiry date'"),
        ({"medicines": "硝酸甘油:2023-02-30"}, "medicines.0.expires"),
        ({"medicines": ""}, "at least 1 item"),
        ({"medicines": "硝酸甘油:2023-05-31;硝酸甘油:2024-05-31"}, "硝酸甘油 more than once"),
        ({"kit_no": "编号 1"}, "should match pattern"),
        ({"last_checked": "去年"}, "last_checked"),
    ],
)
def test_invalid_details_fail_with_a_clear_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plugin.KitDetails.model_validate(VALID | change)


names = st.text(
    alphabet=st.sampled_from("硝酸甘油速效救心丸阿司匹林创可贴碘伏棉签"), min_size=1, max_size=8
)


@given(
    medicines=st.dictionaries(
        names, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), min_size=1
    ),
    checked=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_details_survive_the_csv_cells(medicines: dict[str, date], checked: date | None) -> None:
    details = plugin.KitDetails(
        kit_no="K1",
        medicines=tuple(plugin.Medicine(name=n, expires=d) for n, d in medicines.items()),
        last_checked=checked,
    )
    cells = {
        k: to_cell(v) for k, v in details.model_dump(mode="json").items() if v not in (None, [])
    }
    assert plugin.KitDetails.model_validate(cells) == details


def _ledger(registry: cadrecore.Registry) -> cadrecore.Ledger:
    context = {"registry": registry}
    issued = date(2021, 3, 10)
    kits = (
        ("mk.0001", "delivered", plugin.KitDetails.model_validate(VALID)),
        (
            "mk.0002",
            "delivered",
            plugin.KitDetails.model_validate(
                {"kit_no": "MT-2022-002", "medicines": "碘伏:2024-03-31"}
            ),
        ),
    )
    records = tuple(
        ServiceRecord.model_validate(
            {
                "id": record_id,
                "service_type": KEY,
                "cadre_id": "c.0001",
                "provider_unit_id": "c.coal",
                "state": state,
                "requested": issued - timedelta(days=20),
                "delivered": issued,
                "details": details.model_dump(mode="json"),
            },
            context=context,
        )
        for record_id, state, details in kits
    )
    return cadrecore.Ledger(
        registry=registry,
        jurisdiction=Jurisdiction(id="c", name="某市", root_unit_id="c", synthetic=True),
        units=(
            Unit(id="c", name="某市", level="city", kind="government"),
            Unit(id="c.coal", name="市煤炭局", level="city", kind="department", parent_id="c"),
        ),
        cadres=(_cadre(),),
        service_records=records,
    )


def test_a_ledger_round_trips_through_a_folder(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    ledger = _ledger(registry)
    folder = ledger.save(tmp_path / "ledger")
    text = (folder / "services" / f"{KEY}.csv").read_text(encoding="utf-8")
    assert "硝酸甘油:2023-05-31;速效救心丸:2024-01-31;创可贴:2025-12-31" in text
    loaded = cadrecore.load_ledger(folder, registry=registry)
    assert loaded.service_records == ledger.service_records
    second = details_of(loaded.service_records_of(KEY)[1], plugin.KitDetails)
    assert second.last_checked is None
    assert second.medicines == (plugin.Medicine(name="碘伏", expires=date(2024, 3, 31)),)


def test_a_folder_with_a_bad_medicine_names_the_file_row_and_field(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    folder = _ledger(registry).save(tmp_path / "ledger")
    csv_file = folder / "services" / f"{KEY}.csv"
    csv_file.write_text(
        csv_file.read_text(encoding="utf-8").replace("碘伏:2024-03-31", "碘伏"), encoding="utf-8"
    )
    with pytest.raises(cadrecore.LedgerError, match=r"第 3 行 “medicines\.0”"):
        cadrecore.load_ledger(folder, registry=registry)
