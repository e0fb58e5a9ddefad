"""Party groups (党小组): each group meets once a month; a large branch is divided into groups.

The group meeting (党小组会) is checked as a branch's other organizational-life duties are:
every month of the part of the year the group existed, up to the date judged, is an
occurrence, satisfied by the first meeting of kind ``group_meeting`` that names the group
(``group_id``) in that month; a group with months missed has one finding saying which.

Group meetings are read by columns with a ``where`` on their kind (never the activities whole);
the groups themselves are few and read as records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from ...calendar import Period, period_label, periods_in
from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import BRANCH_MEMBERS_READS, member_ids_on

MEETING_REGULATION = Text(
    "中国共产党支部工作条例（试行）第十九条：党小组会一般每月召开1次 (2018-10-28)",
    "中国共产党支部工作条例（试行） art. 19: a party group meets once a month (2018-10-28)",
)
DIVIDING_REGULATION = Text(
    "中国共产党支部工作条例（试行）第十一条：党员人数较多的党支部应当划分若干党小组 (2018-10-28)",
    "中国共产党支部工作条例（试行） art. 11: a branch with many members is divided into party "
    "groups (2018-10-28)",
)
MEETING_KIND = "group_meeting"
FREQUENCY = "org_life.group_meeting.frequency"
DIVIDE_FROM = "party_groups.divide_from_members"
_FREQ_ZH = {"monthly": "每月", "quarterly": "每季度", "half_yearly": "每半年", "yearly": "每年"}


def _meetings_by_group(ctx: RuleContext) -> dict[str, list[tuple[date, str]]]:
    """Each group's meetings held in the year up to the date judged, by date."""
    start, end = ctx.period.start, min(ctx.period.end, ctx.as_of)
    held: defaultdict[str, list[tuple[date, str]]] = defaultdict(list)
    for group_id, day, activity_id in ctx.ledger.columns(
        "activities", "group_id", "date", "id", where={"activity_kind": frozenset({MEETING_KIND})}
    ):
        if group_id is not None and start <= day <= end:
            held[group_id].append((day, activity_id))
    for meetings in held.values():
        meetings.sort()
    return held


def check_group_meetings(ctx: RuleContext) -> Iterator[Outcome]:
    if not ctx.ledger.party_groups:
        return
    branches = {b.id: b for b in ctx.ledger.branches}
    held = _meetings_by_group(ctx)
    for group in ctx.ledger.party_groups:
        branch = branches[group.branch_id]
        firsts = [ctx.period.start, group.formed or date.min, branch.formed or date.min]
        start = max(firsts)
        end = ctx.period.end
        if group.abolished is not None:
            end = min(end, group.abolished.fromordinal(group.abolished.toordinal() - 1))
        if start > ctx.as_of or end < start:
            continue
        frequency: str = ctx.param(FREQUENCY, branch.county_id)
        subject = ("party_groups", group.id)
        meetings = held.get(group.id, [])
        satisfied, missed = 0, []
        next_due: date | None = None
        for period in periods_in(frequency, Period(start, end)):
            if period.start > ctx.as_of:
                break
            label = period_label(period, frequency)
            first = next((m for m in meetings if period.start <= m[0] <= period.end), None)
            if first is not None:
                satisfied += 1
                yield ctx.occurrence(
                    subject, label, period.end, "done", satisfied_by=first[1], done_on=first[0]
                )
            elif ctx.as_of >= period.end:
                missed.append(label)
                yield ctx.occurrence(subject, label, period.end, "overdue")
            else:
                next_due = next_due or period.end
                yield ctx.occurrence(subject, label, period.end, "pending")
        if not missed:
            continue
        due = satisfied + len(missed)
        often_zh = _FREQ_ZH.get(frequency, frequency)
        next_zh = f"；下次应于 {next_due} 前召开" if next_due else ""
        next_en = f"; next due by {next_due}" if next_due else ""
        yield ctx.finding(
            subject,
            "missed",
            Text(
                f"支部“{branch.name}”的党小组“{group.name}”党小组会应{often_zh}召开：应开 {due} 次，"
                f"已开 {satisfied} 次，缺 {len(missed)} 次（{'、'.join(missed)}）{next_zh}",
                f"party group '{group.name}' of branch '{branch.name}': the group meeting is "
                f"{frequency}: required {due}, held {satisfied}, missing {len(missed)} "
                f"({', '.join(missed)}){next_en}",
            ),
            period=str(ctx.year),
            expected=due,
            actual=satisfied,
            fix=Text(
                "补开党小组会，并在 activities.csv 记录（活动类型 group_meeting，填写支部编号和党小组编号）",
                "hold the group meeting and record it in activities.csv (activity_kind "
                "group_meeting, with branch_id and group_id)",
            ),
        )


def check_groups_formed(ctx: RuleContext) -> Iterator[Outcome]:
    """A branch whose members reach the threshold and that has no party group at the date."""
    with_groups = {g.branch_id for g in ctx.ledger.party_groups if g.exists_on(ctx.as_of)}
    for branch in ctx.ledger.branches:
        if branch.id in with_groups or (branch.formed and branch.formed > ctx.as_of):
            continue
        threshold: int = ctx.param(DIVIDE_FROM, branch.county_id)
        members = len(member_ids_on(ctx.ledger, branch.id, ctx.as_of))
        if members < threshold:
            continue
        yield ctx.finding(
            ("branches", branch.id),
            "not_divided",
            Text(
                f"支部“{branch.name}”有党员 {members} 名（{threshold} 名以上），尚未划分党小组",
                f"branch '{branch.name}' has {members} members ({threshold} or more) and no "
                "party groups",
            ),
            expected=threshold,
            actual=members,
            fix=Text(
                "按便于开展活动的原则划分党小组、指定组长，并在 party_groups.yaml 登记",
                "divide the branch into party groups, name their leaders, and record them in "
                "party_groups.yaml",
            ),
        )


RULES = (
    Rule(
        key="org_life.group_meeting",
        title=Text("按期召开党小组会", "party group meetings held as often as required"),
        check=check_group_meetings,
        severity=Severity.WARNING,
        cites=(MEETING_REGULATION,),
        parameters=(FREQUENCY,),
        topic="organizational life",
    ),
    Rule(
        key="branch.party_groups",
        title=Text("党员较多的支部划分党小组", "a large branch is divided into party groups"),
        check=check_groups_formed,
        severity=Severity.INFO,
        cites=(DIVIDING_REGULATION,),
        parameters=(DIVIDE_FROM,),
        topic="branches",
        reads=BRANCH_MEMBERS_READS,
    ),
)
