"""The order service's lifecycle, parameters, rules (at their edges) and report section, with
the ``cadrecore.testing`` fixtures: the sample ledger with orders to its east county's bureau."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import cadrecore_order_service as plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cadrecore
from cadrecore import strategies as cst
from cadrecore.models import ParameterOverride
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Report, Severity, evaluate, get_rulebook
from cadrecore.services import IllegalTransition, request, transition
from cadrecore.testing import assert_plugin_conforms

KEY = "order_service.order"
NS = "order_service::"
BUREAU = "east.vcb"


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


@pytest.fixture
def base(registry: cadrecore.Registry, cadrecore_ledger: cadrecore.Ledger) -> cadrecore.Ledger:
    assert KEY in cadrecore_ledger.registry.service_types
    return cadrecore_ledger


def sections(ledger: cadrecore.Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The plugin's sections as the host asks for them: with their context, keys qualified."""
    hooks = ledger.registry.hooks
    assert hooks is not None
    found, failures = hooks.report_sections(ledger, report, lang)
    assert failures == []
    return [s for s in found if s.plugin == "order_service"]


def order(
    number: int,
    item: str = "escort",
    *,
    state: str = "rated",
    requested: str = "2022-03-04",
    delivered: str | None = "2022-03-07",
    accepted: str | None = None,
    rating: int = 5,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"os.{number:04d}",
        "service_type": KEY,
        "cadre_id": f"c{number % 17:03d}",
        "provider_unit_id": BUREAU,
        "state": state,
        "requested": requested,
        "delivered": delivered if state in ("delivered", "rated") else None,
        "details": {"menu_item": item, "accepted": accepted or requested},
    }
    if state == "rated":
        record["rating"] = rating
    if state in ("cancelled", "declined"):
        record["reason"] = "本人取消"
    return record


def with_orders(ledger: cadrecore.Ledger, *records: dict[str, Any]) -> cadrecore.Ledger:
    return ledger.replace(service_records=records)


def run(ledger: cadrecore.Ledger, rule: str, **when: Any) -> Report:
    report = evaluate(ledger, rules=[NS + rule], **({"year": 2022} | when))
    assert not report.errored
    return report


def found(report: Report) -> list[tuple[str, str]]:
    return [(f.subject.id, f.reason) for f in report.findings]


def override(key: str, value: object) -> ParameterOverride:
    return ParameterOverride(
        id=key.replace(".", "_"),
        key=key,
        value=value,
        unit_id="east",
        effective_from=date(2022, 1, 1),
        source="东县老干部局通知",
    )


def test_registers_a_parameter_per_menu_item_and_its_rules(
    cadrecore_pm: PluginManager, registry: cadrecore.Registry
) -> None:
    book = get_rulebook(cadrecore_pm)
    owned = {k for k, owner in book.parameters.owners.items() if owner == "order_service"}
    assert owned == {
        plugin.ACCEPT_WITHIN_WORKING_DAYS,
        "order_service.min_average_rating",
        "order_service.min_ratings",
        "order_service.stuck_after_days",
        *(f"order_service.respond_within_working_days.{item.key}" for item in plugin.MENU),
    }
    for item in plugin.MENU:
        version = book.parameters.get(item.parameter_key).version_on(date(2022, 1, 1))
        assert version is not None and version.value == item.response_working_days
    rules = {r.id: r.rule for r in book.rules.values() if r.plugin == "order_service"}
    assert set(rules) == {NS + "order.response_time", NS + "order.satisfaction", NS + "order.stuck"}
    assert set(rules[NS + "order.response_time"].parameters) == {
        item.parameter_key for item in plugin.MENU
    }


# ---------------------------------------------------------------------------------------------
# The lifecycle: served at the door, no appointment; accepted within one working day
# ---------------------------------------------------------------------------------------------


