"""Data quality: ages and dates that a single record allows but that are implausible in a
ledger judged at a date."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import compress
from operator import itemgetter, not_

from ...i18n import Text
from ...rules.engine import Outcome, Rule, RuleContext
from ...rules.findings import Severity, Subject
from ._common import (
    ACTIVITIES_BATCH,
    ATTENDEES,
    CADRE_FACTS_READS,
    activities_judged,
    cadre_facts,
    cadre_names,
)

#: The fixes of the findings below, each said once (tests' oracles share them).
FIX_IMPLAUSIBLE_AGE = Text(
    "核对出生日期；已去世的，在花名册中填写去世日期（deceased）",
    "check the birth date; if they have died, record the date (deceased)",
)
FIX_EARLY_RETIREMENT = Text(
    "对照档案核实并更正出生日期或离退休日期",
    "check the birth and retirement dates against the file and correct them",
)
FIX_NOT_YET_RETIRED = Text(
    "核实离退休日期；尚未离退休的，待离退休后再录入",
    "check the retirement date; enter the cadre once they have retired",
)
FIX_JOINED_TOO_YOUNG = Text(
    "对照档案核实并更正出生日期或入党日期",
    "check the birth and party-joining dates against the file and correct them",
)
FIX_DECEASED_ATTENDEE = Text(
    "从出席名单（attendee_ids）中删去，或核实其去世日期",
    "remove them from attendee_ids, or check the date of their death",
)


def _age(born: date, day: date) -> int:
    """Age in whole years on ``day`` of one born on ``born`` (as ``Cadre.age_on``)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


CadreRow = tuple[str, date, date, date | None, date | None]
"""A cadre as the columns ``check_cadres`` reads: id, birth, retirement, party joined, death."""

CADRE_COLUMNS = ("id", "birth_date", "retirement_date", "party_joined", "deceased")


def check_cadres(ctx: RuleContext) -> Iterator[Outcome]:
    """Implausible ages and dates of each cadre.

    Reads five columns of every cadre (``Ledger.columns``: no cadre records); only the cadres
    found wanting are looked up for their names.
    """
    oldest = ctx.param("data.max_age")
    youngest_retiree = ctx.param("data.min_retirement_age")
    youngest_member = ctx.param("data.min_party_age")
    as_of = ctx.as_of
    # Each test first by the years of the dates alone (an age in whole years is their
    # difference or one less), exactly only near the limit: most cadres pass on the years.
    flagged: list[CadreRow] = []
    rows: Sequence[CadreRow] = ctx.ledger.columns("cadres", *CADRE_COLUMNS)
    for row in rows:
        _, born, retired, joined, deceased = row
        if (
            (
                as_of.year - born.year > oldest
                and _age(born, as_of) > oldest
                and (deceased is None or as_of < deceased)
            )
            or (
                retired.year - born.year - 1 < youngest_retiree
                and _age(born, retired) < youngest_retiree
            )
            or retired > as_of
            or (
                joined is not None
                and joined.year - born.year - 1 < youngest_member
                and _age(born, joined) < youngest_member
            )
        ):
            flagged.append(row)
    if not flagged:
        return
    names = cadre_names(ctx.ledger, {row[0] for row in flagged})
    for cadre_id, born, retired, joined, deceased in flagged:
        subject = Subject("cadres", cadre_id)
        name = names[cadre_id]
        age = _age(born, as_of)
        if (deceased is None or as_of < deceased) and age > oldest:
            yield ctx.finding(
                subject,
                "implausible_age",
                Text(
                    f"{name} 按出生日期已 {age} 岁且未登记去世，请核实",
                    f"{name} would be {age} and is not recorded as deceased",
                ),
                expected=oldest,
                actual=age,
                fix=FIX_IMPLAUSIBLE_AGE,
            )
        retired_at = _age(born, retired)
        if retired_at < youngest_retiree:
            yield ctx.finding(
                subject,
                "early_retirement",
                Text(
                    f"{name} {retired_at} 岁离退休，请核实出生或离退休日期",
                    f"{name} retired at {retired_at}: check the birth and retirement dates",
                ),
                severity=Severity.WARNING,
                expected=youngest_retiree,
                actual=retired_at,
                fix=FIX_EARLY_RETIREMENT,
            )
        if retired > as_of:
            yield ctx.finding(
                subject,
                "not_yet_retired",
                Text(
                    f"{name} 的离退休日期 {retired} 晚于评估日期",
                    f"{name} retires on {retired}, after the date judged",
                ),
                severity=Severity.WARNING,
                expected=as_of.isoformat(),
                actual=retired.isoformat(),
                fix=FIX_NOT_YET_RETIRED,
            )
        joined_at = _age(born, joined) if joined else None
        if joined_at is not None and joined_at < youngest_member:
            yield ctx.finding(
                subject,
                "joined_too_young",
                Text(
                    f"{name} 入党时 {joined_at} 岁，不满 {youngest_member} 岁",
                    f"{name} joined the party at {joined_at}, under {youngest_member}",
                ),
                expected=youngest_member,
                actual=joined_at,
                fix=FIX_JOINED_TOO_YOUNG,
            )


def check_attendance(ctx: RuleContext) -> Iterator[Outcome]:
    """Attendance lists that name a cadre who had died by the activity's date.

    The activities of the year to the date judged are the columns the rules of organizational
    life read (:func:`~._common.activities_judged`, one read shared with them); the deaths
    are the cadre facts of :mod:`._common`. A list holding none of the deceased is passed over
    in one set test (in C); only the deceased found are looked up for their names.
    """
    if ctx.as_of < ctx.period.start:
        return
    died = cadre_facts(ctx.ledger).deceased
    if not died:
        return
    last = min(ctx.as_of, ctx.period.end)
    deceased = died.keys()
    found: list[tuple[str, date, str]] = []  # (activity id, its date, the cadre who had died)
    rows = activities_judged(ctx, None)  # (every kind: read with the org_life rules')
    # the activities whose attendance lists any of the deceased (tested in C, row by row)
    naming_the_dead = map(not_, map(deceased.isdisjoint, map(itemgetter(ATTENDEES), rows)))
    for _, act_id, day, _, attendees, _ in compress(rows, naming_the_dead):
        if day > last:
            continue
        for cadre_id in attendees:
            death = died.get(cadre_id)
            if death is not None and day >= death:
                found.append((act_id, day, cadre_id))
    found.sort(key=lambda hit: (hit[1], hit[0]))  # by date and id, as activities_of gives them
    names = cadre_names(ctx.ledger, {cadre_id for _, _, cadre_id in found})
    for act_id, day, cadre_id in found:
        name = names[cadre_id]
        yield ctx.finding(
            ("activities", act_id),
            "deceased_attendee",
            Text(
                f"{day} 的活动出席名单含已去世的 {name}",
                f"the attendance of {day} lists {name}, who had died",
            ),
            evidence=[cadre_id],
            fix=FIX_DECEASED_ATTENDEE,
        )


RULES = (
    Rule(
        key="data.cadres",
        reads=tuple(f"cadres.{name}" for name in CADRE_COLUMNS),
        title=Text("老干部信息合理", "cadre records plausible"),
        check=check_cadres,
        severities=(Severity.WARNING, Severity.ERROR),
        parameters=("data.max_age", "data.min_retirement_age", "data.min_party_age"),
        cites=("党章第一条",),
        topic="data quality",
    ),
    Rule(
        key="data.attendance",
        reads=CADRE_FACTS_READS,
        title=Text("出席记录合理", "attendance records plausible"),
        check=check_attendance,
        topic="data quality",
        batch=ACTIVITIES_BATCH,
    ),
)
