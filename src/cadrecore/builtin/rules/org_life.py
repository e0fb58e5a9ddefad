"""Regular organizational life (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话).

Each obligation is one rule. For every branch, the rule lists each expected occurrence (each
month, quarter or year of the part of the year the branch existed, up to the date judged) and
the record that satisfied it.

A general meeting (党员大会) is valid when more than ``org_life.general_meeting_quorum`` (half)
of the members who have a vote are present: full members only (a probationary member, 预备党员,
has no vote: 党章第七条), less those excused for health (``health_exempt``), who are left out of
the count; the probationary members present do not count towards it either
(中国共产党支部工作条例（试行）第十一条). A committee meeting (支委会) is valid when more than
``org_life.quorum_share`` (half) of the committee is present.

At a province's scale (issue #7) the activities are never read as records: the rules share one
read of six columns of the activities held from the start of the year judged to the date
judged (:func:`~._common.activities_judged`), grouped once by kind and branch
(:func:`~._common.held_by_branch`). A general meeting's quorum comes from the membership and
cadre columns the helpers of :mod:`._common` read (:func:`~._common.member_spans`,
:func:`~._common.cadre_facts`), worked out once per branch and day.

The periods of a frequency and their labels are worked out once per rule and first day (most
branches share the year's); each branch's activities, by date, are then matched to the
periods in one pass.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

from ...calendar import Period, period_label, periods_in
from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Occurrence, Severity, Subject
from ._common import (
    ACTIVITIES_BATCH,
    ATTENDEES,
    BRANCH_MEMBERS_READS,
    DATE,
    HEADCOUNT,
    ID,
    ActivityRow,
    Span,
    cadre_facts,
    held_by_branch,
    member_spans,
)

REGULATION = "中国共产党支部工作条例（试行）第十八、十九条 (2018-10-28)"
QUORUM_REGULATION = Text(
    "中国共产党支部工作条例（试行）第十一条 (2018-10-28)：表决须有半数以上有表决权的党员到会；"
    "中国共产党章程第七条：预备党员没有表决权",
    "中国共产党支部工作条例（试行） article 11 (2018-10-28): more than half of the members with "
    "a vote present; the party constitution, article 7: probationary members have no vote",
)


# ---------------------------------------------------------------------------------------------
# The obligations
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """A recurring duty of a branch: an activity kind, how often, who must attend."""

    kind: str
    label: Text
    quorum: str | None  # "members", "committee" or None
    committee_only: bool = False
    severity: Severity = Severity.ERROR

    @property
    def frequency_key(self) -> str:
        return f"org_life.{self.kind}.frequency"

    @property
    def quorum_key(self) -> str | None:
        """The parameter giving the share present that must be exceeded: the voting members'
        for a general meeting, the committee's for a committee meeting."""
        if self.quorum == "members":
            return GENERAL_MEETING_QUORUM
        if self.quorum == "committee":
            return "org_life.quorum_share"
        return None


GENERAL_MEETING_QUORUM = "org_life.general_meeting_quorum"
"""More than this share of the members with a vote (full members, not excused for health) must
be present at a general meeting."""


OBLIGATIONS = (
    Obligation("general_meeting", Text("党员大会", "general meeting"), quorum="members"),
    Obligation(
        "committee_meeting",
        Text("支委会", "committee meeting"),
        quorum="committee",
        committee_only=True,
    ),
    Obligation(
        "party_lecture", Text("党课", "party lecture"), quorum=None, severity=Severity.WARNING
    ),
    Obligation(
        "themed_party_day",
        Text("主题党日", "themed party day"),
        quorum=None,
        severity=Severity.WARNING,
    ),
    Obligation("org_life_meeting", Text("组织生活会", "organizational life meeting"), quorum=None),
    Obligation("democratic_appraisal", Text("民主评议党员", "democratic appraisal"), quorum=None),
    Obligation(
        "heart_to_heart",
        Text("谈心谈话", "heart-to-heart talks"),
        quorum=None,
        severity=Severity.WARNING,
    ),
)

_FREQ_ZH = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}

_NOT_RECORDED = Text("未记录出席人数", "attendance not recorded")
_NO_QUORUM = Text("到会人数未过半", "no quorum: half or fewer present")
_HELD_NO_QUORUM = Text("已开但到会未过半", "held without quorum")


class BranchRow(NamedTuple):
    """What the rules read of a branch (by columns: no branch records are built)."""

    id: str
    committee_ids: tuple[str, ...]
    formed: date | None
    county_id: str
    name: str


