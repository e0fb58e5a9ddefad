"""The medicine kits' lifecycle, parameters, rules (at their edges) and report section, with the
``cadrecore.testing`` fixtures: the sample ledger, some of whose retirees come from the coal
system, extended with the coal bureau and its kits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import cadrecore_medicine_kits as plugin
import cadrecore_medicine_kits.rules as rules
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cadrecore
from cadrecore import strategies as cst
from cadrecore.models import ParameterOverride, Unit
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Report, Severity, evaluate, get_rulebook
from cadrecore.services import IllegalTransition, transition
from cadrecore.testing import assert_plugin_conforms, judged_alike_when_opened

KEY = "medicine_kits.kit"
COAL = "city.coal"
NS = "medicine_kits::"
#: Retirees of the sample ledger who come from the coal system here (east c000-c003, west c013).
MINERS = ("c000", "c001", "c002", "c003", "c013")


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


@pytest.fixture
def base(registry: cadrecore.Registry, cadrecore_ledger: cadrecore.Ledger) -> cadrecore.Ledger:
    """The sample ledger with the coal bureau, five coal-system retirees and no kit yet."""
    assert KEY in cadrecore_ledger.registry.service_types
    unit = Unit(id=COAL, name="样例市煤炭局", level="city", kind="department", parent_id="city")
    cadres = tuple(
        c.model_copy(update={"former_unit": "样例市煤炭局"}) if c.id in MINERS else c
        for c in cadrecore_ledger.cadres
    )
    return cadrecore_ledger.replace(units=(*cadrecore_ledger.units, unit), cadres=cadres)


def kit(
    cadre_id: str,
    *,
    medicines: str = "硝酸甘油:2024-05-31;创可贴:2025-12-31",
    state: str = "delivered",
    requested: str = "2022-03-01",
    delivered: str | None = "2022-03-15",
    last_checked: str | None = "2022-09-15",
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"kit.{cadre_id}",
        "service_type": KEY,
        "cadre_id": cadre_id,
        "provider_unit_id": COAL,
        "state": state,
        "requested": requested,
        "delivered": delivered if state in ("delivered", "rated") else None,
        "details": {"kit_no": f"MT-{cadre_id}", "medicines": medicines}
        | ({"last_checked": last_checked} if last_checked else {}),
    }
    if state == "rated":
        record["rating"] = 5
    if state in ("cancelled", "declined"):
        record["reason"] = "本人谢绝，已自备药箱"
    return record


def everyone_has_a_kit(base: cadrecore.Ledger, **changes: Any) -> cadrecore.Ledger:
    """Each coal-system retiree with a kit at home; ``changes`` by cadre id replace one."""
    records = [changes.get(cadre_id, kit(cadre_id)) for cadre_id in MINERS]
    return base.replace(service_records=tuple(r for r in records if r is not None))


def run(ledger: cadrecore.Ledger, rule: str, **when: Any) -> Report:
    report = evaluate(ledger, rules=[NS + rule], **({"year": 2022} | when))
    assert not report.errored
    return report


def sections(ledger: cadrecore.Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The plugin's sections as the host asks for them: with their context, keys qualified."""
    hooks = ledger.registry.hooks
    assert hooks is not None
    found, failures = hooks.report_sections(ledger, report, lang)
    assert failures == []
    return [s for s in found if s.plugin == "medicine_kits"]


def found(report: Report) -> list[tuple[str, str]]:
    return [(f.subject.id, f.reason) for f in report.findings]


