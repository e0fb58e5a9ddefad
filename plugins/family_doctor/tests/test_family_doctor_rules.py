"""The family-doctor lifecycle, parameters, rules (at their edges) and report section, with the
``cadrecore.testing`` fixtures: the sample ledger, some of whose retirees are made old enough,
extended with contracts."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cadrecore_family_doctor as plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cadrecore
from cadrecore import strategies as cst
from cadrecore.models import ParameterOverride
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Report, Severity, evaluate, get_rulebook
from cadrecore.testing import assert_plugin_conforms, judged_alike_when_opened

KEY = "family_doctor.contract"
NS = "family_doctor::"
#: Cadres of the sample ledger made 80 or over by the end of 2022 (east c000-c002, west c013).
OLDEST = {"c000": date(1935, 5, 1), "c001": date(1940, 1, 1), "c002": date(1942, 12, 31)}
OLD_WEST = {"c013": date(1938, 7, 1)}


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


@pytest.fixture
def base(registry: cadrecore.Registry, cadrecore_ledger: cadrecore.Ledger) -> cadrecore.Ledger:
    """The sample ledger with four cadres aged 80 or over on 2022-12-31 and a fifth of 79."""
    assert KEY in cadrecore_ledger.registry.service_types
    births = OLDEST | OLD_WEST | {"c003": date(1943, 1, 1)}
    cadres = tuple(
        c.model_copy(update={"birth_date": births[c.id]}) if c.id in births else c
        for c in cadrecore_ledger.cadres
    )
    return cadrecore_ledger.replace(cadres=cadres)


def sections(ledger: cadrecore.Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The plugin's sections as the host asks for them: with their context, keys qualified."""
    hooks = ledger.registry.hooks
    assert hooks is not None
    found, failures = hooks.report_sections(ledger, report, lang)
    assert failures == []
    return [s for s in found if s.plugin == "family_doctor"]


def contract(
    cadre_id: str,
    *,
    number: int = 1,
    state: str = "delivered",
    start: str = "2022-01-01",
    end: str = "2022-12-31",
    every: int = 3,
    visits: str = "",
    requested: str | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"fd.{cadre_id}.{number}",
        "service_type": KEY,
        "cadre_id": cadre_id,
        "provider_unit_id": "city.vcb",
        "state": state,
        "requested": requested or (date.fromisoformat(start) - timedelta(days=10)).isoformat(),
        "delivered": start if state in ("delivered", "rated") else None,
        "details": {
            "doctor": "样例医生",
            "clinic": "东县社区卫生服务中心",
            "contract_start": start,
            "contract_end": end,
            "visit_every_months": every,
            "visits": visits,
        },
    }
    if state == "rated":
        record["rating"] = 5
    if state in ("cancelled", "declined"):
        record["reason"] = "本人已与其他医疗机构签约"
    return record


def with_records(ledger: cadrecore.Ledger, *records: dict[str, Any]) -> cadrecore.Ledger:
    return ledger.replace(service_records=records)


def run(ledger: cadrecore.Ledger, rule: str, **when: Any) -> Report:
    report = evaluate(ledger, rules=[NS + rule], **({"year": 2022} | when))
    assert not report.errored
    return report


def found(report: Report) -> list[tuple[str, str]]:
    return [(f.subject.id, f.reason) for f in report.findings]


def test_registers_its_parameters_rules_and_lifecycle(
    cadrecore_pm: PluginManager, registry: cadrecore.Registry
) -> None:
    book = get_rulebook(cadrecore_pm)
    assert {k for k, owner in book.parameters.owners.items() if owner == "family_doctor"} == {
        "family_doctor.accept_within_working_days",
        "family_doctor.min_age",
        "family_doctor.visit_grace_days",
        "family_doctor.renewal_notice_days",
    }
    rules = {r.id: r.rule for r in book.rules.values() if r.plugin == "family_doctor"}
    assert set(rules) == {
        NS + "contract.coverage",
        NS + "contract.visits",
        NS + "contract.renewal",
    }
    assert rules[NS + "contract.coverage"].severity is Severity.INFO
    (deadline,) = registry.service_types.get(KEY).lifecycle.deadlines  # as registered
    assert (deadline.state.value, deadline.working_days) == (
        "requested",
        "family_doctor.accept_within_working_days",
    )


