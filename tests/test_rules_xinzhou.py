"""The rules on the Xinzhou example: the year's "six ones" complete; one record removed gives
exactly one new finding; a branch cut to two full members gives the formation finding."""

from __future__ import annotations

from datetime import date

import cadrecore
from cadrecore.models import PartyStatus
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
    assert not report.findings_of("builtin::checklist.required_leaders")
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
