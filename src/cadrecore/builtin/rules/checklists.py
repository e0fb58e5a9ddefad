"""The yearly checklists ("six ones", 六个一): each item done, pending or overdue at the date,
and the briefing attended by the leaders of all four leading bodies.

The evidence is read by columns (:meth:`~cadrecore.Ledger.columns`), never as activity
records: the id, date and leaders of the activities of the items' evidence kinds held by the
items' owners, a handful of rows among a province's million activities.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...i18n import Text
from ...models import Checklist, ChecklistEntry
from ...registry import ChecklistItem
from ...reports.figures import Evidence, checklist_evidence
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity, Subject

SIX_ONES = "中共中央办公厅、国务院办公厅关于进一步加强和改进离退休干部工作的意见 (2016); 忻州市“六个一”工作机制"


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
    date, by date: one read of the activities' columns (:func:`checklist_evidence`, the same
    read for both rules of this module)."""
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


def check_items(ctx: RuleContext) -> Iterator[Outcome]:
    entries = _entries(ctx)
    found = _evidence_by_holder(ctx, entries)
    for checklist, entry, item, owner in entries:
        due = (entry.due or item.default_due).in_year(ctx.year)
        subject = _subject(checklist, entry)
        records = _evidence(ctx, found, item, owner)
        label = item.label
        if records:
            first = records[0]
            status = "done" if first.date <= due else "late"
            yield ctx.occurrence(
                subject, str(ctx.year), due, status, satisfied_by=first.id, done_on=first.date
            )
            if status == "late":
                yield ctx.finding(
                    subject,
                    "done_late",
                    Text(
                        f"“{label.zh}”于 {first.date} 完成，晚于时限 {due}",
                        f"'{label.en}' was done on {first.date}, after its due date {due}",
                    ),
                    severity=Severity.WARNING,
                    expected=due.isoformat(),
                    actual=first.date.isoformat(),
                    evidence=[first.id],
                )
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
                    f"开展并记录一次“{label.zh}”（活动类型“{kind.zh}”，责任单位 {owner}）",
                    f"hold and record a {kind.en!r} activity owned by {owner}",
                ),
            )
        else:
            yield ctx.occurrence(
                subject, str(ctx.year), due, "pending", note=Text(f"时限 {due}", f"due {due}")
            )


def check_required_leaders(ctx: RuleContext) -> Iterator[Outcome]:
    entries = _entries(ctx)
    found = _evidence_by_holder(ctx, entries)
    for checklist, entry, item, owner in entries:
        if not item.required_bodies:
            continue
        records = _evidence(ctx, found, item, owner)
        if not records:
            continue  # the item rule reports it missing
        required = set(item.required_bodies)
        if any(required <= r.bodies_present for r in records):
            continue
        best = max(records, key=lambda r: len(required & r.bodies_present))
        missing = sorted(required - best.bodies_present)
        names_zh = "、".join(b.zh for b in missing)
        names_en = ", ".join(b.en for b in missing)
        yield ctx.finding(
            _subject(checklist, entry),
            "leaders_absent",
            Text(
                f"“{item.label.zh}”须四大班子相关领导全部参加，缺：{names_zh}",
                f"'{item.label.en}' needs leaders of all four leading bodies; missing: {names_en}",
            ),
            expected=len(required),
            actual=len(required & best.bodies_present),
            evidence=[best.id],
            fix=Text(
                "在活动记录的“出席领导”中补录各班子出席领导，或补开一次",
                "record the leaders present for each body, or hold it again with all four",
            ),
        )


RULES = (
    Rule(
        key="checklist.items",
        title=Text("年度工作清单事项按时完成", "yearly checklist items done on time"),
        check=check_items,
        cites=(SIX_ONES,),
        topic="checklist",
        description=Text(
            "每个事项须在年度内由责任单位开展一次对应活动，并在时限前完成。",
            "each item needs one activity of its evidence kind by its owner in the year, by its due date.",
        ),
    ),
    Rule(
        key="checklist.required_leaders",
        title=Text(
            "情况通报会四大班子领导全部参加", "the briefing attended by all four leading bodies"
        ),
        check=check_required_leaders,
        cites=(SIX_ONES,),
        topic="checklist",
    ),
)
