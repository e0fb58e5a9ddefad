"""The rules on the Xinzhou example: the year's "six ones" complete; one record removed gives
exactly one new finding; a branch cut to two full members gives the formation finding; the
department plugins' rules count the services, and one change to a kit, an order, a renewal or
the exhibitions gives exactly the one finding it should."""

from __future__ import annotations

from datetime import date

import pytest

import cadrecore
from cadrecore.models import PartyStatus, plain_details
from cadrecore.plugins import PluginManager
from cadrecore.rules import Report, Severity, evaluate

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]


def keys(report: Report) -> set[tuple[str, str, str, str]]:
    return {(f.rule_id, f.subject.kind, f.subject.id, f.reason) for f in report.findings}


def test_the_six_ones_are_complete_in_2022(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager
) -> None:
    report = evaluate(xinzhou, year=2022, pm=xinzhou_pm)
    items = report.occurrences_of("builtin::checklist.items")
    assert len(items) == 6
    assert {o.status for o in items} == {"done"}
    assert all(o.satisfied_by for o in items)
    assert not report.findings_of("builtin::checklist.items")
    assert "builtin::checklist.required_leaders" not in report.rules_run  # folded into items
    assert not report.errored


def test_removing_the_briefing_gives_exactly_one_new_finding(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager
) -> None:
    before = evaluate(xinzhou, year=2022, pm=xinzhou_pm)
    briefing = next(
        a
        for a in xinzhou.activities
        if a.activity_kind == "situation_briefing" and a.date.year == 2022
    )
    # remove the record; opinions raised at it keep their text and date but lose the link
    opinions = tuple(
        o.model_copy(update={"raised_at_id": None}) if o.raised_at_id == briefing.id else o
        for o in xinzhou.opinions
    )
    without = xinzhou.replace(
        activities=tuple(a for a in xinzhou.activities if a.id != briefing.id), opinions=opinions
    )
    after = evaluate(without, year=2022, pm=xinzhou_pm)
    new = keys(after) - keys(before)
    assert len(new) == 1
    (rule_id, kind, subject, reason) = new.pop()
    assert (rule_id, kind, reason) == ("builtin::checklist.items", "checklist_items", "overdue")
    assert subject.endswith("six_ones.situation_briefing")
    assert keys(before) - keys(after) == set()


def test_a_branch_cut_to_two_full_members_gives_the_formation_finding(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager
) -> None:
    branch = next(
        b
        for b in xinzhou.branches
        if not b.has_committee and len(xinzhou.members_of(b.id, on=date(2022, 12, 31))) >= 3
    )
    members = xinzhou.members_of(branch.id, on=date(2022, 12, 31))
    keep = {branch.secretary_id, *(m.id for m in members if m.id != branch.secretary_id)}
    keep = set(list(sorted(keep - {branch.secretary_id}))[:1]) | {branch.secretary_id}
    cut = tuple(
        c.model_copy(update={"party_status": PartyStatus.PROBATIONARY})
        if c.id in {m.id for m in members} - keep
        else c
        for c in xinzhou.cadres
    )
    report = evaluate(
        xinzhou.replace(cadres=cut), year=2022, pm=xinzhou_pm, rules=["builtin::branch.*"]
    )
    formation = report.findings_of("builtin::branch.formation")
    assert [(f.subject.id, f.reason, f.expected, f.actual, f.severity) for f in formation] == [
        (branch.id, "below_minimum", 3, 2, Severity.ERROR)
    ]


# ---------------------------------------------------------------------------------------------
# The department plugins' rules on the example: what they count, and one change, one finding
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def year_report(xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager) -> Report:
    return evaluate(xinzhou, year=2022, pm=xinzhou_pm)


def test_the_department_rules_count_the_services(
    xinzhou: cadrecore.Ledger, year_report: Report
) -> None:
    orders = xinzhou.service_records_of("order_service.order")
    responses = year_report.occurrences_of("order_service::order.response_time")
    closed = [o for o in orders if o.state.value in ("cancelled", "declined")]
    assert len(responses) == len(orders) - len(closed) >= 180
    assert {(o.subject.id, o.status) for o in responses if o.status != "done"} == {
        ("xz.order.0191", "overdue"),
        ("xz.order.0219", "pending"),  # ordered on 31 December
    }
    acceptance = [
        o
        for o in year_report.occurrences_of("builtin::services.deadlines")
        if o.subject.id.startswith("xz.order.")
    ]
    # every order has a history: its acceptance is timed, within one working day
    assert len(acceptance) == len(orders)
    assert {o.status for o in acceptance} == {"done", "pending"}
    assert {o.status for o in year_report.occurrences_of("medicine_kits::kit.checked")} == {
        "pending"
    }
    assert {o.status for o in year_report.occurrences_of("family_doctor::contract.renewal")} == {
        "done"
    }
    assert {o.status for o in year_report.occurrences_of("family_doctor::contract.visits")} <= {
        "done",
        "pending",
    }
    (exhibitions,) = year_report.occurrences_of("art_academy::exhibitions.yearly")
    assert (exhibitions.subject.id, exhibitions.status) == ("xz.supply_coop", "done")
    coverage = {
        m.subject.id: m
        for m in year_report.measures
        if m.rule_id == "family_doctor::contract.coverage"
    }
    assert len(coverage) == 14
    assert coverage["xz.xinfu"].numerator >= 100  # 健康进百家: about a hundred homes
    assert all(m.numerator == 0 for k, m in coverage.items() if k != "xz.xinfu")
    kits = [m for m in year_report.measures if m.rule_id == "medicine_kits::kit.coverage"]
    assert kits and all(0.5 < (m.ratio or 0) <= 1 for m in kits)


