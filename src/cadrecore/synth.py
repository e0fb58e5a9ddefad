"""A synthetic jurisdiction of any size, for benchmarks and load tests: ``synthesize(100_000, 1)``.

The proportions are those of the Xinzhou example (``examples/build_xinzhou.py``): about one
branch per 20 cadres, split 62:27:23:53:48 over the five built-in branch types, about 86% of
cadres party members and every living one in exactly one branch, nine branches in ten with a
committee, a year of organizational life per branch as the regulations ask with a small share
of realistic gaps (a missed month, a meeting without quorum), the "six ones", a three-year
plan, opinions, treatment grants, and units, establishments and assignments within their quotas.
Counties scale with size (one per ~300 cadres, at most :data:`MAX_COUNTIES`, as a province has).

The same ``(cadres, seed, year)`` always gives an equal ledger: all randomness comes from one
``random.Random(seed)``, and nothing depends on the clock or on hash order.

Every record is built with its model's ordinary constructor, so it is validated: pydantic 2
validates a record in Rust faster than ``model_construct`` puts one together in Python (see
``benchmarks/README.md``), so there is nothing to gain by skipping validation. National ID
numbers are left empty (they are personal data, and a synthetic ledger needs none).

Service records are made only for the service types the registry holds (none with the built-in
plugins alone). Their ``details`` are built generically from each type's own details model:
each required field gets the first of a few plain candidate values its annotation accepts; a
type whose model refuses them all is skipped (:func:`synthetic_details` returns None for it).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

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
    ServiceRecord,
    StaffMember,
    Theme,
    TreatmentGrant,
    TreatmentStandard,
    Unit,
)
from .models.cadres import PartyStatus, ResidenceKind, RetirementKind, RevolutionPeriod
from .models.construct import SharedFieldsSets
from .progress import Progress
from .registry import Registry, ServiceType

#: Branches per cadre in the Xinzhou example (213 for 4,338 cadres).
BRANCHES_PER_CADRE = 213 / 4338
#: Branch types and their weights in the Xinzhou example.
BRANCH_TYPE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("team", 62),
    ("mobile", 27),
    ("online_publicity", 23),
    ("community", 53),
    ("rural", 48),
)
TIE_OF_TYPE = {
    "team": "interest",
    "mobile": "place",
    "online_publicity": "interest",
    "community": "place",
    "rural": "place",
}
CADRES_PER_COUNTY = 300
MAX_COUNTIES = 120
PARTY_SHARE = 0.86
DECEASED_SHARE = 0.034
EXEMPT_SHARE = 0.02
LIXIU_SHARE = 0.01
#: The share of expected meetings not held, and of general meetings held without quorum.
GAP_SHARE = 0.02
NO_QUORUM_SHARE = 0.01
#: Service records per cadre, per registered service type (Xinzhou: 783 over four types).
SERVICES_PER_CADRE = 783 / 4338 / 4
GRANT_SHARE = 704 / 4338
OPINIONS_PER_CADRE = 18 / 4338

SIX_ONES = (
    "report_hearing",
    "situation_briefing",
    "coordination_meeting",
    "party_spirit_education",
    "observation_tour",
    "visits_condolences",
)
#: Organizational life a branch holds (三会一课 and the rest), as ``parameters.yaml`` sets it.
SCHEDULE = (
    ("general_meeting", "quarterly"),
    ("party_lecture", "quarterly"),
    ("themed_party_day", "monthly"),
    ("org_life_meeting", "yearly"),
    ("democratic_appraisal", "yearly"),
    ("heart_to_heart", "yearly"),
)
_SURNAMES = "王李张刘赵郭杨梁高武任贾韩田段阎薛侯郝范霍乔白温康冯杜史吕牛孙胡马周陈许邢秦"
_GIVEN = "建国明华文武志永树德保福生春林平军勇忠学海宝贵成秀英兰芳桂玉珍凤琴梅丽霞萍云香"
_INTERESTS = ("书法", "绘画", "摄影", "太极", "合唱", "读书", "园艺", "象棋", "门球", "剪纸")
#: Cadres (and branches) made between two progress reports.
CADRES_PER_REPORT = 2000
BRANCHES_PER_REPORT = 100


def county_count(cadres: int) -> int:
    """How many counties a jurisdiction of ``cadres`` has: one per ~300, 2 to 120."""
    return max(2, min(MAX_COUNTIES, round(cadres / CADRES_PER_COUNTY)))


def branch_count(cadres: int) -> int:
    """How many branches: about one per 20 cadres, at least one of each type."""
    return max(len(BRANCH_TYPE_WEIGHTS), round(cadres * BRANCHES_PER_CADRE))


class _Synth:
    def __init__(
        self, cadres: int, seed: int, year: int, registry: Registry, progress: Progress | None
    ) -> None:
        self.n = cadres
        self.progress = progress
        self.rng = random.Random(seed)
        self.year = year
        self.registry = registry
        self.as_of = date(year, 12, 31)
        self.since = date(year - 5, 1, 1)
        self.units: list[Unit] = []
        self.counties: list[str] = []
        self.cadres: list[Cadre] = []
        self.members: dict[str, list[Cadre]] = {}
        self.memberships: list[Membership] = []
        self.branches: list[Branch] = []
        self.activities: list[Activity] = []
        #: the many records of a kind share one fields-set (a set each is a third of their memory)
        self.share = SharedFieldsSets().share

    # --- helpers ------------------------------------------------------------------------------

    def name(self) -> str:
        r = self.rng
        return (
            r.choice(_SURNAMES) + r.choice(_GIVEN) + (r.choice(_GIVEN) if r.random() < 0.8 else "")
        )

    def day_in(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    # --- structure ----------------------------------------------------------------------------

    def build_units(
        self,
    ) -> tuple[list[Establishment], list[LeadershipPost], list[StaffMember], list[Assignment]]:
        level = "province" if self.n >= 100_000 else "city"
        self.units += [
            Unit(
                id="root",
                name="合成省" if level == "province" else "合成市",
                level=level,
                kind="government",
            ),
            Unit(
                id="root.pc", name="合成党委", level=level, kind="party_committee", parent_id="root"
            ),
            Unit(
                id="root.vcb",
                name="合成老干部局",
                level=level,
                kind="veteran_cadre_bureau",
                parent_id="root",
            ),
        ]
        for k in range(county_count(self.n)):
            cid = f"cty{k:03d}"
            self.counties.append(cid)
            self.units.append(
                Unit(
                    id=cid, name=f"第{k + 1}县", level="county", kind="government", parent_id="root"
                )
            )
            self.units.append(
                Unit(
                    id=f"{cid}.vcb",
                    name=f"第{k + 1}县老干部局",
                    level="county",
                    kind="veteran_cadre_bureau",
                    parent_id=cid,
                )
            )
        establishments, posts, staff, assignments = [], [], [], []
        bureaus = ["root.vcb"] + [f"{c}.vcb" for c in self.counties]
        for unit_id in bureaus:
            approved = 8 if unit_id == "root.vcb" else 4
            establishments.append(
                Establishment(
                    id=f"est.{unit_id}",
                    unit_id=unit_id,
                    kind="administrative",
                    approved=approved,
                    effective_from=self.since,
                )
            )
            tier = "division" if unit_id == "root.vcb" else "section"
            posts.append(
                LeadershipPost(
                    id=f"post.{unit_id}",
                    unit_id=unit_id,
                    tier=tier,
                    approved=1,
                    effective_from=self.since,
                )
            )
            filled = approved - self.rng.randrange(2)  # within the quota, sometimes one vacancy
            for j in range(filled):
                sid = f"s.{unit_id}.{j}"
                staff.append(StaffMember(id=sid, name=self.name(), synthetic=True))
                head = j == 0
                assignments.append(
                    Assignment(
                        id=f"as.{unit_id}.{j}",
                        staff_id=sid,
                        unit_id=unit_id,
                        establishment_kind="administrative",
                        post="局长" if head else "科员",
                        tier=tier if head else None,
                        grade="chief" if head else None,
                        start=self.since,
                    )
                )
        return establishments, posts, staff, assignments

    def build_branches(self) -> list[PartyOrg]:
        orgs = [
            PartyOrg(
                id="pwc",
                name="合成老干部党工委",
                kind="party_working_committee",
                unit_id="root.vcb",
            )
        ]
        for cid in self.counties:
            orgs.append(
                PartyOrg(
                    id=f"pwc.{cid}",
                    name=f"{cid}老干部党工委",
                    kind="party_working_committee",
                    unit_id=f"{cid}.vcb",
                    parent_id="pwc",
                )
            )
        types = [t for t, _ in BRANCH_TYPE_WEIGHTS]
        weights = [w for _, w in BRANCH_TYPE_WEIGHTS]
        count = branch_count(self.n)
        self._plan: list[tuple[str, str, str]] = []  # (id, type, county)
        for k in range(count):
            branch_type = types[k] if k < len(types) else self.rng.choices(types, weights)[0]
            self._plan.append((f"b{k:06d}", branch_type, self.counties[k % len(self.counties)]))
        return orgs

    def build_cadres(self) -> None:
        r = self.rng
        plan = self._plan
        # branch sizes vary: each branch draws a weight, members pick branches by weight
        cum: list[float] = []
        total = 0.0
        for _ in plan:
            total += r.uniform(0.4, 1.6)
            cum.append(total)
        for bid, _, _ in plan:
            self.members[bid] = []
        progress = self.progress
        for i in range(self.n):
            if progress and not i % CADRES_PER_REPORT:
                progress("synth", i, 2 * self.n)
            party = r.random() < PARTY_SHARE
            lixiu = r.random() < LIXIU_SHARE
            if party:
                # the first members go three to a branch, so that no branch is empty
                k = i // 3 if i < 3 * len(plan) else r.choices(range(len(plan)), cum_weights=cum)[0]
                branch_id, _, county = plan[k]
            else:
                branch_id, county = None, self.counties[r.randrange(len(self.counties))]
            if lixiu:
                born = date(r.randint(1926, 1931), r.randint(1, 12), r.randint(1, 28))
                joined = date(r.randint(1945, 1949), r.randint(1, 9), 1)
                retired = date(r.randint(1986, 1992), r.randint(1, 12), 1)
            else:
                born = date(r.randint(1932, self.year - 61), r.randint(1, 12), r.randint(1, 28))
                joined = date(born.year + r.randint(17, 24), r.randint(1, 12), 1)
                retired = date(born.year + 60, born.month, 1)
            exempt = r.random() < EXEMPT_SHARE
            deceased = None
            if r.random() < DECEASED_SHARE:
                deceased = self.day_in(
                    max(retired + timedelta(days=1), date(self.year - 3, 1, 1)), self.as_of
                )
            cadre = self.share(
                Cadre(
                    id=f"c{i:07d}",
                    name=self.name(),
                    gender="男" if r.random() < 0.62 else "女",
                    birth_date=born,
                    joined_work=joined,
                    retirement_kind=RetirementKind.LIXIU if lixiu else RetirementKind.TUIXIU,
                    retirement_date=retired,
                    revolution_period=RevolutionPeriod.LIBERATION_WAR if lixiu else None,
                    party_status=PartyStatus.FULL if party else None,
                    party_joined=date(born.year + r.randint(19, 40), 7, 1) if party else None,
                    county_id=county,
                    residence_kind=ResidenceKind.URBAN if r.random() < 0.7 else ResidenceKind.RURAL,
                    interests=(r.choice(_INTERESTS),) if r.random() < 0.4 else (),
                    health_exempt=exempt,
                    exemption_reason="高龄行动不便" if exempt else "",
                    deceased=deceased,
                    synthetic=True,
                )
            )
            self.cadres.append(cadre)
            if branch_id is not None:
                self.memberships.append(
                    self.share(
                        Membership(
                            cadre_id=cadre.id,
                            branch_id=branch_id,
                            since=date(self.year - 3, 1, 1),
                            until=deceased,
                        )
                    )
                )
                if deceased is None:
                    self.members[branch_id].append(cadre)

    def build_branch_records(self, venue_years: dict[str, int], demo_years: dict[str, int]) -> None:
        elected = date(self.year - 1, 3, 1)
        for bid, branch_type, county in self._plan:
            # the youngest members lead: a secretary is generally at most 75
            by_age = sorted(self.members[bid], key=lambda c: c.birth_date, reverse=True)
            ids = [c.id for c in by_age]
            size = 5 if len(ids) >= 15 else 3
            committee = tuple(ids[:size]) if len(ids) >= 7 and self.rng.random() < 0.99 else ()
            venue_year = venue_years.get(bid)
            self.branches.append(
                Branch(
                    id=bid,
                    name=f"{county}第{bid[1:]}支部",
                    branch_type=branch_type,
                    tie=TIE_OF_TYPE[branch_type],
                    org_id=f"pwc.{county}",
                    county_id=county,
                    secretary_id=ids[0] if ids else None,
                    committee_ids=committee,
                    committee_elected=elected,
                    venue="老年活动中心" if venue_year else "",
                    venue_standardized_year=venue_year,
                    demonstration_year=demo_years.get(bid),
                    synthetic=True,
                )
            )

    def build_org_life(self) -> None:
        r = self.rng
        year_period = Period.year(self.year)
        periods = {freq: list(periods_in(freq, year_period)) for _, freq in SCHEDULE}
        periods["monthly"] = list(periods_in("monthly", year_period))
        progress, count = self.progress, len(self.branches)
        for done, branch in enumerate(self.branches):
            if progress and not done % BRANCHES_PER_REPORT:
                # (a branch's year of meetings costs about as much as 20 cadres: see synthesize)
                progress("synth", self.n + self.n * done // count, 2 * self.n)
            members = self.members[branch.id]
            able = [c.id for c in members if not c.health_exempt]
            kinds = list(SCHEDULE) + (
                [("committee_meeting", "monthly")] if branch.committee_ids else []
            )
            for kind, freq in kinds:
                for k, period in enumerate(periods[freq]):
                    if r.random() < GAP_SHARE:
                        continue  # a realistic gap: not held (or not recorded)
                    day = period.start + timedelta(days=r.randrange(period.days))
                    attendees: tuple[str, ...] = ()
                    headcount = None
                    if kind == "general_meeting" and able:
                        alive = able  # members lists hold only cadres alive all year
                        share = 0.3 if r.random() < NO_QUORUM_SHARE else r.uniform(0.7, 1.0)
                        present = max(1, min(len(alive), math.floor(len(alive) * share) + 1))
                        attendees = tuple(sorted(r.sample(alive, present))) if alive else ()
                    elif kind == "committee_meeting":
                        headcount = len(branch.committee_ids)
                    self.activities.append(
                        self.share(
                            Activity(
                                id=f"{branch.id}.{kind}.{k}",
                                activity_kind=kind,
                                date=day,
                                branch_id=branch.id,
                                attendee_ids=attendees,
                                headcount=headcount,
                            )
                        )
                    )

    def build_six_ones(self) -> None:
        """The "six ones", each held before the day its checklist item is due."""
        for i, kind in enumerate(SIX_ONES):
            leaders = (
                ("党委:王书记", "人大:李主任", "政府:张省长", "政协:赵主席")
                if kind == "situation_briefing"
                else ()
            )
            due = self.registry.checklist_items.get(f"six_ones.{kind}").default_due.in_year(
                self.year
            )
            held = self.day_in(date(self.year, 1, 5), due - timedelta(days=1))
            self.activities.append(
                self.share(
                    Activity(
                        id=f"six.{self.year}.{kind}",
                        activity_kind=kind,
                        date=held,
                        owner_unit_id="root.pc",
                        evidence=f"会议纪要〔{self.year}〕{i + 1}号",
                        leaders=tuple(LeaderPresence.model_validate(x) for x in leaders),
                    )
                )
            )

    def build_services(self) -> list[ServiceRecord]:
        records: list[ServiceRecord] = []
        r = self.rng
        alive = [c for c in self.cadres if c.deceased is None]
        for service_type in sorted(self.registry.service_types, key=lambda t: t.key):
            key = service_type.key
            details = synthetic_details(service_type, self.year)
            if details is None or not alive:
                continue
            count = max(1, round(self.n * SERVICES_PER_CADRE))
            for j in range(count):
                cadre = alive[r.randrange(len(alive))]
                requested = self.day_in(date(self.year, 1, 1), date(self.year, 11, 30))
                if not service_type.is_eligible(cadre, requested):
                    continue
                delivered = requested + timedelta(days=r.randint(1, 20))
                records.append(
                    ServiceRecord.model_validate(
                        {
                            "id": f"svc.{key}.{j}",
                            "service_type": key,
                            "cadre_id": cadre.id,
                            "provider_unit_id": f"{cadre.county_id}.vcb",
                            "state": "delivered",
                            "requested": requested,
                            "delivered": delivered,
                            "details": details,
                        },
                        context={
                            "registry": self.registry
                        },  # the plugins asked for, not the global
                    )
                )
        return records

    def build(self) -> Ledger:
        y, r = self.year, self.rng
        establishments, posts, staff, assignments = self.build_units()
        orgs = self.build_branches()
        self.build_cadres()
        # the plan asks for venues and demonstration points each year; mark enough branches
        per_year = max(1, round(len(self._plan) * 10 / 213))
        chosen = r.sample([bid for bid, _, _ in self._plan], min(len(self._plan), 3 * per_year))
        venue_years = {bid: y - 2 + k // per_year for k, bid in enumerate(chosen)}
        demo = r.sample([bid for bid, _, _ in self._plan], min(len(self._plan), 3 * per_year))
        demo_years = {bid: y - 2 + k // per_year for k, bid in enumerate(demo)}
        self.build_branch_records(venue_years, demo_years)
        self.build_six_ones()
        self.build_org_life()
        checklist = Checklist(
            id="six_ones",
            name="“六个一”工作机制",
            owner_unit_id="root.pc",
            from_year=y - 4,
            items=tuple(ChecklistEntry(item=f"six_ones.{k}") for k in SIX_ONES),
        )
        plan = Plan(
            id="plan3",
            name="老干部党组织建设3年规划",
            owner_unit_id="root.vcb",
            from_year=y - 2,
            to_year=y,
            targets=(
                PlanTarget(metric="standardized_venues", per_year=per_year),
                PlanTarget(metric="demonstration_points", per_year=per_year),
            ),
        )
        theme = Theme(id=f"theme.{y}", year=y, title="培育时代老人", owner_unit_id="root.vcb")
        standard = TreatmentStandard(
            id="std.health",
            name="健康补贴",
            treatment_item="health_allowance",
            amount_yuan=Decimal("1200"),
            effective_from=self.since,
        )
        grants = [
            self.share(
                TreatmentGrant(
                    id=f"g.{c.id}",
                    cadre_id=c.id,
                    treatment_item="health_allowance",
                    year=y,
                    standard_id="std.health",
                    amount_yuan=Decimal("1200"),
                )
            )
            for c in self.cadres
            if c.deceased is None
            and (c.retirement_kind is RetirementKind.LIXIU or r.random() < GRANT_SHARE)
        ]
        opinions = []
        for k in range(max(1, round(self.n * OPINIONS_PER_CADRE))):
            raised = date(y, 1 + 2 * (k % 6), 10)
            late = r.random() < 0.1
            opinions.append(
                Opinion(
                    id=f"op{k:05d}",
                    raised=raised,
                    raised_at_id=f"six.{y}.{SIX_ONES[k % 6]}",
                    raised_by=self.name(),
                    content="希望增加活动场所开放时间",
                    assigned_unit_id=f"{self.counties[k % len(self.counties)]}.vcb",
                    answered=raised + timedelta(days=40 if late else r.randint(2, 14)),
                    answer="已研究落实",
                    satisfied=True,
                )
            )
        services = self.build_services()
        return Ledger(
            registry=self.registry,
            jurisdiction=Jurisdiction(
                id=f"synth{self.n}",
                name=f"合成省（{self.n} 名老干部）",
                root_unit_id="root",
                synthetic=True,
            ),
            units=tuple(self.units),
            establishments=tuple(establishments),
            leadership_posts=tuple(posts),
            staff=tuple(staff),
            assignments=tuple(assignments),
            cadres=tuple(self.cadres),
            party_orgs=tuple(orgs),
            branches=tuple(self.branches),
            memberships=tuple(self.memberships),
            activities=tuple(self.activities),
            checklists=(checklist,),
            plans=(plan,),
            themes=(theme,),
            opinions=tuple(opinions),
            treatment_standards=(standard,),
            treatment_grants=tuple(grants),
            service_records=tuple(services),
        )


def synthesize(
    cadres: int,
    seed: int,
    *,
    year: int = 2022,
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> Ledger:
    """A consistent, realistic ledger of ``cadres`` retired cadres for ``year``, the same for the
    same ``seed``: the Xinzhou example's proportions at any size (see the module docstring).

    ``progress`` is called ``("synth", done, 2 * cadres)``: the cadres count the first half, the
    branches' year of organizational life (which takes about as long) the second, scaled to
    as many; it reaches the total once the ledger is built and checked.
    """
    from .plugins import get_registry

    if cadres < 1:
        raise ValueError("cadres must be at least 1")
    ledger = _Synth(cadres, seed, year, registry or get_registry(), progress).build()
    if progress:
        progress("synth", 2 * cadres, 2 * cadres)
    return ledger


_CANDIDATES: tuple[Any, ...] = ("S1", 1, 2, 12, True, False, (), "A-1")


def synthetic_details(service_type: ServiceType, year: int) -> dict[str, Any] | None:
    """Plain ``details`` the service type's own model accepts, or None if it refuses them.

    Each required field takes the first candidate its annotation accepts: a few strings, small
    numbers, dates in ``year``, a term such as ``2022春``, an empty list, a nested model built the
    same way. Fields with defaults keep them.
    """
    return _details(service_type.details, year)


def _details(model: type[BaseModel], year: int) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        value = _field_value(info.annotation, tuple(info.metadata), year)
        if value is None:
            return None
        data[name] = value
    try:
        dumped: dict[str, Any] = model.model_validate(data).model_dump(mode="json")
    except ValidationError:
        return None
    return dumped


def _field_value(annotation: Any, metadata: Sequence[Any], year: int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _details(annotation, year)
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[annotation, *metadata] if metadata else annotation
    )
    candidates = (
        *_CANDIDATES,
        f"{year}春",
        date(year, 1, 1).isoformat(),
        date(year + 1, 12, 31).isoformat(),
    )
    for candidate in candidates:
        try:
            adapter.validate_python(candidate)
        except (ValidationError, TypeError, ValueError):
            continue
        return candidate
    # a list of nested models, or a single member of an enum
    origin_args = getattr(annotation, "__args__", ())
    for arg in origin_args:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            inner = _details(arg, year)
            if inner is not None:
                return [inner]
    members = getattr(annotation, "__members__", None)
    if members:
        return next(iter(members.values())).value
    return None