def test_registers_its_parameters_rules_and_lifecycle(
    cadrecore_pm: PluginManager, registry: cadrecore.Registry
) -> None:
    book = get_rulebook(cadrecore_pm)
    assert {k for k, owner in book.parameters.owners.items() if owner == "medicine_kits"} == {
        "medicine_kits.accept_within_working_days",
        "medicine_kits.deliver_within_working_days",
        "medicine_kits.expiry_warning_days",
        "medicine_kits.check_every_months",
    }
    rules = {r.id: r.rule for r in book.rules.values() if r.plugin == "medicine_kits"}
    assert set(rules) == {
        NS + k for k in ("kit.expired", "kit.expiring", "kit.checked", "kit.coverage")
    }
    assert rules[NS + "kit.expired"].severity is Severity.ERROR
    kit = registry.service_types.get(KEY)  # as registered: its deadlines in its namespace
    assert [(d.state.value, d.working_days) for d in kit.lifecycle.deadlines] == [
        ("requested", "medicine_kits.accept_within_working_days"),
        ("accepted", "medicine_kits.deliver_within_working_days"),
    ]


def test_the_sample_ledger_with_a_kit_for_everyone_passes(base: cadrecore.Ledger) -> None:
    report = evaluate(everyone_has_a_kit(base), year=2022)
    assert report.success and report.findings == ()


# ---------------------------------------------------------------------------------------------
# The lifecycle: handed over at home, no appointment; deadlines in working days
# ---------------------------------------------------------------------------------------------


def test_a_kit_goes_from_accepted_straight_to_delivered(base: cadrecore.Ledger) -> None:
    ledger = everyone_has_a_kit(base, c000=kit("c000", state="requested"))
    accepted = transition(
        ledger, "kit.c000", "accepted", actor="市煤炭局", role="provider", on=date(2022, 3, 2)
    )
    with pytest.raises(IllegalTransition, match="可变为：已服务、已取消"):
        transition(
            accepted,
            "kit.c000",
            "scheduled",
            actor="市煤炭局",
            role="provider",
            on=date(2022, 3, 3),
        )
    delivered = transition(
        accepted, "kit.c000", "delivered", actor="市煤炭局", role="provider", on=date(2022, 3, 4)
    )
    assert delivered.get("service_records", "kit.c000").delivered == date(2022, 3, 4)
    assert [e.to_state.value for e in delivered.service_events] == [
        "requested",
        "accepted",
        "delivered",
    ]


def test_an_accepted_kit_must_reach_the_home_within_twenty_working_days(
    base: cadrecore.Ledger,
) -> None:
    ledger = everyone_has_a_kit(base, c000=kit("c000", state="requested", requested="2022-03-01"))
    ledger = transition(
        ledger, "kit.c000", "accepted", actor="市煤炭局", role="provider", on=date(2022, 3, 2)
    )
    # 20 working days after Wednesday 2022-03-02 is Wednesday 2022-03-30
    deadlines = ["builtin::services.deadlines"]
    assert evaluate(ledger, as_of=date(2022, 3, 29), rules=deadlines).findings == ()
    late = evaluate(ledger, as_of=date(2022, 3, 30), rules=deadlines)
    assert found(late) == [("kit.c000", "overdue")]
    assert late.findings[0].expected == "2022-03-30"


# ---------------------------------------------------------------------------------------------
# Expired and expiring medicines
# ---------------------------------------------------------------------------------------------


def test_a_medicine_may_be_used_on_its_expiry_day_and_is_expired_the_next(
    base: cadrecore.Ledger,
) -> None:
    ledger = everyone_has_a_kit(
        base, c001=kit("c001", medicines="硝酸甘油:2022-12-31;碘伏:2025-01-01")
    )
    assert run(ledger, "kit.expired").findings == ()
    report = run(ledger, "kit.expired", as_of=date(2023, 1, 1))
    assert found(report) == [("kit.c001", "expired")]
    (finding,) = report.findings
    assert (finding.severity, finding.actual, finding.evidence) == (
        Severity.ERROR,
        1,
        ("硝酸甘油:2022-12-31",),
    )
    assert "硝酸甘油（2022-12-31）" in finding.message.zh