def test_a_request_left_unanswered_for_five_working_days_is_overdue(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_records(
        base, contract("c000", state="requested", start="2022-10-10", requested="2022-09-30")
    )
    # 2022-09-30 is the Friday before the National Day holiday (10-01..10-07); the weekend of
    # 10-08 and 10-09 is worked (调休), so five working days later is Wednesday 2022-10-12
    deadlines = ["builtin::services.deadlines"]
    assert evaluate(ledger, as_of=date(2022, 10, 11), rules=deadlines).findings == ()
    assert found(evaluate(ledger, as_of=date(2022, 10, 12), rules=deadlines)) == [
        ("fd.c000.1", "overdue")
    ]


# ---------------------------------------------------------------------------------------------
# Coverage of the oldest cadres
# ---------------------------------------------------------------------------------------------


def test_coverage_counts_cadres_of_eighty_by_county(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, contract("c000"), contract("c001", state="declined"))
    report = run(ledger, "contract.coverage")
    measures = {m.subject.id: (m.numerator, m.denominator) for m in report.measures}
    assert measures == {"east": (1, 3), "west": (0, 1)}  # c003 is 79 on 2022-12-31
    # east is in the care action: c002 has neither a contract nor a refusal; west is not yet
    (finding,) = report.findings
    assert (finding.subject.id, finding.reason, finding.severity) == (
        "east",
        "uncovered",
        Severity.INFO,
    )
    assert (finding.expected, finding.actual, finding.evidence) == (3, 1, ("c002",))


def test_a_contract_counts_only_while_signed_and_running(base: cadrecore.Ledger) -> None:
    records = (
        contract("c000", start="2021-01-01", end="2021-12-31"),  # ended
        contract("c001", state="scheduled"),  # not yet signed
        contract("c002", start="2023-01-01", end="2023-12-31", requested="2022-12-20"),
    )
    report = run(with_records(base, *records), "contract.coverage")
    assert [m.numerator for m in report.measures if m.subject.id == "east"] == [0]
    assert report.findings[0].evidence == ("c000", "c001", "c002")


def test_a_ledger_sets_its_own_age_for_a_county(base: cadrecore.Ledger) -> None:
    seventy_nine = ParameterOverride(
        id="east.age",
        key="family_doctor.min_age",
        value=79,
        unit_id="east",
        effective_from=date(2022, 1, 1),
        source="东县老干部局通知",
    )
    ledger = with_records(base, contract("c000")).replace(parameters=(seventy_nine,))
    report = run(ledger, "contract.coverage")
    assert {m.subject.id: m.denominator for m in report.measures} == {"east": 4, "west": 1}


# ---------------------------------------------------------------------------------------------
# Visits on the contract's schedule
# ---------------------------------------------------------------------------------------------


def test_a_visit_within_the_grace_is_on_time_and_a_day_later_is_late(
    base: cadrecore.Ledger,
) -> None:
    # every 3 months from 2022-01-01: due 2022-04-01, 15 days' grace to 2022-04-16
    on_time = with_records(base, contract("c000", visits="2022-04-16;2022-07-10;2022-10-05"))
    assert run(on_time, "contract.visits").findings == ()
    late = with_records(base, contract("c000", visits="2022-04-17;2022-07-10;2022-10-05"))
    report = run(late, "contract.visits")
    assert found(report) == [("fd.c000.1", "visit_late")]
    assert (report.findings[0].expected, report.findings[0].actual) == ("2022-04-16", "2022-04-17")
    assert [o.status for o in report.occurrences] == ["late", "done", "done"]


def test_a_missing_visit_is_overdue_from_the_end_of_its_grace(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, contract("c000", visits="2022-03-20"))
    # the early visit moves the next one: due 2022-06-20, grace to 2022-07-05
    assert run(ledger, "contract.visits", as_of=date(2022, 7, 4)).findings == ()
    report = run(ledger, "contract.visits", as_of=date(2022, 7, 5))
    assert found(report) == [("fd.c000.1", "visit_overdue")]
    assert (report.findings[0].expected, report.findings[0].actual) == ("2022-07-05", "2022-03-20")


@pytest.mark.parametrize(
    "record",
    [
        contract("c000", state="scheduled"),  # not signed
        contract("c000", start="2021-01-01", end="2021-12-31"),  # over before the year
        contract("c000", start="2022-11-01", end="2023-10-31", requested="2022-10-20"),
    ],
)
def test_only_signed_contracts_running_in_the_year_call_for_visits(
    base: cadrecore.Ledger, record: dict[str, Any]
) -> None:
    assert run(with_records(base, record), "contract.visits").findings == ()


def test_visits_a_day_apart_at_a_month_end_are_both_next_due_at_its_end() -> None:
    details = plugin.ContractDetails(
        doctor="医生",
        clinic="卫生院",
        contract_start=date(2021, 1, 1),
        contract_end=date(2021, 12, 31),
        visit_every_months=1,
        visits=(date(2021, 1, 30), date(2021, 1, 31)),
    )
    schedule = plugin.visit_schedule(details, date(2021, 2, 20), 15)
    assert [(d.after, d.due) for d in schedule] == [
        (date(2021, 1, 1), date(2021, 2, 1)),
        (date(2021, 1, 30), date(2021, 2, 28)),
        (date(2021, 1, 31), date(2021, 2, 28)),
    ]


def test_no_visit_is_due_after_the_contract_ends() -> None:
    details = plugin.ContractDetails.model_validate(
        contract("c0", start="2022-01-01", end="2022-05-31", visits="2022-03-30")["details"]
    )
    schedule = plugin.visit_schedule(details, date(2022, 12, 31), 15)
    assert [(d.due, d.status) for d in schedule] == [(date(2022, 4, 1), "done")]


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2023, 1, 1)),
    every=st.integers(1, 12),
    offsets=st.sets(st.integers(0, 730), max_size=10),
    grace=st.integers(0, 40),
    judged=st.integers(0, 900),
)
def test_a_schedule_moves_forward_and_each_answer_follows_its_anchor(
    start: date, every: int, offsets: set[int], grace: int, judged: int
) -> None:
    end = start + timedelta(days=730)
    details = plugin.ContractDetails(
        doctor="医生",
        clinic="卫生院",
        contract_start=start,
        contract_end=end,
        visit_every_months=every,
        visits=tuple(start + timedelta(days=o) for o in offsets),
    )
    as_of = start + timedelta(days=judged)
    schedule = plugin.visit_schedule(details, as_of, grace)
    for before, after in itertools.pairwise(schedule):
        assert before.visit is not None and after.after == before.visit
        # each visit moves the anchor forward; the due dates follow, never back (two may fall
        # on the same month's end: visits on 30 and 31 January, a visit a month, are both
        # next due on 28 February)
        assert after.after > before.after and after.due >= before.due
    for item in schedule:
        assert item.due <= end and item.deadline == item.due + timedelta(days=grace)
        if item.visit is None:
            assert item is schedule[-1] and item.status in ("pending", "overdue")
        else:
            assert item.after < item.visit <= as_of
            assert item.status == ("done" if item.visit <= item.deadline else "late")


