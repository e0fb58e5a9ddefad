"""The family-doctor rules: who of the oldest cadres has a doctor, whether the doctor visits on
the contract's schedule, and whether contracts about to end are being renewed.

A contract is *in force* on a day when its record is signed (``delivered`` or ``rated``, on or
before that day) and the day falls within its span.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from cadrecore import Text
from cadrecore.ledger import Ledger
from cadrecore.models import ServiceRecord, ServiceState, details_of
from cadrecore.rules import Finding, Measure, Occurrence, Rule, RuleContext, Severity

from .parameters import MIN_AGE, RENEWAL_NOTICE_DAYS, VISIT_GRACE_DAYS
from .service import CONTRACT_KEY, ContractDetails

Outcome = Finding | Occurrence | Measure

SIGNED = frozenset({ServiceState.DELIVERED, ServiceState.RATED})
REFUSED = frozenset({ServiceState.CANCELLED, ServiceState.DECLINED})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contracts(ledger: Ledger) -> list[tuple[ServiceRecord, ContractDetails]]:
    """Every contract record with its details (checked once, when the ledger was built), in
    ledger order."""
    return [
        (record, details_of(record, ContractDetails))
        for record in ledger.service_records_of(CONTRACT_KEY)
    ]


def signed_by(record: ServiceRecord, day: date) -> bool:
    return record.state in SIGNED and record.delivered is not None and record.delivered <= day


def in_force(record: ServiceRecord, details: ContractDetails, day: date) -> bool:
    """Whether the contract is signed and runs on ``day``."""
    return signed_by(record, day) and details.in_force_on(day)


# ---------------------------------------------------------------------------------------------
# Coverage of the oldest cadres
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyCoverage:
    """The cadres of a county old enough to count, and which of them have a doctor."""

    county_id: str
    min_age: int
    aged: tuple[str, ...]
    covered: tuple[str, ...]
    refused: tuple[str, ...]
    in_programme: bool

    @property
    def uncovered(self) -> tuple[str, ...]:
        """Neither a contract in force nor a refusal on record."""
        done = set(self.covered) | set(self.refused)
        return tuple(c for c in self.aged if c not in done)


#: The columns of the cadres that coverage reads (with ``ledger.columns``: a province's
#: cadres are never read whole, record by record).
CADRE_COLUMNS = ("id", "county_id", "birth_date", "deceased")


def alive_on(deceased: date | None, day: date) -> bool:
    """Whether a cadre who died on ``deceased`` (None: alive) is alive on ``day``, as
    :meth:`cadrecore.models.Cadre.alive_on` says."""
    return deceased is None or day < deceased


def age_on(born: date, day: date) -> int:
    """The age in whole years on ``day`` of a cadre born on ``born``, as
    :meth:`cadrecore.models.Cadre.age_on` says."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def born_by(day: date, years: int) -> date | None:
    """The last birth date of one at least ``years`` old on ``day`` (:func:`age_on`): a cadre
    is that old exactly when born on or before it. None when nobody can be (the year would be
    before year 1)."""
    year = day.year - years
    if year < 1:
        return None
    if year > 9999:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February, in a year without one
        return date(year, 2, 28)


def coverage(ledger: Ledger, day: date, min_age_of: dict[str, int]) -> list[CountyCoverage]:
    """Coverage on ``day`` in each county with cadres of the age ``min_age_of`` gives it.

    A county is *in the programme* once any of its cadres has a contract record: the care
    action may start in one county (忻府区) before it reaches the others.

    A province's million cadres are gone through once, as columns: a cadre's age is a
    comparison of birth dates (:func:`born_by`), not a computation each.
    """
    ids, counties, births, deaths = ledger.column_values("cadres", *CADRE_COLUMNS)
    county_of = dict(zip(ids, counties, strict=True))
    covered: set[str] = set()
    refused: set[str] = set()
    programme: set[str] = set()
    for record, details in contracts(ledger):
        if record.requested > day:
            continue
        programme.add(county_of.get(record.cadre_id, ""))
        if in_force(record, details, day):
            covered.add(record.cadre_id)
        elif record.state in REFUSED:
            refused.add(record.cadre_id)
    cutoff_of = {county_id: born_by(day, least) for county_id, least in min_age_of.items()}
    aged: dict[str, list[str]] = defaultdict(list)
    for cadre_id, county_id, born, deceased in zip(ids, counties, births, deaths, strict=True):
        cutoff = cutoff_of.get(county_id)
        if cutoff is not None and born <= cutoff and (deceased is None or day < deceased):
            aged[county_id].append(cadre_id)
    return [
        CountyCoverage(
            county_id=county_id,
            min_age=min_age_of[county_id],
            aged=tuple(ids),
            covered=tuple(c for c in ids if c in covered),
            refused=tuple(c for c in ids if c in refused and c not in covered),
            in_programme=county_id in programme,
        )
        for county_id, ids in sorted(aged.items())
    ]


