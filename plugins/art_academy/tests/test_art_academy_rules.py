"""The art academy's lifecycle, parameters, rules (at their edges) and report section, with the
``cadrecore.testing`` fixtures: a manager with the built-ins and this plugin, the sample ledger
extended with the cooperative and some enrolments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import cadrecore_art_academy as plugin
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cadrecore
from cadrecore import strategies as cst
from cadrecore.models import Activity, ParameterOverride, Unit
from cadrecore.plugins import PluginManager
from cadrecore.reports.sections import ReportSection
from cadrecore.rules import Report, Severity, evaluate, get_rulebook
from cadrecore.services import IllegalTransition, transition
from cadrecore.testing import assert_plugin_conforms, judged_alike_when_opened

KEY = "art_academy.enrolment"
COOP = "city.coop"
NS = "art_academy::"


@pytest.fixture
def registry(
    cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> cadrecore.Registry:
    register_plugin(plugin)  # under its NAMESPACE
    return cadrecore.get_registry(cadrecore_pm)


@pytest.fixture
def base(registry: cadrecore.Registry, cadrecore_ledger: cadrecore.Ledger) -> cadrecore.Ledger:
    """The sample ledger (every built-in rule passes) with the cooperative added."""
    assert KEY in cadrecore_ledger.registry.service_types  # built after the plugin registered
    unit = Unit(id=COOP, name="样例市供销社", level="city", kind="department", parent_id="city")
    return cadrecore_ledger.replace(units=(*cadrecore_ledger.units, unit))


def sections(ledger: cadrecore.Ledger, report: Report, lang: str) -> list[ReportSection]:
    """The plugin's sections as the host asks for them: with their context, keys qualified."""
    hooks = ledger.registry.hooks
    assert hooks is not None
    found, failures = hooks.report_sections(ledger, report, lang)
    assert failures == []
    return [s for s in found if s.plugin == "art_academy"]


def enrolment(
    number: int,
    *,
    state: str = "scheduled",
    requested: str = "2022-02-10",
    delivered: str | None = None,
    class_name: str = "楷书班",
    term: str = "2022春",
    capacity: int = 3,
    planned: int = 32,
    attended: int = 20,
    **common: Any,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"aa.{number:04d}",
        "service_type": KEY,
        "cadre_id": f"c{number % 17:03d}",
        "provider_unit_id": COOP,
        "state": state,
        "requested": requested,
        "delivered": delivered,
        "details": {
            "class_name": class_name,
            "discipline": "书法",
            "term": term,
            "capacity": capacity,
            "sessions_planned": planned,
            "sessions_attended": attended,
        },
    }
    if state == "rated":
        record["rating"] = 5
    if state in ("cancelled", "declined"):
        record["reason"] = "身体原因"
    return record | common


def with_records(ledger: cadrecore.Ledger, *records: dict[str, Any]) -> cadrecore.Ledger:
    return ledger.replace(service_records=(*ledger.service_records, *records))


def exhibition(day: str, number: int = 1) -> Activity:
    return Activity.model_validate(
        {
            "id": f"coop.exhibition.{number}",
            "activity_kind": "art_academy.exhibition",
            "date": day,
            "title": "学员书画作品展",
            "owner_unit_id": COOP,
            "headcount": 120,
        }
    )


def run(ledger: cadrecore.Ledger, rule: str, **when: Any) -> Report:
    report = evaluate(ledger, rules=[NS + rule], **({"year": 2022} | when))
    assert not report.errored
    return report


def reasons(report: Report) -> list[tuple[str, str]]:
    return [(f.subject.id, f.reason) for f in report.findings]


# ---------------------------------------------------------------------------------------------
# What the plugin registers
# ---------------------------------------------------------------------------------------------