BRANCH_COLUMNS = BranchRow._fields


Quorum = tuple[int, set[str]]
"""How many must be present (strictly more than this), and who counts."""

Schedule = tuple[tuple[date, date, str, bool], ...]
"""The periods of a branch up to the date judged, as (first day, last day, label, whether it
is due by the date judged), in order."""


def _schedule(frequency: str, window: Period, as_of: date) -> Schedule:
    """The periods of ``frequency`` in ``window`` that start by ``as_of``, labelled."""
    return tuple(
        (p.start, p.end, period_label(p, frequency), as_of >= p.end)
        for p in periods_in(frequency, window)
        if p.start <= as_of  # (by date: those after are all at the end)
    )


class _MembersQuorum:
    """A general meeting's quorum in a branch by day: the members that day with a vote, alive,
    full members (not probationary: they have no vote) and not excused for health
    (``members_on`` by columns, from the membership spans and cadre facts of :mod:`._common`).

    Who counts changes only on the days a member joins, leaves or dies: the quorum of a day is
    kept for the stretch of days around it in which none of those happens (a branch whose
    members did not change in the year has one). The stretch is found in the same pass over
    the branch's memberships that lists who counts: the latest such day up to the day asked
    for, and the first after it.
    """

    __slots__ = ("_branch", "_ctx", "_facts", "_share", "_spans", "_stretches")

    def __init__(self, ctx: RuleContext, branch: BranchRow, share: Callable[[str], float]) -> None:
        self._ctx = ctx
        self._branch = branch
        self._share = share
        self._spans: Sequence[Span] | None = None
        self._facts = cadre_facts(ctx.ledger)
        # (first day, day after the last, quorum) of each stretch worked out
        self._stretches: list[tuple[date, date, Quorum]] = []

    def on(self, day: date) -> Quorum:
        for first, after, found in self._stretches:
            if first <= day < after:
                return found
        spans = self._spans
        if spans is None:
            spans = self._spans = member_spans(self._ctx.ledger).get(self._branch.id, ())
        died = self._facts.deceased
        first, after = date.min, date.max  # (no change before or after: every day)
        members: set[str] = set()
        for since, until, cadre_id in spans:
            if since <= day:
                if since > first:
                    first = since
            elif since < after:
                after = since
            if until <= day:
                if until > first:
                    first = until
            else:
                if until < after:
                    after = until
                if since <= day:  # (joined by the day, not yet left)
                    members.add(cadre_id)
            death = died.get(cadre_id)
            if death is not None:
                if death <= day:
                    if death > first:
                        first = death
                elif death < after:
                    after = death
        exempt = self._facts.health_exempt
        if not exempt.isdisjoint(members):  # (tested in C, over the members)
            members -= exempt.intersection(members)
        no_vote = self._facts.not_full  # (probationary members: no vote, not counted)
        if not no_vote.isdisjoint(members):
            members -= no_vote.intersection(members)
        if not died.keys().isdisjoint(members):
            members = {c for c in members if (death := died.get(c)) is None or day < death}
        found = (int(len(members) * self._share(self._branch.county_id)), members)
        self._stretches.append((first, after, found))
        return found


def _always(quorum: Quorum) -> Callable[[date], Quorum]:
    return lambda day: quorum


def _check(ob: Obligation) -> Callable[[RuleContext], list[Outcome]]:
    def check(ctx: RuleContext) -> list[Outcome]:
        if ctx.elapsed is None:
            return []
        ctx.registry.activity_kinds.get(ob.kind)  # an unknown kind fails the rule, naming it
        return _judge(ctx, ob)

    return check


def _kinds_running(ctx: RuleContext) -> frozenset[str] | None:
    """The activity kinds of the obligations whose rules this evaluation runs, read together,
    once (a check of one obligation reads just its kind); None (every kind) when
    ``data.attendance`` runs too, which reads the attendance of every kind: one read for all."""
    running = set(ctx.rules_run)
    if "builtin::data.attendance" in running:
        return None
    return frozenset(ob.kind for ob in OBLIGATIONS if f"builtin::org_life.{ob.kind}" in running)


def _looked_up(ctx: RuleContext, key: str) -> Callable[[str], Any]:
    """``ctx.param(key, unit)``, each unit's looked up (and so resolved) once, when first
    asked for: the same parameters are resolved as by asking each time."""
    found: dict[str, Any] = {}
    param = ctx.param

    def value(unit_id: str) -> Any:
        try:
            return found[unit_id]
        except KeyError:
            got = found[unit_id] = param(key, unit_id)
            return got

    return value