@pytest.mark.parametrize(
    "record",
    [
        kit("c001", medicines="硝酸甘油:2022-06-30", state="cancelled"),  # never delivered
        kit("c001", medicines="硝酸甘油:2022-06-30", state="accepted"),  # on its way
        kit(
            "c001", medicines="硝酸甘油:2023-01-31", requested="2023-01-10", delivered="2023-02-01"
        ),
    ],
)
def test_only_kits_in_homes_are_judged(base: cadrecore.Ledger, record: dict[str, Any]) -> None:
    ledger = everyone_has_a_kit(base, c001=record)
    assert run(ledger, "kit.expired").findings == ()
    assert run(ledger, "kit.expiring").findings == ()


def test_a_medicine_expiring_within_ninety_days_is_a_warning(base: cadrecore.Ledger) -> None:
    # 2023-03-31 is 90 days after 2022-12-31, 2023-04-01 is 91
    ledger = everyone_has_a_kit(
        base,
        c002=kit("c002", medicines="硝酸甘油:2023-03-31;速效救心丸:2023-04-01"),
    )
    report = run(ledger, "kit.expiring")
    (finding,) = report.findings
    assert (finding.subject.id, finding.reason, finding.severity) == (
        "kit.c002",
        "expiring_soon",
        Severity.WARNING,
    )
    assert (finding.expected, finding.actual, finding.evidence) == (
        90,
        90,
        ("硝酸甘油:2023-03-31",),
    )
    shorter = ParameterOverride(
        id="p30",
        key="medicine_kits.expiry_warning_days",
        value=30,
        unit_id=COAL,
        effective_from=date(2022, 1, 1),
        source="样例市煤炭局通知",
    )
    assert run(ledger.replace(parameters=(shorter,)), "kit.expiring").findings == ()


# ---------------------------------------------------------------------------------------------
# Regular checks
# ---------------------------------------------------------------------------------------------


def test_a_kit_is_checked_every_six_months(base: cadrecore.Ledger) -> None:
    ledger = everyone_has_a_kit(base, c003=kit("c003", last_checked="2022-06-30"))
    before = run(ledger, "kit.checked", as_of=date(2022, 12, 29))
    assert before.findings == ()
    assert {o.status for o in before.occurrences} == {"pending"}
    on_the_day = run(ledger, "kit.checked", as_of=date(2022, 12, 30))
    assert found(on_the_day) == [("kit.c003", "check_overdue")]
    assert (on_the_day.findings[0].expected, on_the_day.findings[0].actual) == (
        "2022-12-30",
        "2022-06-30",
    )


def test_a_kit_never_checked_counts_from_its_delivery(base: cadrecore.Ledger) -> None:
    ledger = everyone_has_a_kit(
        base, c003=kit("c003", delivered="2022-08-31", requested="2022-08-01", last_checked=None)
    )
    assert run(ledger, "kit.checked").findings == ()
    # 2022-08-31 + 6 months: the last day of February
    assert found(run(ledger, "kit.checked", year=2023, as_of=date(2023, 2, 28))) == [
        ("kit.c003", "check_overdue")
    ]
    assert run(ledger, "kit.checked", as_of=date(2023, 2, 27)).findings == ()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 1, 15), 12, date(2023, 1, 15)),
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(
    day: date, months: int, expected: date
) -> None:
    assert plugin.add_months(day, months) == expected


# ---------------------------------------------------------------------------------------------
# Every eligible retiree offered a kit
# ---------------------------------------------------------------------------------------------


def test_an_eligible_retiree_without_any_kit_record_is_found(base: cadrecore.Ledger) -> None:
    report = run(everyone_has_a_kit(base, c013=None), "kit.coverage")
    assert found(report) == [("c013", "no_kit")]
    by_county = {m.subject.id: (m.numerator, m.denominator) for m in report.measures}
    assert by_county == {"east": (4, 4), "west": (0, 1)}


