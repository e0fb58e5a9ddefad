"""The art academy's rules: each class within its capacity, students who attend, exhibitions.

Rules are pure functions of a :class:`~cadrecore.rules.RuleContext`; their ids get the
plugin's namespace (``art_academy::enrolment.capacity`` when installed as ``art_academy``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from cadrecore import Text
from cadrecore.i18n import percent
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceRecord, ServiceState, details_of
from cadrecore.rules import Finding, Measure, Occurrence, Rule, RuleContext, Severity

from .parameters import EXHIBITIONS_PER_YEAR, MIN_ATTENDANCE_SHARE
from .service import ENROLMENT_KEY, EXHIBITION, EnrolmentDetails, term_year

Outcome = Finding | Occurrence | Measure

#: States in which a student holds a seat in the class.
ENROLLED = frozenset(
    {ServiceState.ACCEPTED, ServiceState.SCHEDULED, ServiceState.DELIVERED, ServiceState.RATED}
)
#: States of an enrolment whose term is over.
FINISHED = frozenset({ServiceState.DELIVERED, ServiceState.RATED})
STOPPED = frozenset({ServiceState.CANCELLED, ServiceState.DECLINED})

#: The subject kind of findings and measures about one class in one term.
CLASS_SUBJECT = "art_academy.classes"
TERM_SUBJECT = "art_academy.terms"


@dataclass(frozen=True, order=True)
class ClassTerm:
    """One class in one term at one providing unit."""

    provider_unit_id: str
    term: str
    class_name: str

    @property
    def subject_id(self) -> str:
        return f"{self.provider_unit_id}:{self.term}:{self.class_name}"


def enrolments(ledger: Ledger) -> list[tuple[ServiceRecord, EnrolmentDetails]]:
    """Every enrolment record with its details (checked once, when the ledger was built), in ledger order."""
    return [
        (record, details_of(record, EnrolmentDetails))
        for record in ledger.service_records_of(ENROLMENT_KEY)
    ]


def enrolments_of(ctx: RuleContext) -> list[tuple[ServiceRecord, EnrolmentDetails]]:
    """:func:`enrolments`, parsed once per ledger for the rules that ask (they share the batch
    :data:`ENROLMENTS`)."""
    return ctx.shared(ENROLMENTS, enrolments)


ENROLMENTS = "art_academy:enrolments"
"""The rules' :attr:`~cadrecore.rules.Rule.batch`, and the name of the enrolments they share."""


def classes_of_year(
    ledger: Ledger,
    year: int,
    as_of: date,
    enrolled: list[tuple[ServiceRecord, EnrolmentDetails]] | None = None,
) -> dict[ClassTerm, list[tuple[ServiceRecord, EnrolmentDetails]]]:
    """The students holding a seat, by class, in the terms of ``year``, as known on ``as_of``
    (of ``enrolled``, if given: the ledger's :func:`enrolments` already parsed)."""
    groups: dict[ClassTerm, list[tuple[ServiceRecord, EnrolmentDetails]]] = defaultdict(list)
    for record, details in enrolled if enrolled is not None else enrolments(ledger):
        if term_year(details.term) != year or record.requested > as_of:
            continue
        if record.state in ENROLLED:
            key = ClassTerm(record.provider_unit_id, details.term, details.class_name)
            groups[key].append((record, details))
    return dict(sorted(groups.items()))


class Exhibition(NamedTuple):
    """An exhibition the academy held: what the rule and the report section need of it."""

    date: datetime.date
    id: str
    owner_unit_id: str | None
    title: str
    headcount: int | None


def exhibitions_held(ledger: Ledger, year: int, as_of: date) -> dict[str, list[Exhibition]]:
    """The academy's exhibitions of ``year`` up to ``as_of``, by the unit that held them, each
    unit's in order of date (then id).

    The exhibitions are read by their columns (``ledger.columns``), not from the activities:
    a province holds its branches' meetings by the million.
    """
    rows = ledger.columns(
        "activities",
        *Exhibition._fields,
        where={"activity_kind": {EXHIBITION.key}},
    )
    held: dict[str, list[Exhibition]] = defaultdict(list)
    for exhibition in sorted(map(Exhibition._make, rows), key=lambda e: (e.date, e.id)):
        if (
            exhibition.owner_unit_id is not None
            and exhibition.date.year == year
            and exhibition.date <= as_of
        ):
            held[exhibition.owner_unit_id].append(exhibition)
    return dict(held)


# ---------------------------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------------------------


