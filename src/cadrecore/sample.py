"""A small, consistent, fully compliant ledger built in code: for tests, docs and plugin authors.

``small_ledger(2022)`` is a city with two counties, a veteran cadre bureau each, the city's
"six ones" checklist done, a three-year plan met, and three branches (one with a committee)
whose organizational life for the year is complete. Change one record (``ledger.replace``) to
see the finding it causes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .calendar import Period, periods_in
from .ledger import Ledger
from .models import (
    Activity,
    Assignment,
    Branch,
    Cadre,
    Checklist,
    ChecklistEntry,
    Establishment,
    Jurisdiction,
    LeaderPresence,
    LeadershipPost,
    Membership,
    Opinion,
    PartyOrg,
    Plan,
    PlanTarget,
    StaffMember,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
)
from .registry import Registry

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "建国秀英玉兰志强桂芳文华淑珍德明丽华国庆海燕永红"
_SIX_ONES = (
    "report_hearing",
    "situation_briefing",
    "coordination_meeting",
    "party_spirit_education",
    "observation_tour",
    "visits_condolences",
)


def _name(i: int) -> str:
    return (
        _SURNAMES[i % len(_SURNAMES)]
        + _GIVEN[(i * 7) % len(_GIVEN)]
        + _GIVEN[(i * 3 + 1) % len(_GIVEN)]
    )


def small_ledger(year: int = 2022, *, registry: Registry | None = None) -> Ledger:
    """A compliant ledger for ``year``: every built-in rule passes on 31 December."""
    units = [
        Unit(id="city", name="样例市", level="city", kind="government"),
        Unit(id="city.pc", name="样例市委", level="city", kind="party_committee", parent_id="city"),
        Unit(
            id="city.vcb",
            name="样例市委老干部局",
            level="city",
            kind="veteran_cadre_bureau",
            parent_id="city",
        ),
        Unit(id="east", name="东县", level="county", kind="government", parent_id="city"),
        Unit(
            id="east.vcb",
            name="东县老干部局",
            level="county",
            kind="veteran_cadre_bureau",
            parent_id="east",
        ),
        Unit(id="west", name="西县", level="county", kind="government", parent_id="city"),
        Unit(
            id="west.vcb",
            name="西县老干部局",
            level="county",
            kind="veteran_cadre_bureau",
            parent_id="west",
        ),
    ]
    since = date(year - 5, 1, 1)
    establishments = [
        Establishment(
            id="est.city.vcb",
            unit_id="city.vcb",
            kind="administrative",
            approved=3,
            effective_from=since,
        ),
        Establishment(
            id="est.east.vcb",
            unit_id="east.vcb",
            kind="administrative",
            approved=2,
            effective_from=since,
        ),
    ]
    posts = [
        LeadershipPost(
            id="post.city.vcb",
            unit_id="city.vcb",
            tier="division",
            approved=1,
            effective_from=since,
        )
    ]
    staff = [StaffMember(id=f"s{i}", name=_name(100 + i), synthetic=True) for i in range(3)]
    assignments = [
        Assignment(
            id="as0",
            staff_id="s0",
            unit_id="city.vcb",
            establishment_kind="administrative",
            post="局长",
            tier="division",
            grade="chief",
            start=since,
        ),
        Assignment(
            id="as1",
            staff_id="s1",
            unit_id="city.vcb",
            establishment_kind="administrative",
            post="科员",
            start=since,
        ),
        Assignment(
            id="as2",
            staff_id="s2",
            unit_id="east.vcb",
            establishment_kind="administrative",
            post="科员",
            start=since,
        ),
    ]
    # three branches: a team branch of 9 (with committee), two community branches of 4
    plan_of = {"b.team": ("east", 9), "b.east": ("east", 4), "b.west": ("west", 4)}
    cadres: list[Cadre] = []
    memberships: list[Membership] = []
    members: dict[str, list[str]] = {}
    n = 0
    for branch_id, (county, size) in plan_of.items():
        members[branch_id] = []
        for _ in range(size):
            cadre_id = f"c{n:03d}"
            cadres.append(
                Cadre(
                    id=cadre_id,
                    name=_name(n),
                    gender="男" if n % 2 else "女",
                    birth_date=date(1950 + n % 8, 1 + n % 12, 1 + n % 28),
                    joined_work=date(1970 + n % 5, 9, 1),
                    retirement_kind="tuixiu",
                    retirement_date=date(2010 + n % 8, 6, 1),
                    party_status="full",
                    party_joined=date(1976 + n % 5, 7, 1),
                    county_id=county,
                    synthetic=True,
                )
            )
            memberships.append(
                Membership(cadre_id=cadre_id, branch_id=branch_id, since=date(year - 3, 1, 1))
            )
            members[branch_id].append(cadre_id)
            n += 1
    cadres.append(
        Cadre(
            id=f"c{n:03d}",
            name=_name(n),
            birth_date=date(1948, 3, 3),
            joined_work=date(1968, 3, 1),
            retirement_kind="tuixiu",
            retirement_date=date(2008, 3, 1),
            county_id="west",
            synthetic=True,
        )
    )
    orgs = [
        PartyOrg(
            id="pwc", name="样例市老干部党工委", kind="party_working_committee", unit_id="city.vcb"
        ),
    ]
    elected = date(year - 1, 3, 1)
    branches = [
        Branch(
            id="b.team",
            name="书画团队党支部",
            branch_type="team",
            tie="interest",
            org_id="pwc",
            county_id="east",
            secretary_id=members["b.team"][0],
            committee_ids=tuple(members["b.team"][:3]),
            committee_elected=elected,
            venue="老年活动中心",
            venue_standardized_year=year,
            synthetic=True,
        ),
        Branch(
            id="b.east",
            name="东城社区党支部",
            branch_type="community",
            tie="place",
            org_id="pwc",
            county_id="east",
            secretary_id=members["b.east"][0],
            committee_elected=elected,
            demonstration_year=year,
            synthetic=True,
        ),
        Branch(
            id="b.west",
            name="西城社区党支部",
            branch_type="community",
            tie="place",
            org_id="pwc",
            county_id="west",
            secretary_id=members["b.west"][0],
            committee_elected=elected,
            synthetic=True,
        ),
    ]
    activities: list[Activity] = []
    for i, kind in enumerate(_SIX_ONES):
        leaders = (
            ("党委:王书记", "人大:李主任", "政府:张市长", "政协:赵主席")
            if kind == "situation_briefing"
            else ()
        )
        activities.append(
            Activity(
                id=f"six.{year}.{kind}",
                activity_kind=kind,
                date=date(year, 1, 10) + timedelta(days=i),
                owner_unit_id="city.pc",
                evidence=f"会议纪要〔{year}〕{i + 1}号",
                leaders=tuple(LeaderPresence.model_validate(x) for x in leaders),
            )
        )
    year_period = Period.year(year)
    schedule = (
        ("general_meeting", "quarterly"),
        ("party_lecture", "quarterly"),
        ("themed_party_day", "monthly"),
        ("org_life_meeting", "yearly"),
        ("democratic_appraisal", "yearly"),
        ("heart_to_heart", "yearly"),
    )
    for branch in branches:
        ids = members[branch.id]
        kinds = list(schedule) + (
            [("committee_meeting", "monthly")] if branch.committee_ids else []
        )
        for kind, frequency in kinds:
            for k, period in enumerate(periods_in(frequency, year_period)):
                day = period.start + timedelta(days=min(9, period.days - 1))
                attendees = tuple(ids) if kind == "general_meeting" else ()
                headcount = len(branch.committee_ids) if kind == "committee_meeting" else None
                activities.append(
                    Activity(
                        id=f"{branch.id}.{kind}.{k}",
                        activity_kind=kind,
                        date=day,
                        branch_id=branch.id,
                        attendee_ids=attendees,
                        headcount=headcount,
                    )
                )
    checklist = Checklist(
        id="six_ones",
        name="“六个一”工作机制",
        owner_unit_id="city.pc",
        from_year=year - 4,
        items=tuple(ChecklistEntry(item=f"six_ones.{k}") for k in _SIX_ONES),
    )
    plan = Plan(
        id="plan3",
        name="老干部党组织建设3年规划",
        owner_unit_id="city.vcb",
        from_year=year - 2,
        to_year=year,
        targets=(
            PlanTarget(metric="standardized_venues", per_year=1),
            PlanTarget(metric="demonstration_points", per_year=1),
        ),
    )
    standards = [
        TreatmentStandard(
            id="std.city",
            name="市级健康补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("1200"),
            effective_from=since,
        ),
        TreatmentStandard(
            id="std.east",
            name="东县健康补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("1500"),
            applies_to_unit_id="east",
            effective_from=since,
        ),
    ]
    grants = [
        TreatmentGrant(
            id=f"g.{c.id}",
            cadre_id=c.id,
            treatment_item="health_allowance",
            year=year,
            standard_id="std.east" if c.county_id == "east" else "std.city",
            amount_yuan=Decimal("1500") if c.county_id == "east" else Decimal("1200"),
        )
        for c in cadres
        if c.is_party_member
    ]
    briefing = f"six.{year}.situation_briefing"
    opinions = [
        Opinion(
            id="op1",
            raised=date(year, 1, 11),
            raised_at_id=briefing,
            raised_by=_name(3),
            content="希望增加活动场所开放时间",
            assigned_unit_id="city.vcb",
            answered=date(year, 1, 25),
            answer="已延长至晚八点",
            satisfied=True,
        )
    ]
    themes = [Theme(id=f"theme.{year}", year=year, title="培育时代老人", owner_unit_id="city.vcb")]
    return Ledger(
        registry=registry,
        jurisdiction=Jurisdiction(id="sample", name="样例市", root_unit_id="city", synthetic=True),
        units=tuple(units),
        establishments=tuple(establishments),
        leadership_posts=tuple(posts),
        staff=tuple(staff),
        assignments=tuple(assignments),
        cadres=tuple(cadres),
        party_orgs=tuple(orgs),
        branches=tuple(branches),
        memberships=tuple(memberships),
        activities=tuple(activities),
        checklists=(checklist,),
        plans=(plan,),
        themes=tuple(themes),
        opinions=tuple(opinions),
        treatment_standards=tuple(standards),
        treatment_grants=tuple(grants),
    )
