"""Full coverage (全覆盖) at its edges: a branch formed on the day judged and the day after; a
member who died the day before, on the day and the day after; a membership left the day before
the death, on it and after it, or never; coverage one member under, at and over a target.

What is expected is written from the rule as the 2022 central opinion and the Xinzhou report
state it (every *living* retired party member in one branch; the target, ``coverage.target_ratio``,
is 1.0 from 2018: every one): a day judged is judged at its end, so a member who died on it is no
longer living, and a branch formed on it covers its members. The sample: 17 party members, 13 in
the county "east" (b.team, a team branch of 9: c000 to c008; b.east, a community branch of 4:
c009 to c012) and 4 in "west" (b.west, community: c013 to c016); c017 is not in the party.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cadrecore.ledger import Ledger
from cadrecore.models import ParameterOverride
from cadrecore.rules import Report, Severity, evaluate
from cadrecore.sample import small_ledger

RULE = "builtin::coverage.full"
DAY = date(2022, 6, 30)


@pytest.fixture
def base() -> Ledger:
    return small_ledger(2022)


def judged(ledger: Ledger, as_of: date = DAY) -> Report:
    report = evaluate(ledger, year=2022, as_of=as_of, rules=[RULE])
    assert not report.errored, [(e.rule_id, e.error) for e in report.errored]
    return report


def measures(report: Report) -> dict[tuple[str, str], tuple[int, int]]:
    return {(m.name, m.subject.id): (m.numerator, m.denominator) for m in report.measures}


def outcomes(report: Report) -> list[tuple[str, str, str, Severity]]:
    return [(f.reason, f.subject.kind, f.subject.id, f.severity) for f in report.findings]


def branch_formed(ledger: Ledger, branch_id: str, formed: date) -> Ledger:
    return ledger.replace(
        branches=tuple(
            b.model_copy(update={"formed": formed}) if b.id == branch_id else b
            for b in ledger.branches
        )
    )


def died(ledger: Ledger, cadre_id: str, on: date, until: date | None = None) -> Ledger:
    """``cadre_id`` died ``on``, their membership ending ``until`` (None: left open)."""
    return ledger.replace(
        cadres=tuple(
            c.model_copy(update={"deceased": on}) if c.id == cadre_id else c for c in ledger.cadres
        ),
        memberships=tuple(
            m.model_copy(update={"until": until}) if m.cadre_id == cadre_id else m
            for m in ledger.memberships
        ),
    )


def in_no_branch(ledger: Ledger, *cadre_ids: str) -> Ledger:
    return ledger.replace(
        memberships=tuple(m for m in ledger.memberships if m.cadre_id not in cadre_ids)
    )


def target(ledger: Ledger, ratio: Any) -> Ledger:
    return ledger.with_records(
        ParameterOverride(
            id="p.coverage",
            key="coverage.target_ratio",
            value=ratio,
            effective_from=date(2022, 1, 1),
            source="测试用目标",
        )
    )


def test_every_member_covered_is_full_coverage(base: Ledger) -> None:
    report = judged(base)
    assert report.findings == ()
    found = measures(report)
    assert found[("coverage", "city")] == (17, 17)
    assert found[("coverage", "east")] == (13, 13)
    assert found[("coverage", "west")] == (4, 4)
    # each branch type's share of the members covered
    assert found[("members_by_branch_type", "team")] == (9, 17)
    assert found[("members_by_branch_type", "community")] == (8, 17)


@pytest.mark.parametrize(
    ("formed", "covers"),
    [(DAY - timedelta(days=1), True), (DAY, True), (DAY + timedelta(days=1), False)],
    ids=["day-before", "on-the-day", "day-after"],
)
def test_a_branch_covers_its_members_from_the_day_it_is_formed(
    base: Ledger, formed: date, covers: bool
) -> None:
    report = judged(branch_formed(base, "b.west", formed))
    found = measures(report)
    if covers:
        assert report.findings == ()
        assert found[("coverage", "west")] == (4, 4)
        assert found[("members_by_branch_type", "community")] == (8, 17)
        return
    west = ["c013", "c014", "c015", "c016"]
    assert outcomes(report) == [
        *(("not_in_branch", "cadres", c, Severity.ERROR) for c in west),
        ("coverage_below_target", "units", "city", Severity.INFO),
    ]
    assert found[("coverage", "city")] == (13, 17)
    assert found[("coverage", "west")] == (0, 4)
    assert found[("coverage", "east")] == (13, 13)
    assert found[("members_by_branch_type", "community")] == (4, 13)
    assert found[("members_by_branch_type", "team")] == (9, 13)
    note = report.findings[-1]
    # the target 1.0 (every member); 13/17 = 0.76470..., to four places 0.7647
    assert (note.expected, note.actual) == (1.0, 0.7647)
    assert list(note.evidence) == west
    assert "13/17" in note.message.en and "4 member(s) in no branch" in note.message.en
    assert note.fix is not None
    assert note.fix.en == "add the 4 members in no branch to a branch (memberships.csv)"
    assert note.fix.zh == "将未编入支部的 4 名党员编入支部（memberships.csv）"


def test_a_member_in_no_branch_is_one_error(base: Ledger) -> None:
    report = judged(in_no_branch(base, "c016"))
    first = report.findings[0]
    assert (first.reason, first.subject.id, first.severity) == (
        "not_in_branch",
        "c016",
        Severity.ERROR,
    )
    assert (first.expected, first.actual) == (1, 0)
    name = next(c.name for c in base.cadres if c.id == "c016")
    assert name in first.message.zh and name in first.message.en
    assert measures(report)[("coverage", "west")] == (3, 4)


@pytest.mark.parametrize(
    ("death", "counted"),
    [(DAY - timedelta(days=1), False), (DAY, False), (DAY + timedelta(days=1), True)],
    ids=["day-before", "on-the-day", "day-after"],
)
def test_a_member_who_died_is_no_longer_counted(base: Ledger, death: date, counted: bool) -> None:
    """c016 died, their membership ended the same day: a member living at the end of the day
    judged is counted (and covered), one dead by then is not, and is not a gap either."""
    report = judged(died(base, "c016", death, until=death))
    assert report.findings == ()
    found = measures(report)
    assert found[("coverage", "west")] == ((4, 4) if counted else (3, 3))
    assert found[("coverage", "city")] == ((17, 17) if counted else (16, 16))
    assert found[("members_by_branch_type", "community")] == ((8, 17) if counted else (7, 16))


def test_a_member_who_dies_after_the_day_is_covered_with_the_membership_open(
    base: Ledger,
) -> None:
    report = judged(died(base, "c016", DAY + timedelta(days=1)))
    assert report.findings == ()
    assert measures(report)[("coverage", "west")] == (4, 4)


DEATH = date(2022, 3, 10)


@pytest.mark.parametrize(
    ("until", "still_recorded"),
    [
        (DEATH - timedelta(days=1), False),
        (DEATH, False),
        (DEATH + timedelta(days=1), True),
        (None, True),
    ],
    ids=["left-the-day-before", "left-on-the-day", "left-the-day-after", "never-left"],
)
def test_a_dead_member_still_recorded_in_a_branch(
    base: Ledger, until: date | None, still_recorded: bool
) -> None:
    """c016 died on 10 March: a membership ended by that day is right; one that runs past it
    is a warning to close it (the member is not counted either way)."""
    report = judged(died(base, "c016", DEATH, until=until))
    assert measures(report)[("coverage", "west")] == (3, 3)
    if not still_recorded:
        assert report.findings == ()
        return
    assert outcomes(report) == [("deceased_member", "cadres", "c016", Severity.WARNING)]
    (finding,) = report.findings
    name = next(c.name for c in base.cadres if c.id == "c016")
    assert f"{name} died on 2022-03-10" in finding.message.en
    assert "2022-03-10" in finding.message.zh
    assert finding.fix is not None and "until" in finding.fix.en


@pytest.mark.parametrize(
    ("uncovered", "note"),
    [(("c005", "c006", "c007", "c008", "c004"), True), (("c005", "c006", "c007", "c008"), False)],
    ids=["11-of-16", "12-of-16"],
)
def test_a_target_below_one(base: Ledger, uncovered: tuple[str, ...], note: bool) -> None:
    """With a target of 0.75 and 16 living members (c016 died before the day): 12 covered is
    exactly 0.75, on target (no note); 11 (0.6875) is under it; 13 (0.8125) over it."""
    ledger = target(died(base, "c016", DEATH, until=DEATH), 0.75)
    report = judged(in_no_branch(ledger, *uncovered))
    reasons = [f.reason for f in report.findings]
    assert reasons.count("not_in_branch") == len(uncovered)
    assert ("coverage_below_target" in reasons) is note
    covered = 16 - len(uncovered)
    assert measures(report)[("coverage", "city")] == (covered, 16)
    if note:
        finding = report.findings[-1]
        assert (finding.expected, finding.actual) == (0.75, 0.6875)
    over = judged(in_no_branch(ledger, "c005", "c006", "c007"))
    assert [f.reason for f in over.findings] == ["not_in_branch"] * 3


def test_each_measure_names_its_subject_and_says_what_it_counts(base: Ledger) -> None:
    """What a report prints beside each ratio: the city and each county are units, a branch
    type is a branch type; the labels in both languages."""
    report = judged(base)
    labels = {
        (m.name, m.subject.kind, m.subject.id): (m.label.zh, m.label.en)
        for m in report.measures
        if m.label is not None
    }
    coverage = ("党组织覆盖率", "coverage")
    by_type = ("按支部类型的党员占比", "share of members by branch type")
    assert labels == {
        ("coverage", "units", "city"): coverage,
        ("coverage", "units", "east"): coverage,
        ("coverage", "units", "west"): coverage,
        ("members_by_branch_type", "branch_types", "team"): by_type,
        ("members_by_branch_type", "branch_types", "community"): by_type,
    }
    assert len(report.measures) == 5
    note = judged(in_no_branch(base, "c016")).findings[-1]
    assert (note.reason, note.subject.kind, note.subject.id) == (
        "coverage_below_target",
        "units",
        "city",
    )


def test_a_day_when_no_party_member_is_living_has_no_shortfall(base: Ledger) -> None:
    """Every party member died on 10 March, each membership closed that day: on 30 June there
    is nobody to cover, 0 of 0, and no shortfall (not a division by zero)."""
    party = {c.id for c in base.cadres if c.party_status is not None}
    ledger = base
    for cadre_id in sorted(party):
        ledger = died(ledger, cadre_id, DEATH, until=DEATH)
    report = judged(ledger)
    assert report.findings == ()
    assert measures(report)[("coverage", "city")] == (0, 0)