def check_capacity(ctx: RuleContext) -> Iterator[Outcome]:
    for key, students in classes_of_year(
        ctx.ledger, ctx.year, ctx.as_of, enrolments_of(ctx)
    ).items():
        capacities = sorted({details.capacity for _, details in students})
        capacity = capacities[0]
        count = len(students)
        subject = (CLASS_SUBJECT, key.subject_id)
        yield ctx.measure(
            "class_fill", subject, count, capacity, Text("班级满额率", "class places filled")
        )
        if len(capacities) > 1:
            shown = "/".join(str(c) for c in capacities)
            yield ctx.finding(
                subject,
                "capacity_differs",
                Text(
                    f"{key.term}“{key.class_name}”各报名记录的班额不一致（{shown}），按 {capacity} 人核对",
                    f"{key.term} {key.class_name!r}: its enrolments state different capacities "
                    f"({shown}); judged by {capacity}",
                ),
                period=key.term,
                expected=capacity,
                actual=capacities[-1],
                fix=Text("统一该班各报名记录的 capacity 列", "make the class's capacity the same"),
            )
        if count > capacity:
            yield ctx.finding(
                subject,
                "over_capacity",
                Text(
                    f"{key.term}“{key.class_name}”班额 {capacity} 人，在册学员 {count} 人，超出 {count - capacity} 人",
                    f"{key.term} {key.class_name!r}: {count} students for {capacity} places, "
                    f"{count - capacity} over",
                ),
                period=key.term,
                expected=capacity,
                actual=count,
                fix=Text(
                    "增开平行班或调剂到下期，并更新报名记录",
                    "open a parallel class or move students to the next term, and update the records",
                ),
                evidence=sorted(record.id for record, _ in students),
            )


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def check_attendance(ctx: RuleContext) -> Iterator[Outcome]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record, details in enrolments_of(ctx):
        if record.state not in FINISHED or record.delivered is None:
            continue
        if record.delivered > ctx.as_of or record.delivered.year != ctx.year:
            continue
        rate = details.attendance_rate
        if rate is None:
            continue
        total = totals[(record.provider_unit_id, details.term)]
        total[0] += details.sessions_attended
        total[1] += details.sessions_planned
        least = float(ctx.param(MIN_ATTENDANCE_SHARE, record.provider_unit_id))
        if rate < least:
            yield ctx.finding(
                ("service_records", record.id),
                "low_attendance",
                Text(
                    f"{details.term}“{details.class_name}”学员出勤 {details.sessions_attended}/"
                    f"{details.sessions_planned} 课次（{percent(rate, 0)}），低于 {percent(least, 0)}",
                    f"{details.term} {details.class_name!r}: attended {details.sessions_attended} "
                    f"of {details.sessions_planned} sessions ({percent(rate, 0)}), below {percent(least, 0)}",
                ),
                period=details.term,
                expected=least,
                actual=round(rate, 3),
                fix=Text(
                    "了解缺课原因（身体、交通），必要时安排送教上门",
                    "find out why (health, transport) and offer lessons at home if needed",
                ),
            )
    for (unit_id, term), (attended, planned) in sorted(totals.items()):
        yield ctx.measure(
            "attendance",
            (TERM_SUBJECT, f"{unit_id}:{term}"),
            attended,
            planned,
            Text("结业学员出勤率", "attendance of students who finished"),
        )


# ---------------------------------------------------------------------------------------------
# Exhibitions
# ---------------------------------------------------------------------------------------------


def check_exhibitions(ctx: RuleContext) -> Iterator[Outcome]:
    providers = {
        record.provider_unit_id
        for record, details in enrolments_of(ctx)
        if term_year(details.term) == ctx.year
        and record.requested <= ctx.as_of
        and record.state not in STOPPED
    }
    held_by = exhibitions_held(ctx.ledger, ctx.year, ctx.as_of)
    period = str(ctx.year)
    for unit_id in sorted(providers | set(held_by)):
        needed = int(ctx.param(EXHIBITIONS_PER_YEAR, unit_id))
        held = held_by.get(unit_id, [])
        subject = ("units", unit_id)
        if needed <= 0:
            yield ctx.occurrence(subject, period, ctx.period.end, "not_applicable")
        elif len(held) >= needed:
            last = held[needed - 1]
            yield ctx.occurrence(
                subject, period, ctx.period.end, "done", satisfied_by=last.id, done_on=last.date
            )
        elif ctx.as_of >= ctx.period.end:
            yield ctx.occurrence(subject, period, ctx.period.end, "overdue")
            yield ctx.finding(
                subject,
                "too_few_exhibitions",
                Text(
                    f"{ctx.year} 年应举办学员作品展 {needed} 次，实际 {len(held)} 次",
                    f"{ctx.year}: {needed} student exhibition(s) due, {len(held)} held",
                ),
                period=period,
                expected=needed,
                actual=len(held),
                fix=Text(
                    "举办学员作品展，并在 activities.csv 记录（类型 art_academy.exhibition）",
                    "hold an exhibition and record it in activities.csv "
                    "(kind art_academy.exhibition)",
                ),
                evidence=[a.id for a in held],
            )
        else:
            yield ctx.occurrence(subject, period, ctx.period.end, "pending")


CITES = (
    Text(
        "《用责任和担当下好老干部工作“一盘棋”》（忻州市老干部局，2022-7-18）：市供销社创办画院忻州分院",
        "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): the supply cooperative's art academy, Xinzhou branch",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        key="enrolment.capacity",
        title=Text("书画班在册学员不超过班额", "classes within their capacity"),
        check=check_capacity,
        severity=Severity.WARNING,
        cites=CITES,
        topic="services",
        batch=ENROLMENTS,
        description=Text(
            "同一学期同一班级已录取（受理、安排、结业、评价）的学员人数不超过报名记录的班额",
            "students holding a seat (accepted, scheduled, finished, rated) in a class and term "
            "do not exceed the capacity its enrolment records state",
        ),
    ),
    Rule(
        key="enrolment.attendance",
        title=Text("结业学员出勤率", "attendance of students who finished a term"),
        check=check_attendance,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(MIN_ATTENDANCE_SHARE,),
        topic="services",
        batch=ENROLMENTS,
    ),
    Rule(
        key="exhibitions.yearly",
        title=Text("每年举办学员作品展", "student exhibitions held each year"),
        check=check_exhibitions,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(EXHIBITIONS_PER_YEAR,),
        topic="services",
        batch=ENROLMENTS,
    ),
)

#: The local keys of this plugin's rules (their ids add the plugin's namespace).
RULE_KEYS = frozenset(rule.key for rule in RULES)
