"""Each validation rule of the models: it fails when it should and passes at its edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from cadrecore import Registry, ServiceType, Text, hookimpl
from cadrecore.models import (
    Activity,
    Assignment,
    Branch,
    Cadre,
    Checklist,
    ChecklistEntry,
    LeaderPresence,
    LeadingBody,
    Membership,
    MonthDay,
    Opinion,
    PartyStatus,
    Plan,
    Project,
    ProjectField,
    Recognition,
    RetirementKind,
    RevolutionPeriod,
    ServiceRecord,
    ServiceState,
    StaffMember,
    Tie,
    TreatmentStandard,
    Unit,
)
from cadrecore.models.cadres import national_id_check_char


def cadre_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "c1",
        "name": "王建国",
        "birth_date": date(1950, 3, 1),
        "joined_work": date(1968, 9, 1),
        "retirement_kind": "tuixiu",
        "retirement_date": date(2010, 3, 1),
        "county_id": "xinfu",
    }
    data.update(changes)
    return data


def national_id(birth: date, area: str = "140902", seq: str = "123") -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + national_id_check_char(first17)


def error_text(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value)


# ---------------------------------------------------------------------------------------------
# Cadres
# ---------------------------------------------------------------------------------------------


def test_a_valid_cadre_passes() -> None:
    cadre = Cadre.model_validate(cadre_data())
    assert cadre.retirement_kind is RetirementKind.TUIXIU
    assert cadre.age_on(date(2020, 2, 29)) == 69
    assert cadre.age_on(date(2020, 3, 1)) == 70


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"retirement_date": date(1949, 1, 1)}, "retirement_date is not after birth_date"),
        ({"retirement_date": date(1950, 3, 1)}, "retirement_date is not after birth_date"),
        ({"joined_work": date(1950, 3, 1)}, "joined_work is not after birth_date"),
        ({"retirement_date": date(1968, 8, 31)}, "retirement_date is before joined_work"),
        ({"deceased": date(2010, 2, 28)}, "deceased is before retirement_date"),
        ({"party_joined": date(1970, 1, 1)}, "party_joined is set but party_status is empty"),
        (
            {"party_status": "full", "party_joined": date(1950, 3, 1)},
            "party_joined is not after birth_date",
        ),
        ({"away_since": date(2015, 1, 1)}, "away_since is set but living_away is false"),
        (
            {"revolution_period": "抗日战争时期"},
            "revolution_period applies only to cadres of honourable retirement (lixiu)",
        ),
    ],
)
def test_cadre_rules_fail(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Cadre.model_validate(cadre_data(**changes))
    assert message in error_text(exc)


@pytest.mark.parametrize(
    "changes",
    [
        {"retirement_date": date(1968, 9, 1)},  # retired the day work began
        {"deceased": date(2010, 3, 1)},  # died the day of retirement
        {"party_status": "full", "party_joined": date(1950, 3, 2)},
        {"living_away": True, "away_since": date(2015, 1, 1)},
        {"living_away": True},
    ],
)
def test_cadre_rules_pass_at_their_edges(changes: dict[str, Any]) -> None:
    cadre = Cadre.model_validate(cadre_data(**changes))
    for field, value in changes.items():
        assert getattr(cadre, field) == value


def test_lixiu_cutoff_is_1949_09_30() -> None:
    lixiu = {"birth_date": date(1930, 1, 1), "retirement_kind": "离休"}
    ok = Cadre.model_validate(cadre_data(**lixiu, joined_work=date(1949, 9, 30)))
    assert ok.retirement_kind is RetirementKind.LIXIU
    with pytest.raises(ValidationError) as exc:
        Cadre.model_validate(cadre_data(**lixiu, joined_work=date(1949, 10, 1)))
    assert "honourable retirement (lixiu)" in error_text(exc)
    assert "1949-09-30" in error_text(exc)
    (found,) = exc.value.errors()[0]["ctx"]["problems"]
    assert "离休干部须在 1949年09月30日 及以前参加革命工作" in found.message.zh
    # the same cadre as 退休 is fine: the cut-off binds 离休 only
    Cadre.model_validate(cadre_data(birth_date=date(1930, 1, 1), joined_work=date(1949, 10, 1)))


def test_revolution_period_is_for_lixiu_cadres() -> None:
    cadre = Cadre.model_validate(
        cadre_data(
            birth_date=date(1925, 1, 1),
            joined_work=date(1945, 8, 1),
            retirement_kind="lixiu",
            revolution_period="liberation_war",
        )
    )
    assert cadre.revolution_period is RevolutionPeriod.LIBERATION_WAR
    with pytest.raises(ValidationError, match="revolution_period applies only"):
        Cadre.model_validate(cadre_data(revolution_period="liberation_war"))


def test_national_id_check_character() -> None:
    birth = date(1950, 3, 1)
    good = national_id(birth)
    assert Cadre.model_validate(cadre_data(national_id=good)).national_id == good
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        Cadre.model_validate(cadre_data(national_id=wrong))
    assert f"expected {good[17]!r}" in error_text(exc)


def test_national_id_lower_case_x_and_birth_date() -> None:
    # 11010519491231002X is the GB 11643 example: check character X
    assert national_id_check_char("11010519491231002") == "X"
    cadre = Cadre.model_validate(
        cadre_data(
            birth_date=date(1949, 12, 31),
            joined_work=date(1968, 1, 1),
            national_id="11010519491231002x",
        )
    )
    assert cadre.national_id == "11010519491231002X"
    with pytest.raises(ValidationError, match="does not match birth_date"):
        Cadre.model_validate(cadre_data(national_id="11010519491231002X"))
    with pytest.raises(ValidationError):
        Cadre.model_validate(cadre_data(national_id="1101051949123100"))  # 16 digits


def test_staff_national_ids_are_checked_like_cadres() -> None:
    staff = StaffMember(id="st1", name="周海燕", national_id=" 11010519491231002x ")
    assert staff.national_id == "11010519491231002X"
    assert StaffMember(id="st1", name="周海燕").national_id is None
    # an empty ID is no ID: a CSV cell cannot tell "" from missing, so "" is refused
    for bad in ("", "1101051949123100", "11010519491231002Y"):
        with pytest.raises(ValidationError, match="national_id"):
            StaffMember(id="st1", name="周海燕", national_id=bad)


def test_chinese_column_names_and_date_forms_are_accepted() -> None:
    cadre = Cadre.model_validate(
        {
            "编号": "c9",
            "姓名": "赵连生",
            "出生日期": "1950.3.1",
            "参加工作时间": "1968年9月1日",
            "离退休类型": "退休",
            "离退休时间": "2010/03/01",
            "所在县区编号": "xinfu",
            "党员身份": "正式党员",
            "兴趣爱好": "书法；绘画、摄影",
        }
    )
    assert cadre.birth_date == date(1950, 3, 1)
    assert cadre.joined_work == date(1968, 9, 1)
    assert cadre.retirement_date == date(2010, 3, 1)
    assert cadre.party_status is PartyStatus.FULL
    assert cadre.interests == ("书法", "绘画", "摄影")


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="hobby"):
        Cadre.model_validate(cadre_data(hobby="书法"))


def test_records_are_frozen() -> None:
    cadre = Cadre.model_validate(cadre_data())
    with pytest.raises(ValidationError):
        cadre.name = "改名"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("enum", "text", "expected"),
    [
        (RetirementKind, "退休", RetirementKind.TUIXIU),
        (RetirementKind, "离休", RetirementKind.LIXIU),
        (RetirementKind, "LIXIU", RetirementKind.LIXIU),
        (PartyStatus, "正式党员", PartyStatus.FULL),
        (PartyStatus, "预备党员", PartyStatus.PROBATIONARY),
        (Tie, "趣缘", Tie.INTEREST),
        (Tie, " 地缘 ", Tie.PLACE),
        (LeadingBody, "政协", LeadingBody.CPPCC),
    ],
)
def test_chinese_enum_labels_are_accepted(enum: Any, text: str, expected: Any) -> None:
    assert enum(text) is expected
    assert expected.zh in text or expected.value == text.strip().lower()


def test_an_unknown_enum_label_is_refused() -> None:
    with pytest.raises(ValidationError, match="retirement_kind"):
        Cadre.model_validate(cadre_data(retirement_kind="半休"))


# ---------------------------------------------------------------------------------------------
# Vocabulary keys: refused with the registered keys listed
# ---------------------------------------------------------------------------------------------


def branch_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "b1",
        "name": "书画团队支部",
        "branch_type": "team",
        "tie": "interest",
        "org_id": "org",
        "county_id": "xinfu",
    }
    data.update(changes)
    return data


def test_unknown_branch_type_names_the_registered_ones(cadrecore_registry: Registry) -> None:
    context = {"registry": cadrecore_registry}
    Branch.model_validate(branch_data(), context=context)
    with pytest.raises(ValidationError) as exc:
        Branch.model_validate(branch_data(branch_type="tem"), context=context)
    text = error_text(exc)
    assert "branch_type" in text
    assert "unknown branch type 'tem'" in text
    assert "registered: community, mobile, online_publicity, rural, team" in text
    assert "did you mean 'team'" in text


def test_unknown_activity_kind_names_the_registered_ones(cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError) as exc:
        Activity.model_validate(
            {"id": "a1", "activity_kind": "picnic", "date": "2022-01-01", "branch_id": "b1"},
            context={"registry": cadrecore_registry},
        )
    text = error_text(exc)
    assert "unknown activity kind 'picnic'" in text
    assert "general_meeting" in text
    assert "situation_briefing" in text


def test_unknown_checklist_item_names_the_registered_ones(cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError) as exc:
        ChecklistEntry.model_validate(
            {"item": "six_ones.picnic"}, context={"registry": cadrecore_registry}
        )
    text = error_text(exc)
    assert "unknown checklist item 'six_ones.picnic'" in text
    assert "six_ones.report_hearing" in text


def test_unknown_service_type_says_none_are_registered(cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError) as exc:
        ServiceRecord.model_validate(
            {
                "id": "s1",
                "service_type": "coal.medicine_kit",
                "cadre_id": "c1",
                "provider_unit_id": "coal",
                "requested": "2022-01-01",
            },
            context={"registry": cadrecore_registry},
        )
    assert "unknown service type 'coal.medicine_kit' (registered: none)" in error_text(exc)


# ---------------------------------------------------------------------------------------------
# Activities and their leaders
# ---------------------------------------------------------------------------------------------


def activity_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "a1",
        "activity_kind": "situation_briefing",
        "date": "2022-06-30",
        "owner_unit_id": "city",
    }
    data.update(changes)
    return data


def test_leaders_cell_parses(cadrecore_registry: Registry) -> None:
    activity = Activity.model_validate(
        activity_data(leaders="党委:李俊明;政府：郑连生"), context={"registry": cadrecore_registry}
    )
    assert activity.leaders == (
        LeaderPresence(body=LeadingBody.PARTY_COMMITTEE, name="李俊明"),
        LeaderPresence(body=LeadingBody.GOVERNMENT, name="郑连生"),
    )
    assert activity.bodies_present == {LeadingBody.PARTY_COMMITTEE, LeadingBody.GOVERNMENT}
    assert activity.model_dump(mode="json")["leaders"] == [
        "party_committee:李俊明",
        "government:郑连生",
    ]


@pytest.mark.parametrize("cell", ["李俊明", "市长:郑连生", "政府:", "政府:郑:连生"])
def test_bad_leaders_cells_are_refused(cell: str, cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError, match="leaders"):
        Activity.model_validate(
            activity_data(leaders=cell), context={"registry": cadrecore_registry}
        )


@pytest.mark.parametrize(
    "holders",
    [
        {"branch_id": "b1", "owner_unit_id": "city"},
        {"owner_unit_id": None},
    ],
)
def test_an_activity_has_exactly_one_holder(
    holders: dict[str, Any], cadrecore_registry: Registry
) -> None:
    with pytest.raises(ValidationError, match="exactly one of branch_id and owner_unit_id"):
        Activity.model_validate(activity_data(**holders), context={"registry": cadrecore_registry})


def test_activity_attendance(cadrecore_registry: Registry) -> None:
    context = {"registry": cadrecore_registry}
    listed = Activity.model_validate(activity_data(attendee_ids="c1;c2"), context=context)
    assert listed.attendance == 2
    at_edge = Activity.model_validate(
        activity_data(attendee_ids="c1;c2", headcount=2), context=context
    )
    assert at_edge.attendance == 2
    assert Activity.model_validate(activity_data(), context=context).attendance is None
    with pytest.raises(ValidationError, match="headcount is smaller"):
        Activity.model_validate(activity_data(attendee_ids="c1;c2", headcount=1), context=context)
    with pytest.raises(ValidationError, match="lists a cadre twice"):
        Activity.model_validate(activity_data(attendee_ids="c1;c1"), context=context)


# ---------------------------------------------------------------------------------------------
# Branches, memberships, units, staffing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"committee_ids": "c1;c2;c1"}, "lists a member twice"),
        ({"committee_ids": "c1;c2;c3", "secretary_id": "c4"}, "secretary must be on the committee"),
        ({"secretary_id": "c1", "deputy_secretary_id": "c1"}, "deputy secretary cannot be"),
        ({"venue_standardized_year": 2022}, "has no venue"),
    ],
)
def test_branch_rules(changes: dict[str, Any], message: str, cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError, match=message):
        Branch.model_validate(branch_data(**changes), context={"registry": cadrecore_registry})


def test_branch_rules_pass_at_their_edges(cadrecore_registry: Registry) -> None:
    context = {"registry": cadrecore_registry}
    branch = Branch.model_validate(
        branch_data(
            committee_ids="c1、c2，c3",
            secretary_id="c1",
            deputy_secretary_id="c2",
            venue="活动室",
            venue_standardized_year=2022,
            covers_unit_ids="u1;u2",
        ),
        context=context,
    )
    assert branch.committee_ids == ("c1", "c2", "c3")
    assert branch.has_committee
    assert branch.is_joint
    no_committee = Branch.model_validate(branch_data(secretary_id="c1"), context=context)
    assert not no_committee.has_committee


def test_membership_dates() -> None:
    Membership(cadre_id="c1", branch_id="b1", since=date(2020, 1, 1), until=date(2020, 1, 1))
    with pytest.raises(ValidationError, match="until is before since"):
        Membership(cadre_id="c1", branch_id="b1", since=date(2020, 1, 2), until=date(2020, 1, 1))


def test_unit_rules() -> None:
    unit = Unit(
        id="u",
        name="单位",
        level="市级",
        kind="部门",
        established=date(2000, 1, 1),
        abolished=date(2000, 1, 1),
    )
    assert not unit.active_on(date(2000, 1, 1))
    with pytest.raises(ValidationError, match="abolished is before established"):
        Unit(
            id="u",
            name="单位",
            level="city",
            kind="department",
            established=date(2000, 1, 2),
            abolished=date(2000, 1, 1),
        )
    with pytest.raises(ValidationError, match="its own parent"):
        Unit(id="u", name="单位", level="city", kind="department", parent_id="u")


@pytest.mark.parametrize("bad_id", ["", " ", "-lead", "a b", "编号1", "a;b", "x" * 65])
def test_record_ids_are_stable_codes(bad_id: str) -> None:
    with pytest.raises(ValidationError, match="id"):
        Unit(id=bad_id, name="单位", level="city", kind="department")


def test_record_ids_at_their_edges() -> None:
    for good in ["a", "0", "A.b_c:d-e", "x" * 64, "  padded  "]:
        assert Unit(id=good, name="单位", level="city", kind="department").id == good.strip()


def test_assignment_rules() -> None:
    base: dict[str, Any] = {
        "id": "as1",
        "staff_id": "s1",
        "unit_id": "u",
        "establishment_kind": "行政编制",
        "start": date(2020, 1, 1),
    }
    Assignment.model_validate({**base, "end": date(2020, 1, 1), "tier": "乡科级", "grade": "副职"})
    with pytest.raises(ValidationError, match="end is before start"):
        Assignment.model_validate({**base, "end": date(2019, 12, 31)})
    with pytest.raises(ValidationError, match="a grade needs a tier"):
        Assignment.model_validate({**base, "grade": "deputy"})


# ---------------------------------------------------------------------------------------------
# Checklists, plans, projects, opinions, treatment, recognitions
# ---------------------------------------------------------------------------------------------


def test_checklist_rules(cadrecore_registry: Registry) -> None:
    context = {"registry": cadrecore_registry}
    base: dict[str, Any] = {
        "id": "cl",
        "name": "六个一",
        "owner_unit_id": "city",
        "from_year": 2020,
        "items": [{"item": "six_ones.report_hearing"}],
    }
    assert Checklist.model_validate({**base, "to_year": 2020}, context=context).holds_in(2020)
    with pytest.raises(ValidationError, match="same item twice"):
        Checklist.model_validate(
            {**base, "items": [{"item": "six_ones.report_hearing"}] * 2}, context=context
        )
    with pytest.raises(ValidationError, match="to_year is before from_year"):
        Checklist.model_validate({**base, "to_year": 2019}, context=context)
    with pytest.raises(ValidationError, match="items"):
        Checklist.model_validate({**base, "items": []}, context=context)


def test_plan_rules(cadrecore_registry: Registry) -> None:
    context = {"registry": cadrecore_registry}
    base: dict[str, Any] = {
        "id": "p",
        "name": "三年规划",
        "owner_unit_id": "city",
        "from_year": 2020,
        "to_year": 2022,
        "targets": [{"metric": "standardized_venues", "per_year": 10}],
    }
    assert Plan.model_validate(base, context=context).covers(2022)
    with pytest.raises(ValidationError, match="same metric twice"):
        Plan.model_validate({**base, "targets": base["targets"] * 2}, context=context)
    with pytest.raises(ValidationError, match="to_year is before from_year"):
        Plan.model_validate({**base, "to_year": 2019}, context=context)
    with pytest.raises(ValidationError, match="unknown plan metric"):
        Plan.model_validate({**base, "targets": [{"metric": "venues"}]}, context=context)


def test_project_rules() -> None:
    base: dict[str, Any] = {
        "id": "pr",
        "name": "果园支部",
        "leader_id": "c1",
        "field": "脱贫攻坚",
        "county_id": "kelan",
        "from_year": 2016,
        "results": [{"metric": "筹集资金", "value": 420000, "unit": "元"}],
    }
    project = Project.model_validate({**base, "to_year": 2016})
    assert project.field is ProjectField.POVERTY_ALLEVIATION
    with pytest.raises(ValidationError, match="same metric twice"):
        Project.model_validate({**base, "results": base["results"] * 2})
    with pytest.raises(ValidationError, match="to_year is before from_year"):
        Project.model_validate({**base, "to_year": 2015})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"answered": date(2022, 6, 29), "answer": "已答复"}, "answered is before raised"),
        ({"answered": date(2022, 7, 1)}, "the answer is empty"),
        ({"satisfied": True}, "not answered"),
    ],
)
def test_opinion_rules(changes: dict[str, Any], message: str) -> None:
    base = {
        "id": "op",
        "raised": date(2022, 6, 30),
        "content": "希望增加体检项目",
        "assigned_unit_id": "u",
    }
    Opinion.model_validate(
        {**base, "answered": date(2022, 6, 30), "answer": "已安排", "satisfied": True}
    )
    with pytest.raises(ValidationError, match=message):
        Opinion.model_validate({**base, **changes})


def test_an_opinion_has_content() -> None:
    # an empty cell reads as a missing value, so empty content could never be loaded again
    with pytest.raises(ValidationError, match="content"):
        Opinion(id="op", raised=date(2022, 6, 30), content=" ", assigned_unit_id="u")


def test_treatment_standard_rules() -> None:
    base: dict[str, Any] = {
        "id": "s",
        "name": "标准",
        "treatment_item": "春节慰问金",
        "amount_yuan": "500.50",
        "effective_from": date(2020, 1, 1),
    }
    standard = TreatmentStandard.model_validate({**base, "effective_to": date(2020, 1, 1)})
    assert standard.amount_yuan == Decimal("500.50")
    with pytest.raises(ValidationError, match="effective_to is before"):
        TreatmentStandard.model_validate({**base, "effective_to": date(2019, 12, 31)})
    with pytest.raises(ValidationError, match="amount_yuan"):
        TreatmentStandard.model_validate({**base, "amount_yuan": "-1"})
    with pytest.raises(ValidationError, match="amount_yuan"):
        TreatmentStandard.model_validate({**base, "amount_yuan": "1.005"})


def test_recognition_names_one_recipient() -> None:
    base: dict[str, Any] = {
        "id": "r",
        "title": "全国老干部工作先进集体",
        "kind": "荣誉",
        "level": "全国",
        "date": date(2016, 9, 1),
    }
    Recognition.model_validate(base)
    Recognition.model_validate({**base, "recipient_unit_id": "u"})
    with pytest.raises(ValidationError, match="not both"):
        Recognition.model_validate({**base, "recipient_unit_id": "u", "recipient_cadre_id": "c"})


# ---------------------------------------------------------------------------------------------
# Service records: state and dates
# ---------------------------------------------------------------------------------------------


class KitDetails(BaseModel):
    kit_no: str


class KitPlugin:
    @staticmethod
    @hookimpl
    def register_service_types(register: Callable[[ServiceType], None]) -> None:
        register(
            ServiceType(
                key="coal.medicine_kit",
                label=Text("急救药箱", "medicine kit"),
                department=Text("市煤炭局", "city coal bureau"),
                details=KitDetails,
            )
        )


@pytest.fixture
def kit_registry(register_plugin: Callable[..., str], cadrecore_pm: Any) -> Registry:
    from cadrecore import get_registry

    register_plugin(KitPlugin, name="coal")
    return get_registry(cadrecore_pm)


def service(registry: Registry, **changes: Any) -> ServiceRecord:
    data: dict[str, Any] = {
        "id": "s1",
        "service_type": "coal.medicine_kit",
        "cadre_id": "c1",
        "provider_unit_id": "coal",
        "requested": date(2022, 3, 1),
        "details": {"kit_no": "K-001"},
    }
    data.update(changes)
    return ServiceRecord.model_validate(data, context={"registry": registry})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delivered": date(2022, 2, 28)}, "delivered is before requested"),
        ({"state": "delivered"}, "needs the delivered date"),
        ({"state": "rated", "delivered": date(2022, 3, 1)}, "needs a rating"),
        ({"state": "delivered", "delivered": date(2022, 3, 1), "rating": 5}, "only a 'rated'"),
        ({"state": "已取消"}, "needs a reason"),
        ({"state": "declined"}, "needs a reason"),
        ({"state": "rated", "delivered": date(2022, 3, 1), "rating": 6}, "rating"),
    ],
)
def test_service_record_state_and_dates_fail(
    changes: dict[str, Any], message: str, kit_registry: Registry
) -> None:
    with pytest.raises(ValidationError, match=message):
        service(kit_registry, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"state": "已服务", "delivered": date(2022, 3, 1)},  # delivered the day requested
        {"state": "rated", "delivered": date(2022, 3, 2), "rating": 1},
        {"state": "cancelled", "reason": "本人不需要"},
    ],
)
def test_service_record_state_and_dates_pass(
    changes: dict[str, Any], kit_registry: Registry
) -> None:
    record = service(kit_registry, **changes)
    assert isinstance(record.state, ServiceState)


# ---------------------------------------------------------------------------------------------
# Month-days (due dates)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06-30", MonthDay(6, 30)),
        ("6-30", MonthDay(6, 30)),
        ("6/30", MonthDay(6, 30)),
        ("6.30", MonthDay(6, 30)),
        ("6月30日", MonthDay(6, 30)),
        (" 12 月 31 ", MonthDay(12, 31)),
        ("02-29", MonthDay(2, 29)),
        ((1, 31), MonthDay(1, 31)),
        ([2, 28], MonthDay(2, 28)),
    ],
)
def test_month_day_parsing(value: Any, expected: MonthDay, cadrecore_registry: Registry) -> None:
    entry = ChecklistEntry.model_validate(
        {"item": "six_ones.report_hearing", "due": value}, context={"registry": cadrecore_registry}
    )
    assert entry.due == expected


@pytest.mark.parametrize("value", ["13-01", "04-31", "02-30", "00-10", "6", "June 30", "6-30-1"])
def test_month_day_refused(value: str, cadrecore_registry: Registry) -> None:
    with pytest.raises(ValidationError, match="due"):
        ChecklistEntry.model_validate(
            {"item": "six_ones.report_hearing", "due": value},
            context={"registry": cadrecore_registry},
        )


def test_month_day_in_a_year() -> None:
    assert MonthDay(2, 29).in_year(2024) == date(2024, 2, 29)
    assert MonthDay(2, 29).in_year(2023) == date(2023, 2, 28)
    assert MonthDay(6, 30).in_year(2022) == date(2022, 6, 30)
    assert str(MonthDay(6, 3)) == "06-03"
