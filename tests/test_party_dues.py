"""Retired members' party dues (党费, issue #23 item 6): the records, the amount due, the rule.

The amounts expected here are worked out by hand from 中组发〔2008〕3号《关于中国共产党党费收缴、
使用和管理的规定》 第五条 (a retired member pays 0.5 % of the monthly pension base when it is 5,000
yuan or less, 5,000 included, and 1 % when it is more, of the whole base), 第七条 (a member in
hardship may pay less or nothing as the branch decides), 第十三条 (6 months unpaid in a row) and
the rounding the code states (to the fen, half up), never read from what the code gives. Several
tests are mutation tests: each names the condition whose loss it catches.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import cadrecore
from cadrecore import strategies as cst
from cadrecore.errors import BilingualValueError, LedgerError
from cadrecore.ledger import Ledger
from cadrecore.models import (
    DuesBand,
    DuesReduction,
    Membership,
    ParameterOverride,
    PartyDues,
    dues_bands,
    expected_dues,
)
from cadrecore.models.dues import month_end
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.rules.engine import get_rulebook
from cadrecore.sample import small_ledger
from cadrecore.strategies._cadres import _BAND_EDGES
from cadrecore.testing import judged_alike_when_opened

from .rules_helpers import dues_of_the_year

YEAR = 2022
RULE = "builtin::party_dues.paid"
RATES = "party_dues.retiree_rate_bands"
#: The 2008 bands, written from the regulation (not read from parameters.yaml)
BANDS_2008 = (DuesBand(Decimal("5000.00"), Decimal("0.005")), DuesBand(None, Decimal("0.01")))


@pytest.fixture
def base() -> Ledger:
    return small_ledger(YEAR)


def judged(ledger: Ledger, **options: Any) -> Report:
    options.setdefault("year", YEAR)
    return evaluate(ledger, rules=[RULE], **options)


def with_dues(ledger: Ledger, *extra: Any, drop: Collection[tuple[str, int]] = ()) -> Ledger:
    """The sample with the county "east" paying every month of 2022 in full (b.team, b.east),
    less the (cadre, month) records in ``drop``, and with ``extra`` records (a changed record
    takes the place of the one for its member and month)."""
    records = [d for d in dues_of_the_year(ledger) if (d.cadre_id, d.month) not in drop]
    return ledger.with_records(*records, *extra)


def paying(cadre_id: str, month: int, amount: str, base: str | None = None) -> PartyDues:
    branch = "b.team" if cadre_id < "c009" else "b.east"
    return PartyDues(
        cadre_id=cadre_id,
        branch_id=branch,
        year=YEAR,
        month=month,
        paid_yuan=Decimal(amount),
        pension_base_yuan=None if base is None else Decimal(base),
    )


def reduction(cadre_id: str, **fields: Any) -> DuesReduction:
    values: dict[str, Any] = {
        "id": f"{cadre_id}.reduction",
        "cadre_id": cadre_id,
        "branch_id": "b.team",
        "from_month": "2022-04",
        "decided_on": "2022-03-18",
        "decision_ref": "书画团队党支部支委会会议纪要（2022年第3次）",
    }
    return DuesReduction.model_validate(values | fields)


def findings(report: Report) -> list[tuple[str, str, str, Severity]]:
    return [(f.reason, f.subject.kind, f.subject.id, f.severity) for f in report.findings]


# =============================================================================================
# The records: decimals to the fen, never floats; a reduction needs the branch's decision
# =============================================================================================


@pytest.mark.parametrize(
    "amount",
    [20.0, 0.1, True, "NaN", "Infinity", Decimal("NaN"), "-0.01", "20.001", "1e13", "二十元"],
    ids=repr,
)
def test_an_amount_is_a_decimal_to_the_fen(amount: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        PartyDues(cadre_id="c", branch_id="b", year=YEAR, month=1, paid_yuan=amount)
    (error,) = raised.value.errors()
    assert error["loc"] == ("paid_yuan",)
    said = error["ctx"]["error"]
    assert isinstance(said, BilingualValueError)  # in both languages, for the clerk
    assert said.message.zh and said.message.en and said.message.zh != said.message.en


def test_a_float_base_is_refused_too() -> None:
    with pytest.raises(ValidationError, match="never a float"):
        PartyDues(
            cadre_id="c", branch_id="b", year=YEAR, month=1, paid_yuan="20", pension_base_yuan=4e3
        )


@pytest.mark.parametrize(
    ("written", "kept"), [("20", "20.00"), ("20.5", "20.50"), (20, "20.00"), ("0", "0.00")]
)
def test_an_amount_is_kept_to_the_fen(written: Any, kept: str) -> None:
    record = PartyDues(cadre_id="c", branch_id="b", year=YEAR, month=1, paid_yuan=written)
    assert isinstance(record.paid_yuan, Decimal)
    assert str(record.paid_yuan) == kept
    assert record.model_dump(mode="json")["paid_yuan"] == kept


def test_a_month_is_one_to_twelve() -> None:
    for month in (0, 13):
        with pytest.raises(ValidationError):
            PartyDues(cadre_id="c", branch_id="b", year=YEAR, month=month, paid_yuan="1")


def test_a_reduction_without_the_branchs_decision_is_refused() -> None:
    decided = reduction("c002", exempt=True).model_dump()
    for missing in ("decided_on", "decision_ref"):
        with pytest.raises(ValidationError) as raised:
            DuesReduction.model_validate({k: v for k, v in decided.items() if k != missing})
        assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [((missing,), "missing")]
    with pytest.raises(ValidationError) as raised:
        DuesReduction.model_validate(decided | {"decision_ref": " "})
    assert [e["loc"] for e in raised.value.errors()] == [("decision_ref",)]


def test_a_reduction_is_an_amount_or_an_exemption() -> None:
    with pytest.raises(ValidationError, match="reduced_to_yuan"):
        reduction("c002")  # neither
    with pytest.raises(ValidationError, match="one or the other"):
        reduction("c002", exempt=True, reduced_to_yuan="5")  # both
    with pytest.raises(ValidationError, match="to_month is before"):
        reduction("c002", exempt=True, to_month="2022-03")
    with pytest.raises(ValidationError, match="a month such as"):
        reduction("c002", exempt=True, from_month="2022-04-15")
    kept = reduction("c002", reduced_to_yuan="5", from_month="2022年4月", to_month="2022.6")
    assert (kept.from_month, kept.to_month) == (date(2022, 4, 1), date(2022, 6, 1))
    assert kept.reduced_to_yuan == Decimal("5.00")


def test_a_reductions_reason_is_masked_as_health_notes_are() -> None:
    from cadrecore.models.common import Sensitivity, sensitive_fields
    from cadrecore.privacy import is_masked, masked_dump

    assert sensitive_fields(DuesReduction) == {"reason": Sensitivity.HEALTH}
    assert sensitive_fields(PartyDues) == {}
    reduced = reduction("c002", exempt=True, reason="患重病住院治疗")
    dumped = masked_dump(reduced)
    assert is_masked(dumped["reason"]) and "病" not in dumped["reason"]
    assert dumped["decision_ref"] == reduced.decision_ref  # the evidence stays readable


def test_a_folder_reads_the_reductions_and_refuses_one_without_a_decision(
    base: Ledger, tmp_path: Path
) -> None:
    folder = with_dues(base).save(tmp_path / "ledger")
    record = {
        "id": "r1",
        "cadre_id": "c002",
        "branch_id": "b.team",
        "from_month": "2022-04",
        "reduced_to_yuan": 5.00,  # YAML reads 5.00 as a float: read as the decimal written
        "decided_on": date(2022, 3, 18),
        "decision_ref": "支委会会议纪要（2022年第3次）",
    }
    (folder / "dues_reductions.yaml").write_text(
        yaml.safe_dump([record], allow_unicode=True), encoding="utf-8"
    )
    loaded = cadrecore.load_ledger(folder)
    (kept,) = loaded.dues_reductions
    assert kept.reduced_to_yuan == Decimal("5.00") and isinstance(kept.reduced_to_yuan, Decimal)
    del record["decided_on"]
    (folder / "dues_reductions.yaml").write_text(
        yaml.safe_dump([record], allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(LedgerError) as raised:
        cadrecore.load_ledger(folder)
    (problem,) = raised.value.problems
    assert str(problem.location.file).endswith("dues_reductions.yaml")
    assert problem.location.field == "decided_on"


# =============================================================================================
# The amount due: 中组发〔2008〕3号 第五条, worked out by hand
# =============================================================================================


@pytest.mark.parametrize(
    ("pension", "due"),
    [
        ("4000.00", "20.00"),  # 0.5 %
        ("4999.99", "25.00"),  # 24.99995, half up
        ("5000.00", "25.00"),  # 5,000 included: 0.5 % (a '<' bound would ask 50.00)
        ("5000.01", "50.00"),  # above: 1 % of the whole base, 50.0001 (excess-only: 25.00)
        ("6000.00", "60.00"),  # 1 % of the whole base (excess-only: 25.00 + 10.00 = 35.00)
        ("8000.00", "80.00"),  # (excess-only: 25.00 + 30.00 = 55.00)
        ("3457.00", "17.29"),  # 17.285, half up (banker's rounding: 17.28)
        ("0.00", "0.00"),
    ],
)
def test_what_the_regulation_asks(pension: str, due: str) -> None:
    found = expected_dues(Decimal(pension), BANDS_2008)
    assert isinstance(found, Decimal)
    assert found == Decimal(due) and str(found) == due


def test_the_rates_are_a_dated_parameter_from_2008_04_01() -> None:
    parameter = get_rulebook().parameters.get(RATES)
    (version,) = parameter.versions
    assert version.effective_from == date(2008, 4, 1)  # 第三十二条: in force from 2008-04-01
    assert dues_bands(version.value) == BANDS_2008
    assert version.status == "confirmed"
    assert "中组发〔2008〕3号" in str(version.source) and "第五条" in str(version.source)


def test_a_float_base_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        expected_dues(5000.0, BANDS_2008)  # type: ignore[arg-type]


def test_bands_must_cover_every_base() -> None:
    with pytest.raises(ValueError, match="last band"):
        dues_bands([{"up_to": "5000.00", "rate": "0.005"}])
    with pytest.raises(ValueError, match="rising"):
        dues_bands(
            [
                {"up_to": "5000", "rate": "0.01"},
                {"up_to": "3000", "rate": "0.005"},
                {"rate": "0.02"},
            ]
        )
    with pytest.raises(ValueError):
        dues_bands([{"up_to": "5000"}])
    # a YAML float is read from its text, never used as a float
    assert dues_bands([{"up_to": 5000, "rate": 0.005}, {"rate": 0.01}]) == BANDS_2008


@given(low=cst.pension_bases(), high=cst.pension_bases())
def test_the_amount_never_falls_as_the_base_rises(low: Decimal, high: Decimal) -> None:
    low, high = sorted((low, high))
    assert expected_dues(low, BANDS_2008) <= expected_dues(high, BANDS_2008)


@given(pension=cst.pension_bases())
def test_the_amount_is_the_bands_rate_of_the_whole_base(pension: Decimal) -> None:
    found = expected_dues(pension, BANDS_2008)
    assert isinstance(found, Decimal) and found.as_tuple().exponent == -2
    rate = Decimal("0.005") if pension <= Decimal("5000") else Decimal("0.01")
    assert abs(found - pension * rate) <= Decimal("0.005")  # the whole base, to the fen


# =============================================================================================
# The rule
# =============================================================================================


def test_a_county_paying_in_full_has_no_finding_and_its_branch_totals(base: Ledger) -> None:
    report = judged(with_dues(base))
    assert report.findings == ()
    measures = {
        (m.subject.id, m.name): (m.numerator, m.denominator)
        for m in report.measures
        if m.rule_id == RULE
    }
    # b.team: 9 members, 12 months each; c001 pays 60.00 a month, the other 8 pay 20.00
    assert measures[("b.team", "dues_months")] == (108, 108)
    assert measures[("b.team", "dues_paid_fen")] == (264000, 264000)  # 8×12×20 + 12×60 yuan
    assert measures[("b.team", "dues_short_fen")] == (0, 264000)
    assert measures[("b.team", "dues_members_in_full")] == (9, 9)
    assert measures[("b.east", "dues_months")] == (48, 48)
    assert not any(subject == "b.west" for subject, _ in measures)  # its county keeps no dues


def test_the_sample_without_dues_is_not_judged(base: Ledger) -> None:
    report = judged(base)
    assert report.findings == () and [m for m in report.measures if m.rule_id == RULE] == []


def test_an_unpaid_month_is_one_warning(base: Ledger) -> None:
    report = judged(with_dues(base, drop={("c000", 5)}))
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "unpaid",
        "c000",
        Severity.WARNING,
    )
    assert (finding.expected, finding.actual) == (12, 11)
    assert "2022-05" in finding.message.en and "20.00" in finding.message.zh
    assert finding.fix is not None and "dues_reductions.yaml" in finding.fix.en


@pytest.mark.parametrize(("months", "severity"), [(5, Severity.WARNING), (6, Severity.ERROR)])
def test_six_months_unpaid_in_a_row_is_an_error(
    base: Ledger, months: int, severity: Severity
) -> None:
    """第十三条: 6 months in a row unpaid. (Drop the run's count, or make it 7, and this fails.)"""
    dropped = {("c003", m) for m in range(3, 3 + months)}
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert (finding.reason, finding.severity) == ("unpaid", severity)
    # the same number of months, not in a row: a warning
    apart = {("c003", m) for m in range(1, 13, 2)}
    (finding,) = judged(with_dues(base, drop=apart)).findings
    assert finding.severity is Severity.WARNING and finding.expected == 12


def test_a_month_paid_on_the_excess_only_is_short(base: Ledger) -> None:
    """6,000.00 is above 5,000: 1 % of the whole base, 60.00. Paying 35.00 (0.5 % of 5,000 and
    1 % of the 1,000 above) is 25.00 short. (Make the rule excess-only and this fails.)"""
    report = judged(with_dues(base, paying("c001", 3, "35.00", "6000.00")))
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "short",
        "c001",
        Severity.WARNING,
    )
    assert (finding.expected, finding.actual) == ("60.00", "35.00")
    assert "25.00" in finding.message.en and "2022-03" in finding.message.zh
    short = next(
        m for m in report.measures if m.name == "dues_short_fen" and m.subject.id == "b.team"
    )
    assert short.numerator == 2500


