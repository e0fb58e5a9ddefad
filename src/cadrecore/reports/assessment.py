"""The assessment table (考核表): a row per checklist item and per plan target of the year, with
its status, the record that evidences it and the finding behind it; and each rule's tally of
obligations met, which the year's assessment also reads.

Organization work and veteran cadre work are "assessed together" (一起考核): this table is what
the organization department scores, so every row says where its evidence is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..rules.findings import Finding, Occurrence, Report
from .labels import NO_VALUE, evidence_text, rate_cell, status_label
from .sections import Cell, Table

T = Text

CHECKLIST_RULE = "builtin::checklist.items"
PLAN_RULE = "builtin::plan.targets"


@dataclass(frozen=True)
class AssessmentRow:
    """One row of the assessment table, in the report's language.

    ``status`` is an occurrence status code (``done``, ``late``, ``overdue``, ``pending``…; None
    when the rule that judges it did not run); ``evidence_id`` is the id of the record that
    evidences it, ``evidence_record`` that record as the table shows it (its title and date,
    :func:`~cadrecore.reports.labels.evidence_text`), ``evidence`` the material it cites;
    ``findings`` are the messages of the findings about this item, ``severity`` the highest of
    them (``error``, ``warning``, ``info``).
    """

    category: str
    source_id: str
    item: str
    owner: str
    due: date | None
    status: str | None
    status_label: str
    done_on: date | None
    evidence_id: str | None
    evidence_record: str
    evidence: str
    expected: int | None
    actual: int | None
    severity: str | None
    findings: tuple[str, ...]
    fixes: tuple[str, ...]
    rule_id: str

    def cells(self) -> tuple[Cell, ...]:
        """The row as plain cells, in the order of :data:`ASSESSMENT_COLUMNS`."""
        return (
            self.category,
            self.item,
            self.owner,
            self.due.isoformat() if self.due else NO_VALUE,
            self.status_label,
            self.done_on.isoformat() if self.done_on else NO_VALUE,
            self.evidence_record or NO_VALUE,
            self.evidence or NO_VALUE,
            self.expected if self.expected is not None else NO_VALUE,
            self.actual if self.actual is not None else NO_VALUE,
            self.severity or NO_VALUE,
            "；".join(self.findings) or NO_VALUE,
            "；".join(self.fixes) or NO_VALUE,
            self.rule_id,
        )


ASSESSMENT_COLUMNS: tuple[Text, ...] = (
    T("类别", "category"),
    T("考核事项", "item"),
    T("责任单位", "owner"),
    T("时限", "due"),
    T("状态", "status"),
    T("完成日期", "done on"),
    T("佐证记录", "evidence record"),
    T("佐证材料", "evidence"),
    T("目标", "target"),
    T("完成", "achieved"),
    T("问题级别", "severity"),
    T("问题", "finding"),
    T("整改建议", "what to fix"),
    T("规则", "rule"),
)


def _unit_name(ledger: Ledger, unit_id: str) -> str:
    try:
        return ledger.unit(unit_id).name
    except KeyError:
        return unit_id


def _about(
    findings: list[Finding], lang: Lang
) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    if not findings:
        return None, (), ()
    worst = max(f.severity for f in findings)
    return (
        worst.label(lang),
        tuple(f.message(lang) for f in findings),
        tuple(f.fix(lang) for f in findings if f.fix),
    )


def assessment_rows(
    ledger: Ledger, evaluation: Report, lang: Lang = "zh"
) -> tuple[AssessmentRow, ...]:
    """The assessment table of ``evaluation``'s year: the checklist items, then the plan targets."""
    year = evaluation.year
    occurrences: dict[tuple[str, str], Occurrence] = {
        (rule_id, o.subject.id): o
        for rule_id in (CHECKLIST_RULE, PLAN_RULE)
        for o in evaluation.occurrences_of(rule_id)
    }
    about: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in evaluation.findings:
        about[(f.subject.kind, f.subject.id)].append(f)
    rows: list[AssessmentRow] = []
    for checklist in ledger.checklists:
        if not checklist.holds_in(year):
            continue
        for entry in checklist.items:
            item = ledger.registry.checklist_items.get(entry.item)
            subject_id = f"{checklist.id}:{entry.item}"
            occurrence = occurrences.get((CHECKLIST_RULE, subject_id))
            activity = (
                ledger.get("activities", occurrence.satisfied_by)
                if occurrence is not None and occurrence.satisfied_by
                else None
            )
            severity, messages, fixes = _about(about[("checklist_items", subject_id)], lang)
            rows.append(
                AssessmentRow(
                    category=checklist.name,
                    source_id=subject_id,
                    item=item.label(lang),
                    owner=_unit_name(ledger, entry.owner_unit_id or checklist.owner_unit_id),
                    due=(entry.due or item.default_due).in_year(year),
                    status=occurrence.status if occurrence else None,
                    status_label=status_label(occurrence.status if occurrence else None)(lang),
                    done_on=occurrence.done_on if occurrence else None,
                    evidence_id=activity.id if activity else None,
                    evidence_record=evidence_text(ledger, activity.id if activity else None, lang),
                    evidence=activity.evidence if activity else "",
                    expected=1,
                    actual=(1 if occurrence.satisfied else 0) if occurrence else None,
                    severity=severity,
                    findings=messages,
                    fixes=fixes,
                    rule_id=CHECKLIST_RULE,
                )
            )
    goals = {
        m.subject.id: m.denominator
        for m in evaluation.measures
        if m.rule_id == PLAN_RULE and m.name == "plan_progress"
    }
    for plan in ledger.plans:
        if not plan.covers(year):
            continue
        for target in plan.targets:
            metric = ledger.registry.plan_metrics.get(target.metric)
            subject_id = f"{plan.id}:{target.metric}"
            occurrence = occurrences.get((PLAN_RULE, subject_id))
            goal = target.per_year if target.per_year is not None else goals.get(subject_id)
            severity, messages, fixes = _about(about[("plans", subject_id)], lang)
            rows.append(
                AssessmentRow(
                    category=plan.name,
                    source_id=subject_id,
                    item=f"{year}" + T("年", " ")(lang) + metric.label(lang),
                    owner=_unit_name(ledger, plan.owner_unit_id),
                    due=date(year, 12, 31),
                    status=occurrence.status if occurrence else None,
                    status_label=status_label(occurrence.status if occurrence else None)(lang),
                    done_on=None,
                    evidence_id=None,
                    evidence_record=NO_VALUE,
                    evidence=T(
                        "branches.yaml 中本年建成记录", "this year's records in branches.yaml"
                    )(lang),
                    expected=goal,
                    actual=metric.measure(ledger, year),
                    severity=severity,
                    findings=messages,
                    fixes=fixes,
                    rule_id=PLAN_RULE,
                )
            )
    return tuple(rows)


