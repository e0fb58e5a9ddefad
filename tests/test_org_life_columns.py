"""The rules of organizational life and data quality read the bulk kinds by columns (issue #7)
and judge exactly as they did from the records.

``reference_*`` below are those rules as they were, reading records (``activities_by_branch``,
``members_on``, ``ledger.cadres``, ``activities_of``): every outcome, in order, and every
parameter resolved must be the same, on ledgers in memory and opened on a store.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadrecore import Ledger, get_registry
from cadrecore.builtin.rules import data_quality, org_life
from cadrecore.builtin.rules._common import members_on
from cadrecore.calendar import Period, period_label, periods_in
from cadrecore.i18n import Text
from cadrecore.models import Activity, Branch, PartyStatus
from cadrecore.rules.engine import Outcome, RuleContext, get_rulebook
from cadrecore.rules.findings import Severity
from cadrecore.rules.parameters import ParameterResolver
from cadrecore.store import open_store
from cadrecore.strategies import ledgers
from cadrecore.synth import synthesize

from .xinzhou_fixtures import xinzhou, xinzhou_pm

__all__ = ["xinzhou", "xinzhou_pm"]  # fixtures, used by name

ORG_KINDS = tuple(ob.kind for ob in org_life.OBLIGATIONS)

# ---------------------------------------------------------------------------------------------
# The rules as they were, from the records
# ---------------------------------------------------------------------------------------------


def _ref_quorum(
    ctx: RuleContext, ob: org_life.Obligation, branch: Branch, day: date
) -> tuple[int, set[str]] | None:
    if ob.quorum is None:
        return None
    assert ob.quorum_key is not None
    share = ctx.param(ob.quorum_key, branch.county_id)
    if ob.quorum == "committee":
        eligible = set(branch.committee_ids)
    else:  # the members with a vote: full members, not excused for health
        eligible = {
            c.id
            for c in members_on(ctx.ledger, branch, day)
            if not c.health_exempt and c.party_status is PartyStatus.FULL
        }
    return int(len(eligible) * share), eligible


def _ref_valid(act: Activity, quorum: tuple[int, set[str]] | None) -> bool | None:
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


def reference_org_life(ob: org_life.Obligation) -> Callable[[RuleContext], Iterator[Outcome]]:
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
            yield from _ref_branch(
                ctx, ob, branch, Period(start, ctx.period.end), frequency, records
            )

    return check


def _ref_branch(
    ctx: RuleContext,
    ob: org_life.Obligation,
    branch: Branch,
    window: Period,
    frequency: str,
    records: list[Activity],
) -> Iterator[Outcome]:
    subject = ("branches", branch.id)
    due_count = satisfied = 0
    missing: list[str] = []
    invalid: list[str] = []
    next_due: date | None = None
    dates = [a.date for a in records]
    fixed = _ref_quorum(ctx, ob, branch, ctx.as_of) if ob.quorum == "committee" else None
    seen: dict[date, tuple[int, set[str]] | None] = {}

    def quorum_on(day: date) -> tuple[int, set[str]] | None:
        if ob.quorum == "committee":
            return fixed
        if day not in seen:
            seen[day] = _ref_quorum(ctx, ob, branch, day)
        return seen[day]

    for period in periods_in(frequency, window):
        label = period_label(period, frequency)
        if period.start > ctx.as_of:
            break
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
        verdicts = ((a, _ref_valid(a, quorum_on(a.date))) for a in in_period)
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
    gaps = missing + [f"{p}(未过半)" for p in invalid]
    gaps_en = missing + [f"{p} (no quorum)" for p in invalid]
    freq_zh = org_life._FREQ_ZH.get(frequency, frequency)
    last_zh = f"；最近一次 {last}" if last else "；本年未开展"
    last_en = f"; last held {last}" if last else "; none held this year"
    due_zh = f"；下次应于 {next_due} 前" if next_due else ""
    due_en = f"; next due by {next_due}" if next_due else ""
    yield ctx.finding(
        subject,
        "missed" if missing else "no_quorum",
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


def reference_cadres(ctx: RuleContext) -> Iterator[Outcome]:
    oldest = ctx.param("data.max_age")
    youngest_retiree = ctx.param("data.min_retirement_age")
    youngest_member = ctx.param("data.min_party_age")
    for cadre in ctx.ledger.cadres:
        subject = ("cadres", cadre.id)
        age = cadre.age_on(ctx.as_of)
        if cadre.alive_on(ctx.as_of) and age > oldest:
            yield ctx.finding(
                subject,
                "implausible_age",
                Text(
                    f"{cadre.name} 按出生日期已 {age} 岁且未登记去世，请核实",
                    f"{cadre.name} would be {age} and is not recorded as deceased",
                ),
                expected=oldest,
                actual=age,
                fix=data_quality.FIX_IMPLAUSIBLE_AGE,
            )
        retired_at = cadre.age_on(cadre.retirement_date)
        if retired_at < youngest_retiree:
            yield ctx.finding(
                subject,
                "early_retirement",
                Text(
                    f"{cadre.name} {retired_at} 岁离退休，请核实出生或离退休日期",
                    f"{cadre.name} retired at {retired_at}: check the birth and retirement dates",
                ),
                severity=Severity.WARNING,
                expected=youngest_retiree,
                actual=retired_at,
                fix=data_quality.FIX_EARLY_RETIREMENT,
            )
        if cadre.retirement_date > ctx.as_of:
            yield ctx.finding(
                subject,
                "not_yet_retired",
                Text(
                    f"{cadre.name} 的离退休日期 {cadre.retirement_date} 晚于评估日期",
                    f"{cadre.name} retires on {cadre.retirement_date}, after the date judged",
                ),
                severity=Severity.WARNING,
                expected=ctx.as_of.isoformat(),
                actual=cadre.retirement_date.isoformat(),
                fix=data_quality.FIX_NOT_YET_RETIRED,
            )
        if cadre.party_joined and cadre.age_on(cadre.party_joined) < youngest_member:
            joined_at = cadre.age_on(cadre.party_joined)
            yield ctx.finding(
                subject,
                "joined_too_young",
                Text(
                    f"{cadre.name} 入党时 {joined_at} 岁，不满 {youngest_member} 岁",
                    f"{cadre.name} joined the party at {joined_at}, under {youngest_member}",
                ),
                expected=youngest_member,
                actual=joined_at,
                fix=data_quality.FIX_JOINED_TOO_YOUNG,
            )


def reference_attendance(ctx: RuleContext) -> Iterator[Outcome]:
    for act in ctx.ledger.activities_of(period=ctx.period):
        if act.date > ctx.as_of:
            continue
        for cadre_id in act.attendee_ids:
            cadre = ctx.ledger.cadre(cadre_id)
            if not cadre.alive_on(act.date):
                yield ctx.finding(
                    ("activities", act.id),
                    "deceased_attendee",
                    Text(
                        f"{act.date} 的活动出席名单含已去世的 {cadre.name}",
                        f"the attendance of {act.date} lists {cadre.name}, who had died",
                    ),
                    evidence=[cadre.id],
                    fix=data_quality.FIX_DECEASED_ATTENDEE,
                )


REFERENCES: dict[str, Callable[[RuleContext], Iterator[Outcome]]] = {
    **{f"org_life.{ob.kind}": reference_org_life(ob) for ob in org_life.OBLIGATIONS},
    "data.cadres": reference_cadres,
    "data.attendance": reference_attendance,
}
RULES = {rule.key: rule for rule in (*org_life.RULES, *data_quality.RULES)}

# ---------------------------------------------------------------------------------------------
# Judged alike
# ---------------------------------------------------------------------------------------------


def run(
    check: Callable[[RuleContext], Iterable[Outcome]], ledger: Ledger, year: int, as_of: date
) -> tuple[list[Outcome], set[tuple[str, str | None]]]:
    """What ``check`` yields, in order, and the parameters it resolved."""
    book = get_rulebook()
    context = RuleContext(ledger, year, as_of, ParameterResolver(book.parameters, ledger, as_of))
    context.rule_id = "r"
    return list(check(context)), set(context.params.resolved)


def assert_judged_alike(ledgers: list[Ledger], reference: Ledger, year: int, as_of: date) -> None:
    for key, rule in RULES.items():
        expected = run(REFERENCES[key], reference, year, as_of)
        for ledger in ledgers:
            assert run(rule.check, ledger, year, as_of) == expected, key


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("columns") / "empty.sqlite"
    open_store(path).close()
    return path


def judge_both_ways(ledger: Ledger, template: Path, year: int, as_of: date) -> None:
    """The rules on ``ledger`` in memory and opened on a store, against the references."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite"
        shutil.copy(template, path)
        with open_store(path) as store:
            store.save(ledger, actor="test")
            opened = store.open(registry=ledger.registry)
            assert_judged_alike([ledger, opened], ledger, year, as_of)
            assert not {"cadres", "memberships", "activities"} & set(opened.__dict__)