def test_registers_its_parameters_rules_and_lifecycle(
    cadrecore_pm: PluginManager, registry: cadrecore.Registry
) -> None:
    book = get_rulebook(cadrecore_pm)
    assert {k for k, owner in book.parameters.owners.items() if owner == "art_academy"} == {
        "art_academy.review_within_working_days",
        "art_academy.min_attendance_share",
        "art_academy.exhibitions_per_year",
    }
    for key in ("art_academy.min_attendance_share", "art_academy.exhibitions_per_year"):
        version = book.parameters.get(key).version_on(date(2022, 6, 1))
        assert version is not None and version.status == "local" and version.source
    assert {r.id for r in book.rules.values() if r.plugin == "art_academy"} == {
        NS + "enrolment.capacity",
        NS + "enrolment.attendance",
        NS + "exhibitions.yearly",
    }
    (deadline,) = cadrecore.get_registry(cadrecore_pm).service_types.get(KEY).lifecycle.deadlines
    assert deadline.state.value == "requested"
    assert deadline.working_days == "art_academy.review_within_working_days"


def test_the_lifecycle_allows_the_default_moves(
    base: cadrecore.Ledger, registry: cadrecore.Registry
) -> None:
    ledger = with_records(base, enrolment(1, state="requested"))
    moved = transition(
        ledger, "aa.0001", "accepted", actor="市供销社", role="provider", on=date(2022, 2, 14)
    )
    assert moved.get("service_records", "aa.0001").state.value == "accepted"
    with pytest.raises(IllegalTransition, match="可变为"):
        transition(
            ledger, "aa.0001", "delivered", actor="市供销社", role="provider", on=date(2022, 3, 1)
        )


def test_an_enrolment_left_unreviewed_is_overdue_after_five_working_days(
    base: cadrecore.Ledger, registry: cadrecore.Registry
) -> None:
    ledger = with_records(base, enrolment(1, state="requested", requested="2022-03-01"))
    # 2022-03-01 is a Tuesday: five working days later is Tuesday 2022-03-08
    on_time = evaluate(ledger, as_of=date(2022, 3, 7), rules=["builtin::services.deadlines"])
    assert on_time.findings == ()
    assert [o.status for o in on_time.occurrences] == ["pending"]
    late = evaluate(ledger, as_of=date(2022, 3, 8), rules=["builtin::services.deadlines"])
    assert [(f.subject.id, f.reason) for f in late.findings] == [("aa.0001", "overdue")]
    assert late.findings[0].expected == "2022-03-08"


# ---------------------------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------------------------


def test_a_full_class_is_fine_and_one_more_is_over(base: cadrecore.Ledger) -> None:
    full = with_records(base, *(enrolment(n) for n in range(1, 4)))
    report = run(full, "enrolment.capacity")
    assert report.findings == ()
    (measure,) = report.measures
    assert (measure.subject.id, measure.numerator, measure.denominator) == (
        f"{COOP}:2022春:楷书班",
        3,
        3,
    )
    over = with_records(full, enrolment(4))
    (finding,) = run(over, "enrolment.capacity").findings
    assert (finding.reason, finding.expected, finding.actual, finding.severity) == (
        "over_capacity",
        3,
        4,
        Severity.WARNING,
    )
    assert finding.evidence == ("aa.0001", "aa.0002", "aa.0003", "aa.0004")
    assert finding.period == "2022春"


@pytest.mark.parametrize(
    "fourth",
    [
        {"state": "requested"},  # not yet admitted
        {"state": "cancelled"},  # gave the seat up
        {"state": "declined"},
        {"requested": "2023-01-05", "term": "2022春"},  # not yet known on 2022-12-31
        {"term": "2021秋", "requested": "2021-08-01"},  # another year's term
        {"class_name": "行草书班"},  # another class
    ],
)
def test_only_seats_held_in_the_class_and_term_count(
    base: cadrecore.Ledger, fourth: dict[str, Any]
) -> None:
    ledger = with_records(base, *(enrolment(n) for n in range(1, 4)), enrolment(4, **fourth))
    assert run(ledger, "enrolment.capacity").findings == ()


def test_records_that_disagree_on_capacity_are_judged_by_the_smallest(
    base: cadrecore.Ledger,
) -> None:
    ledger = with_records(base, enrolment(1, capacity=2), enrolment(2), enrolment(3))
    report = run(ledger, "enrolment.capacity")
    assert sorted(f.reason for f in report.findings) == ["capacity_differs", "over_capacity"]
    over = next(f for f in report.findings if f.reason == "over_capacity")
    assert (over.expected, over.actual) == (2, 3)


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def finished(
    number: int, attended: int, delivered: str = "2022-06-30", **extra: Any
) -> dict[str, Any]:
    return enrolment(
        number, state="rated", delivered=delivered, attended=attended, capacity=30, **extra
    )