@pytest.mark.parametrize("state", ["requested", "accepted", "cancelled", "declined", "rated"])
def test_a_request_under_way_or_a_refusal_on_record_is_enough(
    base: cadrecore.Ledger, state: str
) -> None:
    ledger = everyone_has_a_kit(base, c013=kit("c013", state=state))
    assert run(ledger, "kit.coverage").findings == ()


def test_the_dead_and_retirees_of_other_systems_are_not_eligible(base: cadrecore.Ledger) -> None:
    ledger = everyone_has_a_kit(base, c013=None)
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 5, 1)}) if c.id == "c013" else c
        for c in ledger.cadres
    )
    assert run(ledger.replace(cadres=cadres), "kit.coverage").findings == ()
    assert found(run(ledger, "kit.coverage", as_of=date(2022, 4, 30))) == [("c013", "no_kit")]
    assert sorted(f.subject.id for f in run(base, "kit.coverage").findings) == sorted(MINERS)


# ---------------------------------------------------------------------------------------------
# At scale: a ledger opened on a store
# ---------------------------------------------------------------------------------------------


def test_the_rules_judge_a_ledger_opened_on_a_store_alike(
    base: cadrecore.Ledger, tmp_path: Path
) -> None:
    """``store.open()`` reads the cadres by columns only: the same report, and the cadres (a
    province's million) never read whole."""
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 6, 1)}) if c.id == "c003" else c
        for c in base.cadres
    )
    ledger = everyone_has_a_kit(
        base.replace(cadres=cadres),
        c000=kit("c000", medicines="硝酸甘油:2022-05-31;创可贴:2023-01-15"),
        c001=kit("c001", state="declined", delivered=None),
        c002=kit("c002", state="accepted", delivered=None),
        c003=None,
        c013=None,
    )
    seen: set[str] = set()
    for judged in judged_alike_when_opened(
        ledger,
        tmp_path / "store.sqlite",
        rules=[NS + "*"],
        dates=(date(2022, 4, 30), date(2022, 12, 31)),
    ):
        seen |= {f.reason for f in judged.findings}
    assert seen == {"expired", "expiring_soon", "no_kit"}


# ---------------------------------------------------------------------------------------------
# The report section
# ---------------------------------------------------------------------------------------------


def test_the_report_section_counts_kits_by_county_and_lists_medicines_to_replace(
    base: cadrecore.Ledger,
) -> None:
    ledger = everyone_has_a_kit(
        base,
        c000=kit("c000", medicines="硝酸甘油:2022-12-01;碘伏:2025-01-01"),
        c001=kit(
            "c001", medicines="速效救心丸:2023-02-01;碘伏:2025-01-01", last_checked="2022-03-20"
        ),
        c013=None,
    )
    report = evaluate(ledger, year=2022)
    (section,) = sections(ledger, report, "zh")
    assert (section.key, section.order) == (KEY, 240)
    counties, to_replace = section.tables
    assert counties.rows == (
        ("东县", 4, 4, 100.0, 3, 1, 1),
        ("西县", 1, 0, 0.0, 0, 0, 0),
    )
    assert to_replace.rows == (
        ("MT-c000", base.cadre("c000").name, "硝酸甘油", "2022-12-01", "已过期"),
        ("MT-c001", base.cadre("c001").name, "速效救心丸", "2023-02-01", "临期"),
    )
    assert "规则检查发现 4 条问题" in section.paragraphs[0].zh  # expired, expiring, check, no kit
    (chart,) = section.charts
    assert (chart.kind, chart.labels, chart.values) == ("pie", ("已服务",), (4.0,))
    assert sections(ledger, report, "en")[0].tables[1].rows[0][-1] == "expired"


def test_no_section_without_kits(base: cadrecore.Ledger) -> None:
    assert sections(base, evaluate(base, year=2022), "zh") == []


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

