"""Retirees' party dues at their edges: a pension base one fen below, at and above the 5,000-yuan
bound; a month paid exactly, one fen short and one fen over; a hardship reduction with the
branch's decision and the same payments without it, and the months either side of its span; six
months unpaid in a row, one fewer and one more; a month on its last day and the day before; a
member joining, leaving or dying on a month's first day and on the day after.

Every expected amount is worked out by hand from 中组发〔2008〕3号 第五条 (a retired member pays
0.5 % of the monthly pension base when it is 5,000 yuan or less, 5,000 included, and 1 % of the
whole base when it is more), 第七条 and 组电明字〔2017〕5号 (a member in real hardship may pay
less or nothing as the branch agrees), 第十条 (from the month a pension changes, the new base
applies) and 第十三条 (six months in a row unpaid), rounded to the fen half up as the rule's
documentation states; never read from what the code gives:

- 4,999.99 × 0.5 % = 24.99995, to the fen 25.00;
- 5,000.00 × 0.5 % = 25.00 (5,000 included: not 1 %, which would be 50.00);
- 5,000.01 × 1 % = 50.0001, to the fen 50.00 (the whole base, not 25.00 plus 1 % of 0.01);
- 4,000.00 × 0.5 % = 20.00; 6,000.00 × 1 % = 60.00.

In the sample every member of the county "east" pays each month on a base of 4,000.00 (20.00),
but c001, on 6,000.00 (60.00): b.team has 9 members (c000 to c008), b.east 4 (c009 to c012).
A month is due from a member of the branch on its first day, alive then, and unpaid once it has
ended (a day judged is judged at its end) with no record for it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cadrecore.ledger import Ledger
from cadrecore.models import DuesReduction, Membership, ParameterOverride, PartyDues
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger

from .rules_helpers import dues_of_the_year

YEAR = 2022
RULE = "builtin::party_dues.paid"
RATES = "party_dues.retiree_rate_bands"


@pytest.fixture
def base() -> Ledger:
    return small_ledger(YEAR)


def judged(ledger: Ledger, **options: Any) -> Report:
    options.setdefault("year", YEAR)
    report = evaluate(ledger, rules=[RULE], **options)
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


def paying(cadre_id: str, month: int, amount: str, pension: str | None = None) -> PartyDues:
    return PartyDues(
        cadre_id=cadre_id,
        branch_id="b.team" if cadre_id < "c009" else "b.east",
        year=YEAR,
        month=month,
        paid_yuan=Decimal(amount),
        pension_base_yuan=None if pension is None else Decimal(pension),
    )


def with_dues(ledger: Ledger, *extra: Any, drop: Collection[tuple[str, int]] = ()) -> Ledger:
    """The sample with the county "east" paying every month of the year in full, less the
    (cadre, month) records in ``drop``, and with ``extra`` records (one for a member and month
    takes the place of the sample's)."""
    replaced = {(r.cadre_id, r.month) for r in extra if isinstance(r, PartyDues)}
    records = [
        d
        for d in dues_of_the_year(ledger)
        if (d.cadre_id, d.month) not in drop and (d.cadre_id, d.month) not in replaced
    ]
    return ledger.with_records(*records, *extra)


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


def measures(report: Report, branch: str = "b.team") -> dict[str, tuple[int, int]]:
    return {
        m.name: (m.numerator, m.denominator)
        for m in report.measures
        if m.rule_id == RULE and m.subject.id == branch
    }


def outcomes(report: Report) -> list[tuple[str, str, Severity]]:
    return [(f.reason, f.subject.id, f.severity) for f in report.findings]


# b.team's year paid in full: 8 members × 12 months × 20.00 + 12 × 60.00 = 2,640.00
TEAM_FEN = (8 * 12 * 2000) + (12 * 6000)

# =============================================================================================
# The 5,000-yuan bound (第五条): a base one fen below, at and one fen above
# =============================================================================================

BOUND = [("4999.99", "25.00"), ("5000.00", "25.00"), ("5000.01", "50.00")]


@pytest.mark.parametrize(("pension", "owed"), BOUND, ids=["below", "at", "above"])
def test_a_year_paid_exactly_on_a_base_near_the_bound(
    base: Ledger, pension: str, owed: str
) -> None:
    ledger = with_dues(base, *(paying("c002", m, owed, pension) for m in range(1, 13)))
    report = judged(ledger)
    assert report.findings == ()
    fen = TEAM_FEN - 12 * 2000 + 12 * int(Decimal(owed) * 100)
    found = measures(report)
    assert found["dues_paid_fen"] == (fen, fen)
    assert found["dues_short_fen"] == (0, fen)
    assert found["dues_members_in_full"] == (9, 9)


@pytest.mark.parametrize(("pension", "owed"), BOUND, ids=["below", "at", "above"])
def test_a_month_one_fen_short_on_a_base_near_the_bound(
    base: Ledger, pension: str, owed: str
) -> None:
    less = str(Decimal(owed) - Decimal("0.01"))
    records = [paying("c002", m, less if m == 3 else owed, pension) for m in range(1, 13)]
    report = judged(with_dues(base, *records))
    assert outcomes(report) == [("short", "c002", Severity.WARNING)]
    (finding,) = report.findings
    assert (finding.expected, finding.actual) == (owed, less)
    assert "2022-03" in finding.message.en and "0.01 yuan" in finding.message.en
    assert f"base {pension}" in finding.message.en
    fen = TEAM_FEN - 12 * 2000 + 12 * int(Decimal(owed) * 100)
    found = measures(report)
    assert found["dues_paid_fen"] == (fen - 1, fen)
    assert found["dues_short_fen"] == (1, fen)
    assert found["dues_members_in_full"] == (8, 9)
    assert found["dues_months"] == (108, 108)  # paid short is paid: a month paid, not unpaid


@pytest.mark.parametrize(("pension", "owed"), BOUND, ids=["below", "at", "above"])
def test_a_month_one_fen_over_is_not_short(base: Ledger, pension: str, owed: str) -> None:
    more = str(Decimal(owed) + Decimal("0.01"))
    records = [paying("c002", m, more if m == 3 else owed, pension) for m in range(1, 13)]
    report = judged(with_dues(base, *records))
    assert report.findings == ()
    fen = TEAM_FEN - 12 * 2000 + 12 * int(Decimal(owed) * 100)
    assert measures(report)["dues_paid_fen"] == (fen + 1, fen)


def test_the_half_rate_above_the_bound_is_short_by_half(base: Ledger) -> None:
    """5,000.01 pays 1 % of the whole base (50.00); 0.5 % of it (25.00), as if the bound were
    not passed, is 25.00 short each month."""
    records = [paying("c002", m, "25.00", "5000.01") for m in range(1, 13)]
    (finding,) = judged(with_dues(base, *records)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "600.00", "300.00")


# =============================================================================================
# A new base from the month it changes (第十条): the month before, the month itself, the month after
# =============================================================================================


def test_a_new_base_holds_from_its_own_month(base: Ledger) -> None:
    """c006's pension rises to 6,000.00 in July (written on July's record): June still owes
    20.00 on 4,000.00, July and August owe 60.00."""
    rates = {m: ("20.00" if m < 7 else "60.00") for m in range(1, 13)}
    written = {1: "4000.00", 7: "6000.00"}
    exact = [paying("c006", m, rates[m], written.get(m)) for m in range(1, 13)]
    assert judged(with_dues(base, *exact)).findings == ()
    # July paid at the old rate: short by 40.00 in July only
    old = [paying("c006", m, "20.00" if m <= 7 else rates[m], written.get(m)) for m in range(1, 13)]
    (finding,) = judged(with_dues(base, *old)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "60.00", "20.00")
    assert "2022-07" in finding.message.en and "2022-06" not in finding.message.en


def test_a_base_written_later_holds_for_the_months_before(base: Ledger) -> None:
    """No base before March: January and February take March's (6,000.00, so 60.00 due); paying
    20.00 in February is short by 40.00."""
    records = [
        paying("c007", m, "20.00" if m == 2 else "60.00", "6000.00" if m == 3 else None)
        for m in range(1, 13)
    ]
    (finding,) = judged(with_dues(base, *records)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "60.00", "20.00")
    assert "2022-02" in finding.message.en


# =============================================================================================
# A hardship reduction (第七条; 组电明字〔2017〕5号): with the branch's decision, and without
# =============================================================================================


def test_a_reduced_amount_paid_exactly_one_fen_short_and_without_the_decision(
    base: Ledger,
) -> None:
    """c002 (4,000.00: 20.00 a month) pays 5.00 from April. With the branch's decision to
    reduce to 5.00, a month paid 5.00 is in full and one paid 4.99 is one fen short; without
    the decision, the nine months at 5.00 are 15.00 short each (135.00)."""
    decided = reduction("c002", reduced_to_yuan="5.00")
    paid = [paying("c002", m, "5.00", "4000.00") for m in range(4, 13)]
    report = judged(with_dues(base, decided, *paid))
    assert report.findings == ()
    due = TEAM_FEN - 9 * 1500
    found = measures(report)
    assert found["dues_paid_fen"] == (due, due)
    assert found["dues_members_reduced"] == (1, 9)
    assert found["dues_members_in_full"] == (9, 9)

    short = [paying("c002", m, "4.99" if m == 5 else "5.00", "4000.00") for m in range(4, 13)]
    report = judged(with_dues(base, decided, *short))
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id) == ("short", "c002")
    assert (finding.expected, finding.actual) == ("5.00", "4.99")
    assert "2022-05 (due 5.00 after the reduction, paid 4.99)" in finding.message.en
    assert measures(report)["dues_short_fen"] == (1, due)

    (finding,) = judged(with_dues(base, *paid)).findings  # no decision recorded
    assert (finding.reason, finding.expected, finding.actual) == ("short", "180.00", "45.00")


