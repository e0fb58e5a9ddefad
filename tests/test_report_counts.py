"""What a report counts once and shares (issue #26 item 4), against counting it plainly:
each rule's occurrences by status, every compliance ratio, and each plugin's own findings,
occurrences and measures as its report section is given them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger
from cadrecore.plugin_manager import get_plugin_manager
from cadrecore.rules import Report, SectionContext, evaluate
from cadrecore.rules.engine import get_rulebook
from cadrecore.sample import small_ledger
from cadrecore.strategies import ledgers

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plain_compliance(report: Report, rule_id: str | None) -> float | None:
    pool = [
        o
        for o in report.occurrences
        if (rule_id is None or o.rule_id == rule_id)
        and o.status not in ("pending", "not_applicable")
    ]
    return sum(1 for o in pool if o.status in ("done", "late")) / len(pool) if pool else None


def check_counts(report: Report) -> None:
    plain = Counter((o.rule_id, o.status) for o in report.occurrences)
    shared = Counter(
        {(rule, status): n for rule, c in report.status_counts.items() for status, n in c.items()}
    )
    assert shared == plain
    for rule_id in {o.rule_id for o in report.occurrences} | {"nobody::no.such_rule"}:
        assert report.occurrences_of(rule_id) == tuple(
            o for o in report.occurrences if o.rule_id == rule_id
        )
    for rule_id in (None, *report.rules_run, "nobody::no.such_rule"):
        assert report.compliance(rule_id) == plain_compliance(report, rule_id)
    ledger_pm = get_plugin_manager()
    table = get_rulebook(ledger_pm).parameters
    namespaces = {r.partition("::")[0] for r in report.rules_run} | {"nobody"}
    for namespace in namespaces:
        ctx = SectionContext(small_ledger(report.year), report, namespace, namespace, table)
        prefix = f"{namespace}::"
        assert ctx.findings == tuple(f for f in report.findings if f.rule_id.startswith(prefix))
        assert ctx.occurrences == tuple(
            o for o in report.occurrences if o.rule_id.startswith(prefix)
        )
        assert ctx.measures == tuple(m for m in report.measures if m.rule_id.startswith(prefix))


def test_the_sample_ledgers_counts() -> None:
    report = evaluate(small_ledger(2022), year=2022)
    assert report.occurrences and report.compliance() is not None
    check_counts(report)


@SETTINGS
@given(ledgers(max_cadres=8, max_activities=8), st.sampled_from([2021, 2022, 2023]))
def test_counted_once_as_counted_plainly(ledger: Ledger, year: int) -> None:
    check_counts(evaluate(ledger, year=year))


@SETTINGS
@given(st.data())
def test_counted_once_whatever_order_the_outcomes_come_in(data: st.DataObject) -> None:
    """A report made by hand may give its outcomes in any order, one rule's interleaved with
    another's (a check gives them rule by rule): each rule's and each namespace's are still
    all of them, in the report's order."""
    from dataclasses import replace

    report = evaluate(small_ledger(2022), year=2022)
    shuffled = replace(
        report,
        findings=tuple(data.draw(st.permutations(report.findings))),
        occurrences=tuple(data.draw(st.permutations(report.occurrences))),
        measures=tuple(data.draw(st.permutations(report.measures))),
    )
    check_counts(shuffled)


def test_the_memberships_holding_are_kept_for_one_ledger_and_day_only() -> None:
    """The report's figures keep the last answer for the same ledger and day (issue #26): a
    different day, a different ledger, or a new ledger made after the first was freed (perhaps
    at the same address) is counted afresh."""
    import gc
    from datetime import date

    from cadrecore.reports.figures import holding_on

    ledger = small_ledger(2022)
    early, late = date(1900, 1, 1), date(2022, 12, 31)
    assert not any(holding_on(ledger, early)[2])
    kept = holding_on(ledger, late)
    assert any(kept[2]) and holding_on(ledger, late) is kept
    other = small_ledger(2022)
    assert holding_on(other, late) is not kept and holding_on(other, late) == kept
    del ledger, other
    gc.collect()
    assert holding_on(small_ledger(2022), late) is not kept