# ---------------------------------------------------------------------------------------------
# Renewals
# ---------------------------------------------------------------------------------------------


def test_a_contract_ending_within_thirty_days_needs_a_renewal(base: cadrecore.Ledger) -> None:
    ending = contract(
        "c000", start="2022-01-31", end="2023-01-30", visits="2022-04-30;2022-07-30;2022-10-30"
    )
    report = run(with_records(base, ending), "contract.renewal")
    assert found(report) == [("fd.c000.1", "renewal_due")]
    assert (report.findings[0].expected, report.findings[0].actual) == ("2023-01-30", 30)
    later = contract(
        "c000", start="2022-02-01", end="2023-01-31", visits="2022-05-01;2022-08-01;2022-11-01"
    )
    assert run(with_records(base, later), "contract.renewal").findings == ()


def test_a_renewal_on_record_answers_and_a_refused_one_does_not(base: cadrecore.Ledger) -> None:
    current = contract("c000", visits="2022-03-30;2022-06-28;2022-09-27")
    renewal = contract(
        "c000",
        number=2,
        state="accepted",
        start="2023-01-01",
        end="2023-12-31",
        requested="2022-12-10",
    )
    report = run(with_records(base, current, renewal), "contract.renewal")
    assert report.findings == ()
    assert [o.status for o in report.occurrences] == ["done"]
    refused = renewal | {"state": "declined", "reason": "本人不再续约"}
    assert found(run(with_records(base, current, refused), "contract.renewal")) == [
        ("fd.c000.1", "renewal_due")
    ]