def test_the_band_bound_is_included(base: Ledger) -> None:
    """A base of exactly 5,000.00 pays 0.5 % (25.00); 5,000.01 pays 1 % of the whole (50.00).
    (Make the bound '<' and the first fails; excess-only and the second does.)"""
    at = with_dues(base, *(paying("c002", m, "25.00", "5000.00") for m in range(1, 13)))
    assert judged(at).findings == ()
    above = with_dues(base, *(paying("c002", m, "25.00", "5000.01") for m in range(1, 13)))
    (finding,) = judged(above).findings
    assert finding.reason == "short" and finding.expected == str(Decimal("50.00") * 12)


def test_a_reduction_the_branch_decided_lowers_what_is_due(base: Ledger) -> None:
    """c002 pays 5.00 from April under a reduction: no finding. (Ignore the reduction and the
    nine months are short.)"""
    reduced = [paying("c002", m, "5.00", "4000.00") for m in range(4, 13)]
    without = with_dues(base, *reduced)
    (finding,) = judged(without).findings
    assert (finding.reason, finding.subject.id) == ("short", "c002")
    assert finding.expected == "180.00" and finding.actual == "45.00"  # 9 × 20.00, 9 × 5.00
    decided = without.with_records(reduction("c002", reduced_to_yuan="5.00"))
    report = judged(decided)
    assert report.findings == ()
    counted = {m.name: m for m in report.measures if m.subject.id == "b.team"}
    assert counted["dues_members_reduced"].numerator == 1
    assert counted["dues_paid_fen"].denominator == 264000 - 9 * 1500  # due 5.00, not 20.00