def test_an_order_moves_from_accepted_to_served_and_is_timed_by_its_history(
    base: cadrecore.Ledger, registry: cadrecore.Registry
) -> None:
    new = cadrecore.models.ServiceRecord.model_validate(
        order(1, state="requested", delivered=None), context={"registry": registry}
    )
    ledger = request(with_orders(base), new, actor="本人")
    # Friday 2022-03-04: one working day later is Monday 2022-03-07
    deadlines = ["builtin::services.deadlines"]
    assert evaluate(ledger, as_of=date(2022, 3, 6), rules=deadlines).findings == ()
    assert found(evaluate(ledger, as_of=date(2022, 3, 7), rules=deadlines)) == [
        ("os.0001", "overdue")
    ]
    ledger = transition(
        ledger, "os.0001", "accepted", actor="区老干部局", role="bureau", on=date(2022, 3, 7)
    )
    with pytest.raises(IllegalTransition, match="可变为：已服务、已取消"):
        transition(
            ledger, "os.0001", "scheduled", actor="区老干部局", role="bureau", on=date(2022, 3, 7)
        )
    ledger = transition(
        ledger, "os.0001", "delivered", actor="护工", role="provider", on=date(2022, 3, 7)
    )
    ledger = transition(
        ledger, "os.0001", "rated", actor="本人", role="cadre", on=date(2022, 3, 8), rating=5
    )
    report = evaluate(ledger, year=2022, rules=deadlines)
    assert report.findings == ()
    assert [o.status for o in report.occurrences] == ["done"]
    assert run(ledger, "order.response_time").findings == ()


# ---------------------------------------------------------------------------------------------
# Response deadlines by menu item
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "served", "status"),
    [
        ("escort", "2022-03-07", "done"),  # 1 working day after Friday 2022-03-04
        ("escort", "2022-03-08", "late"),
        ("repair", "2022-03-08", "done"),  # 2 working days
        ("legal_aid", "2022-03-11", "done"),  # 5 working days
        ("legal_aid", "2022-03-14", "late"),
    ],
)
def test_each_menu_item_has_its_own_deadline(
    base: cadrecore.Ledger, item: str, served: str, status: str
) -> None:
    report = run(with_orders(base, order(1, item, delivered=served)), "order.response_time")
    assert [o.status for o in report.occurrences] == [status]
    assert found(report) == ([("os.0001", "served_late")] if status == "late" else [])
    if status == "late":
        assert report.findings[0].severity is Severity.WARNING


def test_an_order_not_served_is_pending_then_overdue(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, order(1, state="accepted"))
    before = run(ledger, "order.response_time", as_of=date(2022, 3, 6))
    assert (before.findings, [o.status for o in before.occurrences]) == ((), ["pending"])
    after = run(ledger, "order.response_time", as_of=date(2022, 3, 7))
    assert found(after) == [("os.0001", "not_served")]
    assert after.findings[0].expected == "2022-03-07"


@pytest.mark.parametrize("state", ["cancelled", "declined"])
def test_a_closed_order_is_not_timed(base: cadrecore.Ledger, state: str) -> None:
    report = run(with_orders(base, order(1, state=state)), "order.response_time")
    assert (report.findings, report.occurrences) == ((), ())


def test_a_ledger_sets_its_own_deadline_for_an_item(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, order(1, delivered="2022-03-08")).replace(
        parameters=(override("order_service.respond_within_working_days.escort", 2),)
    )
    assert run(ledger, "order.response_time").findings == ()


# ---------------------------------------------------------------------------------------------
# Satisfaction
# ---------------------------------------------------------------------------------------------


def rated(ratings: list[int], item: str = "cleaning") -> list[dict[str, Any]]:
    return [order(n, item, rating=r) for n, r in enumerate(ratings, start=1)]


def test_an_item_averaging_below_four_over_five_ratings_is_found(base: cadrecore.Ledger) -> None:
    report = run(with_orders(base, *rated([5, 4, 4, 3, 3])), "order.satisfaction")
    assert found(report) == [(f"{BUREAU}:cleaning", "low_rating")]
    (finding,) = report.findings
    assert (finding.expected, finding.actual) == (4.0, 3.8)
    measures = {
        (m.subject.kind, m.subject.id): (m.numerator, m.denominator) for m in report.measures
    }
    assert measures == {
        ("order_service.menu_items", f"{BUREAU}:cleaning"): (19, 5),
        ("units", BUREAU): (19, 5),
    }


@pytest.mark.parametrize("ratings", [[5, 4, 4, 4, 3], [1, 1, 1, 1]])
def test_an_average_of_four_or_too_few_ratings_pass(
    base: cadrecore.Ledger, ratings: list[int]
) -> None:
    assert run(with_orders(base, *rated(ratings)), "order.satisfaction").findings == ()


