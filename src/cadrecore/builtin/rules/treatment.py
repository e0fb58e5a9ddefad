"""Treatment: where several standards apply to a cadre, the higher one is granted (就高不就低)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity

SOURCE = "seed document: 老干部待遇要就高不就低重点保障"


def check_higher_standard(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = min(ctx.as_of, ctx.period.end)
    standards_by_item: dict[str, list] = {}  # type: ignore[type-arg]
    for std in ledger.treatment_standards:
        standards_by_item.setdefault(std.treatment_item, []).append(std)
    for grant in ledger.treatment_grants:
        if grant.year != ctx.year:
            continue
        cadre = ledger.cadre(grant.cadre_id)
        judged_on = max(date(grant.year, 1, 1), min(day, date(grant.year, 12, 31)))
        applicable = [
            s
            for s in standards_by_item.get(grant.treatment_item, ())
            if s.applies_to(cadre, judged_on)
        ]
        subject = ("treatment_grants", grant.id)
        granted = ledger.get("treatment_standards", grant.standard_id)
        if granted not in applicable:
            yield ctx.finding(
                subject,
                "standard_not_applicable",
                Text(
                    f"{cadre.name} 的“{grant.treatment_item}”按标准 {granted.name} 发放，但该标准不适用于其",
                    f"{cadre.name}'s '{grant.treatment_item}' follows standard {granted.id!r}, which does "
                    "not apply to them",
                ),
                severity=Severity.WARNING,
            )
        if not applicable:
            continue
        best = max(applicable, key=lambda s: (s.amount_yuan, s.id))
        if grant.amount_yuan < best.amount_yuan:
            yield ctx.finding(
                subject,
                "lower_standard",
                Text(
                    f"{cadre.name} 的“{grant.treatment_item}”发放 {grant.amount_yuan} 元，"
                    f"应就高按“{best.name}” {best.amount_yuan} 元",
                    f"{cadre.name}'s '{grant.treatment_item}' is {grant.amount_yuan} yuan; the higher "
                    f"standard {best.name!r} gives {best.amount_yuan}",
                ),
                expected=str(best.amount_yuan),
                actual=str(grant.amount_yuan),
                evidence=[best.id],
                fix=Text(
                    f"按“{best.name}”补发差额 {best.amount_yuan - grant.amount_yuan} 元",
                    f"pay the difference of {best.amount_yuan - grant.amount_yuan} yuan",
                ),
            )


RULES = (
    Rule(
        key="treatment.higher_standard",
        title=Text("待遇就高不就低", "the higher standard applies"),
        check=check_higher_standard,
        cites=(SOURCE,),
        topic="treatment",
    ),
)