def test_no_renewal_is_sought_for_a_cadre_who_died(base: cadrecore.Ledger) -> None:
    current = contract("c000", visits="2022-03-30;2022-06-28;2022-09-27")
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 12, 20)}) if c.id == "c000" else c
        for c in base.cadres
    )
    ledger = with_records(base, current).replace(cadres=cadres)
    assert run(ledger, "contract.renewal").findings == ()


# ---------------------------------------------------------------------------------------------
# At scale: a ledger opened on a store
# ---------------------------------------------------------------------------------------------


def test_the_rules_judge_a_ledger_opened_on_a_store_alike(
    base: cadrecore.Ledger, tmp_path: Path
) -> None:
    """``store.open()`` reads the cadres by columns only: the same report, and the cadres (a
    province's million) never read whole."""
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 12, 20)}) if c.id == "c002" else c
        for c in base.cadres
    )
    ledger = with_records(
        base.replace(cadres=cadres),
        contract("c000", start="2022-01-31", end="2023-01-30", visits="2022-04-30;2022-09-30"),
        contract("c013", state="declined"),
        contract("c002", visits="2022-03-30;2022-06-28;2022-09-27"),
        contract("c003", visits="2022-03-30;2022-06-28;2022-09-27"),
        contract("c003", number=2, state="accepted", start="2023-01-01", end="2023-12-31"),
    )
    seen: set[str] = set()
    for judged in judged_alike_when_opened(
        ledger,
        tmp_path / "store.sqlite",
        rules=[NS + "*"],
        dates=(date(2022, 6, 30), date(2022, 12, 10), date(2022, 12, 31)),
    ):
        seen |= {f.reason for f in judged.findings}
    assert seen == {"renewal_due", "uncovered", "visit_late"}


# ---------------------------------------------------------------------------------------------
# The report section
# ---------------------------------------------------------------------------------------------


def test_the_report_section_shows_coverage_and_visits(base: cadrecore.Ledger) -> None:
    ledger = with_records(
        base,
        contract("c000", visits="2022-03-30;2022-06-28;2022-09-27"),
        contract("c001", visits="2022-04-20;2022-07-15;2022-10-10", start="2022-01-01"),
        contract("c002", state="declined"),
        contract(
            "c000",
            number=2,
            state="accepted",
            start="2023-01-01",
            end="2023-12-31",
            requested="2022-12-10",
        ),
    )
    report = evaluate(ledger, year=2022)
    (section,) = sections(ledger, report, "zh")
    assert (section.key, section.order) == (KEY, 210)
    by_county, by_clinic = section.tables
    assert by_county.rows == (("东县", 3, 2, 66.6, 1, 0), ("西县", 1, 0, 0.0, 0, None))
    # both contracts run to 2022-12-31; c001's first visit (due 04-01) came late, on 04-20
    assert by_clinic.rows == (("东县社区卫生服务中心", 2, 6, 83.3),)
    (chart,) = section.charts
    assert (chart.labels, chart.values) == (("东县",), (66.6,))
    assert "80 岁以上在世老干部 4 人" in section.paragraphs[0].zh


def test_no_section_without_contracts(base: cadrecore.Ledger) -> None:
    assert sections(base, evaluate(base, year=2022), "en") == []


# ---------------------------------------------------------------------------------------------
# Properties: the rules never raise on any consistent ledger
# ---------------------------------------------------------------------------------------------


@st.composite
def details_inputs(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2023, 1, 1)))
    length = draw(st.integers(1, 800))
    offsets = draw(st.sets(st.integers(0, length), max_size=6))
    return {
        "doctor": "医生",
        "clinic": draw(st.sampled_from(["甲卫生院", "乙卫生院"])),
        "contract_start": start,
        "contract_end": start + timedelta(days=length),
        "visit_every_months": draw(st.integers(1, 12)),
        "visits": [start + timedelta(days=o) for o in sorted(offsets)],
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), day=st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 1, 1)))
def test_the_rules_never_raise(
    registry: cadrecore.Registry, data: st.DataObject, day: date
) -> None:
    ledger = data.draw(cst.ledgers(registry, details={KEY: details_inputs()}))
    report = evaluate(ledger, as_of=day, rules=[NS + "*", "builtin::services.*"])
    assert report.errored == ()
    assert sections(ledger, report, "zh") is not None


