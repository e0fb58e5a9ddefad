"""Retired members' party dues (党费): each month paid, and paid in full.

What a member owes for a month is worked out from the pension base and the rate bands in force
that month (the parameter ``party_dues.retiree_rate_bands``: 中组发〔2008〕3号 第五条), by
:func:`~cadrecore.models.expected_dues`; a hardship reduction the branch decided
(``dues_reductions``) lowers it or waives it. A month is due from a member of a branch on its
first day (alive then); it is unpaid when it has ended with no record for it, short when its
record is less than what is owed.

Which branches are judged: a county's (``county_id``) once the ledger keeps dues for any of its
branches in the year judged or the year before. A county that keeps none is not judged (its
dues are kept elsewhere); in a county that keeps them, a branch with months due and no record at
all has one finding of its own (``not_recorded``), not one per member.

The month's pension base is the one its record gives, else the member's nearest earlier record's
that year (from the month a pension changes the new one is the base: 第十条), else the nearest
later one's; a member with no base recorded that year has the months they paid judged paid, and
their unpaid months counted without an amount.

The year's records are read by columns with a ``where`` on the year (on an opened ledger, in SQL:
other years' rows are not read), the memberships and deaths as the other branch rules read them;
the reductions and branches are few and read as records. A member with one base and one rate all
year and every month begun recorded (most members) is judged in one step, the others month by
month. No occurrence is made per member and month (a province's million members would make
twelve million): the branch totals are measures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from operator import is_not, itemgetter

from ...i18n import Text
from ...models import DuesBand, DuesReduction, dues_bands, expected_dues
from ...models.dues import month_end
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity
from ._common import BRANCH_MEMBERS_READS, cadre_facts, cadre_names, member_spans

RATES = "party_dues.retiree_rate_bands"
LAPSE = "party_dues.lapse_months"

REGULATION = Text(
    "中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》（2008-02-28）第五条：离退休党员按月以"
    "离退休费为计算基数，5000元以下（含5000元）的按0.5%、5000元以上的按1%交纳；第七条：确有困难的可以"
    "少交或免交；第十条：收入变化的，从新标准当月起按新基数交纳；第十三条：无正当理由连续6个月不交纳的，"
    "按自行脱党处理",
    "中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》 (2008-02-28) art. 5: a retired "
    "member pays monthly on the pension, 0.5 % up to and including 5,000 yuan, 1 % above; art. 7: "
    "a member in hardship may pay less or nothing; art. 10: from the month pay changes, the new "
    "base applies; art. 13: 6 months unpaid in a row without a proper reason is leaving the party",
)
BASE = Text(
    "中共中央组织部 组电明字〔2017〕5号：离退休党员以基本离退休费或基本养老金为计算基数，不包括津补贴；"
    "生活确有困难的，经党支部研究同意，可以少交或免交",
    "中共中央组织部 组电明字〔2017〕5号: a retired member's base is the basic pension, allowances "
    "excluded; a member in real hardship may pay less or nothing as the branch agrees",
)

_YEAR_MONTHS = range(1, 13)
_BY_MONTH = itemgetter(0)


@dataclass(slots=True)
class _Member:
    """What one member's months came to in the year judged."""

    branches: list[str] = field(default_factory=list)
    due: int = 0
    paid: int = 0
    unpaid: list[tuple[int, Decimal | None]] = field(default_factory=list)
    #: (month, pension base, what was owed, what was paid, under a reduction)
    short: list[tuple[int, Decimal | None, Decimal, Decimal, bool]] = field(default_factory=list)


@dataclass(slots=True)
class _Branch:
    """A branch's totals for the year judged (its measures)."""

    members: set[str] = field(default_factory=set)
    in_full: set[str] = field(default_factory=set)
    reduced: set[str] = field(default_factory=set)
    due: int = 0
    paid_months: int = 0
    paid_fen: int = 0
    expected_fen: int = 0
    short_fen: int = 0