def test_party_members_by_the_number_of_branches_they_are_in() -> None:
    """The figure of coverage counts each living party member once, by the branches whose
    membership holds on the day: none or exactly one (a ledger refuses a member in two branches
    at once, so "several" stays 0), and a second day is counted afresh (the counts are kept for
    one ledger and day)."""
    from datetime import date

    from cadrecore.models import Membership
    from cadrecore.reports.figures import coverage

    ledger = small_ledger(2022)
    day = date(2022, 12, 31)
    assert coverage(ledger, day) == {
        "party_members": 17,
        "in_one_branch": 17,
        "in_no_branch": 0,
        "in_several": 0,
    }
    moved_on, left_on = date(2022, 12, 1), date(2022, 11, 30)  # (``until``: the day one left)
    # c000 moved from b.team to b.east on 1 December; c002 left b.team on 30 November
    until = {"c000": moved_on, "c002": left_on}
    memberships = tuple(
        m.model_copy(update={"until": until[m.cadre_id]}) if m.cadre_id in until else m
        for m in ledger.memberships
    )
    moved = Membership(cadre_id="c000", branch_id="b.east", since=moved_on)
    changed = ledger.replace(memberships=(*memberships, moved))
    assert coverage(changed, day) == {
        "party_members": 17,
        "in_one_branch": 16,
        "in_no_branch": 1,
        "in_several": 0,
    }
    assert coverage(changed, date(2022, 11, 29)) == {  # the day before c002 left
        "party_members": 17,
        "in_one_branch": 17,
        "in_no_branch": 0,
        "in_several": 0,
    }
    assert coverage(changed, left_on)["in_no_branch"] == 1  # the day c002 left
    assert coverage(changed, moved_on)["in_one_branch"] == 16  # c000 in b.east from that day


def plain_treatment(ledger: Ledger, year: int | None) -> dict[str, tuple[int, int, int, Decimal]]:
    """Each grant judged alone, record by record, as the policy reads (待遇就高不就低)."""
    from cadrecore.models.treatment import StandardTerms

    out: dict[str, list[Any]] = {}
    for grant in ledger.treatment_grants:
        if year is not None and grant.year != year:
            continue
        cadre = ledger.get("cadres", grant.cadre_id)
        terms = StandardTerms(cadre.retirement_kind, cadre.former_rank, cadre.county_id)
        amounts = [
            s.amount_yuan
            for s in ledger.treatment_standards
            if s.treatment_item == grant.treatment_item
            and s.applies_to(terms, date(grant.year, 1, 1))
        ]
        found = out.setdefault(grant.treatment_item, [0, 0, 0, Decimal(0)])
        found[0] += 1
        found[3] += grant.amount_yuan
        if len(amounts) > 1:
            found[1] += 1
            found[2] += grant.amount_yuan >= max(amounts)
    return {item: tuple(found) for item, found in out.items()}  # type: ignore[misc]


@SETTINGS
@given(
    st.one_of(st.just(small_ledger(2022)), ledgers(max_cadres=10)),
    st.sampled_from([None, 2021, 2022]),
    st.lists(
        st.tuples(
            st.integers(0, 50), st.sampled_from(["1200", "1200.00", "1500", "1500.0", "900"])
        ),
        max_size=8,
    ),
)
def test_treatment_counted_by_kind_as_grant_by_grant(
    ledger: Ledger, year: int | None, amounts: list[tuple[int, str]]
) -> None:
    """The report's treatment figures judge each kind of grant once (issue #26): the same
    counts and totals, items in the same order, as judging every grant alone; amounts written
    with and without decimals (equal, one kind) included."""
    from cadrecore.models import TreatmentGrant
    from cadrecore.reports.figures import treatment_by_item

    if ledger.cadres and ledger.treatment_standards:
        standard = ledger.treatment_standards[-1]
        extra = tuple(
            TreatmentGrant(
                id=f"extra.{i}",
                cadre_id=ledger.cadres[n % len(ledger.cadres)].id,
                treatment_item=standard.treatment_item,
                year=2022,
                standard_id=standard.id,
                amount_yuan=Decimal(amount),
            )
            for i, (n, amount) in enumerate(amounts)
        )
        ledger = ledger.replace(treatment_grants=(*ledger.treatment_grants, *extra))
    counted = {item: tuple(found) for item, found in treatment_by_item(ledger, year).items()}
    plain = plain_treatment(ledger, year)
    assert counted == plain
    assert list(counted) == list(plain)