@given(born=st.dates(), day=st.dates(), years=st.integers(min_value=-20, max_value=150))
def test_born_by_says_who_is_of_age_as_age_on_does(born: date, day: date, years: int) -> None:
    from cadrecore_family_doctor.rules import age_on, born_by

    cutoff = born_by(day, years)
    assert (cutoff is not None and born <= cutoff) == (age_on(born, day) >= years)


def test_the_plugin_conforms_on_random_ledgers_of_its_own_records() -> None:
    # its records' details drawn by the strategies above, not the kit's generic ones
    assert_plugin_conforms(plugin, details={"contract": details_inputs()})


# ---------------------------------------------------------------------------------------------
# At each boundary: the expected values worked out by hand from the rules' docstrings and
# docs/reference/rules.md (80 years, 15 days' grace, 30 days' notice), a year judged on its
# last day (2022-12-31) unless said
# ---------------------------------------------------------------------------------------------


def occurrences(report: Report) -> list[tuple[str, str, str, date | None, str, date | None]]:
    return [
        (o.subject.kind, o.subject.id, o.period, o.due, o.status, o.done_on)
        for o in report.occurrences
    ]


def grace_or_notice(key: str, value: int) -> ParameterOverride:
    """The city bureau's own value for its contracts (their provider is city.vcb)."""
    return ParameterOverride(
        id=f"vcb.{key}",
        key=f"family_doctor.{key}",
        value=value,
        unit_id="city.vcb",
        effective_from=date(2022, 1, 1),
        source="样例市委老干部局通知",
    )


def test_born_by_at_the_ends_of_the_calendar_and_on_29_february() -> None:
    from cadrecore_family_doctor.rules import age_on, born_by

    # 80 years before 81-06-15 is 1-06-15, the first year there is: still a date
    assert born_by(date(81, 6, 15), 80) == date(1, 6, 15)
    assert born_by(date(80, 6, 15), 80) is None
    # a year 9999 is a date; a year past it is any birth date at all
    assert born_by(date(9989, 6, 15), -10) == date(9999, 6, 15)
    assert born_by(date(9990, 6, 15), -10) == date.max
    # 81 years before 2024-02-29 is 1943, which has no 29 February: its 28th
    assert born_by(date(2024, 2, 29), 81) == date(1943, 2, 28)
    assert born_by(date(2024, 2, 29), 80) == date(1944, 2, 29)
    # a whole year older on the birthday, not the day before
    assert age_on(date(1942, 12, 31), date(2022, 12, 30)) == 79
    assert age_on(date(1942, 12, 31), date(2022, 12, 31)) == 80


def test_coverage_states_its_age_counts_and_county_name(base: cadrecore.Ledger) -> None:
    records = (
        contract("c000"),
        contract("c001"),
        contract("c002"),
        contract("c013", state="scheduled"),  # west is in the care action, c013 not signed
    )
    report = run(with_records(base, *records), "contract.coverage")
    assert [
        (m.subject.kind, m.subject.id, m.numerator, m.denominator, m.label) for m in report.measures
    ] == [
        (
            "units",
            "east",
            3,
            3,
            cadrecore.Text("80 岁以上老干部家庭医生签约率", "cadres of age with a doctor"),
        ),
        (
            "units",
            "west",
            0,
            1,
            cadrecore.Text("80 岁以上老干部家庭医生签约率", "cadres of age with a doctor"),
        ),
    ]
    # east has none missing and is passed over; west, after it, is found
    (finding,) = report.findings
    assert (finding.subject.kind, finding.subject.id, finding.evidence) == (
        "units",
        "west",
        ("c013",),
    )
    assert (
        finding.message.zh == "西县 80 岁以上老干部 1 人，签约在约 0 人；1 人既无签约也无谢绝记录"
    )
    assert finding.message.en == (
        "西县: 1 cadres aged 80 or over, 0 with a contract in force; 1 with neither a contract "
        "nor a refusal on record"
    )


