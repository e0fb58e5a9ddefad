"""The medicine kits' rules: no expired medicine in a home, medicines replaced before they
expire, kits checked regularly, and every eligible retiree offered a kit.

A kit is *in the home* from its delivered date while its record is ``delivered`` or ``rated``;
its details are what the kit holds now (medicines replaced at a check are replaced in the
record), so the rules judge the kit as recorded.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from cadrecore import Text
from cadrecore.ledger import Ledger
from cadrecore.models import Cadre, ServiceRecord, ServiceState, details_of
from cadrecore.rules import Finding, Measure, Occurrence, Rule, RuleContext, Severity

from .parameters import CHECK_EVERY_MONTHS, EXPIRY_WARNING_DAYS
from .service import COAL_SYSTEM_MARK, KIT, KIT_KEY, KitDetails, Medicine
from .service import eligible as eligible_for_a_kit

Outcome = Finding | Occurrence | Measure

IN_HOME = frozenset({ServiceState.DELIVERED, ServiceState.RATED})
ON_ITS_WAY = frozenset({ServiceState.REQUESTED, ServiceState.ACCEPTED, ServiceState.SCHEDULED})
REFUSED = frozenset({ServiceState.CANCELLED, ServiceState.DECLINED})


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def kits(ledger: Ledger) -> list[tuple[ServiceRecord, KitDetails]]:
    """Every kit record with its details (checked once, when the ledger was built), in ledger
    order."""
    return [
        (record, details_of(record, KitDetails)) for record in ledger.service_records_of(KIT_KEY)
    ]


def kits_in_homes(ledger: Ledger, day: date) -> list[tuple[ServiceRecord, KitDetails]]:
    """The kits in retirees' homes on ``day``."""
    return [
        (record, details)
        for record, details in kits(ledger)
        if record.state in IN_HOME and record.delivered is not None and record.delivered <= day
    ]


def last_checked(record: ServiceRecord, details: KitDetails) -> date | None:
    """The day the kit was last checked: its recorded check, or its delivery if later."""
    days = [d for d in (details.last_checked, record.delivered) if d is not None]
    return max(days) if days else None


def _listed(medicines: tuple[Medicine, ...]) -> tuple[str, str]:
    zh = "、".join(f"{m.name}（{m.expires}）" for m in medicines)
    en = ", ".join(f"{m.name} ({m.expires})" for m in medicines)
    return zh, en


# ---------------------------------------------------------------------------------------------
# Expired and expiring medicines
# ---------------------------------------------------------------------------------------------


def check_expired(ctx: RuleContext) -> Iterator[Outcome]:
    for record, details in kits_in_homes(ctx.ledger, ctx.as_of):
        expired = details.expired_on(ctx.as_of)
        if not expired:
            continue
        zh, en = _listed(expired)
        yield ctx.finding(
            ("service_records", record.id),
            "expired",
            Text(
                f"药箱 {details.kit_no} 内有过期药品：{zh}",
                f"kit {details.kit_no} holds expired medicine: {en}",
            ),
            expected=0,
            actual=len(expired),
            fix=Text(
                "立即上门更换过期药品，并更新 medicines 和 last_checked 列",
                "replace the expired medicine at once and update the medicines and last_checked "
                "columns",
            ),
            evidence=[f"{m.name}:{m.expires}" for m in expired],
        )


def check_expiring(ctx: RuleContext) -> Iterator[Outcome]:
    for record, details in kits_in_homes(ctx.ledger, ctx.as_of):
        days = int(ctx.param(EXPIRY_WARNING_DAYS, record.provider_unit_id))
        soon = details.expiring_within(ctx.as_of, days)
        if not soon:
            continue
        first = min(m.expires for m in soon)
        zh, en = _listed(soon)
        yield ctx.finding(
            ("service_records", record.id),
            "expiring_soon",
            Text(
                f"药箱 {details.kit_no} 内药品将在 {days} 天内过期：{zh}",
                f"kit {details.kit_no} holds medicine expiring within {days} days: {en}",
            ),
            expected=days,
            actual=(first - ctx.as_of).days,
            fix=Text(
                "在到期前上门更换，并更新 medicines 列",
                "replace it before it expires and update the medicines column",
            ),
            evidence=[f"{m.name}:{m.expires}" for m in soon],
        )


# ---------------------------------------------------------------------------------------------
# Regular checks
# ---------------------------------------------------------------------------------------------


def check_checked(ctx: RuleContext) -> Iterator[Outcome]:
    for record, details in kits_in_homes(ctx.ledger, ctx.as_of):
        months = int(ctx.param(CHECK_EVERY_MONTHS, record.provider_unit_id))
        last = last_checked(record, details) or ctx.as_of
        due = add_months(last, months)
        subject = ("service_records", record.id)
        if ctx.as_of < due:
            yield ctx.occurrence(subject, str(ctx.year), due, "pending", done_on=last)
            continue
        yield ctx.occurrence(subject, str(ctx.year), due, "overdue", done_on=last)
        yield ctx.finding(
            subject,
            "check_overdue",
            Text(
                f"药箱 {details.kit_no} 最近一次检查在 {last}，应每 {months} 个月检查一次（{due} 前）",
                f"kit {details.kit_no} was last checked on {last}; it is checked every {months} "
                f"months (due by {due})",
            ),
            expected=due.isoformat(),
            actual=last.isoformat(),
            fix=Text(
                "上门检查药箱，并在 last_checked 列记录检查日期",
                "check the kit at home and record the day in the last_checked column",
            ),
        )


