"""The service lifecycle in the core: legal and illegal moves, roles, reasons, history, hooks,
deadlines in working days."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date

import pytest
from pydantic import BaseModel, ConfigDict

from cadrecore import LedgerError, ServiceType, Text, get_registry, hookimpl
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceEvent, ServiceRecord, ServiceState
from cadrecore.plugins import PluginManager
from cadrecore.registry import Registry
from cadrecore.rules import evaluate
from cadrecore.sample import small_ledger
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline, IllegalTransition, request, transition


class CheckupDetails(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hospital: str = "市人民医院"


seen: list[tuple[str, str]] = []


class CheckupPlugin:
    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="test.checkup",
                label=Text("年度体检", "yearly check-up"),
                department=Text("老干部局", "bureau"),
                details=CheckupDetails,
                lifecycle=DEFAULT_LIFECYCLE.with_deadlines(
                    Deadline(ServiceState.REQUESTED, 3, Text("受理时限", "time to accept"))
                ),
            )
        )

    @hookimpl
    def after_service_transition(
        self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
    ) -> None:
        seen.append((record.id, event.to_state.value))

    @hookimpl
    def validate_service_record(
        self, record: ServiceRecord, service_type: ServiceType, ledger: Ledger
    ) -> list[Text]:
        if (
            record.service_type == "test.checkup"
            and ledger.cadre(record.cadre_id).age_on(record.requested) < 60
        ):
            return [Text("体检对象须年满 60 岁", "check-ups are for those 60 and over")]
        return []


class Grumpy:
    @hookimpl
    def after_service_transition(
        self, ledger: Ledger, record: ServiceRecord, event: ServiceEvent
    ) -> None:
        raise RuntimeError("mail server down")


@pytest.fixture
def registry(cadrecore_pm: PluginManager, register_plugin: Callable[..., str]) -> Registry:
    register_plugin(CheckupPlugin(), name="checkup")
    return get_registry(cadrecore_pm)


@pytest.fixture
def ledger(registry: Registry) -> Ledger:
    base = small_ledger(registry=registry)
    record = ServiceRecord(
        id="sr1",
        service_type="test.checkup",
        cadre_id=base.cadres[0].id,
        provider_unit_id="city.vcb",
        requested=date(2022, 3, 1),
    )
    return request(base, record, actor="王建国")


def test_a_full_lifecycle_is_recorded_event_by_event(ledger: Ledger) -> None:
    seen.clear()
    ledger = transition(
        ledger, "sr1", "accepted", actor="李干事", role="provider", on=date(2022, 3, 2)
    )
    ledger = transition(
        ledger, "sr1", "scheduled", actor="李干事", role="provider", on=date(2022, 3, 3)
    )
    ledger = transition(
        ledger, "sr1", "delivered", actor="市人民医院", role="provider", on=date(2022, 3, 10)
    )
    ledger = transition(
        ledger, "sr1", "rated", actor="王建国", role="cadre", on=date(2022, 3, 11), rating=5
    )
    record = ledger.get("service_records", "sr1")
    assert (record.state, record.delivered, record.rating) == (
        ServiceState.RATED,
        date(2022, 3, 10),
        5,
    )
    history = [(e.seq, e.to_state.value, e.actor, e.role.value) for e in ledger.service_events]
    assert history == [
        (1, "requested", "王建国", "cadre"),
        (2, "accepted", "李干事", "provider"),
        (3, "scheduled", "李干事", "provider"),
        (4, "delivered", "市人民医院", "provider"),
        (5, "rated", "王建国", "cadre"),
    ]
    assert seen == [
        ("sr1", "accepted"),
        ("sr1", "scheduled"),
        ("sr1", "delivered"),
        ("sr1", "rated"),
    ]


def test_illegal_moves_change_nothing(ledger: Ledger) -> None:
    before = ledger
    # (said in the run's language, Chinese by default; render("en") says it in English)
    with pytest.raises(IllegalTransition, match="可变为：已受理、已拒绝、已取消") as exc:
        transition(ledger, "sr1", "delivered", actor="x", role="provider", on=date(2022, 3, 2))
    assert "allowed next: 'accepted', 'declined', 'cancelled'" in exc.value.render("en")
    with pytest.raises(IllegalTransition, match="“老干部本人”无权") as exc:
        transition(ledger, "sr1", "accepted", actor="x", role="cadre", on=date(2022, 3, 2))
    assert "'the cadre' may not" in exc.value.render("en")
    with pytest.raises(IllegalTransition, match="须说明原因") as exc:
        transition(ledger, "sr1", "declined", actor="x", role="provider", on=date(2022, 3, 2))
    assert "needs a reason" in exc.value.render("en")
    with pytest.raises(IllegalTransition, match="早于该记录上一次变更") as exc:
        transition(ledger, "sr1", "accepted", actor="x", role="provider", on=date(2022, 2, 1))
    assert "before the record's last change" in exc.value.render("en")
    assert ledger == before and len(ledger.service_events) == 1
    declined = transition(
        ledger,
        "sr1",
        "declined",
        actor="x",
        role="provider",
        on=date(2022, 3, 2),
        reason="名额已满",
    )
    record = declined.get("service_records", "sr1")
    assert (record.state, record.reason) == (ServiceState.DECLINED, "名额已满")
    with pytest.raises(IllegalTransition, match="已是最终状态") as exc:
        transition(declined, "sr1", "accepted", actor="x", role="provider", on=date(2022, 3, 3))
    assert "final state" in exc.value.render("en")


def test_a_record_without_history_starts_one(registry: Registry) -> None:
    base = small_ledger(registry=registry)
    record = ServiceRecord(
        id="old",
        service_type="test.checkup",
        cadre_id=base.cadres[0].id,
        provider_unit_id="city.vcb",
        requested=date(2022, 3, 1),
        state="accepted",
    )
    ledger = base.replace(service_records=(record,))
    moved = transition(
        ledger, "old", "scheduled", actor="李干事", role="provider", on=date(2022, 3, 5)
    )
    assert [(e.seq, e.to_state.value, e.role.value) for e in moved.service_events] == [
        (1, "accepted", "system"),
        (2, "scheduled", "provider"),
    ]


def test_a_failing_reaction_is_named_and_does_not_undo(
    ledger: Ledger, register_plugin: Callable[..., str]
) -> None:
    register_plugin(Grumpy(), name="grumpy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        moved = transition(
            ledger, "sr1", "accepted", actor="李干事", role="provider", on=date(2022, 3, 2)
        )
    assert moved.get("service_records", "sr1").state is ServiceState.ACCEPTED
    assert any("grumpy" in str(w.message) and "mail server down" in str(w.message) for w in caught)


def test_a_tampered_history_does_not_load(ledger: Ledger) -> None:
    moved = transition(
        ledger, "sr1", "accepted", actor="李干事", role="provider", on=date(2022, 3, 2)
    )
    skipped = tuple(
        e if e.seq == 1 else e.model_copy(update={"to_state": ServiceState.DELIVERED})
        for e in moved.service_events
    )
    with pytest.raises(LedgerError, match="不允许从“已申请”变为“已服务”"):
        moved.replace(service_events=skipped)
    gap = tuple(e.model_copy(update={"seq": 3}) if e.seq == 2 else e for e in moved.service_events)
    with pytest.raises(LedgerError, match="序号"):
        moved.replace(service_events=gap)


def test_plugin_validation_runs_when_the_ledger_is_built(registry: Registry) -> None:
    base = small_ledger(registry=registry)
    young = base.cadres[0].model_copy(
        update={
            "birth_date": date(1970, 1, 1),
            "joined_work": date(1990, 1, 1),
            "party_joined": date(1995, 1, 1),
        }
    )
    record = ServiceRecord(
        id="sr2",
        service_type="test.checkup",
        cadre_id=young.id,
        provider_unit_id="city.vcb",
        requested=date(2022, 3, 1),
    )
    with pytest.raises(LedgerError, match="60") as caught:
        base.replace(cadres=(young, *base.cadres[1:]), service_records=(record,))
    problem = caught.value.problems[0]
    assert (problem.record_kind, problem.record_id) == ("service_records", "sr2")


def test_deadline_in_working_days(ledger: Ledger, cadrecore_pm: PluginManager) -> None:
    # requested Tue 2022-03-01; 3 working days: due Fri 03-04
    on_time = transition(
        ledger, "sr1", "accepted", actor="李", role="provider", on=date(2022, 3, 4)
    )
    assert (
        evaluate(
            on_time, year=2022, rules=["builtin::services.deadlines"], pm=cadrecore_pm
        ).findings
        == ()
    )
    late = transition(ledger, "sr1", "accepted", actor="李", role="provider", on=date(2022, 3, 7))
    found = evaluate(
        late, year=2022, rules=["builtin::services.deadlines"], pm=cadrecore_pm
    ).findings
    assert [(f.reason, f.expected, f.actual) for f in found] == [
        ("late", "2022-03-04", "2022-03-07")
    ]
    waiting = evaluate(
        ledger, as_of=date(2022, 3, 7), rules=["builtin::services.deadlines"], pm=cadrecore_pm
    )
    assert [f.reason for f in waiting.findings] == ["overdue"]
    assert (
        evaluate(
            ledger, as_of=date(2022, 3, 3), rules=["builtin::services.deadlines"], pm=cadrecore_pm
        ).findings
        == ()
    )


def test_lifecycle_without_a_state() -> None:
    short = DEFAULT_LIFECYCLE.without(ServiceState.SCHEDULED)
    assert ServiceState.DELIVERED in short.next_states(ServiceState.ACCEPTED)
    assert short.step(ServiceState.ACCEPTED, ServiceState.SCHEDULED) is None