def _judge(ctx: RuleContext, ob: Obligation) -> list[Outcome]:
    """The occurrences and findings of ``ob`` for every branch, in branch order."""
    out: list[Outcome] = []
    by_branch = held_by_branch(ctx, ob.kind, _kinds_running(ctx))
    as_of = ctx.as_of
    year_start, year_end = ctx.period.start, ctx.period.end
    frequency_of = _looked_up(ctx, ob.frequency_key)
    share_of = _looked_up(ctx, ob.quorum_key) if ob.quorum_key is not None else None
    schedules: dict[tuple[str, date], Schedule] = {}
    quorum = ob.quorum
    committee_only = ob.committee_only
    no_records: Sequence[ActivityRow] = ()
    for branch in map(BranchRow._make, ctx.ledger.columns("branches", *BRANCH_COLUMNS)):
        if committee_only and not branch.committee_ids:  # (not branch.has_committee)
            continue
        formed = branch.formed
        start = formed if formed is not None and formed > year_start else year_start
        if start > as_of:
            continue
        frequency: str = frequency_of(branch.county_id)
        schedule = schedules.get((frequency, start))
        if schedule is None:  # most branches share the year's periods: worked out once
            schedule = schedules[(frequency, start)] = _schedule(
                frequency, Period(start, year_end), as_of
            )
        records = by_branch.get(branch.id, no_records)
        if records and start > year_start:  # formed this year: from then on
            records = records[bisect_left(records, start, key=itemgetter(DATE)) :]
        subject = Subject("branches", branch.id)
        if quorum is None:
            summary = _plain(out, ctx.rule_id, subject, schedule, records)
        else:
            assert share_of is not None
            if quorum == "committee":  # the committee, whatever the day
                committee = set(branch.committee_ids)
                quorum_on = _always((int(len(committee) * share_of(branch.county_id)), committee))
            else:
                quorum_on = _MembersQuorum(ctx, branch, share_of).on
            summary = _quorate(out, ctx.rule_id, subject, schedule, records, quorum_on)
        if summary is not None:
            out.append(_finding(ctx, ob, branch, subject, frequency, records, *summary))
    return out


Summary = tuple[int, int, list[str], list[str], date | None]
"""What a branch's finding says: how many occurrences were due, how many were satisfied, the
labels of those missed and of those held without quorum, the next due date (or None)."""


def _plain(
    out: list[Outcome],
    rule_id: str,
    subject: Subject,
    schedule: Schedule,
    records: Sequence[ActivityRow],
) -> Summary | None:
    """The occurrences of an obligation without quorum: each period's first record satisfies
    it. Appended to ``out``; the :data:`Summary` when some were missed, else None."""
    append = out.append
    count = len(records)
    i = 0
    satisfied = 0
    missing: list[str] = []
    next_due: date | None = None
    for first, last, label, due in schedule:
        while i < count and records[i][DATE] < first:
            i += 1
        if i < count and records[i][DATE] <= last:
            act = records[i]
            satisfied += 1
            append(Occurrence(rule_id, subject, label, last, "done", act[ID], act[DATE]))
            i += 1
            while i < count and records[i][DATE] <= last:
                i += 1
        elif due:
            missing.append(label)
            append(Occurrence(rule_id, subject, label, last, "overdue"))
        else:
            if next_due is None:
                next_due = last
            append(Occurrence(rule_id, subject, label, last, "pending"))
    if not missing:
        return None
    return satisfied + len(missing), satisfied, missing, [], next_due