def test_a_reduction_never_asks_more_than_the_rate(base: Ledger) -> None:
    """A reduction lets a member pay less (第七条), never more: reduced to 25.00 on a base of
    4,000.00, the month still owes 20.00."""
    decided = reduction("c002", reduced_to_yuan="25.00")
    report = judged(with_dues(base, decided))
    assert report.findings == ()
    assert measures(report)["dues_paid_fen"] == (TEAM_FEN, TEAM_FEN)


def test_a_reduction_holds_from_its_first_month_to_its_last(base: Ledger) -> None:
    """Reduced to 5.00 from April to June: March and July owe the full 20.00, April and June
    5.00. c002 paying 5.00 from March to July is short in March and July only."""
    decided = reduction("c002", reduced_to_yuan="5.00", to_month="2022-06")
    paid = [paying("c002", m, "5.00", "4000.00") for m in range(3, 8)]
    (finding,) = judged(with_dues(base, decided, *paid)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "40.00", "10.00")
    said = finding.message.en
    assert "2022-03" in said and "2022-07" in said
    assert not any(f"2022-{m:02d}" in said for m in (4, 5, 6))


@pytest.mark.parametrize(
    ("to_month", "exempt_months"),
    [("2021-12", 0), ("2022-01", 1), ("2022-02", 2)],
    ids=["ended-before-the-year", "ends-in-january", "ends-in-february"],
)
def test_an_exemption_ending_near_the_years_start(
    base: Ledger, to_month: str, exempt_months: int
) -> None:
    """c002, exempt from 2021-10 until ``to_month``, pays nothing in January: excused while
    the exemption holds, unpaid once it has ended. A month exempted owes nothing: it is not
    counted as due (February, paid anyway, neither)."""
    exempt = reduction("c002", exempt=True, from_month="2021-10", to_month=to_month)
    report = judged(with_dues(base, exempt, drop={("c002", 1)}))
    if exempt_months:
        assert report.findings == ()
        due = 108 - exempt_months
        assert measures(report)["dues_months"] == (due, due)
        assert measures(report)["dues_members_reduced"] == (1, 9)
    else:
        assert outcomes(report) == [("unpaid", "c002", Severity.WARNING)]
        assert measures(report)["dues_months"] == (107, 108)
        assert measures(report)["dues_members_reduced"] == (0, 9)