# ---------------------------------------------------------------------------------------------
# Every eligible retiree offered a kit
# ---------------------------------------------------------------------------------------------


#: Every field of a cadre record, as :class:`~cadrecore.models.Cadre` declares them.
CADRE_FIELDS = tuple(Cadre.model_fields)


def eligible_cadres(ledger: Ledger, day: date) -> list[Cadre]:
    """The cadres the kit service type says are eligible on ``day``, in ledger order.

    The kit's own test (:func:`~.service.eligible`) takes only the coal system's retirees:
    while it is the one in force, only their records are built (from their columns), and the
    other cadres are read by one column, their former unit, rather than whole.
    """
    types = ledger.registry.service_types
    service_type = types.get(KIT_KEY) if KIT_KEY in types else KIT
    where: dict[str, set[str]] | None = None
    if service_type.eligible is eligible_for_a_kit:
        units = {unit for (unit,) in ledger.columns("cadres", "former_unit")}
        where = {"former_unit": {unit for unit in units if COAL_SYSTEM_MARK in unit}}
    rows = ledger.columns("cadres", *CADRE_FIELDS, where=where)
    cadres = (Cadre.model_construct(**dict(zip(CADRE_FIELDS, row, strict=True))) for row in rows)
    return [c for c in cadres if service_type.is_eligible(c, day)]


def kit_status(ledger: Ledger, day: date) -> dict[str, str]:
    """Each cadre with a kit record known on ``day``: ``in_home``, ``on_its_way`` or
    ``refused`` (the best of their records)."""
    rank = {"refused": 0, "on_its_way": 1, "in_home": 2}
    status: dict[str, str] = {}
    for record, _ in kits(ledger):
        if record.requested > day:
            continue
        if record.state in IN_HOME and record.delivered is not None and record.delivered <= day:
            found = "in_home"
        elif record.state in REFUSED:
            found = "refused"
        else:
            found = "on_its_way"
        if rank[found] > rank.get(status.get(record.cadre_id, ""), -1):
            status[record.cadre_id] = found
    return status


def check_coverage(ctx: RuleContext) -> Iterator[Outcome]:
    status = kit_status(ctx.ledger, ctx.as_of)
    by_county: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cadre in eligible_cadres(ctx.ledger, ctx.as_of):
        counts = by_county[cadre.county_id]
        counts[1] += 1
        found = status.get(cadre.id)
        if found == "in_home":
            counts[0] += 1
        if found is None:
            yield ctx.finding(
                ("cadres", cadre.id),
                "no_kit",
                Text(
                    f"煤炭系统离退休干部 {cadre.name}（{cadre.former_unit}）尚未配置急救药箱，也无申请或谢绝记录",
                    f"coal-system retiree {cadre.name} ({cadre.former_unit}) has no kit, "
                    "no request and no refusal on record",
                ),
                fix=Text(
                    "上门了解需求，配置药箱或记录本人谢绝",
                    "visit, then issue a kit or record that the retiree declined it",
                ),
            )
    for county_id, (covered, eligible) in sorted(by_county.items()):
        yield ctx.measure(
            "coverage",
            ("units", county_id),
            covered,
            eligible,
            Text("煤炭系统离退休干部药箱配置率", "coal-system retirees with a kit at home"),
        )


CITES = (
    Text(
        "《用责任和担当下好老干部工作“一盘棋”》（忻州市老干部局，2022-7-18）：市煤炭局为老干部设置“急救药箱”",
        "《用责任和担当下好老干部工作“一盘棋”》 (the Xinzhou veteran cadre bureau, 2022-7-18): the coal bureau's first-aid medicine kits for retired cadres",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        key="kit.expired",
        title=Text("药箱内无过期药品", "no expired medicine in a kit"),
        check=check_expired,
        severity=Severity.ERROR,
        cites=CITES,
        topic="services",
    ),
    Rule(
        key="kit.expiring",
        title=Text("临期药品及时更换", "medicine replaced before it expires"),
        check=check_expiring,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(EXPIRY_WARNING_DAYS,),
        topic="services",
    ),
    Rule(
        key="kit.checked",
        title=Text("药箱定期检查", "kits checked regularly"),
        check=check_checked,
        severity=Severity.WARNING,
        cites=CITES,
        parameters=(CHECK_EVERY_MONTHS,),
        topic="services",
    ),
    Rule(
        key="kit.coverage",
        # the former units, to find the coal system's (read with the other rules' columns)
        reads=("cadres.former_unit",),
        title=Text("符合条件的老干部均已配置药箱", "every eligible retiree offered a kit"),
        check=check_coverage,
        severity=Severity.WARNING,
        cites=CITES,
        topic="services",
        description=Text(
            "在世的煤炭系统离退休干部，应有药箱在家、申请在办或本人谢绝的记录",
            "each living coal-system retiree has a kit at home, a request under way, or a "
            "recorded refusal",
        ),
    ),
)

#: The local keys of this plugin's rules (their ids add the plugin's namespace).
RULE_KEYS = frozenset(rule.key for rule in RULES)
