"""The annual report's sections on party groups (党小组) and model branches (示范党支部).

Built like the other built-in sections (:mod:`cadrecore.builtin.report` places them: party
groups after organizational life, model branches after the plan): both languages in titles,
headings and paragraphs; table cells that are words follow ``lang``.
"""

from __future__ import annotations

from collections import Counter

from ..i18n import Lang, Text
from ..ledger import Ledger
from ..models import SIX_GOODS
from ..reports.labels import NO_VALUE
from ..reports.sections import Cell, ReportSection, Table
from ..rules.findings import Report

T = Text
Row = tuple[Cell, ...]

GROUP_MEETING_RULE = "builtin::org_life.group_meeting"


def _cadre_name(ledger: Ledger, cadre_id: str | None) -> str:
    if cadre_id is None:
        return NO_VALUE
    cadre = ledger.get("cadres", cadre_id)
    return str(getattr(cadre, "name", cadre_id))


def party_groups(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    """Each branch's party groups at the date judged: leader, members, and the year's group
    meetings held of those due."""
    held: Counter[str] = Counter()
    due: Counter[str] = Counter()
    for o in report.occurrences_of(GROUP_MEETING_RULE):
        if o.status != "pending":
            due[o.subject.id] += 1
            held[o.subject.id] += o.status == "done"
    branches = {b.id: b for b in ledger.branches}
    groups = [g for g in ledger.party_groups if g.exists_on(report.as_of)]
    rows: list[Row] = [
        (
            branches[g.branch_id].name,
            g.name,
            _cadre_name(ledger, g.group_leader_id),
            len(g.member_ids),
            f"{held[g.id]}/{due[g.id]}",
        )
        for g in sorted(groups, key=lambda g: (g.branch_id, g.id))
    ]
    divided = len({g.branch_id for g in groups})
    return ReportSection(
        key="builtin.party_groups",
        title=T("党小组", "Party groups"),
        paragraphs=(
            T(
                f"{divided} 个支部划分了党小组，共 {len(rows)} 个党小组；党小组会每月召开一次。",
                f"{divided} branch(es) are divided into {len(rows)} party group(s); each group "
                "meets once a month.",
            )
            if rows
            else T("账册中没有党小组记录。", "The ledger records no party group."),
        ),
        tables=(
            Table(
                T("党小组", "Party groups"),
                (
                    T("支部", "branch"),
                    T("党小组", "group"),
                    T("组长", "leader"),
                    T("党员数", "members"),
                    T("党小组会（已开/应开）", "group meetings (held/due)"),
                ),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )


def model_branches(ledger: Ledger, report: Report, lang: Lang) -> ReportSection:
    """The year's assessments against the six criteria ("六好"): the model branches first."""
    year = report.year
    branches = {b.id: b for b in ledger.branches}
    assessed = sorted(
        (a for a in ledger.branch_assessments if a.year == year),
        key=lambda a: (not a.is_model, a.branch_id),
    )
    yes, no = ("✓", "✗")
    rows: list[Row] = [
        (
            branches[a.branch_id].name,
            *(yes if getattr(a, name) else no for name, _ in SIX_GOODS),
            T("是", "yes")(lang) if a.is_model else T("否", "no")(lang),
        )
        for a in assessed
    ]
    models = sum(1 for a in assessed if a.is_model)
    return ReportSection(
        key="builtin.model_branches",
        title=T("示范党支部", "Model branches"),
        paragraphs=(
            T(
                f"{year} 年按“六好”标准评定支部 {len(rows)} 个，其中示范党支部 {models} 个。",
                f"In {year}, {len(rows)} branch(es) were assessed against the six criteria; "
                f"{models} are model branches.",
            )
            if rows
            else T(
                f"账册中没有 {year} 年的示范党支部评定记录。",
                f"The ledger records no assessment of model branches for {year}.",
            ),
        ),
        tables=(
            Table(
                T("示范党支部评定（六好）", "Model branch assessments (six criteria)"),
                (T("支部", "branch"), *(label for _, label in SIX_GOODS), T("示范", "model")),
                tuple(rows),
            ),
        )
        if rows
        else (),
    )