def test_attendance_at_the_threshold_passes_and_below_it_is_found(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, finished(1, attended=16), finished(2, attended=15))
    report = run(ledger, "enrolment.attendance")
    (finding,) = report.findings
    assert (finding.subject.id, finding.reason, finding.expected, finding.actual) == (
        "aa.0002",
        "low_attendance",
        0.5,
        round(15 / 32, 3),
    )
    (measure,) = report.measures
    assert (measure.name, measure.numerator, measure.denominator) == ("attendance", 31, 64)


@pytest.mark.parametrize(
    "record",
    [
        enrolment(1, state="scheduled", attended=2, capacity=30),  # the term is still on
        finished(1, attended=2, delivered="2023-01-13", term="2022秋", requested="2022-08-01"),
        finished(1, attended=0, planned=0),  # nothing planned: nothing to judge
    ],
)
def test_attendance_is_judged_only_for_terms_finished_in_the_year(
    base: cadrecore.Ledger, record: dict[str, Any]
) -> None:
    assert run(with_records(base, record), "enrolment.attendance").findings == ()


def test_a_ledger_sets_its_own_attendance_share(base: cadrecore.Ledger) -> None:
    override = ParameterOverride(
        id="coop.attendance",
        key="art_academy.min_attendance_share",
        value=0.6,
        unit_id=COOP,
        effective_from=date(2022, 1, 1),
        source="样例市供销社通知",
    )
    ledger = with_records(base, finished(1, attended=18)).replace(parameters=(override,))
    (finding,) = run(ledger, "enrolment.attendance").findings
    assert finding.expected == 0.6
    assert run(ledger, "enrolment.attendance", year=2021).findings == ()  # not yet in force


# ---------------------------------------------------------------------------------------------
# Exhibitions
# ---------------------------------------------------------------------------------------------


def test_a_year_without_an_exhibition_is_found_at_its_end_only(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, enrolment(1))
    report = run(ledger, "exhibitions.yearly")
    assert reasons(report) == [(COOP, "too_few_exhibitions")]
    assert (report.findings[0].expected, report.findings[0].actual) == (1, 0)
    midyear = run(ledger, "exhibitions.yearly", as_of=date(2022, 12, 30))
    assert midyear.findings == ()
    assert [o.status for o in midyear.occurrences] == ["pending"]


def test_one_exhibition_is_enough_unless_the_ledger_asks_for_more(base: cadrecore.Ledger) -> None:
    ledger = with_records(base, enrolment(1)).replace(
        activities=(*base.activities, exhibition("2022-05-18"))
    )
    report = run(ledger, "exhibitions.yearly")
    assert report.findings == ()
    (occurrence,) = report.occurrences
    assert (occurrence.status, occurrence.satisfied_by) == ("done", "coop.exhibition.1")
    before = run(ledger, "exhibitions.yearly", as_of=date(2022, 5, 17))
    assert [o.status for o in before.occurrences] == ["pending"]
    two = ParameterOverride(
        id="two",
        key="art_academy.exhibitions_per_year",
        value=2,
        effective_from=date(2022, 1, 1),
        source="样例市供销社通知",
    )
    (finding,) = run(ledger.replace(parameters=(two,)), "exhibitions.yearly").findings
    assert (finding.expected, finding.actual, finding.evidence) == (2, 1, ("coop.exhibition.1",))


# ---------------------------------------------------------------------------------------------
# At scale: a ledger opened on a store
# ---------------------------------------------------------------------------------------------