def _quorate(
    out: list[Outcome],
    rule_id: str,
    subject: Subject,
    schedule: Schedule,
    records: Sequence[ActivityRow],
    quorum_on: Callable[[date], Quorum],
) -> Summary | None:
    """The occurrences of an obligation with a quorum: each period's first record that counts
    satisfies it (judged one by one: a quorum costs a members list). Appended to ``out``; the
    :data:`Summary` when some were missed or held without quorum, else None."""
    append = out.append
    count = len(records)
    i = 0
    due_count = 0
    satisfied = 0
    missing: list[str] = []
    invalid: list[str] = []
    next_due: date | None = None
    for first, last, label, due in schedule:
        while i < count and records[i][DATE] < first:
            i += 1
        end = i
        while end < count and records[end][DATE] <= last:
            end += 1
        if i == end:  # none held
            if due:
                due_count += 1
                missing.append(label)
                append(Occurrence(rule_id, subject, label, last, "overdue"))
            else:
                if next_due is None:
                    next_due = last
                append(Occurrence(rule_id, subject, label, last, "pending"))
            continue
        good: ActivityRow | None = None
        verdict: bool | None = None
        for act in records[i:end]:  # the first that counts (_valid), or none
            needed, eligible = quorum_on(act[DATE])
            if not eligible:
                good, verdict = act, True
                break
            attendees = act[ATTENDEES]
            if attendees:
                present = len(eligible.intersection(attendees))
            elif act[HEADCOUNT] is not None:
                present = act[HEADCOUNT]
            else:  # attendance not recorded: it counts, with a note
                good, verdict = act, None
                break
            if present > needed:
                good, verdict = act, True
                break
        if good is not None:
            due_count += 1
            satisfied += 1
            append(
                Occurrence(
                    rule_id,
                    subject,
                    label,
                    last,
                    "done",
                    good[ID],
                    good[DATE],
                    None if verdict else _NOT_RECORDED,
                )
            )
        else:
            act = records[end - 1]
            if due:
                due_count += 1
                invalid.append(label)
                append(
                    Occurrence(
                        rule_id, subject, label, last, "invalid", act[ID], act[DATE], _NO_QUORUM
                    )
                )
            else:
                if next_due is None:
                    next_due = last
                append(Occurrence(rule_id, subject, label, last, "pending", note=_HELD_NO_QUORUM))
        i = end
    if not missing and not invalid:
        return None
    return due_count, satisfied, missing, invalid, next_due


def _finding(
    ctx: RuleContext,
    ob: Obligation,
    branch: BranchRow,
    subject: Subject,
    frequency: str,
    records: Sequence[ActivityRow],
    due_count: int,
    satisfied: int,
    missing: list[str],
    invalid: list[str],
    next_due: date | None,
) -> Outcome:
    """The finding of a branch that missed occurrences or held them without quorum."""
    last = records[-1][DATE] if records else None  # by date: the last is the latest
    freq_zh = _FREQ_ZH.get(frequency, frequency)
    gaps = missing + [f"{p}(未过半)" for p in invalid]
    gaps_en = missing + [f"{p} (no quorum)" for p in invalid]
    last_zh = f"；最近一次 {last}" if last else "；本年未开展"
    last_en = f"; last held {last}" if last else "; none held this year"
    due_zh = f"；下次应于 {next_due} 前" if next_due else ""
    due_en = f"; next due by {next_due}" if next_due else ""
    reason = "missed" if missing else "no_quorum"
    return ctx.finding(
        subject,
        reason,
        Text(
            f"支部“{branch.name}”{ob.label.zh}应{freq_zh}一次：应 {due_count} 次，有效 {satisfied} 次，"
            f"缺 {len(gaps)} 次（{'、'.join(gaps)}）{last_zh}{due_zh}",
            f"branch '{branch.name}': {ob.label.en} is {frequency}: required {due_count}, valid "
            f"{satisfied}, missing {len(gaps)} ({', '.join(gaps_en)}){last_en}{due_en}",
        ),
        severity=ob.severity,
        expected=due_count,
        actual=satisfied,
        fix=Text(
            f"补开{ob.label.zh}并在 activities.csv 记录（含出席人员）",
            f"hold the {ob.label.en} and record it in activities.csv with who attended",
        ),
    )


RULES = tuple(
    Rule(
        key=f"org_life.{ob.kind}",
        title=Text(f"按期召开{ob.label.zh}", f"{ob.label.en} held as often as required"),
        check=_check(ob),
        severity=ob.severity,
        cites=(REGULATION, QUORUM_REGULATION) if ob.quorum == "members" else (REGULATION,),
        parameters=(ob.frequency_key, ob.quorum_key)
        if ob.quorum_key is not None
        else (ob.frequency_key,),
        topic="organizational life",
        # the branches' columns, and for a general meeting's quorum who was a member that day
        # (activities are read with a ``where`` on their dates: no read of the whole kind)
        reads=(
            *(f"branches.{name}" for name in BRANCH_COLUMNS),
            *(BRANCH_MEMBERS_READS if ob.quorum == "members" else ()),
        ),
        batch=ACTIVITIES_BATCH,
    )
    for ob in OBLIGATIONS
)