def _fen(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _bases(marks: Sequence[tuple[int, Decimal]]) -> list[Decimal | None]:
    """The pension base of each month of the year (index 1 to 12) from the months whose record
    gives one: the month's own, else the nearest earlier one's, else the nearest later one's."""
    known = sorted(marks)
    found: list[Decimal | None] = [None] * 13
    current = known[0][1]
    place = 0
    for m in _YEAR_MONTHS:
        while place < len(known) and known[place][0] <= m:
            current = known[place][1]
            place += 1
        found[m] = current
    return found


def _longest_run(months: Sequence[int]) -> int:
    """The most consecutive months in ``months`` (sorted)."""
    best = run = 0
    previous = None
    for m in months:
        run = run + 1 if previous is not None and m == previous + 1 else 1
        best = max(best, run)
        previous = m
    return best


def _judged_counties(
    ctx: RuleContext, county_of: Mapping[str, str], recorded: set[str]
) -> set[str]:
    """The counties whose branches recorded dues in the year judged (``recorded``: those
    branches) or the year before (read only when a county is not judged already)."""
    counties = {county_of[b] for b in recorded if b in county_of}
    if counties != set(county_of.values()):
        (before,) = ctx.ledger.column_values(
            "party_dues", "branch_id", where={"year": ctx.year - 1}
        )
        counties |= {county_of[b] for b in set(before) if b in county_of}
    return counties


@dataclass(slots=True)
class _Year:
    """What the rule knows of the year judged, for judging each member's months."""

    months: list[int]  # the months begun by the date judged (1, 2, ...)
    firsts: list[date]  # the first day of each month (index 1 to 12)
    lasts: list[date]  # the last day of each month
    as_of: date
    #: each member's records of the year, by month: the amount paid
    paid: Mapping[str, dict[int, Decimal]]
    #: each member's months whose record gives a base, with the base
    based: Mapping[str, list[tuple[int, Decimal]]]
    #: the reductions in force in the year, by member and branch
    reductions: Mapping[tuple[str, str], list[DuesReduction]]
    owed_of: dict[tuple[Decimal, int], tuple[Decimal, int]] = field(default_factory=dict)
    fen_of: dict[Decimal, int] = field(default_factory=dict)

    def owed(self, base: Decimal, bands: tuple[DuesBand, ...]) -> tuple[Decimal, int]:
        """What ``base`` owes under ``bands``, and in fen: worked out once for each."""
        key = (base, id(bands))
        found = self.owed_of.get(key)
        if found is None:
            amount = expected_dues(base, bands)
            found = self.owed_of[key] = (amount, _fen(amount))
        return found

    def fen(self, amount: Decimal) -> int:
        found = self.fen_of.get(amount)
        if found is None:
            found = self.fen_of[amount] = _fen(amount)
        return found


_NO_RECORDS: dict[int, Decimal] = {}


def _judge_member(
    year: _Year,
    branch_id: str,
    cadre_id: str,
    due_months: Sequence[int],
    bands: Sequence[tuple[DuesBand, ...]],
    uniform: bool,
    member: _Member,
    total: _Branch,
) -> None:
    """Judge a member's ``due_months`` in a branch: count them into ``member`` and ``total``."""
    own = year.paid.get(cadre_id, _NO_RECORDS)
    marks = year.based.get(cadre_id)
    theirs = year.reductions.get((cadre_id, branch_id))
    constant = marks[0][1] if marks is not None else None
    if (
        theirs is None
        and (marks is None or len(marks) == 1)
        and uniform
        and len(own) == len(due_months)
        and due_months is year.months
        and (not own or max(own) <= due_months[-1])
    ):
        # the common case: one base and one rate all year, every month begun recorded
        values = own.values()
        owed, owed_fen = year.owed(constant, bands[1]) if constant is not None else (None, 0)
        if owed is None or min(values) >= owed:
            count = len(own)
            member.due += count
            member.paid += count
            total.due += count
            total.paid_months += count
            total.paid_fen += _fen(sum(values, Decimal(0)))
            total.expected_fen += owed_fen * count
            return
    bases = _bases(marks) if marks is not None and len(marks) > 1 else None
    for m in due_months:
        base = constant if bases is None else bases[m]
        owed, owed_fen = year.owed(base, bands[m]) if base is not None else (None, 0)
        reduction = None
        if theirs is not None:
            reduction = next((r for r in theirs if r.covers(year.firsts[m])), None)
            if reduction is not None:
                total.reduced.add(cadre_id)
                owed = reduction.due(owed)
                if owed == 0:
                    continue  # exempt this month: nothing is due
                owed_fen = _fen(owed)
        amount = own.get(m)
        if amount is None:
            if year.lasts[m] > year.as_of:
                continue  # the month is not over: still to be paid
            member.due += 1
            member.unpaid.append((m, owed))
            total.due += 1
            total.expected_fen += owed_fen
            total.short_fen += owed_fen
            continue
        fen = year.fen(amount)
        member.due += 1
        member.paid += 1
        total.due += 1
        total.paid_months += 1
        total.paid_fen += fen
        if owed is not None:
            total.expected_fen += owed_fen
            if amount < owed:
                member.short.append((m, base, owed, amount, reduction is not None))
                total.short_fen += owed_fen - fen


def check_dues(ctx: RuleContext) -> Iterator[Outcome]:
    if ctx.as_of < ctx.period.start:
        return
    ledger = ctx.ledger
    cadre_ids, month_numbers, amounts, bases, branch_ids = ledger.column_values(
        "party_dues",
        "cadre_id",
        "month",
        "paid_yuan",
        "pension_base_yuan",
        "branch_id",
        where={"year": ctx.year},
    )
    counties = _judged_counties(ctx, {b.id: b.county_id for b in ledger.branches}, set(branch_ids))
    if not counties:
        return
    paid: defaultdict[str, dict[int, Decimal]] = defaultdict(dict)
    for cadre_id, month, amount in zip(cadre_ids, month_numbers, amounts, strict=True):
        paid[cadre_id][month] = amount
    based: defaultdict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    written = list(map(is_not, bases, repeat(None)))  # (most records leave the base out)
    for cadre_id, month, base in zip(
        compress(cadre_ids, written),
        compress(month_numbers, written),
        compress(bases, written),
        strict=True,
    ):
        based[cadre_id].append((month, base))
    reductions: defaultdict[tuple[str, str], list[DuesReduction]] = defaultdict(list)
    for r in ledger.dues_reductions:
        if r.from_month <= ctx.period.end and (
            r.to_month is None or ctx.period.start <= r.to_month
        ):
            reductions[(r.cadre_id, r.branch_id)].append(r)
    firsts = [date(ctx.year, m, 1) if m else date.min for m in range(13)]
    months = [m for m in _YEAR_MONTHS if firsts[m] <= ctx.as_of]
    year = _Year(
        months=months,
        firsts=firsts,
        lasts=[month_end(first) if m else date.min for m, first in enumerate(firsts)],
        as_of=ctx.as_of,
        paid=paid,
        based=based,
        reductions=reductions,
    )
    by_county: dict[str, list[tuple[DuesBand, ...]]] = {}

    def bands_of(county_id: str) -> list[tuple[DuesBand, ...]]:
        """The bands in force on the first day of each month (index 1 to 12) for the county,
        the same object for months under the same bands."""
        found = by_county.get(county_id)
        if found is None:
            if ctx.as_of <= ctx.period.end:  # (the value in force on the day judged: current)
                ctx.param(RATES, county_id)
            found = by_county[county_id] = [()]
            for m in _YEAR_MONTHS:
                if m in months:
                    bands = dues_bands(ctx.param_on(RATES, firsts[m], county_id))
                    if m > 1 and bands == found[m - 1]:
                        bands = found[m - 1]
                else:
                    bands = found[m - 1]  # (a month not begun: not judged)
                found.append(bands)
        return found

    spans = member_spans(ledger)
    died = cadre_facts(ledger).deceased
    members: dict[str, _Member] = {}
    totals: dict[str, _Branch] = {}
    not_recorded: list[tuple[str, int, int]] = []
    first_judged, last_judged = firsts[months[0]], firsts[months[-1]]
    for branch in ledger.branches:
        if branch.county_id not in counties:
            continue
        bands = bands_of(branch.county_id)
        uniform = all(bands[m] is bands[1] for m in months)
        total = _Branch()
        local: dict[str, _Member] = {}  # this branch's months of each member
        for since, until, cadre_id in spans.get(branch.id, ()):
            death = died.get(cadre_id) or date.max
            if since <= first_judged and until > last_judged and death > last_judged:
                due_months = months  # the whole of the year so far: most members
            else:
                due_months = [m for m in months if since <= firsts[m] < until and firsts[m] < death]
                if not due_months:
                    continue
            member = local.get(cadre_id)
            if member is None:
                member = local[cadre_id] = _Member()
                total.members.add(cadre_id)
            _judge_member(year, branch.id, cadre_id, due_months, bands, uniform, member, total)
        if not total.members:
            continue
        total.in_full = {c for c, found in local.items() if not found.unpaid and not found.short}
        totals[branch.id] = total
        if total.due and not total.paid_months:
            # no record at all: one finding for the branch, none for each of its members
            not_recorded.append((branch.id, len(total.members), total.due))
            continue
        for cadre_id, found in local.items():
            member = members.setdefault(cadre_id, _Member())
            member.branches.append(branch.id)
            member.due += found.due
            member.paid += found.paid
            if found.unpaid:
                member.unpaid += found.unpaid
                if len(member.branches) > 1:  # (a member who moved: their months in order)
                    member.unpaid.sort(key=_BY_MONTH)
            if found.short:
                member.short += found.short
                if len(member.branches) > 1:
                    member.short.sort(key=_BY_MONTH)
    yield from _branch_findings(ctx, not_recorded)
    yield from _member_findings(ctx, members, lapse_months=ctx.param(LAPSE))
    yield from _measures(ctx, totals)


def _branch_findings(
    ctx: RuleContext, not_recorded: list[tuple[str, int, int]]
) -> Iterator[Outcome]:
    for branch_id, members, due in not_recorded:
        name = ctx.ledger.branch(branch_id).name
        yield ctx.finding(
            ("branches", branch_id),
            "not_recorded",
            Text(
                f"支部“{name}”未登记 {ctx.year} 年的党费交纳情况：{members} 名党员共应交 {due} 个月",
                f"branch '{name}' records no party dues for {ctx.year}: {members} member(s), "
                f"{due} month(s) due in all",
            ),
            severity=Severity.WARNING,
            expected=due,
            actual=0,
            fix=Text(
                "在 party_dues.csv 逐月登记本支部每名党员的实交党费、计算基数和交纳日期"
                "（已交未登记的补登，未交的督促补交）",
                "record in party_dues.csv, month by month, what each member of the branch paid, "
                "the pension base and the day paid (payments made and not yet recorded, and "
                "back payments)",
            ),
        )


def _member_findings(
    ctx: RuleContext, members: Mapping[str, _Member], *, lapse_months: int
) -> Iterator[Outcome]:
    named = [c for c, m in members.items() if m.unpaid or m.short]
    if not named:
        return
    names = cadre_names(ctx.ledger, named)
    for cadre_id in named:
        member = members[cadre_id]
        name = names.get(cadre_id, cadre_id)
        where = "、".join(ctx.ledger.branch(b).name for b in dict.fromkeys(member.branches))
        where_en = ", ".join(ctx.ledger.branch(b).name for b in dict.fromkeys(member.branches))
        if member.unpaid:
            yield _unpaid(ctx, cadre_id, name, where, where_en, member, lapse_months)
        if member.short:
            yield _short(ctx, cadre_id, name, where, where_en, member)


def _unpaid(
    ctx: RuleContext,
    cadre_id: str,
    name: str,
    where: str,
    where_en: str,
    member: _Member,
    lapse_months: int,
) -> Outcome:
    months = [m for m, _ in member.unpaid]
    labels = [f"{ctx.year}-{m:02d}" for m in months]
    known = [amount for _, amount in member.unpaid if amount is not None]
    total = sum(known, Decimal("0.00")) if len(known) == len(months) else None
    run = _longest_run(months)
    lapsed = run >= lapse_months
    owed_zh = f"，按计算基数应交 {total} 元" if total is not None else ""
    owed_en = f"; {total} yuan due on the pension base" if total is not None else ""
    lapse_zh = (
        f"；已连续 {run} 个月未交，无正当理由连续 {lapse_months} 个月不交纳的按自行脱党处理"
        if lapsed
        else ""
    )
    lapse_en = (
        f"; {run} months unpaid in a row: a member who pays none for {lapse_months} months "
        "in a row without a proper reason is treated as having left the party"
        if lapsed
        else ""
    )
    return ctx.finding(
        ("cadres", cadre_id),
        "unpaid",
        Text(
            f"{name}（{where}）{ctx.year} 年应交党费 {member.due} 个月，{len(months)} 个月未交："
            f"{'、'.join(labels)}{owed_zh}{lapse_zh}",
            f"{name} ({where_en}) owes dues for {member.due} month(s) of {ctx.year} and paid "
            f"none for {len(months)}: {', '.join(labels)}{owed_en}{lapse_en}",
        ),
        severity=Severity.ERROR if lapsed else Severity.WARNING,
        expected=member.due,
        actual=member.paid,
        fix=Text(
            "向本人了解未交原因：补交的，在 party_dues.csv 登记所补月份的实交党费；生活确有困难的，"
            "经支部研究同意后在 dues_reductions.yaml 登记减免，写明支部决定日期和文号",
            "ask the member why: record a back payment in party_dues.csv against the months it "
            "pays for; for a member in real hardship, record the branch's decision, with its "
            "date and reference, in dues_reductions.yaml",
        ),
    )


def _short(
    ctx: RuleContext, cadre_id: str, name: str, where: str, where_en: str, member: _Member
) -> Outcome:
    zh, en = [], []
    owed = paid = Decimal("0.00")
    for m, base, due, amount, reduced in member.short:
        label = f"{ctx.year}-{m:02d}"
        owed += due
        paid += amount
        if reduced:
            zh.append(f"{label}（减交后应交 {due} 元，实交 {amount} 元）")
            en.append(f"{label} (due {due} after the reduction, paid {amount})")
        else:
            zh.append(f"{label}（计算基数 {base} 元，应交 {due} 元，实交 {amount} 元）")
            en.append(f"{label} (base {base}, due {due}, paid {amount})")
    short = owed - paid
    return ctx.finding(
        ("cadres", cadre_id),
        "short",
        Text(
            f"{name}（{where}）{ctx.year} 年有 {len(zh)} 个月少交党费，共少交 {short} 元："
            f"{'；'.join(zh)}",
            f"{name} ({where_en}) paid short in {len(en)} month(s) of {ctx.year}, {short} yuan "
            f"in all: {'; '.join(en)}",
        ),
        severity=Severity.WARNING,
        expected=str(owed),
        actual=str(paid),
        fix=Text(
            f"补交少交的 {short} 元，并在 party_dues.csv 更正这些月份的实交党费（党费按计算基数"
            "所在档的比例、对全部基数计算）；生活确有困难的，经支部研究同意后在 dues_reductions.yaml "
            "登记减交",
            f"collect the {short} yuan short and correct those months' amounts in party_dues.csv "
            "(the rate of the band the base falls in applies to the whole base); for a member "
            "in real hardship, record the branch's decision in dues_reductions.yaml",
        ),
    )


_MEASURES: tuple[tuple[str, Text], ...] = (
    ("dues_months", Text("党费已交月数（已交/应交）", "months of dues paid (paid/due)")),
    ("dues_paid_fen", Text("党费实交/应交（分）", "dues paid of dues due (fen)")),
    ("dues_short_fen", Text("党费少交欠交/应交（分）", "dues short or unpaid of dues due (fen)")),
    ("dues_members_in_full", Text("足额交纳党费的党员", "members who paid in full")),
    ("dues_members_reduced", Text("党费减免的党员", "members with a reduction")),
)
MEASURE_NAMES = tuple(name for name, _ in _MEASURES)
"""The measures the rule gives each branch it judges, in this order."""


def _measures(ctx: RuleContext, totals: Mapping[str, _Branch]) -> Iterator[Outcome]:
    labels = dict(_MEASURES)
    for branch_id, t in totals.items():
        subject = ("branches", branch_id)
        counts: dict[str, tuple[int, int]] = {
            "dues_months": (t.paid_months, t.due),
            "dues_paid_fen": (t.paid_fen, t.expected_fen),
            "dues_short_fen": (t.short_fen, t.expected_fen),
            "dues_members_in_full": (len(t.in_full), len(t.members)),
            "dues_members_reduced": (len(t.reduced), len(t.members)),
        }
        for name, (numerator, denominator) in counts.items():
            yield ctx.measure(name, subject, numerator, denominator, labels[name])


RULES = (
    Rule(
        key="party_dues.paid",
        title=Text(
            "离退休党员按月足额交纳党费", "retired members pay their party dues in full each month"
        ),
        check=check_dues,
        severity=Severity.WARNING,
        severities=(Severity.WARNING, Severity.ERROR),
        cites=(REGULATION, BASE),
        parameters=(RATES, LAPSE),
        topic="party dues",
        reads=BRANCH_MEMBERS_READS,
    ),
)
