"""Regular organizational life (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话).

Each obligation is one rule. For every branch, the rule lists each expected occurrence (each
month, quarter or year of the part of the year the branch existed, up to the date judged) and
the record that satisfied it. Members excused for health (``health_exempt``) do not count
towards the quorum.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from ...calendar import Period, period_label, periods_in
from ...i18n import Text
from ...models import Activity, Branch
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import members_on

REGULATION = "中国共产党支部工作条例（试行）第十八、十九条 (2018-10-28)"


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


def _quorum(
    ctx: RuleContext, ob: Obligation, branch: Branch, day: date
) -> tuple[int, set[str]] | None:
    """How many must be present (strictly more than this), and who counts; None: no quorum."""
    if ob.quorum is None:
        return None
    share = ctx.param("org_life.quorum_share", branch.county_id)
    if ob.quorum == "committee":
        eligible = set(branch.committee_ids)
    else:
        eligible = {c.id for c in members_on(ctx.ledger, branch, day) if not c.health_exempt}
    return int(len(eligible) * share), eligible


def _quorums(
    ctx: RuleContext, ob: Obligation, branch: Branch
) -> Callable[[date], tuple[int, set[str]] | None]:
    """:func:`_quorum` of ``branch`` by day, each day worked out once; a committee's does not
    depend on the day."""
    if ob.quorum is None:
        return lambda day: None
    if ob.quorum == "committee":
        fixed = _quorum(ctx, ob, branch, ctx.as_of)
        return lambda day: fixed
    seen: dict[date, tuple[int, set[str]] | None] = {}

    def on(day: date) -> tuple[int, set[str]] | None:
        if day not in seen:
            seen[day] = _quorum(ctx, ob, branch, day)
        return seen[day]

    return on


def _valid(act: Activity, quorum: tuple[int, set[str]] | None) -> bool | None:
    """Whether ``act`` counts; None when attendance was not recorded."""
    if quorum is None:
        return True
    needed, eligible = quorum
    if not eligible:
        return True
    if act.attendee_ids:
        present = len(eligible & set(act.attendee_ids))
    elif act.headcount is not None:
        present = act.headcount
    else:
        return None
    return present > needed


def _check(ob: Obligation) -> Callable[[RuleContext], Iterator[Outcome]]:
    def check(ctx: RuleContext) -> Iterator[Outcome]:
        if ctx.elapsed is None:
            return
        by_branch = ctx.ledger.activities_by_branch(ob.kind)
        for branch in ctx.ledger.branches:
            if ob.committee_only and not branch.has_committee:
                continue
            start = max(ctx.period.start, branch.formed) if branch.formed else ctx.period.start
            if start > ctx.as_of:
                continue
            frequency = ctx.param(ob.frequency_key, branch.county_id)
            records = [a for a in by_branch.get(branch.id, ()) if start <= a.date <= ctx.as_of]
            yield from _branch(ctx, ob, branch, Period(start, ctx.period.end), frequency, records)

    return check


def _branch(
    ctx: RuleContext,
    ob: Obligation,
    branch: Branch,
    window: Period,
    frequency: str,
    records: list[Activity],
) -> Iterator[Outcome]:
    subject = ("branches", branch.id)
    due_count = 0
    satisfied = 0
    missing: list[str] = []
    invalid: list[str] = []
    next_due: date | None = None
    dates = [a.date for a in records]
    quorum_on = _quorums(ctx, ob, branch)
    for period in periods_in(frequency, window):
        label = period_label(period, frequency)
        if period.start > ctx.as_of:
            break
        # records are by date: the period's are one slice
        in_period = records[bisect_left(dates, period.start) : bisect_right(dates, period.end)]
        if not in_period:
            if ctx.as_of >= period.end:
                due_count += 1
                missing.append(label)
                yield ctx.occurrence(subject, label, period.end, "overdue")
            else:
                next_due = next_due or period.end
                yield ctx.occurrence(subject, label, period.end, "pending")
            continue
        # the first record that counts (judged one by one: a quorum costs a members list)
        verdicts = ((a, _valid(a, quorum_on(a.date))) for a in in_period)
        good = next(((a, v) for a, v in verdicts if v is not False), None)
        if ctx.as_of >= period.end or good is not None:
            due_count += 1
        if good is not None:
            act, verdict = good
            satisfied += 1
            note = None if verdict else Text("未记录出席人数", "attendance not recorded")
            yield ctx.occurrence(
                subject, label, period.end, "done", satisfied_by=act.id, done_on=act.date, note=note
            )
        else:
            act = in_period[-1]
            if ctx.as_of >= period.end:
                invalid.append(label)
                yield ctx.occurrence(
                    subject,
                    label,
                    period.end,
                    "invalid",
                    satisfied_by=act.id,
                    done_on=act.date,
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
    last = max((a.date for a in records), default=None)
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