def test_a_record_requested_on_the_day_counts_and_one_after_it_does_not(
    base: cadrecore.Ledger,
) -> None:
    # c001's contract is requested after the day; c000's refusal on the day itself puts east
    # in the care action
    later = contract("c001", start="2023-01-15", end="2023-12-31", requested="2023-01-05")
    refusal = contract(
        "c000", state="declined", start="2023-01-01", end="2023-12-31", requested="2022-12-31"
    )
    report = run(with_records(base, later, refusal), "contract.coverage")
    assert [(m.subject.id, m.numerator, m.denominator) for m in report.measures] == [
        ("east", 0, 3),
        ("west", 0, 1),
    ]
    (finding,) = report.findings
    assert (finding.subject.id, finding.evidence) == ("east", ("c001", "c002"))


def test_a_record_requested_after_the_day_does_not_stop_the_count(
    base: cadrecore.Ledger,
) -> None:
    later = contract("c000", number=1, start="2023-01-15", end="2023-12-31", requested="2023-01-05")
    current = contract("c001")
    report = run(with_records(base, later, current), "contract.coverage")
    assert [(m.subject.id, m.numerator, m.denominator) for m in report.measures] == [
        ("east", 1, 3),
        ("west", 0, 1),
    ]
    (finding,) = report.findings
    assert (finding.subject.id, finding.evidence) == ("east", ("c000", "c002"))


def test_a_contract_signed_on_the_day_covers_and_a_cadre_dead_that_day_is_not_counted(
    base: cadrecore.Ledger,
) -> None:
    signed_today = contract("c000", start="2022-12-31", end="2023-12-30")
    report = run(with_records(base, signed_today), "contract.coverage")
    assert {m.subject.id: (m.numerator, m.denominator) for m in report.measures}["east"] == (1, 3)
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 12, 31)}) if c.id == "c002" else c
        for c in base.cadres
    )
    dead_today = with_records(base, contract("c000")).replace(cadres=cadres)
    report = run(dead_today, "contract.coverage")
    # c002 died on the day: not alive on it, so east has c000 and c001 of age
    assert {m.subject.id: (m.numerator, m.denominator) for m in report.measures}["east"] == (1, 2)


def test_a_visit_on_the_day_answers_and_one_due_on_the_last_day_is_due() -> None:
    details = plugin.ContractDetails(
        doctor="医生",
        clinic="卫生院",
        contract_start=date(2022, 1, 1),
        contract_end=date(2022, 12, 31),
        visit_every_months=3,
        visits=(date(2022, 4, 10),),
    )
    # due 2022-04-01 (grace to 04-16), answered on the day judged; next due 07-10, not yet
    assert plugin.visit_schedule(details, date(2022, 4, 10), 15) == [
        plugin.DueVisit(
            date(2022, 4, 1), date(2022, 4, 16), date(2022, 1, 1), date(2022, 4, 10), "done"
        ),
        plugin.DueVisit(date(2022, 7, 10), date(2022, 7, 25), date(2022, 4, 10), None, "pending"),
    ]
    short = details.model_copy(update={"contract_end": date(2022, 4, 1), "visits": ()})
    # due on the contract's last day: still due, and overdue from 04-16
    assert plugin.visit_schedule(short, date(2022, 12, 31), 15) == [
        plugin.DueVisit(date(2022, 4, 1), date(2022, 4, 16), date(2022, 1, 1), None, "overdue"),
    ]


def test_an_overdue_visit_states_its_period_due_and_days(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, contract("c000", visits="2022-03-20"))
    # due 2022-04-01, answered 03-20; then due 06-20, grace to 07-05, none
    report = run(ledger, "contract.visits", as_of=date(2022, 7, 5))
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 4, 1), "done", date(2022, 3, 20)),
        ("service_records", "fd.c000.1", "2022", date(2022, 6, 20), "overdue", None),
    ]
    (finding,) = report.findings
    assert (finding.subject.kind, finding.period) == ("service_records", "2022")
    assert finding.message.zh == (
        "样例医生（东县社区卫生服务中心）上次随访或签约在 2022-03-20，应每 3 个月随访，"
        "2022-06-20 到期（宽限至 2022-07-05），至今未随访"
    )
    assert finding.message.en == (
        "样例医生 (东县社区卫生服务中心) last visited or signed on 2022-03-20; a visit every 3 "
        "month(s) was due on 2022-06-20 (grace to 2022-07-05) and none is recorded"
    )


