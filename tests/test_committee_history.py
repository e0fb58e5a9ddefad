"""Committee history (issue #23 items 3 and 4): a branch's committees are its elections, each
judged by the term in force when it was elected; the report lists each parameter once, with
every value the check applied (the earlier term too)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from cadrecore.builtin.report_findings import parameter_rows
from cadrecore.models import Activity
from cadrecore.rules import Severity, evaluate
from cadrecore.sample import small_ledger

from .rules_helpers import changed, run, update

LEDGER = small_ledger(2022)
TERM = "builtin::branch.term"


def _team(elected: date, *elections: date) -> object:
    """The sample ledger with b.team (a team branch) elected on ``elected`` (its
    ``committee_elected``) and re-elected by an ``election`` activity on each of ``elections``."""
    ledger = changed(
        LEDGER,
        "branches",
        lambda b: update(b, committee_elected=elected) if b.id == "b.team" else b,
    )
    meetings = tuple(
        Activity(
            id=f"b.team.election.{day.isoformat()}",
            activity_kind="election",
            date=day,
            branch_id="b.team",
            attendee_ids=("c000", "c001", "c002"),
        )
        for day in elections
    )
    return ledger.replace(activities=(*ledger.activities, *meetings))


def _team_findings(ledger: object, as_of: date) -> list[tuple[str, Severity]]:
    report = run(ledger, TERM, year=as_of.year, as_of=as_of)  # type: ignore[arg-type]
    return [(f.reason, f.severity) for f in report.findings if f.subject.id == "b.team"]


def test_an_election_activity_clears_the_due_reelection() -> None:
    # elected 2019-03-01 for 3 years: overdue from 2022-03-01, unless re-elected
    without = _team(date(2019, 3, 1))
    assert _team_findings(without, date(2022, 12, 1)) == [("term_expired", Severity.ERROR)]
    reelected = _team(date(2019, 3, 1), date(2022, 2, 15))
    assert _team_findings(reelected, date(2022, 12, 1)) == []
    # the 2019 committee is judged too: re-elected on time, by the activity
    report = run(reelected, TERM, as_of=date(2022, 12, 1))  # type: ignore[arg-type]
    terms = [o for o in report.occurrences if o.subject.id == "b.team"]
    assert [(o.due, o.status, o.satisfied_by, o.done_on) for o in terms] == [
        (date(2022, 3, 1), "done", "b.team.election.2022-02-15", date(2022, 2, 15)),
        (date(2025, 2, 15), "pending", None, None),  # 3 years: elected before 2022-10-22
    ]
    assert terms[0].note is not None and "2019-03-01" in terms[0].note.en
    assert "3-year term" in terms[0].note.en and "任期 3 年" in terms[0].note.zh
    # an election activity after the day judged is not yet known
    assert _team_findings(_team(date(2019, 3, 1), date(2023, 1, 5)), date(2022, 12, 1)) == [
        ("term_expired", Severity.ERROR)
    ]


def test_a_late_reelection_is_a_warning_in_its_year() -> None:
    late = _team(date(2019, 3, 1), date(2022, 5, 1))
    assert _team_findings(late, date(2022, 12, 1)) == [("elected_late", Severity.WARNING)]
    report = run(late, TERM, as_of=date(2022, 12, 1))  # type: ignore[arg-type]
    (finding,) = [f for f in report.findings if f.subject.id == "b.team"]
    assert (finding.expected, finding.actual) == ("2022-03-01", "2022-05-01")
    assert finding.evidence == ("b.team.election.2022-05-01",)
    # the next year judges the 2022 committee alone
    assert _team_findings(late, date(2023, 12, 1)) == []


def test_a_committee_is_judged_by_the_term_in_force_when_elected() -> None:
    # elected 2020-06-01: 3 years, though the parameter says 5 from 2022-10-22
    elected_2020 = _team(date(2020, 6, 1))
    expired = run(elected_2020, TERM, year=2023, as_of=date(2023, 6, 1))  # type: ignore[arg-type]
    (finding,) = [f for f in expired.findings if f.subject.id == "b.team"]
    assert (finding.reason, finding.expected) == ("term_expired", "2023-06-01")
    assert "2020-06-01" in finding.message.en and "3-year term" in finding.message.en
    assert "第十五条" in finding.message.zh  # the source of the term applied
    assert finding.fix is not None and "at most 1 year" in finding.fix.en  # the extension
    # elected after the change: 5 years, nothing due in 2025
    assert _team_findings(_team(date(2022, 11, 1)), date(2025, 12, 1)) == []


def test_each_parameter_is_listed_once_with_each_value_applied() -> None:
    # a 2020 committee judged in 2023: the 3-year value applied, beside the 5 in force
    ledger = _team(date(2020, 6, 1))
    report = evaluate(ledger, year=2023)  # type: ignore[arg-type]
    rows = parameter_rows(ledger, report, "en")  # type: ignore[arg-type]
    assert all(n == 1 for n in Counter(row[0] for row in rows).values())
    (term,) = [row for row in rows if row[0] == "branch.term_years"]
    assert term[1:5] == (
        "3 (for an earlier day); 5",
        "2018-10-28; 2022-10-22",
        term[3],
        "confirmed; unverified",
    )
    # in the report's data and its JSON: each value once, the earlier one not current
    values = [(p.value, p.current) for p in report.parameters if p.key == "branch.term_years"]
    assert values == [(3, False), (5, True)]
    listed = Counter((p["key"], json.dumps(p["value"])) for p in report.to_dict()["parameters"])
    assert set(listed.values()) == {1}
    assert {p["key"] for p in report.to_dict()["parameters"]} == {p.key for p in report.parameters}


def test_a_value_is_listed_once_whatever_the_units_it_was_asked_for() -> None:
    # 2021: the 3-year term both on the day judged and when the committees were elected
    report = evaluate(LEDGER, year=2021)
    keys = Counter(p.key for p in report.parameters)
    assert set(keys.values()) == {1}, keys
    (term,) = [p for p in report.parameters if p.key == "branch.term_years"]
    assert (term.value, term.current) == (3, True)
    rows = parameter_rows(LEDGER, report, "zh")
    assert len(rows) == len(keys)


def test_only_the_committees_in_office_in_the_year_are_judged() -> None:
    history = _team(date(2013, 3, 1), date(2016, 2, 1), date(2019, 2, 1), date(2022, 2, 1))
    report = run(history, TERM, as_of=date(2022, 12, 31))  # type: ignore[arg-type]
    terms = [(o.due, o.status) for o in report.occurrences if o.subject.id == "b.team"]
    assert terms == [(date(2022, 2, 1), "done"), (date(2025, 2, 1), "pending")]
    assert _team_findings(history, date(2022, 12, 31)) == []
