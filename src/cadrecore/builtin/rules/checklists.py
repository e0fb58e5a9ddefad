"""The yearly checklists ("six ones", 六个一): each item done, late, pending, overdue or
invalid at the date.

An item is done only by a record that meets its conditions (:attr:`ChecklistItem.conditions
<cadrecore.registry.ChecklistItem.conditions>`: the situation briefing attended by leaders of
all four leading bodies). A record that fails one leaves the item not done, its status saying
what the record lacks, and gives one finding, named for the condition (``leaders_absent``).

The evidence is read by columns (:meth:`~cadrecore.Ledger.columns`), never as activity
records: the id, date, leaders and attendance of the activities of the items' evidence kinds
held by the items' owners, a handful of rows among a province's million activities.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...i18n import Text
from ...models import Checklist, ChecklistEntry
from ...registry import ChecklistItem, ItemCondition
from ...reports.figures import Evidence, checklist_evidence
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity, Subject

SIX_ONES = (
    Text(
        "中共中央办公厅、国务院办公厅《关于进一步加强和改进离退休干部工作的意见》（2016）",
        "中共中央办公厅、国务院办公厅《关于进一步加强和改进离退休干部工作的意见》 (the general "
        "offices' opinions on veteran cadre work, 2016)",
    ),
    Text(
        "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18：市委每年“六个一”，"
        "情况通报会四大班子相关领导全部参加",
        "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): "
        'the city committee\'s yearly "six ones"; the briefing attended by the leaders of all '
        "four leading bodies",
    ),
)


Entry = tuple[Checklist, ChecklistEntry, ChecklistItem, str]
"""A checklist, one of its entries, the entry's item and the unit owning it."""


def _entries(ctx: RuleContext) -> list[Entry]:
    entries = []
    for checklist in ctx.ledger.checklists:
        if checklist.holds_in(ctx.year):
            for entry in checklist.items:
                item = ctx.registry.checklist_items.get(entry.item)
                entries.append(
                    (checklist, entry, item, entry.owner_unit_id or checklist.owner_unit_id)
                )
    return entries


def _evidence_by_holder(
    ctx: RuleContext, entries: list[Entry]
) -> dict[tuple[str, str], list[Evidence]]:
    """Per (activity kind, owner unit) of the entries, its activities in the year up to the
    date, by date: one read of the activities' columns (:func:`checklist_evidence`, the read
    the report's figure makes too)."""
    return checklist_evidence(
        ctx.ledger,
        {item.evidence_kind for _, _, item, _ in entries},
        {owner for _, _, _, owner in entries},
        ctx.period.start,
        min(ctx.period.end, ctx.as_of),
    )


def _evidence(
    ctx: RuleContext,
    found: dict[tuple[str, str], list[Evidence]],
    item: ChecklistItem,
    owner: str,
) -> list[Evidence]:
    ctx.registry.activity_kinds.get(item.evidence_kind)  # an unknown kind raises, as ever
    return found.get((item.evidence_kind, owner), [])


def _subject(checklist: Checklist, entry: ChecklistEntry) -> Subject:
    return Subject("checklist_items", f"{checklist.id}:{entry.item}")


def _closes(item: ChecklistItem, records: list[Evidence]) -> Evidence | None:
    """The first record that meets every condition of ``item``, if any."""
    return next((r for r in records if not item.unmet(r)), None)


def _nearest(item: ChecklistItem, records: list[Evidence]) -> Evidence:
    """Of records that each fail a condition, the one nearest to closing the item: the fewest
    conditions unmet, then the smallest shortfall, then the earliest."""

    def distance(record: Evidence) -> tuple[int, int, date, str]:
        unmet = item.unmet(record)
        short = sum(c.expected() - (c.actual(record) or 0) for c, _ in unmet)
        return (len(unmet), short, record.date, record.id)

    return min(records, key=distance)


def _lacking(item: ChecklistItem, record: Evidence) -> tuple[ItemCondition, Text]:
    """The first condition ``record`` fails (its reason code names the finding) and what the
    record lacks, every failed condition listed (缺：政协领导 / missing: CPPCC leaders)."""
    unmet = item.unmet(record)
    return unmet[0][0], Text(
        "缺：" + "；".join(text.zh for _, text in unmet),
        "missing: " + "; ".join(text.en for _, text in unmet),
    )