def test_an_exemption_from_december_or_next_year(base: Ledger) -> None:
    """Exempt from December: December's nothing is excused; exempt from next January: it is
    unpaid."""
    december = reduction("c002", exempt=True, from_month="2022-12")
    assert judged(with_dues(base, december, drop={("c002", 12)})).findings == ()
    january = reduction("c002", exempt=True, from_month="2023-01")
    report = judged(with_dues(base, january, drop={("c002", 12)}))
    assert outcomes(report) == [("unpaid", "c002", Severity.WARNING)]


# =============================================================================================
# Six months unpaid in a row (第十三条): five, six, seven
# =============================================================================================


@pytest.mark.parametrize(
    ("months", "severity"),
    [(5, Severity.WARNING), (6, Severity.ERROR), (7, Severity.ERROR)],
)
def test_months_unpaid_in_a_row(base: Ledger, months: int, severity: Severity) -> None:
    dropped = {("c003", m) for m in range(2, 2 + months)}
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert (finding.reason, finding.severity) == ("unpaid", severity)
    assert (finding.expected, finding.actual) == (12, 12 - months)
    assert f"{months * 20}.00 yuan due" in finding.message.en
    assert ("in a row" in finding.message.en) is (severity is Severity.ERROR)


def test_a_gap_breaks_the_run(base: Ledger) -> None:
    """Unpaid January to May and July to November (ten months, two runs of five, June paid):
    no run of six."""
    dropped = {("c003", m) for m in (*range(1, 6), *range(7, 12))}
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert (finding.severity, finding.expected, finding.actual) == (Severity.WARNING, 12, 2)


def test_the_run_is_counted_at_the_years_end(base: Ledger) -> None:
    """Paid to June, then nothing from July to December: six in a row at the end of the year."""
    dropped = {("c003", m) for m in range(7, 13)}
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert finding.severity is Severity.ERROR


# =============================================================================================
# A month ends at the end of its last day; nothing is judged before the year begins
# =============================================================================================


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2022, 6, 29), None), (date(2022, 6, 30), (6, 5)), (date(2022, 7, 1), (6, 5))],
    ids=["day-before-the-last", "last-day", "next-month"],
)
def test_a_month_unpaid_once_it_has_ended(
    base: Ledger, as_of: date, expected: tuple[int, int] | None
) -> None:
    """c000 pays nothing for June or July: June is unpaid from the end of 30 June; July, begun
    but not over on 1 July, is still to be paid."""
    report = judged(with_dues(base, drop={("c000", 6), ("c000", 7)}), as_of=as_of)
    if expected is None:
        assert report.findings == ()
    else:
        (finding,) = report.findings
        assert (finding.reason, finding.subject.id) == ("unpaid", "c000")
        assert (finding.expected, finding.actual) == expected
        assert "2022-06" in finding.message.en and "2022-07" not in finding.message.en


def test_a_month_paid_ahead_counts_once_begun(base: Ledger) -> None:
    """On 1 July, July has begun: its record counts as a month paid (7 paid of 7 for c001);
    a month not begun (August) does not count, paid or not."""
    report = judged(with_dues(base), as_of=date(2022, 7, 1))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (9 * 7, 9 * 7)
    report = judged(with_dues(base), as_of=date(2022, 6, 30))
    assert measures(report)["dues_months"] == (9 * 6, 9 * 6)