def test_a_ledger_may_judge_fewer_ratings(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, *rated([1, 1, 1, 1])).replace(
        parameters=(override("order_service.min_ratings", 3),)
    )
    assert found(run(ledger, "order.satisfaction")) == [(f"{BUREAU}:cleaning", "low_rating")]


def test_ratings_count_in_the_year_the_order_was_served(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, *rated([1, 1, 1, 1, 1]))
    assert run(ledger, "order.satisfaction", year=2021).measures == ()
    assert run(ledger, "order.satisfaction", as_of=date(2022, 3, 6)).measures == ()


# ---------------------------------------------------------------------------------------------
# Stuck orders
# ---------------------------------------------------------------------------------------------


def test_an_order_idle_more_than_thirty_days_is_stuck(base: cadrecore.Ledger) -> None:
    ledger = with_orders(
        base, order(1, "legal_aid", state="accepted", requested="2022-10-31", accepted="2022-11-01")
    )
    assert run(ledger, "order.stuck", as_of=date(2022, 12, 1)).findings == ()
    report = run(ledger, "order.stuck", as_of=date(2022, 12, 2))
    assert found(report) == [("os.0001", "stuck")]
    assert (report.findings[0].expected, report.findings[0].actual) == (30, 31)


def test_the_last_event_says_when_an_order_last_moved(
    base: cadrecore.Ledger, registry: cadrecore.Registry
) -> None:
    new = cadrecore.models.ServiceRecord.model_validate(
        order(1, "legal_aid", state="requested", requested="2022-10-31", delivered=None),
        context={"registry": registry},
    )
    ledger = request(with_orders(base), new, actor="本人")
    ledger = transition(
        ledger, "os.0001", "accepted", actor="区老干部局", role="bureau", on=date(2022, 11, 20)
    )
    assert run(ledger, "order.stuck", as_of=date(2022, 12, 20)).findings == ()
    assert found(run(ledger, "order.stuck", as_of=date(2022, 12, 21))) == [("os.0001", "stuck")]


@pytest.mark.parametrize("state", ["delivered", "rated", "cancelled", "declined"])
def test_served_and_closed_orders_are_never_stuck(base: cadrecore.Ledger, state: str) -> None:
    ledger = with_orders(
        base, order(1, state=state, requested="2022-01-04", delivered="2022-01-05")
    )
    assert run(ledger, "order.stuck").findings == ()


# ---------------------------------------------------------------------------------------------
# The report section
# ---------------------------------------------------------------------------------------------


def test_the_report_section_counts_orders_by_item_and_month(base: cadrecore.Ledger) -> None:
    ledger = with_orders(
        base,
        order(1, "escort", delivered="2022-03-07", rating=5),
        order(2, "escort", delivered="2022-03-09", rating=3),
        order(3, "haircut", state="cancelled"),
        order(4, "haircut", state="delivered", requested="2022-05-10", delivered="2022-05-11"),
    )
    report = evaluate(ledger, year=2022)
    (section,) = sections(ledger, report, "zh")
    assert (section.key, section.order) == (KEY, 220)
    items, months = section.tables
    assert items.rows == (("理发", 2, 1, 1, 100.0, None, 0), ("就医陪护", 2, 2, 0, 50.0, 4.0, 2))
    assert months.rows == (("2022-03", 3, 2, 1), ("2022-05", 1, 1, 0))
    (chart,) = section.charts
    assert (chart.kind, chart.labels, chart.values) == ("line", ("2022-03", "2022-05"), (3.0, 1.0))
    assert "规则检查发现 1 条问题" in section.paragraphs[0].zh
    assert sections(ledger, report, "en")[0].tables[0].rows[0][0] == "haircut"


