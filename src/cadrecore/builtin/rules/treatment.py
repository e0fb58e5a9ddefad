"""Treatment: where several standards apply to a cadre, the higher one is granted (就高不就低).

The year's grants are read by columns (:meth:`~cadrecore.Ledger.columns`, ``where`` the year
is the one judged), and of the cadres granted only the fields the standards look at and the
name; the standards are few and read whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...i18n import Text
from ...models import RetirementKind, TreatmentStandard
from ...models.treatment import StandardTerms
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import values_by_id

SOURCE = Text(
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18：老干部待遇要就高不就低重点保障",
    "《用责任和担当下好老干部工作“一盘棋”》，忻州市老干部局，2022-7-18: a cadre's treatment follows the higher standard",
)


_Judged = tuple[list[TreatmentStandard], TreatmentStandard | None]
"""The standards that apply to a grant, and the best of them (None if none)."""


def check_higher_standard(ctx: RuleContext) -> Iterator[Outcome]:
    ledger = ctx.ledger
    day = min(ctx.as_of, ctx.period.end)
    standards_by_item: dict[str, list[TreatmentStandard]] = {}
    standards_by_id: dict[str, TreatmentStandard] = {}
    for std in ledger.treatment_standards:
        standards_by_item.setdefault(std.treatment_item, []).append(std)
        standards_by_id[std.id] = std
    grants = ledger.columns(
        "treatment_grants",
        "id",
        "cadre_id",
        "treatment_item",
        "standard_id",
        "amount_yuan",
        where={"year": ctx.year},
    )
    cadres = values_by_id(
        ledger,
        "cadres",
        (grant[1] for grant in grants),
        "name",
        "retirement_kind",
        "former_rank",
        "county_id",
    )
    # every grant is of the year judged, so every one is judged on the same day: what applies
    # (and the best of it) depends on the item and the cadre's terms only
    judged_on = max(date(ctx.year, 1, 1), min(day, date(ctx.year, 12, 31)))
    judged: dict[tuple[str, RetirementKind, str, str], _Judged] = {}
    for grant_id, cadre_id, treatment_item, standard_id, amount_yuan in grants:
        name, kind, rank, county_id = cadres[cadre_id]
        key = (treatment_item, kind, rank, county_id)
        found = judged.get(key)
        if found is None:
            terms = StandardTerms(kind, rank, county_id)
            applicable = [
                s
                for s in standards_by_item.get(treatment_item, ())
                if s.applies_to(terms, judged_on)
            ]
            best = max(applicable, key=lambda s: (s.amount_yuan, s.id)) if applicable else None
            found = judged[key] = (applicable, best)
        applicable, best = found
        subject = ("treatment_grants", grant_id)
        # (every grant's standard is one of the ledger's standards: a ledger checks it, a view
        # keeps the standards granted to its cadres, a store saved only a checked ledger)
        granted = standards_by_id[standard_id]
        if granted not in applicable:
            yield ctx.finding(
                subject,
                "standard_not_applicable",
                Text(
                    f"{name} 的“{treatment_item}”按标准 {granted.name} 发放，但该标准不适用于其",
                    f"{name}'s '{treatment_item}' follows standard {granted.id!r}, which does "
                    "not apply to them",
                ),
                severity=Severity.WARNING,
                fix=Text(
                    "核对该老干部的离退休类型、职级和所在县（花名册）；无误的，改按适用的标准发放",
                    "check the cadre's retirement kind, rank and county on the roster; if they "
                    "are right, grant it by a standard that applies",
                ),
            )
        if best is None:  # no standard applies
            continue
        if amount_yuan < best.amount_yuan:
            yield ctx.finding(
                subject,
                "lower_standard",
                Text(
                    f"{name} 的“{treatment_item}”发放 {amount_yuan} 元，"
                    f"应就高按“{best.name}” {best.amount_yuan} 元",
                    f"{name}'s '{treatment_item}' is {amount_yuan} yuan; the higher "
                    f"standard {best.name!r} gives {best.amount_yuan}",
                ),
                expected=str(best.amount_yuan),
                actual=str(amount_yuan),
                evidence=[best.id],
                fix=Text(
                    f"按“{best.name}”补发差额 {best.amount_yuan - amount_yuan} 元",
                    f"pay the difference of {best.amount_yuan - amount_yuan} yuan",
                ),
            )


RULES = (
    Rule(
        key="treatment.higher_standard",
        title=Text("待遇就高不就低", "the higher standard applies"),
        check=check_higher_standard,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(SOURCE,),
        topic="treatment",
    ),
)