def test_nothing_is_judged_before_the_year_begins(base: Ledger) -> None:
    """On 1 January the year's first month has begun (its payments count); on 31 December of the
    year before, the year is not judged at all."""
    first = judged(with_dues(base), as_of=date(2022, 1, 1))
    assert measures(first)["dues_months"] == (9, 9)
    before = judged(with_dues(base), as_of=date(2021, 12, 31))
    assert before.findings == () and measures(before) == {}


@pytest.mark.parametrize(
    ("as_of", "due"),
    [(date(2022, 1, 30), None), (date(2022, 1, 31), 4), (date(2022, 2, 1), 4)],
    ids=["before-januarys-end", "januarys-last-day", "february"],
)
def test_a_branch_without_records_once_a_month_has_ended(
    base: Ledger, as_of: date, due: int | None
) -> None:
    """b.team keeps dues; b.east (4 members) keeps none: one finding for the branch once
    January has ended (4 months due), none before."""
    only_team = [d for d in dues_of_the_year(base) if d.branch_id == "b.team"]
    report = judged(base.with_records(*only_team), as_of=as_of)
    if due is None:
        assert report.findings == ()
    else:
        assert outcomes(report) == [("not_recorded", "b.east", Severity.WARNING)]
        (finding,) = report.findings
        assert (finding.expected, finding.actual) == (due, 0)


def test_a_branch_with_one_record_has_its_members_judged(base: Ledger) -> None:
    """b.east with one record (c009, January): not 'no record', but each member's months: c009
    unpaid February to December, the three others all year (each a run of six or more)."""
    only_team = [d for d in dues_of_the_year(base) if d.branch_id == "b.team"]
    report = judged(base.with_records(*only_team, paying("c009", 1, "20.00", "4000.00")))
    assert outcomes(report) == [
        ("unpaid", c, Severity.ERROR) for c in ("c009", "c010", "c011", "c012")
    ]
    assert [(f.expected, f.actual) for f in report.findings] == [(12, 1), (12, 0), (12, 0), (12, 0)]


@pytest.mark.parametrize(
    ("years", "judged_then"), [(-2, False), (-1, True), (1, False)], ids=["2020", "2021", "2023"]
)
def test_a_county_is_judged_on_last_years_records_only(
    base: Ledger, years: int, judged_then: bool
) -> None:
    """A county with no record in 2022 is judged when it kept dues in 2021, the year before; not
    on records of two years before, nor of the year after."""
    kept = dues_of_the_year(base, year=YEAR + years)
    report = judged(base.with_records(*kept))
    if judged_then:
        assert [(r, s) for r, s, _ in outcomes(report)] == [
            ("not_recorded", "b.east"),
            ("not_recorded", "b.team"),
        ]
    else:
        assert report.findings == () and measures(report) == {}


# =============================================================================================
# Who owes a month: a member of the branch on its first day, alive then
# =============================================================================================


def _member(
    ledger: Ledger, cadre_id: str, since: date | None = None, until: date | None = None
) -> Ledger:
    return ledger.replace(
        memberships=tuple(
            m.model_copy(update={"since": since or m.since, "until": until})
            if m.cadre_id == cadre_id
            else m
            for m in ledger.memberships
        )
    )


@pytest.mark.parametrize(
    ("since", "months"),
    [(date(2022, 1, 1), 12), (date(2022, 1, 2), 11), (date(2022, 3, 1), 10), (date(2022, 3, 2), 9)],
)
def test_a_member_joining_owes_from_the_first_month_begun_in_the_branch(
    base: Ledger, since: date, months: int
) -> None:
    ledger = _member(base, "c004", since=since)
    kept = [
        d for d in dues_of_the_year(base) if not (d.cadre_id == "c004" and d.month < since.month)
    ]
    report = judged(ledger.with_records(*kept))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (108 - 12 + months, 108 - 12 + months)


@pytest.mark.parametrize(
    ("until", "months"),
    [
        (date(2022, 6, 1), 5),
        (date(2022, 6, 2), 6),
        (date(2022, 12, 1), 11),
        (date(2022, 12, 2), 12),
    ],
)
def test_a_member_leaving_owes_to_the_last_month_begun_in_the_branch(
    base: Ledger, until: date, months: int
) -> None:
    ledger = _member(base, "c004", until=until)
    kept = [d for d in dues_of_the_year(base) if not (d.cadre_id == "c004" and d.month > months)]
    report = judged(ledger.with_records(*kept))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (108 - 12 + months, 108 - 12 + months)


@pytest.mark.parametrize(
    ("died", "months"),
    [
        (date(2022, 6, 1), 5),
        (date(2022, 6, 2), 6),
        (date(2022, 12, 1), 11),
        (date(2022, 12, 2), 12),
    ],
)
def test_a_member_who_died_owes_to_the_last_month_begun_alive(
    base: Ledger, died: date, months: int
) -> None:
    ledger = base.replace(
        cadres=tuple(
            c.model_copy(update={"deceased": died}) if c.id == "c005" else c for c in base.cadres
        )
    )
    kept = [d for d in dues_of_the_year(base) if not (d.cadre_id == "c005" and d.month > months)]
    report = judged(ledger.with_records(*kept))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (108 - 12 + months, 108 - 12 + months)