def assessment_table(rows: tuple[AssessmentRow, ...], year: int) -> Table:
    """The assessment rows as a plain :class:`Table` (numbered), as every renderer draws it."""
    return Table(
        T(f"{year}年度考核表", f"Assessment table, {year}"),
        (T("序号", "no."), *ASSESSMENT_COLUMNS),
        tuple((number, *row.cells()) for number, row in enumerate(rows, start=1)),
    )


# =============================================================================================
# Obligations met, rule by rule
# =============================================================================================

OBLIGATION_COLUMNS: tuple[Text, ...] = (
    T("规则", "rule"),
    T("应开展", "due"),
    T("按时完成", "on time"),
    T("逾期完成", "late"),
    T("逾期未完成", "overdue"),
    T("不合格", "invalid"),
    T("未到期", "pending"),
    T("履职率", "compliance"),
)


def rule_titles(ledger: Ledger) -> dict[str, Text]:
    """Each registered rule's title by id, from the plugins the ledger was checked against."""
    from ..rules.engine import get_rulebook

    hooks = ledger.registry.hooks
    try:
        book = get_rulebook(hooks.pm if hooks is not None else None)
    except Exception:  # titles are a nicety: the ids still say which rule
        return {}
    return {rule_id: registered.rule.title for rule_id, registered in book.rules.items()}


def obligation_rows(
    evaluation: Report,
    titles: dict[str, Text],
    lang: Lang,
    keep: Callable[[str], bool] = lambda rule_id: True,
) -> tuple[tuple[Cell, ...], ...]:
    """Per rule (of those ``keep`` accepts), its occurrences by status and its compliance."""
    by_rule = {r: c for r, c in evaluation.status_counts.items() if keep(r)}
    rows: list[tuple[Cell, ...]] = []
    for rule_id in sorted(by_rule):
        c = by_rule[rule_id]
        judged = sum(n for s, n in c.items() if s not in ("pending", "not_applicable"))
        title = titles.get(rule_id)
        rows.append(
            (
                title(lang) if title else rule_id,
                judged,
                c["done"],
                c["late"],
                c["overdue"],
                c["invalid"],
                c["pending"],
                rate_cell(c["done"] + c["late"], judged),
            )
        )
    return tuple(rows)


def obligations_table(ledger: Ledger, evaluation: Report, lang: Lang = "zh") -> Table:
    """Every rule's obligations of the year, met or not (履职情况)."""
    return Table(
        T("各项规则履职情况", "Obligations met, rule by rule"),
        OBLIGATION_COLUMNS,
        obligation_rows(evaluation, rule_titles(ledger), lang),
    )