@st.composite
def busy_ledgers(draw: st.DrawFn) -> Ledger:
    """A random ledger whose branches' activities are of the kinds of organizational life, in
    2022 and around it, attended by any cadres (the deceased too), some with a headcount."""
    ledger: Ledger = draw(ledgers(max_cadres=10, max_branches=3, max_activities=12))
    cadre_ids = [c.id for c in ledger.cadres]
    days = st.dates(min_value=date(2021, 11, 1), max_value=date(2023, 2, 1))
    activities = []
    for act in ledger.activities:
        if act.branch_id is not None:
            attendees = draw(st.lists(st.sampled_from(cadre_ids), unique=True)) if cadre_ids else []
            headcount = draw(st.none() | st.integers(len(attendees), len(attendees) + 5))
            act = act.model_copy(
                update={
                    "activity_kind": draw(st.sampled_from(ORG_KINDS)),
                    "date": draw(days),
                    "attendee_ids": tuple(attendees),
                    "headcount": headcount,
                }
            )
        activities.append(act)
    return ledger.replace(activities=tuple(activities))


SETTINGS = settings(
    max_examples=int(os.environ.get("CADRECORE_OPENED_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DAYS = st.dates(min_value=date(2021, 12, 1), max_value=date(2023, 1, 31))


@SETTINGS
@given(ledger=busy_ledgers(), as_of=DAYS, year=st.sampled_from((None, 2022)))
def test_the_rules_by_columns_judge_as_the_rules_by_records(
    ledger: Ledger, as_of: date, year: int | None, template: Path
) -> None:
    """``year`` 2022 with a date judged in the years around it too (as evaluate allows)."""
    judge_both_ways(ledger, template, year or as_of.year, as_of)


def test_the_example_and_a_synthetic_province_are_judged_alike(
    template: Path, xinzhou: Ledger, xinzhou_pm: Any
) -> None:
    province = synthesize(300, seed=5, registry=get_registry(xinzhou_pm))
    for year in (2021, 2022, 2023):
        judge_both_ways(xinzhou, template, year, date(year, 12, 31))
    judge_both_ways(xinzhou, template, 2022, date(2022, 8, 15))
    judge_both_ways(xinzhou, template, 2020, date(2023, 6, 30))  # years after: no days list
    judge_both_ways(province, template, 2022, date(2022, 12, 31))


def test_many_implausible_cadres_and_deceased_attendees(xinzhou: Ledger) -> None:
    """Beyond a few cadres named in findings the names are read as a column: the same."""
    cadres = []
    for i, cadre in enumerate(xinzhou.cadres):
        change: dict[str, Any] = {"retirement_date": date(2030, 1, 1)}  # not yet retired
        if i % 3 == 0:
            change["deceased"] = date(2031, 1, 1)
        cadres.append(cadre.model_copy(update=change))
    early = tuple(c.model_copy(update={"deceased": date(2022, 1, 2)}) for c in cadres[:400])
    changed = xinzhou.replace(cadres=tuple(cadres))
    assert len(cadres) > 200  # many cadres named in findings: their names in one read
    found, _ = run(data_quality.check_cadres, changed, 2022, date(2022, 12, 31))
    assert len(found) >= len(cadres)
    assert_judged_alike([changed], changed, 2022, date(2022, 12, 31))
    dead = xinzhou.replace(cadres=early + tuple(cadres[400:]))
    found, _ = run(data_quality.check_attendance, dead, 2022, date(2022, 12, 31))
    assert found
    assert_judged_alike([dead], dead, 2022, date(2022, 12, 31))