def test_a_reduction_holds_for_its_months_only(base: Ledger) -> None:
    reduced = [paying("c002", m, "5.00", "4000.00") for m in range(4, 8)]
    ledger = with_dues(base, *reduced, reduction("c002", reduced_to_yuan="5", to_month="2022-06"))
    (finding,) = judged(ledger).findings  # April to June at 5.00; July owes 20.00 again
    assert (finding.reason, finding.expected, finding.actual) == ("short", "20.00", "5.00")
    assert "2022-07" in finding.message.en


def test_an_exempt_member_owes_nothing_in_the_months_exempted(base: Ledger) -> None:
    dropped = {("c003", m) for m in range(7, 13)}
    exempt = reduction("c003", exempt=True, from_month="2022-07")
    assert judged(with_dues(base, exempt, drop=dropped)).findings == ()
    # (drop the exemption and six months in a row are unpaid: an error)
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert finding.severity is Severity.ERROR


def test_a_reduction_of_another_branch_does_not_hold(base: Ledger) -> None:
    """A reduction belongs to the branch that decided it: c003, exempted by b.team from March,
    moved to b.east in April and paid nothing from July: b.team's exemption does not excuse
    b.east's months. (Apply a reduction whatever the branch and this fails.)"""
    left = [
        m.model_copy(update={"until": date(2022, 4, 1)}) if m.cadre_id == "c003" else m
        for m in base.memberships
    ]
    joined = Membership(cadre_id="c003", branch_id="b.east", since=date(2022, 4, 1))
    moved = base.replace(memberships=(*left, joined))
    records = [
        d.model_copy(update={"branch_id": "b.east"}) if d.cadre_id == "c003" and d.month > 3 else d
        for d in dues_of_the_year(base)
        if not (d.cadre_id == "c003" and d.month > 6)
    ]
    exempt = reduction("c003", exempt=True, from_month="2022-03")
    (finding,) = judged(moved.with_records(*records, exempt)).findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "unpaid",
        "c003",
        Severity.ERROR,
    )
    assert "2022-07" in finding.message.en and "2022-12" in finding.message.en


