"""The built-in vocabularies: the five branch types of DOMAIN.md, the meeting kinds of party
regulations, the six items of the "six ones" (六个一) and the three-year plan's metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..i18n import Text
from ..models.common import LeadingBody, MonthDay
from ..plugins import hookimpl
from ..registry import ActivityKind, BranchType, ChecklistItem, PlanMetric

if TYPE_CHECKING:
    from ..ledger import Ledger

BRANCH_TYPES = (
    BranchType(
        key="team",
        label=Text("团队支部", "team branch"),
        description=Text("按兴趣团队组建", "formed around an interest team"),
    ),
    BranchType(
        key="mobile",
        label=Text("流动支部", "mobile branch"),
        description=Text("异地居住或流动党员", "members who live away or travel"),
    ),
    BranchType(
        key="online_publicity",
        label=Text("网宣支部", "online-publicity branch"),
        description=Text("从事网络宣传", "members who do online publicity"),
    ),
    BranchType(
        key="community",
        label=Text("社区支部", "community branch"),
        description=Text("按居住社区组建", "formed by urban community of residence"),
    ),
    BranchType(
        key="rural",
        label=Text("农村支部", "rural branch"),
        description=Text("按居住村组建", "formed by village of residence"),
    ),
)

_SIX_ONES = (
    # key, evidence kind, zh, en, default due
    (
        "report_hearing",
        Text("听取一次汇报", "hear a report on veteran cadre work"),
        Text("听取老干部工作汇报", "report hearing"),
        MonthDay(12, 31),
        (),
    ),
    (
        "situation_briefing",
        Text("召开一次情况通报会", "hold a situation briefing for veteran cadres"),
        Text("老干部情况通报会", "situation briefing"),
        MonthDay(12, 31),
        tuple(LeadingBody),
    ),
    (
        "coordination_meeting",
        Text("组织一次领导组协调会", "hold a leading-group coordination meeting"),
        Text("领导组协调会", "coordination meeting"),
        MonthDay(12, 31),
        (),
    ),
    (
        "party_spirit_education",
        Text("安排一次党性教育", "arrange a party-spirit education"),
        Text("党性教育", "party-spirit education"),
        MonthDay(12, 31),
        (),
    ),
    (
        "observation_tour",
        Text("部署一次观摩活动", "deploy an observation tour"),
        Text("观摩活动", "observation tour"),
        MonthDay(12, 31),
        (),
    ),
    (
        "visits_condolences",
        Text("开展一次集中走访慰问", "carry out a concentrated round of visits"),
        Text("集中走访慰问", "visits and condolences"),
        MonthDay(2, 28),
        (),
    ),
)

_ORGANIZATIONAL_LIFE = (
    ("general_meeting", Text("党员大会", "branch general meeting")),
    ("committee_meeting", Text("支委会", "branch committee meeting")),
    ("group_meeting", Text("党小组会", "party group meeting")),
    ("party_lecture", Text("党课", "party lecture")),
    ("themed_party_day", Text("主题党日", "themed party day")),
    ("org_life_meeting", Text("组织生活会", "organizational life meeting")),
    ("democratic_appraisal", Text("民主评议党员", "democratic appraisal of members")),
    ("heart_to_heart", Text("谈心谈话", "heart-to-heart talk")),
)


@hookimpl
def register_branch_types(register: Callable[[BranchType], None]) -> None:
    for branch_type in BRANCH_TYPES:
        register(branch_type)


@hookimpl
def register_activity_kinds(register: Callable[[ActivityKind], None]) -> None:
    for key, _item_label, label, _due, _bodies in _SIX_ONES:
        register(ActivityKind(key=key, label=label, scope="unit"))
    for key, label in _ORGANIZATIONAL_LIFE:
        register(
            ActivityKind(
                key=key,
                label=label,
                scope="branch",
                organizational_life=True,
                held_by_group=key == "group_meeting",
            )
        )
    register(
        ActivityKind(key="election", label=Text("换届选举", "branch election"), scope="branch")
    )
    register(
        ActivityKind(key="theme_activity", label=Text("主题活动", "theme activity"), scope="any")
    )
    register(ActivityKind(key="training", label=Text("业务培训", "staff training"), scope="unit"))


@hookimpl
def register_checklist_items(register: Callable[[ChecklistItem], None]) -> None:
    for key, item_label, _kind_label, due, bodies in _SIX_ONES:
        register(
            ChecklistItem(
                key=f"six_ones.{key}",
                label=item_label,
                evidence_kind=key,
                default_due=due,
                required_bodies=bodies,
            )
        )


def _standardized_venues(ledger: Ledger, year: int) -> int:
    return sum(1 for b in ledger.branches if b.venue_standardized_year == year)


def _demonstration_points(ledger: Ledger, year: int) -> int:
    return sum(1 for b in ledger.branches if b.demonstration_year == year)


def _model_branches(ledger: Ledger, year: int) -> int:
    return sum(1 for a in ledger.branch_assessments if a.year == year and a.is_model)


@hookimpl
def register_plan_metrics(register: Callable[[PlanMetric], None]) -> None:
    register(
        PlanMetric(
            key="standardized_venues",
            label=Text("标准化活动场所", "standardized activity venues"),
            measure=_standardized_venues,
        )
    )
    register(
        PlanMetric(
            key="demonstration_points",
            label=Text("“三基建设”示范点", '"three basics" demonstration points'),
            measure=_demonstration_points,
        )
    )
    register(
        PlanMetric(
            key="model_branches",
            label=Text("示范党支部", "model branches"),
            measure=_model_branches,
            recorded_in="branch_assessments.yaml",
        )
    )
