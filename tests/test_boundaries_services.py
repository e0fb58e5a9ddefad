"""Service records at their edges: a deadline in working days met on its last day and missed
the day after, a record still waiting on its due day, a span across two years, a deadline held
by a parameter a unit sets for itself; who is eligible, judged in the year the service was
requested. Expected values written by hand: 2022-03-01 is a Tuesday, so 3 working days later is
Friday 4 March and 2 working days later Thursday 3 March; 2021-12-28 is a Tuesday, 3 working days
later Friday 31 December (no holiday falls in these weeks).

A day judged is judged at its end (as a checklist's due day is): a record moved on on its due
day is on time, and one still waiting then is overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from cadrecore import Ledger, ServiceType, Text, get_registry, hookimpl
from cadrecore.models import ParameterOverride, ServiceRecord, ServiceState
from cadrecore.plugins import PluginManager
from cadrecore.rules import Parameter, Report, Severity, evaluate
from cadrecore.rules.parameters import local_default
from cadrecore.sample import small_ledger
from cadrecore.services import DEFAULT_LIFECYCLE, Deadline, request, transition

ACCEPT = Text("受理时限", "time to accept")
DELIVER = Text("送达时限", "time to deliver")


class Details(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Visits:
    """A service type with two deadlines: 3 working days to accept a request, and to deliver
    once accepted as many as ``test.deliver_days`` says (5 by default); for cadres of 70 and
    over. One with a deadline to deliver only (2 working days), and one with none at all."""

    @hookimpl
    def register_service_types(self, register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="test.visit",
                label=Text("上门探访", "home visit"),
                department=Text("老干部局", "bureau"),
                details=Details,
                lifecycle=DEFAULT_LIFECYCLE.with_deadlines(
                    Deadline(ServiceState.REQUESTED, 3, ACCEPT),
                    Deadline(ServiceState.ACCEPTED, "test.deliver_days", DELIVER),
                ),
                eligible=lambda cadre, day: cadre.age_on(day) >= 70,
            )
        )
        register(
            ServiceType(
                key="test.delivery",
                label=Text("送药上门", "medicine delivery"),
                department=Text("老干部局", "bureau"),
                details=Details,
                lifecycle=DEFAULT_LIFECYCLE.with_deadlines(
                    Deadline(ServiceState.ACCEPTED, 2, DELIVER)  # (no time to accept)
                ),
            )
        )
        register(
            ServiceType(
                key="test.plain",
                label=Text("普通服务", "plain service"),
                department=Text("老干部局", "bureau"),
                details=Details,
            )
        )

    @hookimpl
    def register_parameters(self, register: Callable[[Parameter], None]) -> None:
        register(
            Parameter(
                key="test.deliver_days",
                label=Text("送达时限", "time to deliver"),
                versions=local_default(5),
            )
        )


@pytest.fixture
def pm(cadrecore_pm: PluginManager, register_plugin: Callable[..., str]) -> PluginManager:
    register_plugin(Visits(), name="visits")
    return cadrecore_pm


def _record(
    id: str = "v1",
    requested: date = date(2022, 3, 1),
    cadre: str = "c000",  # 王建国, born 1950-01-01: 72 in 2022
    service_type: str = "test.visit",
    state: str = "requested",
    provider: str = "east.vcb",
) -> ServiceRecord:
    return ServiceRecord(
        id=id,
        service_type=service_type,
        cadre_id=cadre,
        provider_unit_id=provider,
        requested=requested,
        state=state,
    )


def _ledger(pm: PluginManager, *records: ServiceRecord, requested: bool = True) -> Ledger:
    """The sample ledger with ``records``, each requested through the API (a history of one
    event) unless ``requested`` is False (records with no history)."""
    ledger = small_ledger(2022, registry=get_registry(pm))
    if not requested:
        return ledger.replace(service_records=records)
    for record in records:
        ledger = request(ledger, record, actor="王建国")
    return ledger


def _move(ledger: Ledger, to: str, on: date, record: str = "v1") -> Ledger:
    return transition(ledger, record, to, actor="李", role="provider", on=on)


def _judge(ledger: Ledger, pm: PluginManager, as_of: date, rule: str = "deadlines") -> Report:
    report = evaluate(ledger, as_of=as_of, rules=[f"builtin::services.{rule}"], pm=pm)
    assert not report.errored, report.errored
    return report


def _outcomes(report: Report) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    occurrences = [
        (o.subject.id, o.period, o.due, o.status, o.done_on, o.note) for o in report.occurrences
    ]
    findings = [(f.subject.id, f.reason, f.period, f.expected, f.actual) for f in report.findings]
    return occurrences, findings


# --- a deadline in working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "status", "found"),
    [
        (date(2022, 3, 3), "done", []),
        (date(2022, 3, 4), "done", []),  # on its due day: on time
        (date(2022, 3, 7), "late", [("v1", "late", "2022", "2022-03-04", "2022-03-07")]),
    ],
)
def test_accepted_within_three_working_days(
    pm: PluginManager, accepted: date, status: str, found: list[object]
) -> None:
    ledger = _move(_ledger(pm, _record()), "accepted", accepted)
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 8)))
    assert occurrences[0] == ("v1", "2022", date(2022, 3, 4), status, accepted, ACCEPT)
    assert findings == found
    # the record now waits to be delivered: 5 working days from its acceptance, pending
    assert [o[3] for o in occurrences[1:]] == ["pending"]


@pytest.mark.parametrize(
    ("as_of", "status", "found"),
    [
        (date(2022, 3, 3), "pending", []),
        (date(2022, 3, 4), "overdue", [("v1", "overdue", "2022", "2022-03-04", None)]),
    ],
)
def test_still_waiting_on_the_due_day_is_overdue(
    pm: PluginManager, as_of: date, status: str, found: list[object]
) -> None:
    occurrences, findings = _outcomes(_judge(_ledger(pm, _record()), pm, as_of))
    assert occurrences == [("v1", "2022", date(2022, 3, 4), status, None, ACCEPT)]
    assert findings == found


def test_a_move_after_the_day_judged_is_not_yet_known(pm: PluginManager) -> None:
    ledger = _move(_ledger(pm, _record()), "accepted", date(2022, 3, 3))
    occurrences, _ = _outcomes(_judge(ledger, pm, date(2022, 3, 2)))
    assert occurrences == [("v1", "2022", date(2022, 3, 4), "pending", None, ACCEPT)]


def test_what_a_late_and_an_overdue_record_say(pm: PluginManager) -> None:
    late = _move(_ledger(pm, _record()), "accepted", date(2022, 3, 7))
    (finding,) = _judge(late, pm, date(2022, 3, 8)).findings
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.WARNING,
        Text(
            "受理时限为 3 个工作日（至 2022-03-04），实际 2022-03-07 办结",
            "time to accept: 3 working days (by 2022-03-04); done 2022-03-07",
        ),
        Text(
            "若办结日期登记有误，更正流转记录；否则今后在 3 个工作日内办理",
            "if the date was recorded wrongly, correct the record's events; otherwise move such "
            "records on within 3 working days",
        ),
    )
    (finding,) = _judge(_ledger(pm, _record()), pm, date(2022, 3, 7)).findings
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.ERROR,
        Text(
            "受理时限为 3 个工作日，2022-03-01 起至今（2022-03-07）仍为“已申请”",
            "time to accept: 3 working days from 2022-03-01; still 'requested' on 2022-03-07",
        ),
        Text(
            "尽快办理并记录流转（cadrecore.services.transition）",
            "move the record on and record it (cadrecore.services.transition)",
        ),
    )


def test_a_deadline_a_unit_sets_for_itself(pm: PluginManager) -> None:
    """Delivery within ``test.deliver_days`` working days: 5 by default, 2 for the provider,
    east's bureau, by its own value. Accepted on Tuesday 1 March: due Thursday 3 March."""
    accepted = _move(_ledger(pm, _record()), "accepted", date(2022, 3, 1))
    own = ParameterOverride(
        id="east.deliver",
        key="test.deliver_days",
        value=2,
        effective_from=date(2020, 1, 1),
        unit_id="east.vcb",
        source="东县老干部局通知",
    )
    default = _outcomes(_judge(accepted, pm, date(2022, 3, 4)))[0]
    assert default[1][2:4] == (date(2022, 3, 8), "pending")  # 5 working days: Tuesday 8 March
    quick = _outcomes(_judge(accepted.replace(parameters=(own,)), pm, date(2022, 3, 4)))
    assert quick[0][1][2:4] == (date(2022, 3, 3), "overdue")
    assert quick[1] == [("v1", "overdue", "2022", "2022-03-03", None)]
    (finding,) = _judge(accepted.replace(parameters=(own,)), pm, date(2022, 3, 4)).findings
    assert (
        finding.message.zh == "送达时限为 2 个工作日，2022-03-01 起至今（2022-03-04）仍为“已受理”"
    )