def test_months_unpaid_in_a_row_across_a_move_are_one_run(base: Ledger) -> None:
    """c009 left b.east for b.team on 2022-07-01 and paid nothing from May to October: six
    months in a row across the two branches, an error naming both. (Count each branch's months
    apart, or out of order, and this is a warning.)"""
    left = [
        m.model_copy(update={"until": date(2022, 7, 1)}) if m.cadre_id == "c009" else m
        for m in base.memberships
    ]
    joined = Membership(cadre_id="c009", branch_id="b.team", since=date(2022, 7, 1))
    moved = base.replace(memberships=(*left, joined))
    records = [
        d.model_copy(update={"branch_id": "b.team"}) if d.cadre_id == "c009" and d.month > 6 else d
        for d in dues_of_the_year(base)
        if not (d.cadre_id == "c009" and 5 <= d.month <= 10)
    ]
    (finding,) = judged(moved.with_records(*records)).findings
    assert (finding.reason, finding.subject.id, finding.severity) == (
        "unpaid",
        "c009",
        Severity.ERROR,
    )
    months = ", ".join(f"2022-{m:02d}" for m in range(5, 11))
    assert months in finding.message.en
    assert "东城社区党支部" in finding.message.en and "书画团队党支部" in finding.message.en


def test_a_month_not_over_is_still_to_be_paid(base: Ledger) -> None:
    ledger = with_dues(base, drop={("c000", 6), ("c000", 7)})
    (finding,) = judged(ledger, as_of=date(YEAR, 7, 18)).findings
    assert "2022-06" in finding.message.en and "2022-07" not in finding.message.en
    assert (finding.expected, finding.actual) == (6, 5)  # January to June due, July still open