def test_a_late_visit_states_its_due_grace_and_day(base: cadrecore.Ledger) -> None:
    late = with_records(base, contract("c000", visits="2022-04-17;2022-07-10;2022-10-05"))
    report = run(late, "contract.visits")
    # due 04-01 (grace to 04-16), made 04-17; then due 07-17 made 07-10; due 10-10 made 10-05;
    # the next, 2023-01-05, is after the contract's end
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 4, 1), "late", date(2022, 4, 17)),
        ("service_records", "fd.c000.1", "2022", date(2022, 7, 17), "done", date(2022, 7, 10)),
        ("service_records", "fd.c000.1", "2022", date(2022, 10, 10), "done", date(2022, 10, 5)),
    ]
    (finding,) = report.findings
    assert finding.message.zh == (
        "样例医生（东县社区卫生服务中心）应于 2022-04-01 随访（宽限至 2022-04-16），实际 2022-04-17 随访"
    )
    assert finding.message.en == (
        "样例医生 (东县社区卫生服务中心): a visit was due on 2022-04-01 (grace to 2022-04-16); "
        "made on 2022-04-17"
    )


def test_visits_due_in_the_year_before_are_passed_over_not_the_rest(
    base: cadrecore.Ledger,
) -> None:
    # every 3 months from 2021-07-01: due 2021-10-01 (made 09-30), due 2021-12-30 (made
    # 12-20), due 2022-03-20 (grace to 04-04, made 03-25); the next, 06-25, is after the end
    record = contract(
        "c000",
        start="2021-07-01",
        end="2022-05-31",
        visits="2021-09-30;2021-12-20;2022-03-25",
    )
    report = run(with_records(base, record), "contract.visits")
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 3, 20), "done", date(2022, 3, 25)),
    ]


def test_a_contract_starting_on_the_day_and_one_ending_on_the_years_first_day_are_judged(
    base: cadrecore.Ledger,
) -> None:
    starting = contract("c000", start="2022-06-01", end="2023-05-31", requested="2022-05-20")
    report = run(with_records(base, starting), "contract.visits", as_of=date(2022, 6, 1))
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 9, 1), "pending", None),
    ]
    # a visit every 12 months from 2021-01-01: due 2022-01-01, its last day, never made
    ending = contract("c000", start="2021-01-01", end="2022-01-01", every=12)
    report = run(with_records(base, ending), "contract.visits")
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 1, 1), "overdue", None),
    ]
    assert [(f.reason, f.expected, f.actual) for f in report.findings] == [
        ("visit_overdue", "2022-01-16", "2021-01-01")
    ]


@pytest.mark.parametrize(
    "passed_over",
    [
        contract("c000", state="scheduled"),  # not signed
        contract("c000", start="2021-01-01", end="2021-12-31"),  # over before the year
    ],
)
def test_a_contract_passed_over_does_not_stop_the_next_ones_visits(
    base: cadrecore.Ledger, passed_over: dict[str, Any]
) -> None:
    late = contract("c001", visits="2022-04-17;2022-07-10;2022-10-05")
    report = run(with_records(base, passed_over, late), "contract.visits")
    assert found(report) == [("fd.c001.1", "visit_late")]


def test_the_provider_units_own_grace_is_used(base: cadrecore.Ledger) -> None:
    # 17 days after 04-01 is late with 15 days' grace, on time with the city bureau's 20
    ledger = with_records(base, contract("c000", visits="2022-04-18;2022-07-10;2022-10-05"))
    assert found(run(ledger, "contract.visits")) == [("fd.c000.1", "visit_late")]
    twenty = ledger.replace(parameters=(grace_or_notice("visit_grace_days", 20),))
    assert run(twenty, "contract.visits").findings == ()


def test_the_provider_units_own_notice_is_used(base: cadrecore.Ledger) -> None:
    # 2023-02-28 is 59 days after 2022-12-31: beyond 30 days' notice, within 60
    ending = contract("c000", start="2022-03-01", end="2023-02-28", every=12)
    ledger = with_records(base, ending)
    assert run(ledger, "contract.renewal").findings == ()
    sixty = ledger.replace(parameters=(grace_or_notice("renewal_notice_days", 60),))
    report = run(sixty, "contract.renewal")
    assert [(f.reason, f.expected, f.actual) for f in report.findings] == [
        ("renewal_due", "2023-02-28", 59)
    ]


