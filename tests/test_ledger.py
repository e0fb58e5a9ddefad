"""The ledger's cross-reference checks (each names the record and field) and its queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from cadrecore import (
    Ledger,
    LedgerError,
    Period,
    Registry,
    ServiceType,
    Text,
    get_registry,
    hookimpl,
)
from cadrecore.errors import UnknownKeyError
from cadrecore.models import (
    Activity,
    Assignment,
    Establishment,
    LeadershipPost,
    Membership,
    Plan,
    PlanTarget,
    Programme,
    Project,
    ServiceRecord,
    StaffMember,
    Theme,
    Unit,
)
from cadrecore.plugins import PluginManager

Build = Callable[..., Ledger]
Found = set[tuple[str | None, str | None, str | None]]


def found(exc: pytest.ExceptionInfo[LedgerError]) -> Found:
    """(record kind, record id, field) of every problem."""
    return {(p.record_kind, p.record_id, p.location.field) for p in exc.value.problems}


def changed(ledger: Ledger, kind: str, record_id: str, **fields: Any) -> tuple[Any, ...]:
    """The records of ``kind`` with one of them changed (not validated: a reference only)."""
    return tuple(
        r.model_copy(update=fields) if getattr(r, "id", None) == record_id else r
        for r in ledger.records(kind)
    )


def test_the_mini_ledger_holds_together(mini: Build) -> None:
    ledger = mini()
    assert ledger.counts()["cadres"] == 5
    assert ledger.root.id == "city"
    assert ledger.registry.branch_types.get("team")


# ---------------------------------------------------------------------------------------------
# Dangling references: every reference names its record kind, id and field
# ---------------------------------------------------------------------------------------------

EXTRA: dict[str, Any] = {
    "establishments": (
        Establishment(
            id="e1",
            unit_id="city.lgb",
            kind="行政编制",
            approved=2,
            effective_from=date(2019, 1, 1),
        ),
    ),
    "leadership_posts": (
        LeadershipPost(
            id="lp1", unit_id="city.lgb", tier="乡科级", approved=1, effective_from=date(2019, 1, 1)
        ),
    ),
    "staff": (StaffMember(id="st1", name="周海燕"),),
    "assignments": (
        Assignment(
            id="as1",
            staff_id="st1",
            unit_id="city.lgb",
            establishment_kind="行政编制",
            start=date(2019, 1, 1),
        ),
    ),
    "programmes": (
        Programme(id="pg1", name="人生设计讲堂", year=2022, theme_id="t2022", owner_unit_id="city"),
    ),
    "projects": (
        Project(
            id="pj1",
            name="果园支部",
            leader_id="c3",
            field="脱贫攻坚",
            county_id="daixian",
            branch_id="b2",
            programme_id="pg1",
            from_year=2016,
        ),
    ),
}


@pytest.mark.parametrize(
    ("kind", "record_id", "field", "value"),
    [
        ("units", "xinfu", "parent_id", "nowhere"),
        ("establishments", "e1", "unit_id", "nowhere"),
        ("leadership_posts", "lp1", "unit_id", "nowhere"),
        ("assignments", "as1", "staff_id", "nobody"),
        ("assignments", "as1", "unit_id", "nowhere"),
        ("cadres", "c1", "county_id", "nowhere"),
        ("party_orgs", "org", "unit_id", "nowhere"),
        ("party_orgs", "org", "parent_id", "no_org"),
        ("branches", "b1", "org_id", "no_org"),
        ("branches", "b1", "county_id", "nowhere"),
        ("branches", "b1", "covers_unit_ids", ("city", "nowhere")),
        ("activities", "a1", "branch_id", "no_branch"),
        ("activities", "a2", "owner_unit_id", "nowhere"),
        ("activities", "a2", "theme_id", "no_theme"),
        ("activities", "a1", "attendee_ids", ("c1", "nobody")),
        ("checklists", "six_ones", "owner_unit_id", "nowhere"),
        ("themes", "t2021", "owner_unit_id", "nowhere"),
        ("programmes", "pg1", "owner_unit_id", "nowhere"),
        ("programmes", "pg1", "theme_id", "no_theme"),
        ("projects", "pj1", "leader_id", "nobody"),
        ("projects", "pj1", "county_id", "nowhere"),
        ("projects", "pj1", "branch_id", "no_branch"),
        ("projects", "pj1", "programme_id", "no_programme"),
        ("opinions", "op1", "raised_at_id", "no_activity"),
        ("opinions", "op1", "assigned_unit_id", "nowhere"),
        ("treatment_standards", "s1", "applies_to_unit_id", "nowhere"),
        ("treatment_grants", "g1", "cadre_id", "nobody"),
        ("treatment_grants", "g1", "standard_id", "no_standard"),
        ("recognitions", "r1", "recipient_unit_id", "nowhere"),
    ],
)
def test_a_dangling_reference_names_kind_id_and_field(
    mini: Build, kind: str, record_id: str, field: str, value: Any
) -> None:
    base = mini(**EXTRA)
    with pytest.raises(LedgerError) as exc:
        base.replace(**{kind: changed(base, kind, record_id, **{field: value})})
    assert (kind, record_id, field) in found(exc)
    missing = value[-1] if isinstance(value, tuple) else value
    assert any(missing in p.message("en") for p in exc.value.problems)


def test_the_jurisdiction_root_must_be_a_unit(mini: Build) -> None:
    base = mini()
    with pytest.raises(LedgerError) as exc:
        base.replace(jurisdiction=base.jurisdiction.model_copy(update={"root_unit_id": "gone"}))
    assert found(exc) == {("jurisdiction", "xz", "root_unit_id")}


def test_a_checklist_entry_owner_must_be_a_unit(mini: Build) -> None:
    base = mini()
    checklist = base.checklists[0]
    entry = checklist.items[0].model_copy(update={"owner_unit_id": "nowhere"})
    bad = checklist.model_copy(update={"items": (entry, *checklist.items[1:])})
    with pytest.raises(LedgerError) as exc:
        base.replace(checklists=(bad,))
    assert {kind for kind, _, _ in found(exc)} == {"checklists"}


def test_every_problem_is_reported_not_only_the_first(mini: Build) -> None:
    base = mini()
    cadres = changed(base, "cadres", "c1", county_id="nowhere")
    with pytest.raises(LedgerError) as exc:
        base.replace(cadres=cadres, activities=changed(base, "activities", "a3", branch_id="b9"))
    assert {("cadres", "c1", "county_id"), ("activities", "a3", "branch_id")} <= found(exc)
    rendered = exc.value.render("en")
    assert "problem(s)" in rendered
    assert "'nowhere'" in rendered
    assert "账册有" in exc.value.render("zh")


# ---------------------------------------------------------------------------------------------
# Memberships and officers
# ---------------------------------------------------------------------------------------------


def membership_problems(exc: pytest.ExceptionInfo[LedgerError]) -> set[tuple[str, str]]:
    return {
        (p.record_id or "", p.location.field or "")
        for p in exc.value.problems
        if p.record_kind == "memberships"
    }


def test_a_member_must_be_on_the_roster(mini: Build) -> None:
    base = mini()
    extra = Membership(cadre_id="c9", branch_id="b1", since=date(2020, 1, 1))
    with pytest.raises(LedgerError) as exc:
        base.replace(memberships=(*base.memberships, extra))
    [(record_id, field)] = membership_problems(exc)
    assert record_id.startswith("c9@b1")
    assert field == "cadre_id"
    assert "not on the roster" in exc.value.problems[0].message("en")


def test_a_membership_of_an_unknown_branch(mini: Build) -> None:
    base = mini()
    extra = Membership(
        cadre_id="c1", branch_id="b9", since=date(2010, 1, 1), until=date(2011, 1, 1)
    )
    with pytest.raises(LedgerError) as exc:
        base.replace(memberships=(*base.memberships, extra))
    [(record_id, field)] = membership_problems(exc)
    assert record_id.startswith("c1@b9")
    assert field == "branch_id"


def test_a_non_party_member_cannot_be_in_a_branch(mini: Build) -> None:
    base = mini()
    extra = Membership(cadre_id="c4", branch_id="b2")
    with pytest.raises(LedgerError) as exc:
        base.replace(memberships=(*base.memberships, extra))
    [(record_id, field)] = membership_problems(exc)
    assert record_id.startswith("c4@b2")
    assert field == "cadre_id"
    assert "not a party member" in exc.value.problems[0].message("en")


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2021, 6, 30), None),  # overlaps c2's b1 membership by one day
        (None, date(2018, 1, 2)),  # open start: overlaps from 2018-01-01
        (date(2019, 1, 1), date(2019, 2, 1)),  # inside
    ],
)
def test_a_cadre_in_two_branches_at_once(
    mini: Build, since: date | None, until: date | None
) -> None:
    base = mini()
    kept = [m for m in base.memberships if not (m.cadre_id == "c2" and m.branch_id == "b2")]
    moved = (*kept, Membership(cadre_id="c2", branch_id="b2", since=since, until=until))
    with pytest.raises(LedgerError) as exc:
        base.replace(memberships=moved)
    [(record_id, field)] = membership_problems(exc)
    assert record_id.startswith("c2@b2")
    assert field == "branch_id"
    assert "at the same time" in exc.value.problems[0].message("en")


def test_moving_on_the_day_the_old_membership_ends_is_no_overlap(mini: Build) -> None:
    ledger = mini()  # c2: b1 until 2021-07-01, b2 since 2021-07-01
    assert {m.branch_id for m in ledger.memberships if m.cadre_id == "c2"} == {"b1", "b2"}


@pytest.mark.parametrize(
    ("branch", "changes", "field"),
    [
        ("b1", {"secretary_id": "c3"}, "secretary_id"),  # c3 is in b2 only
        ("b2", {"deputy_secretary_id": "c4"}, "deputy_secretary_id"),  # not a party member
        ("b2", {"committee_ids": ("c3", "c1"), "secretary_id": "c3"}, "committee_ids"),
    ],
)
def test_officers_must_be_members(
    mini: Build, branch: str, changes: dict[str, Any], field: str
) -> None:
    base = mini()
    with pytest.raises(LedgerError) as exc:
        base.replace(branches=changed(base, "branches", branch, **changes))
    assert found(exc) == {("branches", branch, field)}
    assert "is not a member of this branch" in exc.value.problems[0].message("en")


def test_a_former_member_may_still_be_named_an_officer(mini: Build) -> None:
    # officer checks look at membership of the branch at any time, not on a date
    base = mini()
    ledger = base.replace(branches=changed(base, "branches", "b1", deputy_secretary_id="c2"))
    assert ledger.branch("b1").deputy_secretary_id == "c2"


# ---------------------------------------------------------------------------------------------
# Ids, the unit tree, scopes, services, treatment, themes
# ---------------------------------------------------------------------------------------------


def test_a_duplicate_id_names_kind_and_id(mini: Build) -> None:
    base = mini()
    twin = base.cadres[0].model_copy(update={"name": "同号"})
    with pytest.raises(LedgerError) as exc:
        base.replace(cadres=(*base.cadres, twin))
    assert found(exc) == {("cadres", "c1", "id")}


def test_the_same_id_in_two_kinds_is_fine(mini: Build) -> None:
    base = mini()
    ledger = base.replace(themes=changed(base, "themes", "t2021", id="c1"))
    assert ledger.get("themes", "c1").year == 2021


def test_a_unit_cycle(mini: Build) -> None:
    base = mini()
    units = changed(base, "units", "xinfu", parent_id="xinfu.lgb")
    with pytest.raises(LedgerError) as exc:
        base.replace(units=units)
    assert {("units", "xinfu", "parent_id"), ("units", "xinfu.lgb", "parent_id")} <= found(exc)
    assert all(k == "units" and f == "parent_id" for k, _, f in found(exc))


def test_a_branch_kind_held_by_a_unit(mini: Build) -> None:
    base = mini()
    acts = changed(base, "activities", "a1", branch_id=None, owner_unit_id="xinfu")
    with pytest.raises(LedgerError) as exc:
        base.replace(activities=acts)
    assert found(exc) == {("activities", "a1", "branch_id")}


def test_a_unit_kind_held_by_a_branch(mini: Build) -> None:
    base = mini()
    acts = changed(base, "activities", "a2", branch_id="b1", owner_unit_id=None)
    with pytest.raises(LedgerError) as exc:
        base.replace(activities=acts)
    assert found(exc) == {("activities", "a2", "owner_unit_id")}


def test_an_any_scope_kind_may_be_held_by_either(mini: Build) -> None:
    base = mini()
    acts = changed(base, "activities", "a4", branch_id="b1", owner_unit_id=None)
    assert base.replace(activities=acts).activities_of("theme_activity", branch_id="b1")


def test_a_grant_for_another_item_than_its_standard(mini: Build) -> None:
    base = mini()
    grants = changed(base, "treatment_grants", "g1", treatment_item="健康体检")
    with pytest.raises(LedgerError) as exc:
        base.replace(treatment_grants=grants)
    assert found(exc) == {("treatment_grants", "g1", "treatment_item")}


def test_two_themes_in_a_year_for_one_unit(mini: Build) -> None:
    base = mini()
    second = Theme(id="t2022b", year=2022, title="培育时代老人", owner_unit_id="city")
    with pytest.raises(LedgerError) as exc:
        base.replace(themes=(*base.themes, second))
    assert found(exc) == {("themes", "t2022b", "year")}
    assert "t2022" in exc.value.problems[0].message("en")


class KitDetails(BaseModel):
    kit_no: str
    medicines: int


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


def test_service_details_are_checked_against_the_service_type(
    mini: Build, cadrecore_pm: PluginManager, register_plugin: Callable[..., str]
) -> None:
    register_plugin(KitPlugin, name="coal")
    registry = get_registry(cadrecore_pm)
    base = mini()
    data = {name: getattr(base, name) for name in type(base).model_fields}

    def record(details: dict[str, Any]) -> ServiceRecord:
        return ServiceRecord.model_validate(
            {
                "id": "sv1",
                "service_type": "coal.medicine_kit",
                "cadre_id": "c1",
                "provider_unit_id": "city.lgb",
                "requested": "2022-03-01",
                "details": details,
            },
            context={"registry": registry},
        )

    good = Ledger(
        registry=registry,
        **{**data, "service_records": (record({"kit_no": "K1", "medicines": 3}),)},
    )
    assert good.service_records_of("coal.medicine_kit")[0].details.kit_no == "K1"  # type: ignore[union-attr]
    with pytest.raises(LedgerError) as exc:
        Ledger(registry=registry, **{**data, "service_records": (record({"medicines": "many"}),)})
    assert found(exc) == {
        ("service_records", "sv1", "details.kit_no"),
        ("service_records", "sv1", "details.medicines"),
    }


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def ids(records: Any) -> list[str]:
    return [r.id for r in records]


def test_members_of_with_and_without_a_date(mini: Build) -> None:
    ledger = mini()
    assert ids(ledger.members_of("b1")) == ["c1", "c2", "c5"]
    assert ids(ledger.members_of("b1", on=date(2021, 6, 30))) == ["c1", "c2"]
    assert ids(ledger.members_of("b1", on=date(2021, 7, 1))) == ["c1"]  # until is exclusive
    assert ids(ledger.members_of("b1", on=date(2022, 1, 1))) == ["c1", "c5"]  # since inclusive
    assert ids(ledger.members_of("b1", on=date(2017, 12, 31))) == []
    assert ids(ledger.members_of("b2", on=date(2021, 7, 1))) == ["c2", "c3"]
    with pytest.raises(KeyError, match="no branches record with id 'b9'"):
        ledger.members_of("b9")


def test_branch_of(mini: Build) -> None:
    ledger = mini()
    assert ledger.branch_of("c2", on=date(2021, 6, 30)) == ledger.branch("b1")
    assert ledger.branch_of("c2", on=date(2021, 7, 1)) == ledger.branch("b2")
    assert ledger.branch_of("c1") == ledger.branch("b1")
    assert ledger.branch_of("c4") is None  # not a party member
    assert ledger.branch_of("c5", on=date(2021, 12, 31)) is None  # not yet joined
    assert ledger.branch_of("nobody") is None


def test_the_unit_tree(mini: Build) -> None:
    ledger = mini()
    assert ids(ledger.children_of("city")) == ["city.lgb", "xinfu", "daixian"]
    assert ids(ledger.children_of("daixian")) == []
    assert ids(ledger.descendants_of("city")) == ["city.lgb", "xinfu", "xinfu.lgb", "daixian"]
    assert ids(ledger.ancestors_of("xinfu.lgb")) == ["xinfu", "city"]
    assert ids(ledger.ancestors_of("city")) == []
    assert ids(ledger.counties()) == ["xinfu", "daixian"]
    with pytest.raises(KeyError, match="nowhere"):
        ledger.children_of("nowhere")


def test_the_unit_tree_in_any_order(mini: Build) -> None:
    base = mini()
    ledger = base.replace(units=tuple(reversed(base.units)))
    assert ids(ledger.ancestors_of("xinfu.lgb")) == ["xinfu", "city"]
    assert set(ids(ledger.descendants_of("city"))) == {"city.lgb", "xinfu", "xinfu.lgb", "daixian"}


def test_cadres_of_county(mini: Build) -> None:
    ledger = mini()
    assert ids(ledger.cadres_of_county("xinfu")) == ["c1", "c2", "c5"]
    assert ids(ledger.cadres_of_county("daixian")) == ["c3", "c4"]
    assert ids(ledger.cadres_of_county("city.lgb")) == []
    with pytest.raises(KeyError):
        ledger.cadres_of_county("nowhere")


def test_party_members_on_a_date(mini: Build) -> None:
    base = mini()
    ledger = base.replace(cadres=changed(base, "cadres", "c1", deceased=date(2021, 5, 1)))
    assert ids(ledger.party_members()) == ["c1", "c2", "c3", "c5"]
    assert ids(ledger.party_members(on=date(2021, 4, 30))) == ["c1", "c2", "c3", "c5"]
    assert ids(ledger.party_members(on=date(2021, 5, 1))) == ["c2", "c3", "c5"]


def test_activities_of(mini: Build) -> None:
    ledger = mini()
    assert ids(ledger.activities_of("general_meeting")) == ["a3", "a1"]  # by date
    assert ids(ledger.activities_of()) == ["a4", "a3", "a1", "a2"]
    assert ids(ledger.activities_of(period=Period.year(2022))) == ["a3", "a1", "a2"]
    assert ids(ledger.activities_of(period=Period(date(2022, 3, 15), date(2022, 6, 30)))) == [
        "a1",
        "a2",
    ]
    assert ids(ledger.activities_of("general_meeting", branch_id="b1")) == ["a1"]
    assert ids(ledger.activities_of(unit_id="city")) == ["a2"]
    assert ids(ledger.activities_of("general_meeting", unit_id="city")) == []
    assert ids(ledger.activities_of("election")) == []
    with pytest.raises(UnknownKeyError, match="picnic"):
        ledger.activities_of("picnic")


def test_theme_of(mini: Build) -> None:
    ledger = mini()
    theme = ledger.theme_of(2022)
    assert theme is not None
    assert theme.title == "人生设计"
    county_theme = ledger.theme_of(2022, "xinfu")
    assert county_theme is not None
    assert county_theme.id == "t2022x"
    assert ledger.theme_of(2020) is None
    assert ledger.theme_of(2021, "xinfu") is None


def test_lookups_name_what_is_missing(mini: Build) -> None:
    ledger = mini()
    assert ledger.cadre("c3").retirement_kind.zh == "离休"
    with pytest.raises(KeyError, match="no cadres record with id 'c9'"):
        ledger.cadre("c9")


def test_replace_checks_anew_and_keeps_the_registry(
    mini: Build, cadrecore_registry: Registry
) -> None:
    base = mini()
    extra = Unit(id="kelan", name="岢岚县", level="county", kind="government", parent_id="city")
    ledger = base.replace(units=(*base.units, extra))
    assert ledger.registry is cadrecore_registry
    assert ids(ledger.counties()) == ["xinfu", "daixian", "kelan"]
    assert base.counts()["units"] == 5  # the original is unchanged


def test_plan_metrics_are_checked_through_the_registry(mini: Build) -> None:
    base = mini()
    plan = Plan(
        id="p1",
        name="三年规划",
        owner_unit_id="nowhere",
        from_year=2020,
        to_year=2022,
        targets=(PlanTarget(metric="standardized_venues", per_year=10),),
    )
    with pytest.raises(LedgerError) as exc:
        base.replace(plans=(plan,))
    assert found(exc) == {("plans", "p1", "owner_unit_id")}


def test_activities_attendees_are_cadres(mini: Build) -> None:
    base = mini()
    act = Activity.model_validate(
        {
            "id": "a9",
            "activity_kind": "party_lecture",
            "date": "2022-04-01",
            "branch_id": "b1",
            "attendee_ids": "c1;c9",
        },
        context={"registry": base.registry},
    )
    with pytest.raises(LedgerError) as exc:
        base.replace(activities=(*base.activities, act))
    assert found(exc) == {("activities", "a9", "attendee_ids")}