# --- records across the years -------------------------------------------------------------------


def test_a_span_across_the_new_year_is_judged_in_both_years_and_dated_by_its_start(
    pm: PluginManager,
) -> None:
    """Requested Tuesday 28 December 2021 (due Friday 31 December), accepted 4 January 2022:
    overdue at the end of 2021; late in 2022, the occurrence of 2021's request; not judged in
    2023."""
    ledger = _move(_ledger(pm, _record(requested=date(2021, 12, 28))), "accepted", date(2022, 1, 4))
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2021, 12, 31)))
    assert occurrences == [("v1", "2021", date(2021, 12, 31), "overdue", None, ACCEPT)]
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 1)))
    assert occurrences[0] == ("v1", "2021", date(2021, 12, 31), "late", date(2022, 1, 4), ACCEPT)
    assert sorted(findings) == [
        ("v1", "late", "2021", "2021-12-31", "2022-01-04"),
        ("v1", "overdue", "2022", "2022-01-11", None),  # (not delivered 5 working days on)
    ]
    delivered = _move(_move(ledger, "scheduled", date(2022, 1, 5)), "delivered", date(2022, 1, 6))
    assert _outcomes(_judge(delivered, pm, date(2023, 12, 31))) == ([], [])


def test_a_request_of_next_year_is_not_judged(pm: PluginManager) -> None:
    ledger = _ledger(pm, _record(requested=date(2022, 12, 30)))
    assert _outcomes(_judge(ledger, pm, date(2022, 12, 29)))[0] == []  # not yet requested
    assert [o[3] for o in _outcomes(_judge(ledger, pm, date(2022, 12, 30)))[0]] == ["pending"]