def test_a_member_who_moved_owes_each_month_once(base: Ledger) -> None:
    """c003 leaves b.team for b.east on 1 April: January to March are b.team's months, April to
    December b.east's; March unpaid is one unpaid month of twelve, named with both branches."""
    left = _member(base, "c003", until=date(2022, 4, 1))
    moved = left.replace(
        memberships=(
            *left.memberships,
            Membership(cadre_id="c003", branch_id="b.east", since=date(2022, 4, 1)),
        )
    )
    records = [
        d.model_copy(update={"branch_id": "b.east"}) if d.cadre_id == "c003" and d.month > 3 else d
        for d in dues_of_the_year(base)
        if not (d.cadre_id == "c003" and d.month == 3)
    ]
    report = judged(moved.with_records(*records))
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.actual) == ("unpaid", 12, 11)
    assert "书画团队党支部" in finding.message.zh and "东城社区党支部" in finding.message.zh
    assert measures(report)["dues_months"] == (108 - 9 - 1, 108 - 9)
    assert measures(report, "b.east")["dues_months"] == (48 + 9, 48 + 9)


# =============================================================================================
# A base written twice, a base never written, a member's months in two branches in order
# =============================================================================================


def test_the_months_before_the_first_base_take_the_first_not_a_later(base: Ledger) -> None:
    """c007's base is written in March (4,000.00) and July (6,000.00): January and February take
    March's, the nearest later (20.00 due), not July's (60.00); paying 20.00 there is in full."""
    written = {3: "4000.00", 7: "6000.00"}
    records = [
        paying("c007", m, "20.00" if m < 7 else "60.00", written.get(m)) for m in range(1, 13)
    ]
    report = judged(with_dues(base, *records))
    assert report.findings == ()
    due = TEAM_FEN + 6 * 4000  # July to December at 60.00 instead of 20.00
    assert measures(report)["dues_paid_fen"] == (due, due)


def test_a_member_with_no_base_recorded(base: Ledger) -> None:
    """c002's records give no base all year: the months paid are judged paid, whatever the
    amount; a month unpaid is counted, with no amount said to be due."""
    records = [paying("c002", m, "1.00") for m in range(1, 13)]
    report = judged(with_dues(base, *records))
    assert report.findings == ()
    due = TEAM_FEN - 12 * 2000  # nothing known to be due from c002
    assert measures(report)["dues_paid_fen"] == (due + 12 * 100, due)
    assert measures(report)["dues_months"] == (108, 108)
    unpaid = judged(with_dues(base, *records[1:], drop={("c002", 1)}))
    (finding,) = unpaid.findings
    assert (finding.reason, finding.expected, finding.actual) == ("unpaid", 12, 11)
    assert "yuan due" not in finding.message.en and "应交" in finding.message.zh
    assert "按计算基数应交" not in finding.message.zh


def _moved_to_the_team(base: Ledger) -> Ledger:
    """c009 leaves b.east (listed second) for b.team (listed first) on 1 July."""
    left = _member(base, "c009", until=date(2022, 7, 1))
    return left.replace(
        memberships=(
            *left.memberships,
            Membership(cadre_id="c009", branch_id="b.team", since=date(2022, 7, 1)),
        )
    )


def test_a_movers_months_short_in_two_branches_are_listed_in_order(base: Ledger) -> None:
    """c009 paid 19.99 in February (b.east) and in August (b.team): one finding, February
    first, 0.02 short in all."""
    moved = _moved_to_the_team(base)
    records = [
        d.model_copy(
            update={
                "branch_id": "b.team" if d.month > 6 else "b.east",
                "paid_yuan": Decimal("19.99") if d.month in (2, 8) else d.paid_yuan,
            }
        )
        for d in dues_of_the_year(base)
        if d.cadre_id == "c009"
    ]
    others = [d for d in dues_of_the_year(base) if d.cadre_id != "c009"]
    report = judged(moved.with_records(*others, *records))
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "40.00", "39.98")
    said = finding.message.en
    assert "0.02 yuan" in said and said.index("2022-02") < said.index("2022-08")
    assert "(书画团队党支部, 东城社区党支部)" in said
    assert "（书画团队党支部、东城社区党支部）" in finding.message.zh
    assert measures(report, "b.east")["dues_short_fen"] == (1, 3 * 12 * 2000 + 6 * 2000)