medicine_cells = st.lists(
    st.tuples(
        st.sampled_from(["硝酸甘油", "碘伏", "创可贴"]),
        st.dates(min_value=date(2021, 1, 1), max_value=date(2024, 1, 1)),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda m: m[0],
).map(lambda ms: ";".join(f"{n}:{d}" for n, d in ms))

details_inputs = st.fixed_dictionaries(
    {"kit_no": st.sampled_from(["MT-1", "MT-2"]), "medicines": medicine_cells},
    optional={"last_checked": st.dates(min_value=date(2020, 1, 1), max_value=date(2023, 6, 1))},
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), day=st.dates(min_value=date(2021, 1, 1), max_value=date(2023, 6, 1)))
def test_the_rules_never_raise(
    registry: cadrecore.Registry, data: st.DataObject, day: date
) -> None:
    ledger = data.draw(cst.ledgers(registry, details={KEY: details_inputs}))
    report = evaluate(ledger, as_of=day, rules=[NS + "*", "builtin::services.*"])
    assert report.errored == ()
    assert sections(ledger, report, "zh") is not None


@given(name=st.text(min_size=1, max_size=8))
def test_a_medicine_is_read_back_from_its_cell_as_it_was_written(name: str) -> None:
    """Any name the model accepts survives being written as ``name:expiry`` and read back;
    control characters, which a spreadsheet cannot hold, are refused."""
    try:
        medicine = plugin.Medicine(name=name, expires=date(2024, 1, 31))
    except ValueError:
        return
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in medicine.name)
    text = plugin.KitDetails(kit_no="MT-1", medicines=(medicine,)).model_dump(mode="json")
    assert plugin.KitDetails.model_validate(
        {"kit_no": "MT-1", "medicines": ";".join(text["medicines"])}
    ).medicines == (medicine,)


def test_the_plugin_conforms_on_random_ledgers_of_its_own_records() -> None:
    # its records' details drawn by the strategies above, not the kit's generic ones
    assert_plugin_conforms(plugin, details={"kit": details_inputs})


# ---------------------------------------------------------------------------------------------
# At each rule's edges, exactly (issue #24): every value below worked out by hand from the
# rules' docstrings and docs/reference/rules.md (defaults: 90 days' warning, a check every six
# months; a year's report is judged as of 31 December)
# ---------------------------------------------------------------------------------------------


def test_an_expired_finding_lists_every_expired_medicine_in_both_languages(
    base: cadrecore.Ledger,
) -> None:
    # on 2023-01-01 both 2022-12-31 and 2022-11-30 are past; 2025-01-01 is not
    ledger = everyone_has_a_kit(
        base,
        c001=kit("c001", medicines="硝酸甘油:2022-12-31;碘伏:2022-11-30;创可贴:2025-01-01"),
    )
    (finding,) = run(ledger, "kit.expired", year=2023, as_of=date(2023, 1, 1)).findings
    assert (finding.subject.kind, finding.subject.id, finding.reason) == (
        "service_records",
        "kit.c001",
        "expired",
    )
    assert (finding.expected, finding.actual, finding.evidence) == (
        0,
        2,
        ("硝酸甘油:2022-12-31", "碘伏:2022-11-30"),
    )
    assert (
        finding.message.zh
        == "药箱 MT-c001 内有过期药品：硝酸甘油（2022-12-31）、碘伏（2022-11-30）"
    )
    assert finding.message.en == (
        "kit MT-c001 holds expired medicine: 硝酸甘油 (2022-12-31), 碘伏 (2022-11-30)"
    )


def test_a_kit_is_judged_from_its_delivery_day_not_before(base: cadrecore.Ledger) -> None:
    record = kit(
        "c001", medicines="硝酸甘油:2022-12-29", requested="2022-12-01", delivered="2022-12-31"
    )
    ledger = everyone_has_a_kit(base, c001=record)
    # on 2022-12-30 the kit is not yet in the home; on 2022-12-31, its delivery day, it is
    assert run(ledger, "kit.expired", as_of=date(2022, 12, 30)).findings == ()
    assert found(run(ledger, "kit.expired", as_of=date(2022, 12, 31))) == [("kit.c001", "expired")]
    # a rated kit is in the home as well
    rated = everyone_has_a_kit(base, c001=kit("c001", state="rated", medicines="碘伏:2022-06-30"))
    assert found(run(rated, "kit.expired")) == [("kit.c001", "expired")]