def test_months_due_follow_the_membership_and_life(base: Ledger) -> None:
    """Due in a month whose first day finds the member in the branch and alive: c004 joined on
    2022-03-15 (due from April), c005 died on 2022-06-10 (due to June)."""
    joined = base.replace(
        memberships=tuple(
            m.model_copy(update={"since": date(2022, 3, 15)}) if m.cadre_id == "c004" else m
            for m in base.memberships
        ),
        cadres=tuple(
            c.model_copy(update={"deceased": date(2022, 6, 10)}) if c.id == "c005" else c
            for c in base.cadres
        ),
    )
    records = [
        d
        for d in dues_of_the_year(base)
        if not (d.cadre_id == "c004" and d.month < 3) and not (d.cadre_id == "c005" and d.month > 6)
    ]
    ledger = joined.with_records(*records)  # (March paid by c004 too: a member in March)
    report = judged(ledger)
    assert report.findings == ()
    months = next(
        m for m in report.measures if m.name == "dues_months" and m.subject.id == "b.team"
    )
    assert months.denominator == 108 - 3 - 6  # c004 from April, c005 to June
    with pytest.raises(LedgerError, match=r"died|去世"):
        ledger.with_records(paying("c005", 7, "20.00"))


def test_the_base_carries_on_to_the_months_without_one(base: Ledger) -> None:
    """The base is written in January (4,000.00) and in July, after the rise (6,000.00: 60.00
    due from July). August pays 20.00 with no base written: short by 40.00."""
    records = [
        paying(
            "c006", m, "20.00" if m < 7 or m == 8 else "60.00", {1: "4000.00", 7: "6000.00"}.get(m)
        )
        for m in range(1, 13)
    ]
    (finding,) = judged(with_dues(base, *records)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "60.00", "20.00")
    assert "2022-08" in finding.message.en and "6000.00" in finding.message.en


def test_a_month_before_the_first_base_takes_the_next(base: Ledger) -> None:
    records = [paying("c007", m, "20.00", "4000.00" if m == 3 else None) for m in range(2, 13)]
    dropped = with_dues(base, *records, drop={("c007", 1)})
    (finding,) = judged(dropped).findings
    assert finding.reason == "unpaid" and "20.00" in finding.message.en  # January on March's base


def test_a_branch_with_no_record_is_one_finding(base: Ledger) -> None:
    """The county keeps dues (b.team's); b.east recorded none: one warning on the branch, none
    for each of its 4 members."""
    only_team = [d for d in dues_of_the_year(base) if d.branch_id == "b.team"]
    report = judged(base.with_records(*only_team))
    assert findings(report) == [("not_recorded", "branches", "b.east", Severity.WARNING)]
    (finding,) = report.findings
    assert (finding.expected, finding.actual) == (48, 0)


def test_a_county_that_kept_dues_last_year_is_judged(base: Ledger) -> None:
    last_year = dues_of_the_year(base, year=YEAR - 1)
    report = judged(base.with_records(*last_year))
    assert [f[2] for f in findings(report)] == ["b.east", "b.team"]
    assert {f[0] for f in findings(report)} == {"not_recorded"}
    assert judged(base.with_records(*last_year), year=YEAR - 1).findings == ()