def _new_findings(
    before: Report, ledger: cadrecore.Ledger, pm: PluginManager
) -> set[tuple[str, str, str, str]]:
    after = evaluate(ledger, year=2022, pm=pm)
    assert not after.errored
    assert keys(before) - keys(after) == set()
    return keys(after) - keys(before)


def _with_details(ledger: cadrecore.Ledger, record_id: str, **details: object) -> cadrecore.Ledger:
    return ledger.replace(
        service_records=tuple(
            r.model_copy(update={"details": plain_details(r) | details}) if r.id == record_id else r
            for r in ledger.service_records
        )
    )


def test_an_expired_medicine_in_a_kit_is_the_one_new_error(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, year_report: Report
) -> None:
    kit = next(
        r
        for r in xinzhou.service_records_of("medicine_kits.kit")
        if r.state.value == "delivered" and r.id != "xz.kit.0218"
    )
    medicines = list(plain_details(kit)["medicines"])  # type: ignore[arg-type]
    name = str(medicines[0]).split(":")[0]
    changed = _with_details(xinzhou, kit.id, medicines=[f"{name}:2022-12-01", *medicines[1:]])
    assert _new_findings(year_report, changed, xinzhou_pm) == {
        ("medicine_kits::kit.expired", "service_records", kit.id, "expired")
    }


def test_an_order_served_a_day_late_is_the_one_new_warning(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, year_report: Report
) -> None:
    from cadrecore.calendar import add_working_days

    order = next(
        r
        for r in xinzhou.service_records_of("order_service.order")
        if r.state.value == "delivered" and plain_details(r)["menu_item"] == "escort"
    )
    late = add_working_days(order.requested, 2)  # escort: within 1 working day
    records = tuple(
        r.model_copy(update={"delivered": late}) if r.id == order.id else r
        for r in xinzhou.service_records
    )
    events = tuple(
        e.model_copy(update={"at": late})
        if e.record_id == order.id and e.to_state.value == "delivered"
        else e
        for e in xinzhou.service_events
    )
    changed = xinzhou.replace(service_records=records, service_events=events)
    assert _new_findings(year_report, changed, xinzhou_pm) == {
        ("order_service::order.response_time", "service_records", order.id, "served_late")
    }


def test_a_renewal_removed_is_the_one_new_renewal_warning(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, year_report: Report
) -> None:
    renewal = next(
        r
        for r in xinzhou.service_records_of("family_doctor.contract")
        if r.state.value in ("accepted", "scheduled")
        and str(plain_details(r)["contract_start"]) > "2022"
        and str(plain_details(r)["contract_start"]) >= "2023-01-01"
    )
    current = next(
        r
        for r in xinzhou.service_records_of("family_doctor.contract")
        if r.cadre_id == renewal.cadre_id
        and r.id != renewal.id
        and r.state.value in ("delivered", "rated")
        and str(plain_details(r)["contract_end"]) >= "2022-12-31"
    )
    changed = xinzhou.replace(
        service_records=tuple(r for r in xinzhou.service_records if r.id != renewal.id),
        service_events=tuple(e for e in xinzhou.service_events if e.record_id != renewal.id),
    )
    assert _new_findings(year_report, changed, xinzhou_pm) == {
        ("family_doctor::contract.renewal", "service_records", current.id, "renewal_due")
    }


def test_no_exhibition_is_the_one_new_art_academy_warning(
    xinzhou: cadrecore.Ledger, xinzhou_pm: PluginManager, year_report: Report
) -> None:
    changed = xinzhou.replace(
        activities=tuple(
            a for a in xinzhou.activities if a.activity_kind != "art_academy.exhibition"
        )
    )
    assert _new_findings(year_report, changed, xinzhou_pm) == {
        ("art_academy::exhibitions.yearly", "units", "xz.supply_coop", "too_few_exhibitions")
    }


def test_each_department_contributes_its_section_of_the_annual_report(
    xinzhou: cadrecore.Ledger, year_report: Report
) -> None:
    hooks = xinzhou.registry.hooks
    assert hooks is not None
    sections, failures = hooks.report_sections(xinzhou, year_report, "zh")
    assert failures == []
    departments = {s.plugin: s for s in sections if "." not in s.plugin}
    assert {name: s.order for name, s in departments.items()} == {
        "family_doctor": 210,
        "order_service": 220,
        "art_academy": 230,
        "medicine_kits": 240,
    }
    for section in departments.values():
        assert section.title.zh and section.title.en and section.paragraphs
        assert section.tables and all(table.rows for table in section.tables[:1])
        assert section.charts and all(sum(chart.values) > 0 for chart in section.charts)
    kits = departments["medicine_kits"]
    assert [row[2] for row in kits.tables[1].rows] == ["硝酸甘油"]  # the planted kit's medicine
    doctors = departments["family_doctor"].tables[0].rows
    assert doctors[0][0] == "忻府区" and doctors[0][2] >= 100