def check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    cadres = ctx.ledger.columns("cadres", *CADRE_COLUMNS)
    counties = sorted({county_id for _, county_id, _, _ in cadres})
    min_age_of = {c: int(ctx.param(MIN_AGE, c)) for c in counties}
    names = {u.id: u.name for u in ctx.ledger.units}
    for county in coverage(ctx.ledger, ctx.as_of, min_age_of):
        subject = ("units", county.county_id)
        yield ctx.measure(
            "coverage",
            subject,
            len(county.covered),
            len(county.aged),
            Text(f"{county.min_age} 岁以上老干部家庭医生签约率", "cadres of age with a doctor"),
        )
        missing = county.uncovered
        if not county.in_programme or not missing:
            continue
        name = names.get(county.county_id, county.county_id)
        yield ctx.finding(
            subject,
            "uncovered",
            Text(
                f"{name} {county.min_age} 岁以上老干部 {len(county.aged)} 人，签约在约 "
                f"{len(county.covered)} 人；{len(missing)} 人既无签约也无谢绝记录",
                f"{name}: {len(county.aged)} cadres aged {county.min_age} or over, "
                f"{len(county.covered)} with a contract in force; {len(missing)} with neither a "
                "contract nor a refusal on record",
            ),
            expected=len(county.aged),
            actual=len(county.covered),
            fix=Text(
                "逐一上门了解意愿：签约，或记录本人谢绝及原因",
                "visit each: sign a contract, or record the refusal and its reason",
            ),
            evidence=missing,
        )


# ---------------------------------------------------------------------------------------------
# Follow-up visits on the contract's schedule
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueVisit:
    """A visit the contract calls for: due ``visit_every_months`` after the previous visit (or
    the contract's start), by ``deadline`` with the grace; the visit that answered it."""

    due: date
    deadline: date
    after: date
    visit: date | None
    status: str  # done, late, pending or overdue


def visit_schedule(details: ContractDetails, as_of: date, grace_days: int) -> list[DueVisit]:
    """The visits due under the contract up to the first one still open on ``as_of``."""
    known = [v for v in details.visits if v <= as_of]
    schedule: list[DueVisit] = []
    anchor = details.contract_start
    while True:
        due = add_months(anchor, details.visit_every_months)
        if due > details.contract_end:
            return schedule
        deadline = due + timedelta(days=grace_days)
        answer = next((v for v in known if v > anchor), None)
        if answer is None:
            status = "overdue" if as_of >= deadline else "pending"
            schedule.append(DueVisit(due, deadline, anchor, None, status))
            return schedule
        status = "done" if answer <= deadline else "late"
        schedule.append(DueVisit(due, deadline, anchor, answer, status))
        anchor = answer


def check_visits(ctx: RuleContext) -> Iterator[Outcome]:
    for record, details in contracts(ctx.ledger):
        if not signed_by(record, ctx.as_of) or details.contract_start > ctx.as_of:
            continue
        if details.contract_end < ctx.period.start:
            continue
        grace = int(ctx.param(VISIT_GRACE_DAYS, record.provider_unit_id))
        subject = ("service_records", record.id)
        for item in visit_schedule(details, ctx.as_of, grace):
            if item.status == "overdue":
                yield ctx.occurrence(subject, str(item.due.year), item.due, "overdue")
                yield ctx.finding(
                    subject,
                    "visit_overdue",
                    Text(
                        f"{details.doctor}（{details.clinic}）上次随访或签约在 {item.after}，应每 "
                        f"{details.visit_every_months} 个月随访，{item.due} 到期（宽限至 {item.deadline}），至今未随访",
                        f"{details.doctor} ({details.clinic}) last visited or signed on "
                        f"{item.after}; a visit every {details.visit_every_months} month(s) was "
                        f"due on {item.due} (grace to {item.deadline}) and none is recorded",
                    ),
                    period=str(item.due.year),
                    expected=item.deadline.isoformat(),
                    actual=item.after.isoformat(),
                    fix=Text(
                        "安排家庭医生上门随访，并在 visits 列记录日期",
                        "have the doctor visit, and record the day in the visits column",
                    ),
                )
                continue
            if item.due.year != ctx.year:
                continue
            yield ctx.occurrence(subject, str(ctx.year), item.due, item.status, done_on=item.visit)
            if item.status == "late":
                yield ctx.finding(
                    subject,
                    "visit_late",
                    Text(
                        f"{details.doctor}（{details.clinic}）应于 {item.due} 随访（宽限至 "
                        f"{item.deadline}），实际 {item.visit} 随访",
                        f"{details.doctor} ({details.clinic}): a visit was due on {item.due} "
                        f"(grace to {item.deadline}); made on {item.visit}",
                    ),
                    expected=item.deadline.isoformat(),
                    actual=item.visit.isoformat() if item.visit else None,
                )