def test_the_rules_judge_a_ledger_opened_on_a_store_alike(
    base: cadrecore.Ledger, tmp_path: Path
) -> None:
    """``store.open()`` reads the activities by columns only: the same report, and the
    activities (a province's meetings, by the million) never read whole."""
    three = ParameterOverride(
        id="three",
        key="art_academy.exhibitions_per_year",
        value=3,
        effective_from=date(2022, 7, 1),
        source="样例市供销社通知",
    )
    ledger = with_records(
        base,
        enrolment(1),
        enrolment(2, state="delivered", delivered="2022-06-30", attended=10),
    ).replace(
        activities=(
            *base.activities,
            exhibition("2022-10-09", 2),
            exhibition("2022-05-18", 1),
            exhibition("2021-05-18", 3),
        ),
        parameters=(three,),
    )
    seen: set[str] = set()
    for judged in judged_alike_when_opened(
        ledger,
        tmp_path / "store.sqlite",
        rules=[NS + "*"],
        dates=(date(2022, 5, 17), date(2022, 5, 18), date(2022, 12, 31)),
    ):
        seen |= {f"{o.status}:{o.satisfied_by}" for o in judged.occurrences}
        seen |= {f"{f.reason}:{','.join(f.evidence)}" for f in judged.findings}
    assert seen == {
        "pending:None",
        "overdue:None",
        "done:coop.exhibition.1",
        "too_few_exhibitions:coop.exhibition.1,coop.exhibition.2",
        "low_attendance:",
    }


# ---------------------------------------------------------------------------------------------
# The report section
# ---------------------------------------------------------------------------------------------


def test_the_report_section_shows_classes_exhibitions_and_findings(
    base: cadrecore.Ledger, cadrecore_pm: PluginManager
) -> None:
    ledger = with_records(
        base, *(enrolment(n) for n in range(1, 5)), finished(5, attended=10, class_name="篆刻班")
    ).replace(activities=(*base.activities, exhibition("2022-10-09")))
    report = evaluate(ledger, year=2022)
    hooks = ledger.registry.hooks
    assert hooks is not None
    found, failures = hooks.report_sections(ledger, report, "zh")
    assert failures == []
    (section,) = [s for s in found if s.plugin == "art_academy"]
    assert isinstance(section, ReportSection)
    assert (section.key, section.order) == (KEY, 230)
    assert section.title.zh and section.title.en
    classes, exhibitions, issues = section.tables
    assert classes.rows == (
        ("2022春", "楷书班", "书法", 3, 4, 0, None),
        ("2022春", "篆刻班", "书法", 30, 1, 1, 31.2),
    )
    assert exhibitions.rows == (("2022-10-09", "学员书画作品展", 120),)
    assert {row[0] for row in issues.rows} == {
        NS + "enrolment.capacity",
        NS + "enrolment.attendance",
    }
    (chart,) = section.charts
    assert (chart.kind, chart.labels, chart.values) == ("bar", ("书法",), (5.0,))
    english = sections(ledger, report, "en")[0]
    assert english.tables[0].rows[0][2] == "calligraphy"


def test_no_section_without_enrolments_or_exhibitions(base: cadrecore.Ledger) -> None:
    assert sections(base, evaluate(base, year=2022), "zh") == []


# ---------------------------------------------------------------------------------------------
# Properties: the rules never raise on any consistent ledger
# ---------------------------------------------------------------------------------------------

details_inputs = st.fixed_dictionaries(
    {
        "class_name": st.sampled_from(["楷书班", "篆刻班"]),
        "discipline": st.sampled_from(list(plugin.Discipline)),
        "term": st.sampled_from(["2021秋", "2022春", "2022秋"]),
        "capacity": st.integers(1, 3),
        "sessions_planned": st.integers(0, 4),
        "sessions_attended": st.integers(0, 4),
    }
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), day=st.dates(min_value=date(2021, 1, 1), max_value=date(2023, 3, 1)))
def test_the_rules_never_raise(
    registry: cadrecore.Registry, data: st.DataObject, day: date
) -> None:
    ledger = data.draw(cst.ledgers(registry, details={KEY: details_inputs}))
    report = evaluate(ledger, as_of=day, rules=[NS + "*", "builtin::services.*"])
    assert report.errored == ()
    assert sections(ledger, report, "en") is not None


def test_the_plugin_conforms_on_random_ledgers_of_its_own_records() -> None:
    # its records' details drawn by the strategies above, not the kit's generic ones
    assert_plugin_conforms(plugin, details={"enrolment": details_inputs})