def test_a_new_rate_is_a_new_dated_value(base: Ledger) -> None:
    """From July (a ledger's own value, dated), a base above 4,000 pays 1 %: c008 on 4,500.00
    owes 22.50 to June and 45.00 from July; paying 22.50 all year is short from July."""
    lower = ParameterOverride(
        id="p.dues",
        key=RATES,
        value=[{"up_to": "4000.00", "rate": "0.005"}, {"rate": "0.01"}],
        effective_from=date(2022, 7, 1),
        source="假设的新规定（测试）",
    )
    records = [paying("c008", m, "22.50", "4500.00") for m in range(1, 13)]
    report = judged(with_dues(base, *records, lower))
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "270.00", "135.00")
    assert "2022-06" not in finding.message.en and "2022-07" in finding.message.en
    applied = {(p.effective_from, p.current) for p in report.parameters if p.key == RATES}
    assert applied == {(date(2008, 4, 1), False), (date(2022, 7, 1), True)}


def test_the_report_gives_each_branchs_totals(base: Ledger) -> None:
    from cadrecore.reports.annual import build_annual_report

    ledger = with_dues(
        base,
        paying("c001", 3, "35.00", "6000.00"),
        reduction("c002", reduced_to_yuan="5.00"),
        *(paying("c002", m, "5.00", "4000.00") for m in range(4, 13)),
        drop={("c000", 5)},
    )
    sections = {s.key: s for s in build_annual_report(ledger, YEAR).sections}
    (table,) = sections["builtin.party_dues"].tables
    # b.team: due 8×12×20 + 12×60 - 9×15 (the reduction) = 2505.00; paid less c000's May 20.00
    # and c001's March 25.00; short 45.00
    assert table.rows == (
        ("书画团队党支部", 9, 108, 107, "2505.00", "2460.00", "45.00", 1),
        ("东城社区党支部", 4, 48, 48, "960.00", "960.00", "0.00", 0),
        ("合计", 13, 156, 155, "3465.00", "3420.00", "45.00", 1),
    )
    paragraph = sections["builtin.party_dues"].paragraphs[0]
    assert "少交欠交 45.00 元" in paragraph.zh and "45.00 short or unpaid" in paragraph.en
    empty = {s.key: s for s in build_annual_report(base, YEAR).sections}["builtin.party_dues"]
    assert empty.tables == () and "no party dues" in empty.paragraphs[0].en


# =============================================================================================
# The ledger's cross-checks
# =============================================================================================


def test_dues_are_paid_to_a_branch_of_the_member_in_that_month(base: Ledger) -> None:
    elsewhere = paying("c000", 1, "20.00").model_copy(update={"branch_id": "b.west"})
    with pytest.raises(
        LedgerError, match=r"not a member of branch 'b.west' in 2022-01|2022-01 不是"
    ):
        base.with_records(elsewhere)
    with pytest.raises(LedgerError, match="nobody"):
        base.with_records(paying("c000", 1, "20.00").model_copy(update={"cadre_id": "nobody"}))


def test_one_record_a_member_and_month(base: Ledger) -> None:
    twice = (paying("c000", 1, "20.00"), paying("c000", 1, "5.00"))
    with pytest.raises(LedgerError, match=r"two records|重复"):
        base.replace(party_dues=twice)


def test_a_members_reductions_do_not_overlap(base: Ledger) -> None:
    first = reduction("c002", exempt=True, to_month="2022-06")
    second = reduction("c002", reduced_to_yuan="5", from_month="2022-06").model_copy(
        update={"id": "r2"}
    )
    with pytest.raises(LedgerError, match=r"same months|重叠"):
        base.with_records(first, second)
    after = second.model_copy(update={"from_month": date(2022, 7, 1)})
    assert len(base.with_records(first, after).dues_reductions) == 2
    with pytest.raises(
        LedgerError,
        match=r"not a member of branch 'b\.east' from 2022-04|2022-04 起不是支部 b\.east",
    ):
        base.with_records(reduction("c002", exempt=True, branch_id="b.east"))


# =============================================================================================
# Through the folder and the store; read by columns; on generated ledgers
# =============================================================================================