# ---------------------------------------------------------------------------------------------
# Renewals
# ---------------------------------------------------------------------------------------------


def check_renewals(ctx: RuleContext) -> Iterator[Outcome]:
    records = contracts(ctx.ledger)
    by_cadre: dict[str, list[tuple[ServiceRecord, ContractDetails]]] = defaultdict(list)
    for record, details in records:
        by_cadre[record.cadre_id].append((record, details))
    # when each cadre with a contract died: one read of two columns, not a record per contract
    deceased_on = dict(ctx.ledger.columns("cadres", "id", "deceased", where={"id": set(by_cadre)}))
    for record, details in records:
        if not in_force(record, details, ctx.as_of):
            continue
        if not alive_on(deceased_on[record.cadre_id], ctx.as_of):
            continue
        notice = int(ctx.param(RENEWAL_NOTICE_DAYS, record.provider_unit_id))
        left = (details.contract_end - ctx.as_of).days
        if left > notice:
            continue
        renewed = any(
            other.id != record.id
            and other.requested <= ctx.as_of
            and other.state not in REFUSED
            and other_details.contract_start > details.contract_start
            for other, other_details in by_cadre[record.cadre_id]
        )
        subject = ("service_records", record.id)
        status = "done" if renewed else "pending"
        yield ctx.occurrence(subject, str(ctx.year), details.contract_end, status)
        if renewed:
            continue
        yield ctx.finding(
            subject,
            "renewal_due",
            Text(
                f"签约将于 {details.contract_end} 到期（还剩 {left} 天），尚无续约记录",
                f"the contract ends on {details.contract_end} ({left} days left) and no renewal "
                "is on record",
            ),
            expected=details.contract_end.isoformat(),
            actual=left,
            fix=Text(
                "征求本人意愿，续签并新增一条签约记录",
                "ask the cadre, renew, and add the new contract as a record",
            ),
        )


CITES = (
    Text(
        "《用责任和担当下好老干部工作“一盘棋”》（忻州市老干部局，2022-7-18）：市委老干部局“关爱行动·健康进百家·家庭医生签约”",
        "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): the city bureau's care action: family-doctor contracts",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        key="contract.coverage",
        reads=tuple(f"cadres.{name}" for name in CADRE_COLUMNS),
        title=Text("高龄老干部家庭医生签约覆盖", "oldest cadres covered by a family doctor"),
        check=check_coverage,
        severity=Severity.INFO,
        cites=CITES,
        parameters=(MIN_AGE,),
        topic="services",
        description=Text(
            "按县统计达到年龄的在世老干部中签约在约的比例；已开展签约的县，列出既无签约也无谢绝记录的老干部",
            "the share of living cadres of age with a contract in force, by county; in counties "
            "where the care action runs, the cadres with neither a contract nor a refusal",
        ),
    ),
    Rule(
        key="contract.visits",
        title=Text("家庭医生按约定间隔随访", "doctors visit on the contract's schedule"),
        check=check_visits,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(VISIT_GRACE_DAYS,),
        topic="services",
        description=Text(
            "两次随访（或签约与首次随访）之间不超过约定月数加宽限天数",
            "no more than the agreed months, plus the grace days, between two visits (or "
            "between signing and the first visit)",
        ),
    ),
    Rule(
        key="contract.renewal",
        title=Text("到期签约及时续约", "contracts renewed before they end"),
        check=check_renewals,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(RENEWAL_NOTICE_DAYS,),
        topic="services",
    ),
)

#: The local keys of this plugin's rules (their ids add the plugin's namespace).
RULE_KEYS = frozenset(rule.key for rule in RULES)
