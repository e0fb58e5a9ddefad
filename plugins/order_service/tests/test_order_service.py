"""The order service plugin: its menu, its registration, its details model, a round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import cadrecore_order_service as plugin
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import cadrecore
from cadrecore.io.cells import to_cell
from cadrecore.models import Cadre, Jurisdiction, ServiceRecord, Unit
from cadrecore.plugins import PluginManager
from cadrecore.testing import assert_plugin_conforms

KEY = "order_service.order"

VALID: dict[str, Any] = {
    "menu_item": "haircut",
    "accepted": "2022-04-02",
    "address_area": "秀容街道",
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
    assert registry.service_types.keys_of("order_service") == (KEY,)
    assert registry.service_types.owner(KEY) == "order_service"
    assert registry.service_types.get(KEY).details is plugin.OrderDetails


def test_without_the_plugin_the_key_is_unknown(cadrecore_registry: cadrecore.Registry) -> None:
    assert KEY not in cadrecore_registry.service_types


def test_the_menu_is_data_with_labels_and_deadlines() -> None:
    keys = [item.key for item in plugin.MENU]
    assert {"haircut", "cleaning", "escort", "repair", "shopping"} <= set(keys)
    assert len(set(keys)) == len(keys)
    assert plugin.menu_item("escort").label.zh == "就医陪护"
    assert all(item.response_working_days >= 1 for item in plugin.MENU)
    with pytest.raises(ValueError, match="at least 1"):
        plugin.MenuItem(key="x", label=cadrecore.Text("某", "x"), response_working_days=0)


def test_valid_details_accept_a_key_or_its_chinese_label() -> None:
    details = plugin.OrderDetails.model_validate(VALID)
    assert details.item.label.zh == "理发"
    assert details.accepted == date(2022, 4, 2)
    by_label = plugin.OrderDetails.model_validate({"服务项目": "家电维修"})
    assert by_label.menu_item == "repair"
    assert by_label.accepted is None and by_label.address_area is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"menu_item": "massage"},
            "'massage' is not on the menu; the menu offers: haircut \\(haircut\\)",
        ),
        ({"menu_item": 3}, "menu_item"),
        ({"accepted": "2022-13-01"}, "accepted"),
        ({"address_area": ""}, "at least 1 character"),
        ({"price": 10}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_details_fail_with_a_clear_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plugin.OrderDetails.model_validate(VALID | change)


@given(
    item=st.sampled_from(plugin.MENU),
    accepted=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    area=st.none() | st.sampled_from(["秀容街道", "长征街道", "奇村镇"]),
)
def test_details_survive_the_csv_cells(
    item: plugin.MenuItem, accepted: date | None, area: str | None
) -> None:
    details = plugin.OrderDetails(menu_item=item.key, accepted=accepted, address_area=area)
    cells = {k: to_cell(v) for k, v in details.model_dump(mode="json").items() if v is not None}
    assert plugin.OrderDetails.model_validate(cells) == details


def _ledger(registry: cadrecore.Registry) -> cadrecore.Ledger:
    context = {"registry": registry}
    cadre = Cadre(
        id="c.0001",
        name="测试丁",
        birth_date=date(1945, 10, 1),
        joined_work=date(1963, 8, 1),
        retirement_kind="tuixiu",
        retirement_date=date(2005, 10, 1),
        county_id="c.d",
        synthetic=True,
    )
    orders: tuple[tuple[str, str, dict[str, Any], dict[str, Any]], ...] = (
        ("os.0001", "rated", {"delivered": "2022-04-03", "rating": 4}, VALID),
        ("os.0002", "declined", {"reason": "超出服务片区"}, {"menu_item": "shopping"}),
        ("os.0003", "accepted", {}, {"menu_item": "就医陪护", "accepted": "2022-05-06"}),
    )
    records = tuple(
        ServiceRecord.model_validate(
            {
                "id": record_id,
                "service_type": KEY,
                "cadre_id": cadre.id,
                "provider_unit_id": "c.d.vcb",
                "state": state,
                "requested": "2022-04-01",
                "details": plugin.OrderDetails.model_validate(details).model_dump(mode="json"),
            }
            | common,
            context=context,
        )
        for record_id, state, common, details in orders
    )
    return cadrecore.Ledger(
        registry=registry,
        jurisdiction=Jurisdiction(id="c", name="某市", root_unit_id="c", synthetic=True),
        units=(
            Unit(id="c", name="某市", level="city", kind="government"),
            Unit(id="c.d", name="某区", level="county", kind="government", parent_id="c"),
            Unit(
                id="c.d.vcb",
                name="区委老干部局",
                level="county",
                kind="veteran_cadre_bureau",
                parent_id="c.d",
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
    items = [
        plugin.OrderDetails.model_validate(r.details).menu_item for r in loaded.service_records
    ]
    assert items == ["haircut", "shopping", "escort"]


def test_a_folder_with_an_item_off_the_menu_names_the_row(
    registry: cadrecore.Registry, tmp_path: Path
) -> None:
    folder = _ledger(registry).save(tmp_path / "ledger")
    csv_file = folder / "services" / f"{KEY}.csv"
    csv_file.write_text(
        csv_file.read_text(encoding="utf-8").replace("shopping", "massage"), encoding="utf-8"
    )
    with pytest.raises(cadrecore.LedgerError, match=r"第 3 行 “menu_item”.*不在服务清单上"):
        cadrecore.load_ledger(folder, registry=registry)