def test_an_expiring_finding_counts_the_days_to_the_first_medicine_to_expire(
    base: cadrecore.Ledger,
) -> None:
    # as of 2022-12-31: 2023-03-31 is 90 days away, 2023-01-10 is 10, 2023-04-01 is 91
    ledger = everyone_has_a_kit(
        base,
        c002=kit("c002", medicines="速效救心丸:2023-03-31;硝酸甘油:2023-01-10;碘伏:2023-04-01"),
    )
    (finding,) = run(ledger, "kit.expiring").findings
    assert (finding.subject.kind, finding.subject.id) == ("service_records", "kit.c002")
    assert (finding.expected, finding.actual, finding.evidence) == (
        90,
        10,
        ("速效救心丸:2023-03-31", "硝酸甘油:2023-01-10"),
    )
    assert finding.message.zh == (
        "药箱 MT-c002 内药品将在 90 天内过期：速效救心丸（2023-03-31）、硝酸甘油（2023-01-10）"
    )
    assert finding.message.en == (
        "kit MT-c002 holds medicine expiring within 90 days: "
        "速效救心丸 (2023-03-31), 硝酸甘油 (2023-01-10)"
    )
    # the coal bureau's own 30 days: only 2023-01-10 is within them
    shorter = ParameterOverride(
        id="p30",
        key="medicine_kits.expiry_warning_days",
        value=30,
        unit_id=COAL,
        effective_from=date(2022, 1, 1),
        source="样例市煤炭局通知",
    )
    (finding,) = run(ledger.replace(parameters=(shorter,)), "kit.expiring").findings
    assert (finding.expected, finding.actual, finding.evidence) == (
        30,
        10,
        ("硝酸甘油:2023-01-10",),
    )
    assert finding.message.en == (
        "kit MT-c002 holds medicine expiring within 30 days: 硝酸甘油 (2023-01-10)"
    )


def checks(report: Report) -> dict[str, tuple[str, str, date | None, str, date | None]]:
    return {
        o.subject.id: (o.subject.kind, o.period, o.due, o.status, o.done_on)
        for o in report.occurrences
    }


def test_each_kit_in_a_home_has_its_next_check_due_six_months_after_the_last(
    base: cadrecore.Ledger,
) -> None:
    # the others: delivered 2022-03-15, checked 2022-09-15, next due 2023-03-15; c003 checked
    # 2022-06-30, due 2022-12-30: pending the day before, overdue on the day
    ledger = everyone_has_a_kit(base, c003=kit("c003", last_checked="2022-06-30"))
    others = ("service_records", "2022", date(2023, 3, 15), "pending", date(2022, 9, 15))
    before = run(ledger, "kit.checked", as_of=date(2022, 12, 29))
    assert checks(before) == {
        "kit.c000": others,
        "kit.c001": others,
        "kit.c002": others,
        "kit.c003": ("service_records", "2022", date(2022, 12, 30), "pending", date(2022, 6, 30)),
        "kit.c013": others,
    }
    on_the_day = run(ledger, "kit.checked", as_of=date(2022, 12, 30))
    assert checks(on_the_day)["kit.c003"] == (
        "service_records",
        "2022",
        date(2022, 12, 30),
        "overdue",
        date(2022, 6, 30),
    )
    assert checks(on_the_day)["kit.c013"] == others  # the kit after the overdue one still judged
    (finding,) = on_the_day.findings
    assert (finding.subject.kind, finding.subject.id) == ("service_records", "kit.c003")
    assert finding.message.zh == (
        "药箱 MT-c003 最近一次检查在 2022-06-30，应每 6 个月检查一次（2022-12-30 前）"
    )
    assert finding.message.en == (
        "kit MT-c003 was last checked on 2022-06-30; it is checked every 6 months "
        "(due by 2022-12-30)"
    )
    # a year later: every kit overdue, each with its own finding
    late = run(ledger, "kit.checked", year=2023, as_of=date(2023, 12, 31))
    assert sorted(found(late)) == [(f"kit.{c}", "check_overdue") for c in sorted(MINERS)]
    assert {o.status for o in late.occurrences} == {"overdue"}
    assert {o.period for o in late.occurrences} == {"2023"}