def test_no_section_without_orders_in_the_year(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, order(1))
    assert sections(ledger, evaluate(ledger, year=2021), "zh") == []


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    requested=st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 1)),
    days=st.integers(1, 10),
    lag=st.integers(0, 30),
    judged=st.integers(0, 40),
)
def test_a_response_is_late_exactly_when_served_after_its_due_day(
    registry: cadrecore.Registry, requested: date, days: int, lag: int, judged: int
) -> None:
    served = requested + timedelta(days=lag)
    record = cadrecore.models.ServiceRecord.model_validate(
        order(1, requested=requested.isoformat(), delivered=served.isoformat()),
        context={"registry": registry},
    )
    day = requested + timedelta(days=judged)
    response = plugin.response_of(record, days, day)
    assert response is not None
    assert (response.due - requested).days >= days  # working days are never fewer
    if served <= day:
        assert response.status == ("done" if served <= response.due else "late")
    else:
        assert response.status == ("overdue" if day >= response.due else "pending")


details_inputs = st.fixed_dictionaries(
    {"menu_item": st.sampled_from([m.key for m in plugin.MENU])},
    optional={"accepted": st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 1, 1))},
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), day=st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 1, 1)))
def test_the_rules_never_raise(
    registry: cadrecore.Registry, data: st.DataObject, day: date
) -> None:
    ledger = data.draw(cst.ledgers(registry, details={KEY: details_inputs}))
    report = evaluate(ledger, as_of=day, rules=[NS + "*", "builtin::services.*"])
    assert report.errored == ()
    assert sections(ledger, report, "zh") is not None


def test_the_plugin_conforms_on_random_ledgers_of_its_own_records() -> None:
    # its records' details drawn by the strategies above, not the kit's generic ones
    assert_plugin_conforms(plugin, details={"order": details_inputs})


# ---------------------------------------------------------------------------------------------
# The rules at their edges (issue #24): every value worked out by hand from the documented rule
# (docs/reference/rules.md; the menu's deadlines in working days; 2022-03-04 is a Friday, March
# 2022 has no public holiday)
# ---------------------------------------------------------------------------------------------

ESCORT = cadrecore.Text("就医陪护", "escort to the doctor")


def occurrences(report: Report) -> list[tuple[Any, ...]]:
    return [
        (o.subject.kind, o.subject.id, o.period, o.due, o.status, o.satisfied_by, o.done_on, o.note)
        for o in report.occurrences
    ]


def test_an_order_served_late_has_its_period_due_day_and_message(base: cadrecore.Ledger) -> None:
    # escort: 1 working day after Friday 2022-03-04 is Monday 2022-03-07; served the 8th
    report = run(with_orders(base, order(1, delivered="2022-03-08")), "order.response_time")
    assert occurrences(report) == [
        ("service_records", "os.0001", "2022", date(2022, 3, 7), "late", "os.0001",
         date(2022, 3, 8), ESCORT),
    ]  # fmt: skip
    (finding,) = report.findings
    assert (finding.subject.kind, finding.subject.id, finding.reason) == (
        "service_records",
        "os.0001",
        "served_late",
    )
    assert (finding.expected, finding.actual) == ("2022-03-07", "2022-03-08")
    assert (
        finding.message.zh
        == "“就医陪护”应在点单后 1 个工作日内（2022-03-07 前）上门，实际 2022-03-08 上门"
    )
    assert finding.message.en == (
        "escort to the doctor: due within 1 working days (by 2022-03-07); served on 2022-03-08"
    )


def test_an_order_served_on_its_due_day_is_done(base: cadrecore.Ledger) -> None:
    report = run(with_orders(base, order(1, delivered="2022-03-07")), "order.response_time")
    assert occurrences(report) == [
        ("service_records", "os.0001", "2022", date(2022, 3, 7), "done", "os.0001",
         date(2022, 3, 7), ESCORT),
    ]  # fmt: skip
    assert report.findings == ()


def test_an_order_served_on_the_day_judged_counts_as_served(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, order(1, "haircut", delivered="2022-03-07"))
    # haircut: 3 working days after 2022-03-04 is Wednesday 2022-03-09
    on = run(ledger, "order.response_time", as_of=date(2022, 3, 7))
    assert [(o.status, o.due, o.done_on, o.satisfied_by) for o in on.occurrences] == [
        ("done", date(2022, 3, 9), date(2022, 3, 7), "os.0001")
    ]
    before = run(ledger, "order.response_time", as_of=date(2022, 3, 6))
    assert [(o.status, o.due, o.done_on, o.satisfied_by) for o in before.occurrences] == [
        ("pending", date(2022, 3, 9), None, None)
    ]