def check_items(ctx: RuleContext) -> Iterator[Outcome]:
    entries = _entries(ctx)
    found = _evidence_by_holder(ctx, entries)
    for checklist, entry, item, owner in entries:
        due = (entry.due or item.default_due).in_year(ctx.year)
        subject = _subject(checklist, entry)
        records = _evidence(ctx, found, item, owner)
        label = item.label
        good = _closes(item, records)
        if good is not None:
            status = "done" if good.date <= due else "late"
            yield ctx.occurrence(
                subject, str(ctx.year), due, status, satisfied_by=good.id, done_on=good.date
            )
            if status == "late":
                yield ctx.finding(
                    subject,
                    "done_late",
                    Text(
                        f"“{label.zh}”于 {good.date} 完成，晚于时限 {due}",
                        f"'{label.en}' was done on {good.date}, after its due date {due}",
                    ),
                    severity=Severity.WARNING,
                    expected=due.isoformat(),
                    actual=good.date.isoformat(),
                    evidence=[good.id],
                    fix=Text(
                        f"下一年度在时限（{due.month} 月 {due.day} 日）前开展“{label.zh}”",
                        f"next year, hold the '{label.en}' by its due date "
                        f"({due.month:02d}-{due.day:02d})",
                    ),
                )
        elif records:
            yield from _unmet(ctx, item, subject, due, _nearest(item, records))
        elif ctx.as_of >= due:
            kind = ctx.registry.activity_kinds.get(item.evidence_kind).label
            yield ctx.occurrence(subject, str(ctx.year), due, "overdue")
            yield ctx.finding(
                subject,
                "overdue",
                Text(
                    f"“{label.zh}”已过时限 {due} 仍未完成（{ctx.year} 年应 1 次，实 0 次）",
                    f"'{label.en}' is overdue since {due}: required 1 in {ctx.year}, held 0",
                ),
                expected=1,
                actual=0,
                fix=Text(
                    f"开展并记录一次“{label.zh}”（活动类型“{kind.zh}”，责任单位 {owner}）"
                    + _needing(item).zh,
                    f"hold and record a {kind.en!r} activity owned by {owner}" + _needing(item).en,
                ),
            )
        else:
            yield ctx.occurrence(
                subject, str(ctx.year), due, "pending", note=Text(f"时限 {due}", f"due {due}")
            )


def _needing(item: ChecklistItem) -> Text:
    """What the item's conditions require, as a clause for a fix ("" when none)."""
    required = [c.required() for c in item.all_conditions]
    if not required:
        return Text("", "")
    return Text(
        "，" + "，".join(r.zh for r in required), ", with " + "; ".join(r.en for r in required)
    )


def _unmet(
    ctx: RuleContext, item: ChecklistItem, subject: Subject, due: date, record: Evidence
) -> Iterator[Outcome]:
    """An item held only by records that fail one of its conditions: not done. One gap, one
    finding: an error once the due date has come (the occurrence ``invalid``), a warning
    before it (``pending``: the item may still be held again), naming what the nearest record
    lacks; its reason is the failed condition's (``leaders_absent``)."""
    condition, lacking = _lacking(item, record)
    label = item.label
    if ctx.as_of >= due:
        yield ctx.occurrence(
            subject,
            str(ctx.year),
            due,
            "invalid",
            satisfied_by=record.id,
            done_on=record.date,
            note=lacking,
        )
        message = Text(
            f"“{label.zh}”未完成：{record.date} 的记录不合要求，{lacking.zh}（时限 {due}）",
            f"'{label.en}' is not done: the record of {record.date} does not meet its "
            f"conditions, {lacking.en} (due {due})",
        )
        severity = Severity.ERROR
    else:
        yield ctx.occurrence(
            subject,
            str(ctx.year),
            due,
            "pending",
            note=Text(
                f"{record.date} 的记录不合要求，{lacking.zh}；时限 {due}",
                f"the record of {record.date} does not count, {lacking.en}; due {due}",
            ),
        )
        message = Text(
            f"“{label.zh}”尚未完成：{record.date} 的记录不合要求，{lacking.zh}（时限 {due}）",
            f"'{label.en}' is not done yet: the record of {record.date} does not meet its "
            f"conditions, {lacking.en} (due {due})",
        )
        severity = Severity.WARNING
    yield ctx.finding(
        subject,
        condition.reason,
        message,
        severity=severity,
        expected=condition.expected(),
        actual=condition.actual(record),
        evidence=[record.id],
        fix=Text(
            f"如实际符合要求，在活动记录 {record.id} 中补录（出席领导、出席人数）；否则在时限前补开一次"
            f"“{label.zh}”{_needing(item).zh}",
            f"if it did meet them, complete activity {record.id} (leaders, attendance); "
            f"otherwise hold the '{label.en}' again by {due}{_needing(item).en}",
        ),
    )


RULES = (
    Rule(
        key="checklist.items",
        title=Text("年度工作清单事项按时完成", "yearly checklist items done on time"),
        check=check_items,
        severity=Severity.ERROR,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=SIX_ONES,
        topic="checklist",
        description=Text(
            "每个事项须在年度内由责任单位开展一次对应活动，并在时限前完成；活动须符合事项的条件"
            "（如情况通报会须四大班子相关领导全部出席），不符合的不算完成，并写明所缺。",
            "each item needs one activity of its evidence kind by its owner in the year, by its "
            "due date, meeting the item's conditions (the situation briefing: leaders of all four "
            "leading bodies present); a record that fails one does not count, and the status "
            "says what it lacks.",
        ),
    ),
)