def test_the_coal_bureau_may_check_its_kits_more_often(base: cadrecore.Ledger) -> None:
    # every 3 months: c003 checked 2022-06-30 is due 2022-09-30; the others, 2022-12-15
    ledger = everyone_has_a_kit(base, c003=kit("c003", last_checked="2022-06-30"))
    often = ParameterOverride(
        id="p3",
        key="medicine_kits.check_every_months",
        value=3,
        unit_id=COAL,
        effective_from=date(2022, 1, 1),
        source="样例市煤炭局通知",
    )
    ledger = ledger.replace(parameters=(often,))
    report = run(ledger, "kit.checked", as_of=date(2022, 9, 30))
    assert found(report) == [("kit.c003", "check_overdue")]
    assert (report.findings[0].expected, report.findings[0].actual) == ("2022-09-30", "2022-06-30")
    assert checks(report)["kit.c000"][2:4] == (date(2022, 12, 15), "pending")
    assert "every 3 months" in report.findings[0].message.en


def test_a_check_recorded_before_the_delivery_counts_from_the_delivery(
    base: cadrecore.Ledger,
) -> None:
    # delivered 2022-08-31 (later than the check of 2022-05-01): due 2023-02-28
    record = kit("c003", requested="2022-05-01", delivered="2022-08-31", last_checked="2022-05-01")
    ledger = everyone_has_a_kit(base, c003=record)
    report = run(ledger, "kit.checked", year=2023, as_of=date(2023, 2, 27))
    assert checks(report)["kit.c003"][2:] == (date(2023, 2, 28), "pending", date(2022, 8, 31))
    late = run(ledger, "kit.checked", year=2023, as_of=date(2023, 2, 28))
    assert ("kit.c003", "check_overdue") in found(late)
    assert rules.last_checked(
        ledger.get("service_records", "kit.c003"),
        plugin.KitDetails.model_validate(
            {"kit_no": "MT-c003", "medicines": "碘伏:2025-01-01", "last_checked": "2022-09-01"}
        ),
    ) == date(2022, 9, 1)


def statuses_ledger(base: cadrecore.Ledger) -> cadrecore.Ledger:
    def again(record: dict[str, Any], suffix: str) -> dict[str, Any]:
        return record | {"id": record["id"] + suffix}

    records = [
        again(kit("c000", state="declined"), "a"),  # refused, then a kit at home
        again(kit("c000"), "b"),
        again(kit("c001"), "a"),  # a kit at home, then a cancelled request
        again(kit("c001", state="cancelled"), "b"),
        again(kit("c002", state="declined"), "a"),  # refused, then requested again
        again(kit("c002", state="requested"), "b"),
        kit("c003", state="declined"),
        kit("c013", state="requested", requested="2022-12-31"),
    ]
    return base.replace(service_records=tuple(records))