def test_an_order_not_served_is_overdue_on_its_due_day_with_its_message(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(base, order(1, state="accepted"))
    report = run(ledger, "order.response_time", as_of=date(2022, 3, 7))
    assert occurrences(report) == [
        ("service_records", "os.0001", "2022", date(2022, 3, 7), "overdue", None, None, ESCORT)
    ]
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.actual) == (
        "not_served",
        "2022-03-07",
        None,
    )
    assert finding.message.zh == (
        "“就医陪护”应在点单后 1 个工作日内（2022-03-07 前）上门，至今（2022-03-07）尚未服务"
    )
    assert finding.message.en == (
        "escort to the doctor: due within 1 working days (by 2022-03-07); not served by 2022-03-07"
    )
    assert finding.fix == cadrecore.Text(
        "尽快上门服务，或与老干部商定后取消并说明原因",
        "serve the order soon, or agree with the cadre to cancel it, with the reason",
    )
    # the day after its due day: still overdue (below: pending on the 6th, tested above)
    after = run(ledger, "order.response_time", as_of=date(2022, 3, 8))
    assert [o.status for o in after.occurrences] == ["overdue"]


def test_an_order_requested_on_the_day_judged_is_timed_one_requested_after_is_not(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(base, order(1, state="accepted"))
    on = run(ledger, "order.response_time", as_of=date(2022, 3, 4))
    assert [(o.status, o.due) for o in on.occurrences] == [("pending", date(2022, 3, 7))]
    assert run(ledger, "order.response_time", as_of=date(2022, 3, 3)).occurrences == ()


def test_only_orders_requested_in_the_year_are_timed_after_a_skipped_one(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(
        base,
        # requested in 2021 (served in 2022): not the 2022 rule's
        order(1, requested="2021-12-31", delivered="2022-01-04"),
        order(2, state="cancelled"),  # closed: not timed
        order(3, delivered="2022-03-08"),
    )
    report = run(ledger, "order.response_time")
    assert [(o.subject.id, o.period, o.status) for o in report.occurrences] == [
        ("os.0003", "2022", "late")
    ]
    assert found(report) == [("os.0003", "served_late")]


def test_a_closed_order_does_not_stop_the_orders_after_it(base: cadrecore.Ledger) -> None:
    ledger = with_orders(base, order(1, state="declined"), order(2, state="accepted"))
    report = run(ledger, "order.response_time", as_of=date(2022, 3, 8))
    assert [(o.subject.id, o.status, o.due) for o in report.occurrences] == [
        ("os.0002", "overdue", date(2022, 3, 7))
    ]


def test_a_low_rating_states_its_count_average_and_floor(base: cadrecore.Ledger) -> None:
    report = run(with_orders(base, *rated([5, 4, 4, 3, 3])), "order.satisfaction")
    (finding,) = report.findings
    # 19 / 5 = 3.8, below the floor of 4.0
    assert finding.message.zh == "“家政保洁”2022 年 5 条评价平均 3.80 分，低于 4.0 分"
    assert finding.message.en == "house cleaning: 5 ratings in 2022 average 3.80, below 4.0"
    assert finding.fix == cadrecore.Text(
        "回访低分订单，查找原因并改进该项服务",
        "call back the low-rated orders, find out why and improve the service",
    )
    assert {(m.name, m.label) for m in report.measures} == {
        ("average_rating", cadrecore.Text("平均评价（1–5 分）", "average rating (1-5)"))
    }


def test_each_item_is_measured_and_its_unit_over_all_items(base: cadrecore.Ledger) -> None:
    ledger = with_orders(
        base,
        *rated([5, 5], item="escort"),
        *(order(n, "cleaning", rating=1) for n in range(3, 8)),
    )
    report = run(ledger, "order.satisfaction")
    assert [
        (m.subject.kind, m.subject.id, m.numerator, m.denominator) for m in report.measures
    ] == [
        ("order_service.menu_items", f"{BUREAU}:cleaning", 5, 5),
        ("order_service.menu_items", f"{BUREAU}:escort", 10, 2),
        ("units", BUREAU, 15, 7),
    ]
    # cleaning: 5 ratings averaging 1.0; escort: 2 ratings, too few to judge
    assert found(report) == [(f"{BUREAU}:cleaning", "low_rating")]
    assert (report.findings[0].expected, report.findings[0].actual) == (4.0, 1.0)


def test_an_unrated_or_last_year_order_does_not_stop_the_ratings_after_it(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(
        base,
        order(1, "cleaning", state="delivered"),  # served, not rated
        order(2, "cleaning", requested="2021-12-27", delivered="2021-12-28", rating=1),
        # requested in 2021, served in 2022: its rating counts in 2022
        order(3, "cleaning", requested="2021-12-30", delivered="2022-01-04", rating=2),
        *(order(n, "cleaning", rating=4) for n in range(4, 8)),
    )
    report = run(ledger, "order.satisfaction")
    # 2 + 4 * 4 = 18 over 5 ratings: 3.6
    assert [(m.subject.id, m.numerator, m.denominator) for m in report.measures] == [
        (f"{BUREAU}:cleaning", 18, 5),
        (BUREAU, 18, 5),
    ]
    assert (report.findings[0].expected, report.findings[0].actual) == (4.0, 3.6)
    last_year = run(ledger, "order.satisfaction", year=2021)
    assert [(m.subject.id, m.numerator, m.denominator) for m in last_year.measures] == [
        (f"{BUREAU}:cleaning", 1, 1),
        (BUREAU, 1, 1),
    ]


@pytest.mark.parametrize(
    ("floor", "low"),
    [(3.7, False), (3.8, False), (3.9, True)],  # an average of 3.8: above, at, below the floor
)
def test_a_ledger_sets_its_own_rating_floor(
    base: cadrecore.Ledger, floor: float, low: bool
) -> None:
    ledger = with_orders(base, *rated([5, 4, 4, 3, 3])).replace(
        parameters=(override("order_service.min_average_rating", floor),)
    )
    report = run(ledger, "order.satisfaction")
    assert found(report) == ([(f"{BUREAU}:cleaning", "low_rating")] if low else [])
    if low:
        assert (report.findings[0].expected, report.findings[0].actual) == (floor, 3.8)


@pytest.mark.parametrize(("needed", "low"), [(3, True), (4, True), (5, False)])
def test_four_ratings_are_judged_when_a_ledger_needs_four_or_fewer(
    base: cadrecore.Ledger, needed: int, low: bool
) -> None:
    ledger = with_orders(base, *rated([3, 3, 3, 3])).replace(
        parameters=(override("order_service.min_ratings", needed),)
    )
    assert found(run(ledger, "order.satisfaction")) == (
        [(f"{BUREAU}:cleaning", "low_rating")] if low else []
    )


def stuck_order(number: int = 1, **fields: Any) -> dict[str, Any]:
    return order(
        number,
        "legal_aid",
        **({"state": "accepted", "requested": "2022-10-31", "accepted": "2022-11-01"} | fields),
    )


def test_a_stuck_order_states_since_when_and_for_how_long(base: cadrecore.Ledger) -> None:
    # accepted 2022-11-01: 2022-12-02 is 31 days later (30 of November and 1 of December)
    report = run(with_orders(base, stuck_order()), "order.stuck", as_of=date(2022, 12, 2))
    (finding,) = report.findings
    assert (finding.subject.kind, finding.subject.id, finding.severity) == (
        "service_records",
        "os.0001",
        Severity.WARNING,
    )
    assert (
        finding.message.zh == "“法律咨询”订单自 2022-11-01 起停留在“已受理”已 31 天（超过 30 天）"
    )
    assert finding.message.en == (
        "legal advice: the order has been 'accepted' since 2022-11-01, 31 days (more than 30)"
    )
    assert finding.fix == cadrecore.Text(
        "联系服务单位推进，或与老干部商定后取消并说明原因",
        "have the provider move it on, or agree with the cadre to cancel it, with the reason",
    )


def test_a_requested_order_is_idle_since_its_request_whatever_its_acceptance_day(
    base: cadrecore.Ledger,
) -> None:
    # requested 2022-10-31, not accepted: the acceptance day written does not count
    ledger = with_orders(base, stuck_order(state="requested", accepted="2022-11-15"))
    assert run(ledger, "order.stuck", as_of=date(2022, 11, 30)).findings == ()  # 30 days
    report = run(ledger, "order.stuck", as_of=date(2022, 12, 1))  # 31 days
    assert found(report) == [("os.0001", "stuck")]
    assert (report.findings[0].expected, report.findings[0].actual) == (30, 31)


def test_an_acceptance_written_before_the_request_counts_from_the_request(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(base, stuck_order(accepted="2022-10-20"))
    assert run(ledger, "order.stuck", as_of=date(2022, 11, 30)).findings == ()  # 30 days
    report = run(ledger, "order.stuck", as_of=date(2022, 12, 1))
    assert (report.findings[0].expected, report.findings[0].actual) == (30, 31)


def test_an_event_on_the_day_judged_moves_the_order_one_after_does_not(
    base: cadrecore.Ledger, registry: cadrecore.Registry
) -> None:
    new = cadrecore.models.ServiceRecord.model_validate(
        order(1, "legal_aid", state="requested", requested="2022-10-01", delivered=None),
        context={"registry": registry},
    )
    ledger = request(with_orders(base), new, actor="本人")
    ledger = transition(
        ledger, "os.0001", "accepted", actor="区老干部局", role="bureau", on=date(2022, 11, 5)
    )
    # judged 2022-11-04 the acceptance has not happened: idle since the request, 34 days
    before = run(ledger, "order.stuck", as_of=date(2022, 11, 4))
    assert (before.findings[0].expected, before.findings[0].actual) == (30, 34)
    # judged 2022-11-05: it moved that day
    assert run(ledger, "order.stuck", as_of=date(2022, 11, 5)).findings == ()


def test_an_order_not_open_does_not_stop_the_orders_after_it(base: cadrecore.Ledger) -> None:
    ledger = with_orders(
        base,
        order(1, state="delivered", requested="2022-01-04", delivered="2022-01-05"),
        stuck_order(2, requested="2022-12-05", accepted="2022-12-05"),  # after the day judged
        stuck_order(3),
    )
    assert found(run(ledger, "order.stuck", as_of=date(2022, 12, 2))) == [("os.0003", "stuck")]


@pytest.mark.parametrize(("after", "stuck"), [(30, True), (31, False), (32, False)])
def test_a_ledger_sets_its_own_stuck_days(base: cadrecore.Ledger, after: int, stuck: bool) -> None:
    # idle 31 days on 2022-12-02
    ledger = with_orders(base, stuck_order()).replace(
        parameters=(override("order_service.stuck_after_days", after),)
    )
    report = run(ledger, "order.stuck", as_of=date(2022, 12, 2))
    assert found(report) == ([("os.0001", "stuck")] if stuck else [])
    if stuck:
        assert (report.findings[0].expected, report.findings[0].actual) == (after, 31)


def test_an_average_is_stated_to_two_decimals(base: cadrecore.Ledger) -> None:
    report = run(with_orders(base, *rated([4, 4, 3, 3, 3, 3])), "order.satisfaction")
    (finding,) = report.findings
    # 20 / 6 = 3.333...: 3.33
    assert (finding.expected, finding.actual) == (4.0, 3.33)
    assert finding.message.en == "house cleaning: 6 ratings in 2022 average 3.33, below 4.0"


def test_a_response_states_its_deadline(registry: cadrecore.Registry) -> None:
    record = cadrecore.models.ServiceRecord.model_validate(
        order(1, "legal_aid", delivered="2022-03-14"), context={"registry": registry}
    )
    # 5 working days after Friday 2022-03-04: Friday 2022-03-11; served the Monday after
    assert plugin.response_of(record, 5, date(2022, 3, 14)) == plugin.Response(
        date(2022, 3, 11), 5, date(2022, 3, 14), "late"
    )


def test_an_order_idle_not_long_enough_does_not_stop_the_orders_after_it(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_orders(
        base,
        stuck_order(1, accepted="2022-11-02"),  # 30 days idle on 2022-12-02: not stuck
        stuck_order(2),  # accepted 2022-11-01: 31 days
    )
    report = run(ledger, "order.stuck", as_of=date(2022, 12, 2))
    assert found(report) == [("os.0002", "stuck")]
    assert (report.findings[0].expected, report.findings[0].actual) == (30, 31)