# --- records with no history ----------------------------------------------------------------------


def test_a_record_without_history_is_timed_only_while_requested(pm: PluginManager) -> None:
    """With no events, only a record still in its requested state can be timed (from its
    request); one recorded as accepted, with no date for it, cannot."""
    waiting = _ledger(pm, _record(), requested=False)
    assert _outcomes(_judge(waiting, pm, date(2022, 3, 7)))[0] == [
        ("v1", "2022", date(2022, 3, 4), "overdue", None, ACCEPT)
    ]
    accepted = _ledger(pm, _record(state="accepted"), requested=False)
    assert _outcomes(_judge(accepted, pm, date(2022, 3, 7))) == ([], [])


def test_a_type_without_deadlines_listed_first_leaves_the_others_timed(pm: PluginManager) -> None:
    ledger = _ledger(pm, _record("p1", service_type="test.plain"), _record("v1"))
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 7)))
    assert [o[0] for o in occurrences] == ["v1"]
    assert [f[:2] for f in findings] == [("v1", "overdue")]


# --- eligibility ----------------------------------------------------------------------------------


def test_who_is_eligible(pm: PluginManager) -> None:
    """For 70 and over: 王建国 (72) is; 胡淑珍 (born 1954-01-13, 68) is not."""
    ledger = _ledger(pm, _record("v1", cadre="c000"), _record("v2", cadre="c012"))
    report = _judge(ledger, pm, date(2022, 12, 31), "eligibility")
    assert [
        (f.subject.kind, f.subject.id, f.reason, f.severity, f.period, f.message, f.fix)
        for f in report.findings
    ] == [
        (
            "service_records",
            "v2",
            "not_eligible",
            Severity.WARNING,
            "2022",
            Text("胡淑珍 不符合“上门探访”的服务条件", "胡淑珍 is not eligible for 'home visit'"),
            Text(
                "核对该老干部的信息（花名册）是否有误；确不符合条件的，取消或拒绝该服务并写明原因",
                "check the cadre's details on the roster; if they are not eligible, cancel or "
                "decline the service with a reason",
            ),
        )
    ]