def test_dues_round_trip_through_a_folder(base: Ledger, tmp_path: Path) -> None:
    ledger = with_dues(base, reduction("c002", reduced_to_yuan="5.00"))
    folder = ledger.save(tmp_path / "ledger")
    assert {"party_dues.csv", "dues_reductions.yaml"} <= {p.name for p in folder.iterdir()}
    header = (folder / "party_dues.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "cadre_id,branch_id,year,month,paid_yuan,pension_base_yuan,paid_on"
    assert cadrecore.load_ledger(folder) == ledger


def test_chinese_headings_are_read(base: Ledger, tmp_path: Path) -> None:
    folder = base.save(tmp_path / "ledger")
    (folder / "party_dues.csv").write_text(
        "老干部编号,支部编号,年度,月份,实交金额,交纳基数,交纳日期\n"
        "c000,b.team,2022,1,20.00,4000.00,2022年1月10日\n",
        encoding="utf-8",
    )
    (record,) = cadrecore.load_ledger(folder).party_dues
    assert (record.paid_yuan, record.pension_base_yuan, record.paid_on) == (
        Decimal("20.00"),
        Decimal("4000.00"),
        date(2022, 1, 10),
    )


def test_dues_round_trip_through_the_store(base: Ledger, store_url: str) -> None:
    ledger = with_dues(base, reduction("c002", reduced_to_yuan="5.00"))
    with cadrecore.open_store(store_url) as store:
        store.save(ledger, actor="测试")
        loaded = store.load()
        assert loaded == ledger
        assert all(isinstance(d.paid_yuan, Decimal) for d in loaded.party_dues)
        opened = store.open()
        assert opened.columns("party_dues", "cadre_id", "paid_yuan", where={"year": YEAR}) == (
            ledger.columns("party_dues", "cadre_id", "paid_yuan", where={"year": YEAR})
        )


def test_the_rule_reads_the_dues_by_columns(base: Ledger, tmp_path: Path) -> None:
    """Judged alike on a ledger opened on a store, which never reads party_dues whole."""
    ledger = with_dues(
        base,
        paying("c001", 3, "35.00", "6000.00"),
        reduction("c002", reduced_to_yuan="5.00"),
        drop={("c000", 5)},
    )
    reports = judged_alike_when_opened(
        ledger,
        tmp_path / "s.sqlite",
        dates=[date(YEAR, 7, 18), date(YEAR, 12, 31), date(YEAR + 1, 2, 1)],
        rules=[RULE],
    )
    assert [len(r.findings) for r in reports] == [2, 2, 2]  # 2023: b.team, b.east unrecorded


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(ledger=cst.ledgers(max_cadres=10, max_branches=3), year=st.integers(2019, 2024))
def test_generated_ledgers_with_dues_are_judged_without_error(ledger: Ledger, year: int) -> None:
    report = judged(ledger, year=year)
    assert not report.errored
    for finding in report.findings:
        assert finding.severity in (Severity.WARNING, Severity.ERROR)
        if finding.reason == "unpaid":
            assert isinstance(finding.actual, int) and isinstance(finding.expected, int)
            assert finding.actual < finding.expected
        elif finding.reason == "short":
            assert Decimal(str(finding.actual)) < Decimal(str(finding.expected))
        else:
            assert (finding.reason, finding.subject.kind, finding.actual) == (
                "not_recorded",
                "branches",
                0,
            )


# =============================================================================================
# The rule against a plain month-by-month count of the same records (an oracle), on drawn dues
# =============================================================================================


def _oracle_owed(base: Decimal, bound: str = "5000") -> Decimal:
    """第五条, by hand: 0.5 % up to and including the bound (5,000), else 1 % of the whole;
    half up."""
    rate = Decimal("0.005") if base <= Decimal(bound) else Decimal("0.01")
    return (base * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@st.composite
def _drawn_dues(draw: st.DrawFn, ledger: Ledger) -> tuple[list[Any], int | None]:
    """For each member of the county "east", the year's records: most members steady (one base
    written on their first record, or a second from a month on; one amount, a month now and
    then left out or paid otherwise), some month by month at random (bases written or not,
    amounts due or not); now and then a reduction; and perhaps new rate bands from a month
    on (a bound of 4,000), the month given."""
    records: list[Any] = []
    bases = [None, *_BAND_EDGES, Decimal("4000.00"), Decimal("6000.00")]
    amounts = ["0.00", "20.00", "25.00", "50.00", "60.00"]
    for cadre in [*ledger.members_of("b.team"), *ledger.members_of("b.east")]:
        year = [d for d in dues_of_the_year(ledger) if d.cadre_id == cadre.id]
        if draw(st.integers(0, 3)):  # steady
            base, paid = draw(st.sampled_from(bases)), draw(st.sampled_from(amounts))
            left_out = draw(st.sets(st.integers(1, 12), max_size=2))
            other = draw(st.none() | st.tuples(st.integers(1, 12), st.sampled_from(amounts)))
            rise = draw(st.none() | st.tuples(st.integers(1, 12), st.sampled_from(bases)))
            kept = [d for d in year if d.month not in left_out]
            for d in kept:
                written = base if d is kept[0] else None
                if rise is not None and d.month == rise[0]:
                    written = rise[1]
                amount = other[1] if other and other[0] == d.month else paid
                records.append(
                    d.model_copy(
                        update={"paid_yuan": Decimal(amount), "pension_base_yuan": written}
                    )
                )
            continue
        for d in year:
            if draw(st.integers(0, 9)) == 0:
                continue  # not paid
            base = draw(st.sampled_from(bases))
            paid = draw(st.sampled_from(amounts))
            records.append(
                d.model_copy(update={"paid_yuan": Decimal(paid), "pension_base_yuan": base})
            )
    for cadre_id in ("c002", "c010"):
        if draw(st.booleans()):
            first = draw(st.integers(1, 12))
            exempt = draw(st.booleans())
            records.append(
                reduction(
                    cadre_id,
                    branch_id="b.team" if cadre_id < "c009" else "b.east",
                    from_month=date(YEAR, first, 1),
                    exempt=exempt,
                    reduced_to_yuan=None if exempt else "5.00",
                )
            )
    change = draw(st.none() | st.integers(2, 12))
    if change is not None:
        records.append(
            ParameterOverride(
                id="p.dues",
                key=RATES,
                value=[{"up_to": "4000.00", "rate": "0.005"}, {"rate": "0.01"}],
                effective_from=date(YEAR, change, 1),
                source="假设的新规定（测试）",
            )
        )
    return records, change


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), month=st.sampled_from([12, 12, 12, *range(1, 12)]))  # (the year's end often)
def test_the_rule_counts_as_a_plain_month_by_month_count(data: st.DataObject, month: int) -> None:
    ledger = small_ledger(YEAR)
    drawn, change = data.draw(_drawn_dues(ledger))
    records = [d for d in drawn if isinstance(d, PartyDues)]
    reductions = [r for r in drawn if isinstance(r, DuesReduction)]
    if not records:
        return
    ledger = ledger.with_records(*drawn)
    as_of = month_end(date(YEAR, month, 1))
    report = judged(ledger, as_of=as_of)
    by_month = {(d.cadre_id, d.month): d for d in records}
    expected: dict[str, list[int]] = {}
    unpaid: set[tuple[str, int]] = set()
    short: set[tuple[str, int]] = set()
    for branch_id in ("b.team", "b.east"):
        due = paid_months = paid_fen = owed_fen = short_fen = 0
        for cadre in ledger.members_of(branch_id, on=date(YEAR, 1, 1)):
            marks = sorted((m, d.pension_base_yuan) for (c, m), d in by_month.items()
                           if c == cadre.id and d.pension_base_yuan is not None)  # fmt: skip
            for m in range(1, month + 1):
                earlier = [b for k, b in marks if k <= m]
                base = earlier[-1] if earlier else (marks[0][1] if marks else None)
                bound = "4000" if change is not None and m >= change else "5000"
                owed = None if base is None else _oracle_owed(base, bound)
                first = date(YEAR, m, 1)
                held = [r for r in reductions if r.cadre_id == cadre.id and r.covers(first)]
                if held:
                    owed = Decimal(0) if held[0].exempt else (
                        held[0].reduced_to_yuan if owed is None
                        else min(owed, held[0].reduced_to_yuan or owed)
                    )  # fmt: skip
                    if owed == 0:
                        continue
                record = by_month.get((cadre.id, m))
                due += 1
                if owed is not None:
                    owed_fen += int(owed * 100)
                if record is None:
                    unpaid.add((cadre.id, m))
                    short_fen += 0 if owed is None else int(owed * 100)
                    continue
                paid_months += 1
                paid_fen += int(record.paid_yuan * 100)
                if owed is not None and record.paid_yuan < owed:
                    short.add((cadre.id, m))
                    short_fen += int((owed - record.paid_yuan) * 100)
        expected[branch_id] = [paid_months, due, paid_fen, owed_fen, short_fen]
    found = {
        (m.subject.id, m.name): (m.numerator, m.denominator)
        for m in report.measures
        if m.rule_id == RULE
    }
    for branch_id, (paid_months, due, paid_fen, owed_fen, short_fen) in expected.items():
        assert found[(branch_id, "dues_months")] == (paid_months, due), branch_id
        assert found[(branch_id, "dues_paid_fen")] == (paid_fen, owed_fen), branch_id
        assert found[(branch_id, "dues_short_fen")] == (short_fen, owed_fen), branch_id
    unrecorded = {f.subject.id for f in report.findings if f.reason == "not_recorded"}
    named = {
        (f.subject.id, int(label[-2:]))
        for f in report.findings
        if f.reason == "unpaid"
        for label in f.message.en.split(": ", 1)[1].split(";")[0].split(", ")
    }
    members = {c.id: b for b in unrecorded for c in ledger.members_of(b, on=date(YEAR, 1, 1))}
    assert named == {(c, m) for c, m in unpaid if c not in members}
    shorted = {f.subject.id for f in report.findings if f.reason == "short"}
    assert shorted == {c for c, _ in short}