def test_a_renewal_due_states_its_period_end_and_days_left(base: cadrecore.Ledger) -> None:
    ending = contract("c000", start="2022-01-31", end="2023-01-30", every=12)
    report = run(with_records(base, ending), "contract.renewal")
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2023, 1, 30), "pending", None),
    ]
    (finding,) = report.findings
    assert finding.subject.kind == "service_records"
    assert finding.message.zh == "签约将于 2023-01-30 到期（还剩 30 天），尚无续约记录"
    assert finding.message.en == (
        "the contract ends on 2023-01-30 (30 days left) and no renewal is on record"
    )


def test_a_renewal_requested_on_the_day_answers_and_one_starting_alike_does_not(
    base: cadrecore.Ledger,
) -> None:
    current = contract("c000", every=12)
    on_the_day = contract(
        "c000",
        number=2,
        state="accepted",
        start="2023-01-01",
        end="2023-12-31",
        requested="2022-12-31",
    )
    report = run(with_records(base, current, on_the_day), "contract.renewal")
    assert (report.findings, [o.status for o in report.occurrences]) == ((), ["done"])
    # a second record starting on the same day is no renewal of it
    alike = on_the_day | {"details": current["details"], "requested": "2021-12-20"}
    assert found(run(with_records(base, current, alike), "contract.renewal")) == [
        ("fd.c000.1", "renewal_due")
    ]


def test_a_cadre_who_died_on_the_day_is_not_asked_to_renew(base: cadrecore.Ledger) -> None:
    cadres = tuple(
        c.model_copy(update={"deceased": date(2022, 12, 31)}) if c.id == "c000" else c
        for c in base.cadres
    )
    ledger = with_records(base, contract("c000", every=12)).replace(cadres=cadres)
    assert run(ledger, "contract.renewal").findings == ()


@pytest.mark.parametrize(
    ("passed_over", "died"),
    [
        ([contract("c000", state="scheduled")], None),  # not in force
        ([contract("c000", every=12)], date(2022, 11, 1)),  # its cadre died
        ([contract("c000", start="2022-07-01", end="2023-06-30", every=12)], None),  # 181 days
        (
            [  # renewed
                contract("c000", every=12),
                contract("c000", number=2, state="accepted", start="2023-01-01", end="2023-12-31"),
            ],
            None,
        ),
    ],
)
def test_a_contract_passed_over_does_not_stop_the_next_ones_renewal(
    base: cadrecore.Ledger, passed_over: list[dict[str, Any]], died: date | None
) -> None:
    cadres = tuple(
        c.model_copy(update={"deceased": died}) if c.id == "c000" else c for c in base.cadres
    )
    ending = contract("c001", every=12)  # ends 2022-12-31, the day judged: 0 days left
    ledger = with_records(base.replace(cadres=cadres), *passed_over, ending)
    assert found(run(ledger, "contract.renewal")) == [("fd.c001.1", "renewal_due")]


def test_a_contract_cancelled_after_its_signing_neither_covers_nor_runs(
    base: cadrecore.Ledger,
) -> None:
    # signed on 2022-01-01 and cancelled since: its state is no longer delivered or rated, so
    # it is no contract in force, only a refusal
    cancelled = contract("c000", state="cancelled") | {"delivered": "2022-01-01"}
    report = run(with_records(base, cancelled), "contract.coverage")
    assert {m.subject.id: (m.numerator, m.denominator) for m in report.measures} == {
        "east": (0, 3),
        "west": (0, 1),
    }
    assert [f.evidence for f in report.findings] == [("c001", "c002")]


def test_a_visit_overdue_since_the_year_before_is_of_that_year(base: cadrecore.Ledger) -> None:
    # a visit a month from 2022-11-01: due 2022-12-01, grace to 2022-12-16, none by 2023-01-10
    record = contract("c000", start="2022-11-01", end="2023-10-31", every=1, requested="2022-10-20")
    report = run(with_records(base, record), "contract.visits", year=2023, as_of=date(2023, 1, 10))
    assert occurrences(report) == [
        ("service_records", "fd.c000.1", "2022", date(2022, 12, 1), "overdue", None),
    ]
    assert [(f.reason, f.period, f.expected) for f in report.findings] == [
        ("visit_overdue", "2022", "2022-12-16")
    ]