def test_a_movers_months_unpaid_in_two_branches_are_listed_in_order(base: Ledger) -> None:
    moved = _moved_to_the_team(base)
    records = [
        d.model_copy(update={"branch_id": "b.team" if d.month > 6 else "b.east"})
        for d in dues_of_the_year(base)
        if d.cadre_id == "c009" and d.month not in (2, 8)
    ]
    others = [d for d in dues_of_the_year(base) if d.cadre_id != "c009"]
    (finding,) = judged(moved.with_records(*others, *records)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("unpaid", 12, 10)
    assert "2022-02, 2022-08" in finding.message.en and "40.00 yuan due" in finding.message.en
    # named with both branches, in the ledger's order
    assert "(书画团队党支部, 东城社区党支部)" in finding.message.en
    assert "（书画团队党支部、东城社区党支部）" in finding.message.zh


# =============================================================================================
# A base written once (as most registers give it): the same outcomes
# =============================================================================================


def _once(cadre_id: str, amounts: dict[int, str], pension: str = "4000.00") -> list[PartyDues]:
    """``cadre_id``'s records for the months in ``amounts``, the base written in the first
    only."""
    first = min(amounts)
    return [paying(cadre_id, m, a, pension if m == first else None) for m, a in amounts.items()]


@pytest.mark.parametrize(("pension", "owed"), BOUND, ids=["below", "at", "above"])
def test_a_base_written_once_judged_as_one_written_each_month(
    base: Ledger, pension: str, owed: str
) -> None:
    exact = _once("c002", dict.fromkeys(range(1, 13), owed), pension)
    report = judged(with_dues(base, *exact))
    assert report.findings == ()
    fen = TEAM_FEN - 12 * 2000 + 12 * int(Decimal(owed) * 100)
    found = measures(report)
    assert found["dues_paid_fen"] == (fen, fen)
    assert found["dues_months"] == (108, 108)
    assert found["dues_members_in_full"] == (9, 9)
    less = str(Decimal(owed) - Decimal("0.01"))
    short = _once("c002", {m: less if m == 3 else owed for m in range(1, 13)}, pension)
    (finding,) = judged(with_dues(base, *short)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", owed, less)


def test_a_month_paid_ahead_does_not_stand_for_a_month_unpaid(base: Ledger) -> None:
    """Judged on 30 June: c002 paid January to May and July (six records for six months
    begun), not June: June is unpaid."""
    paid = _once("c002", dict.fromkeys((1, 2, 3, 4, 5, 7), "20.00"))
    ledger = with_dues(base, *paid, drop={("c002", m) for m in range(1, 13)})
    report = judged(ledger, as_of=date(2022, 6, 30))
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id) == ("unpaid", "c002")
    assert (finding.expected, finding.actual) == (6, 5)
    assert "2022-06" in finding.message.en


def test_a_record_of_a_month_not_due_does_not_stand_for_one_due(base: Ledger) -> None:
    """c004 joined on 15 March (due from April): records March to November, nine, as many as
    the months due, but December is unpaid."""
    joined = _member(base, "c004", since=date(2022, 3, 15))
    records = _once("c004", dict.fromkeys(range(3, 12), "20.00"))
    others = [d for d in dues_of_the_year(base) if d.cadre_id != "c004"]
    (finding,) = judged(joined.with_records(*others, *records)).findings
    assert (finding.reason, finding.subject.id) == ("unpaid", "c004")
    assert (finding.expected, finding.actual) == (9, 8)
    assert "2022-12" in finding.message.en


def test_a_reduction_counts_for_a_member_paying_in_full_anyway(base: Ledger) -> None:
    """c002 and c003, each with a base written once, reduced to 5.00 from April, pay the full
    20.00 all the same: no finding; two members reduced; 5.00 due for their nine months."""
    paid = [*_once("c002", dict.fromkeys(range(1, 13), "20.00"))]
    paid += _once("c003", dict.fromkeys(range(1, 13), "20.00"))
    reduced = [
        reduction("c002", reduced_to_yuan="5.00"),
        reduction("c003", reduced_to_yuan="5.00"),
    ]
    report = judged(with_dues(base, *paid, *reduced))
    assert report.findings == ()
    found = measures(report)
    assert found["dues_members_reduced"] == (2, 9)
    due = TEAM_FEN - 2 * 9 * 1500
    assert found["dues_paid_fen"] == (TEAM_FEN, due)


def test_a_member_with_no_base_unpaid_owes_no_known_amount(base: Ledger) -> None:
    records = [paying("c002", m, "1.00") for m in range(2, 13)]
    report = judged(with_dues(base, *records, drop={("c002", 1)}))
    due = TEAM_FEN - 12 * 2000
    found = measures(report)
    assert found["dues_paid_fen"] == (due + 11 * 100, due)
    assert found["dues_short_fen"] == (0, due)
    assert found["dues_months"] == (107, 108)


# =============================================================================================
# What the findings say, word for word
# =============================================================================================


def test_what_six_months_unpaid_say(base: Ledger) -> None:
    dropped = {("c003", m) for m in range(2, 8)}
    (finding,) = judged(with_dues(base, drop=dropped)).findings
    assert (finding.subject.kind, finding.subject.id) == ("cadres", "c003")
    name = next(c.name for c in base.cadres if c.id == "c003")
    months_zh = "、".join(f"2022-{m:02d}" for m in range(2, 8))
    months_en = ", ".join(f"2022-{m:02d}" for m in range(2, 8))
    assert finding.message.zh == (
        f"{name}（书画团队党支部）2022 年应交党费 12 个月，6 个月未交：{months_zh}"
        "，按计算基数应交 120.00 元；已连续 6 个月未交，无正当理由连续 6 个月不交纳的按自行脱党处理"
    )
    assert finding.message.en == (
        f"{name} (书画团队党支部) owes dues for 12 month(s) of 2022 and paid none for 6: "
        f"{months_en}; 120.00 yuan due on the pension base; 6 months unpaid in a row: a member "
        "who pays none for 6 months in a row without a proper reason is treated as having left "
        "the party"
    )


def test_what_a_month_unpaid_with_no_base_says(base: Ledger) -> None:
    records = [paying("c002", m, "1.00") for m in range(2, 13)]
    (finding,) = judged(with_dues(base, *records, drop={("c002", 1)})).findings
    name = next(c.name for c in base.cadres if c.id == "c002")
    assert (
        finding.message.zh
        == f"{name}（书画团队党支部）2022 年应交党费 12 个月，1 个月未交：2022-01"
    )
    assert finding.message.en == (
        f"{name} (书画团队党支部) owes dues for 12 month(s) of 2022 and paid none for 1: 2022-01"
    )


def test_what_two_short_months_say(base: Ledger) -> None:
    records = [
        paying("c002", m, "19.99" if m in (3, 5) else "20.00", "4000.00") for m in range(1, 13)
    ]
    (finding,) = judged(with_dues(base, *records)).findings
    assert (finding.subject.kind, finding.subject.id) == ("cadres", "c002")
    name = next(c.name for c in base.cadres if c.id == "c002")
    assert finding.message.zh == (
        f"{name}（书画团队党支部）2022 年有 2 个月少交党费，共少交 0.02 元："
        "2022-03（计算基数 4000.00 元，应交 20.00 元，实交 19.99 元）；"
        "2022-05（计算基数 4000.00 元，应交 20.00 元，实交 19.99 元）"
    )
    assert finding.message.en == (
        f"{name} (书画团队党支部) paid short in 2 month(s) of 2022, 0.02 yuan in all: "
        "2022-03 (base 4000.00, due 20.00, paid 19.99); 2022-05 (base 4000.00, due 20.00, paid 19.99)"
    )


def test_six_months_unpaid_are_short_by_what_they_owe(base: Ledger) -> None:
    dropped = {("c003", m) for m in range(2, 8)}
    report = judged(with_dues(base, drop=dropped))
    assert measures(report)["dues_short_fen"] == (6 * 2000, TEAM_FEN)
    assert measures(report)["dues_paid_fen"] == (TEAM_FEN - 6 * 2000, TEAM_FEN)


def test_what_a_branch_with_no_record_says(base: Ledger) -> None:
    only_team = [d for d in dues_of_the_year(base) if d.branch_id == "b.team"]
    (finding,) = judged(base.with_records(*only_team)).findings
    assert (finding.subject.kind, finding.subject.id) == ("branches", "b.east")
    assert (
        finding.message.zh
        == "支部“东城社区党支部”未登记 2022 年的党费交纳情况：4 名党员共应交 48 个月"
    )
    assert finding.message.en == (
        "branch '东城社区党支部' records no party dues for 2022: 4 member(s), 48 month(s) due in all"
    )


def test_what_each_branch_total_is_called(base: Ledger) -> None:
    report = judged(with_dues(base))
    labels = {
        m.name: (m.label.zh, m.label.en)
        for m in report.measures
        if m.subject.id == "b.team" and m.label is not None
    }
    assert labels == {
        "dues_months": ("党费已交月数（已交/应交）", "months of dues paid (paid/due)"),
        "dues_paid_fen": ("党费实交/应交（分）", "dues paid of dues due (fen)"),
        "dues_short_fen": ("党费少交欠交/应交（分）", "dues short or unpaid of dues due (fen)"),
        "dues_members_in_full": ("足额交纳党费的党员", "members who paid in full"),
        "dues_members_reduced": ("党费减免的党员", "members with a reduction"),
    }


# =============================================================================================
# Counties, branches and memberships in any order; a county's own rates
# =============================================================================================


def test_a_countys_own_rates(base: Ledger) -> None:
    """The county "east" (b.team's and b.east's) asks 1 % above 4,000 from 2020: 4,500.00 owes
    45.00 there; the city's default (0.5 % up to 5,000: 22.50) does not hold for it."""
    east = ParameterOverride(
        id="p.dues.east",
        key="party_dues.retiree_rate_bands",
        value=[{"up_to": "4000.00", "rate": "0.005"}, {"rate": "0.01"}],
        effective_from=date(2020, 1, 1),
        unit_id="east",
        source="假设的本县规定（测试）",
    )
    records = [paying("c008", m, "22.50", "4500.00") for m in range(1, 13)]
    (finding,) = judged(with_dues(base, *records, east)).findings
    assert (finding.reason, finding.expected, finding.actual) == ("short", "540.00", "270.00")
    exact = [paying("c008", m, "45.00", "4500.00") for m in range(1, 13)]
    assert judged(with_dues(base, *exact, east)).findings == ()


def test_the_rate_in_force_on_the_day_judged_is_reported_as_current(base: Ledger) -> None:
    on_the_day = judged(with_dues(base), as_of=date(YEAR, 12, 31))
    applied = {(p.key, p.effective_from, p.current) for p in on_the_day.parameters}
    assert ("party_dues.retiree_rate_bands", date(2008, 4, 1), True) in applied


def test_a_branch_of_a_county_not_judged_listed_first(base: Ledger) -> None:
    """b.west (of "west", which keeps no dues) listed before the branches of "east": they are
    judged all the same."""
    reordered = with_dues(base).replace(branches=tuple(reversed(base.branches)))
    report = judged(reordered)
    assert measures(report)["dues_months"] == (108, 108)
    assert measures(report, "b.east")["dues_months"] == (48, 48)


def test_a_branch_with_no_record_listed_before_one_with_a_gap(base: Ledger) -> None:
    """b.team recorded nothing; b.east all but c010's May: one finding for b.team, one for
    c010."""
    only_east = [
        d
        for d in dues_of_the_year(base)
        if d.branch_id == "b.east" and (d.cadre_id, d.month) != ("c010", 5)
    ]
    report = judged(base.with_records(*only_east))
    assert outcomes(report) == [
        ("not_recorded", "b.team", Severity.WARNING),
        ("unpaid", "c010", Severity.WARNING),
    ]


def test_a_member_who_left_before_the_year_listed_first(base: Ledger) -> None:
    """c000 left b.team on 1 January (no month due in 2022): the other eight are judged all the
    same, 96 months."""
    ledger = _member(base, "c000", until=date(2022, 1, 1))
    kept = [d for d in dues_of_the_year(base) if d.cadre_id != "c000"]
    report = judged(ledger.with_records(*kept))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (96, 96)
    assert measures(report)["dues_members_in_full"] == (8, 8)


def test_a_member_who_left_and_came_back(base: Ledger) -> None:
    """c002 left b.team on 1 April and came back on 1 July: due January to March and July to
    December; February and August unpaid, one finding naming both, of nine months due."""
    away = _member(base, "c002", until=date(2022, 4, 1))
    back = away.replace(
        memberships=(
            *away.memberships,
            Membership(cadre_id="c002", branch_id="b.team", since=date(2022, 7, 1)),
        )
    )
    kept = [
        d
        for d in dues_of_the_year(base)
        if not (d.cadre_id == "c002" and d.month in (2, 4, 5, 6, 8))
    ]
    report = judged(back.with_records(*kept))
    (finding,) = report.findings
    assert (finding.reason, finding.subject.id) == ("unpaid", "c002")
    assert (finding.expected, finding.actual) == (9, 7)
    assert "2022-02, 2022-08" in finding.message.en
    assert measures(report)["dues_months"] == (108 - 3 - 2, 108 - 3)
    assert measures(report)["dues_members_in_full"] == (8, 9)


def test_a_branch_with_no_member_has_no_totals(base: Ledger) -> None:
    """A branch of "east" formed with no member yet: nothing due, no totals, no finding."""
    (team,) = [b for b in base.branches if b.id == "b.team"]
    empty = team.model_copy(
        update={
            "id": "b.new",
            "name": "新建党支部",
            "secretary_id": None,
            "committee_ids": (),
            "committee_elected": None,
        }
    )
    report = judged(with_dues(base).replace(branches=(empty, *base.branches)))
    assert report.findings == ()
    assert measures(report, "b.new") == {}
    assert measures(report)["dues_months"] == (108, 108)


def test_the_countys_own_rates_are_reported_as_applied(base: Ledger) -> None:
    east = ParameterOverride(
        id="p.dues.east",
        key="party_dues.retiree_rate_bands",
        value=[{"up_to": "4000.00", "rate": "0.005"}, {"rate": "0.01"}],
        effective_from=date(2020, 1, 1),
        unit_id="east",
        source="假设的本县规定（测试）",
    )
    records = [paying("c008", m, "45.00", "4500.00") for m in range(1, 13)]
    report = judged(with_dues(base, *records, east), as_of=date(YEAR, 12, 31))
    applied = {(p.effective_from, p.current) for p in report.parameters if p.key == RATES}
    assert (date(2020, 1, 1), True) in applied


def test_a_rate_from_the_middle_of_the_last_month_is_current_on_its_last_day(
    base: Ledger,
) -> None:
    """A new rate from 15 December: December's dues are judged on the rate of its first day,
    but on 31 December the rate in force, reported as current, is the new one."""
    later = ParameterOverride(
        id="p.dues",
        key=RATES,
        value=[{"up_to": "4000.00", "rate": "0.005"}, {"rate": "0.01"}],
        effective_from=date(2022, 12, 15),
        source="假设的新规定（测试）",
    )
    report = judged(with_dues(base, later), as_of=date(YEAR, 12, 31))
    assert report.findings == ()
    applied = {(p.effective_from, p.current) for p in report.parameters if p.key == RATES}
    assert (date(2022, 12, 15), True) in applied


def test_january_alone_with_a_base_written_once(base: Ledger) -> None:
    """Judged on 31 January: c002's one record, January's, gives the base; one month due, paid."""
    january = _once("c002", {1: "20.00"})
    ledger = with_dues(base, *january, drop={("c002", m) for m in range(2, 13)})
    report = judged(ledger, as_of=date(YEAR, 1, 31))
    assert report.findings == ()
    assert measures(report)["dues_months"] == (9, 9)
