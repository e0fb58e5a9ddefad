"""Define a service type in a plugin, register it, add a service record and check the year.

python examples/add_service_type.py
"""

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

import cadrecore
from cadrecore import ServiceType, Text, hookimpl
from cadrecore.models import ServiceRecord
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger
from cadrecore.services import request


class HaircutDetails(BaseModel):  # the columns a record of this type adds to the common ones
    model_config = ConfigDict(frozen=True, extra="forbid")
    barber: str = Field(min_length=1)  # 理发师


class HaircutPlugin:
    """上门理发 / haircuts at home: a department's service type, as a plugin."""

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="haircut.home",
                label=Text("上门理发", "haircut at home"),
                department=Text("示例社区", "a sample community"),
                details=HaircutDetails,
            )
        )


# A plugin manager with the built-ins and this plugin only (installed plugins are not loaded).
pm = cadrecore.new_plugin_manager(load_installed=False)
pm.register(HaircutPlugin(), name="haircut")

with cadrecore.using_plugin_manager(pm):
    ledger = small_ledger(2022)
    cadre = ledger.cadres[0]
    record = ServiceRecord(
        id="hc.0001",
        service_type="haircut.home",
        cadre_id=cadre.id,
        provider_unit_id=ledger.root.id,
        requested=date(2022, 5, 6),
        details={"barber": "李师傅"},
    )
    # A new record starts as "requested"; its first event is recorded with who asked.
    ledger = request(ledger, record, actor=cadre.name)
    print([r.id for r in ledger.service_records_of("haircut.home")], record.state.value)
    print(len(ledger.service_events), "event(s)")

    report = evaluate(ledger, year=2022, pm=pm)
    print("counts:", report.counts, "success:", report.success)