@pytest.mark.parametrize(
    ("requested", "as_of", "found"),
    [
        (date(2022, 6, 1), date(2022, 5, 31), False),  # not requested yet on the day judged
        (date(2022, 6, 1), date(2022, 6, 1), True),  # requested that day
        (date(2021, 6, 1), date(2022, 12, 31), False),  # another year's request
    ],
)
def test_eligibility_is_judged_in_the_year_of_the_request(
    pm: PluginManager, requested: date, as_of: date, found: bool
) -> None:
    ledger = _ledger(pm, _record("v2", cadre="c012", requested=requested))
    report = _judge(ledger, pm, as_of, "eligibility")
    assert [f.subject.id for f in report.findings] == (["v2"] if found else [])


def test_each_state_is_timed_until_the_next_move(pm: PluginManager) -> None:
    """Requested Tuesday 1 March, accepted Wednesday 2 March, scheduled Thursday 3 March: the
    request was answered on 2 March, the acceptance moved on on 3 March."""
    ledger = _move(
        _move(_ledger(pm, _record()), "accepted", date(2022, 3, 2)), "scheduled", date(2022, 3, 3)
    )
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 31)))
    assert occurrences == [
        ("v1", "2022", date(2022, 3, 4), "done", date(2022, 3, 2), ACCEPT),
        ("v1", "2022", date(2022, 3, 9), "done", date(2022, 3, 3), DELIVER),  # 5 from 2 March
    ]
    assert findings == []
    report = _judge(ledger, pm, date(2022, 3, 31))
    assert {o.subject.kind for o in report.occurrences} == {"service_records"}


def test_a_move_on_the_day_judged_is_known_that_day(pm: PluginManager) -> None:
    ledger = _move(_ledger(pm, _record()), "accepted", date(2022, 3, 4))
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 4)))
    assert occurrences[0] == ("v1", "2022", date(2022, 3, 4), "done", date(2022, 3, 4), ACCEPT)
    assert findings == []


def test_a_state_without_a_deadline_then_one_with(pm: PluginManager) -> None:
    """A delivery, requested 1 March (no time to accept), accepted 2 March: 2 working days to
    deliver, by Friday 4 March; not delivered by the 7th."""
    record = _record("d1", service_type="test.delivery")
    ledger = _move(_ledger(pm, record), "accepted", date(2022, 3, 2), record="d1")
    report = _judge(ledger, pm, date(2022, 3, 7))
    assert _outcomes(report)[0] == [("d1", "2022", date(2022, 3, 4), "overdue", None, DELIVER)]
    assert [(f.subject.kind, f.subject.id, f.reason) for f in report.findings] == [
        ("service_records", "d1", "overdue")
    ]


def test_a_state_left_last_year_and_one_still_open(pm: PluginManager) -> None:
    """Requested 1 December 2021, accepted the next day: the request's deadline is 2021's
    business, not judged in 2022; the acceptance, still open (5 working days: by Thursday 9
    December 2021), is overdue in 2022 too, dated by its year."""
    ledger = _move(_ledger(pm, _record(requested=date(2021, 12, 1))), "accepted", date(2021, 12, 2))
    occurrences, findings = _outcomes(_judge(ledger, pm, date(2022, 3, 1)))
    assert occurrences == [("v1", "2021", date(2021, 12, 9), "overdue", None, DELIVER)]
    assert findings == [("v1", "overdue", "2021", "2021-12-09", None)]


def test_still_waiting_since_last_year_is_overdue_as_last_years(pm: PluginManager) -> None:
    """Requested Tuesday 28 December 2021, due Friday 31 December, still waiting on 10 January
    2022: the finding is of 2021's request."""
    ledger = _ledger(pm, _record(requested=date(2021, 12, 28)))
    (finding,) = _judge(ledger, pm, date(2022, 1, 10)).findings
    assert (finding.reason, finding.period, finding.expected) == ("overdue", "2021", "2021-12-31")
