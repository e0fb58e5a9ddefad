"""Regular organizational life (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话).

Each obligation is one rule. For every branch, the rule lists each expected occurrence (each
month, quarter or year of the part of the year the branch existed, up to the date judged) and
the record that satisfied it. Members excused for health (``health_exempt``) do not count
towards the quorum.

At a province's scale (issue #7) the activities are never read as records: the rules share one
read of six columns of the activities held from the start of the year judged to the date
judged (:func:`activities_judged`), grouped once by kind and branch
(:func:`held_by_branch`). A general meeting's quorum comes from the membership and cadre
columns the helpers of :mod:`._common` read (:func:`~._common.member_spans`,
:func:`~._common.cadre_facts`), worked out once per branch and day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Final

from ...calendar import Period, period_label, periods_in
from ...i18n import Text
from ...ledger import Ledger
from ...models import Branch
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity, Subject
from ._common import cadre_facts, member_spans, shared

REGULATION = "中国共产党支部工作条例（试行）第十八、十九条 (2018-10-28)"


# ---------------------------------------------------------------------------------------------
# The activities, by columns
# ---------------------------------------------------------------------------------------------

ActivityRow = tuple[str, str, date, str | None, tuple[str, ...], int | None]
"""An activity as the columns of :data:`ACTIVITY_FIELDS`."""

ACTIVITY_FIELDS = ("activity_kind", "id", "date", "branch_id", "attendee_ids", "headcount")
"""The columns of the activities that the rules here and ``data.attendance`` read: one read
for all of them (a second read of other columns would cost as much again at scale)."""

# where each of ACTIVITY_FIELDS is in an ActivityRow
KIND: Final = 0
ID: Final = 1
DATE: Final = 2
BRANCH: Final = 3
ATTENDEES: Final = 4
HEADCOUNT: Final = 5


def activities_judged(ctx: RuleContext) -> Sequence[ActivityRow]:
    """The activities dated from the start of the year judged to the date judged (``as_of``),
    as :data:`ActivityRow`, in ledger order.

    One ``Ledger.columns`` read of :data:`ACTIVITY_FIELDS`, the dates kept by a ``where`` on
    each day of that span (in SQL on an opened ledger: the other years' activities are not
    read); cached by the ledger, so every rule asking for the same span shares it. Empty when
    the date judged is before the year. (A date judged years after the year, which
    ``evaluate(year=..., as_of=...)`` allows, would make too long a list of days for SQL: then
    every activity is read and those of the span kept.)
    """
    first, last = ctx.period.start, ctx.as_of
    if last < first:
        return ()
    span = (last - first).days + 1
    if span > _MOST_DAYS:
        every: Sequence[ActivityRow] = ctx.ledger.columns("activities", *ACTIVITY_FIELDS)
        return [row for row in every if first <= row[DATE] <= last]
    days = frozenset(first + timedelta(days=n) for n in range(span))
    rows: Sequence[ActivityRow] = ctx.ledger.columns(
        "activities", *ACTIVITY_FIELDS, where={"date": days}
    )
    return rows


_MOST_DAYS = 3 * 366
"""The longest span :func:`activities_judged` reads by a list of its days."""


def held_by_branch(ctx: RuleContext, kind: str) -> Mapping[str, Sequence[ActivityRow]]:
    """The activities of ``kind`` that :func:`activities_judged` reads, by the id of the branch
    that held them, each branch's by date (then id), as ``ledger.activities_by_branch`` orders
    them. Every kind is grouped in one pass, once per ledger and span (shared by the rules)."""
    first, last = ctx.period.start, ctx.as_of

    def build(_: object) -> dict[str, dict[str, list[ActivityRow]]]:
        grouped: dict[str, dict[str, list[ActivityRow]]] = defaultdict(lambda: defaultdict(list))
        for row in activities_judged(ctx):
            if row[BRANCH] is not None:
                grouped[row[KIND]][row[BRANCH]].append(row)
        by_date = itemgetter(DATE, ID)
        for by_branch in grouped.values():
            for rows in by_branch.values():
                rows.sort(key=by_date)
        return {k: dict(by_branch) for k, by_branch in grouped.items()}

    index = shared(ctx.ledger, f"activities_by_kind_branch:{first}:{last}", build)
    return index.get(kind, {})


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

Quorum = tuple[int, set[str]]
"""How many must be present (strictly more than this), and who counts."""


Voter = tuple[date, date, date | None, str]
"""A membership of a cadre not excused for health: (joined, left, died, cadre id), open ends
as ``date.min`` and ``date.max``."""


def _voters(ledger: Ledger, branch_id: str) -> list[Voter]:
    """The memberships of ``branch_id`` that count towards a general meeting's quorum, from the
    membership spans and cadre facts of :mod:`._common` (columns, read once per ledger)."""
    facts = cadre_facts(ledger)
    voters = []
    for since, until, cadre_id in member_spans(ledger).get(branch_id, ()):
        fact = facts[cadre_id]
        if not fact.health_exempt:
            voters.append((since, until, fact.deceased, cadre_id))
    return voters


def _quorums(ctx: RuleContext, ob: Obligation, branch: Branch) -> Callable[[date], Quorum | None]:
    """The quorum of ``branch`` by day (None: no quorum), each day's worked out once.

    A committee's is the committee, whatever the day. A general meeting's is the members that
    day, alive and not excused for health (``members_on`` by columns): the branch's
    :func:`_voters` are listed when a day is first asked for, then each day is one pass.
    """
    if ob.quorum is None:
        return lambda day: None
    if ob.quorum == "committee":
        share = ctx.param("org_life.quorum_share", branch.county_id)
        committee = set(branch.committee_ids)
        fixed = (int(len(committee) * share), committee)
        return lambda day: fixed
    seen: dict[date, Quorum] = {}
    voters: list[Voter] | None = None

    def on(day: date) -> Quorum:
        nonlocal voters
        found = seen.get(day)
        if found is None:
            share = ctx.param("org_life.quorum_share", branch.county_id)
            if voters is None:
                voters = _voters(ctx.ledger, branch.id)
            eligible = {
                cadre_id
                for since, until, died, cadre_id in voters
                if since <= day < until and (died is None or day < died)
            }
            found = seen[day] = (int(len(eligible) * share), eligible)
        return found

    return on


def _valid(act: ActivityRow, quorum: Quorum | None) -> bool | None:
    """Whether ``act`` counts; None when attendance was not recorded."""
    if quorum is None:
        return True
    needed, eligible = quorum
    if not eligible:
        return True
    attendees, headcount = act[ATTENDEES], act[HEADCOUNT]
    if attendees:
        present = len(eligible.intersection(attendees))
    elif headcount is not None:
        present = headcount
    else:
        return None
    return present > needed


def _first_that_counts(
    ctx: RuleContext,
    ob: Obligation,
    acts: Sequence[ActivityRow],
    quorum_on: Callable[[date], Quorum | None],
) -> tuple[ActivityRow, bool | None] | None:
    """The first of ``acts`` that counts and its verdict (judged one by one: a quorum costs a
    members list), or None."""
    if ob.quorum is None:
        return acts[0], True
    for act in acts:
        verdict = _valid(act, quorum_on(act[DATE]))
        if verdict is not False:
            return act, verdict
    return None


def _check(ob: Obligation) -> Callable[[RuleContext], Iterator[Outcome]]:
    def check(ctx: RuleContext) -> Iterator[Outcome]:
        if ctx.elapsed is None:
            return
        ctx.registry.activity_kinds.get(ob.kind)  # an unknown kind fails the rule, naming it
        by_branch = held_by_branch(ctx, ob.kind)
        labelled: dict[tuple[str, Period], tuple[tuple[Period, str], ...]] = {}
        for branch in ctx.ledger.branches:
            if ob.committee_only and not branch.has_committee:
                continue
            start = max(ctx.period.start, branch.formed) if branch.formed else ctx.period.start
            if start > ctx.as_of:
                continue
            frequency = ctx.param(ob.frequency_key, branch.county_id)
            window = Period(start, ctx.period.end)
            periods = labelled.get((frequency, window))
            if periods is None:  # most branches share the year's periods: labelled once
                periods = labelled[(frequency, window)] = tuple(
                    (p, period_label(p, frequency)) for p in periods_in(frequency, window)
                )
            records = by_branch.get(branch.id, ())
            if records and start > ctx.period.start:  # formed this year: from then on
                records = records[bisect_left([a[DATE] for a in records], start) :]
            yield from _branch(ctx, ob, branch, frequency, periods, records)

    return check


def _branch(
    ctx: RuleContext,
    ob: Obligation,
    branch: Branch,
    frequency: str,
    periods: tuple[tuple[Period, str], ...],
    records: Sequence[ActivityRow],
) -> Iterator[Outcome]:
    subject = Subject("branches", branch.id)
    as_of = ctx.as_of
    due_count = 0
    satisfied = 0
    missing: list[str] = []
    invalid: list[str] = []
    next_due: date | None = None
    dates = [a[DATE] for a in records]
    quorum_on = _quorums(ctx, ob, branch)
    for period, label in periods:
        if period.start > as_of:
            break
        # records are by date: the period's are one slice
        in_period = records[bisect_left(dates, period.start) : bisect_right(dates, period.end)]
        if not in_period:
            if as_of >= period.end:
                due_count += 1
                missing.append(label)
                yield ctx.occurrence(subject, label, period.end, "overdue")
            else:
                next_due = next_due or period.end
                yield ctx.occurrence(subject, label, period.end, "pending")
            continue
        good = _first_that_counts(ctx, ob, in_period, quorum_on)
        if as_of >= period.end or good is not None:
            due_count += 1
        if good is not None:
            act, verdict = good
            satisfied += 1
            note = None if verdict else Text("未记录出席人数", "attendance not recorded")
            yield ctx.occurrence(
                subject,
                label,
                period.end,
                "done",
                satisfied_by=act[ID],
                done_on=act[DATE],
                note=note,
            )
        else:
            act = in_period[-1]
            if as_of >= period.end:
                invalid.append(label)
                yield ctx.occurrence(
                    subject,
                    label,
                    period.end,
                    "invalid",
                    satisfied_by=act[ID],
                    done_on=act[DATE],
                    note=Text("到会人数未过半", "no quorum: half or fewer present"),
                )
            else:
                next_due = next_due or period.end
                yield ctx.occurrence(
                    subject,
                    label,
                    period.end,
                    "pending",
                    note=Text("已开但到会未过半", "held without quorum"),
                )
    if not missing and not invalid:
        return
    last = dates[-1] if dates else None  # by date: the last is the latest
    freq_zh = _FREQ_ZH.get(frequency, frequency)
    gaps = missing + [f"{p}(未过半)" for p in invalid]
    gaps_en = missing + [f"{p} (no quorum)" for p in invalid]
    last_zh = f"；最近一次 {last}" if last else "；本年未开展"
    last_en = f"; last held {last}" if last else "; none held this year"
    due_zh = f"；下次应于 {next_due} 前" if next_due else ""
    due_en = f"; next due by {next_due}" if next_due else ""
    reason = "missed" if missing else "no_quorum"
    yield ctx.finding(
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
        cites=(REGULATION,),
        parameters=(ob.frequency_key, "org_life.quorum_share")
        if ob.quorum
        else (ob.frequency_key,),
        topic="organizational life",
    )
    for ob in OBLIGATIONS
)
