"""The ledger's cross-checks of party dues (党费) and hardship reductions.

A dues record is for a cadre on the roster, alive in the month paid for, by a branch they
belong to on some day of that month; one record per member and month. A reduction is for a
member of its branch on some day of its months, and a member's reductions do not overlap (which
one would hold?). Called by :class:`~cadrecore.ledger.Ledger` when it is built; it imports
nothing above the models (the ledger passes its records down).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from .errors import Location, Problem
from .i18n import Text
from .models import KINDS_BY_NAME, Cadre, DuesReduction, Membership, PartyDues
from .models.dues import month_end

_DUES = KINDS_BY_NAME["party_dues"]

Span = tuple[str, date, date]
"""A membership as (branch id, joined, left), open ends as ``date.min`` and ``date.max``."""


def _problem(kind: str, record_id: str, field: str, zh: str, en: str) -> Problem:
    return Problem(Location(field=field), Text(zh, en), kind, record_id)


def _spans(memberships: Iterable[Membership]) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = defaultdict(list)
    for m in memberships:
        spans[m.cadre_id].append((m.branch_id, m.since or date.min, m.until or date.max))
    return spans


def _member_between(spans: Iterable[Span], branch_id: str, first: date, last: date) -> bool:
    """Whether a membership of ``branch_id`` holds on some day from ``first`` to ``last``."""
    return any(b == branch_id and since <= last and first < until for b, since, until in spans)


def dues_problems(
    dues: Iterable[PartyDues],
    reductions: Iterable[DuesReduction],
    memberships: Iterable[Membership],
    cadres: Mapping[str, Cadre],
    branches: Mapping[str, object],
) -> list[Problem]:
    """Every problem of the dues records and reductions against the roster, the branches and
    the memberships (see the module's rules)."""
    problems: list[Problem] = []
    spans = _spans(memberships)
    months: dict[tuple[int, int], tuple[date, date]] = {}
    seen: set[tuple[str, int, int]] = set()
    for d in dues:
        where = _DUES.key_of(d)
        key = (d.cadre_id, d.year, d.month)
        month = f"{d.year}-{d.month:02d}"
        when, label = Text(f"在 {month} ", f"in {month}"), Text(month, month)
        if key in seen:
            problems.append(
                _problem(
                    "party_dues",
                    where,
                    "month",
                    f"{d.cadre_id} 的 {d.year}-{d.month:02d} 党费记录重复（每人每月一条，补交的合计填写）",
                    f"{d.cadre_id!r} has two records for {d.year}-{d.month:02d} (one a member "
                    "and month: a back payment is added to it)",
                )
            )
            continue
        seen.add(key)
        bounds = months.get((d.year, d.month))
        if bounds is None:
            first = date(d.year, d.month, 1)
            bounds = months[(d.year, d.month)] = (first, month_end(first))
        first, last = bounds
        problems += _person_problems(
            "party_dues",
            where,
            d.cadre_id,
            d.branch_id,
            first,
            last,
            when,
            label,
            spans,
            cadres,
            branches,
        )
    by_cadre: dict[str, list[DuesReduction]] = defaultdict(list)
    for r in reductions:
        last = date.max if r.to_month is None else month_end(r.to_month)
        if r.to_month is None:
            label = when = Text(f"{r.from_month:%Y-%m} 起", f"from {r.from_month:%Y-%m}")
        else:
            span = f"{r.from_month:%Y-%m}–{r.to_month:%Y-%m}"
            when, label = Text(f"在 {span} ", f"in {span}"), Text(span, span)
        problems += _person_problems(
            "dues_reductions",
            r.id,
            r.cadre_id,
            r.branch_id,
            r.from_month,
            last,
            when,
            label,
            spans,
            cadres,
            branches,
        )
        for other in by_cadre[r.cadre_id]:
            if _reductions_overlap(other, r):
                problems.append(
                    _problem(
                        "dues_reductions",
                        r.id,
                        "from_month",
                        f"{r.cadre_id} 的党费减免 {r.id} 与 {other.id} 的月份重叠",
                        f"{r.cadre_id!r}'s reductions {other.id!r} and {r.id!r} cover the "
                        "same months",
                    )
                )
        by_cadre[r.cadre_id].append(r)
    return problems


def _person_problems(
    kind: str,
    where: str,
    cadre_id: str,
    branch_id: str,
    first: date,
    last: date,
    when: Text,
    label: Text,
    spans: Mapping[str, list[Span]],
    cadres: Mapping[str, Cadre],
    branches: Mapping[str, object],
) -> list[Problem]:
    """The cadre is on the roster and alive on ``first``, the branch exists, and the cadre was
    a member of it on some day from ``first`` to ``last``. ``when`` says the months as a
    sentence does (``in 2022-07``, ``from 2022-04``), ``label`` as a list does."""
    problems = []
    cadre = cadres.get(cadre_id)
    if cadre is None:
        problems.append(
            _problem(
                kind,
                where,
                "cadre_id",
                f"{cadre_id} 不在花名册中",
                f"{cadre_id!r} is not on the roster (cadres)",
            )
        )
    elif cadre.deceased is not None and cadre.deceased <= first:
        problems.append(
            _problem(
                kind,
                where,
                "cadre_id",
                f"{cadre_id} 已于 {cadre.deceased} 去世，早于所记的月份（{label.zh}）",
                f"{cadre_id!r} died on {cadre.deceased}, before the months recorded ({label.en})",
            )
        )
    if branch_id not in branches:
        problems.append(
            _problem(
                kind, where, "branch_id", f"支部 {branch_id} 不存在", f"no branch {branch_id!r}"
            )
        )
    elif cadre is not None and not _member_between(spans.get(cadre_id, ()), branch_id, first, last):
        problems.append(
            _problem(
                kind,
                where,
                "branch_id",
                f"{cadre_id} {when.zh}不是支部 {branch_id} 的成员",
                f"{cadre_id!r} is not a member of branch {branch_id!r} {when.en}",
            )
        )
    return problems


def _reductions_overlap(a: DuesReduction, b: DuesReduction) -> bool:
    a_end, b_end = a.to_month or date.max, b.to_month or date.max
    return a.from_month <= b_end and b.from_month <= a_end