@SETTINGS
@given(st.one_of(st.just(small_ledger(2022)), ledgers(max_cadres=6, max_activities=6)))
def test_a_subject_named_as_its_record_names_itself(ledger: Ledger) -> None:
    """A finding's subject is named by its record's ``name``, else its ``title``, else its id
    (issue #26: the attributes a model may have looked up once per model): every record of
    every kind, against asking each record for both."""
    from cadrecore.reports.labels import subject_name
    from cadrecore.rules import Subject

    kinds = ("cadres", "units", "branches", "activities", "themes", "programmes", "opinions")
    for kind in ("memberships", "service_records", "treatment_grants", *kinds):
        for record in ledger.records(kind):
            key = getattr(record, "id", None)
            if key is None or kind in ("opinions",):
                continue
            plain = getattr(record, "name", None) or getattr(record, "title", None)
            named = subject_name(ledger, Subject(kind, key))
            assert named == (str(plain) if plain else key)


@SETTINGS
@given(
    st.one_of(st.just(small_ledger(2022)), ledgers(max_cadres=6, max_activities=12)),
    st.sampled_from([2021, 2022, 2023]),
    st.booleans(),
)
def test_activities_by_month_as_counted_record_by_record(
    ledger: Ledger, year: int, organizational_life: bool
) -> None:
    """The activities of each month of a year (issue #26: counted by day from the columns,
    the kinds told apart once each) against each activity record counted in turn."""
    from cadrecore.reports.figures import activities_by_month

    kinds = ledger.registry.activity_kinds
    months = [0] * 12
    for activity in ledger.activities:
        if activity.date.year != year:
            continue
        if organizational_life and not kinds.get(activity.activity_kind).organizational_life:
            continue
        months[activity.date.month - 1] += 1
    assert activities_by_month(ledger, year, organizational_life=organizational_life) == months


class _Columns:
    """A ledger's columns alone, as the coverage figure reads them: one that would hold a
    cadre in two branches at once (a ledger refuses it; a store edited by hand might not)."""

    def __init__(self, columns: dict[str, dict[str, tuple[Any, ...]]]) -> None:
        self._columns = columns

    def column_values(self, kind: str, *fields: str) -> tuple[tuple[Any, ...], ...]:
        return tuple(self._columns[kind][name] for name in fields)


def test_a_member_in_two_branches_at_once_is_counted_in_several() -> None:
    """The coverage figure takes each member to hold one membership at most and counts them
    only when one holds more (issue #26): the member in two branches is "in several", the
    one in none "in no branch", whatever the ledger let through."""
    from cadrecore.reports.figures import coverage

    ledger = _Columns(
        {
            "memberships": {
                "cadre_id": ("a", "a", "b", "d"),
                "branch_id": ("b1", "b2", "b1", "b2"),
                "since": (None, None, date(2020, 1, 1), date(2023, 1, 1)),
                "until": (None, None, None, None),
            },
            "cadres": {
                "id": ("a", "b", "c", "d"),
                "party_status": ("full", "full", "full", "full"),
                "deceased": (None, None, None, None),
                "county_id": ("k", "k", "k", "k"),
            },
        }
    )
    assert coverage(ledger, date(2022, 12, 31)) == {  # type: ignore[arg-type]
        "party_members": 4,
        "in_one_branch": 1,
        "in_no_branch": 2,  # c, and d (who joined after the day)
        "in_several": 1,
    }