def test_each_cadre_has_the_best_status_of_their_kit_records(base: cadrecore.Ledger) -> None:
    ledger = statuses_ledger(base)
    assert rules.kit_status(ledger, date(2022, 12, 31)) == {
        "c000": "in_home",
        "c001": "in_home",
        "c002": "on_its_way",
        "c003": "refused",
        "c013": "on_its_way",  # requested on the day
    }
    assert rules.kit_status(ledger, date(2022, 12, 30)) == {
        "c000": "in_home",
        "c001": "in_home",
        "c002": "on_its_way",
        "c003": "refused",
    }
    # the day before the kits' delivery (2022-03-15) they are on their way
    assert rules.kit_status(ledger, date(2022, 3, 14)) == {
        "c000": "on_its_way",
        "c001": "on_its_way",
        "c002": "on_its_way",
        "c003": "refused",
    }
    assert rules.kit_status(ledger, date(2022, 3, 15))["c000"] == "in_home"


def test_a_request_counts_from_its_day_and_coverage_is_measured_by_county(
    base: cadrecore.Ledger,
) -> None:
    ledger = statuses_ledger(base)
    before = run(ledger, "kit.coverage", as_of=date(2022, 12, 30))
    assert found(before) == [("c013", "no_kit")]
    name = base.cadre("c013").name
    assert before.findings[0].subject.kind == "cadres"
    assert before.findings[0].message.zh == (
        f"煤炭系统离退休干部 {name}（样例市煤炭局）尚未配置急救药箱，也无申请或谢绝记录"
    )
    assert before.findings[0].message.en == (
        f"coal-system retiree {name} (样例市煤炭局) has no kit, no request and no refusal on record"
    )
    on_the_day = run(ledger, "kit.coverage", as_of=date(2022, 12, 31))
    assert on_the_day.findings == ()
    # east: c000 and c001 at home of c000-c003; west: c013's request under way
    assert [
        (m.name, m.subject.kind, m.subject.id, m.numerator, m.denominator, m.label)
        for m in on_the_day.measures
    ] == [
        (
            "coverage",
            "units",
            "east",
            2,
            4,
            cadrecore.Text(
                "煤炭系统离退休干部药箱配置率", "coal-system retirees with a kit at home"
            ),
        ),
        (
            "coverage",
            "units",
            "west",
            0,
            1,
            cadrecore.Text(
                "煤炭系统离退休干部药箱配置率", "coal-system retirees with a kit at home"
            ),
        ),
    ]
    eligible = rules.eligible_cadres(ledger, date(2022, 12, 31))
    assert [c.id for c in eligible] == list(MINERS)


def test_a_kit_at_home_outranks_an_earlier_request_and_counties_come_in_order(
    base: cadrecore.Ledger,
) -> None:
    # c000: a request still open (kit.c000), then a kit delivered (kit.c000b): at home
    records = [
        kit("c000", state="requested"),
        kit("c000") | {"id": "kit.c000b"},
        kit("c013", state="accepted"),
    ]
    # the west county's cadre first in the ledger: the measures still come east, then west
    cadres = sorted(base.cadres, key=lambda c: c.id != "c013")
    ledger = base.replace(cadres=tuple(cadres), service_records=tuple(records))
    assert rules.kit_status(ledger, date(2022, 12, 31)) == {"c000": "in_home", "c013": "on_its_way"}
    report = run(ledger, "kit.coverage")
    assert sorted(found(report)) == [("c001", "no_kit"), ("c002", "no_kit"), ("c003", "no_kit")]
    assert [(m.subject.id, m.numerator, m.denominator) for m in report.measures] == [
        ("east", 1, 4),
        ("west", 0, 1),
    ]


def test_a_request_not_yet_made_is_passed_over_and_the_next_record_still_read(
    base: cadrecore.Ledger,
) -> None:
    # c000's request is dated 2022-12-31: on 2022-12-30 it is not known; c001's kit after it is
    records = [kit("c000", state="requested", requested="2022-12-31"), kit("c001")]
    ledger = base.replace(service_records=tuple(records))
    assert rules.kit_status(ledger, date(2022, 12, 30)) == {"c001": "in_home"}
    assert rules.kit_status(ledger, date(2022, 12, 31)) == {
        "c000": "on_its_way",
        "c001": "in_home",
    }
